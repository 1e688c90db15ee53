//! A recording file, `fixtures/<family>/responses/<name>.json`: what the fake
//! answers with and what drift compares the live answers against.
//!
//! ```text
//! {"source": "...", "invoke": {...}, "stream": [{...}, ...], "error": {...}}
//! ```
//!
//! `invoke` is an InvokeModel body, `stream` the decoded chunks of an
//! InvokeModelWithResponseStream answer, `error` an answer that is a
//! Bedrock error; `source` says where the shape comes from.

use serde::Deserialize;
use serde_json::{Map, Value};

/// One recording file, read.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Recording {
    /// The InvokeModel body.
    #[serde(default)]
    pub invoke: Option<Value>,
    /// The stream's chunks.
    #[serde(default)]
    pub stream: Option<Vec<Value>>,
    /// A recorded Bedrock error.
    #[serde(default)]
    pub error: Option<RecordedError>,
}

/// A recorded Bedrock error: status, name, message and any other members.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct RecordedError {
    /// The HTTP status.
    pub status: u16,
    /// The error name.
    pub name: String,
    /// The message.
    pub message: String,
    /// The body's other members.
    #[serde(default)]
    pub extra: Map<String, Value>,
}
