//! Request validation as Bedrock does it: each family's JSON Schema
//! (`fixtures/<family>/schema.json`, with per-model patches from
//! `models.json`), and violations rendered in the words of Bedrock's
//! validator.
//!
//! Bedrock's messages come from the Java everit JSON-schema validator:
//! JSON-pointer paths rooted at `#`, several violations concatenated with no
//! separator, wrapped as `Malformed input request: <violations>, please
//! reformat your input and try again.` Required-key violations come first,
//! in the schema's order, then the rest in document order.

use crate::catalog::Catalog;
use crate::error::Error;
use crate::fixtures::FixtureStore;
use crate::model_info::{ModelInfo, RefusalStyle};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock, RwLock};

mod pydantic;

pub(crate) use pydantic::{pydantic_choices, tag_mismatch};

/// The largest InvokeModel body Bedrock accepts, in bytes.
pub const MAX_BODY_BYTES: usize = 25_000_000;

const PREFIX: &str = "Malformed input request: ";
const SUFFIX: &str = ", please reformat your input and try again.";

/// One schema violation, in Bedrock's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The JSON pointer of the offending value, rooted at `#` (`#/texts/0`).
    pub pointer: String,
    /// The violation's text after the pointer (`required key [x] not found`).
    pub text: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.text)
    }
}

/// Why a body was refused: schema violations, or a body that is not a JSON
/// document Bedrock can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The body parsed but broke the schema.
    Violations(Vec<Violation>),
    /// The body is empty, not JSON, or too large; the text says which.
    Unreadable(String),
    /// The body breaks a rule between fields that a schema cannot state,
    /// or, for a model whose refusals are its provider's
    /// ([`crate::RefusalStyle::Anthropic`]), the schema in its provider's
    /// words; the text is the model's own.
    Rule(String),
}

