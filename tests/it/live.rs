//! Live mode: the offline suite's kinds of cases against real Bedrock.
//!
//! Off unless `BEDROCK_HARNESS_LIVE=1`: each test then prints why it is
//! skipped and returns before anything touches the network (CI has none).
//! On, the tests call the models listed, comma-separated, in
//! `BEDROCK_HARNESS_LIVE_MODELS` with the AWS default chain's credentials
//! in `AWS_REGION`: InvokeModel, InvokeModelWithResponseStream, Converse
//! and ConverseStream with at most 16 output tokens, and one malformed body
//! that Bedrock must refuse with its `Malformed input request` text.

use bedrock_harness::{
    Catalog, Error, Invoker, ModelInfo, Output, PortableRequest, PortableResponse, SchemaValidator,
};
use std::io::Write;

/// Why live tests do nothing without the variable.
const SKIP: &str = "skipped: set BEDROCK_HARNESS_LIVE=1 and AWS credentials to run live tests";

/// The most output tokens a live call asks for.
const MAX_TOKENS: u32 = 16;

/// What the live tests run against.
#[derive(Debug, PartialEq)]
struct LiveConfig {
    models: Vec<String>,
}

/// Reads the two variables' values; `Err` is the reason to skip.
fn live_config(live: Option<&str>, models: Option<&str>) -> Result<LiveConfig, String> {
    if live.map(str::trim) != Some("1") {
        return Err(SKIP.to_string());
    }
    let models: Vec<String> = models
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
        .collect();
    if models.is_empty() {
        return Err("skipped: BEDROCK_HARNESS_LIVE=1 but BEDROCK_HARNESS_LIVE_MODELS lists no model ids (comma-separated)".into());
    }
    Ok(LiveConfig { models })
}

/// Writes to the process's stderr directly, past the test harness's
/// capture, so skip lines and notes show in CI logs.
fn note(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The live configuration, or `None` after printing why `test` is skipped.
fn live(test: &str) -> Option<LiveConfig> {
    let var = |name| std::env::var(name).ok();
    match live_config(
        var("BEDROCK_HARNESS_LIVE").as_deref(),
        var("BEDROCK_HARNESS_LIVE_MODELS").as_deref(),
    ) {
        Ok(config) => Some(config),
        Err(reason) => {
            note(&format!("live::{test} {reason}"));
            None
        }
    }
}

fn model(id: &str) -> &'static ModelInfo {
    Catalog::embedded()
        .resolve_str(id)
        .unwrap_or_else(|e| panic!("BEDROCK_HARNESS_LIVE_MODELS names {id}: {e}"))
        .model
}

fn request(model: &ModelInfo) -> PortableRequest {
    match model.output {
        Output::Text => {
            PortableRequest::prompt("Reply with one short sentence.").max_tokens(MAX_TOKENS)
        }
        Output::Embedding => PortableRequest::prompt("A lighthouse at dawn."),
        Output::Image => PortableRequest::prompt("A small red square on white."),
        Output::Rerank => PortableRequest::prompt("Which city is the capital of France?").rerank(
            bedrock_harness::RerankOptions::documents([
                "Berlin is in Germany.",
                "Paris is the capital of France.",
            ]),
        ),
    }
}

fn check_answer(id: &str, model: &ModelInfo, what: &str, resp: &PortableResponse) {
    match model.output {
        Output::Text => {
            assert!(
                !resp.text.is_empty() || !resp.tool_calls.is_empty(),
                "{id} {what}: an empty answer"
            );
            if let Some(usage) = resp.usage {
                assert!(
                    usage.output_tokens <= MAX_TOKENS,
                    "{id} {what}: {} output tokens for a limit of {MAX_TOKENS}",
                    usage.output_tokens
                );
            }
        }
        Output::Embedding => assert!(
            resp.embeddings.iter().any(|v| !v.is_empty()),
            "{id} {what}: no embedding"
        ),
        Output::Image => assert!(!resp.images.is_empty(), "{id} {what}: no image"),
        Output::Rerank => assert!(!resp.rankings.is_empty(), "{id} {what}: no ranking"),
    }
}

#[tokio::test]
async fn live_invoke() {
    let Some(config) = live("live_invoke") else {
        return;
    };
    let invoker = Invoker::from_env().await;
    for id in &config.models {
        let model = model(id);
        let resp = invoker
            .invoke(id, &request(model))
            .await
            .unwrap_or_else(|e| panic!("{id} invoke: {e}"));
        check_answer(id, model, "invoke", &resp);
    }
}

