//! The `nova` family's wire types: request, response and chunk bodies.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Nova's InvokeModel request body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NovaRequest {
    /// Always [`SCHEMA_VERSION`] when present.
    pub schema_version: Option<String>,
    /// System prompt blocks.
    pub system: Option<Vec<NovaSystemBlock>>,
    /// The conversation; the first turn is the user's.
    pub messages: Vec<NovaMessage>,
    /// Inference parameters.
    pub inference_config: Option<NovaInferenceConfig>,
    /// Tools, as Converse's `toolConfig`.
    pub tool_config: Option<NovaToolConfig>,
    /// Nova 2: extended thinking (also taken inside `inferenceConfig`).
    pub reasoning_config: Option<NovaReasoningConfig>,
}

/// `reasoningConfig`: `{"type": "enabled", "maxReasoningEffort": "low"}`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaReasoningConfig {
    /// `enabled` or `disabled`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `low`, `medium` or `high`.
    pub max_reasoning_effort: Option<String>,
}

/// A `reasoningContent` block: readable text (`[REDACTED]` on Nova 2
/// Lite) or redacted bytes.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaReasoningContent {
    /// The reasoning.
    pub reasoning_text: Option<NovaReasoningText>,
    /// Redacted reasoning, base64.
    pub redacted_content: Option<String>,
}

/// `reasoningContent.reasoningText`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NovaReasoningText {
    /// The text (absent from a stream delta that carries the signature).
    #[serde(default)]
    pub text: String,
    /// A signature, where one is sent.
    pub signature: Option<String>,
}

/// One block of the system prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NovaSystemBlock {
    /// Text.
    Text(String),
    /// A prompt-cache checkpoint, as sent.
    CachePoint(Value),
}

/// One turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NovaMessage {
    /// `user` or `assistant`.
    pub role: String,
    /// Content blocks, each an object with exactly one key.
    pub content: Vec<NovaContentBlock>,
}

/// A content block, request or response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NovaContentBlock {
    /// Text.
    Text(String),
    /// An image, base64.
    Image(NovaImage),
    /// A video (bytes or an S3 location), as sent.
    Video(Value),
    /// A document, as sent.
    Document(Value),
    /// A tool call by the model.
    ToolUse(NovaToolUse),
    /// A tool's result.
    ToolResult(NovaToolResult),
    /// Nova 2 reasoning.
    ReasoningContent(NovaReasoningContent),
    /// A prompt-cache checkpoint, as sent.
    CachePoint(Value),
}

/// `image`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NovaImage {
    /// `png`, `jpeg`, `gif` or `webp`.
    pub format: String,
    /// `{"bytes": "<base64>"}` or `{"s3Location": {"uri", "bucketOwner"}}`
    /// (the Nova user guide's image block takes either).
    pub source: crate::media::AwsSource,
}

/// `toolUse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaToolUse {
    /// The call's id (`tooluse_...`).
    pub tool_use_id: String,
    /// The tool's name.
    pub name: String,
    /// The arguments, a JSON object.
    pub input: Value,
}

/// `toolResult`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaToolResult {
    /// The call this answers.
    pub tool_use_id: String,
    /// What the tool returned.
    pub content: Vec<NovaToolResultContent>,
    /// `success` or `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// One piece of a tool result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NovaToolResultContent {
    /// Text.
    Text(String),
    /// A JSON value.
    Json(Value),
    /// An image.
    Image(NovaImage),
    /// A document, as sent.
    Document(Value),
}

/// `inferenceConfig`. Reads both the camelCase and the older snake_case
/// spellings; writes camelCase.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NovaInferenceConfig {
    /// The most tokens to generate (`max_new_tokens` in older docs).
    #[serde(alias = "max_new_tokens")]
    pub max_tokens: Option<u32>,
    /// 0–1.
    pub temperature: Option<f32>,
    /// 0–1 (`top_p` in older docs).
    #[serde(alias = "top_p")]
    pub top_p: Option<f32>,
    /// Top-k sampling (`top_k` in older docs).
    #[serde(alias = "top_k")]
    pub top_k: Option<u32>,
    /// Stop sequences.
    pub stop_sequences: Option<Vec<String>>,
    /// Nova 2: extended thinking, where the request puts it here.
    pub reasoning_config: Option<NovaReasoningConfig>,
}

