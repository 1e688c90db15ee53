//! The fake's transport: HTTP/2 with prior knowledge (what the AWS SDK for
//! JavaScript v3 sends to an `http://` endpoint) and HTTP/1.1 on the same
//! port, every operation over both; API keys as Bedrock checks them.

use bedrock_harness::eventstream::{Frame, FrameDecoder};
use bedrock_harness::fake::{FakeBedrock, FakeConfig};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::{http1, http2};
use hyper::{Request, Response, Version};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;

const TITAN: &str = "amazon.titan-text-express-v1";
const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";
const NOVA_INVOKE: &str = "/model/amazon.nova-micro-v1:0/invoke";
const NOVA_STREAM: &str = "/model/amazon.nova-micro-v1:0/invoke-with-response-stream";
const NOVA_BODY: &str = r#"{"messages":[{"role":"user","content":[{"text":"Hi"}]}]}"#;
const CONVERSE_BODY: &str = r#"{"messages":[{"role":"user","content":[{"text":"Hi"}]}]}"#;

/// A connection to `addr` speaking one HTTP version.
enum Connection {
    Http1(http1::SendRequest<Full<Bytes>>),
    Http2(http2::SendRequest<Full<Bytes>>),
}

impl Connection {
    async fn open(addr: &str, version: Version) -> Connection {
        let io = TokioIo::new(tokio::net::TcpStream::connect(addr).await.unwrap());
        if version == Version::HTTP_2 {
            let (send, conn) = http2::handshake(TokioExecutor::new(), io).await.unwrap();
            tokio::spawn(conn);
            Connection::Http2(send)
        } else {
            let (send, conn) = http1::handshake(io).await.unwrap();
            tokio::spawn(conn);
            Connection::Http1(send)
        }
    }

    /// POSTs `body` to `path` and reads the whole answer.
    async fn post(&mut self, addr: &str, path: &str, body: &str) -> (Response<()>, Vec<u8>) {
        self.post_as(addr, path, "Bearer test", body).await
    }

    /// POSTs `body` to `path` with `authorization` and reads the answer.
    async fn post_as(
        &mut self,
        addr: &str,
        path: &str,
        authorization: &str,
        body: &str,
    ) -> (Response<()>, Vec<u8>) {
        let mut request = Request::post(format!("http://{addr}{path}"))
            .header("authorization", authorization)
            .header("content-type", "application/json");
        if matches!(self, Connection::Http1(_)) {
            request = request.header("host", addr);
        }
        let request = request
            .body(Full::new(Bytes::from(body.to_string())))
            .unwrap();
        let response = match self {
            Connection::Http1(send) => send.send_request(request).await.unwrap(),
            Connection::Http2(send) => send.send_request(request).await.unwrap(),
        };
        let (head, body) = response.into_parts();
        let bytes = body.collect().await.unwrap().to_bytes().to_vec();
        (Response::from_parts(head, ()), bytes)
    }
}

/// A POST of a Nova body to `base` + `path` with a test bearer token;
/// `host` for HTTP/1.1, which needs the header.
fn nova_post(base: &str, path: &str, host: Option<&str>) -> Request<Full<Bytes>> {
    let mut request = Request::post(format!("{base}{path}")).header("authorization", "Bearer test");
    if let Some(host) = host {
        request = request.header("host", host);
    }
    request.body(Full::new(Bytes::from(NOVA_BODY))).unwrap()
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{e}: {bytes:?}"))
}

fn frames(bytes: &[u8]) -> Vec<Frame> {
    FrameDecoder::new().feed(bytes).unwrap()
}

