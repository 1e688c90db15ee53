//! Helpers for the families' unit tests: models and fixtures by name.

use super::model_family::{ModelFamily, RenderContext};
use crate::accumulator::StreamAccumulator;
use crate::catalog::Catalog;
use crate::fixtures::FixtureStore;
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, ImageOptions, InvocationMetrics, Message, PortableRequest, PortableResponse,
    Role, StopReason, ToolCall, Usage,
};
use crate::recording::Recording;
use serde_json::Value;
use std::collections::BTreeSet;

/// A 1x1 PNG, base64-encoded.
pub(crate) const PNG_1X1: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

/// The catalog entry of `id`; panics with the id if it is missing.
pub(crate) fn model(id: &str) -> &'static ModelInfo {
    Catalog::embedded()
        .model(id)
        .unwrap_or_else(|| panic!("{id} is not in the catalog"))
}

/// `fixtures/<family>/requests/<name>.json`.
pub(crate) fn request_fixture(family: &str, name: &str) -> Value {
    let path = crate::fixture_layout::request(family, name);
    FixtureStore::embedded()
        .read_json(&path)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("{path} is missing"))
}

/// `fixtures/<family>/requests/documented.json`: the AWS documentation's example body.
pub(crate) fn documented_request(family: &str) -> Value {
    request_fixture(family, "documented")
}

/// `fixtures/<family>/responses/<name>.json`, read as the fake reads it.
fn recording(family: &str, name: &str) -> Recording {
    Recording::read(&FixtureStore::embedded(), family, name)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("{family}'s recording {name} is missing"))
}

/// The `invoke` body of `fixtures/<family>/responses/default.json`, as bytes.
pub(crate) fn recorded(family: &str) -> Vec<u8> {
    recorded_in(family, "default")
}

/// The `invoke` body of `fixtures/<family>/responses/<file>.json`, as bytes.
pub(crate) fn recorded_in(family: &str, file: &str) -> Vec<u8> {
    let body = recording(family, file)
        .invoke
        .unwrap_or_else(|| panic!("{family}/responses/{file}.json has no `invoke`"));
    serde_json::to_vec(&body).expect("a JSON value serialises")
}

/// The `stream` chunks of `fixtures/<family>/responses/default.json`, each as bytes.
pub(crate) fn recorded_chunks(family: &str) -> Vec<Vec<u8>> {
    recorded_chunks_in(family, "default")
}

/// The `stream` chunks of `fixtures/<family>/responses/<file>.json`, each as bytes.
pub(crate) fn recorded_chunks_in(family: &str, file: &str) -> Vec<Vec<u8>> {
    recording(family, file)
        .stream
        .unwrap_or_else(|| panic!("{family}/responses/{file}.json has no `stream` list"))
        .iter()
        .map(|c| serde_json::to_vec(c).expect("a JSON value serialises"))
        .collect()
}

/// The `stream` chunks of `fixtures/<family>/responses/<file>.json` as
/// values, without the `amazon-bedrock-invocationMetrics` Bedrock adds to the
/// last one (the fake adds them after the family renders).
pub(crate) fn recorded_chunk_values(family: &str, file: &str) -> Vec<Value> {
    recorded_chunks_in(family, file)
        .iter()
        .map(|bytes| {
            let mut chunk: Value = serde_json::from_slice(bytes).expect("a chunk is JSON");
            if let Some(object) = chunk.as_object_mut() {
                object.remove("amazon-bedrock-invocationMetrics");
            }
            chunk
        })
        .collect()
}

/// The answer `family` parses from its default recording, asserted to be a
/// whole turn whose text contains `phrase`, with `usage`.
pub(crate) fn assert_recorded_turn(
    family: &dyn ModelFamily,
    phrase: &str,
    usage: Option<Usage>,
) -> PortableResponse {
    let resp = family.parse(&recorded(family.name())).unwrap();
    assert!(resp.text.contains(phrase), "{}", resp.text);
    assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
    assert_eq!(resp.usage, usage);
    resp
}

