//! The bedrock-mantle endpoint (`FakeConfig::endpoint = Endpoint::Mantle`),
//! in process: the models list, Mantle ids, the APIs each model takes,
//! Mantle's refusals, and the streamed Responses events; and the
//! compatible APIs' server-sent events keeping their stream's pacing.

use bedrock_harness::fake::{FakeConfig, FakeRequest, FakeState, Rule};
use bedrock_harness::Endpoint;
use serde_json::{json, Value};
use std::time::Duration;

fn mantle() -> FakeState {
    FakeState::new(FakeConfig {
        endpoint: Endpoint::Mantle,
        ..crate::support::pinned()
    })
    .unwrap()
}

fn post(state: &FakeState, path: &str, body: Value) -> (u16, Value) {
    let answer = state.handle(&FakeRequest::post(path, body.to_string().into_bytes()));
    let parsed = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
    (answer.status, parsed)
}

/// A 400 whose error message is `message`.
fn assert_refused_with(state: &FakeState, path: &str, body: Value, message: &str) {
    let (status, answer) = post(state, path, body);
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["message"], message, "{answer}");
}

fn hello(model: &str) -> Value {
    json!({"model": model, "max_tokens": 64, "messages": [{"role": "user", "content": "Hi"}]})
}

#[test]
fn the_models_list_names_mantle_models_by_their_mantle_ids() {
    let state = mantle();
    let answer = state.handle(&FakeRequest::get("/v1/models"));
    assert_eq!(answer.status, 200);
    let list: Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(list["object"], "list");
    let ids: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    for id in [
        "openai.gpt-oss-120b",
        "anthropic.claude-haiku-4-5",
        "qwen.qwen3-32b",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    // Only Mantle's models: Nova is not served there.
    assert!(!ids.iter().any(|id| id.starts_with("amazon.")), "{ids:?}");
}

#[test]
fn a_model_answers_by_its_mantle_id_and_not_by_its_runtime_id() {
    let state = mantle();
    let (status, body) = post(&state, "/v1/chat/completions", hello("openai.gpt-oss-120b"));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], "openai.gpt-oss-120b");

    let (status, body) = post(
        &state,
        "/v1/chat/completions",
        hello("openai.gpt-oss-120b-1:0"),
    );
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"error": {"code": "not_found_error", "type": "invalid_request_error",
                         "message": "The model 'openai.gpt-oss-120b-1:0' does not exist"}})
    );
}

#[test]
fn each_api_serves_only_the_models_that_take_it() {
    let state = mantle();
    let (status, body) = post(
        &state,
        "/v1/chat/completions",
        hello("anthropic.claude-haiku-4-5"),
    );
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "validation_error");
    assert_eq!(
        body["error"]["message"],
        "The model 'anthropic.claude-haiku-4-5' does not support the '/v1/chat/completions' API"
    );

    assert_refused_with(
        &state,
        "/v1/responses",
        json!({"model": "openai.gpt-oss-safeguard-20b", "input": "Hi"}),
        "The model 'openai.gpt-oss-safeguard-20b' does not support the '/v1/responses' API",
    );

    let (status, body) = post(
        &state,
        "/anthropic/v1/messages",
        hello("openai.gpt-oss-120b"),
    );
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"type": "error", "error": {"type": "invalid_request_error",
            "message": "The model 'openai.gpt-oss-120b' does not support the '/anthropic/v1/messages' API"}})
    );

    // Claude Haiku 4.5 runs through its region's profile on bedrock-runtime;
    // Mantle has none.
    let (status, body) = post(
        &state,
        "/anthropic/v1/messages",
        hello("anthropic.claude-haiku-4-5"),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["type"], "message");

    assert_refused_with(
        &state,
        "/openai/v1/chat/completions",
        hello("openai.gpt-oss-120b"),
        "model openai.gpt-oss-120b isn't supported on this route",
    );
}

#[test]
fn bedrock_runtime_operations_are_not_served_on_mantle() {
    let state = mantle();
    let (status, body) = post(
        &state,
        "/model/amazon.nova-micro-v1:0/invoke",
        json!({"messages": []}),
    );
    assert_eq!(status, 404);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("bedrock-harness: bedrock-mantle serves no POST /model/"),
        "{body}"
    );
    // The control API still answers.
    assert_eq!(
        state.handle(&FakeRequest::get("/_harness/health")).status,
        200
    );
}

/// The `(event, data)` pairs of a server-sent body.
fn server_sent(body: &[u8]) -> Vec<(String, Value)> {
    String::from_utf8_lossy(body)
        .split("\n\n")
        .filter(|e| !e.trim().is_empty())
        .map(|event| {
            let field = |name: &str| {
                event
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .unwrap_or_default()
                    .to_string()
            };
            let data = field("data: ");
            (field("event: "), serde_json::from_str(&data).unwrap())
        })
        .collect()
}

