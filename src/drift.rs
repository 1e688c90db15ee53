//! Shape drift: how the shape of the answers Bedrock gives today differs
//! from the recorded fixtures the fake answers with.
//!
//! A shape is the set of JSON-pointer paths of a document with the JSON
//! types seen at each. Arrays are compared by their first element's shape
//! (`/results/0/outputText`); a stream's shape is the union of its chunks'
//! shapes. [`diff`] lists the fields added, the fields missing and the
//! fields whose JSON type changed, each once, at the highest path that
//! changed (a missing object is one change, not one per member). `null`
//! agrees with every type: a field that is null in one answer and a string
//! in another has not changed type.
//!
//! [`check_model`] sends a family's example requests and compares each
//! answer with the model's recording; `bedrock-harness drift` prints its
//! report.

use crate::catalog::Catalog;
use crate::error::Error;
use crate::fake::recording_name;
use crate::fixtures::FixtureStore;
use crate::invoke::Invoker;
use crate::model_info::ModelInfo;
use crate::recording::Recording;
use crate::schema::SchemaValidator;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The key Bedrock merges into the last chunk of every
/// InvokeModelWithResponseStream answer.
const INVOCATION_METRICS: &str = "amazon-bedrock-invocationMetrics";

/// A JSON value's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JsonType {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// Any number, integer or not.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonType {
    /// The type of `value`.
    ///
    /// ```
    /// use bedrock_harness::drift::JsonType;
    /// assert_eq!(JsonType::of(&serde_json::json!(1.5)), JsonType::Number);
    /// assert_eq!(JsonType::of(&serde_json::json!(null)), JsonType::Null);
    /// ```
    pub fn of(value: &Value) -> Self {
        match value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }

    /// The type's name, as in the JSON report.
    pub fn name(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "boolean",
            JsonType::Number => "number",
            JsonType::String => "string",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The shape of one or more JSON documents: for every JSON-pointer path,
/// the JSON types seen there. Array elements are represented by the first
/// element, at index `0`.
///
/// # Example
///
/// ```
/// use bedrock_harness::drift::{JsonType, Shape};
/// use serde_json::json;
///
/// let shape = Shape::of(&json!({"results": [{"outputText": "Hi"}, {"other": 1}]}));
///
/// let paths: Vec<&str> = shape.paths().collect();
/// assert_eq!(paths, ["", "/results", "/results/0", "/results/0/outputText"]);
/// assert!(shape.types("/results/0/outputText").unwrap().contains(&JsonType::String));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shape {
    paths: BTreeMap<String, BTreeSet<JsonType>>,
}

impl Shape {
    /// The shape of one document.
    pub fn of(value: &Value) -> Self {
        let mut shape = Shape::default();
        shape.add(value);
        shape
    }

    /// The union of the shapes of several documents (a stream's chunks).
    ///
    /// ```
    /// use bedrock_harness::drift::Shape;
    /// use serde_json::json;
    ///
    /// let chunks = [json!({"type": "start"}), json!({"type": "delta", "text": "Hi"})];
    /// let shape = Shape::of_all(&chunks);
    /// assert!(shape.types("/text").is_some());
    /// ```
    pub fn of_all<'a>(values: impl IntoIterator<Item = &'a Value>) -> Self {
        let mut shape = Shape::default();
        for value in values {
            shape.add(value);
        }
        shape
    }

    /// Adds `value`'s paths and types to the shape.
    pub fn add(&mut self, value: &Value) {
        let mut path = String::new();
        self.walk(&mut path, value);
    }

    fn walk(&mut self, path: &mut String, value: &Value) {
        self.paths
            .entry(path.clone())
            .or_default()
            .insert(JsonType::of(value));
        match value {
            Value::Object(members) => {
                for (key, member) in members {
                    let len = path.len();
                    path.push('/');
                    push_escaped(path, key);
                    self.walk(path, member);
                    path.truncate(len);
                }
            }
            Value::Array(items) => {
                if let Some(first) = items.first() {
                    let len = path.len();
                    path.push_str("/0");
                    self.walk(path, first);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// The JSON-pointer paths of the shape, sorted (`""` is the root).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.paths.keys().map(String::as_str)
    }

    /// The types seen at `path`, if the path is in the shape.
    pub fn types(&self, path: &str) -> Option<&BTreeSet<JsonType>> {
        self.paths.get(path)
    }

    /// Whether `path` holds an array that was always empty, so its
    /// elements' shape is unknown.
    fn empty_array_at(&self, path: &str) -> bool {
        self.types(path)
            .is_some_and(|t| t.contains(&JsonType::Array))
            && !self.paths.contains_key(&format!("{path}/0"))
    }
}

/// Writes `key` as one JSON-pointer reference token (`~` as `~0`, `/` as `~1`).
fn push_escaped(path: &mut String, key: &str) {
    for c in key.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            other => path.push(other),
        }
    }
}

