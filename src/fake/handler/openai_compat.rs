//! Bedrock Runtime's OpenAI-compatible Chat Completions
//! (`POST /openai/v1/chat/completions`): the body is the one the OpenAI
//! models' InvokeModel takes (OpenAI's Create chat completion request, with
//! its `model`), so the call runs as that model's InvokeModel (or, with
//! `"stream": true`, InvokeModelWithResponseStream), and its answer is
//! handed back in the Chat Completions API's forms: the `chat.completion`
//! object as InvokeModel gives it (gpt-oss's reasoning inline in
//! `<reasoning>` tags, as public reports of this path show:
//! CherryHQ/cherry-studio#10225, ren8k/aws-gpt-oss-samples), a stream as
//! server-sent events (`data: {chunk}` lines, then `data: [DONE]`, as AWS's
//! samples read it), and errors in OpenAI's envelope (`{"error":
//! {"message", "type", "param", "code"}}`, with `invalid_request_error` and
//! `validation_error` as an AWS sample's captured refusal of this API
//! shows) with Bedrock's status and message. An authentication failure
//! keeps Bedrock's own body, as public reports of API-key refusals show.
//!
//! The path serves the models of the chat-completions family (AWS's page
//! names the OpenAI models; AWS's 2026 samples call gpt-5.6, Grok, Qwen and
//! GLM on it); another model answers 404 `The model doesn't exist or
//! doesn't support this API` (aws-samples/sample-per-model-bedrock), with
//! the code `model_not_found` (third-party traffic with Claude). The call
//! is journaled as the InvokeModel call it runs as.

use super::{FakeRequest, FakeResponse, FakeState};
use crate::eventstream::{Frame, FrameDecoder};
use crate::model_id::ModelId;
use serde_json::{json, Value};

/// The path.
pub(super) const CHAT_COMPLETIONS: &str = "/openai/v1/chat/completions";

/// The family whose models this path serves.
const FAMILY: &str = "openai_chat";

/// Answers a Chat Completions call.
pub(super) fn chat_completions(state: &FakeState, req: &FakeRequest) -> FakeResponse {
    if let Err(refusal) = crate::fake::auth::check(state, req) {
        return refusal.to_response("00000000-0000-0000-0000-000000000000");
    }
    authenticated_chat_completions(state, req)
}

/// Answers a Chat Completions call whose caller is authenticated.
pub(super) fn authenticated_chat_completions(state: &FakeState, req: &FakeRequest) -> FakeResponse {
    let body: Value = match serde_json::from_slice(&req.body) {
        Ok(body) => body,
        Err(e) => {
            return error(
                400,
                "invalid_request_error",
                None,
                &format!("bedrock-harness: the body is not JSON: {e}"),
            )
        }
    };
    let Some(model) = body.get("model").and_then(Value::as_str) else {
        return error(
            400,
            "invalid_request_error",
            Some("model"),
            "bedrock-harness: the body names no `model` (Bedrock's words for this are not published)",
        );
    };
    // On bedrock-mantle, its own models too (checked by the caller).
    let served = ModelId::parse(model)
        .ok()
        .and_then(|id| {
            let own = || super::mantle::resolve_own(state, &id);
            state.catalog.resolve(&id).ok().or_else(own)
        })
        .is_some_and(|resolved| resolved.family.name() == FAMILY);
    if !served {
        return model_not_found();
    }
    let streaming = body.get("stream") == Some(&Value::Bool(true));
    let answer = run_as_invoke(state, req, model, streaming, req.body.clone());
    if answer.status != 200 {
        let message = refusal_message(&answer);
        let (kind, code) = match answer.status {
            429 => ("rate_limit_error", None),
            status if status >= 500 => ("server_error", None),
            _ => ("invalid_request_error", Some("validation_error")),
        };
        let mut refused = error(answer.status, kind, None, &message);
        if let Some(code) = code {
            set_code(&mut refused, code);
        }
        return refused;
    }
    match streaming {
        false => answer,
        true => events(answer),
    }
}

fn set_code(response: &mut FakeResponse, code: &str) {
    if let Ok(mut body) = serde_json::from_slice::<Value>(&response.body) {
        body["error"]["code"] = json!(code);
        response.body = serde_json::to_vec(&body).unwrap_or_default();
    }
}

