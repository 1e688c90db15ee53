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

use crate::{Error, FixtureStore};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::Path;

/// One recording file, read or written, its members in this order: what
/// the fake replays, record mode writes and drift compares against.
///
/// ```
/// use bedrock_harness::{FixtureStore, Recording};
///
/// let store = FixtureStore::embedded();
/// let nova = Recording::read(&store, "nova", "default").unwrap().expect("Nova's default recording");
/// assert!(nova.invoke.unwrap()["output"]["message"]["content"].is_array());
/// assert!(!nova.stream.unwrap().is_empty());
/// assert!(Recording::read(&store, "nova", "no-such-recording").unwrap().is_none());
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Recording {
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

impl Recording {
    /// Recording `name` (`default`, a model's own, or a named one) of
    /// `family` in `store`; `None` when there is no such file, and a
    /// fixture error naming the file when it is not a recording.
    pub fn read(store: &FixtureStore, family: &str, name: &str) -> Result<Option<Self>, Error> {
        store.read_json(&crate::fixture_layout::recording(family, name))
    }

    /// The recording of `model_id` (of `family`) that `serve --record-to
    /// DIR` wrote into `dir`; `None` when none was written.
    ///
    /// ```
    /// use bedrock_harness::Recording;
    ///
    /// let dir = std::env::temp_dir().join("bedrock-harness-doc-recordings");
    /// assert!(Recording::read_recorded(&dir, "nova", "amazon.nova-micro-v1:0").unwrap().is_none());
    /// ```
    pub fn read_recorded(dir: &Path, family: &str, model_id: &str) -> Result<Option<Self>, Error> {
        let path = dir.join(crate::fixture_layout::model_recording(family, model_id));
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(Error::Io {
                    path: path.display().to_string(),
                    source,
                })
            }
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| Error::Fixture {
                path: path.display().to_string(),
                reason: e.to_string(),
            })
    }
}

/// A recorded Bedrock error: status, name, message and any other members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedError {
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
