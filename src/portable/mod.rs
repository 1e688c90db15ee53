//! The portable request and response: one shape for every model family.
//!
//! A [`PortableRequest`] says what to ask (system prompt, turns, inference
//! parameters, tools); each family renders it into its own native body. A
//! [`PortableResponse`] is what came back, normalised: text, tool calls, a
//! [`StopReason`], [`Usage`], embeddings and images.

use crate::media::Media;
use crate::output_schema::OutputSchema;
use crate::ranking::RerankOptions;
use crate::reasoning::{Effort, Reasoning, Thinking};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mod response;
pub use response::{InvocationMetrics, PortableResponse, StopReason, StreamEvent, ToolCall, Usage};

/// Who speaks a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The person (or program) asking.
    User,
    /// The model.
    Assistant,
    /// The operator, mid-conversation: instructions between turns (Claude
    /// Opus 4.8's mid-conversation system messages). The opening system
    /// prompt is [`PortableRequest::system`]; a family without this turn
    /// refuses it.
    System,
}

/// The encoding of an image block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// GIF.
    Gif,
    /// WebP.
    Webp,
}

impl ImageFormat {
    /// The format of image bytes, from their signature.
    ///
    /// ```
    /// use bedrock_harness::ImageFormat;
    ///
    /// assert_eq!(ImageFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(ImageFormat::Jpeg));
    /// assert_eq!(ImageFormat::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageFormat::Webp));
    /// assert_eq!(ImageFormat::sniff(b"not an image"), None);
    /// ```
    pub fn sniff(data: &[u8]) -> Option<ImageFormat> {
        match data {
            [0x89, b'P', b'N', b'G', ..] => Some(ImageFormat::Png),
            [0xFF, 0xD8, 0xFF, ..] => Some(ImageFormat::Jpeg),
            [b'G', b'I', b'F', b'8', ..] => Some(ImageFormat::Gif),
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => {
                Some(ImageFormat::Webp)
            }
            _ => None,
        }
    }

    /// The short name Bedrock's Converse and Nova use (`png`, `jpeg`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpeg",
            ImageFormat::Gif => "gif",
            ImageFormat::Webp => "webp",
        }
    }

    /// The MIME type Anthropic's blocks use (`image/png`, ...).
    pub fn media_type(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Gif => "image/gif",
            ImageFormat::Webp => "image/webp",
        }
    }

    /// Reads a short name or a MIME type; `None` for anything else.
    ///
    /// ```
    /// use bedrock_harness::ImageFormat;
    /// assert_eq!(ImageFormat::from_name("image/jpeg"), Some(ImageFormat::Jpeg));
    /// assert_eq!(ImageFormat::from_name("png"), Some(ImageFormat::Png));
    /// assert_eq!(ImageFormat::from_name("tiff"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        match name.strip_prefix("image/").unwrap_or(name) {
            "png" => Some(ImageFormat::Png),
            "jpeg" | "jpg" => Some(ImageFormat::Jpeg),
            "gif" => Some(ImageFormat::Gif),
            "webp" => Some(ImageFormat::Webp),
            _ => None,
        }
    }
}

/// One piece of a tool result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolResultContent {
    /// Plain text.
    Text(String),
    /// A JSON value.
    Json(Value),
}

impl ToolResultContent {
    /// The content as text: the text itself, or the JSON serialised.
    pub fn to_text(&self) -> String {
        match self {
            ToolResultContent::Text(text) => text.clone(),
            ToolResultContent::Json(value) => value.to_string(),
        }
    }
}

/// One block of a turn's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentBlock {
    /// Text.
    Text(String),
    /// An image, as raw bytes (families base64-encode them).
    Image {
        /// The encoding.
        format: ImageFormat,
        /// The image's bytes.
        #[serde(with = "crate::media::base64_bytes")]
        data: Vec<u8>,
    },
    /// The model asked for a tool to be called.
    ToolUse {
        /// The id that ties the call to its result.
        id: String,
        /// The tool's name.
        name: String,
        /// The arguments, a JSON object.
        input: Value,
    },
    /// The result of a tool call, sent back to the model.
    ToolResult {
        /// The id of the call this answers.
        tool_use_id: String,
        /// What the tool returned.
        content: Vec<ToolResultContent>,
        /// Whether the tool failed.
        is_error: bool,
    },
    /// What the model thought, in an assistant turn sent back to it.
    Reasoning(Reasoning),
    /// Audio or video sent to the model.
    Media(Media),
}

impl ContentBlock {
    /// A text block.
    ///
    /// ```
    /// use bedrock_harness::ContentBlock;
    /// assert_eq!(ContentBlock::text("Hi"), ContentBlock::Text("Hi".into()));
    /// ```
    pub fn text(text: impl Into<String>) -> Self {
        ContentBlock::Text(text.into())
    }

