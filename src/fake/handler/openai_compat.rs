//! Bedrock Runtime's OpenAI-compatible Chat Completions
//! (`POST /openai/v1/chat/completions`): the body is the one the OpenAI
//! models' InvokeModel takes (OpenAI's Create chat completion request, with
//! its `model`), so the call runs as that model's InvokeModel (or, with
//! `"stream": true`, InvokeModelWithResponseStream), and its answer is
//! handed back in the Chat Completions API's forms: the `chat.completion`
//! object with the reasoning as the message's `reasoning_content` (not the
//! `<reasoning>` tags of InvokeModel's text; BerriAI/litellm#40775), a
//! stream as server-sent events (`data: {chunk}` lines, then `data:
//! [DONE]`), and errors as OpenAI's `{"error": {"message", "type", "param",
//! "code"}}` with the same status.
//!
//! The path serves the models of the chat-completions family (AWS's
//! Endpoints page names gpt-oss; the others of the family are inferred); a
//! model of another family answers 404 `model_not_found`, as Claude does
//! (third-party traffic). The call is journaled as the InvokeModel call it
//! runs as.

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
        let kind = "authentication_error";
        return error(refusal.status, kind, None, &refusal.message);
    }
    let body: Value = match serde_json::from_slice(&req.body) {
        Ok(body) => body,
        Err(e) => {
            return error(
                400,
                "invalid_request_error",
                None,
                &format!("We could not parse the JSON body of your request: {e}"),
            )
        }
    };
    let Some(model) = body.get("model").and_then(Value::as_str) else {
        return error(
            400,
            "invalid_request_error",
            Some("model"),
            "you must provide a model parameter",
        );
    };
    let served = ModelId::parse(model)
        .ok()
        .and_then(|id| state.catalog.resolve(&id).ok())
        .is_some_and(|resolved| resolved.family.name() == FAMILY);
    if !served {
        return model_not_found(model);
    }
    let streaming = body.get("stream") == Some(&Value::Bool(true));
    let operation = if streaming {
        "invoke-with-response-stream"
    } else {
        "invoke"
    };
    let label = percent_encoding::utf8_percent_encode(model, percent_encoding::NON_ALPHANUMERIC);
    let mut inner = req.clone();
    inner.path = format!("/model/{label}/{operation}");
    let answer = super::answer(state, &inner, true);
    if answer.status != 200 {
        let message = serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_default();
        let kind = match answer.status {
            401 | 403 => "authentication_error",
            429 => "rate_limit_error",
            status if status >= 500 => "server_error",
            _ => "invalid_request_error",
        };
        return error(answer.status, kind, None, &message);
    }
    match streaming {
        false => completion(answer),
        true => events(answer),
    }
}

/// The `chat.completion` object, its reasoning moved out of the text.
fn completion(mut answer: FakeResponse) -> FakeResponse {
    if let Ok(mut body) = serde_json::from_slice::<Value>(&answer.body) {
        if let Some(choices) = body.get_mut("choices").and_then(Value::as_array_mut) {
            for choice in choices {
                let message = &mut choice["message"];
                let text = message["content"].as_str().unwrap_or_default().to_string();
                if let Some((reasoning, rest)) = split_reasoning(&text) {
                    message["content"] = json!(rest);
                    message["reasoning_content"] = json!(reasoning);
                }
            }
        }
        answer.body = serde_json::to_vec(&body).unwrap_or_default();
    }
    answer
}

/// `<reasoning>...</reasoning>` at the start of `text`, and the rest.
fn split_reasoning(text: &str) -> Option<(String, String)> {
    let inner = text.strip_prefix("<reasoning>")?;
    let (reasoning, rest) = inner.split_once("</reasoning>")?;
    Some((reasoning.to_string(), rest.to_string()))
}

/// The stream's chunks as server-sent events, then `[DONE]`: Bedrock's own
/// metrics stay out of the chunks, and the reasoning's tags become
/// `reasoning_content` deltas.
fn events(answer: FakeResponse) -> FakeResponse {
    let frames = FrameDecoder::new().feed(&answer.body).unwrap_or_default();
    let mut out = String::new();
    let mut in_reasoning = false;
    for frame in frames {
        let Frame::Chunk(bytes) = frame else { continue };
        let Ok(mut chunk) = serde_json::from_slice::<Value>(&bytes) else {
            continue;
        };
        if let Some(object) = chunk.as_object_mut() {
            object.remove("amazon-bedrock-invocationMetrics");
        }
        if let Some(delta) = chunk.pointer_mut("/choices/0/delta") {
            let piece = delta["content"].as_str().map(str::to_string);
            match piece.as_deref() {
                Some("<reasoning>") => {
                    in_reasoning = true;
                    continue;
                }
                Some("</reasoning>") => {
                    in_reasoning = false;
                    continue;
                }
                Some(text) if in_reasoning => {
                    delta["reasoning_content"] = json!(text);
                    if let Some(d) = delta.as_object_mut() {
                        d.remove("content");
                    }
                }
                _ => {}
            }
        }
        out.push_str("data: ");
        out.push_str(&chunk.to_string());
        out.push_str("\n\n");
    }
    out.push_str("data: [DONE]\n\n");
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
        body: out.into_bytes(),
        delay: answer.delay,
        pacing: None,
    }
}

fn model_not_found(model: &str) -> FakeResponse {
    let mut response = error(
        404,
        "invalid_request_error",
        Some("model"),
        &format!("The model `{model}` does not exist or you do not have access to it."),
    );
    if let Ok(mut body) = serde_json::from_slice::<Value>(&response.body) {
        body["error"]["code"] = json!("model_not_found");
        response.body = serde_json::to_vec(&body).unwrap_or_default();
    }
    response
}

/// An error in the OpenAI API's shape.
fn error(status: u16, kind: &str, param: Option<&str>, message: &str) -> FakeResponse {
    FakeResponse::json(
        status,
        &json!({"error": {"message": message, "type": kind, "param": param, "code": null}}),
    )
}