/// The set of key paths of a JSON value (`a.b`, `list[].c`), for checking
/// that a rendered body has the shape of a recorded one.
pub(crate) fn key_paths(value: &Value) -> BTreeSet<String> {
    fn walk(value: &Value, path: &str, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let here = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    out.insert(here.clone());
                    walk(child, &here, out);
                }
            }
            Value::Array(items) => {
                for item in items {
                    walk(item, &format!("{path}[]"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(value, "", &mut out);
    out
}

/// Asserts that each rendered chunk has the key paths of the recorded chunk
/// at its place (`label` names the case in a failure).
pub(crate) fn assert_chunks_shaped_like(rendered: &[Value], recorded: &[Value], label: &str) {
    for (rendered, recorded) in rendered.iter().zip(recorded) {
        assert_eq!(key_paths(rendered), key_paths(recorded), "{label}");
    }
}

/// Asserts that the answer `family` parses from the recording `file` renders
/// back to the recorded body exactly and, where the recording has a stream,
/// to chunks shaped like the recorded ones.
pub(crate) fn assert_renders_recording(
    family: &dyn ModelFamily,
    ctx: &RenderContext<'_>,
    file: &str,
) {
    let name = family.name();
    let recorded_body = recorded_in(name, file);
    let resp = family.parse(&recorded_body).unwrap();
    let body = family.render_response(&resp, ctx).unwrap();
    let want: Value = serde_json::from_slice(&recorded_body).unwrap();
    assert_eq!(body, want, "{name}/{file}");
    if recording(name, file).stream.is_some() {
        let chunks = family.render_chunks(&resp, ctx).unwrap();
        assert_chunks_shaped_like(&chunks, &recorded_chunk_values(name, file), file);
    }
}

/// The response id every family test renders with.
pub(crate) const RESPONSE_ID: &str = "0123456789abcdef0123456789abcdef";

/// A render context for the catalog model `id`, with [`RESPONSE_ID`].
pub(crate) fn ctx(id: &str) -> RenderContext<'static> {
    RenderContext {
        model: model(id),
        response_id: RESPONSE_ID,
        request: None,
    }
}

/// The keys of a JSON object (none for any other value).
pub(crate) fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|object| object.keys().cloned().collect())
        .unwrap_or_default()
}

/// The answer `family` reads from `chunks`, fed in order.
pub(crate) fn accumulate<B: AsRef<[u8]>>(
    family: &dyn ModelFamily,
    chunks: impl IntoIterator<Item = B>,
) -> PortableResponse {
    let mut acc = StreamAccumulator::new();
    for chunk in chunks {
        acc.feed(family, chunk.as_ref())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    acc.finish().unwrap_or_else(|e| panic!("{e}"))
}

/// Asserts that every request, built for `model`, reads back equal.
pub(crate) fn assert_reads_back(
    family: &dyn ModelFamily,
    model: &ModelInfo,
    requests: impl IntoIterator<Item = PortableRequest>,
) {
    for req in requests {
        let body = family.build_bytes(&req, model).unwrap();
        let read = family.read_request(&body, model);
        assert_eq!(read.as_ref().ok(), Some(&req), "{}: {read:?}", model.id);
    }
}

/// [`assert_reads_back`] for requests each built for its own model.
pub(crate) fn assert_reads_back_by_id<'a>(
    family: &dyn ModelFamily,
    cases: impl IntoIterator<Item = (PortableRequest, &'a str)>,
) {
    for (req, id) in cases {
        assert_reads_back(family, model(id), [req]);
    }
}

/// Asserts that each body is a request `family` cannot parse for `model`.
pub(crate) fn assert_unreadable_requests<B: AsRef<[u8]>>(
    family: &dyn ModelFamily,
    model: &ModelInfo,
    bodies: impl IntoIterator<Item = B>,
) {
    let want = format!("{}: cannot parse request", family.name());
    for body in bodies {
        let err = family
            .read_request(body.as_ref(), model)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(&want), "{err}");
    }
}