    /// An image block of `data` in `format`.
    ///
    /// ```
    /// use bedrock_harness::{ContentBlock, ImageFormat};
    /// let block = ContentBlock::image(ImageFormat::Png, [0x89, b'P', b'N', b'G']);
    /// assert!(matches!(block, ContentBlock::Image { format: ImageFormat::Png, .. }));
    /// ```
    pub fn image(format: ImageFormat, data: impl Into<Vec<u8>>) -> Self {
        ContentBlock::Image {
            format,
            data: data.into(),
        }
    }

    /// A call of the tool `name` with `input`, tied to its result by `id`.
    ///
    /// ```
    /// use bedrock_harness::ContentBlock;
    /// let call = ContentBlock::tool_use("call_1", "get_weather", serde_json::json!({"city": "Paris"}));
    /// assert!(matches!(call, ContentBlock::ToolUse { ref name, .. } if name == "get_weather"));
    /// ```
    pub fn tool_use(id: impl Into<String>, name: impl Into<String>, input: Value) -> Self {
        ContentBlock::ToolUse {
            id: id.into(),
            name: name.into(),
            input,
        }
    }

    /// The successful text result of the call `tool_use_id`.
    ///
    /// ```
    /// use bedrock_harness::{ContentBlock, ToolResultContent};
    /// let result = ContentBlock::tool_result("call_1", "12C");
    /// assert_eq!(
    ///     result,
    ///     ContentBlock::ToolResult {
    ///         tool_use_id: "call_1".into(),
    ///         content: vec![ToolResultContent::Text("12C".into())],
    ///         is_error: false,
    ///     }
    /// );
    /// ```
    pub fn tool_result(tool_use_id: impl Into<String>, text: impl Into<String>) -> Self {
        ContentBlock::ToolResult {
            tool_use_id: tool_use_id.into(),
            content: vec![ToolResultContent::Text(text.into())],
            is_error: false,
        }
    }
}

/// One turn of the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Who speaks.
    pub role: Role,
    /// What is said, in order.
    pub content: Vec<ContentBlock>,
}

impl Message {
    /// A turn of `role` holding `content`.
    ///
    /// ```
    /// use bedrock_harness::{ContentBlock, Message, Role};
    /// let turn = Message::new(Role::User, vec![ContentBlock::text("Hi")]);
    /// assert_eq!(turn, Message::user("Hi"));
    /// ```
    pub fn new(role: Role, content: Vec<ContentBlock>) -> Self {
        Message { role, content }
    }

    /// A user turn of plain text.
    pub fn user(text: impl Into<String>) -> Self {
        Message::new(Role::User, vec![ContentBlock::Text(text.into())])
    }

    /// An assistant turn of plain text.
    pub fn assistant(text: impl Into<String>) -> Self {
        Message::new(Role::Assistant, vec![ContentBlock::Text(text.into())])
    }

    /// The turn's text blocks joined together (images and tools left out).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for block in &self.content {
            if let ContentBlock::Text(text) = block {
                out.push_str(text);
            }
        }
        out
    }
}

/// Inference parameters common to the families. `None` leaves the model's
/// default; a family that cannot express a parameter that is set refuses the
/// request with [`crate::Error::Unsupported`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InferenceParams {
    /// The most tokens to generate.
    pub max_tokens: Option<u32>,
    /// Sampling temperature.
    pub temperature: Option<f32>,
    /// Nucleus sampling mass.
    pub top_p: Option<f32>,
    /// Top-k sampling.
    pub top_k: Option<u32>,
    /// Sequences that stop generation.
    pub stop_sequences: Vec<String>,
}

impl InferenceParams {
    /// The stop sequences as a body lists them: none when there are none.
    pub(crate) fn stop_list(&self) -> Option<Vec<String>> {
        (!self.stop_sequences.is_empty()).then(|| self.stop_sequences.clone())
    }
}

/// A tool the model may call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    /// The tool's name.
    pub name: String,
    /// What it does, for the model.
    pub description: Option<String>,
    /// A JSON Schema of its input object.
    pub input_schema: Value,
}

impl ToolSpec {
    /// A tool named `name` whose input `input_schema` describes, with no
    /// description.
    ///
    /// ```
    /// use bedrock_harness::ToolSpec;
    /// let tool = ToolSpec::new("get_weather", serde_json::json!({"type": "object"}))
    ///     .description("Current weather for a city");
    /// assert_eq!(tool.description.as_deref(), Some("Current weather for a city"));
    /// ```
    pub fn new(name: impl Into<String>, input_schema: Value) -> Self {
        ToolSpec {
            name: name.into(),
            description: None,
            input_schema,
        }
    }

