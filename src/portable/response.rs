//! The portable response: what came back from any model family, normalised
//! (text, tool calls, a [`StopReason`], [`Usage`], embeddings, images,
//! rankings, reasoning), and the [`StreamEvent`]s a streamed answer is
//! read as.

use crate::ranking::Ranking;
use crate::reasoning::Reasoning;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Why generation stopped, normalised across families.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The model finished its turn.
    EndTurn,
    /// The token limit was reached.
    MaxTokens,
    /// A stop sequence was produced.
    StopSequence,
    /// The model asked for a tool.
    ToolUse,
    /// Output was filtered for content.
    ContentFiltered,
    /// A guardrail intervened.
    GuardrailIntervened,
    /// A reason this harness does not normalise, as the model sent it.
    Other(String),
}

impl StopReason {
    /// The name Converse uses (`end_turn`, `max_tokens`, ...).
    pub fn converse_name(&self) -> &str {
        match self {
            StopReason::EndTurn => "end_turn",
            StopReason::MaxTokens => "max_tokens",
            StopReason::StopSequence => "stop_sequence",
            StopReason::ToolUse => "tool_use",
            StopReason::ContentFiltered => "content_filtered",
            StopReason::GuardrailIntervened => "guardrail_intervened",
            StopReason::Other(name) => name,
        }
    }

    /// Reads a Converse stop-reason name; unknown names become `Other`.
    pub fn from_converse_name(name: &str) -> Self {
        match name {
            "end_turn" => StopReason::EndTurn,
            "max_tokens" => StopReason::MaxTokens,
            "stop_sequence" => StopReason::StopSequence,
            "tool_use" => StopReason::ToolUse,
            "content_filtered" => StopReason::ContentFiltered,
            "guardrail_intervened" => StopReason::GuardrailIntervened,
            other => StopReason::Other(other.to_string()),
        }
    }
}

/// Token counts of one call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Tokens read.
    pub input_tokens: u32,
    /// Tokens generated.
    pub output_tokens: u32,
}

/// The `amazon-bedrock-invocationMetrics` Bedrock merges into the last chunk
/// of a response stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvocationMetrics {
    /// Tokens read.
    pub input_token_count: u32,
    /// Tokens generated.
    pub output_token_count: u32,
    /// Milliseconds from request to last byte.
    pub invocation_latency: u64,
    /// Milliseconds from request to first byte.
    pub first_byte_latency: u64,
}

/// A tool call the model made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// The call's id (synthesised for families that send none).
    pub id: String,
    /// The tool's name.
    pub name: String,
    /// The arguments.
    pub input: Value,
}

/// One response, from any model family.
///
/// # Example
///
/// ```
/// use bedrock_harness::{PortableResponse, StopReason};
///
/// let resp = PortableResponse {
///     text: "Hi".into(),
///     stop_reason: Some(StopReason::EndTurn),
///     ..Default::default()
/// };
/// assert_eq!(resp.text, "Hi");
/// assert!(resp.tool_calls.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PortableResponse {
    /// The generated text, all text blocks joined.
    pub text: String,
    /// Tool calls, in order.
    pub tool_calls: Vec<ToolCall>,
    /// Why generation stopped, where the family says.
    pub stop_reason: Option<StopReason>,
    /// Token counts, where the family reports them in the body.
    pub usage: Option<Usage>,
    /// Embedding vectors, one per input.
    pub embeddings: Vec<Vec<f32>>,
    /// Generated images, base64-encoded as the model sent them.
    pub images: Vec<String>,
    /// Stream metrics, for responses accumulated from a stream.
    pub metrics: Option<InvocationMetrics>,
    /// What the model thought before answering, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasoning: Vec<Reasoning>,
    /// A rerank model's results, best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rankings: Vec<Ranking>,
}

/// One event of a streamed response, normalised across families.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamEvent {
    /// A piece of text for content block `index`.
    TextDelta {
        /// The content block's index.
        index: u32,
        /// The text.
        text: String,
    },
    /// A tool call starts at content block `index`.
    ToolUseStart {
        /// The content block's index.
        index: u32,
        /// The call's id.
        id: String,
        /// The tool's name.
        name: String,
    },
    /// A fragment of a tool call's JSON input.
    ToolInputDelta {
        /// The content block's index.
        index: u32,
        /// The JSON fragment.
        json: String,
    },
    /// Generation stopped.
    Stop(StopReason),
    /// Token counts.
    Usage(Usage),
    /// Bedrock's invocation metrics from the last chunk.
    Metrics(InvocationMetrics),
    /// A piece of readable reasoning for content block `index`.
    ReasoningDelta {
        /// The content block's index.
        index: u32,
        /// The text.
        text: String,
    },
    /// The signature of the reasoning in content block `index`.
    ReasoningSignature {
        /// The content block's index.
        index: u32,
        /// The signature.
        signature: String,
    },
    /// Redacted reasoning in content block `index`.
    RedactedReasoning {
        /// The content block's index.
        index: u32,
        /// The opaque data.
        data: String,
    },
}
