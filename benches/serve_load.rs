//! Load bench for `bedrock-harness serve`: starts the server, measures the
//! time from process start to the first answered request, drives it with N
//! concurrent SDK clients for a fixed time, and reports requests per
//! second, p50/p99 latency, errors and the server's peak RSS.
//!
//! Run: `cargo bench --bench serve_load` (64 clients, 10 s; set
//! `BH_LOAD_CLIENTS` and `BH_LOAD_SECONDS` to change). Under `cargo test`
//! it runs a short smoke version.

use aws_sdk_bedrockruntime::primitives::Blob;
use bedrock_harness::endpoint_client;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MODEL: &str = "amazon.titan-text-express-v1";

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Peak resident set size of `pid` in KiB (Linux), if readable.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let clients = env_or("BH_LOAD_CLIENTS", if full { 64 } else { 8 }) as usize;
    let seconds = env_or("BH_LOAD_SECONDS", if full { 10 } else { 1 });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();

    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedrock-harness"))
        // Titan Text Express is end-of-life on Bedrock; the load figures stay
        // comparable by serving it on a pinned day.
        .args([
            "serve",
            "--port",
            "0",
            "--as-of",
            "2026-12-02",
            "--serve-end-of-life",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let pid = child.id();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines
        .next()
        .and_then(Result::ok)
        .expect("serve prints its URL");
    let uri = first.rsplit(' ').next().unwrap().to_string();
    let body = br#"{"inputText":"Hello","textGenerationConfig":{"maxTokenCount":64}}"#.to_vec();

    let (first_answer, latencies, errors) = rt.block_on(async {
        let probe = endpoint_client(&uri);
        probe
            .invoke_model()
            .model_id(MODEL)
            .body(Blob::new(body.clone()))
            .send()
            .await
            .expect("the first request is answered");
        let first_answer = started.elapsed();

        let deadline = Instant::now() + Duration::from_secs(seconds);
        let mut tasks = Vec::new();
        for _ in 0..clients {
            let client = endpoint_client(&uri);
            let body = body.clone();
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0u64;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    match client
                        .invoke_model()
                        .model_id(MODEL)
                        .body(Blob::new(body.clone()))
                        .send()
                        .await
                    {
                        Ok(_) => latencies.push(t.elapsed()),
                        Err(_) => errors += 1,
                    }
                }
                (latencies, errors)
            }));
        }
        let mut all = Vec::new();
        let mut errors = 0;
        for task in tasks {
            let (l, e) = task.await.unwrap();
            all.extend(l);
            errors += e;
        }
        (first_answer, all, errors)
    });
    let rss = peak_rss_kib(pid);
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let _ = child.wait();

    let mut sorted = latencies;
    sorted.sort();
    let rps = sorted.len() as f64 / seconds as f64;
    println!("serve load: {clients} clients for {seconds} s");
    println!(
        "  first answer after process start: {:.1} ms",
        first_answer.as_secs_f64() * 1e3
    );
    println!(
        "  requests: {} ({rps:.0} req/s), errors: {errors}",
        sorted.len()
    );
    println!(
        "  latency p50 {:.2} ms, p99 {:.2} ms",
        percentile(&sorted, 0.50).as_secs_f64() * 1e3,
        percentile(&sorted, 0.99).as_secs_f64() * 1e3
    );
    match rss {
        Some(kib) => println!("  server peak RSS: {:.1} MiB", kib as f64 / 1024.0),
        None => println!("  server peak RSS: not readable on this platform"),
    }
    assert_eq!(errors, 0, "the fake must answer every request");
}
