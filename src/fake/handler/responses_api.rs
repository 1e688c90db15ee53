//! The OpenAI Responses API on Bedrock Runtime (`POST /openai/v1/responses`),
//! for OpenAI's models (`openai.*`; AWS's 2026 samples call gpt-5.6 on it,
//! and quote Bedrock's refusal of other models: `The model 'x' does not
//! support the '/openai/v1/responses' API`). A call is turned into the
//! equivalent Chat Completions body (`instructions` a system message,
//! `input` the messages, `max_output_tokens`, `reasoning.effort`, function
//! `tools`) and run as the model's InvokeModel, and the `chat.completion`
//! is written back as a `response` object in the Responses API's shape
//! (OpenAI's API reference): a `reasoning` item for gpt-oss's reasoning, a
//! `message` item with `output_text`, a `function_call` item per tool call,
//! and `usage`. A streamed call is answered as events (see
//! `responses_stream`).

use super::openai_compat::{refusal_message, run_as_invoke};
use super::{FakeRequest, FakeResponse, FakeState};
use serde_json::{json, Value};

/// The path.
pub(super) const RESPONSES: &str = "/openai/v1/responses";

/// Answers a Responses API call.
pub(super) fn responses(state: &FakeState, req: &FakeRequest) -> FakeResponse {
    if let Err(refusal) = crate::fake::auth::check(state, req) {
        return refusal.to_response("00000000-0000-0000-0000-000000000000");
    }
    authenticated_responses(state, req)
}

/// Answers a Responses API call whose caller is authenticated.
pub(super) fn authenticated_responses(state: &FakeState, req: &FakeRequest) -> FakeResponse {
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return error(400, None, "bedrock-harness: the body is not JSON");
    };
    let Some(model) = body.get("model").and_then(Value::as_str) else {
        return error(
            400,
            Some("model"),
            "bedrock-harness: the body names no `model`",
        );
    };
    let base = crate::model_id::ModelId::parse(model)
        .ok()
        .and_then(|id| id.base_id().map(str::to_string))
        .unwrap_or_default();
    if !base.starts_with("openai.") {
        return error(
            400,
            Some("model"),
            &format!("The model '{model}' does not support the '/openai/v1/responses' API"),
        );
    }
    let streaming = body.get("stream") == Some(&Value::Bool(true));
    let chat = chat_body(&body);
    let answer = run_as_invoke(
        state,
        req,
        model,
        streaming,
        serde_json::to_vec(&chat).unwrap_or_default(),
    );
    if answer.status != 200 {
        return error(answer.status, None, &refusal_message(&answer));
    }
    if streaming {
        return super::responses_stream::events(&body, answer);
    }
    let Ok(completion) = serde_json::from_slice::<Value>(&answer.body) else {
        return answer;
    };
    let mut response = FakeResponse::json(200, &response_object(&body, &completion));
    response.headers.extend(
        answer
            .headers
            .into_iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("x-amzn-requestid")),
    );
    response
}

/// The Chat Completions body a Responses call stands for.
fn chat_body(body: &Value) -> Value {
    let mut messages = Vec::new();
    if let Some(instructions) = body.get("instructions").and_then(Value::as_str) {
        messages.push(json!({"role": "system", "content": instructions}));
    }
    match body.get("input") {
        Some(Value::String(text)) => messages.push(json!({"role": "user", "content": text})),
        Some(Value::Array(items)) => {
            for item in items {
                let role = item.get("role").and_then(Value::as_str).unwrap_or("user");
                let text = match item.get("content") {
                    Some(Value::String(text)) => text.clone(),
                    Some(Value::Array(parts)) => parts
                        .iter()
                        .filter_map(|p| p.get("text").and_then(Value::as_str))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    _ => continue,
                };
                let role = if role == "developer" { "system" } else { role };
                messages.push(json!({"role": role, "content": text}));
            }
        }
        _ => {}
    }
    let mut chat = json!({"model": body["model"], "messages": messages});
    for (from, to) in [
        ("max_output_tokens", "max_completion_tokens"),
        ("temperature", "temperature"),
        ("top_p", "top_p"),
    ] {
        if let Some(value) = body.get(from) {
            chat[to] = value.clone();
        }
    }
    if let Some(effort) = body.pointer("/reasoning/effort") {
        chat["reasoning_effort"] = effort.clone();
    }
    let tools: Vec<Value> = body
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| t.get("type").and_then(Value::as_str) == Some("function"))
        .map(|t| {
            json!({"type": "function", "function": {
                "name": t["name"], "description": t.get("description").cloned().unwrap_or(Value::Null),
                "parameters": t.get("parameters").cloned().unwrap_or_else(|| json!({"type": "object"}))
            }})
        })
        .collect();
    if !tools.is_empty() {
        chat["tools"] = Value::Array(tools);
    }
    chat
}

/// The `response` object of a `chat.completion`.
pub(super) fn response_object(request: &Value, completion: &Value) -> Value {
    let id = completion["id"]
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("chatcmpl-")
        .to_string();
    let message = &completion["choices"][0]["message"];
    let text = message["content"].as_str().unwrap_or_default();
    let (reasoning, text) = match text
        .strip_prefix("<reasoning>")
        .and_then(|rest| rest.split_once("</reasoning>"))
    {
        Some((reasoning, rest)) => (Some(reasoning), rest),
        None => (None, text),
    };
    let mut output = Vec::new();
    if let Some(reasoning) = reasoning {
        output.push(
            json!({"type": "reasoning", "id": format!("rs_{id}"), "summary": [],
            "content": [{"type": "reasoning_text", "text": reasoning}]}),
        );
    }
    if !text.is_empty() {
        output.push(json!({"type": "message", "id": format!("msg_{id}"), "status": "completed",
            "role": "assistant", "content": [{"type": "output_text", "text": text, "annotations": []}]}));
    }
    for call in message["tool_calls"].as_array().into_iter().flatten() {
        output.push(json!({"type": "function_call", "id": format!("fc_{}", call["id"].as_str().unwrap_or_default()),
            "call_id": call["id"], "name": call["function"]["name"],
            "arguments": call["function"]["arguments"], "status": "completed"}));
    }
    let usage = &completion["usage"];
    let (input, output_tokens) = (
        usage["prompt_tokens"].as_u64().unwrap_or(0),
        usage["completion_tokens"].as_u64().unwrap_or(0),
    );
    json!({
        "id": format!("resp_{id}"),
        "object": "response",
        "created_at": completion["created"],
        "status": "completed",
        "model": request["model"],
        "output": output,
        "parallel_tool_calls": true,
        "tool_choice": request.get("tool_choice").cloned().unwrap_or_else(|| json!("auto")),
        "tools": request.get("tools").cloned().unwrap_or_else(|| json!([])),
        "usage": {
            "input_tokens": input,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": input + output_tokens
        }
    })
}

/// An error in OpenAI's envelope (`validation_error`, as an AWS sample's
/// captured refusal on this path shows).
fn error(status: u16, param: Option<&str>, message: &str) -> FakeResponse {
    FakeResponse::json(
        status,
        &json!({"error": {"message": message, "type": "invalid_request_error",
                          "param": param, "code": "validation_error"}}),
    )
}
