//! The fake Bedrock Runtime: in-process for Rust tests, and behind
//! `bedrock-harness serve` for any client.
//!
//! It accepts and refuses what Bedrock would (unknown models, schema
//! violations with Bedrock's texts, profile-only and end-of-life models,
//! streaming what cannot stream, Converse features a model lacks), answers
//! with recorded per-model responses or a deterministic synthesis in each
//! family's exact wire format, and fails on demand ([`Rule`]).

mod answer;
pub mod async_jobs;
mod async_output;
mod auth;
mod catalog_api;
pub mod citations;
pub mod control;
mod errors;
pub mod guardrail_checks;
mod guardrails;
mod handler;
mod http;
mod ids;
mod journal;
mod latency;
mod limits;
pub mod prompt_cache;
mod random_token;
mod record;
mod record_entry;
mod recording_file;
mod rule_fit;
mod rules;
mod schema_value;
mod scrub;
mod server;
mod sigv4;
mod socketless;
pub mod sonic;
mod state;
pub mod synth;
mod tls;
mod tool_policy;

pub use answer::recording_name;
pub use errors::{BedrockError, BEDROCK_ERRORS};
pub use guardrail_checks::CheckScore;
pub use guardrails::{
    Assessment, DeniedTopic, Guardrail, PiiFilter, RegexFilter, SensitiveAction, SensitiveMatch,
    DEFAULT_BLOCKED_MESSAGE,
};
pub use handler::bidirectional::SONIC_WIRE;
pub use http::{FakeRequest, FakeResponse, Pacing};
pub use journal::{
    JournalEntry, DEFAULT_JOURNAL_CAPACITY, JOURNAL_BODY_LIMIT, JOURNAL_TOTAL_LIMIT,
};
pub use latency::{Figures, LatencyMode, LatencyProfile, LATENCY_FILE};
pub use limits::ConnectionLimits;
pub use random_token::random_token;
pub use record::{AwsUpstream, Recorder, Upstream};
pub use rules::{Action, Operation, Rule, Times, MAX_RULES, MAX_RULE_WAIT_MS};
pub use sigv4::SigV4Credentials;
pub use socketless::{socketless_client, SOCKETLESS_ENDPOINT};
pub use state::{FakeConfig, FakeState, DEFAULT_REGION};
pub use tls::{TlsIdentity, GENERATED_NAMES};
pub use tool_policy::{step as tool_step, ToolPolicy, ToolStep};

use crate::error::Error;
use std::sync::Arc;
use wiremock::{Mock, MockServer, Respond};

/// The fake as a wiremock responder: every request goes to
/// [`FakeState::handle`]. Mount it in your own `MockServer` to serve the
/// fake beside mocks of your own.
///
/// ```
/// use bedrock_harness::fake::{FakeConfig, FakeResponder, FakeState};
/// use std::sync::Arc;
/// use wiremock::{matchers::path_regex, Mock, MockServer};
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let server = MockServer::start().await;
/// let state = Arc::new(FakeState::new(FakeConfig::default()).unwrap());
/// Mock::given(path_regex("^/model/"))
///     .respond_with(FakeResponder(state.clone()))
///     .mount(&server)
///     .await;
///
/// let resp = bedrock_harness::Invoker::for_endpoint(&server.uri())
///     .invoke_raw("amazon.titan-embed-text-v2:0", &serde_json::json!({"inputText": "Hi"}))
///     .await
///     .unwrap();
/// assert!(resp["embedding"].is_array());
/// assert_eq!(state.journal().len(), 1);
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct FakeResponder(pub Arc<FakeState>);

impl Respond for FakeResponder {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        self.0
            .handle(&FakeRequest::from_wiremock(request))
            .into_wiremock()
    }
}

/// A running fake Bedrock on a local port.
///
/// It runs on the harness's own small HTTP server: a wiremock mock
/// keeps every request it has matched (memory grows with every call) and
/// costs more per call (measured in `benches/fake.rs`). To serve the fake
/// from a wiremock `MockServer` of your own, mount a [`FakeResponder`], or
/// use [`start_wiremock`](Self::start_wiremock).
///
/// # Example
///
/// ```
/// use bedrock_harness::fake::{FakeBedrock, Rule};
/// use bedrock_harness::{Invoker, PortableRequest};
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// // Arrange
/// let fake = FakeBedrock::start().await;
/// fake.rule(Rule::text("Hello from the fake.").once());
///
/// // Act
/// let resp = Invoker::new(fake.client())
///     .invoke("mistral.mistral-7b-instruct-v0:2", &PortableRequest::prompt("Hi"))
///     .await
///     .unwrap();
///
/// // Assert
/// assert_eq!(resp.text, "Hello from the fake.");
/// assert_eq!(fake.journal()[0].model.as_deref(), Some("mistral.mistral-7b-instruct-v0:2"));
/// # });
/// ```
pub struct FakeBedrock {
    transport: Transport,
    state: Arc<FakeState>,
}