/// How one path differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ChangeKind {
    /// The live answer has a field the recording lacks.
    Added {
        /// The types in the live answer.
        live: Vec<JsonType>,
    },
    /// The recording has a field the live answer lacks.
    Missing {
        /// The types in the recording.
        recorded: Vec<JsonType>,
    },
    /// Both have the field, with different JSON types.
    TypeChanged {
        /// The types in the recording.
        recorded: Vec<JsonType>,
        /// The types in the live answer.
        live: Vec<JsonType>,
    },
}

/// One difference of shape, at a JSON-pointer path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShapeChange {
    /// The JSON pointer (`""` is the whole document).
    pub path: String,
    /// What changed there.
    #[serde(flatten)]
    pub kind: ChangeKind,
}

fn type_list(types: &BTreeSet<JsonType>) -> String {
    types.iter().map(|t| t.name()).collect::<Vec<_>>().join("|")
}

impl fmt::Display for ShapeChange {
    /// `+ /path (type)` for an added field, `- /path (type)` for a missing
    /// one, `~ /path: recorded -> live` for a changed type.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |types: &[JsonType]| type_list(&types.iter().copied().collect());
        let path = if self.path.is_empty() {
            "(root)"
        } else {
            &self.path
        };
        match &self.kind {
            ChangeKind::Added { live } => write!(f, "+ {path} ({})", list(live)),
            ChangeKind::Missing { recorded } => write!(f, "- {path} ({})", list(recorded)),
            ChangeKind::TypeChanged { recorded, live } => {
                write!(f, "~ {path}: {} -> {}", list(recorded), list(live))
            }
        }
    }
}

/// The proper ancestors of a JSON pointer, root first.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

/// How `live` differs from `recorded`: fields added, missing and of another
/// JSON type, each reported at the highest path that differs. Where one
/// side's array is empty its elements are not compared; `null` agrees with
/// every type.
///
/// # Example
///
/// ```
/// use bedrock_harness::drift::{diff, Shape};
/// use serde_json::json;
///
/// let recorded = Shape::of(&json!({"text": "Hi", "usage": {"input": 3, "output": 2}, "id": "a"}));
/// let live = Shape::of(&json!({"text": "Hi", "id": 7, "cached": true}));
///
/// let lines: Vec<String> = diff(&recorded, &live).iter().map(ToString::to_string).collect();
///
/// assert_eq!(lines, ["+ /cached (boolean)", "~ /id: string -> number", "- /usage (object)"]);
/// ```
pub fn diff(recorded: &Shape, live: &Shape) -> Vec<ShapeChange> {
    let paths: BTreeSet<&str> = recorded.paths().chain(live.paths()).collect();
    let mut settled: BTreeSet<&str> = BTreeSet::new();
    let mut changes = Vec::new();
    for path in paths {
        if ancestors(path).any(|a| settled.contains(a)) {
            continue;
        }
        let kind = match (recorded.types(path), live.types(path)) {
            (Some(r), Some(l)) if same_types(r, l) => continue,
            (Some(r), Some(l)) => ChangeKind::TypeChanged {
                recorded: r.iter().copied().collect(),
                live: l.iter().copied().collect(),
            },
            (Some(r), None) => {
                if is_element_of_empty_array(path, live) {
                    settled.insert(path);
                    continue;
                }
                ChangeKind::Missing {
                    recorded: r.iter().copied().collect(),
                }
            }
            (None, Some(l)) => {
                if is_element_of_empty_array(path, recorded) {
                    settled.insert(path);
                    continue;
                }
                ChangeKind::Added {
                    live: l.iter().copied().collect(),
                }
            }
            (None, None) => continue,
        };
        settled.insert(path);
        changes.push(ShapeChange {
            path: path.to_string(),
            kind,
        });
    }
    changes
}

