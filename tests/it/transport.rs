//! The fake's transport: HTTP/2 with prior knowledge (what the AWS SDK for
//! JavaScript v3 sends to an `http://` endpoint) and HTTP/1.1 on the same
//! port, every operation over both.

use bedrock_harness::eventstream::{Frame, FrameDecoder};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::{http1, http2};
use hyper::{Request, Response, Version};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;

const TITAN: &str = "amazon.titan-text-express-v1";
const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";
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
        let mut request = Request::post(format!("http://{addr}{path}"))
            .header("authorization", "Bearer test")
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