#[tokio::test]
async fn live_stream() {
    let Some(config) = live("live_stream") else {
        return;
    };
    let invoker = Invoker::from_env().await;
    for id in &config.models {
        let model = model(id);
        if !model.streaming {
            note(&format!(
                "live::live_stream {id}: the model does not stream"
            ));
            continue;
        }
        let resp = invoker
            .invoke_stream_collect(id, &request(model))
            .await
            .unwrap_or_else(|e| panic!("{id} invoke-with-response-stream: {e}"));
        check_answer(id, model, "invoke-with-response-stream", &resp);
    }
}

#[tokio::test]
async fn live_converse() {
    let Some(config) = live("live_converse") else {
        return;
    };
    let invoker = Invoker::from_env().await;
    for id in &config.models {
        let model = model(id);
        if !model.converse.converse || model.output != Output::Text {
            note(&format!(
                "live::live_converse {id}: the model has no Converse"
            ));
            continue;
        }
        let req = request(model);
        let resp = invoker
            .converse(id, &req)
            .await
            .unwrap_or_else(|e| panic!("{id} converse: {e}"));
        check_answer(id, model, "converse", &resp);
        assert!(resp.stop_reason.is_some(), "{id} converse: no stop reason");
        if model.streaming {
            let events = invoker
                .converse_stream(id, &req)
                .await
                .unwrap_or_else(|e| panic!("{id} converse-stream: {e}"));
            let resp = bedrock_harness::collect(events)
                .await
                .unwrap_or_else(|e| panic!("{id} converse-stream: {e}"));
            check_answer(id, model, "converse-stream", &resp);
        }
    }
}

#[tokio::test]
async fn live_validation_error() {
    let Some(config) = live("live_validation_error") else {
        return;
    };
    let invoker = Invoker::from_env().await;
    let body = bad_body();
    for id in &config.models {
        let err = invoker
            .invoke_raw(id, &body)
            .await
            .expect_err("Bedrock accepted a malformed body");
        let Error::Service {
            name,
            status,
            message,
        } = &err
        else {
            panic!("{id}: expected a Bedrock error, got {err:?}");
        };
        assert_eq!(
            (name.as_str(), *status),
            ("ValidationException", 400),
            "{id}: {message}"
        );
        let want = bad_body_refusal_start(
            &Catalog::embedded()
                .resolve_str(id)
                .map(|r| r.model.family.clone())
                .unwrap_or_default(),
        );
        assert!(message.starts_with(want), "{id}: {message}");
        // How the fake words the same refusal, for comparison.
        let fake = SchemaValidator::embedded()
            .validate(model(id), &serde_json::to_vec(&body).unwrap())
            .map_err(|r| r.message());
        if fake.as_ref().err() != Some(message) {
            note(&format!(
                "live::live_validation_error {id}: Bedrock says {message:?}; the fake says {fake:?}"
            ));
        }
    }
}

/// How a family's refusal of [`bad_body`] begins: Bedrock's validator's
/// words, or for Stability's image services the service's own error passed
/// through (aws-samples/amazon-bedrock-client-for-mac#121).
fn bad_body_refusal_start(family: &str) -> &'static str {
    if family == "stability_services" {
        "{\"detail\":\"Invalid field 'bedrock_harness_live_check' in request."
    } else {
        "Malformed input request"
    }
}

/// A body no model accepts.
fn bad_body() -> serde_json::Value {
    serde_json::json!({"bedrock_harness_live_check": true})
}

#[test]
fn the_fake_refuses_the_live_bad_body_as_bedrock_must() {
    for family in bedrock_harness::families() {
        let model = crate::support::first_model(family.name());
        let refusal = SchemaValidator::embedded()
            .validate(model, &serde_json::to_vec(&bad_body()).unwrap())
            .unwrap_err()
            .message();
        assert!(
            refusal.starts_with(bad_body_refusal_start(&model.family)),
            "{}: {refusal}",
            model.id
        );
    }
}

#[test]
fn live_mode_is_off_unless_asked_for() {
    assert_eq!(live_config(None, Some("a.b-v1")), Err(SKIP.to_string()));
    assert_eq!(
        live_config(Some("0"), Some("a.b-v1")),
        Err(SKIP.to_string())
    );
    assert!(live_config(Some("1"), None)
        .unwrap_err()
        .contains("BEDROCK_HARNESS_LIVE_MODELS lists no model ids"));
    assert!(live_config(Some("1"), Some(" , ")).is_err());
    assert_eq!(
        live_config(
            Some("1"),
            Some("amazon.titan-text-express-v1, us.anthropic.claude-3-5-haiku-20241022-v1:0")
        ),
        Ok(LiveConfig {
            models: vec![
                "amazon.titan-text-express-v1".into(),
                "us.anthropic.claude-3-5-haiku-20241022-v1:0".into()
            ]
        })
    );
}
