//! The fake's own HTTP server (hyper): HTTP/1.1 and cleartext HTTP/2 with
//! prior knowledge (what the AWS SDK for JavaScript v3 sends to an
//! `http://` endpoint) on the same port, told apart per connection by
//! hyper-util's auto connection builder; over TLS too, HTTP/2 chosen by
//! ALPN.
//!
//! wiremock keeps every request a mounted mock has matched, even with
//! request recording disabled (measured: 296 MiB of RSS after 44,598
//! calls through `serve`), and its per-call cost made the fake 1.5 times
//! slower than a bare wiremock mock. This server hands each request to the
//! same transport-free [`FakeState::handle`] and keeps nothing but the
//! bounded journal.

use super::errors::BedrockError;
use super::http::{FakeRequest, FakeResponse, Pacing};
use super::limits::AcceptBackoff;
use super::record::Recorder;
use super::FakeState;
use crate::schema::MAX_BODY_BYTES;
use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

/// What stops the server: `None` while it runs; `Some(grace)` stops
/// accepting, lets calls in flight finish within `grace`, then closes.
pub(crate) type Stop = watch::Receiver<Option<Duration>>;

/// Serves `state` on `listener` until `stop` says so, over TLS when `tls`
/// is given. With a `recorder`, every call but the control API's goes to
/// it instead. Returns how many connections were still busy when the
/// grace ran out, and were cut.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<FakeState>,
    recorder: Option<Arc<Recorder>>,
    tls: Option<TlsAcceptor>,
    mut stop: Stop,
) -> usize {
    let limits = state.config.limits.clone();
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut connections = JoinSet::new();
    let mut backoff = AcceptBackoff::default();
    loop {
        let accepted = tokio::select! {
            biased;
            _ = stop.changed() => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => tokio::select! {
                    biased;
                    _ = stop.changed() => break,
                    accepted = listener.accept() => accepted.map(|(stream, _)| (stream, permit)),
                },
                Err(_) => break,
            },
        };
        let (stream, permit) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                backoff.wait(&error).await;
                continue;
            }
        };
        backoff.reset();
        // Small frames (HTTP/2's SETTINGS and WINDOW_UPDATE, a stream's
        // pieces) go out at once instead of waiting on the client's ACK.
        let _ = stream.set_nodelay(true);
        let connection = Connection {
            state: state.clone(),
            recorder: recorder.clone(),
            stop: stop.clone(),
        };
        let tls = tls.clone();
        let limits_header_timeout = limits.header_timeout;
        connections.spawn(async move {
            let _permit = permit;
            // A client that sends nothing at all is cut after the header
            // timeout too (hyper's own timer starts at its first byte).
            let mut first = [0u8; 1];
            let first_byte = tokio::time::timeout(limits_header_timeout, stream.peek(&mut first));
            if !matches!(first_byte.await, Ok(Ok(1))) {
                return;
            }
            match tls {
                None => connection.serve(stream).await,
                Some(acceptor) => {
                    let handshake = acceptor.accept(stream);
                    if let Ok(Ok(stream)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await
                    {
                        connection.serve(stream).await;
                    }
                }
            }
        });
        while connections.try_join_next().is_some() {}
    }
    let grace = stop.borrow().unwrap_or_default();
    let drained = tokio::time::timeout(grace, async {
        while connections.join_next().await.is_some() {}
    });
    if drained.await.is_ok() {
        return 0;
    }
    let cut = connections.len();
    connections.shutdown().await;
    cut
}

/// How long a client may take to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// What one accepted connection is served with.
struct Connection {
    state: Arc<FakeState>,
    recorder: Option<Arc<Recorder>>,
    stop: Stop,
}

/// A request body that did not arrive within the body timeout: the
/// connection is closed without an answer.
#[derive(Debug)]
struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}