impl Rejection {
    /// The ValidationException message Bedrock answers with.
    ///
    /// ```
    /// use bedrock_harness::{Rejection, Violation};
    ///
    /// let rejection = Rejection::Violations(vec![
    ///     Violation { pointer: "#".into(), text: "required key [texts] not found".into() },
    ///     Violation { pointer: "#".into(), text: "extraneous key [inputText] is not permitted".into() },
    /// ]);
    /// assert_eq!(
    ///     rejection.message(),
    ///     "Malformed input request: #: required key [texts] not found#: extraneous key [inputText] is not permitted, please reformat your input and try again."
    /// );
    /// ```
    pub fn message(&self) -> String {
        match self {
            Rejection::Violations(list) => {
                let mut out = String::from(PREFIX);
                for v in list {
                    out.push_str(&v.to_string());
                }
                out.push_str(SUFFIX);
                out
            }
            Rejection::Unreadable(text) | Rejection::Rule(text) => text.clone(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl From<Rejection> for Error {
    fn from(r: Rejection) -> Error {
        Error::Service {
            name: "ValidationException".into(),
            status: 400,
            message: r.message(),
        }
    }
}

/// Validates InvokeModel bodies against each model's schema. Compiled
/// schemas are cached per model.
///
/// # Example
///
/// ```
/// use bedrock_harness::{Catalog, Rejection, SchemaValidator};
///
/// // Arrange
/// let model = Catalog::embedded().model("amazon.titan-text-express-v1").unwrap();
/// let validator = SchemaValidator::embedded();
///
/// // Act
/// let ok = validator.validate(model, br#"{"inputText":"Hi"}"#);
/// let bad = validator.validate(model, br#"{"prompt":"Hi"}"#).unwrap_err();
///
/// // Assert
/// assert!(ok.is_ok());
/// assert_eq!(
///     bad.message(),
///     "Malformed input request: #: required key [inputText] not found#: extraneous key [prompt] is not permitted, please reformat your input and try again."
/// );
/// ```
pub struct SchemaValidator {
    store: FixtureStore,
    compiled: RwLock<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl fmt::Debug for SchemaValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemaValidator")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl SchemaValidator {
    /// A validator over `store`'s schemas.
    pub fn new(store: FixtureStore) -> Self {
        Self {
            store,
            compiled: RwLock::new(HashMap::new()),
        }
    }

    /// The validator of the embedded schemas, shared.
    pub fn embedded() -> &'static SchemaValidator {
        static VALIDATOR: OnceLock<SchemaValidator> = OnceLock::new();
        VALIDATOR.get_or_init(|| SchemaValidator::new(FixtureStore::embedded()))
    }

    /// Checks a raw body for `model`: size, JSON, then the schema.
    pub fn validate(&self, model: &ModelInfo, body: &[u8]) -> Result<(), Rejection> {
        let value = parse_body(body)?;
        self.validate_value(model, &value)
    }

    /// Checks a parsed body for `model` against its schema.
    pub fn validate_value(&self, model: &ModelInfo, body: &Value) -> Result<(), Rejection> {
        // The common case: compiled already, checked under the read lock
        // (no path built, no reference count touched).
        if let Ok(compiled) = self.compiled.read() {
            if let Some(validator) = compiled.get(model.id.as_str()) {
                return self.check_against(validator, model, body);
            }
        }
        let validator = self.validator(model).map_err(|e| {
            Rejection::Unreadable(format!("The schema of {} cannot be used: {e}", model.id))
        })?;
        self.check_against(&validator, model, body)
    }

    /// Whether `model` takes StartAsyncInvoke: its family has an
    /// asynchronous input schema.
    pub fn takes_async(&self, model: &ModelInfo) -> bool {
        self.store
            .read(&crate::fixture_layout::async_schema(&model.family))
            .is_some()
    }

    /// Checks StartAsyncInvoke's `modelInput` for `model` against its
    /// family's asynchronous schema (see [`takes_async`](Self::takes_async)).
    pub fn validate_async(&self, model: &ModelInfo, input: &Value) -> Result<(), Rejection> {
        let path = crate::fixture_layout::async_schema(&model.family);
        let validator = self
            .compile(&format!("async {}", model.id), &path, None)
            .map_err(|e| {
                Rejection::Unreadable(format!(
                    "The asynchronous schema of {} cannot be used: {e}",
                    model.id
                ))
            })?;
        self.check_against(&validator, model, input)
    }

    fn check_against(
        &self,
        validator: &jsonschema::Validator,
        model: &ModelInfo,
        body: &Value,
    ) -> Result<(), Rejection> {
        if !validator.is_valid(body) {
            return Err(match model.refusals {
                RefusalStyle::Everit => Rejection::Violations(violations(validator, body)),
                RefusalStyle::Anthropic => {
                    Rejection::Rule(pydantic::first_violation(validator, body).unwrap_or_default())
                }
            });
        }
        let rule =
            crate::family::family_by_name(&model.family).and_then(|f| f.check_body(body, model));
        match rule {
            Some(text) => Err(Rejection::Rule(text)),
            None => Ok(()),
        }
    }

    /// The compiled schema of `model`: its family's schema with the model's
    /// `schema_patch` merged in.
    pub fn validator(&self, model: &ModelInfo) -> Result<Arc<jsonschema::Validator>, Error> {
        let path = crate::fixture_layout::schema(&model.family);
        self.compile(&model.id, &path, model.schema_patch.as_ref())
    }

    /// The schema at `path` with `patch` merged in, compiled once and kept
    /// under `key`.
    fn compile(
        &self,
        key: &str,
        path: &str,
        patch: Option<&Value>,
    ) -> Result<Arc<jsonschema::Validator>, Error> {
        if let Some(v) = self.compiled.read().ok().and_then(|m| m.get(key).cloned()) {
            return Ok(v);
        }
        let path = path.to_string();
        let mut schema: Value = self.store.read_json(&path)?.ok_or_else(|| Error::Fixture {
            path: path.clone(),
            reason: "missing".into(),
        })?;
        if let Some(patch) = patch {
            merge_patch(&mut schema, patch);
        }
        let compiled =
            Arc::new(
                jsonschema::validator_for(&schema).map_err(|e| Error::Fixture {
                    path,
                    reason: format!("not a valid JSON Schema: {e}"),
                })?,
            );
        if let Ok(mut map) = self.compiled.write() {
            map.insert(key.to_string(), compiled.clone());
        }
        Ok(compiled)
    }
}

/// Parses a body as Bedrock reads it: not empty, at most
/// [`MAX_BODY_BYTES`], a JSON document.
pub fn parse_body(body: &[u8]) -> Result<Value, Rejection> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Rejection::Unreadable(format!(
            "1 validation error detected: Value at 'body' failed to satisfy constraint: Member must have length less than or equal to {MAX_BODY_BYTES}"
        )));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Rejection::Unreadable(format!(
            "{PREFIX}expected type: JSONObject, found: Null{SUFFIX}"
        )));
    }
    if body.len() > DENSE_FROM_BYTES {
        let values = json_values(body);
        if values > body.len() / BYTES_PER_VALUE {
            return Err(Rejection::Unreadable(format!(
                "Malformed input request: bedrock-harness: the body holds about {values} JSON values in {} bytes, more than one per {BYTES_PER_VALUE} bytes, which no Bedrock request body does; the fake refuses it rather than build a tree many times the body's size{SUFFIX}",
                body.len()
            )));
        }
    }
    serde_json::from_slice(body).map_err(|e| {
        Rejection::Unreadable(format!(
            "Malformed input request: the body is not valid JSON ({e}){SUFFIX}"
        ))
    })
}

