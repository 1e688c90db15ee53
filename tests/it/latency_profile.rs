//! `--latency realistic`: answers take the published time to first token
//! and output rate of their model (or its family), their metrics and
//! latency header say so, latency-optimized calls take the optimized
//! figures, a rule's pacing wins, and models with no figure answer at once.

use crate::support::pinned;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConversationRole, ConverseStreamOutput, Message, PerformanceConfigLatency,
    PerformanceConfiguration,
};
use bedrock_harness::fake::{FakeBedrock, FakeConfig, FakeRequest, FakeState, LatencyMode, Rule};
use serde_json::Value;
use std::time::{Duration, Instant};

const GPT_OSS_20B: &str = "openai.gpt-oss-20b-1:0";
const LLAMA_70B: &str = "us.meta.llama3-1-70b-instruct-v1:0";
const TITAN_EMBED: &str = "amazon.titan-embed-text-v2:0";

fn realistic() -> FakeConfig {
    FakeConfig {
        latency: LatencyMode::Realistic,
        ..pinned()
    }
}

fn chat_body() -> Vec<u8> {
    br#"{"messages":[{"role":"user","content":"Tell me a story"}],"max_completion_tokens":200}"#
        .to_vec()
}

fn header(response: &bedrock_harness::fake::FakeResponse, name: &str) -> u64 {
    response.header(name).unwrap().parse().unwrap()
}

#[test]
fn an_answer_waits_the_published_latency_and_its_header_says_so() {
    let state = FakeState::new(realistic()).unwrap();
    let path = format!("/model/{GPT_OSS_20B}/invoke");
    let response = state.handle(&FakeRequest::post(&path, chat_body()));
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let tokens = header(&response, "X-Amzn-Bedrock-Output-Token-Count");
    let latency = header(&response, "X-Amzn-Bedrock-Invocation-Latency");
    // gpt-oss-20b: 0.3 s to the first token, then 230 tokens a second.
    assert_eq!(latency, 300 + tokens * 1000 / 230);
    assert_eq!(response.delay, Some(Duration::from_millis(latency)));

    let fast = FakeState::new(pinned()).unwrap();
    assert_eq!(
        fast.handle(&FakeRequest::post(&path, chat_body())).delay,
        None
    );
}

#[test]
fn a_model_with_no_published_figure_answers_at_once() {
    let state = FakeState::new(realistic()).unwrap();
    let path = format!("/model/{TITAN_EMBED}/invoke");
    let response = state.handle(&FakeRequest::post(&path, br#"{"inputText":"Hi"}"#.to_vec()));
    assert_eq!(response.status, 200);
    assert_eq!(response.delay, None);
}

#[test]
fn a_rules_pacing_takes_the_place_of_the_profile() {
    let state = FakeState::new(realistic()).unwrap();
    state.add_rule(Rule::text("one two three").paced(5, 1));
    let path = format!("/model/{GPT_OSS_20B}/invoke");
    let response = state.handle(&FakeRequest::post(&path, chat_body()));
    assert_eq!(response.delay, Some(Duration::from_millis(5)));
}

/// Converse's `latencyMs` for Llama 3.1 70B: AWS's blog gives 0.9 s and
/// 30.2 tokens a second as standard, 0.4 s and 137 as latency-optimized.
async fn converse_stream_latency(fake: &FakeBedrock, optimized: bool) -> (u64, u64, Duration) {
    let mut call = fake
        .client()
        .converse_stream()
        .model_id(LLAMA_70B)
        .messages(
            Message::builder()
                .role(ConversationRole::User)
                .content(ContentBlock::Text("Tell me a story".into()))
                .build()
                .unwrap(),
        );
    if optimized {
        call = call.performance_config(
            PerformanceConfiguration::builder()
                .latency(PerformanceConfigLatency::Optimized)
                .build(),
        );
    }
    let started = Instant::now();
    let mut stream = call.send().await.unwrap().stream;
    let mut first = None;
    let mut metadata = None;
    while let Some(event) = stream.recv().await.unwrap() {
        first.get_or_insert_with(|| started.elapsed());
        if let ConverseStreamOutput::Metadata(m) = event {
            metadata = Some(m);
        }
    }
    let metadata = metadata.unwrap();
    let tokens = metadata.usage().unwrap().output_tokens() as u64;
    let latency = metadata.metrics().unwrap().latency_ms() as u64;
    (tokens, latency, first.unwrap())
}

#[tokio::test]
async fn a_stream_paces_its_events_at_the_published_rate_standard_or_optimized() {
    let fake = FakeBedrock::start_with(realistic()).await.unwrap();
    for (optimized, first_byte, rate) in [(false, 900u64, 30.2f64), (true, 400, 137.0)] {
        let started = Instant::now();
        let (tokens, latency, first) = converse_stream_latency(&fake, optimized).await;
        let elapsed = started.elapsed();
        let want = first_byte + (tokens as f64 * 1000.0 / rate) as u64;
        // The tokens' time is spread over the gaps between events, each
        // rounded down to a whole microsecond: a millisecond or so less.
        assert!(
            latency.abs_diff(want) <= 5,
            "optimized {optimized}: {latency} ms for {tokens} tokens, want {want}"
        );
        // Lower bounds only: a busy machine may be late, never early.
        assert!(first >= Duration::from_millis(first_byte), "{first:?}");
        assert!(
            elapsed >= Duration::from_millis(latency.saturating_sub(5)),
            "{elapsed:?} for {latency} ms"
        );
    }
}

#[test]
fn the_invoke_stream_metrics_report_the_published_first_byte() {
    let state = FakeState::new(realistic()).unwrap();
    let path = format!("/model/{GPT_OSS_20B}/invoke-with-response-stream");
    let response = state.handle(&FakeRequest::post(&path, chat_body()));
    assert_eq!(response.status, 200);
    let pacing = response.pacing.as_ref().expect("a paced stream");
    assert_eq!(pacing.first_byte, Duration::from_millis(300));
    let frames = bedrock_harness::eventstream::FrameDecoder::new()
        .feed(&response.body)
        .unwrap();
    let Some(bedrock_harness::eventstream::Frame::Chunk(last)) = frames.last() else {
        panic!("{frames:?}")
    };
    let decoded: Value = serde_json::from_slice(last).unwrap();
    assert_eq!(
        decoded["amazon-bedrock-invocationMetrics"]["firstByteLatency"],
        300
    );
}

#[tokio::test]
async fn serve_latency_realistic_delays_answers_and_refuses_an_unknown_profile() {
    let serve = crate::support::Serve::start(&["--as-of", "2026-12-02", "--latency", "realistic"]);
    let invoker = bedrock_harness::Invoker::for_endpoint(&serve.uri);
    let prompt = bedrock_harness::PortableRequest::prompt("Hi").max_tokens(8);
    let started = Instant::now();
    invoker
        .invoke("amazon.nova-micro-v1:0", &prompt)
        .await
        .unwrap();
    // Nova Micro's published time to first token, 0.3 s, with no rate.
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    drop(serve);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bedrock-harness"))
        .args(["serve", "--port", "0", "--latency", "slow"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fast or realistic"), "{stderr}");
}