/// `toolConfig`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NovaToolConfig {
    /// At least one tool.
    pub tools: Vec<NovaTool>,
    /// How the model must choose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<NovaToolChoice>,
}

/// One entry of `tools`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaTool {
    /// The tool's definition.
    pub tool_spec: NovaToolSpec,
}

/// `toolSpec`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaToolSpec {
    /// The tool's name.
    pub name: String,
    /// What it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `{"json": <JSON Schema>}`.
    pub input_schema: NovaInputSchema,
}

/// `inputSchema`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NovaInputSchema {
    /// The JSON Schema of the tool's input.
    pub json: Value,
}

/// `toolChoice`: `{"auto":{}}`, `{"any":{}}` or `{"tool":{"name":...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NovaToolChoice {
    /// The model decides.
    Auto {},
    /// Some tool must be called.
    Any {},
    /// This tool must be called.
    Tool {
        /// The tool's name.
        name: String,
    },
}

/// Nova's InvokeModel response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaResponse {
    /// `{"message": ...}`.
    pub output: NovaOutput,
    /// `end_turn`, `max_tokens`, `stop_sequence`, `tool_use`,
    /// `content_filtered`, `malformed_model_output`, `malformed_tool_use`, ...
    pub stop_reason: Option<String>,
    /// Token counts.
    pub usage: Option<NovaUsage>,
}

/// `output`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NovaOutput {
    /// The assistant's message.
    pub message: NovaMessage,
}

/// Token counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaUsage {
    /// Tokens read.
    #[serde(default)]
    pub input_tokens: u32,
    /// Tokens generated.
    #[serde(default)]
    pub output_tokens: u32,
    /// Both together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_tokens: Option<u32>,
}

/// One chunk of Nova's response stream: an object with one event key (the
/// last chunk also carries `amazon-bedrock-invocationMetrics`, which the
/// accumulator reads).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaChunk {
    /// The message starts.
    pub message_start: Option<NovaMessageStart>,
    /// A content block starts (sent for tool calls).
    pub content_block_start: Option<NovaContentBlockStart>,
    /// A piece of a content block.
    pub content_block_delta: Option<NovaContentBlockDelta>,
    /// A content block ends.
    pub content_block_stop: Option<NovaContentBlockStop>,
    /// The message ends, with the stop reason.
    pub message_stop: Option<NovaMessageStop>,
    /// Token counts.
    pub metadata: Option<NovaMetadata>,
}

/// `messageStart`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NovaMessageStart {
    /// Always `assistant`.
    pub role: String,
}

/// `contentBlockStart`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaContentBlockStart {
    /// What starts.
    #[serde(default)]
    pub start: NovaBlockStart,
    /// The block's index.
    #[serde(default)]
    pub content_block_index: u32,
}

/// `contentBlockStart.start`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaBlockStart {
    /// A tool call starts: its id and name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_use: Option<NovaToolUseStart>,
}

/// `start.toolUse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaToolUseStart {
    /// The call's id.
    pub tool_use_id: String,
    /// The tool's name.
    pub name: String,
}

/// `contentBlockDelta`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaContentBlockDelta {
    /// The piece.
    pub delta: NovaDelta,
    /// The block's index.
    #[serde(default)]
    pub content_block_index: u32,
}

/// `contentBlockDelta.delta`: one of text, a tool-input fragment or reasoning.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaDelta {
    /// Text.
    pub text: Option<String>,
    /// A fragment of a tool call's JSON input.
    pub tool_use: Option<NovaToolUseDelta>,
    /// Nova 2 reasoning: `{"text": ...}`.
    pub reasoning_content: Option<NovaReasoningText>,
}

/// `delta.toolUse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NovaToolUseDelta {
    /// The JSON fragment.
    pub input: String,
}

/// `contentBlockStop`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaContentBlockStop {
    /// The block's index.
    #[serde(default)]
    pub content_block_index: u32,
}

/// `messageStop`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaMessageStop {
    /// Why generation stopped.
    pub stop_reason: String,
}

/// `metadata`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NovaMetadata {
    /// Token counts.
    pub usage: Option<NovaUsage>,
}