/// Bodies above this size are checked for density before they are parsed.
const DENSE_FROM_BYTES: usize = 1024 * 1024;

/// A parsed JSON value costs 72 bytes or more whatever its text (an
/// object's members more): a body of more values than one per this many
/// bytes would parse into a tree many times its size (`[0,0,…]` of 25 MB
/// into about a gigabyte), so it is refused unparsed. Real bodies of over a
/// megabyte are far sparser: their size is in text and base64 strings.
const BYTES_PER_VALUE: usize = 16;

/// About how many values a JSON text holds (strings, and what each `,`,
/// `[` and `{` outside a string starts), in one pass with no allocation.
fn json_values(body: &[u8]) -> usize {
    let (mut count, mut in_string, mut escaped) = (1, false, false);
    for &b in body {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => {
                    in_string = true;
                    count += 1;
                }
                b',' | b'[' | b'{' => count += 1,
                _ => {}
            }
        }
    }
    count
}

/// Validates `body` for the model `model_id` with the embedded schemas.
/// An unknown model is Bedrock's `The provided model identifier is invalid.`
pub fn validate_body(model_id: &str, body: &[u8]) -> Result<(), Error> {
    let resolved = Catalog::embedded().resolve_str(model_id)?;
    SchemaValidator::embedded()
        .validate(resolved.model, body)
        .map_err(Error::from)
}

/// RFC 7386 JSON merge patch.
fn merge_patch(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

fn violations(validator: &jsonschema::Validator, body: &Value) -> Vec<Violation> {
    let mut required = Vec::new();
    let mut rest: Vec<(Vec<usize>, Violation)> = Vec::new();
    for err in validator.iter_errors(body) {
        let pointer = format!("#{}", err.instance_path().as_str());
        let base = err.instance_path().as_str().to_string();
        match err.kind() {
            ValidationErrorKind::Required { property } => required.push(Violation {
                pointer,
                text: format!("required key [{}] not found", plain(property)),
            }),
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                let at = position(body, &base);
                let keys: HashMap<&str, usize> = match node(body, &base) {
                    Some(Value::Object(map)) => map
                        .keys()
                        .enumerate()
                        .map(|(i, k)| (k.as_str(), i))
                        .collect(),
                    _ => HashMap::new(),
                };
                for key in unexpected {
                    let mut key_at = at.clone();
                    key_at.push(keys.get(key.as_str()).copied().unwrap_or(usize::MAX));
                    rest.push((
                        key_at,
                        Violation {
                            pointer: pointer.clone(),
                            text: format!("extraneous key [{key}] is not permitted"),
                        },
                    ));
                }
            }
            _ => rest.push((
                position(body, &base),
                Violation {
                    pointer,
                    text: describe(&err),
                },
            )),
        }
    }
    rest.sort_by(|(a, _), (b, _)| a.cmp(b));
    required.extend(rest.into_iter().map(|(_, v)| v));
    required
}

