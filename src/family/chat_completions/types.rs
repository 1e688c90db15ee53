//! The chat-completions types: request, message, tool, response and chunk
//! bodies, as serde types that both parse and render them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The chat-completions request body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenAiChatRequest {
    /// Must equal the model id, or be absent (the builder leaves it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The conversation, system/developer messages first.
    pub messages: Vec<OpenAiMessage>,
    /// The most tokens to generate, reasoning included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_completion_tokens: Option<u32>,
    /// Sequences that stop generation: a string or a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<OpenAiStop>,
    /// 0–2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f32>,
    /// Functions the model may call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<OpenAiTool>>,
    /// How the model must choose tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<OpenAiToolChoice>,
    /// Must match the operation (`false` for InvokeModel), or be absent (the
    /// builder leaves it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// Any other chat-completions field (`reasoning_effort`, `seed`, ...),
    /// kept as given.
    #[serde(flatten, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// `stop`: one sequence or several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OpenAiStop {
    /// One sequence.
    One(String),
    /// Several sequences.
    Many(Vec<String>),
}

/// One message, request or response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiMessage {
    /// `system`, `developer`, `user`, `assistant` or `tool`.
    pub role: String,
    /// A string or content parts; absent or `null` on an assistant message
    /// that only calls tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<OpenAiContent>,
    /// The assistant's tool calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<OpenAiToolCall>>,
    /// On a `tool` message: the call it answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
}

impl OpenAiMessage {
    /// A message of plain text.
    pub fn text(role: &str, text: impl Into<String>) -> Self {
        OpenAiMessage {
            role: role.to_string(),
            content: Some(OpenAiContent::Text(text.into())),
            tool_calls: None,
            tool_call_id: None,
        }
    }

    /// The text of the content (text parts joined), empty when there is none.
    pub fn content_text(&self) -> String {
        match &self.content {
            None => String::new(),
            Some(OpenAiContent::Text(text)) => text.clone(),
            Some(OpenAiContent::Parts(parts)) => parts
                .iter()
                .filter_map(|p| match p {
                    OpenAiContentPart::Text { text } => Some(text.as_str()),
                    OpenAiContentPart::ImageUrl { .. } => None,
                })
                .collect(),
        }
    }
}

/// A message's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OpenAiContent {
    /// Plain text.
    Text(String),
    /// Content parts.
    Parts(Vec<OpenAiContentPart>),
}

/// One content part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OpenAiContentPart {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image by URL or `data:` URL (vision models only).
    ImageUrl {
        /// `{"url": ...}`.
        image_url: Value,
    },
}

/// A tool call made by the assistant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiToolCall {
    /// The call's id, echoed by the `tool` message that answers it.
    pub id: String,
    /// Always `function`.
    #[serde(rename = "type", default = "function_type")]
    pub kind: String,
    /// The function and its arguments.
    pub function: OpenAiFunctionCall,
}

/// The function of a tool call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiFunctionCall {
    /// The function's name.
    pub name: String,
    /// The arguments, a JSON object serialised as a string.
    pub arguments: String,
}

/// A tool definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiTool {
    /// Always `function`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The function.
    pub function: OpenAiFunction,
}

/// A function definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiFunction {
    /// The function's name.
    pub name: String,
    /// What it does, for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A JSON Schema of its arguments.
    pub parameters: Value,
}

/// `tool_choice`: a mode or one named function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OpenAiToolChoice {
    /// `auto`, `none` or `required`.
    Mode(String),
    /// `{"type":"function","function":{"name":...}}`.
    Function {
        /// Always `function`.
        #[serde(rename = "type")]
        kind: String,
        /// `{"name": ...}`.
        function: OpenAiFunctionName,
    },
}

/// A function named by `tool_choice`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiFunctionName {
    /// The function's name.
    pub name: String,
}

/// The response body, a `chat.completion` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiChatResponse {
    /// `chatcmpl-...`.
    #[serde(default)]
    pub id: String,
    /// `chat.completion`.
    #[serde(default)]
    pub object: String,
    /// Unix seconds.
    #[serde(default)]
    pub created: u64,
    /// The model id.
    #[serde(default)]
    pub model: String,
    /// One choice.
    pub choices: Vec<OpenAiChoice>,
    /// Token counts.
    #[serde(default)]
    pub usage: Option<OpenAiUsage>,
}

/// One choice of a response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiChoice {
    /// The choice's index (0).
    #[serde(default)]
    pub index: u32,
    /// The assistant message.
    #[serde(default)]
    pub message: Option<OpenAiMessage>,
    /// The text, in the completion shape some servers answer with instead
    /// of `message` (Writer Palmyra).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `stop`, `length`, `tool_calls`, `content_filter`.
    #[serde(default)]
    pub finish_reason: Option<String>,
}

/// Token counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenAiUsage {
    /// Tokens read.
    #[serde(default)]
    pub prompt_tokens: u32,
    /// Tokens generated.
    #[serde(default)]
    pub completion_tokens: u32,
    /// The sum.
    #[serde(default)]
    pub total_tokens: u32,
}

/// One stream chunk, a `chat.completion.chunk` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiChatChunk {
    /// `chatcmpl-...`.
    #[serde(default)]
    pub id: String,
    /// `chat.completion.chunk`.
    #[serde(default)]
    pub object: String,
    /// Unix seconds.
    #[serde(default)]
    pub created: u64,
    /// The model id.
    #[serde(default)]
    pub model: String,
    /// The choice deltas (empty on a usage-only chunk).
    #[serde(default)]
    pub choices: Vec<OpenAiChunkChoice>,
    /// Token counts, where the server sends them.
    #[serde(default)]
    pub usage: Option<OpenAiUsage>,
}

/// One choice of a chunk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiChunkChoice {
    /// The choice's index (0).
    #[serde(default)]
    pub index: u32,
    /// What this chunk adds.
    #[serde(default)]
    pub delta: OpenAiDelta,
    /// The text piece, in the completion shape some servers stream instead
    /// of `delta` (Writer Palmyra).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Set on the last chunk of the choice.
    #[serde(default)]
    pub finish_reason: Option<String>,
}

/// The `delta` of a chunk choice.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenAiDelta {
    /// `assistant`, on the first chunk.
    #[serde(default)]
    pub role: Option<String>,
    /// A piece of the text.
    #[serde(default)]
    pub content: Option<String>,
    /// Pieces of tool calls.
    #[serde(default)]
    pub tool_calls: Option<Vec<OpenAiToolCallDelta>>,
}

/// A piece of a tool call: the first piece has `id` and the function name,
/// later pieces carry argument fragments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiToolCallDelta {
    /// Which tool call of the message (0, 1, ...).
    pub index: u32,
    /// The call's id, on the first piece.
    #[serde(default)]
    pub id: Option<String>,
    /// `function`, on the first piece.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The name and/or an arguments fragment.
    #[serde(default)]
    pub function: Option<OpenAiFunctionDelta>,
}

/// The function part of a tool-call piece.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenAiFunctionDelta {
    /// The function's name, on the first piece.
    #[serde(default)]
    pub name: Option<String>,
    /// A fragment of the JSON arguments.
    #[serde(default)]
    pub arguments: Option<String>,
}

pub(super) fn function_type() -> String {
    "function".to_string()
}