/// Asserts that each body is a request `family` refuses for `model` with
/// an error of its own that contains the case's text.
pub(crate) fn assert_request_errors<'a>(
    family: &dyn ModelFamily,
    model: &ModelInfo,
    cases: impl IntoIterator<Item = (Value, &'a str)>,
) {
    refuses_bodies(family, model, cases, &format!("{}: ", family.name()));
}

/// [`assert_request_errors`] for bodies `family` cannot parse: each error
/// is its parse error of the request.
pub(crate) fn assert_unparsed_requests<'a>(
    family: &dyn ModelFamily,
    model: &ModelInfo,
    cases: impl IntoIterator<Item = (Value, &'a str)>,
) {
    let want = format!("{}: cannot parse request", family.name());
    refuses_bodies(family, model, cases, &want);
}

/// Asserts that reading each body fails with an error that starts with
/// `prefix` and contains the case's text.
fn refuses_bodies<'a>(
    family: &dyn ModelFamily,
    model: &ModelInfo,
    cases: impl IntoIterator<Item = (Value, &'a str)>,
    prefix: &str,
) {
    for (body, why) in cases {
        let err = family
            .read_request(body.to_string().as_bytes(), model)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(prefix), "{err}");
        assert!(err.contains(why), "{err}");
    }
}

/// Asserts that building each request for `model` fails with an error of
/// `family` that names the feature.
pub(crate) fn assert_refuses<'a>(
    family: &dyn ModelFamily,
    model: &ModelInfo,
    cases: impl IntoIterator<Item = (PortableRequest, &'a str)>,
) {
    assert_refuses_on(
        family,
        cases
            .into_iter()
            .map(|(req, feature)| (req, model, feature)),
    );
}

/// [`assert_refuses`] for requests each built for its own model.
pub(crate) fn assert_refuses_on<'a>(
    family: &dyn ModelFamily,
    cases: impl IntoIterator<Item = (PortableRequest, &'a ModelInfo, &'a str)>,
) {
    let want = format!("{}: ", family.name());
    for (req, model, feature) in cases {
        let err = family.build(&req, model).unwrap_err().to_string();
        assert!(err.starts_with(&want), "{}: {err}", model.id);
        assert!(err.contains(feature), "{feature}: {err}");
    }
}

/// A request of one user turn holding `content`.
pub(crate) fn user_turn(content: Vec<ContentBlock>) -> PortableRequest {
    PortableRequest::default().message(Message::new(Role::User, content))
}

/// The prompt `x` with its image options set by `edit`.
pub(crate) fn image_prompt(edit: impl FnOnce(&mut ImageOptions)) -> PortableRequest {
    let mut req = PortableRequest::prompt("x");
    edit(&mut req.image);
    req
}

/// The prompt `x` with `n` stop sequences (`s0`, `s1`, ...).
pub(crate) fn prompt_with_stops(n: usize) -> PortableRequest {
    (0..n).fold(PortableRequest::prompt("x"), |req, i| {
        req.stop_sequence(format!("s{i}"))
    })
}

