//! The chat-completions types: request, message, tool, response and chunk
//! bodies, as serde types that both parse and render them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One message, request or response.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiMessage {
    /// `system`, `developer`, `user`, `assistant` or `tool`.
    pub role: String,
    /// A string or content parts; absent or `null` on an assistant message
    /// that only calls tools.
    pub content: Option<OpenAiContent>,
    /// The assistant's tool calls.
    pub tool_calls: Option<Vec<OpenAiToolCall>>,
    /// On a `tool` message: the call it answers.
    pub tool_call_id: Option<String>,
    /// The reasoning beside the answer, where a provider's response has the
    /// field (`Some(None)` writes `null`).
    pub reasoning_content: Option<Option<String>>,
}

impl OpenAiMessage {
    /// A message of plain text.
    pub fn text(role: &str, text: impl Into<String>) -> Self {
        OpenAiMessage {
            role: role.to_string(),
            content: Some(OpenAiContent::Text(text.into())),
            tool_calls: None,
            tool_call_id: None,
            reasoning_content: None,
        }
    }

    /// The text of the content (text parts joined), empty when there is none.
    pub fn content_text(&self) -> String {
        match &self.content {
            None | Some(OpenAiContent::Null) => String::new(),
            Some(OpenAiContent::Text(text) | OpenAiContent::Object { text }) => text.clone(),
            Some(OpenAiContent::Parts(parts)) => parts
                .iter()
                .filter_map(|p| match p {
                    OpenAiContentPart::Text { text } => Some(text.as_str()),
                    OpenAiContentPart::ImageUrl { .. } | OpenAiContentPart::InputAudio { .. } => {
                        None
                    }
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
    /// `{"text": ...}`, as the AWS page's Writer Palmyra example writes a
    /// message's content; read, never written.
    Object {
        /// The text.
        text: String,
    },
    /// `null`: an assistant message that only calls tools, in a response.
    Null,
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
    /// Audio, inline (Mistral's Voxtral models).
    InputAudio {
        /// The bytes and their format.
        input_audio: OpenAiInputAudio,
    },
}

/// `input_audio`: base64 bytes and their format (`wav`, `mp3`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiInputAudio {
    /// The audio, base64.
    pub data: String,
    /// `wav` or `mp3`.
    pub format: String,
}

/// A tool call made by the assistant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiToolCall {
    /// The call's id, echoed by the `tool` message that answers it (empty
    /// where a provider leaves it out).
    #[serde(default)]
    pub id: String,
    /// `function`, where the provider writes it.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The function and its arguments.
    pub function: OpenAiFunctionCall,
}

/// The function of a tool call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiFunctionCall {
    /// The function's name.
    pub name: String,
    /// The arguments, a JSON object serialised as a string (an object, as
    /// Mistral also takes, is read as its serialisation).
    #[serde(deserialize_with = "string_or_json")]
    pub arguments: String,
}

/// Reads a JSON string as itself and any other JSON value as its text.
fn string_or_json<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(text) => text,
        other => other.to_string(),
    })
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
    /// A JSON Schema of its arguments (an object schema without
    /// properties where a provider leaves it out).
    #[serde(default = "empty_object_schema")]
    pub parameters: Value,
}

fn empty_object_schema() -> Value {
    let mut schema = Map::new();
    schema.insert("type".into(), Value::String("object".into()));
    schema.insert("properties".into(), Value::Object(Map::new()));
    Value::Object(schema)
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

/// A response body (a `chat.completion` object) or one stream chunk (a
/// `chat.completion.chunk`): the same shape, choices carrying a `message`
/// or a `delta`. The header fields are written where the provider writes
/// them.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenAiChatResponse {
    /// `chatcmpl-...`.
    pub id: Option<String>,
    /// `chat.completion` or `chat.completion.chunk`.
    pub object: Option<String>,
    /// Unix seconds.
    pub created: Option<u64>,
    /// The model id.
    pub model: Option<String>,
    /// One choice (none on a usage-only chunk).
    pub choices: Vec<OpenAiChoice>,
    /// Token counts.
    pub usage: Option<OpenAiUsage>,
}

/// A stream chunk: the response's shape.
pub type OpenAiChatChunk = OpenAiChatResponse;

/// One choice of a response or chunk.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenAiChoice {
    /// The choice's index (0).
    #[serde(default)]
    pub index: u32,
    /// The assistant message (or, where a provider streams whole
    /// messages, this chunk's piece of it).
    pub message: Option<OpenAiMessage>,
    /// What a chunk adds.
    pub delta: Option<OpenAiDelta>,
    /// The text, in the completion shape some servers answer with instead
    /// of `message` (Writer Palmyra).
    pub text: Option<String>,
    /// `stop`, `length`, `tool_calls`, `content_filter` (`Some(None)`
    /// writes `null`).
    pub finish_reason: Option<Option<String>>,
    /// The same under the name Mistral's Bedrock bodies use.
    pub stop_reason: Option<Option<String>>,
}

impl OpenAiChoice {
    /// The finish reason, under either name.
    pub fn reason(&self) -> Option<&str> {
        self.finish_reason
            .as_ref()
            .or(self.stop_reason.as_ref())
            .and_then(|r| r.as_deref())
    }
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

/// The `delta` of a chunk choice.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenAiDelta {
    /// `assistant`, on the first chunk.
    pub role: Option<String>,
    /// A piece of the text (`Some(None)` writes `null`).
    pub content: Option<Option<String>>,
    /// Pieces of tool calls.
    pub tool_calls: Option<Vec<OpenAiToolCallDelta>>,
    /// A piece of reasoning, where a provider streams it apart from the
    /// text.
    pub reasoning_content: Option<Option<String>>,
}

/// A piece of a tool call: the first piece has `id` and the function name,
/// later pieces carry argument fragments.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiToolCallDelta {
    /// Which tool call of the message (0, 1, ...).
    #[serde(default)]
    pub index: u32,
    /// The call's id, on the first piece.
    pub id: Option<String>,
    /// `function`, on the first piece.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The name and/or an arguments fragment.
    pub function: Option<OpenAiFunctionDelta>,
}

/// The function part of a tool-call piece.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenAiFunctionDelta {
    /// The function's name, on the first piece.
    pub name: Option<String>,
    /// A fragment of the JSON arguments.
    pub arguments: Option<String>,
}
