//! Record mode under stress and misuse: an upstream that leads back to the
//! recorder, recorders sharing a directory, a directory that cannot be
//! written, secrets and ids in answers, and the proxy's journal.

use aws_sdk_bedrockruntime::primitives::Blob;
use bedrock_harness::fake::{
    AwsUpstream, FakeBedrock, FakeConfig, Recorder, Rule, SigV4Credentials, Upstream,
};
use bedrock_harness::{FixtureStore, Invoker, Recording};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const TITAN: &str = "amazon.titan-text-express-v1";
const MODELS: [(&str, &str, &str); 4] = [
    (
        "titan_text",
        "amazon.titan-text-express-v1",
        r#"{"inputText":"Hi"}"#,
    ),
    (
        "llama",
        "meta.llama3-8b-instruct-v1:0",
        r#"{"prompt":"Hi"}"#,
    ),
    (
        "mistral",
        "mistral.mistral-7b-instruct-v0:2",
        r#"{"prompt":"<s>[INST] Hi [/INST]"}"#,
    ),
    (
        "anthropic",
        "anthropic.claude-3-haiku-20240307-v1:0",
        r#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":16,"messages":[{"role":"user","content":"Hi"}]}"#,
    ),
];

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bh-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

async fn proxy_on(listener: std::net::TcpListener, upstream: Upstream, dir: &Path) -> FakeBedrock {
    let recorder = Recorder::new(upstream, dir, &FixtureStore::embedded()).unwrap();
    FakeBedrock::start_recording_on(listener, crate::support::pinned(), recorder)
        .await
        .unwrap()
}

