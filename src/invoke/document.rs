//! Conversion between `serde_json::Value` and the SDK's `Document`, which
//! carries tool schemas and tool inputs in Converse.

use aws_smithy_types::{Document, Number};
use serde_json::Value;

/// A JSON value as an SDK document (for the SDK's document members:
/// StartAsyncInvoke's `modelInput`, Converse's tool schemas, ...).
///
/// ```
/// use aws_smithy_types::Document;
///
/// let doc = bedrock_harness::to_document(&serde_json::json!({"inputType": "text"}));
/// assert!(matches!(doc, Document::Object(_)));
/// ```
pub fn to_document(value: &Value) -> Document {
    match value {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => Document::Number(if let Some(u) = n.as_u64() {
            Number::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Number::NegInt(i)
        } else {
            Number::Float(n.as_f64().unwrap_or(0.0))
        }),
        Value::String(s) => Document::String(s.clone()),
        Value::Array(items) => Document::Array(items.iter().map(to_document).collect()),
        Value::Object(map) => Document::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), to_document(v)))
                .collect(),
        ),
    }
}

/// An SDK document as a JSON value (a non-finite float becomes `null`).
pub(crate) fn to_value(doc: &Document) -> Value {
    match doc {
        Document::Null => Value::Null,
        Document::Bool(b) => Value::Bool(*b),
        Document::Number(Number::PosInt(u)) => Value::from(*u),
        Document::Number(Number::NegInt(i)) => Value::from(*i),
        Document::Number(Number::Float(f)) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Document::String(s) => Value::String(s.clone()),
        Document::Array(items) => Value::Array(items.iter().map(to_value).collect()),
        Document::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), to_value(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_round_trips_through_documents() {
        let value = json!({
            "type": "object",
            "properties": {"n": {"type": "integer", "minimum": -3, "maximum": 1.5}},
            "required": ["n"],
            "nullable": null,
            "flag": true
        });
        assert_eq!(to_value(&to_document(&value)), value);
    }
}