#[test]
fn a_streamed_responses_call_is_mantles_event_sequence() {
    let state = mantle();
    let answer = state.handle(&FakeRequest::post(
        "/v1/responses",
        json!({"model": "openai.gpt-oss-20b", "input": "Hi", "stream": true})
            .to_string()
            .into_bytes(),
    ));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("text/event-stream"));
    let events = server_sent(&answer.body);
    let kinds: Vec<&str> = events.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(
        kinds[..3],
        [
            "response.created",
            "response.in_progress",
            "response.output_item.added"
        ]
    );
    assert_eq!(
        kinds[kinds.len() - 2..],
        ["response.output_text.done", "response.completed"]
    );
    for (i, (kind, data)) in events.iter().enumerate() {
        assert_eq!(&data["type"], kind);
        assert_eq!(data["sequence_number"], i);
    }
    let deltas: String = events
        .iter()
        .filter(|(kind, _)| kind == "response.output_text.delta")
        .map(|(_, data)| data["delta"].as_str().unwrap())
        .collect();
    let completed = &events.last().unwrap().1["response"];
    assert_eq!(completed["status"], "completed");
    assert_eq!(completed["model"], "openai.gpt-oss-20b");
    assert_eq!(completed["output"][0]["type"], "reasoning");
    assert_eq!(
        completed["output"][1]["content"][0]["text"],
        deltas.as_str()
    );
    assert!(!deltas.contains("<reasoning>"), "{deltas}");
    assert!(completed["usage"]["output_tokens"].as_u64().unwrap() > 0);
}

#[test]
fn server_sent_events_keep_the_streams_pacing_a_group_per_frame() {
    let state = FakeState::new(crate::support::pinned()).unwrap();
    state.add_rule(Rule::text("one two three four").paced(40, 10));
    let answer = state.handle(&FakeRequest::post(
        "/openai/v1/chat/completions",
        json!({"model": "openai.gpt-oss-20b-1:0", "stream": true,
               "messages": [{"role": "user", "content": "Hi"}]})
        .to_string()
        .into_bytes(),
    ));
    assert_eq!(answer.status, 200);
    let pacing = answer.pacing.as_ref().expect("the stream stays paced");
    assert_eq!(pacing.first_byte, Duration::from_millis(40));
    assert_eq!(pacing.interval, Duration::from_millis(10));
    // Each frame ends where an event does, the last with `[DONE]`.
    assert_eq!(pacing.frame_ends.last(), Some(&answer.body.len()));
    for end in &pacing.frame_ends {
        assert!(
            answer.body[..*end].ends_with(b"\n\n"),
            "frame ends mid-event at {end}"
        );
    }
    assert!(answer.body.ends_with(b"data: [DONE]\n\n"));
    assert!(pacing.frame_ends.len() > 2, "{:?}", pacing.frame_ends);
}

#[test]
fn models_only_mantle_serves_answer_under_openai_v1_on_their_api() {
    let state = mantle();
    let (status, body) = post(
        &state,
        "/openai/v1/responses",
        json!({"model": "openai.gpt-5.5", "input": "Hi"}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["object"], "response");
    assert_eq!(body["model"], "openai.gpt-5.5");
    // Under /v1, the route refuses it; on Chat Completions, the API does.
    assert_refused_with(
        &state,
        "/v1/responses",
        json!({"model": "openai.gpt-5.5", "input": "Hi"}),
        "model openai.gpt-5.5 isn't supported on this route",
    );
    assert_refused_with(
        &state,
        "/openai/v1/chat/completions",
        hello("openai.gpt-5.5"),
        "The model 'openai.gpt-5.5' does not support the '/openai/v1/chat/completions' API",
    );
    let (status, body) = post(
        &state,
        "/openai/v1/chat/completions",
        hello("google.gemma-4-31b"),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["model"], "google.gemma-4-31b");
    let listed = state.handle(&FakeRequest::get("/v1/models"));
    let listed = String::from_utf8_lossy(&listed.body).to_string();
    assert!(listed.contains("\"openai.gpt-5.5\""), "{listed}");

    // bedrock-runtime does not know it.
    let runtime = FakeState::new(crate::support::pinned()).unwrap();
    let (status, body) = post(
        &runtime,
        "/openai/v1/responses",
        json!({"model": "openai.gpt-5.5", "input": "Hi"}),
    );
    assert_eq!(status, 400, "{body}");
}

#[test]
fn a_model_of_another_wire_takes_openais_body_on_mantle() {
    let state = mantle();
    let body = json!({"model": "deepseek.v3.2", "max_tokens": 64,
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]});
    let (status, answer) = post(&state, "/v1/chat/completions", body.clone());
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["object"], "chat.completion");
    assert_eq!(answer["model"], "deepseek.v3.2");
    let text = answer["choices"][0]["message"]["content"].as_str().unwrap();
    assert!(!text.is_empty());
    // It ran as DeepSeek's own InvokeModel, with a prompt.
    let journal = state.journal();
    let call = journal.last().unwrap();
    assert_eq!(call.model.as_deref(), Some("deepseek.v3.2"));
    assert!(
        call.body["prompt"].as_str().unwrap().contains("Be brief."),
        "{}",
        call.body
    );

    let mut streamed = body;
    streamed["stream"] = json!(true);
    let answer = state.handle(&FakeRequest::post(
        "/v1/chat/completions",
        streamed.to_string().into_bytes(),
    ));
    assert_eq!(answer.status, 200);
    let sse = String::from_utf8(answer.body).unwrap();
    assert!(sse.ends_with("data: [DONE]\n\n"), "{sse}");
    let pieces: String = sse
        .split("\n\n")
        .filter_map(|e| e.strip_prefix("data: "))
        .filter(|e| *e != "[DONE]")
        .map(|e| serde_json::from_str::<Value>(e).unwrap())
        .filter_map(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    assert_eq!(pieces, text);
}

