//! Structured output in the portable request: the JSON Schema the answer's
//! text must follow ([`OutputSchema`]), as Converse's
//! `outputConfig.textFormat`, Claude's `output_config.format` and OpenAI's
//! `response_format` ask for it. A family without structured output
//! refuses a request that sets one.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The JSON Schema an answer's text must follow.
///
/// ```
/// use bedrock_harness::{OutputSchema, PortableRequest};
/// let schema = serde_json::json!({"type": "object", "properties": {"city": {"type": "string"}}});
/// let req = PortableRequest::prompt("Where?").output_schema(OutputSchema::new(schema.clone()).name("place"));
/// assert_eq!(req.output_schema.unwrap().schema, schema);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputSchema {
    /// The format's name, where the wire has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the output is, where the wire has a place for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The schema.
    pub schema: Value,
}

impl OutputSchema {
    /// An output format of `schema`, unnamed.
    pub fn new(schema: Value) -> Self {
        OutputSchema {
            name: None,
            description: None,
            schema,
        }
    }

    /// Names the format.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}
