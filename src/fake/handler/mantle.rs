//! The bedrock-mantle endpoint (`serve --mantle`, or
//! [`FakeConfig::endpoint`](crate::fake::FakeConfig::endpoint) set to
//! [`Endpoint::Mantle`]): OpenAI's Chat Completions and Responses under
//! `/v1` (AWS: "Most models are served under /v1 … some are served under
//! /openai/v1"), the models list at `GET /v1/models` (AWS: "Use the
//! OpenAI-compatible /models endpoint … to list the models available on
//! bedrock-mantle"), and Anthropic's Messages API at
//! `/anthropic/v1/messages`.
//!
//! Models go by their Mantle ids ([`ModelInfo::mantle_id`]), and each
//! takes the APIs its catalog line lists ([`ModelInfo::mantle`]). Mantle's
//! refusals, as public captures quote them: an unknown model is 404
//! `{"error": {"code": "not_found_error", "type": "invalid_request_error",
//! "message": "The model 'x' does not exist"}}`, a model on an API it does
//! not take is 400 `validation_error` `The model 'x' does not support the
//! '/v1/responses' API` (on the Messages API, `invalid_request_error`,
//! BerriAI/litellm#29463), and a model on the wrong prefix is refused with
//! AWS's `model x isn't supported on this route` (the status and shape of
//! that one are not published). A call runs as its model's InvokeModel,
//! as on bedrock-runtime's compatible paths, and its answer names the
//! Mantle id.

use super::{FakeRequest, FakeResponse, FakeState};
use crate::catalog::Resolved;
use crate::model_id::ModelId;
use crate::model_info::{Endpoint, MantleApi};
use serde_json::{json, Value};

/// The OpenAI API's root on bedrock-mantle.
const V1: &str = "/v1";

/// The root of the OpenAI models bedrock-mantle serves under `/openai/v1`
/// (GPT-5.x, Gemma 4, Grok: [`ModelInfo::mantle_openai_root`]).
const OPENAI_V1: &str = "/openai/v1";

/// Whether `state` stands for bedrock-mantle.
pub(super) fn is_mantle(state: &FakeState) -> bool {
    state.config.endpoint == Endpoint::Mantle
}

/// Answers a call to bedrock-mantle.
pub(super) fn answer(state: &FakeState, req: &FakeRequest) -> FakeResponse {
    if let Err(refusal) = crate::fake::auth::check(state, req) {
        return refusal.to_response("00000000-0000-0000-0000-000000000000");
    }
    let path = req.path.as_str();
    let (prefix, api) = match (req.method.as_str(), path) {
        ("GET", "/v1/models") => return models(state),
        ("POST", "/anthropic/v1/messages") => ("/anthropic/v1", MantleApi::Messages),
        ("POST", _) => match (
            path.strip_suffix("/chat/completions"),
            path.strip_suffix("/responses"),
        ) {
            (Some(prefix), _) => (prefix, MantleApi::ChatCompletions),
            (_, Some(prefix)) => (prefix, MantleApi::Responses),
            _ => return unknown_path(req),
        },
        _ => return unknown_path(req),
    };
    if ![V1, OPENAI_V1, "/anthropic/v1"].contains(&prefix) {
        return unknown_path(req);
    }
    let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(&req.body) else {
        return refusal(
            api,
            400,
            "validation_error",
            "bedrock-harness: the body is not a JSON object",
        );
    };
    let Some(asked) = body
        .get("model")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return refusal(
            api,
            400,
            "validation_error",
            "bedrock-harness: the body names no `model` (Mantle's words for this are not published)",
        );
    };
    let Some(model) = state.catalog.by_mantle_id(&asked) else {
        return refusal(
            api,
            404,
            "not_found_error",
            &format!("The model '{asked}' does not exist"),
        );
    };
    let api_path = format!("{prefix}/{}", api.path());
    if !model.on_mantle(api) {
        let code = match api {
            MantleApi::Messages => "invalid_request_error",
            _ => "validation_error",
        };
        return refusal(
            api,
            400,
            code,
            &format!("The model '{asked}' does not support the '{api_path}' API"),
        );
    }
    let root = match model.mantle_openai_root {
        true => OPENAI_V1,
        false => V1,
    };
    if api != MantleApi::Messages && prefix != root {
        return refusal(
            api,
            400,
            "validation_error",
            &format!("model {asked} isn't supported on this route"),
        );
    }
    // Mantle has no inference profiles: a model bedrock-runtime serves only
    // through one runs as its region's system-defined profile.
    let runtime_id = match model.requires_profile(&state.config.region) {
        true => format!(
            "{}.{}",
            crate::fake::catalog_api::geography(&state.config.region),
            model.id
        ),
        false => model.id.clone(),
    };
    body.insert("model".into(), json!(runtime_id));
    if api == MantleApi::ChatCompletions && model.family != "openai_chat" {
        let body = Value::Object(body);
        return super::mantle_bridge::chat_completions(
            state,
            req,
            model,
            &runtime_id,
            &asked,
            &body,
        );
    }
    let mut inner = req.clone();
    inner.body = serde_json::to_vec(&body).unwrap_or_default();
    inner.path = match api {
        MantleApi::ChatCompletions => super::openai_compat::CHAT_COMPLETIONS,
        MantleApi::Responses => super::responses_api::RESPONSES,
        MantleApi::Messages => super::anthropic_messages::MESSAGES,
    }
    .to_string();
    // Authenticated above: the signature was over the body as sent.
    let mut response = match api {
        MantleApi::ChatCompletions => {
            super::openai_compat::authenticated_chat_completions(state, &inner)
        }
        MantleApi::Responses => super::responses_api::authenticated_responses(state, &inner),
        MantleApi::Messages => super::anthropic_messages::authenticated_messages(state, &inner),
    };
    response.body = renamed(&response.body, &runtime_id, &asked);
    response
}