    /// The tool with `text` as its description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }
}

/// How the model must choose tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolChoice {
    /// The model decides.
    Auto,
    /// The model must call some tool.
    Any,
    /// The model must call this tool.
    Tool(String),
    /// The model must not call a tool.
    None,
}

/// Options for embedding models.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingOptions {
    /// Output vector length, where the model lets you choose.
    pub dimensions: Option<u32>,
    /// Whether to normalise vectors, where the model lets you choose.
    pub normalize: Option<bool>,
    /// The purpose of the input (Cohere's `input_type`, e.g. `search_document`).
    pub input_type: Option<String>,
    /// The encodings asked for besides floats (Titan's `embeddingTypes`,
    /// Cohere's `embedding_types`: `float`, `binary`, `int8`, ...); empty
    /// for the model's default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// For each audio or video input, the embeddings to make, one vector
    /// each, as the wire names them (Nova: `AUDIO_VIDEO_COMBINED`, or `VIDEO`
    /// and `AUDIO` for its `AUDIO_VIDEO_SEPARATE` mode; Marengo: `visual`,
    /// `audio`, `transcription`); empty for the model's default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_embeddings: Vec<String>,
}

/// Options for image-generation models.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageOptions {
    /// How many images to generate.
    pub count: Option<u32>,
    /// Width in pixels.
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
    /// The random seed.
    pub seed: Option<u64>,
    /// What the image must not show.
    pub negative_prompt: Option<String>,
    /// The file format of the images to make (Stability's `output_format`);
    /// `None` for the model's default, PNG.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ImageFormat>,
    /// An image service's settings that have no field here, by their wire
    /// names (Stability's `control_strength`, `creativity`, `left`,
    /// `search_prompt`, ...); empty for none.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub settings: Map<String, Value>,
}

/// One request, for any model family.
///
/// Text models read `system`, `messages`, `params`, `tools` and
/// `tool_choice`. Embedding models embed the text of each user turn (one
/// input per turn) and read `embedding`. Image models draw the text of the
/// last user turn and read `image`.
///
/// # Example
///
/// ```
/// use bedrock_harness::{PortableRequest, Role};
///
/// // Arrange / Act
/// let req = PortableRequest::prompt("Explain quantum physics in 2 sentences.")
///     .system("Be brief.")
///     .max_tokens(512)
///     .temperature(0.5);
///
/// // Assert
/// assert_eq!(req.messages[0].role, Role::User);
/// assert_eq!(req.params.max_tokens, Some(512));
/// assert_eq!(req.system.as_deref(), Some("Be brief."));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PortableRequest {
    /// The system prompt.
    pub system: Option<String>,
    /// The conversation, oldest first; the first turn is the user's.
    pub messages: Vec<Message>,
    /// Inference parameters.
    pub params: InferenceParams,
    /// Tools the model may call.
    pub tools: Vec<ToolSpec>,
    /// How the model must choose among `tools`.
    pub tool_choice: Option<ToolChoice>,
    /// Options for embedding models.
    pub embedding: EmbeddingOptions,
    /// Options for image-generation models.
    pub image: ImageOptions,
    /// How the model may think before answering, where it can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking: Option<Thinking>,
    /// How hard the model works on its answer, where it can be told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<Effort>,
    /// The documents a rerank model ranks against the last user turn.
    #[serde(default, skip_serializing_if = "RerankOptions::is_empty")]
    pub rerank: RerankOptions,
    /// The JSON Schema the answer's text must follow (structured output).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<OutputSchema>,
}

impl PortableRequest {
    /// A request of one user turn.
    pub fn prompt(text: impl Into<String>) -> Self {
        PortableRequest {
            messages: vec![Message::user(text)],
            ..Default::default()
        }
    }

    /// Sets the system prompt.
    pub fn system(mut self, text: impl Into<String>) -> Self {
        self.system = Some(text.into());
        self
    }

    /// Appends a turn.
    pub fn message(mut self, message: Message) -> Self {
        self.messages.push(message);
        self
    }

    /// Sets the most tokens to generate.
    pub fn max_tokens(mut self, n: u32) -> Self {
        self.params.max_tokens = Some(n);
        self
    }

    /// Sets the sampling temperature.
    pub fn temperature(mut self, t: f32) -> Self {
        self.params.temperature = Some(t);
        self
    }

    /// Sets nucleus sampling.
    pub fn top_p(mut self, p: f32) -> Self {
        self.params.top_p = Some(p);
        self
    }

    /// Sets top-k sampling.
    pub fn top_k(mut self, k: u32) -> Self {
        self.params.top_k = Some(k);
        self
    }

    /// Adds a stop sequence.
    pub fn stop_sequence(mut self, s: impl Into<String>) -> Self {
        self.params.stop_sequences.push(s.into());
        self
    }

