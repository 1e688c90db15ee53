//! The `cohere_command_r` family's wire types: request, response and chunk bodies.

use crate::portable::Usage;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use std::collections::BTreeMap;

/// The Command R InvokeModel request body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CohereChatRequest {
    /// The text the model answers (the last user turn).
    pub message: String,
    /// Earlier turns, oldest first.
    pub chat_history: Option<Vec<CohereChatTurn>>,
    /// Documents to ground the answer in, e.g. `{"title": ..., "snippet": ...}`.
    pub documents: Option<Vec<Map<String, Value>>>,
    /// Only generate search queries, no answer.
    pub search_queries_only: Option<bool>,
    /// The system prompt.
    pub preamble: Option<String>,
    /// The most tokens to generate.
    pub max_tokens: Option<u32>,
    /// 0–1, default 0.3.
    pub temperature: Option<f32>,
    /// Top-p, 0.01–0.99, default 0.75.
    pub p: Option<f32>,
    /// Top-k, 0–500, default 0 (off).
    pub k: Option<u32>,
    /// `OFF` or `AUTO_PRESERVE_ORDER`.
    pub prompt_truncation: Option<String>,
    /// 0–1, penalises tokens by how often they appeared.
    pub frequency_penalty: Option<f32>,
    /// 0–1, penalises tokens that appeared at all.
    pub presence_penalty: Option<f32>,
    /// The random seed.
    pub seed: Option<u64>,
    /// Return the full prompt sent to the model.
    pub return_prompt: Option<bool>,
    /// Tools the model may call.
    pub tools: Option<Vec<CohereTool>>,
    /// Results of the calls the model asked for in the previous turn.
    pub tool_results: Option<Vec<CohereToolResult>>,
    /// Sequences that stop generation.
    pub stop_sequences: Option<Vec<String>>,
    /// Send `message` to the model without Cohere's prompt template.
    pub raw_prompting: Option<bool>,
}

/// Who speaks a `chat_history` turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CohereRole {
    /// The user.
    User,
    /// The model.
    Chatbot,
    /// A system message (in responses' history).
    System,
    /// Tool results (in responses' history).
    Tool,
}

/// One `chat_history` turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohereChatTurn {
    /// `USER` or `CHATBOT`.
    pub role: CohereRole,
    /// The turn's text.
    #[serde(default)]
    pub message: String,
    /// The calls a `CHATBOT` turn made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<CohereToolCall>>,
}

/// A tool definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohereTool {
    /// The tool's name.
    pub name: String,
    /// What it does (Cohere requires one; empty when the portable tool has none).
    pub description: String,
    /// The parameters by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_definitions: Option<BTreeMap<String, CohereParameterDefinition>>,
}

/// One entry of `parameter_definitions`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohereParameterDefinition {
    /// What the parameter means.
    pub description: Option<String>,
    /// A Python-style type name: `str`, `int`, `float`, `bool`, `list`, `List[str]`, `dict`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether the model must supply it.
    pub required: Option<bool>,
}

/// A tool call: in responses, in `chat_history` and inside `tool_results`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohereToolCall {
    /// The tool's name.
    pub name: String,
    /// The arguments, an object.
    #[serde(default)]
    pub parameters: Value,
}

/// One entry of `tool_results`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohereToolResult {
    /// The call this answers.
    pub call: CohereToolCall,
    /// What the tool returned, as objects (text is `{"text": ...}`).
    pub outputs: Vec<Map<String, Value>>,
}

/// The Command R InvokeModel response body (also the `response` of `stream-end`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CohereChatResponse {
    /// The response's id.
    pub response_id: Option<String>,
    /// The generated text.
    pub text: String,
    /// The generation's id.
    pub generation_id: Option<String>,
    /// The conversation including this answer (`USER`, `CHATBOT`, `SYSTEM`
    /// and `TOOL` turns).
    pub chat_history: Option<Vec<Value>>,
    /// `COMPLETE`, `MAX_TOKENS`, `ERROR`, `ERROR_TOXIC`, `ERROR_LIMIT`, `USER_CANCEL`, ...
    pub finish_reason: Option<String>,
    /// The calls the model asked for.
    pub tool_calls: Option<Vec<CohereToolCall>>,
    /// Citations into `documents`.
    pub citations: Option<Vec<Value>>,
    /// The documents cited.
    pub documents: Option<Vec<Value>>,
    /// Whether a search is needed (with `search_queries_only`).
    pub is_search_required: Option<bool>,
    /// Generated search queries.
    pub search_queries: Option<Vec<Value>>,
    /// The full prompt (with `return_prompt`).
    pub prompt: Option<String>,
    /// API version and token counts.
    pub meta: Option<CohereMeta>,
}

/// The `meta` object of a response.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CohereMeta {
    /// `{"version": "1"}`.
    pub api_version: Option<CohereApiVersion>,
    /// Billed token counts.
    pub billed_units: Option<CohereTokenCounts>,
    /// Actual token counts.
    pub tokens: Option<CohereTokenCounts>,
}

/// `meta.api_version`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CohereApiVersion {
    /// `1` for the v1 Chat API.
    #[serde(default)]
    pub version: String,
}

/// Token counts (Cohere may send them as floats; they are written as
/// whole numbers).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CohereTokenCounts {
    /// Tokens read.
    pub input_tokens: Option<Number>,
    /// Tokens generated.
    pub output_tokens: Option<Number>,
}

impl CohereMeta {
    /// The billed counts, or the actual counts when nothing is billed.
    pub fn usage(&self) -> Option<Usage> {
        let counts = self.billed_units.as_ref().or(self.tokens.as_ref())?;
        let count = |n: &Option<Number>| n.as_ref().and_then(Number::as_f64).unwrap_or(0.0) as u32;
        Some(Usage {
            input_tokens: count(&counts.input_tokens),
            output_tokens: count(&counts.output_tokens),
        })
    }
}

/// One event of the response stream: whether it is the last, and the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohereStreamEvent {
    /// `true` on `stream-end` only.
    #[serde(default)]
    pub is_finished: bool,
    /// The event.
    #[serde(flatten)]
    pub event: CohereChatChunk,
}

/// One event of the response stream, by `event_type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type", rename_all = "kebab-case")]
pub enum CohereChatChunk {
    /// The stream starts.
    StreamStart {
        /// The generation's id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        generation_id: Option<String>,
    },
    /// A piece of text.
    TextGeneration {
        /// The text.
        text: String,
    },
    /// The complete tool calls of this answer.
    ToolCallsGeneration {
        /// The model's text before its calls, if any.
        text: Option<String>,
        /// The calls.
        tool_calls: Vec<CohereToolCall>,
    },
    /// The stream ends: why, and the whole response.
    StreamEnd {
        /// Why generation stopped.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        finish_reason: Option<String>,
        /// The whole response, with `meta`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        response: Option<Box<CohereChatResponse>>,
    },
    /// Events this harness does not read (`tool-calls-chunk`,
    /// `search-queries-generation`, `search-results`, `citation-generation`).
    #[serde(other)]
    Other,
}
