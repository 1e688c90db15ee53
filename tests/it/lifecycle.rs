//! Lifecycle by date, inference-profile rules by region, and models whose
//! wire format is missing: what the fake answers for each.

use crate::support::{pinned, AS_OF};
use bedrock_harness::fake::{FakeConfig, FakeRequest, FakeState};
use bedrock_harness::lifecycle::parse_date;
use serde_json::{json, Value};

const END_OF_LIFE: &str = "This model version has reached the end of its life. Please refer to the AWS documentation for more details.";

fn fake(as_of: &str, region: &str, serve_end_of_life: bool) -> FakeState {
    FakeState::new(FakeConfig {
        as_of: Some(parse_date(as_of).unwrap()),
        region: region.to_string(),
        serve_end_of_life,
        ..pinned()
    })
    .unwrap()
}

fn converse_body() -> Vec<u8> {
    serde_json::to_vec(&json!({"messages": [{"role": "user", "content": [{"text": "Hi"}]}]}))
        .unwrap()
}

fn count_tokens_body() -> Vec<u8> {
    serde_json::to_vec(&json!({"input": {"converse": {"messages": [{"role": "user", "content": [{"text": "Hi"}]}]}}}))
        .unwrap()
}

/// Calls `operation` on `model`; the status, the error name and message.
fn call(state: &FakeState, model: &str, operation: &str) -> (u16, String, String) {
    let body = match operation {
        "count-tokens" => count_tokens_body(),
        "invoke" | "invoke-with-response-stream" => serde_json::to_vec(&json!({
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 16,
            "messages": [{"role": "user", "content": "Hi"}],
        }))
        .unwrap(),
        _ => converse_body(),
    };
    let label = model.replace(':', "%3A");
    let resp = state.handle(&FakeRequest::post(
        &format!("/model/{label}/{operation}"),
        body,
    ));
    let error = resp
        .header("x-amzn-ErrorType")
        .unwrap_or_default()
        .to_string();
    let message = serde_json::from_slice::<Value>(&resp.body)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_string))
        .unwrap_or_default();
    (resp.status, error, message)
}

#[test]
fn a_model_answers_until_its_end_of_life_date_then_404s_on_every_operation() {
    let haiku_3 = "anthropic.claude-3-haiku-20240307-v1:0";
    let before = fake("2026-09-09", "us-east-1", false);
    let after = fake("2026-09-10", "us-east-1", false);
    for operation in [
        "invoke",
        "invoke-with-response-stream",
        "converse",
        "converse-stream",
        "count-tokens",
    ] {
        assert_eq!(
            call(&before, haiku_3, operation).0,
            200,
            "{operation} before EOL"
        );
        let (status, error, message) = call(&after, haiku_3, operation);
        assert_eq!(status, 404, "{operation} after EOL");
        assert!(error.starts_with("ResourceNotFoundException"), "{error}");
        assert_eq!(message, END_OF_LIFE);
    }
}

#[test]
fn serve_end_of_life_still_answers_dead_models() {
    let state = fake(AS_OF, "us-east-1", true);
    assert_eq!(
        call(&state, "anthropic.claude-3-haiku-20240307-v1:0", "converse").0,
        200
    );
    assert_eq!(
        call(&state, "amazon.titan-text-express-v1", "converse").0,
        200
    );
}

#[test]
fn legacy_models_still_answer() {
    let state = fake(AS_OF, "us-east-1", false);
    let (status, _, message) = call(
        &state,
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "converse",
    );
    assert_eq!(status, 200, "{message}");
    // Its end of life, 2027-04-08, ends it.
    let later = fake("2027-04-08", "us-east-1", false);
    assert_eq!(
        call(
            &later,
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "converse"
        )
        .0,
        404
    );
}

#[test]
fn india_profiles_resolve() {
    let state = fake(AS_OF, "ap-south-1", false);
    let (status, _, message) = call(
        &state,
        "in.anthropic.claude-haiku-4-5-20251001-v1:0",
        "converse",
    );
    assert_eq!(status, 200, "{message}");
}

#[test]
fn the_profile_rule_depends_on_the_region() {
    let llama = "meta.llama3-1-8b-instruct-v1:0";
    let (status, _, message) = call(&fake(AS_OF, "us-east-1", false), llama, "converse");
    assert_eq!(status, 400);
    assert_eq!(message, format!("Invocation of model ID {llama} with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model."));
    let (status, _, message) = call(&fake(AS_OF, "us-west-2", false), llama, "converse");
    assert_eq!(status, 200, "{message}");
}

#[test]
fn count_tokens_takes_the_foundation_model_id_of_a_profile_only_model() {
    let state = fake(AS_OF, "us-east-1", false);
    let sonnet = "anthropic.claude-sonnet-4-6";
    assert_eq!(call(&state, sonnet, "converse").0, 400);
    let (status, _, message) = call(&state, sonnet, "count-tokens");
    assert_eq!(status, 200, "{message}");
}

#[test]
fn the_new_claude_models_answer_through_their_profiles() {
    let state = fake(AS_OF, "us-east-1", false);
    for id in [
        "global.anthropic.claude-sonnet-5",
        "us.anthropic.claude-opus-4-8",
        "us.anthropic.claude-opus-4-6-v1",
        "us.anthropic.claude-haiku-5-5",
    ] {
        let (status, _, message) = call(&state, id, "converse");
        assert_eq!(status, 200, "{id}: {message}");
    }
}

#[test]
fn speech_models_refuse_every_operation_but_their_stream() {
    let state = fake(AS_OF, "us-east-1", false);
    for id in ["amazon.nova-2-sonic-v1:0", "amazon.nova-2-5-sonic"] {
        for operation in ["converse", "invoke"] {
            let (status, error, message) = call(&state, id, operation);
            assert_eq!(status, 400, "{id}");
            assert!(error.starts_with("ValidationException"), "{error}");
            assert_eq!(
                message, "This action doesn't support the model that you provided.",
                "{id} {operation}"
            );
        }
    }
}

#[test]
fn mantle_only_models_are_invalid_identifiers_on_runtime() {
    let state = fake(AS_OF, "us-east-1", false);
    // A pending one, and one the catalog serves on bedrock-mantle only.
    for model in ["anthropic.claude-mythos-5-1", "openai.gpt-5.5"] {
        let (status, _, message) = call(&state, model, "converse");
        assert_eq!(
            (status, message.as_str()),
            (400, "The provided model identifier is invalid."),
            "{model}"
        );
    }
}