/// Whether two type sets agree, `null` agreeing with any type: whether a
/// field is null depends on the answer (`stop_sequence`, a stream's
/// `stop_reason` before the last chunk), not on the API's shape.
fn same_types(recorded: &BTreeSet<JsonType>, live: &BTreeSet<JsonType>) -> bool {
    let non_null = |set: &BTreeSet<JsonType>| -> BTreeSet<JsonType> {
        set.iter()
            .copied()
            .filter(|t| *t != JsonType::Null)
            .collect()
    };
    let (r, l) = (non_null(recorded), non_null(live));
    r == l || r.is_empty() || l.is_empty()
}

fn is_element_of_empty_array(path: &str, other: &Shape) -> bool {
    path.strip_suffix("/0")
        .is_some_and(|array| other.empty_array_at(array))
}

/// [`diff`] of two documents.
///
/// ```
/// use bedrock_harness::drift::diff_values;
/// use serde_json::json;
///
/// assert!(diff_values(&json!({"a": [1, 2]}), &json!({"a": [3]})).is_empty());
/// assert_eq!(diff_values(&json!({"a": [1]}), &json!({"a": ["x"]}))[0].path, "/a/0");
/// ```
pub fn diff_values(recorded: &Value, live: &Value) -> Vec<ShapeChange> {
    diff(&Shape::of(recorded), &Shape::of(live))
}

/// One comparison: one request, one operation, against one recording.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftCheck {
    /// The request file's name without `.json`, e.g. `documented`.
    pub request: String,
    /// `invoke` or `invoke-with-response-stream`.
    pub operation: &'static str,
    /// The recording compared with, e.g. `titan_text/responses/default.json`.
    pub recording: String,
    /// The differences of shape.
    pub changes: Vec<ShapeChange>,
    /// The call's error, when it failed (no shape to compare).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl DriftCheck {
    /// Whether the answer's shape differs or the call failed.
    pub fn drifted(&self) -> bool {
        !self.changes.is_empty() || self.error.is_some()
    }
}

/// Every comparison made for one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftReport {
    /// The model id as called.
    pub model: String,
    /// The model's family.
    pub family: String,
    /// Whether any check drifted (or failed).
    pub drift: bool,
    /// The comparisons, in the order made.
    pub checks: Vec<DriftCheck>,
}

/// Which example requests [`check_model`] sends.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RequestSelection {
    /// `requests/documented.json` when it is valid for the model, otherwise
    /// the first request file that is.
    #[default]
    Documented,
    /// Every request file that is valid for the model, `documented` first.
    All,
    /// These request files (names without `.json`), valid or not.
    Named(Vec<String>),
}

/// The model's recording, else the family's `default.json`, with its path.
fn recording_for(store: &FixtureStore, model: &ModelInfo) -> Result<(String, Recording), Error> {
    for name in [recording_name(&model.id), "default".to_string()] {
        if let Some(recording) = Recording::read(store, &model.family, &name)? {
            return Ok((
                crate::fixture_layout::recording(&model.family, &name),
                recording,
            ));
        }
    }
    Err(Error::Fixture {
        path: crate::fixture_layout::recording(&model.family, "default"),
        reason: format!("no recording for {} or its family", model.id),
    })
}