/// The refusals every Stability text-to-image body shares: input images
/// (`with_image` has some), a system prompt, text inference parameters
/// and a request with no prompt text.
pub(crate) fn image_only_refusals(
    with_image: PortableRequest,
) -> [(PortableRequest, &'static str); 4] {
    [
        (with_image, "input images"),
        (PortableRequest::prompt("x").system("s"), "system prompt"),
        (
            PortableRequest::prompt("x").temperature(0.5),
            "text inference parameters",
        ),
        (PortableRequest::default(), "no prompt text"),
    ]
}

/// Asserts that each answer renders to a body that parses back to it and,
/// where the family streams, to more than one chunk that accumulates to it.
pub(crate) fn assert_renders_back(
    family: &dyn ModelFamily,
    ctx: &RenderContext<'_>,
    answers: impl IntoIterator<Item = PortableResponse>,
) {
    for resp in answers {
        let body = family.render_response(&resp, ctx).unwrap();
        assert_eq!(family.parse(body.to_string().as_bytes()).unwrap(), resp);
        if let Ok(chunks) = family.render_chunks(&resp, ctx) {
            assert!(chunks.len() > 1, "{chunks:?}");
            let bytes = chunks.iter().map(|c| c.to_string().into_bytes());
            assert_eq!(accumulate(family, bytes), resp);
        }
    }
}

/// The body and the chunks `family` renders for `resp`, asserting that the
/// body parses back to it (the family must stream).
fn render_back(
    family: &dyn ModelFamily,
    ctx: &RenderContext<'_>,
    resp: &PortableResponse,
) -> (Value, Vec<Value>) {
    let body = family.render_response(resp, ctx).unwrap();
    assert_eq!(&family.parse(body.to_string().as_bytes()).unwrap(), resp);
    (body, family.render_chunks(resp, ctx).unwrap())
}

/// Asserts that each answer renders to a body that parses back to it and
/// to chunks that accumulate to it, then hands the answer, its body and
/// its chunks to `check` for the family's own expectations.
pub(crate) fn assert_streams_back(
    family: &dyn ModelFamily,
    ctx: &RenderContext<'_>,
    answers: impl IntoIterator<Item = PortableResponse>,
    mut check: impl FnMut(&PortableResponse, &Value, &[Value]),
) {
    for resp in answers {
        let (body, chunks) = render_back(family, ctx, &resp);
        assert_eq!(
            accumulate(family, chunks.iter().map(|c| c.to_string())),
            resp
        );
        check(&resp, &body, &chunks);
    }
}

/// [`assert_streams_back`] for a family whose stream counts tokens only in
/// Bedrock's invocation metrics: the metrics of `tokens`, added to the
/// chunk `from_end` places before the last (as the fake adds them), make
/// each answer accumulate with those metrics and that usage.
pub(crate) fn assert_streams_back_with_metrics(
    family: &dyn ModelFamily,
    ctx: &RenderContext<'_>,
    answers: impl IntoIterator<Item = PortableResponse>,
    (tokens, from_end): (Usage, usize),
    mut check: impl FnMut(&PortableResponse, &Value, &[Value]),
) {
    let metrics = InvocationMetrics {
        input_token_count: tokens.input_tokens,
        output_token_count: tokens.output_tokens,
        invocation_latency: 800,
        first_byte_latency: 300,
    };
    for resp in answers {
        let (body, chunks) = render_back(family, ctx, &resp);
        check(&resp, &body, &chunks);
        let mut chunks = chunks;
        let at = chunks.len() - 1 - from_end;
        chunks[at]["amazon-bedrock-invocationMetrics"] = serde_json::to_value(metrics).unwrap();
        let want = PortableResponse {
            usage: Some(tokens),
            metrics: Some(metrics),
            ..resp
        };
        assert_eq!(
            accumulate(family, chunks.iter().map(|c| c.to_string())),
            want
        );
    }
}

/// The top-level keys of a JSON object in their order (none for any other
/// value).
pub(crate) fn key_order(value: &Value) -> Vec<String> {
    value
        .as_object()
        .map(|object| object.keys().cloned().collect())
        .unwrap_or_default()
}

/// Asserts that each answer of a family that does not stream renders to a
/// body with the top-level keys of `recorded`, in order, that parses back
/// to it, and that rendering it as chunks is refused; then hands the
/// answer's body to `check` for the family's own expectations.
pub(crate) fn assert_renders_back_unstreamed(
    family: &dyn ModelFamily,
    ctx: &RenderContext<'_>,
    recorded: &Value,
    answers: impl IntoIterator<Item = PortableResponse>,
    mut check: impl FnMut(&Value),
) {
    for resp in answers {
        let body = family.render_response(&resp, ctx).unwrap();
        assert_eq!(key_order(&body), key_order(recorded), "{}", ctx.model.id);
        assert_eq!(family.parse(body.to_string().as_bytes()).unwrap(), resp);
        let err = family.render_chunks(&resp, ctx).unwrap_err().to_string();
        assert!(err.contains("response streaming"), "{err}");
        check(&body);
    }
}

/// Token counts of `input` and `output` tokens.
pub(crate) fn usage(input: u32, output: u32) -> Option<Usage> {
    Some(Usage {
        input_tokens: input,
        output_tokens: output,
    })
}

/// An answer of `text` that ended for `stop`, with `usage`.
pub(crate) fn answer(text: &str, stop: StopReason, usage: Option<Usage>) -> PortableResponse {
    PortableResponse {
        text: text.into(),
        stop_reason: Some(stop),
        usage,
        ..Default::default()
    }
}

/// The two text answers every text family renders: `whole` ending the
/// turn and `cut` stopped at the token limit, each with `usage`.
pub(crate) fn text_answers(whole: &str, cut: &str, usage: Option<Usage>) -> [PortableResponse; 2] {
    [
        answer(whole, StopReason::EndTurn, usage),
        answer(cut, StopReason::MaxTokens, usage),
    ]
}

/// A call, under `id`, of the tool `name` with `input`.
pub(crate) fn call(id: &str, name: &str, input: Value) -> ToolCall {
    ToolCall {
        id: id.into(),
        name: name.into(),
        input,
    }
}

/// An answer of `text` (may be empty) that stopped to make `calls`, with
/// `usage`.
pub(crate) fn tool_answer(
    text: &str,
    calls: Vec<ToolCall>,
    usage: Option<Usage>,
) -> PortableResponse {
    PortableResponse {
        tool_calls: calls,
        ..answer(text, StopReason::ToolUse, usage)
    }
}

/// The error `family` gives for the stream chunk `bytes`, as text.
pub(crate) fn chunk_error(family: &dyn ModelFamily, bytes: &[u8]) -> String {
    family
        .parse_chunk(bytes, &mut StreamAccumulator::new())
        .unwrap_err()
        .to_string()
}

/// Asserts that `family`, which does not stream, refuses a stream chunk
/// with its own error naming response streaming.
pub(crate) fn assert_streaming_refused(family: &dyn ModelFamily) {
    let err = chunk_error(family, b"{}");
    assert!(err.starts_with(&format!("{}: ", family.name())), "{err}");
    assert!(err.contains("response streaming"), "{err}");
}

/// `req` with an assistant turn that calls the tool `name` with `input`
/// under `id`, then a user turn that answers the call with the JSON
/// `result`.
pub(crate) fn with_tool_exchange(
    req: PortableRequest,
    id: &str,
    name: &str,
    input: Value,
    result: Value,
) -> PortableRequest {
    use crate::portable::ToolResultContent;
    req.message(Message::new(
        Role::Assistant,
        vec![ContentBlock::tool_use(id, name, input)],
    ))
    .message(Message::new(
        Role::User,
        vec![ContentBlock::ToolResult {
            tool_use_id: id.into(),
            content: vec![ToolResultContent::Json(result)],
            is_error: false,
        }],
    ))
}

/// A tool with no description that takes any object.
pub(crate) fn any_tool() -> crate::portable::ToolSpec {
    crate::portable::ToolSpec::new("t", serde_json::json!({"type": "object"}))
}

/// Four turns with a system prompt: user, assistant, user.
pub(crate) fn conversation() -> PortableRequest {
    PortableRequest::prompt("Hi")
        .system("Be brief.")
        .message(Message::assistant("Hello."))
        .message(Message::user("Tell me a joke."))
}
