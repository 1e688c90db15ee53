//! The `anthropic` family's wire types: the Messages API request, response
//! and stream chunks as Bedrock takes and sends them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The Messages API request body as Bedrock takes it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnthropicRequest {
    /// [`ANTHROPIC_VERSION`](super::ANTHROPIC_VERSION), or `2026-10-21`
    /// for the models of the Messages-API era.
    pub anthropic_version: String,
    /// The most tokens to generate.
    pub max_tokens: u32,
    /// The conversation; the first turn is the user's.
    pub messages: Vec<AnthropicMessage>,
    /// The system prompt: a string or text blocks.
    pub system: Option<Value>,
    /// 0–1.
    pub temperature: Option<f32>,
    /// 0–1.
    pub top_p: Option<f32>,
    /// Top-k sampling.
    pub top_k: Option<u32>,
    /// Stop sequences.
    pub stop_sequences: Option<Vec<String>>,
    /// Tools.
    pub tools: Option<Vec<AnthropicTool>>,
    /// Tool choice.
    pub tool_choice: Option<AnthropicToolChoice>,
    /// Extended or adaptive thinking.
    pub thinking: Option<AnthropicThinking>,
    /// Effort and output format.
    pub output_config: Option<AnthropicOutputConfig>,
    /// Beta feature flags.
    pub anthropic_beta: Option<Vec<String>>,
}

/// `thinking`: how the model may think.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnthropicThinking {
    /// `{"type":"enabled","budget_tokens":N}` (Claude 3.7 to 4.6).
    Enabled {
        /// The most tokens to think with.
        budget_tokens: u32,
    },
    /// `{"type":"disabled"}`.
    Disabled,
    /// `{"type":"adaptive"}` (Opus 4.6, Sonnet 4.6 and later).
    Adaptive,
    /// `{"type":"between_tools"}` (Sonnet 5.5's lowest setting).
    BetweenTools,
}

/// `output_config`: the effort and, for structured output, the format.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnthropicOutputConfig {
    /// `low`, `medium`, `high`, `xhigh` or `max`.
    pub effort: Option<String>,
    /// A JSON-schema output format.
    pub format: Option<Value>,
}

/// One turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnthropicMessage {
    /// `user` or `assistant`.
    pub role: String,
    /// A string or a list of content blocks.
    pub content: AnthropicContent,
}

/// A turn's content: a plain string or blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnthropicContent {
    /// Plain text.
    Text(String),
    /// Content blocks.
    Blocks(Vec<AnthropicBlock>),
}

/// A content block, request or response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnthropicBlock {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image.
    Image {
        /// `{"type":"base64","media_type":"image/png","data":"..."}`.
        source: AnthropicImageSource,
    },
    /// A tool call by the model.
    ToolUse {
        /// The call's id (`toolu_...`).
        id: String,
        /// The tool's name.
        name: String,
        /// The arguments.
        input: Value,
    },
    /// A tool's result.
    ToolResult {
        /// The call this answers.
        tool_use_id: String,
        /// A string or text/image blocks.
        content: Value,
        /// Whether the tool failed.
        #[serde(skip_serializing_if = "Option::is_none")]
        is_error: Option<bool>,
    },
    /// Extended-thinking output.
    Thinking {
        /// The reasoning text.
        thinking: String,
        /// The signature that lets it be sent back.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    },
    /// Redacted extended-thinking output.
    RedactedThinking {
        /// Opaque data.
        data: String,
    },
}

/// An image block's source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnthropicImageSource {
    /// Always `base64`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `image/jpeg`, `image/png`, `image/gif` or `image/webp`.
    pub media_type: String,
    /// The image, base64.
    pub data: String,
}

/// A tool definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnthropicTool {
    /// The tool's name.
    pub name: String,
    /// What it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema of its input.
    pub input_schema: Value,
}

/// `tool_choice`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnthropicToolChoice {
    /// The model decides.
    Auto,
    /// Some tool must be called.
    Any,
    /// This tool must be called.
    Tool {
        /// The tool's name.
        name: String,
    },
    /// No tool may be called.
    None,
}

/// The Messages API response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnthropicResponse {
    /// `msg_bdrk_...`.
    pub id: String,
    /// Always `message`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Always `assistant`.
    pub role: String,
    /// The model that answered.
    pub model: Option<String>,
    /// Output blocks.
    pub content: Vec<AnthropicBlock>,
    /// `end_turn`, `max_tokens`, `stop_sequence`, `tool_use`, ...
    pub stop_reason: Option<String>,
    /// The stop sequence that matched.
    pub stop_sequence: Option<String>,
    /// Token counts.
    pub usage: AnthropicUsage,
}

/// Token counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct AnthropicUsage {
    /// Tokens read.
    #[serde(default)]
    pub input_tokens: u32,
    /// Tokens generated.
    #[serde(default)]
    pub output_tokens: u32,
}

/// The token counts of `message_delta`: the output so far, and the input
/// where a stream sends it there too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct AnthropicDeltaUsage {
    /// Tokens read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<u32>,
    /// Tokens generated.
    #[serde(default)]
    pub output_tokens: u32,
}

/// One event of the response stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnthropicChunk {
    /// The message starts; carries the input token count.
    MessageStart {
        /// The message so far: no content, no stop reason, the input
        /// token count.
        message: AnthropicResponse,
    },
    /// A content block starts.
    ContentBlockStart {
        /// The block's index.
        index: u32,
        /// The block, empty.
        content_block: AnthropicBlock,
    },
    /// A piece of a content block.
    ContentBlockDelta {
        /// The block's index.
        index: u32,
        /// The piece.
        delta: AnthropicDelta,
    },
    /// A content block ends.
    ContentBlockStop {
        /// The block's index.
        index: u32,
    },
    /// The stop reason and the output token count.
    MessageDelta {
        /// `{"stop_reason":...,"stop_sequence":...}`.
        delta: AnthropicMessageDelta,
        /// `{"output_tokens":N}`.
        #[serde(default)]
        usage: AnthropicDeltaUsage,
    },
    /// The message ends.
    MessageStop,
    /// Keep-alive.
    Ping,
}

/// A content block delta; the variant names are the wire's `type` values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(clippy::enum_variant_names)]
pub enum AnthropicDelta {
    /// Text.
    TextDelta {
        /// The text.
        text: String,
    },
    /// A fragment of a tool call's JSON input.
    InputJsonDelta {
        /// The fragment.
        partial_json: String,
    },
    /// Extended-thinking text.
    ThinkingDelta {
        /// The text.
        thinking: String,
    },
    /// The thinking block's signature.
    SignatureDelta {
        /// The signature.
        signature: String,
    },
}

/// The `delta` of `message_delta`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnthropicMessageDelta {
    /// Why generation stopped.
    pub stop_reason: Option<String>,
    /// The stop sequence that matched.
    pub stop_sequence: Option<String>,
}
