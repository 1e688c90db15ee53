//! Bedrock Runtime's API as AWS publishes it: the service model botocore
//! ships (`botocore/data/bedrock-runtime/2023-09-30/service-2.json`, the
//! Smithy shapes every SDK is generated from), vendored without its
//! documentation as `fixtures/service/bedrock-runtime.json` by
//! `scripts/vendor_service_model.py`, with the botocore version it came
//! from.
//!
//! The fake checks the JSON body of an operation against its input shape
//! ([`ServiceModel::validate`]) and refuses what the model forbids in the
//! words AWS's services use:
//!
//! ```
//! use bedrock_harness::service_model::ServiceModel;
//! use serde_json::json;
//!
//! let model = ServiceModel::embedded();
//! let body = json!({"messages": [{"role": "robot", "content": [{"text": "Hi"}]}]});
//! let refusal = model.validate("Converse", &body).unwrap_err();
//! assert_eq!(
//!     refusal.to_string(),
//!     "1 validation error detected: Value 'robot' at 'messages.1.member.role' failed to satisfy \
//!      constraint: Member must satisfy enum value set: [user, assistant, system]"
//! );
//! ```

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

mod validate;

pub use validate::{Violation, Violations};

/// The vendored service model's path under `fixtures/`.
pub const PATH: &str = "service/bedrock-runtime.json";

/// Bedrock Runtime's service model: its operations and shapes.
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceModel {
    /// The API version, protocol and the botocore release it came from.
    pub metadata: Metadata,
    /// Every operation, by name.
    pub operations: BTreeMap<String, Operation>,
    /// Every shape, by name.
    pub shapes: BTreeMap<String, Shape>,
    /// The string shapes' patterns, compiled on first use.
    #[serde(skip)]
    compiled: OnceLock<BTreeMap<String, regex::Regex>>,
    /// Each operation's members bound to headers, query parameters and
    /// path labels, found on first use.
    #[serde(skip)]
    headers: OnceLock<BTreeMap<String, Vec<BoundMember>>>,
}

/// A member bound to a request header, query parameter or path label.
#[derive(Debug, Clone)]
struct BoundMember {
    /// `header`, `querystring` or `uri`.
    location: String,
    /// The header's name (lowercase), the parameter's or the label's.
    header: String,
    /// The member's name, as violations name it.
    member: String,
    /// The member's shape.
    shape: String,
    /// Whether the shape is an integer (the text is read as a number).
    integer: bool,
    /// Whether the shape constrains its value at all (a plain string does
    /// not, and is not walked).
    constrained: bool,
}

/// The model's `metadata`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// `2023-09-30`.
    pub api_version: String,
    /// The botocore release the file was read from.
    pub botocore: String,
    /// `rest-json`.
    pub protocol: String,
}

/// One operation.
#[derive(Debug, Clone, Deserialize)]
pub struct Operation {
    /// Its HTTP binding.
    pub http: Http,
    /// Its input shape.
    pub input: Option<ShapeRef>,
    /// Its output shape.
    pub output: Option<ShapeRef>,
}

/// An operation's HTTP binding.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Http {
    /// `POST` or `GET`.
    pub method: String,
    /// The path, with `{label}`s.
    pub request_uri: String,
}

/// A reference to a shape.
#[derive(Debug, Clone, Deserialize)]
pub struct ShapeRef {
    /// The shape's name.
    pub shape: String,
}

/// A structure's member: its shape and where it travels.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The member's shape.
    pub shape: String,
    /// `uri`, `header`, `querystring`; absent for the body.
    pub location: Option<String>,
    /// The header's or label's name (`X-Amzn-Bedrock-Service-Tier`).
    pub location_name: Option<String>,
}

/// One shape, with the constraints the validator checks.
#[derive(Debug, Clone, Deserialize)]
pub struct Shape {
    /// `structure`, `list`, `map`, `string`, `integer`, `blob`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// A structure's or union's members.
    #[serde(default)]
    pub members: BTreeMap<String, Member>,
    /// A structure's required members.
    #[serde(default)]
    pub required: Vec<String>,
    /// A list's member shape.
    pub member: Option<ShapeRef>,
    /// A map's key shape.
    pub key: Option<ShapeRef>,
    /// A map's value shape.
    pub value: Option<ShapeRef>,
    /// The values a string takes.
    #[serde(rename = "enum")]
    pub values: Option<Vec<String>>,
    /// The least length (strings, lists, maps, blobs) or value (numbers).
    pub min: Option<f64>,
    /// The most length or value.
    pub max: Option<f64>,
    /// A string's regular expression.
    pub pattern: Option<String>,
    /// Exactly one member is set.
    #[serde(default)]
    pub union: bool,
    /// The value is never repeated in an error message.
    #[serde(default)]
    pub sensitive: bool,
}

