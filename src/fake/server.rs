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
use super::http::{FakeRequest, FakeResponse};
use super::record::Recorder;
use super::FakeState;
use crate::schema::MAX_BODY_BYTES;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

/// Serves `state` on `listener` until `shutdown` turns true, over TLS when
/// `tls` is given. With a `recorder`, every call but the control API's goes
/// to it instead.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<FakeState>,
    recorder: Option<Arc<Recorder>>,
    tls: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => break,
        };
        let Ok((stream, _)) = accepted else { continue };
        let connection = Connection {
            state: state.clone(),
            recorder: recorder.clone(),
            shutdown: shutdown.clone(),
        };
        let tls = tls.clone();
        tokio::spawn(async move {
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
    }
}

/// How long a client may take to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// What one accepted connection is served with.
struct Connection {
    state: Arc<FakeState>,
    recorder: Option<Arc<Recorder>>,
    shutdown: watch::Receiver<bool>,
}

impl Connection {
    /// Serves HTTP/1.1 or HTTP/2 (told apart by the client's first bytes)
    /// on `io` until it closes or the server shuts down.
    async fn serve<I>(mut self, io: I)
    where
        I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (state, recorder) = (self.state, self.recorder);
        let service = service_fn(move |req| {
            let state = state.clone();
            let recorder = recorder.clone();
            async move { Ok::<_, Infallible>(answer(&state, recorder.as_deref(), req).await) }
        });
        let builder = auto::Builder::new(TokioExecutor::new());
        let conn = builder.serve_connection(TokioIo::new(io), service);
        tokio::pin!(conn);
        tokio::select! {
            _ = conn.as_mut() => {}
            _ = self.shutdown.changed() => {
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
            }
        }
    }
}

async fn answer(
    state: &FakeState,
    recorder: Option<&Recorder>,
    req: hyper::Request<Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES + 1).collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => {
            let err = BedrockError::validation(format!(
                "1 validation error detected: Value at 'body' failed to satisfy constraint: Member must have length less than or equal to {MAX_BODY_BYTES}"
            ));
            return to_hyper(err.to_response("00000000-0000-0000-0000-000000000000"));
        }
    };
    let request = FakeRequest::from_http(
        &parts.method,
        parts.uri.path(),
        parts.uri.query(),
        &parts.headers,
        body,
    );
    if let Some(recorder) = recorder.filter(|_| !request.path.starts_with(super::control::PREFIX)) {
        return to_hyper(recorder.forward(&request).await);
    }
    let response = state.handle(&request);
    if let Some(delay) = response.delay {
        tokio::time::sleep(delay).await;
    }
    to_hyper(response)
}

fn to_hyper(response: FakeResponse) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder().status(response.status);
    for (name, value) in &response.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(response.body)))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}
