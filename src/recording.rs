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

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One recording file, read or written, its members in this order.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Recording {
    /// Where the shape comes from.
    pub source: Option<Value>,
    /// The InvokeModel body.
    pub invoke: Option<Value>,
    /// The stream's chunks.
    pub stream: Option<Vec<Value>>,
    /// A recorded Bedrock error.
    pub error: Option<RecordedError>,
    /// Any other members, kept as they are.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A recorded Bedrock error: status, name, message and any other members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RecordedError {
    /// The HTTP status.
    pub status: u16,
    /// The error name.
    pub name: String,
    /// The message.
    pub message: String,
    /// The body's other members.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}
