//! Who may use the control API: a token when one is set, a local `Host`,
//! no browser `Origin`, JSON POSTs; the in-process methods need none of it.

use bedrock_harness::fake::{FakeBedrock, FakeConfig, FakeRequest, FakeState};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const RULE: &[u8] = br#"{"action":{"type":"text","text":"scripted"}}"#;

fn control_post(headers: &[(&str, &str)]) -> FakeRequest {
    let mut req = FakeRequest::post("/_harness/rules", RULE.to_vec());
    req.headers = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    req
}

fn message(body: &[u8]) -> String {
    let value: Value = serde_json::from_slice(body).unwrap_or_default();
    value["message"].as_str().unwrap_or_default().to_string()
}

#[test]
fn a_control_token_is_needed_when_set() {
    let state = FakeState::new(FakeConfig {
        control_token: Some("t0ken".into()),
        ..FakeConfig::default()
    })
    .unwrap();
    let json = ("content-type", "application/json");
    let none = state.handle(&control_post(&[json]));
    assert_eq!(none.status, 401);
    assert!(message(&none.body).contains("Authorization: Bearer"));
    let wrong = state.handle(&control_post(&[json, ("authorization", "Bearer nope")]));
    assert_eq!(wrong.status, 401);
    assert!(state.rules().is_empty(), "a refused call adds nothing");

    let mut journal = FakeRequest::get("/_harness/journal");
    journal.headers.clear();
    assert_eq!(state.handle(&journal).status, 401, "reads need it too");

    let right = state.handle(&control_post(&[json, ("authorization", "Bearer t0ken")]));
    assert_eq!(right.status, 200, "{}", message(&right.body));
    assert_eq!(state.rules().len(), 1);
    state.reset();
    assert!(
        state.rules().is_empty(),
        "the in-process methods need no token"
    );
}

#[test]
fn a_browser_origin_a_foreign_host_or_a_non_json_post_is_refused() {
    let state = FakeState::new(FakeConfig {
        control_hosts: vec!["harness".into()],
        ..FakeConfig::default()
    })
    .unwrap();
    let json = ("content-type", "application/json");
    for (headers, status, says) in [
        (
            vec![json, ("origin", "https://evil.example")],
            403,
            "browser",
        ),
        (vec![json, ("host", "evil.example:4599")], 403, "Host"),
        (
            vec![("content-type", "text/plain")],
            415,
            "application/json",
        ),
        (vec![], 415, "application/json"),
    ] {
        let response = state.handle(&control_post(&headers));
        assert_eq!(response.status, status, "{headers:?}");
        assert!(message(&response.body).contains(says), "{headers:?}");
    }
    assert!(state.rules().is_empty());
    for host in [
        "localhost:4599",
        "127.0.0.1:4599",
        "[::1]:4599",
        "harness:4599",
    ] {
        let response = state.handle(&control_post(&[json, ("host", host)]));
        assert_eq!(response.status, 200, "{host}");
    }
    let charset = state.handle(&control_post(&[(
        "content-type",
        "application/json; charset=utf-8",
    )]));
    assert_eq!(charset.status, 200);
}

/// The refusals over a real socket, as a web page's request arrives.
#[tokio::test]
async fn a_cross_site_post_over_the_wire_is_refused() {
    let fake = FakeBedrock::start().await;
    let addr = fake.uri().trim_start_matches("http://").to_string();
    let send = |request: String| {
        let addr = addr.clone();
        async move {
            let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
            socket.write_all(request.as_bytes()).await.unwrap();
            let mut raw = String::new();
            socket.read_to_string(&mut raw).await.unwrap();
            raw
        }
    };
    let body = std::str::from_utf8(RULE).unwrap();
    let cross_site = send(format!(
        "POST /_harness/rules HTTP/1.1\r\nHost: rebound.example:4599\r\nOrigin: http://rebound.example\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ))
    .await;
    assert!(cross_site.starts_with("HTTP/1.1 403"), "{cross_site}");
    assert!(fake.state().rules().is_empty());
    let local = send(format!(
        "POST /_harness/rules HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ))
    .await;
    assert!(local.starts_with("HTTP/1.1 200"), "{local}");
    assert_eq!(fake.state().rules().len(), 1);
}
