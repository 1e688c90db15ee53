//! `bedrock-harness serve` under hostile bodies: how long
//! `/_harness/health` takes while eight bodies of just under 25 MB that
//! break the schema are being refused (the target is under 100 ms), and
//! serve's peak RSS over 25 MB bodies of three shapes (dense `[0,0,…]`,
//! sparse and invalid, one long string).
//!
//! Run: `cargo bench --bench serve_hostile` (set `BH_HOSTILE_BODIES` for
//! the number in flight). Without `--bench` (under `cargo test --benches`)
//! it runs a short smoke version with smaller bodies.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EMBED: &str = "/model/amazon.titan-embed-text-v2:0/invoke";

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    kib / 1024.0
}

/// A body of `size` bytes: `prefix`, `piece` repeated with commas, `suffix`.
fn repeated(prefix: &str, piece: &str, suffix: &str, size: usize) -> Vec<u8> {
    let mut body = prefix.as_bytes().to_vec();
    body.extend_from_slice(piece.as_bytes());
    while body.len() + piece.len() + 1 + suffix.len() <= size {
        body.push(b',');
        body.extend_from_slice(piece.as_bytes());
    }
    body.extend_from_slice(suffix.as_bytes());
    body
}

/// One raw HTTP/1.1 call: its status and how long it took.
fn call(addr: &str, method: &str, path: &str, body: &[u8]) -> (u16, Duration) {
    let started = Instant::now();
    let mut socket = std::net::TcpStream::connect(addr).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer bench\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).unwrap();
    socket.write_all(body).unwrap();
    let mut answer = Vec::new();
    socket.read_to_end(&mut answer).unwrap();
    let status = String::from_utf8_lossy(&answer[..answer.len().min(12)])
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, started.elapsed())
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let in_flight = env_or("BH_HOSTILE_BODIES", 8) as usize;
    let size = if full { 24_900_000 } else { 2_000_000 };
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedrock-harness"))
        .args(["serve", "--port", "0", "--as-of", "2026-12-02"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines
        .next()
        .and_then(Result::ok)
        .expect("serve prints its URL");
    let addr = first.rsplit("://").next().unwrap().to_string();
    std::thread::spawn(move || lines.for_each(drop));
    let pid = child.id();

    let bodies = [
        (
            "dense [0,0,…]",
            repeated(r#"{"inputText":["#, "0", "]}", size),
        ),
        (
            "sparse, invalid",
            repeated(
                r#"{"texts":["#,
                &format!("\"{}\"", "a".repeat(1000)),
                "]}",
                size,
            ),
        ),
        (
            "one long string",
            repeated(r#"{"inputText":""#, "word", r#""}"#, size),
        ),
    ];
    let start_rss = peak_rss_mib(pid);
    println!("serve under {:.1} MB bodies", size as f64 / 1e6);
    for (shape, body) in &bodies {
        let (status, took) = call(&addr, "POST", EMBED, body);
        println!(
            "  {shape}: {status} in {:.0} ms, serve peak RSS {:.1} MiB (from {start_rss:.1})",
            took.as_secs_f64() * 1e3,
            peak_rss_mib(pid)
        );
    }

    let body = std::sync::Arc::new(bodies[1].1.clone());
    let started = Instant::now();
    let refusals: Vec<_> = (0..in_flight)
        .map(|_| {
            let (addr, body) = (addr.clone(), body.clone());
            std::thread::spawn(move || call(&addr, "POST", EMBED, &body))
        })
        .collect();
    let mut health = Vec::new();
    while refusals.iter().any(|t| !t.is_finished()) {
        let (status, took) = call(&addr, "GET", "/_harness/health", b"");
        assert_eq!(status, 200, "health answers");
        health.push(took);
        std::thread::sleep(Duration::from_millis(20));
    }
    let statuses: Vec<u16> = refusals.into_iter().map(|t| t.join().unwrap().0).collect();
    let refused = started.elapsed();
    health.sort();
    let max = health.last().copied().unwrap_or_default();
    println!(
        "  health while {in_flight} invalid bodies are refused ({:.0} ms): {} probes, p50 {:.1} ms, max {:.1} ms (target < 100 ms)",
        refused.as_secs_f64() * 1e3,
        health.len(),
        health.get(health.len() / 2).copied().unwrap_or_default().as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
    println!("  serve peak RSS {:.1} MiB", peak_rss_mib(pid));
    assert!(statuses.iter().all(|s| *s == 400), "{statuses:?}");
    let _ = child.kill();
    let _ = child.wait();
}
