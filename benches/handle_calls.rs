//! The fake's own work per call as a count of instructions: `FakeState::handle`
//! on Nova's InvokeModel with the headers `serve_cpu` sends, `BH_CALLS`
//! times (20,000 by default). Timings on a shared 2-core machine vary by
//! 10–20%; callgrind's instruction counts do not, so a change to the hot
//! path is measured by running this twice under it and taking the
//! difference per call:
//!
//! ```sh
//! cargo bench --bench handle_calls --no-run   # prints the binary's path
//! BH_CALLS=0     valgrind --tool=callgrind --callgrind-out-file=cg0 target/release/deps/handle_calls-*
//! BH_CALLS=20000 valgrind --tool=callgrind --callgrind-out-file=cg1 target/release/deps/handle_calls-*
//! ```
//!
//! (`callgrind_annotate --inclusive=yes cg1` names where they go.) Without
//! valgrind it prints the calls' mean wall time.

use bedrock_harness::fake::{FakeConfig, FakeRequest, FakeState};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const NOVA: &str = r#"{"messages":[{"role":"user","content":[{"text":"Hello"}]}],"inferenceConfig":{"maxTokens":64}}"#;

fn main() {
    let calls: u32 = std::env::var("BH_CALLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let config = FakeConfig {
        as_of: Some(bedrock_harness::lifecycle::parse_date("2026-12-02").expect("a date")),
        ..FakeConfig::default()
    };
    let state = FakeState::new(config).expect("the embedded fixtures load");
    let mut req = FakeRequest::post("/model/amazon.nova-micro-v1:0/invoke", NOVA.into());
    req.headers.push(("host".into(), "127.0.0.1:4599".into()));
    req.headers
        .push(("content-type".into(), "application/json".into()));
    let started = Instant::now();
    let mut answered = 0u64;
    for _ in 0..calls {
        answered += u64::from(state.handle(&req).status == 200);
    }
    assert_eq!(answered, u64::from(calls), "every call is answered 200");
    if calls > 0 {
        println!(
            "handle_calls: {calls} Nova InvokeModel calls, {:.2} µs each",
            started.elapsed().as_secs_f64() * 1e6 / f64::from(calls)
        );
    }
}
