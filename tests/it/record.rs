//! Record and replay: a recording proxy in front of one fake writes what it
//! answers; a second fake serving those recordings answers the same bytes.

use crate::support::Serve;
use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types::ResponseStream;
use aws_sdk_bedrockruntime::Client;
use bedrock_harness::fake::{
    AwsUpstream, FakeBedrock, FakeConfig, Recorder, Rule, SigV4Credentials, Upstream,
};
use bedrock_harness::{endpoint_client, Error, FixtureStore, Invoker, PortableRequest, Recording};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const TITAN: &str = "amazon.titan-text-express-v1";
const CLAUDE: &str = "anthropic.claude-3-haiku-20240307-v1:0";
const GPT_OSS: &str = "openai.gpt-oss-20b-1:0";
const EMBED: &str = "cohere.embed-english-v3";
const LLAMA: &str = "meta.llama3-8b-instruct-v1:0";
const MISTRAL: &str = "mistral.mistral-7b-instruct-v0:2";
const NOVA: &str = "amazon.nova-micro-v1:0";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bh-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn documented(family: &str) -> Value {
    FixtureStore::embedded()
        .read_json(&bedrock_harness::fixture_layout::request(
            family,
            "documented",
        ))
        .unwrap()
        .unwrap()
}

/// InvokeModel's answer body, byte for byte.
async fn invoke_bytes(client: &Client, model: &str, body: &Value) -> Vec<u8> {
    client
        .invoke_model()
        .model_id(model)
        .content_type("application/json")
        .body(Blob::new(serde_json::to_vec(body).unwrap()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{model}: {:?}", e.into_service_error()))
        .body
        .into_inner()
}

/// InvokeModel's error, as the harness reads it.
async fn invoke_error(client: &Client, model: &str, body: &Value) -> Error {
    Invoker::new(client.clone())
        .invoke_raw(model, body)
        .await
        .unwrap_err()
}

/// InvokeModelWithResponseStream's chunks, each chunk's bytes.
async fn stream_chunks(client: &Client, model: &str, body: &Value) -> Vec<Vec<u8>> {
    let mut out = client
        .invoke_model_with_response_stream()
        .model_id(model)
        .content_type("application/json")
        .body(Blob::new(serde_json::to_vec(body).unwrap()))
        .send()
        .await
        .unwrap();
    let mut chunks = Vec::new();
    while let Some(event) = out.body.recv().await.unwrap() {
        if let ResponseStream::Chunk(part) = event {
            chunks.push(part.bytes.unwrap().into_inner());
        }
    }
    chunks
}

fn recording(dir: &Path, family: &str, model: &str) -> Option<Recording> {
    Recording::read_recorded(dir, family, model).unwrap()
}

async fn recording_proxy(upstream: Upstream, dir: &Path) -> FakeBedrock {
    let recorder = Recorder::new(upstream, dir, &FixtureStore::embedded()).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    FakeBedrock::start_recording_on(listener, crate::support::pinned(), recorder)
        .await
        .unwrap()
}

#[tokio::test]
async fn replayed_recordings_answer_what_the_upstream_answered() {
    // Arrange: an upstream fake, a recording proxy in front of it, and a
    // twin of the upstream called directly: the same calls in the same
    // order get the same ids from both.
    let upstream = crate::support::start().await;
    let twin = crate::support::start().await;
    for fake in [&upstream, &twin] {
        fake.rule(Rule::error("ThrottlingException").for_model(LLAMA));
    }
    let dir = temp_dir("record-replay");
    let proxy = recording_proxy(Upstream::Url(upstream.uri()), &dir).await;
    let (direct, recorded) = (twin.client(), proxy.client());
    let titan = documented("titan_text");
    let claude = documented("anthropic");
    let gpt = documented("openai_chat");
    let embed = documented("cohere_embed");

    // Act: the same calls straight to the upstream and through the proxy.
    let mut invokes = Vec::new();
    for (model, body) in [
        (TITAN, &titan),
        (CLAUDE, &claude),
        (GPT_OSS, &gpt),
        (EMBED, &embed),
    ] {
        let want = invoke_bytes(&direct, model, body).await;
        let got = invoke_bytes(&recorded, model, body).await;
        assert_eq!(got, want, "{model}: the proxy answers the upstream's bytes");
        invokes.push((model, body, want));
    }
    let mut streams = Vec::new();
    for (model, body) in [(TITAN, &titan), (CLAUDE, &claude)] {
        let want = stream_chunks(&direct, model, body).await;
        assert_eq!(stream_chunks(&recorded, model, body).await, want, "{model}");
        streams.push((model, body, want));
    }
    let llama = json!({"prompt": "Hi"});
    let throttled = invoke_error(&recorded, LLAMA, &llama).await;
    assert!(
        throttled.to_string().contains("ThrottlingException"),
        "{throttled}"
    );
    // Forwarded, not recorded: Converse and ValidationExceptions.
    let converse = Invoker::new(recorded.clone())
        .converse(NOVA, &PortableRequest::prompt("Hi").max_tokens(16))
        .await
        .unwrap();
    assert!(!converse.text.is_empty());
    let refused = Invoker::new(recorded.clone())
        .invoke_raw(MISTRAL, &json!({"nope": 1}))
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("Malformed input request"));

    // Assert: the recordings' layout and contents.
    let titan_recording = recording(&dir, "titan_text", TITAN).unwrap();
    assert!(titan_recording
        .source
        .as_ref()
        .unwrap()
        .as_str()
        .unwrap()
        .starts_with(&format!(
            "Recorded by bedrock-harness serve --record-to from {}",
            upstream.uri()
        )));
    assert!(titan_recording.invoke.unwrap()["results"].is_array());
    assert_eq!(titan_recording.stream.unwrap().len(), streams[0].2.len());
    assert_eq!(
        serde_json::to_value(recording(&dir, "llama", LLAMA).unwrap().error).unwrap(),
        json!({"status": 429, "name": "ThrottlingException", "message": "Too many requests, please wait before trying again."})
    );
    assert!(
        recording(&dir, "nova", NOVA).is_none(),
        "Converse is not recorded"
    );
    assert!(
        recording(&dir, "mistral", MISTRAL).is_none(),
        "nor a ValidationException"
    );
    assert_eq!(
        recording(&dir, "openai_chat", GPT_OSS)
            .unwrap()
            .invoke
            .unwrap()["created"],
        0,
        "dates are scrubbed"
    );

    // Replay: a fake with nothing but the recordings over the embedded fixtures.
    let replay = FakeBedrock::start_with(FakeConfig {
        fixtures: FixtureStore::with_overlay(&dir).unwrap(),
        ..crate::support::pinned()
    })
    .await
    .unwrap();
    let replayed = replay.client();
    for (model, body, want) in &invokes {
        let got = invoke_bytes(&replayed, model, body).await;
        if *model == GPT_OSS {
            // Byte for byte bar the scrubbed date.
            let mut want: Value = serde_json::from_slice(want).unwrap();
            want["created"] = json!(0);
            assert_eq!(got, serde_json::to_vec(&want).unwrap(), "{model}");
        } else {
            assert_eq!(&got, want, "{model}");
        }
    }
    for (model, body, want) in &streams {
        assert_eq!(
            &stream_chunks(&replayed, model, body).await,
            want,
            "{model}"
        );
    }
    let replayed_error = invoke_error(&replayed, LLAMA, &llama).await;
    assert_eq!(replayed_error.to_string(), throttled.to_string());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn aws_upstreams_are_called_with_calls_signed_again_for_bedrock() {
    // Arrange: an upstream that checks SigV4 against the user's own key;
    // the client signs with the test key, the proxy signs again.
    let upstream = FakeBedrock::start_with(FakeConfig {
        sigv4: Some(SigV4Credentials {
            access_key: "AKIDUSER".into(),
            secret_key: "user-secret".into(),
        }),
        ..crate::support::pinned()
    })
    .await
    .unwrap();
    let dir = temp_dir("record-aws");
    let credentials =
        aws_credential_types::Credentials::new("AKIDUSER", "user-secret", None, None, "test");
    let aws = AwsUpstream::new(upstream.uri(), "us-east-1", credentials);
    let proxy = recording_proxy(Upstream::Aws(aws), &dir).await;
    let body = documented("anthropic");

    // Act
    let through = Invoker::new(proxy.client()).invoke_raw(CLAUDE, &body).await;
    // The client's own signature does not pass.
    let unsigned = invoke_error(&upstream.client(), CLAUDE, &body).await;

    // Assert
    assert!(through.is_ok(), "{through:?}");
    assert!(
        unsigned
            .to_string()
            .starts_with("UnrecognizedClientException"),
        "{unsigned}"
    );
    let recorded = recording(&dir, "anthropic", CLAUDE).unwrap();
    assert!(recorded
        .source
        .unwrap()
        .as_str()
        .unwrap()
        .contains("Amazon Bedrock Runtime (us-east-1)"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn an_upstream_that_does_not_answer_is_a_503() {
    let dir = temp_dir("record-down");
    // Port 9 (discard) on loopback refuses connections.
    let proxy = recording_proxy(Upstream::Url("http://127.0.0.1:9".into()), &dir).await;

    let err = Invoker::new(proxy.client())
        .invoke_raw(TITAN, &json!({"inputText": "Hi"}))
        .await
        .unwrap_err();

    assert!(err.to_string().starts_with("ServiceUnavailableException (HTTP 503): bedrock-harness: the upstream http://127.0.0.1:9 did not answer"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The suite's fake on the command line: the day pinned, end-of-life
/// models served.
const SUITE: &[&str] = &["--as-of", crate::support::AS_OF, "--serve-end-of-life"];

#[tokio::test]
async fn serve_records_to_a_directory_that_serve_replays() {
    let dir = temp_dir("serve-record");
    let record_to = dir.to_str().unwrap().to_string();
    let upstream = Serve::start(SUITE);
    let proxy = Serve::start(
        &[
            SUITE,
            &["--record-to", &record_to, "--upstream", &upstream.uri],
        ]
        .concat(),
    );
    let body = documented("titan_text");

    let want = invoke_bytes(&endpoint_client(&upstream.uri), TITAN, &body).await;
    let through = invoke_bytes(&endpoint_client(&proxy.uri), TITAN, &body).await;
    let replay = Serve::start(&[SUITE, &["--fixtures", &record_to]].concat());
    let replayed = invoke_bytes(&endpoint_client(&replay.uri), TITAN, &body).await;

    assert_eq!(through, want);
    assert_eq!(replayed, want);
    assert!(recording(&dir, "titan_text", TITAN).is_some());
    drop((upstream, proxy, replay));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn record_mode_options_are_checked() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_bedrock-harness"))
            .args(["serve", "--port", "0"])
            .args(args)
            .output()
            .unwrap()
    };
    assert_eq!(run(&["--record-to", "/tmp/x"]).status.code(), Some(2));
    assert_eq!(run(&["--upstream", "aws"]).status.code(), Some(2));
    let bad = run(&["--record-to", "/tmp/x", "--upstream", "ftp://nope"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr)
        .contains("expected `aws` or an http:// or https:// URL"));
}

#[tokio::test]
async fn a_stream_only_recording_answers_streams_and_leaves_invoke_to_the_default() {
    let dir = temp_dir("stream-only");
    std::fs::create_dir_all(dir.join("titan_text/responses")).unwrap();
    let chunks = json!([
        {"outputText": "Recorded", "index": 0, "totalOutputTextTokenCount": null, "completionReason": null, "inputTextTokenCount": 3},
        {"outputText": " stream.", "index": 0, "totalOutputTextTokenCount": 2, "completionReason": "FINISH", "inputTextTokenCount": null,
         "amazon-bedrock-invocationMetrics": {"inputTokenCount": 3, "outputTokenCount": 2, "invocationLatency": 111, "firstByteLatency": 22}}
    ]);
    std::fs::write(
        dir.join("titan_text/responses/amazon.titan-text-express-v1.json"),
        serde_json::to_vec(&json!({"source": "test", "stream": chunks})).unwrap(),
    )
    .unwrap();
    let fake = FakeBedrock::start_with(FakeConfig {
        fixtures: FixtureStore::with_overlay(&dir).unwrap(),
        ..crate::support::pinned()
    })
    .await
    .unwrap();
    let body = json!({"inputText": "Hi"});

    let streamed = stream_chunks(&fake.client(), TITAN, &body).await;
    let invoked: Value =
        serde_json::from_slice(&invoke_bytes(&fake.client(), TITAN, &body).await).unwrap();

    let want: Vec<Vec<u8>> = chunks
        .as_array()
        .unwrap()
        .iter()
        .map(|c| serde_json::to_vec(c).unwrap())
        .collect();
    assert_eq!(streamed, want, "recorded chunks, recorded metrics included");
    assert_eq!(
        invoked,
        bedrock_harness::FixtureStore::embedded()
            .read_json::<Value>("titan_text/responses/default.json")
            .unwrap()
            .unwrap()["invoke"]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn chat_completions_through_record_mode_become_the_models_recording() {
    let upstream = crate::support::start().await;
    // With reasoning, as gpt-oss always answers (an answer without it does
    // not fit a gpt-oss request, and would not be replayed).
    upstream.rule(Rule::text(
        "<reasoning>Mine.</reasoning>The upstream's own words.",
    ));
    let dir = temp_dir("record-compatible");
    let proxy = recording_proxy(Upstream::Url(upstream.uri()), &dir).await;
    let uri = proxy.uri();
    let chat = json!({"model": GPT_OSS, "messages": [{"role": "user", "content": "Hi"}]});
    let mut streamed = chat.clone();
    streamed["stream"] = json!(true);
    let (plain, sse) = tokio::task::spawn_blocking(move || {
        (
            crate::support::http(&uri, "POST", "/openai/v1/chat/completions", Some(&chat)).1,
            crate::support::http(&uri, "POST", "/openai/v1/chat/completions", Some(&streamed)).1,
        )
    })
    .await
    .unwrap();
    let plain: Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(plain["object"], "chat.completion");
    assert!(sse.contains("data: [DONE]"), "{sse}");

    let recorded = recording(&dir, "openai_chat", GPT_OSS).expect("a recording");
    assert_eq!(
        recorded.invoke.as_ref().unwrap()["choices"][0]["message"]["content"],
        plain["choices"][0]["message"]["content"]
    );
    let chunks = recorded.stream.as_ref().expect("the stream's chunks");
    assert!(chunks.len() > 1, "{chunks:?}");
    assert!(chunks
        .iter()
        .all(|c| c["object"] == "chat.completion.chunk"));

    // Replayed, the recording answers InvokeModel with what Chat
    // Completions answered.
    let replay = FakeBedrock::start_with(FakeConfig {
        fixtures: FixtureStore::with_overlay(&dir).unwrap(),
        ..crate::support::pinned()
    })
    .await
    .unwrap();
    let body = documented("openai_chat");
    let bytes = invoke_bytes(&replay.client(), GPT_OSS, &body).await;
    let replayed: Value = serde_json::from_slice(&bytes).unwrap();
    let content = replayed["choices"][0]["message"]["content"]
        .as_str()
        .unwrap();
    assert!(
        content.ends_with("The upstream's own words."),
        "{content} / {plain}"
    );
    assert_eq!(content, plain["choices"][0]["message"]["content"]);
}