#[tokio::test]
async fn every_mantle_path_answers_over_http() {
    let fake = bedrock_harness::fake::FakeBedrock::start_with(FakeConfig {
        endpoint: Endpoint::Mantle,
        ..crate::support::pinned()
    })
    .await
    .unwrap();
    let uri = fake.uri();
    let answers = tokio::task::spawn_blocking(move || {
        [
            ("/v1/chat/completions", hello("openai.gpt-oss-120b")),
            (
                "/v1/responses",
                json!({"model": "openai.gpt-oss-20b", "input": "Hi", "stream": true}),
            ),
            (
                "/anthropic/v1/messages",
                json!({"model": "anthropic.claude-haiku-4-5", "max_tokens": 64, "stream": true,
                       "messages": [{"role": "user", "content": "Hi"}]}),
            ),
            ("/v1/chat/completions", hello("nobody.model")),
        ]
        .map(|(path, body)| crate::support::http(&uri, "POST", path, Some(&body)))
    })
    .await
    .unwrap();
    let [chat, responses, messages, unknown] = answers;
    assert!(chat.0.ends_with("200 OK"), "{chat:?}");
    assert!(chat.1.contains("\"chat.completion\""), "{chat:?}");
    assert!(responses.0.ends_with("200 OK"), "{responses:?}");
    assert!(
        responses.1.contains("event: response.completed"),
        "{responses:?}"
    );
    assert!(messages.0.ends_with("200 OK"), "{messages:?}");
    assert!(messages.1.contains("event: message_stop"), "{messages:?}");
    assert!(unknown.0.contains(" 404 "), "{unknown:?}");
    assert!(
        unknown
            .1
            .contains("The model 'nobody.model' does not exist"),
        "{unknown:?}"
    );
    let uri = fake.uri();
    let listed =
        tokio::task::spawn_blocking(move || crate::support::http(&uri, "GET", "/v1/models", None))
            .await
            .unwrap();
    assert!(listed.1.contains("\"object\":\"list\""), "{listed:?}");
}

#[test]
fn every_call_is_journaled_once_refused_or_run() {
    let state = mantle();
    post(&state, "/v1/chat/completions", hello("nobody.model"));
    post(&state, "/v1/chat/completions", hello("openai.gpt-oss-120b"));
    let journal = state.journal();
    assert_eq!(journal.len(), 2, "{journal:?}");
    let refused = &journal[0];
    assert_eq!(refused.operation, None);
    assert_eq!(refused.model.as_deref(), Some("nobody.model"));
    assert_eq!(refused.status, 404);
    assert_eq!(refused.error.as_deref(), Some("not_found_error"));
    assert_eq!(
        refused.note.as_deref(),
        Some("POST /v1/chat/completions: refused before any model ran")
    );
    assert_eq!(refused.body["model"], "nobody.model");
    let ran = &journal[1];
    assert_eq!(
        ran.operation,
        Some(bedrock_harness::fake::Operation::Invoke)
    );
    assert_eq!(ran.status, 200);

    // Without credentials: journaled, its body not kept.
    let keyed = FakeState::new(FakeConfig {
        endpoint: Endpoint::Mantle,
        api_keys: vec!["ABSKa2V5".into()],
        ..crate::support::pinned()
    })
    .unwrap();
    let mut unkeyed = FakeRequest::post(
        "/v1/chat/completions",
        hello("openai.gpt-oss-120b").to_string().into_bytes(),
    );
    unkeyed.headers[0].1 = "Bearer ABSKb3RoZXI=".into();
    let answer = keyed.handle(&unkeyed);
    assert_eq!(answer.status, 403);
    let journal = keyed.journal();
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0].model, None);
    assert_eq!(journal[0].body_bytes, 0);
}
