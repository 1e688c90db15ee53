//! `bedrock-harness drift` against the fake: the recordings themselves show
//! no drift; a rule or a fixture overlay that changes a shape does.

use crate::support::{callable_id, first_model};
use bedrock_harness::drift::{check_model, ChangeKind, RequestSelection};
use bedrock_harness::fake::{FakeBedrock, FakeConfig, Rule};
use bedrock_harness::{families, FixtureStore, Invoker};
use serde_json::{json, Value};
use std::process::{Command, Output};

const CLAUDE: &str = "anthropic.claude-3-haiku-20240307-v1:0";
const TITAN: &str = "amazon.titan-text-express-v1";

/// Runs the binary off the async runtime, so the in-process fake answers.
async fn harness(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_bedrock-harness"))
            .args(&args)
            .env_remove("RUST_LOG")
            .output()
            .expect("the binary runs")
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn the_recorded_model_shows_no_drift_against_the_fake() {
    let fake = crate::support::start().await;

    let out = harness(&["drift", "--model", TITAN, "--endpoint", &fake.uri()]).await;

    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("documented invoke vs titan_text/responses/default.json: no drift"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "documented invoke-with-response-stream vs titan_text/responses/default.json: no drift"
        ),
        "{stdout}"
    );
    assert_eq!(fake.journal().len(), 2, "one invoke and one stream call");
}

#[tokio::test]
async fn every_familys_documented_request_matches_its_recording_through_the_fake() {
    let config = FakeConfig {
        serve_end_of_life: true,
        ..crate::support::pinned()
    };
    let fake = FakeBedrock::start_with(config).await.unwrap();
    let invoker = Invoker::new(fake.client());
    let store = FixtureStore::embedded();
    for family in families() {
        let id = callable_id(first_model(family.name()));
        let report = check_model(&invoker, &store, &id, &RequestSelection::Documented)
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(!report.checks.is_empty(), "{id}");
        assert!(!report.drift, "{id}: {report:#?}");
    }
}

#[tokio::test]
async fn a_rule_that_answers_another_shape_is_drift() {
    let fake = crate::support::start().await;
    fake.rule(Rule::fixture("tool_use").for_model(CLAUDE));

    let out = harness(&[
        "drift",
        "--model",
        CLAUDE,
        "--endpoint",
        &fake.uri(),
        "--json",
    ])
    .await;

    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["drift"], true);
    // Claude's tool-use answer starts with a text block, so InvokeModel's
    // shape (arrays by their first element) agrees; the stream's does not.
    let stream = &report["checks"][1];
    assert_eq!(stream["operation"], "invoke-with-response-stream");
    assert_eq!(stream["recording"], "anthropic/responses/default.json");
    let changes = stream["changes"].as_array().unwrap();
    assert!(changes
        .contains(&json!({"path": "/content_block/input", "change": "added", "live": ["object"]})));
    assert!(changes
        .contains(&json!({"path": "/delta/partial_json", "change": "added", "live": ["string"]})));
}

#[tokio::test]
async fn a_fixture_overlay_that_changes_the_shape_is_drift() {
    let dir = std::env::temp_dir().join(format!("bh-drift-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("titan_text/responses")).unwrap();
    std::fs::write(
        dir.join("titan_text/responses/amazon.titan-text-express-v1.json"),
        serde_json::to_vec(&json!({
            "source": "a changed shape",
            "invoke": {
                "inputTextTokenCount": 9,
                "results": [{"tokenCount": 3, "outputText": "Short.", "safety": {"score": 0.1}}]
            }
        }))
        .unwrap(),
    )
    .unwrap();
    let fake = FakeBedrock::start_with(FakeConfig {
        fixtures: FixtureStore::with_overlay(&dir).unwrap(),
        ..crate::support::pinned()
    })
    .await
    .unwrap();

    // The library: the overlay's answer against the embedded recording.
    let report = check_model(
        &Invoker::new(fake.client()),
        &FixtureStore::embedded(),
        TITAN,
        &RequestSelection::Named(vec!["documented".into()]),
    )
    .await
    .unwrap();
    let invoke = &report.checks[0];
    let found: Vec<(&str, &ChangeKind)> = invoke
        .changes
        .iter()
        .map(|c| (c.path.as_str(), &c.kind))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "/results/0/completionReason");
    assert!(matches!(found[0].1, ChangeKind::Missing { .. }));
    assert_eq!(found[1].0, "/results/0/safety");
    assert!(matches!(found[1].1, ChangeKind::Added { .. }));

    // The binary, comparing with the overlay itself: no drift.
    let out = harness(&[
        "drift",
        "--model",
        TITAN,
        "--endpoint",
        &fake.uri(),
        "--fixtures",
        dir.to_str().unwrap(),
        "--request",
        "documented",
    ])
    .await;
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("amazon.titan-text-express-v1.json: no drift"),
        "{stdout}"
    );

    // And with the embedded recordings: drift, one line per change.
    let out = harness(&["drift", "--model", TITAN, "--endpoint", &fake.uri()]).await;
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("  - /results/0/completionReason (string)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  + /results/0/safety (object)"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_failed_call_is_reported_and_fails_the_check() {
    let fake = crate::support::start().await;
    fake.rule(Rule::error("AccessDeniedException"));

    let out = harness(&["drift", "--model", TITAN, "--endpoint", &fake.uri()]).await;

    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("call failed: AccessDeniedException (HTTP 403)"));
}

#[test]
fn usage_errors_exit_2_before_any_call() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_bedrock-harness"))
            .args(args)
            .output()
            .unwrap()
    };
    // Port 9 (discard) is never called: every case fails before a call.
    let endpoint = ["--endpoint", "http://127.0.0.1:9"];
    let unknown = run(&[&["drift", "--model", "amazon.nope-v1"][..], &endpoint].concat());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("The provided model identifier is invalid."));

    let request = run(&[
        &["drift", "--model", TITAN, "--request", "nope"][..],
        &endpoint,
    ]
    .concat());
    assert_eq!(request.status.code(), Some(2));
    assert!(text(&request.stderr).contains("no such request; the family's are: documented"));

    let fixtures = run(&[
        &["drift", "--model", TITAN, "--fixtures", "/no/such/dir"][..],
        &endpoint,
    ]
    .concat());
    assert_eq!(fixtures.status.code(), Some(2));

    let missing = run(&["drift"]);
    assert_eq!(missing.status.code(), Some(2));
}