    /// Adds a tool.
    pub fn tool(mut self, tool: ToolSpec) -> Self {
        self.tools.push(tool);
        self
    }

    /// Sets the tool choice.
    pub fn tool_choice(mut self, choice: ToolChoice) -> Self {
        self.tool_choice = Some(choice);
        self
    }

    /// Sets how the model may think.
    pub fn thinking(mut self, thinking: Thinking) -> Self {
        self.thinking = Some(thinking);
        self
    }

    /// Sets the effort.
    pub fn effort(mut self, effort: Effort) -> Self {
        self.effort = Some(effort);
        self
    }

    /// Asks for an answer whose text follows `schema`.
    pub fn output_schema(mut self, schema: OutputSchema) -> Self {
        self.output_schema = Some(schema);
        self
    }

    /// Sets the documents to rerank.
    pub fn rerank(mut self, options: RerankOptions) -> Self {
        self.rerank = options;
        self
    }

    /// Whether the request turns thinking on (any setting but disabled).
    ///
    /// ```
    /// use bedrock_harness::{PortableRequest, Thinking};
    /// assert!(PortableRequest::prompt("Hi").thinking(Thinking::Adaptive).thinks());
    /// assert!(!PortableRequest::prompt("Hi").thinking(Thinking::Disabled).thinks());
    /// assert!(!PortableRequest::prompt("Hi").thinks());
    /// ```
    pub fn thinks(&self) -> bool {
        !matches!(self.thinking, None | Some(Thinking::Disabled))
    }

    /// Whether the request asks for reasoning: a thinking setting, an
    /// effort, or reasoning blocks in its turns.
    pub fn uses_reasoning(&self) -> bool {
        self.thinking.is_some()
            || self.effort.is_some()
            || self
                .blocks()
                .any(|b| matches!(b, ContentBlock::Reasoning(_)))
    }

    /// The text of the last user turn (the prompt of single-prompt models).
    pub fn last_user_text(&self) -> String {
        self.messages
            .iter()
            .rev()
            .find(|m| m.role == Role::User)
            .map(Message::text)
            .unwrap_or_default()
    }

    /// The text of each user turn: the inputs of embedding models.
    pub fn user_texts(&self) -> Vec<String> {
        self.messages
            .iter()
            .filter(|m| m.role == Role::User)
            .map(Message::text)
            .collect()
    }

    /// How many vectors an embedding model makes of each user turn: one,
    /// or one per [`EmbeddingOptions::media_embeddings`] entry for a turn
    /// with audio or video.
    ///
    /// ```
    /// use bedrock_harness::{ContentBlock, Media, MediaKind, MediaSource, Message, PortableRequest, Role};
    ///
    /// let clip = Media::new(MediaKind::Video, "mp4", MediaSource::s3("s3://b/clip.mp4"));
    /// let mut req = PortableRequest::default()
    ///     .message(Message::new(Role::User, vec![ContentBlock::Media(clip)]));
    /// req.embedding.media_embeddings = vec!["VIDEO".into(), "AUDIO".into()];
    /// assert_eq!(req.vectors_per_input(), vec![2]);
    /// assert_eq!(PortableRequest::prompt("Hi").vectors_per_input(), vec![1]);
    /// ```
    pub fn vectors_per_input(&self) -> Vec<usize> {
        self.messages
            .iter()
            .filter(|m| m.role == Role::User)
            .map(|m| {
                let media = m
                    .content
                    .iter()
                    .any(|b| matches!(b, ContentBlock::Media(_)));
                if media {
                    self.embedding.media_embeddings.len().max(1)
                } else {
                    1
                }
            })
            .collect()
    }

    /// Whether any turn carries an image.
    pub fn has_images(&self) -> bool {
        self.blocks()
            .any(|b| matches!(b, ContentBlock::Image { .. }))
    }

    /// Whether any turn carries a tool call or a tool result.
    pub fn has_tool_blocks(&self) -> bool {
        self.blocks().any(|b| {
            matches!(
                b,
                ContentBlock::ToolUse { .. } | ContentBlock::ToolResult { .. }
            )
        })
    }

    /// The audio and video blocks of every turn.
    ///
    /// ```
    /// use bedrock_harness::PortableRequest;
    /// assert_eq!(PortableRequest::prompt("Hi").media().count(), 0);
    /// ```
    pub fn media(&self) -> impl Iterator<Item = &Media> {
        self.blocks().filter_map(|b| match b {
            ContentBlock::Media(m) => Some(m),
            _ => None,
        })
    }

    fn blocks(&self) -> impl Iterator<Item = &ContentBlock> {
        self.messages.iter().flat_map(|m| m.content.iter())
    }
}