/// The steps of a JSON pointer (without the leading `#`), unescaped.
fn steps(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split('/')
        .skip(1)
        .map(|step| step.replace("~1", "/").replace("~0", "~"))
}

/// The node of `body` at `path`.
fn node<'a>(body: &'a Value, path: &str) -> Option<&'a Value> {
    steps(path).try_fold(body, |at, step| match at {
        Value::Object(map) => map.get(&step),
        Value::Array(items) => items.get(step.parse::<usize>().ok()?),
        _ => None,
    })
}

/// Where the node at `path` comes in `body`: the index of each step from
/// the root among its siblings. Compared as lists these order nodes as
/// the document does (a parent before its children), with no map of
/// every node built, so a huge document costs only the depth of each
/// violation.
fn position(body: &Value, path: &str) -> Vec<usize> {
    let mut at = Some(body);
    steps(path)
        .map(|step| {
            let (index, next) = match at {
                Some(Value::Object(map)) => map
                    .iter()
                    .enumerate()
                    .find(|(_, (k, _))| **k == step)
                    .map_or((usize::MAX, None), |(i, (_, v))| (i, Some(v))),
                Some(Value::Array(items)) => match step.parse::<usize>() {
                    Ok(i) => (i, items.get(i)),
                    Err(_) => (usize::MAX, None),
                },
                _ => (usize::MAX, None),
            };
            at = next;
            index
        })
        .collect()
}

/// The everit wording of a violation other than required/extraneous keys.
fn describe(err: &ValidationError<'_>) -> String {
    let instance = err.instance();
    match err.kind() {
        ValidationErrorKind::Type { kind } => format!(
            "expected type: {}, found: {}",
            expected_types(kind),
            type_name(instance)
        ),
        ValidationErrorKind::Maximum { limit } => {
            format!("{} is not less or equal to {limit}", instance)
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("{} is not less than {limit}", instance)
        }
        ValidationErrorKind::Minimum { limit } => {
            format!("{} is not greater or equal to {limit}", instance)
        }
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("{} is not greater than {limit}", instance)
        }
        ValidationErrorKind::MaxLength { limit } => format!(
            "expected maxLength: {limit}, actual: {}",
            instance.as_str().map_or(0, |s| s.chars().count())
        ),
        ValidationErrorKind::MinLength { limit } => format!(
            "expected minLength: {limit}, actual: {}",
            instance.as_str().map_or(0, |s| s.chars().count())
        ),
        ValidationErrorKind::MaxItems { limit } => format!(
            "expected maximum item count: {limit}, found: {}",
            instance.as_array().map_or(0, Vec::len)
        ),
        ValidationErrorKind::MinItems { limit } => format!(
            "expected minimum item count: {limit}, found: {}",
            instance.as_array().map_or(0, Vec::len)
        ),
        ValidationErrorKind::Enum { .. } => {
            format!("{} is not a valid enum value", plain(instance))
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!(
                "{} is not a valid const value, expected: {}",
                plain(instance),
                plain(expected_value)
            )
        }
        ValidationErrorKind::Not { schema } => {
            format!("subject must not be valid against schema {schema}")
        }
        ValidationErrorKind::Pattern { pattern } => {
            format!(
                "string [{}] does not match pattern {pattern}",
                plain(instance)
            )
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            format!(
                "no subschema matched out of the total {} subschemas",
                context.len()
            )
        }
        ValidationErrorKind::OneOfMultipleValid { context } => {
            let matched = context.iter().filter(|errors| errors.is_empty()).count();
            format!("{matched} subschemas matched instead of one")
        }
        ValidationErrorKind::MultipleOf { multiple_of } => {
            format!("{} is not a multiple of {multiple_of}", instance)
        }
        ValidationErrorKind::UniqueItems => "array items are not unique".into(),
        ValidationErrorKind::MaxProperties { limit } => format!(
            "maximum size: [{limit}], found: [{}]",
            instance.as_object().map_or(0, |o| o.len())
        ),
        ValidationErrorKind::MinProperties { limit } => format!(
            "minimum size: [{limit}], found: [{}]",
            instance.as_object().map_or(0, |o| o.len())
        ),
        ValidationErrorKind::FalseSchema => "false schema does not allow this value".into(),
        _ => err.to_string(),
    }
}

