//! Hostile bodies against `serve`: 25 MB of any shape (memory stays a few
//! times the body, and the control API answers while they are refused),
//! malformed chunked encodings, and ARNs in the verbose log.

use crate::support::Serve;
use std::io::{Read, Write};
use std::time::Instant;

const EMBED: &str = "/model/amazon.titan-embed-text-v2:0/invoke";
/// A body just under Bedrock's 25,000,000-byte limit.
const LARGE: usize = 24_900_000;

/// `{"inputText": [0,0,…]}`: a tree of twelve million numbers if parsed.
fn dense(size: usize) -> Vec<u8> {
    let mut body = br#"{"inputText":[0"#.to_vec();
    while body.len() < size - 2 {
        body.extend_from_slice(b",0");
    }
    body.extend_from_slice(b"]}");
    body
}

/// `{"texts": ["aaa…", …]}`: sparse, and wrong for Titan Embeddings.
fn sparse_invalid(size: usize) -> Vec<u8> {
    let piece = format!("\"{}\"", "a".repeat(1000));
    let mut body = br#"{"texts":["#.to_vec();
    body.extend_from_slice(piece.as_bytes());
    while body.len() < size - piece.len() - 2 {
        body.push(b',');
        body.extend_from_slice(piece.as_bytes());
    }
    body.extend_from_slice(b"]}");
    body
}

/// One raw HTTP/1.1 call; the status line's code.
fn call(addr: &str, method: &str, path: &str, body: &[u8]) -> u16 {
    let mut socket = std::net::TcpStream::connect(addr).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).unwrap();
    socket.write_all(body).unwrap();
    let mut answer = Vec::new();
    socket.read_to_end(&mut answer).unwrap();
    String::from_utf8_lossy(&answer[..answer.len().min(12)])
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

fn peak_rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kib| kib.parse::<u64>().ok())
        .map_or(0, |kib| kib / 1024)
}

#[test]
fn large_bodies_of_any_shape_cost_a_few_times_their_size() {
    let serve = Serve::start(&["--as-of", crate::support::AS_OF]);
    let addr = serve.uri.trim_start_matches("http://").to_string();
    let before = peak_rss_mib(serve.child.id());
    for (shape, body) in [
        ("dense", dense(LARGE)),
        ("sparse", sparse_invalid(LARGE)),
        ("dense", dense(LARGE)),
    ] {
        assert_eq!(call(&addr, "POST", EMBED, &body), 400, "{shape}");
    }
    let peak = peak_rss_mib(serve.child.id());
    eprintln!("serve peak RSS: {before} MiB at start, {peak} MiB after three 25 MB bodies");
    // A parsed `[0,0,…]` of 25 MB alone is about a gigabyte.
    assert!(
        peak < before + 8 * 25,
        "peak RSS {peak} MiB (from {before})"
    );
    assert_eq!(call(&addr, "GET", "/_harness/health", b""), 200);
}

#[test]
fn the_control_api_answers_while_large_invalid_bodies_are_refused() {
    let serve = Serve::start(&["--as-of", crate::support::AS_OF]);
    let addr = serve.uri.trim_start_matches("http://").to_string();
    let body = std::sync::Arc::new(sparse_invalid(LARGE));
    let started = Instant::now();
    let refusals: Vec<_> = (0..8)
        .map(|_| {
            let (addr, body) = (addr.clone(), body.clone());
            std::thread::spawn(move || (call(&addr, "POST", EMBED, &body), Instant::now()))
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let asked = Instant::now();
    assert_eq!(call(&addr, "GET", "/_harness/health", b""), 200);
    let answered = Instant::now();
    let done: Vec<(u16, Instant)> = refusals.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(done.iter().all(|(status, _)| *status == 400));
    let last = done.iter().map(|(_, at)| *at).max().unwrap();
    eprintln!(
        "health answered in {:?}; the eight refusals took {:?}",
        answered - asked,
        last - started
    );
    assert!(
        answered < last,
        "health waited for the large bodies: answered {:?} after they began, the last refusal at {:?}",
        answered - started,
        last - started
    );
}

/// The raw answer to `request`, whole.
fn raw(addr: &str, request: &[u8]) -> String {
    let mut socket = std::net::TcpStream::connect(addr).unwrap();
    socket.write_all(request).unwrap();
    socket
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn a_malformed_chunked_body_is_told_apart_from_a_body_too_long() {
    let serve = Serve::start(&["--as-of", crate::support::AS_OF]);
    let addr = serve.uri.trim_start_matches("http://").to_string();
    let answer = raw(
        &addr,
        format!("POST {EMBED} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n").as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("could not be read"), "{answer}");
    assert!(!answer.contains("less than or equal to"), "{answer}");
}

#[test]
fn the_verbose_log_zeroes_the_account_of_a_profile_arn() {
    let serve = Serve::start_logging(&["--as-of", crate::support::AS_OF, "-v"]);
    let addr = serve.uri.trim_start_matches("http://").to_string();
    let arn = "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.amazon.nova-micro-v1%3A0";
    let body = br#"{"messages":[{"role":"user","content":[{"text":"Hi"}]}]}"#;
    let status = call(&addr, "POST", &format!("/model/{arn}/invoke"), body);
    assert_eq!(status, 200);
    let log = serve.stop();
    assert!(
        log.contains("inference-profile"),
        "the call is logged: {log}"
    );
    assert!(!log.contains("123456789012"), "{log}");
}