/// Every operation `serve` answers, over `version`, on one connection.
async fn every_operation_over(version: Version) {
    let fake = crate::support::start().await;
    let uri = fake.uri();
    let addr = uri.trim_start_matches("http://");
    let mut conn = Connection::open(addr, version).await;

    let (head, body) = conn
        .post(
            addr,
            &format!("/model/{TITAN}/invoke"),
            r#"{"inputText":"Hi"}"#,
        )
        .await;
    assert_eq!((head.status().as_u16(), head.version()), (200, version));
    assert!(json(&body)["results"][0]["outputText"].is_string());

    let path = format!("/model/{TITAN}/invoke-with-response-stream");
    let (head, body) = conn.post(addr, &path, r#"{"inputText":"Hi"}"#).await;
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()["content-type"],
        "application/vnd.amazon.eventstream"
    );
    let chunks = frames(&body);
    assert!(!chunks.is_empty());
    assert!(
        chunks.iter().all(|f| matches!(f, Frame::Chunk(_))),
        "{chunks:?}"
    );

    let (head, body) = conn
        .post(addr, &format!("/model/{HAIKU}/converse"), CONVERSE_BODY)
        .await;
    assert_eq!(head.status(), 200);
    assert_eq!(json(&body)["output"]["message"]["role"], "assistant");

    let path = format!("/model/{HAIKU}/converse-stream");
    let (head, body) = conn.post(addr, &path, CONVERSE_BODY).await;
    assert_eq!(head.status(), 200);
    let events: Vec<String> = frames(&body)
        .into_iter()
        .filter_map(|f| match f {
            Frame::Event { event_type, .. } => Some(event_type),
            _ => None,
        })
        .collect();
    assert_eq!(events.first().map(String::as_str), Some("messageStart"));
    assert_eq!(events.last().map(String::as_str), Some("metadata"));

    let body = format!(r#"{{"input":{{"converse":{CONVERSE_BODY}}}}}"#);
    let (head, answer) = conn
        .post(addr, &format!("/model/{HAIKU}/count-tokens"), &body)
        .await;
    assert_eq!(head.status(), 200, "{}", String::from_utf8_lossy(&answer));
    assert!(json(&answer)["inputTokens"].as_u64().unwrap() > 0);

    // A refusal keeps Bedrock's error shape over either version.
    let (head, body) = conn
        .post(addr, &format!("/model/{TITAN}/invoke"), r#"{"nope":1}"#)
        .await;
    assert_eq!(head.status(), 400);
    let error_type = head.headers()["x-amzn-errortype"].to_str().unwrap();
    assert!(
        error_type.starts_with("ValidationException:"),
        "{error_type}"
    );
    assert!(json(&body)["message"].is_string());
}

#[tokio::test]
async fn every_operation_answers_over_http2_with_prior_knowledge() {
    every_operation_over(Version::HTTP_2).await;
}

#[tokio::test]
async fn every_operation_answers_over_http1_on_the_same_port() {
    every_operation_over(Version::HTTP_11).await;
}

/// The answer to one Nova call authorized by `authorization`, from a fake
/// with `config`.
async fn call_with(config: FakeConfig, authorization: &str) -> (Response<()>, Value) {
    let fake = FakeBedrock::start_with(config).await.unwrap();
    let uri = fake.uri();
    let addr = uri.trim_start_matches("http://");
    let mut conn = Connection::open(addr, Version::HTTP_11).await;
    let (head, body) = conn
        .post_as(addr, NOVA_INVOKE, authorization, NOVA_BODY)
        .await;
    (head, json(&body))
}

fn with_keys(keys: &[&str]) -> FakeConfig {
    FakeConfig {
        api_keys: keys.iter().map(|k| k.to_string()).collect(),
        ..crate::support::pinned()
    }
}

#[tokio::test]
async fn a_configured_api_key_is_accepted_and_others_are_refused_as_bedrock_does() {
    let key = "ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl";
    let (head, body) = call_with(with_keys(&[key, "second"]), &format!("Bearer {key}")).await;
    assert_eq!(head.status(), 200, "{body}");
    let (head, _) = call_with(with_keys(&[key, "second"]), "Bearer second").await;
    assert_eq!(head.status(), 200);

    // A well-formed key the fake does not know: Bedrock's body, no name.
    let (head, body) = call_with(with_keys(&[key]), "Bearer bedrock-api-key-c29tZXRoaW5n").await;
    assert_eq!(head.status(), 403);
    assert!(head.headers().get("x-amzn-errortype").is_none());
    assert_eq!(
        body,
        serde_json::json!({"Message": "Authentication failed: Please make sure your API Key is valid."})
    );

    // A token without a Bedrock key's prefix.
    let (head, body) = call_with(with_keys(&[key]), "Bearer not-a-key").await;
    assert_eq!(head.status(), 403);
    let error_type = head.headers()["x-amzn-errortype"].to_str().unwrap();
    assert!(
        error_type.starts_with("AccessDeniedException:"),
        "{error_type}"
    );
    assert_eq!(
        body["message"],
        "Invalid API Key format: Must start with pre-defined prefix"
    );
}

#[tokio::test]
async fn without_api_keys_any_bearer_token_passes_unless_sigv4_is_checked() {
    let (head, _) = call_with(crate::support::pinned(), "Bearer anything").await;
    assert_eq!(head.status(), 200);
    let checked = FakeConfig {
        sigv4: Some("AKIDEXAMPLE:secret".parse().unwrap()),
        ..crate::support::pinned()
    };
    let (head, body) = call_with(checked, "Bearer ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl").await;
    assert_eq!(head.status(), 403);
    assert!(body["Message"]
        .as_str()
        .unwrap()
        .starts_with("Authentication failed"));
}

/// A TLS connection to the fake at `addr` trusting `ca_pem`, offering only
/// `alpn`; the protocol the server chose.
async fn tls_connect(
    addr: &str,
    ca_pem: &str,
    alpn: &[u8],
) -> (
    tokio_rustls::client::TlsStream<tokio::net::TcpStream>,
    Vec<u8>,
) {
    use tokio_rustls::rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
    use tokio_rustls::rustls::{ClientConfig, RootCertStore};
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = std::sync::Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![alpn.to_vec()];
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let stream = connector.connect(name, tcp).await.unwrap();
    let chosen = stream
        .get_ref()
        .1
        .alpn_protocol()
        .unwrap_or_default()
        .to_vec();
    (stream, chosen)
}

#[tokio::test]
async fn tls_serves_http2_by_alpn_and_http1_with_a_certificate_the_ca_signs() {
    let tls = bedrock_harness::fake::TlsIdentity::generate().unwrap();
    let ca_pem = tls.ca_pem().to_string();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let fake = FakeBedrock::start_tls_on(listener, crate::support::pinned(), tls)
        .await
        .unwrap();
    let uri = fake.uri();
    let addr = uri.trim_start_matches("https://");

    let (stream, chosen) = tls_connect(addr, &ca_pem, b"h2").await;
    assert_eq!(chosen, b"h2");
    let (mut send, conn) = http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let request = nova_post(&format!("https://{addr}"), NOVA_INVOKE, None);
    let response = send.send_request(request).await.unwrap();
    assert_eq!(
        (response.status().as_u16(), response.version()),
        (200, Version::HTTP_2)
    );

    let (stream, chosen) = tls_connect(addr, &ca_pem, b"http/1.1").await;
    assert_eq!(chosen, b"http/1.1");
    let (mut send, conn) = http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let request = nova_post(&format!("https://{addr}"), NOVA_INVOKE, Some(addr));
    let response = send.send_request(request).await.unwrap();
    assert_eq!(
        (response.status().as_u16(), response.version()),
        (200, Version::HTTP_11)
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(json(&body)["output"]["message"]["content"][0]["text"].is_string());
}

#[test]
fn a_pem_certificate_and_key_can_be_given_and_bad_files_are_named() {
    let dir = std::env::temp_dir().join(format!("bh-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let identity =
        bedrock_harness::fake::TlsIdentity::from_pem_files(&cert_path, &key_path).unwrap();
    assert_eq!(identity.ca_pem(), cert.cert.pem());

    std::fs::write(&key_path, "not a key").unwrap();
    let err = bedrock_harness::fake::TlsIdentity::from_pem_files(&cert_path, &key_path)
        .unwrap_err()
        .to_string();
    assert!(err.contains("key.pem"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A fake whose HTTP/1.1 clients must send their headers within 300 ms.
async fn fake_with_short_header_timeout() -> FakeBedrock {
    let config = FakeConfig {
        limits: bedrock_harness::fake::ConnectionLimits {
            header_timeout: std::time::Duration::from_millis(300),
            ..Default::default()
        },
        ..crate::support::pinned()
    };
    FakeBedrock::start_with(config).await.unwrap()
}

/// Reads `stream` until the server closes it (or 20 s pass): what it sent.
async fn read_until_closed(stream: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let mut seen = Vec::new();
    let read = stream.read_to_end(&mut seen);
    match tokio::time::timeout(std::time::Duration::from_secs(20), read).await {
        Ok(_) => Some(seen),
        Err(_) => None,
    }
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_while_others_are_served() {
    use tokio::io::AsyncWriteExt;
    let fake = fake_with_short_header_timeout().await;
    let uri = fake.uri();
    let addr = uri.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"POST /model/x/invoke HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut silent = tokio::net::TcpStream::connect(&addr).await.unwrap();

    let mut conn = Connection::open(&addr, Version::HTTP_11).await;
    let (head, _) = conn.post(&addr, NOVA_INVOKE, NOVA_BODY).await;
    assert_eq!(head.status(), 200);

    // A kept-alive connection that goes quiet after a call.
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "POST {NOVA_INVOKE} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Length: {}\r\n\r\n{NOVA_BODY}",
        NOVA_BODY.len()
    );
    idle.write_all(request.as_bytes()).await.unwrap();

    // All three are closed by the server (hyper may first answer 408).
    let cut = read_until_closed(&mut slow).await;
    assert!(cut.is_some(), "the half-sent request was never cut");
    assert!(
        read_until_closed(&mut silent).await.is_some(),
        "the silent connection was kept"
    );
    let answered = read_until_closed(&mut idle)
        .await
        .expect("the idle connection was kept");
    assert!(
        answered.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answered)
    );
}

/// A fake whose one answer, `text`, takes `delay_ms`, and a call to it
/// under way.
async fn fake_mid_call(
    text: &str,
    delay_ms: u64,
) -> (
    FakeBedrock,
    tokio::task::JoinHandle<(Response<()>, Vec<u8>)>,
) {
    use bedrock_harness::fake::Rule;
    let fake = crate::support::start().await;
    fake.rule(Rule::text(text).delay_ms(delay_ms).once());
    let uri = fake.uri();
    let addr = uri.trim_start_matches("http://").to_string();
    let mut conn = Connection::open(&addr, Version::HTTP_11).await;
    let call = tokio::spawn(async move { conn.post(&addr, NOVA_INVOKE, NOVA_BODY).await });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    (fake, call)
}

#[tokio::test]
async fn shutdown_lets_a_call_in_flight_finish_and_counts_what_it_cuts() {
    let (fake, call) = fake_mid_call("late", 400).await;
    let cut = fake.shutdown(std::time::Duration::from_secs(10)).await;
    let (head, body) = call.await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        json(&body)["output"]["message"]["content"][0]["text"],
        "late"
    );
    assert_eq!(cut, 0);

    let (fake, call) = fake_mid_call("too late", 5_000).await;
    assert_eq!(fake.shutdown(std::time::Duration::from_millis(50)).await, 1);
    assert!(call.await.is_err(), "the cut call got an answer");
}

/// The CPU time (user and system, in clock ticks) process `pid` has used.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn at_the_descriptor_limit_the_server_waits_instead_of_spinning_and_serves_again() {
    use std::io::{Read, Write};
    let serve = crate::support::Serve::start_with_fd_limit(48, &["--as-of", "2026-12-02"]);
    let addr = serve.uri.trim_start_matches("http://").to_string();
    // Hold more connections than the server has descriptors, each with a
    // half-sent request so none is done.
    let mut held = Vec::new();
    for _ in 0..80 {
        if let Ok(mut stream) = std::net::TcpStream::connect(&addr) {
            let _ = stream.write_all(b"POST /x HTTP/1.1\r\n");
            held.push(stream);
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let before = cpu_ticks(serve.child.id());
    std::thread::sleep(std::time::Duration::from_secs(1));
    let spent = cpu_ticks(serve.child.id()) - before;
    // A loop spinning on EMFILE burns about a second of CPU a second.
    assert!(
        spent < 50,
        "the server used {spent} ticks of CPU in 1 s at its fd limit"
    );

    drop(held);
    let request = format!(
        "POST {NOVA_INVOKE} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{NOVA_BODY}",
        NOVA_BODY.len()
    );
    let mut answer = String::new();
    for _ in 0..50 {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let _ = stream.write_all(request.as_bytes());
        answer.clear();
        let _ = stream.read_to_string(&mut answer);
        if answer.starts_with("HTTP/1.1 200") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    serve.stop();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "no answer once descriptors freed up: {answer:?}"
    );
}

/// A Nova call to `addr` over a fresh connection, in a thread: its answer
/// (empty when the connection was cut).
fn call_in_thread(addr: &str) -> std::thread::JoinHandle<String> {
    use std::io::{Read, Write};
    let addr = addr.to_string();
    std::thread::spawn(move || {
        let request = format!(
            "POST {NOVA_INVOKE} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{NOVA_BODY}",
            NOVA_BODY.len()
        );
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    })
}

/// `serve` with `args` and a scenario whose one answer takes `delay_ms`.
fn serve_with_a_slow_answer(
    delay_ms: u64,
    args: &[&str],
) -> (crate::support::Serve, std::path::PathBuf) {
    let scenario =
        std::env::temp_dir().join(format!("bh-slow-{}-{delay_ms}.json", std::process::id()));
    let rule =
        format!(r#"{{"action": {{"type": "text", "text": "late"}}, "delay_ms": {delay_ms}}}"#);
    std::fs::write(&scenario, rule).unwrap();
    let path = scenario.display().to_string();
    let mut all = vec!["--as-of", "2026-12-02", "--scenario", path.as_str()];
    all.extend_from_slice(args);
    (crate::support::Serve::start_logging(&all), scenario)
}

/// `serve` with `args` and an answer taking `delay_ms`, sent SIGTERM while
/// a call to it is under way: the server, the call and the scenario file.
fn sigterm_mid_call(
    delay_ms: u64,
    args: &[&str],
) -> (
    crate::support::Serve,
    std::thread::JoinHandle<String>,
    std::path::PathBuf,
) {
    let (serve, scenario) = serve_with_a_slow_answer(delay_ms, args);
    let call = call_in_thread(serve.uri.trim_start_matches("http://"));
    std::thread::sleep(std::time::Duration::from_millis(200));
    serve.terminate();
    (serve, call, scenario)
}

#[test]
fn sigterm_lets_the_call_in_flight_finish_and_exits_0() {
    let (mut serve, call, scenario) = sigterm_mid_call(700, &[]);
    let answer = call.join().unwrap();
    let status = serve.child.wait().unwrap();
    std::fs::remove_file(scenario).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
    assert!(answer.contains("late"), "{answer}");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_call_longer_than_the_grace_is_cut_and_the_exit_code_says_so() {
    let (mut serve, call, scenario) = sigterm_mid_call(5_000, &["--shutdown-grace", "0.2"]);
    let status = serve.child.wait().unwrap();
    let mut log = String::new();
    if let Some(mut stderr) = serve.child.stderr.take() {
        use std::io::Read;
        let _ = stderr.read_to_string(&mut log);
    }
    let answer = call.join().unwrap();
    std::fs::remove_file(scenario).unwrap();
    assert_eq!(status.code(), Some(1), "{log}");
    assert!(log.contains("1 connection(s) still busy"), "{log}");
    assert!(answer.is_empty(), "{answer}");
}

#[tokio::test]
async fn a_paced_stream_arrives_over_time_and_its_metrics_say_so() {
    use bedrock_harness::fake::Rule;
    use std::time::{Duration, Instant};
    let fake = crate::support::start().await;
    let (first_byte, interval) = (300u64, 60u64);
    fake.rule(Rule::text("one two three four five six seven eight").paced(first_byte, interval));
    let uri = fake.uri();
    let addr = uri.trim_start_matches("http://");
    let io = TokioIo::new(tokio::net::TcpStream::connect(addr).await.unwrap());
    let (mut send, conn) = http1::handshake(io).await.unwrap();
    tokio::spawn(conn);
    let request = nova_post(&format!("http://{addr}"), NOVA_STREAM, Some(addr));
    let sent = Instant::now();
    let mut body = send.send_request(request).await.unwrap().into_body();
    let mut arrivals = Vec::new();
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.unwrap().into_data() {
            arrivals.push(sent.elapsed());
            bytes.extend_from_slice(&data);
        }
    }
    let frames = frames(&bytes);
    assert!(frames.len() > 3, "{frames:?}");
    assert_eq!(arrivals.len(), frames.len(), "one write per frame");
    // Lower bounds only: a busy machine may be late, never early.
    assert!(
        arrivals[0] >= Duration::from_millis(first_byte),
        "{arrivals:?}"
    );
    let spread = *arrivals.last().unwrap() - arrivals[0];
    let gaps = (frames.len() - 1) as u32;
    assert!(
        spread >= Duration::from_millis(interval) * gaps,
        "{arrivals:?}"
    );

    let Frame::Chunk(last) = frames.last().unwrap() else {
        panic!("{frames:?}")
    };
    let metrics = &json(last)["amazon-bedrock-invocationMetrics"];
    assert_eq!(metrics["firstByteLatency"], first_byte);
    assert_eq!(
        metrics["invocationLatency"],
        first_byte + interval * gaps as u64
    );
}

#[tokio::test]
async fn a_client_that_leaves_mid_stream_ends_the_stream_and_the_journal_says_so() {
    use bedrock_harness::fake::Rule;
    let fake = crate::support::start().await;
    fake.rule(Rule::text("one two three four five six seven eight").paced(10, 400));
    let uri = fake.uri();
    let addr = uri.trim_start_matches("http://").to_string();
    {
        let io = TokioIo::new(tokio::net::TcpStream::connect(&addr).await.unwrap());
        let (mut send, conn) = http1::handshake(io).await.unwrap();
        let conn = tokio::spawn(conn);
        let request = nova_post(&format!("http://{addr}"), NOVA_STREAM, Some(&addr));
        let mut body = send.send_request(request).await.unwrap().into_body();
        assert!(body.frame().await.is_some(), "no first frame");
        conn.abort();
    }
    let mut note = None;
    for _ in 0..100 {
        note = fake.journal()[0].note.clone();
        if note.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let note = note.expect("the journal has no note of the client leaving");
    assert!(
        note.starts_with("the client went away after 1 of "),
        "{note}"
    );
}

#[tokio::test]
async fn tokens_per_second_paces_a_converse_stream_and_its_latency() {
    use bedrock_harness::fake::Rule;
    let fake = crate::support::start().await;
    let mut rule = Rule::text("one two three four five six seven eight nine ten");
    rule.tokens_per_second = Some(50.0);
    fake.rule(rule);
    let uri = fake.uri();
    let addr = uri.trim_start_matches("http://");
    let mut conn = Connection::open(addr, Version::HTTP_2).await;
    let path = format!("/model/{HAIKU}/converse-stream");
    let started = std::time::Instant::now();
    let (head, body) = conn.post(addr, &path, CONVERSE_BODY).await;
    let elapsed = started.elapsed();
    assert_eq!(head.status(), 200);
    let metadata = frames(&body)
        .into_iter()
        .find_map(|f| match f {
            Frame::Event {
                event_type,
                payload,
            } if event_type == "metadata" => Some(json(&payload)),
            _ => None,
        })
        .unwrap();
    let tokens = metadata["usage"]["outputTokens"].as_u64().unwrap();
    let latency = metadata["metrics"]["latencyMs"].as_u64().unwrap();
    // The tokens' time at 50 a second, give or take a millisecond a gap.
    let want = tokens * 1000 / 50;
    assert!(
        latency.abs_diff(want) <= 20,
        "latency {latency} ms for {tokens} tokens"
    );
    assert!(
        elapsed.as_millis() as u64 >= latency.saturating_sub(20),
        "{elapsed:?}"
    );
}
