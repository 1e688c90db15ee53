//! The fake's own work per call, without sockets: `FakeState::handle` on a
//! parsed request, for the calls `serve_cpu` drives over HTTP (Nova's
//! InvokeModel and its stream) and for Converse. What it costs here is
//! what `serve` spends beyond hyper.
//!
//! Run: `cargo bench --bench handle`.

use bedrock_harness::fake::{FakeConfig, FakeRequest, FakeState};
use criterion::{criterion_group, criterion_main, Criterion};

const NOVA: &str = r#"{"messages":[{"role":"user","content":[{"text":"Hello"}]}],"inferenceConfig":{"maxTokens":64}}"#;

fn handle(c: &mut Criterion) {
    let config = FakeConfig {
        as_of: Some(bedrock_harness::lifecycle::parse_date("2026-12-02").unwrap()),
        ..FakeConfig::default()
    };
    let state = FakeState::new(config).unwrap();
    let calls = [
        ("invoke_nova", "/model/amazon.nova-micro-v1:0/invoke", NOVA),
        (
            "stream_nova",
            "/model/amazon.nova-micro-v1:0/invoke-with-response-stream",
            NOVA,
        ),
        (
            "converse_nova",
            "/model/amazon.nova-micro-v1:0/converse",
            r#"{"messages":[{"role":"user","content":[{"text":"Hello"}]}],"inferenceConfig":{"maxTokens":64}}"#,
        ),
    ];
    let mut group = c.benchmark_group("handle");
    for (name, path, body) in calls {
        let req = FakeRequest::post(path, body.as_bytes().to_vec());
        assert_eq!(state.handle(&req).status, 200, "{name}");
        group.bench_function(name, |b| b.iter(|| state.handle(&req)));
    }
    group.finish();
}

criterion_group!(benches, handle);
criterion_main!(benches);
