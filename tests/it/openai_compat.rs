//! Bedrock Runtime's OpenAI-compatible Chat Completions
//! (`/openai/v1/chat/completions`), in process: the chat.completion
//! object, server-sent chunks, and OpenAI-shaped errors.

use bedrock_harness::fake::{FakeRequest, FakeState};
use serde_json::{json, Value};

const PATH: &str = "/openai/v1/chat/completions";

/// A POST of `body` to `path`: its status and body.
fn post(state: &FakeState, path: &str, body: Value) -> (u16, Vec<u8>) {
    let answer = state.handle(&FakeRequest::post(path, body.to_string().into_bytes()));
    (answer.status, answer.body)
}

fn call(state: &FakeState, body: Value) -> (u16, Vec<u8>) {
    post(state, PATH, body)
}

#[test]
fn a_chat_completion_keeps_gpt_oss_reasoning_inline() {
    let state = FakeState::new(crate::support::pinned()).unwrap();
    let (status, body) = call(
        &state,
        json!({"model": "openai.gpt-oss-20b-1:0", "messages": [{"role": "user", "content": "Hi"}]}),
    );
    assert_eq!(status, 200);
    let body: Value = serde_json::from_slice(&body).unwrap();
    let message = &body["choices"][0]["message"];
    assert!(message["content"]
        .as_str()
        .unwrap()
        .starts_with("<reasoning>"));
    assert_eq!(body["object"], "chat.completion");
    let journal = state.journal();
    assert_eq!(journal.len(), 1, "journaled once, as its InvokeModel call");
    assert_eq!(
        journal[0].operation,
        Some(bedrock_harness::fake::Operation::Invoke)
    );
}

#[test]
fn a_stream_is_server_sent_events_ending_in_done() {
    let state = FakeState::new(crate::support::pinned()).unwrap();
    let (status, body) = call(
        &state,
        json!({"model": "openai.gpt-oss-20b-1:0", "stream": true,
               "messages": [{"role": "user", "content": "Hi"}]}),
    );
    assert_eq!(status, 200);
    let text = String::from_utf8(body).unwrap();
    let events: Vec<&str> = text
        .split("\n\n")
        .filter(|e| !e.is_empty())
        .map(|e| e.strip_prefix("data: ").unwrap())
        .collect();
    assert_eq!(events.last(), Some(&"[DONE]"));
    for event in &events[..events.len() - 1] {
        let chunk: Value = serde_json::from_str(event).unwrap();
        assert_eq!(chunk["object"], "chat.completion.chunk");
        assert!(chunk.get("amazon-bedrock-invocationMetrics").is_none());
    }
}

#[test]
fn errors_take_openais_shape() {
    let state = FakeState::new(crate::support::pinned()).unwrap();
    let (status, body) = call(
        &state,
        json!({"model": "anthropic.claude-sonnet-4-5-20250929-v1:0", "messages": []}),
    );
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("model_not_found"))
    );
    assert_eq!(
        body["error"]["message"],
        "The model doesn't exist or doesn't support this API"
    );
    let (status, body) = call(
        &state,
        json!({"model": "openai.gpt-oss-20b-1:0", "temperature": 5,
               "messages": [{"role": "user", "content": "Hi"}]}),
    );
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("validation_error"))
    );
    let (status, body) = call(&state, json!({"messages": []}));
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (status, body["error"]["param"].as_str()),
        (400, Some("model"))
    );
}

/// The Anthropic Messages API (`/anthropic/v1/messages`, bedrock-mantle's
/// path): Claude's message, its stream as named server-sent events, and
/// errors in the API's shape.
#[test]
fn the_messages_api_runs_as_claudes_invoke_model() {
    let state = FakeState::new(crate::support::pinned()).unwrap();
    let send = |body: Value| post(&state, "/anthropic/v1/messages", body);
    let hello = json!([{"role": "user", "content": "Hi"}]);
    let (status, body) =
        send(json!({"model": "us.anthropic.claude-opus-5", "max_tokens": 64, "messages": hello}));
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, body["type"].as_str()), (200, Some("message")));

    let (_, body) = send(
        json!({"model": "us.anthropic.claude-opus-5", "max_tokens": 64,
                                "messages": hello, "stream": true}),
    );
    let text = String::from_utf8(body).unwrap();
    let first = text.split("\n\n").next().unwrap();
    assert!(
        first.starts_with("event: message_start\ndata: {"),
        "{first}"
    );
    assert!(text.trim_end().ends_with("}"));
    assert!(text.contains("event: message_stop"));
    assert!(!text.contains("amazon-bedrock-invocationMetrics"));

    let (status, body) =
        send(json!({"model": "openai.gpt-oss-20b-1:0", "max_tokens": 64, "messages": hello}));
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (status, body["error"]["type"].as_str()),
        (404, Some("not_found_error"))
    );
}

/// The Responses API (`/openai/v1/responses`) for OpenAI's models: a
/// `response` whose items are gpt-oss's reasoning and its message.
#[test]
fn the_responses_api_answers_items() {
    let state = FakeState::new(crate::support::pinned()).unwrap();
    let send = |body: Value| {
        let (status, body) = post(&state, "/openai/v1/responses", body);
        (status, serde_json::from_slice::<Value>(&body).unwrap())
    };
    let (status, body) = send(json!({"model": "openai.gpt-oss-20b-1:0", "input": "Hi"}));
    assert_eq!((status, body["object"].as_str()), (200, Some("response")));
    let kinds: Vec<&str> = body["output"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["reasoning", "message"]);
    assert!(body["id"].as_str().unwrap().starts_with("resp_"));
    let (status, body) = send(json!({"model": "google.gemma-3-4b-it", "input": "Hi"}));
    assert_eq!(status, 400);
    assert_eq!(
        body["error"]["message"],
        "The model 'google.gemma-3-4b-it' does not support the '/openai/v1/responses' API"
    );
}