impl Connection {
    /// Serves HTTP/1.1 or HTTP/2 (told apart by the client's first bytes)
    /// on `io` until it closes or the server stops; an HTTP/1.1 client that
    /// sends no complete headers within the header timeout is cut.
    async fn serve<I>(mut self, io: I)
    where
        I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (state, recorder) = (self.state, self.recorder);
        let limits = state.config.limits.clone();
        let body_timeout = limits.body_timeout;
        let service = service_fn(move |req| {
            let state = state.clone();
            let recorder = recorder.clone();
            async move { answer(&state, recorder.as_deref(), req, body_timeout).await }
        });
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout);
        let conn = builder.serve_connection(TokioIo::new(io), service);
        tokio::pin!(conn);
        if self.stop.borrow().is_none() {
            tokio::select! {
                _ = conn.as_mut() => return,
                _ = self.stop.changed() => {}
            }
        }
        conn.as_mut().graceful_shutdown();
        let _ = conn.await;
    }
}

async fn answer(
    state: &Arc<FakeState>,
    recorder: Option<&Recorder>,
    req: hyper::Request<Incoming>,
    body_timeout: Duration,
) -> Result<hyper::Response<Body>, BodyTimedOut> {
    let (parts, body) = req.into_parts();
    if parts.method == hyper::Method::POST
        && parts.uri.path().starts_with("/model/")
        && parts
            .uri
            .path()
            .ends_with("/invoke-with-bidirectional-stream")
        && recorder.is_none()
    {
        return Ok(bidirectional(state, &parts, body));
    }
    let collected = Limited::new(body, MAX_BODY_BYTES + 1).collect();
    tokio::pin!(collected);
    // A body that has all arrived needs no timer.
    let collected = match futures::poll!(collected.as_mut()) {
        std::task::Poll::Ready(collected) => collected,
        std::task::Poll::Pending => tokio::time::timeout(body_timeout, collected)
            .await
            .map_err(|_| BodyTimedOut)?,
    };
    let body = match collected {
        // Without a copy when the body came in one piece.
        Ok(collected) => Vec::from(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            let err = BedrockError::validation(format!(
                "1 validation error detected: Value at 'body' failed to satisfy constraint: Member must have length less than or equal to {MAX_BODY_BYTES}"
            ));
            return Ok(to_hyper(
                err.to_response("00000000-0000-0000-0000-000000000000"),
            ));
        }
        Err(e) => {
            // A body cut short or a malformed chunked encoding: hyper says
            // which. No source gives Bedrock's text for these.
            let err = BedrockError::validation(format!(
                "bedrock-harness: the request body could not be read: {e}"
            ));
            return Ok(to_hyper(
                err.to_response("00000000-0000-0000-0000-000000000000"),
            ));
        }
    };
    let mut request = FakeRequest::from_http(
        &parts.method,
        parts.uri.path(),
        parts.uri.query(),
        &parts.headers,
        body,
    );
    // HTTP/2 carries the host as `:authority`, which SigV4 signs as `host`.
    if request.header("host").is_none() {
        if let Some(authority) = parts.uri.authority() {
            request
                .headers
                .push(("host".into(), authority.as_str().to_string()));
        }
    }
    if let Some(recorder) = recorder.filter(|_| !request.path.starts_with(super::control::PREFIX)) {
        let response = recorder.forward(&request).await;
        state.journal_forwarded(&request, &response);
        return Ok(to_hyper(response));
    }
    // A large body is parsed and checked on the blocking pool, so that no
    // async worker (and no other connection) waits for it.
    let mut response = if request.body.len() > BLOCKING_FROM_BYTES {
        let state = state.clone();
        match tokio::task::spawn_blocking(move || state.handle(&request)).await {
            Ok(response) => response,
            Err(e) => BedrockError::new(
                "InternalServerException",
                format!("bedrock-harness: the call's task failed: {e}"),
            )
            .to_response("00000000-0000-0000-0000-000000000000"),
        }
    } else {
        state.handle(&request)
    };
    if let Some(delay) = response.delay {
        tokio::time::sleep(delay).await;
    }
    if let Some(pacing) = response.pacing.take() {
        return Ok(paced(state.clone(), response, pacing));
    }
    Ok(to_hyper(response))
}

/// Bodies larger than this are handled on tokio's blocking pool.
const BLOCKING_FROM_BYTES: usize = 256 * 1024;

/// A response body: whole, or frames written over time.
type Body = BoxBody<Bytes, Infallible>;

