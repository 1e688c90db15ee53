//! The fake's round trip through `aws-sdk-bedrockruntime` next to the same
//! SDK call against a bare wiremock mock returning a constant body: the
//! fake's overhead as a ratio. `fake_own_server` is the fake as
//! `FakeBedrock::start` and `serve` run it; `fake` is the same fake behind
//! a wiremock mock (`FakeBedrock::start_wiremock`).
//!
//! Run: `cargo bench --bench fake`.

use aws_sdk_bedrockruntime::primitives::Blob;
use bedrock_harness::endpoint_client;
use bedrock_harness::eventstream::{chunk_message, encode, padding};
use bedrock_harness::fake::{FakeBedrock, FakeConfig, Rule};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const MODEL: &str = "anthropic.claude-3-haiku-20240307-v1:0";

fn body() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 256,
        "messages": [{"role": "user", "content": "Hello there"}]
    }))
    .unwrap()
}

fn round_trip(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (fake, own, bare) = rt.block_on(async {
        // Claude 3 Haiku is end-of-life on Bedrock; the figures stay
        // comparable by serving it on a pinned day.
        let config = FakeConfig {
            serve_end_of_life: true,
            as_of: Some(bedrock_harness::lifecycle::parse_date("2026-12-02").unwrap()),
            ..FakeConfig::default()
        };
        let fake = FakeBedrock::start_wiremock(config.clone()).await.unwrap();
        let own = FakeBedrock::start_with(config).await.unwrap();
        // Twenty pieces of text for the stream: 60 words, three a piece.
        for f in [&fake, &own] {
            f.rule(Rule::text("word ".repeat(60).trim_end().to_string()));
        }
        let bare = MockServer::builder().disable_request_recording().start().await;
        let recorded = json!({
            "id": "msg_bdrk_01", "type": "message", "role": "assistant", "model": "claude-3-haiku-20240307",
            "content": [{"type": "text", "text": "Hello!"}], "stop_reason": "end_turn", "stop_sequence": null,
            "usage": {"input_tokens": 3, "output_tokens": 2}
        });
        let mut frames = Vec::new();
        for i in 0..20 {
            let chunk = json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "word word word "}});
            frames.extend(encode(&chunk_message(&serde_json::to_vec(&chunk).unwrap(), &padding(i))).unwrap());
        }
        Mock::given(wiremock::matchers::path_regex("/invoke$"))
            .respond_with(ResponseTemplate::new(200).set_body_json(recorded))
            .mount(&bare)
            .await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_raw(frames, "application/vnd.amazon.eventstream"))
            .mount(&bare)
            .await;
        (fake, own, bare)
    });
    let body = body();
    let mut group = c.benchmark_group("round_trip");
    for (name, uri) in [
        ("fake", fake.uri()),
        ("fake_own_server", own.uri()),
        ("bare_wiremock", bare.uri()),
    ] {
        let client = endpoint_client(&uri);
        group.bench_function(format!("invoke_model/{name}"), |b| {
            b.to_async(&rt).iter(|| async {
                client
                    .invoke_model()
                    .model_id(MODEL)
                    .body(Blob::new(body.clone()))
                    .send()
                    .await
                    .unwrap()
            })
        });
        group.bench_function(format!("stream_20_chunks/{name}"), |b| {
            b.to_async(&rt).iter(|| async {
                let mut out = client
                    .invoke_model_with_response_stream()
                    .model_id(MODEL)
                    .body(Blob::new(body.clone()))
                    .send()
                    .await
                    .unwrap();
                let mut n = 0;
                while let Some(_event) = out.body.recv().await.unwrap() {
                    n += 1;
                }
                assert!(n >= 20, "{name}: {n} events");
            })
        });
    }
    group.finish();
}

criterion_group!(benches, round_trip);
criterion_main!(benches);