/// The example requests of `model`'s family that `selection` picks, as
/// `(name, body)` pairs.
///
/// ```
/// use bedrock_harness::drift::{example_requests, RequestSelection};
/// use bedrock_harness::{Catalog, FixtureStore};
///
/// let model = Catalog::embedded().model("amazon.titan-text-express-v1").unwrap();
/// let requests = example_requests(&FixtureStore::embedded(), model, &RequestSelection::Documented).unwrap();
/// assert_eq!(requests[0].0, "documented");
/// ```
pub fn example_requests(
    store: &FixtureStore,
    model: &ModelInfo,
    selection: &RequestSelection,
) -> Result<Vec<(String, Value)>, Error> {
    let dir = crate::fixture_layout::requests(&model.family);
    let read = |name: &str| -> Result<Option<Value>, Error> {
        store.read_json::<Value>(&format!("{dir}/{name}.json"))
    };
    if let RequestSelection::Named(names) = selection {
        return names
            .iter()
            .map(|name| {
                read(name)?
                    .map(|body| (name.clone(), body))
                    .ok_or_else(|| Error::Fixture {
                        path: format!("{dir}/{name}.json"),
                        reason: format!(
                            "no such request; the family's are: {}",
                            request_names(store, &dir).join(", ")
                        ),
                    })
            })
            .collect();
    }
    let validator = SchemaValidator::new(store.clone());
    let mut names = request_names(store, &dir);
    // `documented` first.
    names.sort_by_key(|n| n != "documented");
    let mut picked = Vec::new();
    for name in names {
        let Some(body) = read(&name)? else { continue };
        if validator.validate_value(model, &body).is_err() {
            continue;
        }
        picked.push((name, body));
        if *selection == RequestSelection::Documented {
            break;
        }
    }
    if picked.is_empty() {
        return Err(Error::Fixture {
            path: dir,
            reason: format!("no example request is valid for {}", model.id),
        });
    }
    Ok(picked)
}

fn request_names(store: &FixtureStore, dir: &str) -> Vec<String> {
    store
        .list(dir)
        .into_iter()
        .filter(|f| f != "index.json")
        .filter_map(|f| f.strip_suffix(".json").map(str::to_string))
        .collect()
}

/// The recorded stream as Bedrock sends it: the invocation metrics merged
/// into the last JSON chunk when the recording leaves them out.
fn expected_stream(chunks: &[Value]) -> Vec<Value> {
    let mut chunks = chunks.to_vec();
    if let Some(last) = chunks.iter_mut().rev().find(|c| c.is_object()) {
        if last.get(INVOCATION_METRICS).is_none() {
            last[INVOCATION_METRICS] = json!({
                "inputTokenCount": 0,
                "outputTokenCount": 0,
                "invocationLatency": 0,
                "firstByteLatency": 0
            });
        }
    }
    chunks
}