/// The hyper response of `response`'s status and headers with `body`; a
/// header HTTP cannot carry (a control character in a value) is left out
/// and logged, rather than losing the whole answer.
fn with_head(response: FakeResponse, body: Body) -> hyper::Response<Body> {
    let mut out = hyper::Response::new(body);
    *out.status_mut() = hyper::StatusCode::from_u16(response.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = out.headers_mut();
    headers.reserve(response.headers.len());
    for (name, value) in response.headers {
        let parsed = match known_header_name(&name) {
            Some(known) => Ok(known),
            None => hyper::header::HeaderName::from_bytes(name.as_bytes()),
        };
        // The value's bytes move into the header without a copy.
        match (
            parsed,
            hyper::header::HeaderValue::from_maybe_shared(Bytes::from(value)),
        ) {
            (Ok(parsed), Ok(mut value)) => {
                value.set_sensitive(changes_every_call(&parsed));
                headers.append(parsed, value);
            }
            _ => tracing::warn!(header = %name, "header left out: HTTP cannot carry it"),
        }
    }
    out
}

/// Whether a header's value is new on every call (the request id, the
/// latency). HTTP/2 then sends it as a literal that is never indexed
/// (RFC 7541, 6.2.3), which decodes to the same header: indexing a value
/// no later answer repeats only fills HPACK's dynamic table, and every
/// later lookup of the name walks those entries: HTTP/2 InvokeModel went
/// from 83,100 to 80,500 instructions a call (`BH_CPU_INSTRUCTIONS=1 cargo
/// bench --bench serve_cpu`). HTTP/1.1 ignores it.
fn changes_every_call(name: &hyper::header::HeaderName) -> bool {
    *name == REQUEST_ID || *name == INVOCATION_LATENCY
}

const REQUEST_ID: hyper::header::HeaderName =
    hyper::header::HeaderName::from_static("x-amzn-requestid");
const INVOCATION_LATENCY: hyper::header::HeaderName =
    hyper::header::HeaderName::from_static("x-amzn-bedrock-invocation-latency");

/// The names the fake answers with on every call, made once rather than
/// parsed (and a custom one copied) on every call: about 850 of the
/// server's instructions per InvokeModel call (callgrind).
fn known_header_name(name: &str) -> Option<hyper::header::HeaderName> {
    use hyper::header::HeaderName;
    static KNOWN: [HeaderName; 7] = [
        hyper::header::CONTENT_TYPE,
        REQUEST_ID,
        INVOCATION_LATENCY,
        HeaderName::from_static("x-amzn-bedrock-input-token-count"),
        HeaderName::from_static("x-amzn-bedrock-output-token-count"),
        HeaderName::from_static("x-amzn-errortype"),
        HeaderName::from_static("x-amzn-bedrock-content-type"),
    ];
    KNOWN
        .iter()
        .find(|known| {
            known.as_str().len() == name.len() && known.as_str().eq_ignore_ascii_case(name)
        })
        .cloned()
}

fn to_hyper(mut response: FakeResponse) -> hyper::Response<Body> {
    let body = Full::new(Bytes::from(std::mem::take(&mut response.body)));
    with_head(response, body.boxed())
}

/// The response with its frames written as `pacing` says: the first after
/// `first_byte`, each next one `interval` later. A client that goes away
/// drops the body, which ends the writing and notes it on the call's
/// journal entry.
fn paced(
    state: Arc<FakeState>,
    mut response: FakeResponse,
    pacing: Pacing,
) -> hyper::Response<Body> {
    let body = Bytes::from(std::mem::take(&mut response.body));
    let mut frames = Vec::with_capacity(pacing.frame_ends.len());
    let mut start = 0;
    for &end in &pacing.frame_ends {
        frames.push(body.slice(start..end.min(body.len())));
        start = end.min(body.len());
    }
    let progress = StreamProgress {
        state,
        call: pacing.call,
        sent: 0,
        total: frames.len(),
    };
    let waits = std::iter::once(pacing.first_byte).chain(std::iter::repeat(pacing.interval));
    let timed = frames.into_iter().zip(waits);
    let stream =
        futures::stream::unfold((timed, progress), |(mut timed, mut progress)| async move {
            let (frame, wait) = timed.next()?;
            tokio::time::sleep(wait).await;
            progress.sent += 1;
            Some((
                Ok::<_, Infallible>(hyper::body::Frame::data(frame)),
                (timed, progress),
            ))
        });
    with_head(response, BodyExt::boxed(StreamBody::new(stream)))
}

/// A bidirectional stream served as it goes: each client event is read as
/// it arrives and answered at once, until the input ends, an error event
/// ends the stream, or the client goes away.
fn bidirectional(
    state: &Arc<FakeState>,
    parts: &hyper::http::request::Parts,
    mut body: Incoming,
) -> hyper::Response<Body> {
    let mut request = FakeRequest::from_http(
        &parts.method,
        parts.uri.path(),
        parts.uri.query(),
        &parts.headers,
        Vec::new(),
    );
    if request.header("host").is_none() {
        if let Some(authority) = parts.uri.authority() {
            request
                .headers
                .push(("host".into(), authority.as_str().to_string()));
        }
    }
    let (mut session, rid) = match super::handler::bidirectional::open_streaming(state, &request) {
        Ok(opened) => opened,
        Err(refusal) => return to_hyper(*refusal),
    };
    let (sender, receiver) = tokio::sync::mpsc::channel::<Bytes>(64);
    tokio::spawn(async move {
        let mut decoder = crate::eventstream::FrameDecoder::new();
        while let Some(Ok(frame)) = body.frame().await {
            let Ok(data) = frame.into_data() else {
                continue;
            };
            let messages = match decoder.feed_messages(&data) {
                Ok(messages) => messages,
                Err(_) => {
                    let error = crate::fake::sonic::SonicError {
                        exception: "validationException",
                        message: crate::fake::sonic::INVALID_INPUT.into(),
                    };
                    let frame = super::handler::bidirectional::error_frame(&error);
                    let _ = sender.send(Bytes::from(frame)).await;
                    return;
                }
            };
            for message in messages {
                let (frames, done) =
                    match super::handler::bidirectional::answer_message(&mut session, message) {
                        Ok(Some(frames)) => (frames, false),
                        Ok(None) => (Vec::new(), true),
                        Err(frames) => (frames, true),
                    };
                for frame in frames {
                    if sender.send(Bytes::from(frame)).await.is_err() {
                        return;
                    }
                }
                if done {
                    return;
                }
            }
        }
    });
    let stream = futures::stream::unfold(receiver, |mut receiver| async move {
        let frame = receiver.recv().await?;
        Some((
            Ok::<_, Infallible>(hyper::body::Frame::data(frame)),
            receiver,
        ))
    });
    let head = FakeResponse {
        status: 200,
        headers: vec![
            (
                "content-type".into(),
                "application/vnd.amazon.eventstream".into(),
            ),
            ("x-amzn-RequestId".into(), rid),
        ],
        ..Default::default()
    };
    with_head(head, BodyExt::boxed(StreamBody::new(stream)))
}

/// How far a paced stream got; dropped before its last frame, it notes the
/// cut on the call's journal entry.
struct StreamProgress {
    state: Arc<FakeState>,
    call: u64,
    sent: usize,
    total: usize,
}

impl Drop for StreamProgress {
    fn drop(&mut self) {
        if self.sent < self.total {
            let note = format!(
                "the client went away after {} of {} stream frames",
                self.sent, self.total
            );
            tracing::info!(call = self.call, "{note}");
            self.state.note_call(self.call, &note);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_new_on_every_call_are_never_indexed() {
        let response = FakeResponse::json_bytes(200, b"{}".to_vec())
            .with_header("x-amzn-RequestId", "3f410447-f539-d1f7-1224-419d47ac3993")
            .with_header("X-Amzn-Bedrock-Invocation-Latency", "412")
            .with_header("X-Amzn-Bedrock-Input-Token-Count", "5");
        let out = to_hyper(response);
        let sensitive = |name: &str| out.headers()[name].is_sensitive();
        assert!(sensitive("x-amzn-requestid"));
        assert!(sensitive("x-amzn-bedrock-invocation-latency"));
        // Values later answers repeat stay indexable.
        assert!(!sensitive("content-type"));
        assert!(!sensitive("x-amzn-bedrock-input-token-count"));
        assert_eq!(out.headers()["x-amzn-bedrock-invocation-latency"], "412");
    }
}