async fn proxy(upstream: Upstream, dir: &Path) -> FakeBedrock {
    proxy_on(
        std::net::TcpListener::bind("127.0.0.1:0").unwrap(),
        upstream,
        dir,
    )
    .await
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

fn recording(dir: &Path, family: &str, model: &str) -> Recording {
    Recording::read_recorded(dir, family, model)
        .unwrap()
        .unwrap_or_else(|| panic!("no recording of {model}"))
}

#[tokio::test]
async fn a_recorder_whose_upstream_is_itself_refuses_the_call_once() {
    let dir = temp_dir("record-loop");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let own = format!("http://{}", listener.local_addr().unwrap());
    let fake = proxy_on(listener, Upstream::Url(own), &dir).await;

    let err = Invoker::new(fake.client())
        .invoke_raw(TITAN, &json!({"inputText": "Hi"}))
        .await
        .unwrap_err();

    assert!(
        err.to_string()
            .starts_with("ValidationException (HTTP 400): bedrock-harness: record mode loop"),
        "{err}"
    );
    // The call went round once: the client's call and its one echo.
    assert_eq!(fake.journal().len(), 2, "{:?}", fake.journal());
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn two_recorders_on_one_directory_lose_nothing() {
    let upstream = crate::support::start().await;
    let dir = temp_dir("record-shared");
    let (a, b) = (
        proxy(Upstream::Url(upstream.uri()), &dir).await,
        proxy(Upstream::Url(upstream.uri()), &dir).await,
    );
    let (a, b) = (a.client(), b.client());
    let mut calls = Vec::new();
    for round in 0..6 {
        for (_, model, body) in MODELS {
            // One recorder writes the InvokeModel answer, the other the
            // stream, into the same file at the same time.
            let (invoker, streamer) = if round % 2 == 0 { (&a, &b) } else { (&b, &a) };
            let invoke = invoker
                .invoke_model()
                .model_id(model)
                .body(Blob::new(body.as_bytes()))
                .send();
            let stream = streamer
                .invoke_model_with_response_stream()
                .model_id(model)
                .body(Blob::new(body.as_bytes()))
                .send();
            calls.push(async move {
                let (invoked, streamed) = tokio::join!(invoke, stream);
                invoked.expect("invoke");
                let mut events = streamed.expect("stream").body;
                while events.recv().await.expect("stream event").is_some() {}
            });
        }
    }
    futures::future::join_all(calls).await;

    for (family, model, _) in MODELS {
        let recorded = recording(&dir, family, model);
        assert!(
            recorded.invoke.as_ref().is_some_and(Value::is_object),
            "{model}: {recorded:?}"
        );
        assert!(recorded.stream.is_some(), "{model}: {recorded:?}");
    }
    let left = files(&dir);
    assert_eq!(left.len(), MODELS.len(), "no temporary files: {left:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_directory_that_cannot_be_written_is_an_error_to_the_client() {
    let upstream = crate::support::start().await;
    let dir = temp_dir("record-unwritable");
    std::fs::create_dir_all(&dir).unwrap();
    // A file where the family's directory should be: no one can write
    // below it, root included.
    std::fs::write(dir.join("titan_text"), "in the way").unwrap();
    let fake = proxy(Upstream::Url(upstream.uri()), &dir).await;

    let err = Invoker::new(fake.client())
        .invoke_raw(TITAN, &json!({"inputText": "Hi"}))
        .await
        .unwrap_err();

    let text = err.to_string();
    assert!(text.contains("HTTP 507"), "{text}");
    assert!(text.contains("could not be recorded"), "{text}");
    assert!(text.contains("titan_text"), "names the place: {text}");
    assert_eq!(files(&dir), vec!["titan_text"], "nothing partial is left");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn secrets_ids_and_accounts_in_answers_are_scrubbed_and_calls_journalled() {
    let (key, secret) = ("AKIDRECORDUSER", "recording-user-secret-value");
    let upstream = FakeBedrock::start_with(FakeConfig {
        sigv4: Some(SigV4Credentials {
            access_key: key.into(),
            secret_key: secret.into(),
        }),
        ..crate::support::pinned()
    })
    .await
    .unwrap();
    let echoed = format!("Your key {key} and secret {secret} in account 123456789012.");
    upstream.rule(Rule::text(&echoed).for_model(TITAN));
    let llama = "meta.llama3-8b-instruct-v1:0";
    upstream.rule(
        serde_json::from_value(json!({
            "model": llama,
            "action": {"type": "error", "name": "ThrottlingException",
                       "extra": {"detail": "request 1b2c3d4e-0000-4a4a-9f9f-abcdefabcdef of 123456789012"}}
        }))
        .unwrap(),
    );
    let dir = temp_dir("record-scrub");
    let credentials = aws_credential_types::Credentials::new(key, secret, None, None, "test");
    let fake = proxy(
        Upstream::Aws(AwsUpstream::new(upstream.uri(), "us-east-1", credentials)),
        &dir,
    )
    .await;
    let invoker = Invoker::new(fake.client());

    invoker
        .invoke_raw(TITAN, &json!({"inputText": "Hi"}))
        .await
        .unwrap();
    invoker
        .invoke_raw(llama, &json!({"prompt": "Hi"}))
        .await
        .unwrap_err();

    let text =
        recording(&dir, "titan_text", TITAN).invoke.unwrap()["results"][0]["outputText"].clone();
    assert_eq!(
        text,
        "Your key REDACTED and secret REDACTED in account 000000000000."
    );
    let error = recording(&dir, "llama", llama).error.unwrap();
    assert_eq!(
        error.extra["detail"],
        "request 00000000-0000-0000-0000-000000000000 of 000000000000"
    );
    let journal = fake.journal();
    assert_eq!(journal.len(), 2, "the proxy journals what it forwards");
    assert_eq!(journal[0].model.as_deref(), Some(TITAN));
    assert_eq!(journal[0].status, 200);
    assert_eq!(journal[1].error.as_deref(), Some("ThrottlingException"));
    assert!(journal[1].note.as_deref().unwrap().contains("forwarded"));
    std::fs::remove_dir_all(&dir).unwrap();
}
