//! The Anthropic Messages API as bedrock-mantle serves it (`POST
//! /anthropic/v1/messages`, the path of the `anthropic` SDK's
//! `AnthropicBedrockMantle` client: its base URL ends in `/anthropic`):
//! the body is Anthropic's, with its `model`, so the call runs as that
//! Claude model's InvokeModel (the body given the first `anthropic_version`
//! the model takes, without `model` and `stream`), or with `"stream":
//! true` as InvokeModelWithResponseStream, whose chunks are the Messages
//! API's events, sent as server-sent events (`event: <type>` and `data:
//! <json>`). Errors take the Messages API's shape (`{"type": "error",
//! "error": {"type", "message"}}`, Anthropic's "Errors" page) with the
//! error type its page gives for the status; a model that is not Claude
//! answers 404 `not_found_error` `model: <id>` (Anthropic's wording; the
//! mantle endpoint's is not published). The call is journaled as the
//! InvokeModel call it runs as.

use super::{FakeRequest, FakeResponse, FakeState};
use crate::model_id::ModelId;
use serde_json::{json, Value};

/// The path.
pub(super) const MESSAGES: &str = "/anthropic/v1/messages";

/// Answers a Messages API call.
pub(super) fn messages(state: &FakeState, req: &FakeRequest) -> FakeResponse {
    if let Err(refusal) = crate::fake::auth::check(state, req) {
        return error(refusal.status, &refusal.message);
    }
    authenticated_messages(state, req)
}

/// Answers a Messages API call whose caller is authenticated.
pub(super) fn authenticated_messages(state: &FakeState, req: &FakeRequest) -> FakeResponse {
    let mut body: Value = match serde_json::from_slice(&req.body) {
        Ok(Value::Object(body)) => Value::Object(body),
        _ => return error(400, "bedrock-harness: the body is not a JSON object"),
    };
    let Some(model) = body
        .get("model")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return error(400, "model: Field required");
    };
    let claude = ModelId::parse(&model)
        .ok()
        .and_then(|id| state.catalog.resolve(&id).ok())
        .and_then(|resolved| resolved.model.anthropic.clone());
    let Some(rules) = claude else {
        return error(404, &format!("model: {model}"));
    };
    let streaming = body.get("stream") == Some(&Value::Bool(true));
    if let Some(object) = body.as_object_mut() {
        object.remove("model");
        object.remove("stream");
        let version = rules.versions.first().cloned().unwrap_or_default();
        object.insert("anthropic_version".into(), json!(version));
    }
    let native = serde_json::to_vec(&body).unwrap_or_default();
    let answer = super::openai_compat::run_as_invoke(state, req, &model, streaming, native);
    if answer.status != 200 {
        return error(
            answer.status,
            &super::openai_compat::refusal_message(&answer),
        );
    }
    if !streaming {
        return answer;
    }
    let events = super::openai_compat::native_chunks(&answer)
        .iter()
        .map(|chunk| {
            let kind = chunk["type"].as_str().unwrap_or("message");
            format!("event: {kind}\ndata: {chunk}\n\n")
        })
        .collect();
    super::openai_compat::server_sent_groups(answer, events)
}

/// An error in the Messages API's shape, its type the one Anthropic's
/// "Errors" page gives for the status.
fn error(status: u16, message: &str) -> FakeResponse {
    let kind = match status {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        status if status >= 500 => "api_error",
        _ => "invalid_request_error",
    };
    FakeResponse::json(
        status,
        &json!({"type": "error", "error": {"type": kind, "message": message}}),
    )
}