thread_local! {
    /// Whether the compatible-API call this thread is answering ran a
    /// model (and was journaled as that model operation).
    static RAN_A_MODEL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Answers a call of a compatible API with `api`, and journals it when it
/// was refused before any model ran: a call that runs is journaled as the
/// model operation it runs as, so every call is in the journal once.
pub(super) fn journaled(
    state: &FakeState,
    req: &FakeRequest,
    api: impl FnOnce() -> FakeResponse,
) -> FakeResponse {
    RAN_A_MODEL.with(|ran| ran.set(false));
    let response = api();
    if RAN_A_MODEL.with(std::cell::Cell::get) {
        return response;
    }
    let field = |body: &[u8], pointers: &[&str]| {
        let value: Value = serde_json::from_slice(body).ok()?;
        pointers
            .iter()
            .find_map(|p| value.pointer(p).and_then(Value::as_str).map(str::to_string))
    };
    // Only an authentication failure answers 401 or 403 before a model runs.
    let authenticated = !matches!(response.status, 401 | 403);
    let call = crate::fake::journal::CallRecord {
        operation: None,
        model: field(&req.body, &["/model"]).filter(|_| authenticated),
        status: response.status,
        error: field(&response.body, &["/error/code", "/error/type"]),
        note: Some(format!(
            "{} {}: refused before any model ran",
            req.method, req.path
        )),
        authenticated,
    };
    if let Ok(mut journal) = state.journal.lock() {
        journal.record(call, if authenticated { &req.body } else { &[] });
    }
    response
}

/// Runs a call of another API as `model`'s InvokeModel (or, `streaming`,
/// InvokeModelWithResponseStream) with `body`, its caller authenticated.
pub(super) fn run_as_invoke(
    state: &FakeState,
    req: &FakeRequest,
    model: &str,
    streaming: bool,
    body: Vec<u8>,
) -> FakeResponse {
    let operation = match streaming {
        true => "invoke-with-response-stream",
        false => "invoke",
    };
    let label = percent_encoding::utf8_percent_encode(model, percent_encoding::NON_ALPHANUMERIC);
    let mut inner = req.clone();
    inner.path = format!("/model/{label}/{operation}");
    inner.body = body;
    RAN_A_MODEL.with(|ran| ran.set(true));
    super::answer(state, &inner, true)
}

/// The `message` of a refusal the fake answered in Bedrock's shape.
pub(super) fn refusal_message(answer: &FakeResponse) -> String {
    serde_json::from_slice::<Value>(&answer.body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_default()
}

/// The native chunks of an InvokeModelWithResponseStream answer, without
/// Bedrock's own metrics (the APIs that hand them on have none).
pub(super) fn native_chunks(answer: &FakeResponse) -> Vec<Value> {
    let frames = FrameDecoder::new().feed(&answer.body).unwrap_or_default();
    frames
        .into_iter()
        .filter_map(|frame| match frame {
            Frame::Chunk(bytes) => serde_json::from_slice::<Value>(&bytes).ok(),
            _ => None,
        })
        .map(|mut chunk| {
            if let Some(object) = chunk.as_object_mut() {
                object.remove("amazon-bedrock-invocationMetrics");
            }
            chunk
        })
        .collect()
}

/// The stream's chunks as server-sent events, then `[DONE]` with the last.
fn events(answer: FakeResponse) -> FakeResponse {
    let mut groups: Vec<String> = native_chunks(&answer)
        .iter()
        .map(|chunk| format!("data: {chunk}\n\n"))
        .collect();
    match groups.last_mut() {
        Some(last) => last.push_str("data: [DONE]\n\n"),
        None => groups.push("data: [DONE]\n\n".into()),
    }
    server_sent_groups(answer, groups)
}

/// `answer`'s head with `groups` as a `text/event-stream` body, one group
/// of events for each frame of the event stream `answer` was, each written
/// when its frame would have been (a paced stream stays paced). When the
/// groups do not match the frames one to one, the body comes whole, as
/// late as the last frame would have.
pub(super) fn server_sent_groups(answer: FakeResponse, groups: Vec<String>) -> FakeResponse {
    let mut body = String::with_capacity(groups.iter().map(String::len).sum());
    let mut ends = Vec::with_capacity(groups.len());
    for group in &groups {
        body.push_str(group);
        ends.push(body.len());
    }
    let mut delay = answer.delay;
    let pacing = match answer.pacing.clone() {
        Some(mut pacing) if pacing.frame_ends.len() == ends.len() => {
            pacing.frame_ends = ends;
            Some(pacing)
        }
        Some(pacing) => {
            delay = Some(delay.unwrap_or_default() + pacing.total());
            None
        }
        None => None,
    };
    let mut response = server_sent(answer, body);
    response.delay = delay;
    response.pacing = pacing;
    response
}

/// `answer`'s head with `events` as a `text/event-stream` body.
fn server_sent(answer: FakeResponse, events: String) -> FakeResponse {
    FakeResponse {
        status: 200,
        headers: answer
            .headers
            .into_iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("content-type"))
            .chain(std::iter::once((
                "content-type".to_string(),
                "text/event-stream".to_string(),
            )))
            .collect(),
        body: events.into_bytes(),
        delay: answer.delay,
        pacing: None,
    }
}

/// Bedrock's refusal of a model this API does not serve.
pub const NOT_SERVED: &str = "The model doesn't exist or doesn't support this API";

fn model_not_found() -> FakeResponse {
    let mut response = error(404, "invalid_request_error", Some("model"), NOT_SERVED);
    set_code(&mut response, "model_not_found");
    response
}

/// An error in the OpenAI API's shape.
fn error(status: u16, kind: &str, param: Option<&str>, message: &str) -> FakeResponse {
    FakeResponse::json(
        status,
        &json!({"error": {"message": message, "type": kind, "param": param, "code": null}}),
    )
}