impl ServiceModel {
    /// The vendored model, parsed once.
    pub fn embedded() -> &'static ServiceModel {
        static MODEL: OnceLock<ServiceModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            let bytes = crate::fixtures::FixtureStore::embedded()
                .read(PATH)
                .expect("fixtures/service/bedrock-runtime.json is embedded");
            serde_json::from_slice(&bytes).expect("the vendored service model parses")
        })
    }

    /// The shape named `name`.
    pub fn shape(&self, name: &str) -> Option<&Shape> {
        self.shapes.get(name)
    }

    /// Every operation's header members, found once.
    fn bound_members(&self) -> &BTreeMap<String, Vec<BoundMember>> {
        self.headers.get_or_init(|| {
            let members_of = |operation: &Operation| -> Vec<BoundMember> {
                let Some(input) = operation.input.as_ref().and_then(|i| self.shape(&i.shape))
                else {
                    return Vec::new();
                };
                input
                    .members
                    .iter()
                    .filter_map(|(name, m)| {
                        let location = m.location.clone()?;
                        let bound = m.location_name.as_deref()?;
                        let shape = self.shape(&m.shape);
                        Some(BoundMember {
                            header: match location.as_str() {
                                "header" => bound.to_ascii_lowercase(),
                                _ => bound.to_string(),
                            },
                            location,
                            member: name.clone(),
                            shape: m.shape.clone(),
                            integer: shape.is_some_and(|s| s.kind == "integer"),
                            constrained: shape.is_none_or(|s| {
                                s.kind != "string"
                                    || s.values.is_some()
                                    || s.min.is_some()
                                    || s.max.is_some()
                                    || s.pattern.is_some()
                            }),
                        })
                    })
                    .collect()
            };
            self.operations
                .iter()
                .map(|(name, operation)| (name.clone(), members_of(operation)))
                .collect()
        })
    }

    /// The compiled pattern of the string shape `name`, anchored at both
    /// ends (AWS matches the whole value); `None` for a shape without one,
    /// or whose pattern the `regex` crate cannot compile (left unchecked).
    fn pattern(&self, name: &str) -> Option<&regex::Regex> {
        let compiled = self.compiled.get_or_init(|| {
            self.shapes
                .iter()
                .filter_map(|(name, shape)| {
                    let pattern = shape.pattern.as_ref()?;
                    let re = regex::Regex::new(&format!("^(?:{pattern})$")).ok()?;
                    Some((name.clone(), re))
                })
                .collect()
        });
        compiled.get(name)
    }

    /// Checks `body` against `operation`'s input shape (its body members;
    /// path and header members are the caller's): every violation, or
    /// nothing. An operation the model does not have passes.
    pub fn validate(&self, operation: &str, body: &serde_json::Value) -> Result<(), Violations> {
        let Some(input) = self
            .operations
            .get(operation)
            .and_then(|o| o.input.as_ref())
        else {
            return Ok(());
        };
        validate::validate(self, &input.shape, body)
    }

    /// Checks the headers `operation` binds to members of its input
    /// (`X-Amzn-Bedrock-Service-Tier`, ...), found by `header` (given the
    /// lowercase name); a violation names the member, as AWS does.
    ///
    /// ```
    /// use bedrock_harness::service_model::ServiceModel;
    ///
    /// let model = ServiceModel::embedded();
    /// let refusal = model
    ///     .validate_headers("InvokeModel", |name| {
    ///         (name == "x-amzn-bedrock-service-tier").then_some("fast")
    ///     })
    ///     .unwrap_err();
    /// assert_eq!(
    ///     refusal.to_string(),
    ///     "1 validation error detected: Value 'fast' at 'serviceTier' failed to satisfy constraint: \
    ///      Member must satisfy enum value set: [priority, default, flex, reserved]"
    /// );
    /// ```
    pub fn validate_headers<'h>(
        &self,
        operation: &str,
        header: impl Fn(&str) -> Option<&'h str>,
    ) -> Result<(), Violations> {
        self.validate_bound(operation, "header", header)
    }

    /// Checks the query parameters and path labels `operation` binds to
    /// members of its input, found by `value` (given the parameter's or
    /// label's name); an integer member's text is read as a number.
    ///
    /// ```
    /// use bedrock_harness::service_model::ServiceModel;
    ///
    /// let model = ServiceModel::embedded();
    /// let refusal = model
    ///     .validate_uri_and_query("ListAsyncInvokes", |name| (name == "maxResults").then_some("0"))
    ///     .unwrap_err();
    /// assert_eq!(
    ///     refusal.to_string(),
    ///     "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: \
    ///      Member must have value greater than or equal to 1"
    /// );
    /// ```
    pub fn validate_uri_and_query<'v>(
        &self,
        operation: &str,
        value: impl Fn(&str) -> Option<&'v str>,
    ) -> Result<(), Violations> {
        let uri = self.validate_bound(operation, "uri", &value);
        let query = self.validate_bound(operation, "querystring", &value);
        match (uri, query) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(Violations(mut a)), Err(Violations(b))) => {
                a.extend(b);
                Err(Violations(a))
            }
            (Err(v), _) | (_, Err(v)) => Err(v),
        }
    }

    fn validate_bound<'h>(
        &self,
        operation: &str,
        location: &str,
        header: impl Fn(&str) -> Option<&'h str>,
    ) -> Result<(), Violations> {
        let Some(members) = self.bound_members().get(operation) else {
            return Ok(());
        };
        let mut found = Vec::new();
        for m in members
            .iter()
            .filter(|m| m.constrained && m.location == location)
        {
            if let Some(value) = header(&m.header) {
                let value = match value.parse::<i64>() {
                    Ok(n) if m.integer => serde_json::Value::from(n),
                    _ => serde_json::Value::String(value.to_string()),
                };
                if let Err(Violations(more)) =
                    validate::validate_at(self, &m.shape, &value, &m.member)
                {
                    found.extend(more);
                }
            }
        }
        match found.is_empty() {
            true => Ok(()),
            false => Err(Violations(found)),
        }
    }
}

#[cfg(test)]
mod tests;