/// Sends `model_id`'s example requests through `invoker` (InvokeModel, and
/// InvokeModelWithResponseStream when the model streams and the recording
/// has a stream) and compares each answer's shape with the model's
/// recording in `store` (its own, else the family's `default.json`).
///
/// A body whose `stream` member is `true` or `false` is sent only to the
/// operation it names. Fails, before any call, when the model is unknown,
/// has no recording or no example request fits it.
///
/// # Example
///
/// ```
/// use bedrock_harness::drift::{check_model, RequestSelection};
/// use bedrock_harness::fake::FakeBedrock;
/// use bedrock_harness::{FixtureStore, Invoker};
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// // Arrange: the fake answers with the recordings themselves.
/// let fake = FakeBedrock::start().await;
/// let invoker = Invoker::new(fake.client());
///
/// // Act
/// let report = check_model(
///     &invoker,
///     &FixtureStore::embedded(),
///     "mistral.mistral-7b-instruct-v0:2",
///     &RequestSelection::Documented,
/// )
/// .await
/// .unwrap();
///
/// // Assert
/// assert!(!report.drift, "{report:?}");
/// assert_eq!(report.checks.len(), 2); // invoke and stream
/// # });
/// ```
pub async fn check_model(
    invoker: &Invoker,
    store: &FixtureStore,
    model_id: &str,
    selection: &RequestSelection,
) -> Result<DriftReport, Error> {
    let catalog = Catalog::load(store)?;
    let resolved = catalog.resolve_str(model_id)?;
    let model = resolved.model;
    let (path, recording) = recording_for(store, model)?;
    let requests = example_requests(store, model, selection)?;
    let mut checks = Vec::new();
    for (name, body) in requests {
        let wants_stream = body.get("stream").and_then(Value::as_bool);
        if let Some(recorded) = recording
            .invoke
            .as_ref()
            .filter(|_| wants_stream != Some(true))
        {
            let outcome = invoker.invoke_raw(model_id, &body).await;
            checks.push(check(
                &name,
                "invoke",
                &path,
                outcome.map(|live| diff_values(recorded, &live)),
            ));
        }
        let streams = model.streaming && wants_stream != Some(false);
        if let Some(recorded) = recording.stream.as_ref().filter(|_| streams) {
            let outcome = invoker.invoke_stream_raw(model_id, &body).await;
            let expected = Shape::of_all(&expected_stream(recorded));
            checks.push(check(
                &name,
                "invoke-with-response-stream",
                &path,
                outcome.map(|live| diff(&expected, &Shape::of_all(&live))),
            ));
        }
    }
    Ok(DriftReport {
        model: model_id.to_string(),
        family: model.family.clone(),
        drift: checks.iter().any(DriftCheck::drifted),
        checks,
    })
}

