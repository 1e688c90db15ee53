//! What no client may do to the fake: read files outside its fixtures,
//! script it with rules it cannot keep, or make its journal grow with the
//! bodies it receives.

use bedrock_harness::fake::{FakeConfig, FakeRequest, FakeState, MAX_RULES};
use bedrock_harness::FixtureStore;
use serde_json::{json, Value};

const INVOKE: &str = "/model/amazon.titan-embed-text-v2:0/invoke";

fn state(config: FakeConfig) -> FakeState {
    FakeState::new(config).expect("the fake starts")
}

fn post_rules(state: &FakeState, rules: &Value) -> (u16, Value) {
    let response = state.handle(&FakeRequest::post(
        "/_harness/rules",
        serde_json::to_vec(rules).unwrap(),
    ));
    let body = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    (response.status, body)
}

#[test]
fn a_fixture_path_cannot_leave_the_fixtures_directory() {
    let root = std::env::temp_dir().join(format!("bh-contained-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let fixtures = root.join("fixtures");
    std::fs::create_dir_all(fixtures.join("titan_embed/responses")).unwrap();
    std::fs::write(root.join("secret.json"), br#"{"invoke":{}}"#).unwrap();
    let store = FixtureStore::with_overlay(&fixtures).unwrap();
    assert!(store.read("../secret.json").is_none());
    assert!(store
        .read("titan_embed/responses/../../../secret.json")
        .is_none());
    #[cfg(unix)]
    {
        let link = fixtures.join("titan_embed/responses/linked.json");
        std::os::unix::fs::symlink(root.join("secret.json"), &link).unwrap();
        assert!(store.read("titan_embed/responses/linked.json").is_none());
        std::fs::copy(root.join("secret.json"), fixtures.join("inside.json")).unwrap();
        assert!(store.read("inside.json").is_some(), "a file inside is read");
    }
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_rule_naming_a_fixture_outside_is_refused_when_added() {
    let fake = state(FakeConfig::default());
    let (status, body) = post_rules(
        &fake,
        &json!({"action": {"type": "fixture", "name": "../../secret"}}),
    );
    assert_eq!(status, 400);
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("fixture name"), "{message}");
    assert!(fake.rules().is_empty());
}

#[test]
fn rules_that_http_or_a_clock_cannot_honour_are_refused_when_added() {
    let fake = state(FakeConfig::default());
    for (rule, says) in [
        (
            json!({"action": {"type": "error", "name": "Throttling\nException"}}),
            "error name",
        ),
        (
            json!({"action": {"type": "error", "name": "Bad\u{0}Name"}}),
            "error name",
        ),
        (
            json!({"action": {"type": "text", "text": "late"}, "delay_ms": u64::MAX}),
            "delay_ms",
        ),
        (
            json!({"action": {"type": "text", "text": "x"}, "chunk_interval_ms": 600_001}),
            "chunk_interval_ms",
        ),
        (
            json!({"action": {"type": "text", "text": "x"}, "tokens_per_second": -1.0}),
            "tokens_per_second",
        ),
    ] {
        let (status, body) = post_rules(&fake, &rule);
        assert_eq!(status, 400, "{rule}");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
    }
    assert!(fake.rules().is_empty());
    let (status, _) = post_rules(
        &fake,
        &json!({"action": {"type": "error", "name": "ThrottlingException"}, "delay_ms": 600_000}),
    );
    assert_eq!(status, 200, "the longest allowed wait is kept");
}

#[test]
fn the_rule_book_is_bounded_and_drops_used_up_rules() {
    let fake = state(FakeConfig::default());
    let rule = json!({"action": {"type": "text", "text": "x"}, "times": 1});
    let too_many = Value::Array(vec![rule.clone(); MAX_RULES + 1]);
    let (status, body) = post_rules(&fake, &too_many);
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("at most"));
    assert!(fake.rules().is_empty());

    post_rules(
        &fake,
        &json!([rule, {"action": {"type": "text", "text": "y"}}]),
    );
    let nova = "/model/amazon.nova-micro-v1:0/invoke";
    let body = br#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#.to_vec();
    assert_eq!(fake.handle(&FakeRequest::post(nova, body)).status, 200);
    let left: Vec<Value> = fake.rules().iter().map(|r| json!(r.action)).collect();
    assert_eq!(left, vec![json!({"type": "text", "text": "y"})]);
}

#[test]
fn the_journal_keeps_a_bounded_prefix_of_a_large_body() {
    let fake = state(FakeConfig::default());
    // 3 MB of `[0,0,…]`: a JSON tree of a million and a half numbers.
    let mut body = b"[0".to_vec();
    body.extend(std::iter::repeat_n(b",0".as_slice(), 1_500_000).flatten());
    body.push(b']');
    let response = fake.handle(&FakeRequest::post(INVOKE, body.clone()));
    assert_eq!(response.status, 400, "a non-object body is refused");
    let entry = &fake.journal()[0];
    assert!(entry.body_truncated);
    assert_eq!(entry.body_bytes, body.len());
    let kept = entry.body.as_str().unwrap();
    assert_eq!(kept.len(), bedrock_harness::fake::JOURNAL_BODY_LIMIT);
    assert!(body.starts_with(kept.as_bytes()));
}

#[test]
fn a_call_refused_before_authentication_keeps_no_body() {
    let fake = state(FakeConfig {
        api_keys: vec!["right".into()],
        ..FakeConfig::default()
    });
    let mut req = FakeRequest::post(INVOKE, br#"{"inputText":"a private prompt"}"#.to_vec());
    req.headers[0].1 = "Bearer wrong".into();
    assert_eq!(fake.handle(&req).status, 403);
    let entry = &fake.journal()[0];
    assert_eq!(entry.body_bytes, 0);
    assert_eq!(entry.body, json!(""));
}

#[test]
fn a_huge_invalid_body_is_explained_without_a_map_of_its_nodes() {
    let fake = state(FakeConfig::default());
    // 12 MB: a valid body plus an extraneous key holding twelve thousand
    // strings (sparse enough to be parsed; a denser one is refused unparsed).
    let piece = format!(",\"{}\"", "a".repeat(1000));
    let mut body = br#"{"inputText":"hi","extra":["a""#.to_vec();
    body.extend(std::iter::repeat_n(piece.as_bytes(), 12_000).flatten());
    body.extend(br#"],"dimensions":"x"}"#);
    let response = fake.handle(&FakeRequest::post(INVOKE, body));
    assert_eq!(response.status, 400);
    let text = String::from_utf8_lossy(&response.body);
    assert!(
        text.contains("extraneous key [extra] is not permitted"),
        "{text}"
    );
    assert!(text.contains("#/dimensions"), "{text}");
    let extra = text.find("[extra]").unwrap();
    assert!(
        extra < text.find("#/dimensions").unwrap(),
        "in document order: {text}"
    );
}

#[test]
fn a_text_rule_on_an_embedding_model_is_a_client_error_not_a_5xx() {
    let fake = state(FakeConfig::default());
    post_rules(&fake, &json!({"action": {"type": "text", "text": "words"}}));
    let response = fake.handle(&FakeRequest::post(
        INVOKE,
        br#"{"inputText":"hi"}"#.to_vec(),
    ));
    assert_eq!(response.status, 400);
    let text = String::from_utf8_lossy(&response.body);
    assert!(text.contains("whose output is embeddings"), "{text}");
}

#[test]
fn a_tool_call_rule_for_a_family_without_tool_calls_is_refused_naming_it() {
    let fake = state(crate::support::pinned());
    let tool_call = |model: &str, operation: Option<&str>| {
        json!({"model": model, "operation": operation,
               "action": {"type": "tool_call", "name": "get_weather", "input": {"city": "Paris"}}})
    };
    // Titan Text neither answers tool calls natively nor takes tools in Converse.
    let (status, body) = post_rules(&fake, &tool_call("amazon.titan-text-express-v1", None));
    assert_eq!(status, 400);
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("titan_text family"), "{message}");
    // Llama takes tools in Converse, not in its InvokeModel answers.
    let llama = "meta.llama3-1-8b-instruct-v1:0";
    let (status, body) = post_rules(&fake, &tool_call(llama, Some("invoke")));
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().unwrap().contains("InvokeModel"));
    assert!(fake.rules().is_empty());
    assert_eq!(
        post_rules(&fake, &tool_call(llama, Some("converse"))).0,
        200
    );

    // A rule for every model is refused when it would answer Llama's InvokeModel.
    fake.reset();
    post_rules(
        &fake,
        &json!({"action": {"type": "tool_call", "name": "f", "input": {}}}),
    );
    let response = fake.handle(&FakeRequest::post(
        "/model/us.meta.llama3-1-8b-instruct-v1:0/invoke",
        br#"{"prompt":"Hi"}"#.to_vec(),
    ));
    assert_eq!(response.status, 400);
    assert!(String::from_utf8_lossy(&response.body).contains("llama family"));
}

#[test]
fn a_large_scripted_answer_streams_in_frames_under_the_sdk_limit() {
    use bedrock_harness::eventstream::{Frame, FrameDecoder};
    let fake = state(crate::support::pinned());
    let text = "x".repeat(20 * 1024 * 1024);
    fake.add_rule(bedrock_harness::fake::Rule::text(&text));
    let response = fake.handle(&FakeRequest::post(
        "/model/amazon.nova-micro-v1:0/invoke-with-response-stream",
        br#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#.to_vec(),
    ));
    assert_eq!(response.status, 200);
    // Each frame starts with its total length, big-endian.
    let mut at = 0;
    let mut largest = 0;
    while at < response.body.len() {
        let len = u32::from_be_bytes(response.body[at..at + 4].try_into().unwrap()) as usize;
        largest = largest.max(len);
        at += len;
    }
    assert!(largest < 24 * 1024 * 1024, "a frame of {largest} bytes");
    let frames = FrameDecoder::new().feed(&response.body).unwrap();
    assert!(frames.len() > 20, "{} frames", frames.len());
    let mut streamed = String::new();
    for frame in frames {
        if let Frame::Chunk(bytes) = frame {
            let chunk: Value = serde_json::from_slice(&bytes).unwrap();
            if let Some(piece) = chunk["contentBlockDelta"]["delta"]["text"].as_str() {
                streamed.push_str(piece);
            }
        }
    }
    assert_eq!(streamed.len(), text.len(), "the whole text arrives");
}