impl MantleApi {
    /// The API's path under its root.
    fn path(self) -> &'static str {
        match self {
            MantleApi::ChatCompletions => "chat/completions",
            MantleApi::Responses => "responses",
            MantleApi::Messages => "messages",
        }
    }
}

/// On bedrock-mantle, a model only it serves, which bedrock-runtime's
/// resolution does not know (its calls run as InvokeModel too).
pub(super) fn resolve_own<'a>(state: &'a FakeState, id: &ModelId) -> Option<Resolved<'a>> {
    match is_mantle(state) {
        true => state.catalog.resolve_mantle_only(id.base_id()?),
        false => None,
    }
}

/// `body` with the model's runtime id, where the answer names it, replaced
/// by the Mantle id it was asked by.
fn renamed(body: &[u8], runtime: &str, mantle: &str) -> Vec<u8> {
    let from = format!("\"model\":\"{runtime}\"");
    let to = format!("\"model\":\"{mantle}\"");
    String::from_utf8_lossy(body)
        .replace(&from, &to)
        .into_bytes()
}

/// `GET /v1/models`: the models bedrock-mantle serves today, by their
/// Mantle ids. Public captures show only `id` and `object` of each entry
/// (and a list of them under `data`); the fake sends those and nothing it
/// would have to invent.
fn models(state: &FakeState) -> FakeResponse {
    let today = state.config.today();
    let data: Vec<Value> = state
        .catalog
        .mantle_models()
        .filter(|m| m.state(today) != crate::LifecycleState::EndOfLife)
        .map(|m| json!({"id": m.mantle_id(), "object": "model"}))
        .collect();
    FakeResponse::json(200, &json!({"object": "list", "data": data}))
}

/// A refusal in the API's own shape: OpenAI's envelope, or Anthropic's.
pub(super) fn refusal(api: MantleApi, status: u16, code: &str, message: &str) -> FakeResponse {
    let body = match api {
        MantleApi::Messages => {
            json!({"type": "error", "error": {"type": code, "message": message}})
        }
        _ => json!({"error": {"code": code, "type": "invalid_request_error", "message": message}}),
    };
    FakeResponse::json(status, &body)
}

/// A path bedrock-mantle does not serve (Bedrock Runtime's operations
/// among them). No source gives Mantle's answer; the fake says so.
fn unknown_path(req: &FakeRequest) -> FakeResponse {
    FakeResponse::json(
        404,
        &json!({"error": {
            "code": "not_found_error",
            "type": "invalid_request_error",
            "message": format!(
                "bedrock-harness: bedrock-mantle serves no {} {} (it serves /v1/chat/completions, /v1/responses, GET /v1/models and /anthropic/v1/messages)",
                req.method, req.path
            ),
        }}),
    )
}