fn check(
    request: &str,
    operation: &'static str,
    recording: &str,
    outcome: Result<Vec<ShapeChange>, Error>,
) -> DriftCheck {
    let (changes, error) = match outcome {
        Ok(changes) => (changes, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    DriftCheck {
        request: request.to_string(),
        operation,
        recording: recording.to_string(),
        changes,
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(recorded: Value, live: Value) -> Vec<String> {
        diff_values(&recorded, &live)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn equal_shapes_with_other_values_do_not_drift() {
        let recorded = json!({"id": "a", "n": 1, "ok": true, "list": [{"x": 1}], "none": null});
        let live =
            json!({"id": "zzz", "n": 2.5, "ok": false, "list": [{"x": 9}, {"y": 1}], "none": null});
        assert!(diff_values(&recorded, &live).is_empty());
    }

    #[test]
    fn added_and_missing_fields_are_reported_once_at_the_top() {
        assert_eq!(
            lines(
                json!({"usage": {"in": 1, "out": 2}, "text": "x"}),
                json!({"text": "x", "metrics": {"latency": 3, "first": 1}})
            ),
            ["+ /metrics (object)", "- /usage (object)"]
        );
    }

    #[test]
    fn type_changes_name_both_types_and_hide_the_members_below() {
        assert_eq!(
            lines(
                json!({"content": [{"text": "x"}], "n": 1}),
                json!({"content": "x", "n": "1"})
            ),
            ["~ /content: array -> string", "~ /n: number -> string"]
        );
    }

    #[test]
    fn null_agrees_with_every_type() {
        assert!(lines(
            json!({"stop": null, "reason": "end", "err": null}),
            json!({"stop": "\n\nHuman:", "reason": null, "err": null})
        )
        .is_empty());
        let recorded = Shape::of_all(&[json!({"stop": null}), json!({"stop": "end"})]);
        assert!(diff(&recorded, &Shape::of(&json!({"stop": "end"}))).is_empty());
        assert_eq!(
            diff(&recorded, &Shape::of(&json!({"stop": 3})))[0].to_string(),
            "~ /stop: null|string -> number"
        );
        // Members of a field that was null are compared.
        assert_eq!(
            lines(json!({"e": null}), json!({"e": {"m": "x"}})),
            ["+ /e/m (string)"]
        );
    }

    #[test]
    fn array_elements_are_compared_by_the_first_element() {
        assert_eq!(
            lines(
                json!({"results": [{"outputText": "a", "tokenCount": 1}]}),
                json!({"results": [{"outputText": "a"}, {"tokenCount": "x"}]})
            ),
            ["- /results/0/tokenCount (number)"]
        );
        assert_eq!(
            lines(json!({"v": [1.0, 2.0]}), json!({"v": [[1.0]]})),
            ["~ /v/0: number -> array"]
        );
    }

    #[test]
    fn an_empty_array_leaves_its_elements_uncompared() {
        assert!(lines(json!({"c": [{"t": "x"}]}), json!({"c": []})).is_empty());
        assert!(lines(json!({"c": []}), json!({"c": [{"t": "x"}]})).is_empty());
        assert_eq!(
            lines(json!({"c": []}), json!({"c": {}})),
            ["~ /c: array -> object"]
        );
    }

    #[test]
    fn keys_are_escaped_as_json_pointer_tokens() {
        assert_eq!(
            lines(json!({}), json!({"a/b": 1, "m~n": 2})),
            ["+ /a~1b (number)", "+ /m~0n (number)"]
        );
    }

    #[test]
    fn a_changed_root_is_one_change() {
        assert_eq!(
            lines(json!({"a": 1}), json!(["a"])),
            ["~ (root): object -> array"]
        );
    }

    #[test]
    fn stream_shapes_are_the_union_of_their_chunks() {
        let recorded = [
            json!({"type": "start", "message": {"id": "m"}}),
            json!({"type": "delta", "delta": {"text": "Hi"}}),
            json!({"type": "stop", "delta": {"stop_reason": "end"}, "n": null}),
        ];
        let live_same = [
            json!({"type": "start", "message": {"id": "other"}}),
            json!({"type": "stop", "delta": {"stop_reason": "end", "text": ""}}),
            json!({"type": "stop", "n": null}),
        ];
        assert!(diff(&Shape::of_all(&recorded), &Shape::of_all(&live_same)).is_empty());

        let live_changed = [json!({"type": "delta", "delta": {"text": 5}})];
        let lines: Vec<String> = diff(&Shape::of_all(&recorded), &Shape::of_all(&live_changed))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "- /delta/stop_reason (string)",
                "~ /delta/text: string -> number",
                "- /message (object)",
                "- /n (null)"
            ]
        );
    }

    #[test]
    fn the_report_serialises_changes_flat() {
        let change = &diff_values(&json!({"a": 1}), &json!({"a": "x"}))[0];
        assert_eq!(
            serde_json::to_value(change).unwrap(),
            json!({"path": "/a", "change": "type_changed", "recorded": ["number"], "live": ["string"]})
        );
    }

    #[test]
    fn recorded_streams_get_the_invocation_metrics_bedrock_adds() {
        let chunks = expected_stream(&[json!({"a": 1}), json!("[DONE]")]);
        assert!(chunks[0][INVOCATION_METRICS].is_object());
        assert_eq!(chunks[1], json!("[DONE]"));
    }

    #[test]
    fn documented_requests_come_first_and_invalid_ones_are_skipped() {
        let store = FixtureStore::embedded();
        let model = Catalog::embedded()
            .model("anthropic.claude-3-haiku-20240307-v1:0")
            .unwrap();
        let all = example_requests(&store, model, &RequestSelection::All).unwrap();
        assert_eq!(all[0].0, "documented");
        // The 128k-output request is only valid for Claude 3.7 Sonnet.
        assert!(!all.iter().any(|(n, _)| n == "sonnet_3_7_output_128k"));
        let named = example_requests(&store, model, &RequestSelection::Named(vec!["nope".into()]));
        assert!(named.unwrap_err().to_string().contains("no such request"));
    }
}
