//! Generated calls against the fake, bounded in cases and time: JSON
//! bodies, headers and paths at `FakeState::handle`, raw bytes and broken
//! HTTP at the server. No call may panic or get a 5xx for a client's
//! mistake, and every answer is well formed.

use crate::properties::arb_json;
use bedrock_harness::eventstream::FrameDecoder;
use bedrock_harness::fake::{FakeBedrock, FakeConfig, FakeRequest, FakeResponse, FakeState};
use bedrock_harness::Catalog;
use proptest::prelude::*;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn model_label() -> impl Strategy<Value = String> {
    let ids: Vec<String> = Catalog::embedded()
        .models()
        .iter()
        .map(|m| m.id.replace(':', "%3A"))
        .collect();
    prop_oneof![
        4 => prop::sample::select(ids),
        1 => "[a-z0-9.:%/-]{0,40}",
        1 => Just("us.anthropic.claude-sonnet-4-6".to_string()),
        1 => Just("arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.amazon.nova-micro-v1%3A0".to_string()),
    ]
}

fn path() -> impl Strategy<Value = String> {
    let operation = prop::sample::select(vec![
        "invoke",
        "invoke-with-response-stream",
        "converse",
        "converse-stream",
        "count-tokens",
        "nope",
    ]);
    prop_oneof![
        6 => (model_label(), operation).prop_map(|(m, op)| format!("/model/{m}/{op}")),
        1 => prop::sample::select(vec![
            "/foundation-models".to_string(),
            "/foundation-models/amazon.nova-micro-v1:0".to_string(),
            "/inference-profiles".to_string(),
            "/_harness/health".to_string(),
            "/_harness/journal".to_string(),
            "/".to_string(),
        ]),
        1 => "/[ -~]{0,30}",
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => arb_json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        1 => prop::collection::vec(any::<u8>(), 0..64),
        1 => Just(Vec::new()),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let header = prop_oneof![
        Just(("authorization".to_string(), "Bearer t".to_string())),
        "[ -~]{0,40}".prop_map(|v| ("authorization".to_string(), v)),
        prop::sample::select(vec![
            "application/json",
            "text/plain",
            "",
            "application/json; charset=utf-8"
        ])
        .prop_map(|v| ("content-type".to_string(), v.to_string())),
        prop::sample::select(vec![
            "application/json",
            "*/*",
            "image/png",
            "application/vnd.amazon.eventstream"
        ])
        .prop_map(|v| ("accept".to_string(), v.to_string())),
        ("[a-z-]{1,12}", "[ -~]{0,20}").prop_map(|(n, v)| (format!("x-amzn-bedrock-{n}"), v)),
        prop::sample::select(vec!["localhost", "evil.example", "127.0.0.1:1"])
            .prop_map(|v| ("host".to_string(), v.to_string())),
    ];
    prop::collection::vec(header, 0..5)
}

/// The answer is well formed: a status, a content type, and a body its
/// content type can read.
fn well_formed(response: &FakeResponse) -> Result<(), String> {
    let content_type = response.header("content-type").unwrap_or_default();
    if content_type.starts_with("application/json") {
        serde_json::from_slice::<serde_json::Value>(&response.body)
            .map_err(|e| format!("a JSON answer that is not JSON: {e}"))?;
    } else if content_type == "application/vnd.amazon.eventstream" {
        let mut decoder = FrameDecoder::new();
        decoder
            .feed(&response.body)
            .map_err(|e| format!("a stream that does not decode: {e}"))?;
        if decoder.has_partial_frame() {
            return Err("a stream that ends inside a frame".into());
        }
    } else if response.status != 200 {
        return Err(format!("an error answer of type {content_type:?}"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn generated_calls_get_well_formed_client_answers(
        method in prop::sample::select(vec!["POST", "POST", "POST", "GET", "PUT", "DELETE"]),
        path in path(),
        body in body(),
        headers in headers(),
    ) {
        thread_local! {
            static STATE: FakeState = FakeState::new(crate::support::pinned()).unwrap();
        }
        let (path, query) = path.split_once('?').map_or((path.clone(), String::new()), |(p, q)| (p.to_string(), q.to_string()));
        let req = FakeRequest { method: method.into(), path, query, headers, body };
        let response = STATE.with(|state| {
            let response = state.handle(&req);
            state.reset();
            response
        });
        prop_assert!(response.status < 500, "{} for {req:?}: {}", response.status, String::from_utf8_lossy(&response.body));
        prop_assert!(response.status >= 200);
        if let Err(why) = well_formed(&response) {
            prop_assert!(false, "{why} for {req:?}");
        }
    }
}

fn raw_request() -> impl Strategy<Value = Vec<u8>> {
    let structured = (
        prop::sample::select(vec!["POST", "GET", "PO ST", "", "\u{0}"]),
        prop_oneof![path(), "[ -~]{0,20}"],
        prop::sample::select(vec!["HTTP/1.1", "HTTP/1.0", "HTTP/9.9", "", "HTTP/1.1 x"]),
        prop::collection::vec(
            prop_oneof![
                Just("Host: localhost".to_string()),
                Just("Authorization: Bearer t".to_string()),
                Just("Transfer-Encoding: chunked".to_string()),
                (0u64..100).prop_map(|n| format!("Content-Length: {n}")),
                Just("Content-Length: -1".to_string()),
                Just("Content-Length: 99999999999999999999".to_string()),
                "[ -~]{0,30}",
            ],
            0..5,
        ),
        prop_oneof![
            body(),
            Just(b"5\r\nab".to_vec()),
            Just(b"zz\r\nabc\r\n0\r\n\r\n".to_vec()),
            Just(b"3\r\nabc\r\n0\r\n\r\n".to_vec()),
        ],
    )
        .prop_map(|(method, path, version, headers, body)| {
            let mut raw = format!("{method} {path} {version}\r\n").into_bytes();
            for header in headers {
                raw.extend_from_slice(header.as_bytes());
                raw.extend_from_slice(b"\r\n");
            }
            raw.extend_from_slice(b"Connection: close\r\n\r\n");
            raw.extend_from_slice(&body);
            raw
        });
    prop_oneof![4 => structured, 1 => prop::collection::vec(any::<u8>(), 0..256)]
}

/// The status of an HTTP/1.x answer.
fn status_of(answer: &[u8]) -> Option<u16> {
    let line = String::from_utf8_lossy(&answer[..answer.len().min(16)]).into_owned();
    let rest = line
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| line.strip_prefix("HTTP/1.0 "))?;
    rest.get(..3)?.parse().ok()
}

#[test]
fn generated_raw_requests_never_get_a_5xx_and_the_server_keeps_serving() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let fake = runtime
        .block_on(FakeBedrock::start_with(FakeConfig {
            ..crate::support::pinned()
        }))
        .unwrap();
    let addr = fake.uri().trim_start_matches("http://").to_string();
    // A request is written whole and the connection left open (a half-close
    // would end the connection before its answer); a request the server
    // is still waiting on is given up after a second.
    let send = |raw: Vec<u8>| {
        let addr = addr.clone();
        runtime.block_on(async move {
            let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
            let _ = socket.write_all(&raw).await;
            let mut answer = Vec::new();
            let read = socket.read_to_end(&mut answer);
            let _ = tokio::time::timeout(Duration::from_secs(1), read).await;
            answer
        })
    };
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let answered = std::cell::Cell::new(0);
    runner
        .run(&raw_request(), |raw| {
            let answer = send(raw.clone());
            if !answer.is_empty() {
                answered.set(answered.get() + 1);
                let status = status_of(&answer);
                prop_assert!(
                    status.is_some(),
                    "not an HTTP answer to {:?}: {:?}",
                    String::from_utf8_lossy(&raw),
                    String::from_utf8_lossy(&answer)
                );
                let status = status.unwrap();
                prop_assert!(
                    status < 500,
                    "{status} for {:?}: {}",
                    String::from_utf8_lossy(&raw),
                    String::from_utf8_lossy(&answer)
                );
            }
            fake.state().reset();
            Ok(())
        })
        .unwrap();
    assert!(
        answered.get() > 128,
        "only {} of 256 requests were answered",
        answered.get()
    );
    let health = send(
        b"GET /_harness/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".to_vec(),
    );
    assert_eq!(status_of(&health), Some(200));
}