enum Transport {
    Wiremock(MockServer),
    Own {
        uri: String,
        stop: tokio::sync::watch::Sender<Option<std::time::Duration>>,
        server: Option<tokio::task::JoinHandle<usize>>,
    },
}

impl Drop for Transport {
    fn drop(&mut self) {
        if let Transport::Own { stop, .. } = self {
            let _ = stop.send(Some(std::time::Duration::ZERO));
        }
    }
}

impl std::fmt::Debug for FakeBedrock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeBedrock")
            .field("uri", &self.uri())
            .finish()
    }
}

impl FakeBedrock {
    /// Starts a fake with the embedded fixtures on a random local port.
    ///
    /// # Panics
    ///
    /// If the embedded catalog is malformed (a build defect) or no local
    /// port can be bound, as wiremock's own `start` does.
    pub async fn start() -> FakeBedrock {
        Self::start_with(FakeConfig::default())
            .await
            .unwrap_or_else(|e| panic!("the fake Bedrock cannot start: {e}"))
    }

    /// Starts a fake with `config` on a random port of 127.0.0.1.
    pub async fn start_with(config: FakeConfig) -> Result<FakeBedrock, Error> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|source| Error::Io {
            path: "127.0.0.1:0".into(),
            source,
        })?;
        Self::start_on(listener, config).await
    }

    /// Starts a fake with `config` behind a wiremock `MockServer` on a
    /// random local port (request recording follows
    /// `config.wiremock_recording`).
    pub async fn start_wiremock(config: FakeConfig) -> Result<FakeBedrock, Error> {
        let builder = MockServer::builder();
        let builder = if config.wiremock_recording {
            builder
        } else {
            builder.disable_request_recording()
        };
        Self::serve(builder, config).await
    }

    /// Starts a fake with `config` on `listener` (memory stays bounded by
    /// the journal however long it serves).
    pub async fn start_on(
        listener: std::net::TcpListener,
        config: FakeConfig,
    ) -> Result<FakeBedrock, Error> {
        Self::start_own(listener, config, None, None).await
    }

    /// Starts a fake with `config` on `listener` serving HTTPS with `tls`
    /// (HTTP/2 by ALPN, and HTTP/1.1); [`uri`](Self::uri) is `https://`.
    ///
    /// # Example
    ///
    /// ```
    /// use bedrock_harness::fake::{FakeBedrock, FakeConfig, TlsIdentity};
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let tls = TlsIdentity::generate().unwrap();
    /// let fake = FakeBedrock::start_tls_on(listener, FakeConfig::default(), tls).await.unwrap();
    /// assert!(fake.uri().starts_with("https://127.0.0.1:"));
    /// # });
    /// ```
    pub async fn start_tls_on(
        listener: std::net::TcpListener,
        config: FakeConfig,
        tls: TlsIdentity,
    ) -> Result<FakeBedrock, Error> {
        Self::start_own(listener, config, None, Some(tls)).await
    }

    /// Starts a recording proxy on `listener` (the harness's own server):
    /// every Bedrock call goes to `recorder`, which forwards it upstream,
    /// answers with the upstream's answer and records it; the control API
    /// is served from `config` as usual.
    ///
    /// # Example
    ///
    /// ```
    /// use bedrock_harness::fake::{FakeBedrock, FakeConfig, Recorder, Upstream};
    /// use bedrock_harness::{FixtureStore, Invoker};
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// // Arrange
    /// let upstream = FakeBedrock::start().await;
    /// let dir = std::env::temp_dir().join(format!("bh-recording-doc-{}", std::process::id()));
    /// let recorder = Recorder::new(Upstream::Url(upstream.uri()), &dir, &FixtureStore::embedded()).unwrap();
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let proxy = FakeBedrock::start_recording_on(listener, FakeConfig::default(), recorder).await.unwrap();
    ///
    /// // Act
    /// let body = serde_json::json!({"prompt": "<s>[INST] Hi [/INST]"});
    /// let answer = Invoker::new(proxy.client()).invoke_raw("mistral.mistral-7b-instruct-v0:2", &body).await.unwrap();
    ///
    /// // Assert
    /// assert!(answer["outputs"].is_array());
    /// assert!(dir.join("mistral/responses/mistral.mistral-7b-instruct-v0_2.json").is_file());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # });
    /// ```
    pub async fn start_recording_on(
        listener: std::net::TcpListener,
        config: FakeConfig,
        recorder: Recorder,
    ) -> Result<FakeBedrock, Error> {
        Self::start_own(listener, config, Some(Arc::new(recorder)), None).await
    }

    /// Starts the harness's own server on `listener`, recording through
    /// `recorder` and over TLS with `tls` when given.
    pub async fn start_serving(
        listener: std::net::TcpListener,
        config: FakeConfig,
        recorder: Option<Recorder>,
        tls: Option<TlsIdentity>,
    ) -> Result<FakeBedrock, Error> {
        Self::start_own(listener, config, recorder.map(Arc::new), tls).await
    }

    async fn start_own(
        listener: std::net::TcpListener,
        config: FakeConfig,
        recorder: Option<Arc<Recorder>>,
        tls: Option<TlsIdentity>,
    ) -> Result<FakeBedrock, Error> {
        let io = |source| Error::Io {
            path: "the listening socket".into(),
            source,
        };
        listener.set_nonblocking(true).map_err(io)?;
        let addr = listener.local_addr().map_err(io)?;
        let listener = tokio::net::TcpListener::from_std(listener).map_err(io)?;
        let state = Arc::new(FakeState::new(config)?);
        let (stop, receiver) = tokio::sync::watch::channel(None);
        let scheme = if tls.is_some() { "https" } else { "http" };
        let acceptor = tls.map(|tls| tls.acceptor());
        let serving = server::serve(listener, state.clone(), recorder, acceptor, receiver);
        let server = Some(tokio::spawn(serving));
        Ok(FakeBedrock {
            transport: Transport::Own {
                uri: format!("{scheme}://{addr}"),
                stop,
                server,
            },
            state,
        })
    }

    async fn serve(
        builder: wiremock::MockServerBuilder,
        config: FakeConfig,
    ) -> Result<FakeBedrock, Error> {
        let state = Arc::new(FakeState::new(config)?);
        let server = builder.start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(FakeResponder(state.clone()))
            .mount(&server)
            .await;
        Ok(FakeBedrock {
            transport: Transport::Wiremock(server),
            state,
        })
    }

    /// Stops the fake as a server should: it stops accepting, lets the calls
    /// in flight finish within `grace`, then closes. Returns how many
    /// connections were still busy when the grace ran out, and were cut (0
    /// for a fake behind wiremock, which stops at once).
    ///
    /// # Example
    ///
    /// ```
    /// use bedrock_harness::fake::FakeBedrock;
    /// use std::time::Duration;
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let fake = FakeBedrock::start().await;
    /// assert_eq!(fake.shutdown(Duration::from_secs(1)).await, 0);
    /// # });
    /// ```
    pub async fn shutdown(mut self, grace: std::time::Duration) -> usize {
        let Transport::Own { stop, server, .. } = &mut self.transport else {
            return 0;
        };
        let _ = stop.send(Some(grace));
        match server.take() {
            Some(server) => server.await.unwrap_or_default(),
            None => 0,
        }
    }

    /// The fake's base URL, e.g. `http://127.0.0.1:34567`.
    pub fn uri(&self) -> String {
        match &self.transport {
            Transport::Wiremock(server) => server.uri(),
            Transport::Own { uri, .. } => uri.clone(),
        }
    }

    /// An SDK client pointed at the fake, with static test credentials.
    pub fn client(&self) -> aws_sdk_bedrockruntime::Client {
        crate::invoke::endpoint_client(&self.uri())
    }

    /// The shared state: rules, journal, the request handler.
    pub fn state(&self) -> &Arc<FakeState> {
        &self.state
    }

    /// Adds a rule.
    pub fn rule(&self, rule: Rule) {
        self.state.add_rule(rule);
    }

    /// The calls received, oldest first (the last `journal_capacity`).
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.state.journal()
    }

    /// Forgets rules and calls.
    pub fn reset(&self) {
        self.state.reset();
    }
}