/// A value as everit prints it inside brackets: strings bare, the rest as JSON.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "Integer",
        Value::Number(_) => "Number",
        Value::String(_) => "String",
        Value::Array(_) => "JSONArray",
        Value::Object(_) => "JSONObject",
    }
}

fn json_type_name(t: JsonType) -> &'static str {
    match t {
        JsonType::Array => "JSONArray",
        JsonType::Boolean => "Boolean",
        JsonType::Integer => "Integer",
        JsonType::Null => "Null",
        JsonType::Number => "Number",
        JsonType::Object => "JSONObject",
        JsonType::String => "String",
    }
}

fn expected_types(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => json_type_name(*t).to_string(),
        TypeKind::Multiple(set) => set
            .iter()
            .map(json_type_name)
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(schema: Value, body: Value) -> String {
        let validator = jsonschema::validator_for(&schema).unwrap();
        let list = violations(&validator, &body);
        Rejection::Violations(list).message()
    }

    #[test]
    fn renders_each_kind_in_everit_words() {
        let schema = json!({
            "type": "object",
            "required": ["texts", "input_type"],
            "additionalProperties": false,
            "properties": {
                "texts": {"type": "array", "maxItems": 2, "items": {"type": "string", "maxLength": 5}},
                "input_type": {"enum": ["search_query"]},
                "temperature": {"type": "number", "minimum": 0, "maximum": 1},
                "stopSequences": {"type": "array"}
            }
        });
        let msg = check(
            schema,
            json!({"temperature": 5, "texts": ["abcdefg", "a", "b"], "stopSequences": "x", "top_p": 1}),
        );
        assert_eq!(
            msg,
            "Malformed input request: #: required key [input_type] not found\
             #/temperature: 5 is not less or equal to 1\
             #/texts: expected maximum item count: 2, found: 3\
             #/texts/0: expected maxLength: 5, actual: 7\
             #/stopSequences: expected type: JSONArray, found: String\
             #: extraneous key [top_p] is not permitted, please reformat your input and try again."
        );
    }

    #[test]
    fn not_renders_the_schema() {
        let msg = check(
            json!({"not": {"required": ["messages"]}}),
            json!({"messages": []}),
        );
        assert_eq!(
            msg,
            "Malformed input request: #: subject must not be valid against schema {\"required\":[\"messages\"]}, please reformat your input and try again."
        );
    }

    #[test]
    fn unreadable_bodies_are_refused_with_a_clear_text() {
        assert!(matches!(parse_body(b""), Err(Rejection::Unreadable(_))));
        let not_json = parse_body(b"{oops").unwrap_err().message();
        assert!(not_json.contains("not valid JSON"), "{not_json}");
        let huge = vec![b' '; MAX_BODY_BYTES + 1];
        assert!(parse_body(&huge)
            .unwrap_err()
            .message()
            .contains("25000000"));
    }

    #[test]
    fn merge_patch_tightens_a_nested_limit() {
        let mut schema = json!({"properties": {"cfg": {"properties": {"max": {"maximum": 8192}}}}});
        merge_patch(
            &mut schema,
            &json!({"properties": {"cfg": {"properties": {"max": {"maximum": 4096}}}}}),
        );
        assert_eq!(
            schema["properties"]["cfg"]["properties"]["max"]["maximum"],
            4096
        );
    }
}
