//! The fake's engine state: its configuration, its catalog and fixtures,
//! its rules and its journal, shared by every call whatever the transport.

use super::journal::{Journal, DEFAULT_JOURNAL_CAPACITY};
use super::rules::{Rule, RuleBook};
use super::{FakeRequest, FakeResponse, JournalEntry, SigV4Credentials};
use crate::catalog::Catalog;
use crate::error::Error;
use crate::fixtures::FixtureStore;
use crate::lifecycle::Date;
use crate::schema::SchemaValidator;
use std::collections::HashSet;
use std::sync::Mutex;

/// How a fake is set up.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// Where fixtures come from.
    pub fixtures: FixtureStore,
    /// Calls kept in the journal.
    pub journal_capacity: usize,
    /// Refuse calls without an `Authorization` header (as AWS does).
    pub require_auth: bool,
    /// Check SigV4 signatures against these credentials. A bearer token
    /// then passes only when it is one of [`api_keys`](Self::api_keys).
    pub sigv4: Option<SigV4Credentials>,
    /// The Bedrock API keys accepted as `Authorization: Bearer` tokens;
    /// empty accepts any token (unless SigV4 is checked).
    pub api_keys: Vec<String>,
    /// With [`FakeBedrock::start_wiremock`], let wiremock keep every
    /// request too (costs memory; off by default).
    pub wiremock_recording: bool,
    /// Serve end-of-life models instead of refusing them as Bedrock does,
    /// for testing code that still targets them.
    pub serve_end_of_life: bool,
    /// The day lifecycle dates are read against; `None` is today (UTC) at
    /// each call. Pin it for runs that must not change when a date passes.
    pub as_of: Option<Date>,
    /// The region the fake stands for: it decides which models need an
    /// inference profile.
    pub region: String,
    /// Bounds on the connections of the harness's own server.
    pub limits: super::ConnectionLimits,
    /// When set, every call to the control API over HTTP needs
    /// `Authorization: Bearer` this token (the in-process methods of
    /// [`FakeBedrock`](super::FakeBedrock) need none).
    pub control_token: Option<String>,
    /// Host names, besides `localhost` and IP addresses, under which the
    /// control API answers (a container's service name, say).
    pub control_hosts: Vec<String>,
    /// Mixed into every id the fake makes (message, tool-use and request
    /// ids): two fakes with the same seed answer the same sequence of calls
    /// with the same ids; another seed gives other ids.
    pub seed: u64,
    /// When the fake calls a tool the model may choose (see
    /// [`ToolPolicy`](super::ToolPolicy)); `Auto` lets an agent loop run
    /// without rules.
    pub tool_policy: super::ToolPolicy,
    /// The guardrails ApplyGuardrail, Converse's `guardrailConfig` and
    /// InvokeModel's guardrail headers may name.
    pub guardrails: Vec<super::Guardrail>,
    /// The scripted scores of InvokeGuardrailChecks' content filter and
    /// prompt attack categories (every other category scores 0.0).
    pub check_scores: Vec<super::CheckScore>,
    /// How long an asynchronous invocation stays `InProgress`.
    pub async_duration: std::time::Duration,
    /// Where asynchronous invocations write their output: `s3://bucket/key`
    /// is `s3_dir/bucket/key`. `None` writes nothing (the jobs still
    /// complete).
    pub s3_dir: Option<std::path::PathBuf>,
    /// How long answers take: at once, or as Bedrock's published latencies
    /// say (`fixtures/latency.json`, see [`LatencyProfile`](super::LatencyProfile)).
    pub latency: super::LatencyMode,
    /// The endpoint the fake stands for: bedrock-runtime (its operations,
    /// with the compatible APIs beside them), or bedrock-mantle (only the
    /// Chat Completions, Responses, models list and Messages APIs, its
    /// models by their Mantle ids).
    pub endpoint: crate::Endpoint,
}

/// How long an asynchronous invocation runs unless told otherwise.
pub const DEFAULT_ASYNC_DURATION: std::time::Duration = std::time::Duration::from_secs(1);

/// The region a fake stands for unless told otherwise.
pub const DEFAULT_REGION: &str = "us-east-1";

impl FakeConfig {
    /// The day lifecycle dates are read against now.
    pub fn today(&self) -> Date {
        self.as_of.unwrap_or_else(crate::lifecycle::today)
    }
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            fixtures: FixtureStore::embedded(),
            journal_capacity: DEFAULT_JOURNAL_CAPACITY,
            require_auth: true,
            sigv4: None,
            api_keys: Vec::new(),
            wiremock_recording: false,
            serve_end_of_life: false,
            as_of: None,
            region: DEFAULT_REGION.to_string(),
            limits: super::ConnectionLimits::default(),
            control_token: None,
            control_hosts: Vec::new(),
            seed: 0,
            tool_policy: super::ToolPolicy::Auto,
            guardrails: Vec::new(),
            check_scores: Vec::new(),
            async_duration: DEFAULT_ASYNC_DURATION,
            s3_dir: None,
            latency: super::LatencyMode::Fast,
            endpoint: crate::Endpoint::Runtime,
        }
    }
}

/// The fake's state, shared by every call.
#[derive(Debug)]
pub struct FakeState {
    pub(super) config: FakeConfig,
    pub(super) catalog: Catalog,
    pub(super) validator: SchemaValidator,
    pub(super) recordings: super::answer::Recordings,
    pub(super) rules: Mutex<RuleBook>,
    pub(super) journal: Mutex<Journal>,
    pub(super) legacy_warned: Mutex<HashSet<String>>,
    /// Calls answered so far: each call's ids mix in its number, so two
    /// calls never share an id.
    pub(super) calls: std::sync::atomic::AtomicU64,
    /// The asynchronous invocations started.
    pub(super) async_jobs: Mutex<super::async_jobs::AsyncJobs>,
    /// The prompt prefixes cached by `cachePoint` blocks.
    pub(super) prompt_cache: Mutex<super::prompt_cache::PromptCache>,
    /// The published latencies `--latency realistic` answers with.
    pub(super) latency: super::LatencyProfile,
}

impl FakeState {
    /// State for `config`; fails when the fixtures' catalog is malformed.
    pub fn new(config: FakeConfig) -> Result<Self, Error> {
        for score in &config.check_scores {
            score.check().map_err(|reason| Error::Fixture {
                path: "FakeConfig::check_scores".into(),
                reason,
            })?;
        }
        for guardrail in &config.guardrails {
            guardrail.check().map_err(|reason| Error::Fixture {
                path: "FakeConfig::guardrails".into(),
                reason,
            })?;
        }
        let store = config.fixtures.clone();
        let store_for_latency = store.clone();
        Ok(FakeState {
            catalog: Catalog::load(&store)?,
            validator: SchemaValidator::new(store.clone()),
            recordings: {
                let recordings = super::answer::Recordings::new(store);
                recordings.check()?;
                recordings
            },
            journal: Mutex::new(Journal::new(config.journal_capacity)),
            rules: Mutex::new(RuleBook::default()),
            legacy_warned: Mutex::new(HashSet::new()),
            calls: std::sync::atomic::AtomicU64::new(0),
            async_jobs: Mutex::new(Default::default()),
            prompt_cache: Mutex::new(Default::default()),
            latency: super::LatencyProfile::load(&store_for_latency)?,
            config,
        })
    }

    /// Answers one request: the fake's whole logic, with no transport.
    ///
    /// ```
    /// use bedrock_harness::fake::{FakeConfig, FakeRequest, FakeState};
    ///
    /// let state = FakeState::new(FakeConfig::default()).unwrap();
    /// let req = FakeRequest::post("/model/amazon.titan-embed-text-v2:0/invoke", br#"{"inputText":"Hi"}"#.to_vec());
    ///
    /// let resp = state.handle(&req);
    ///
    /// assert_eq!(resp.status, 200);
    /// assert!(resp.header("x-amzn-RequestId").is_some());
    /// ```
    pub fn handle(&self, req: &FakeRequest) -> FakeResponse {
        super::handler::handle(self, req)
    }

    /// The seed of the next call's ids: its request, its number among the
    /// fake's calls and the configured seed.
    pub(crate) fn call_seed(&self, parts: &[&[u8]]) -> u64 {
        let number = self
            .calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let request = super::ids::stable_hash(parts);
        super::ids::stable_hash(&[
            &request.to_be_bytes(),
            &number.to_be_bytes(),
            &self.config.seed.to_be_bytes(),
        ])
    }

    /// Whether this is the first call to Legacy model `id`, whose warning
    /// is logged once.
    pub(crate) fn first_legacy_call(&self, id: &str) -> bool {
        self.legacy_warned
            .lock()
            .map(|mut seen| seen.insert(id.to_string()))
            .unwrap_or(false)
    }

    /// Adds a rule. A rule that names a model it cannot answer (a
    /// tool call from a family whose answers carry none) is kept, and
    /// logged; the calls it matches are refused with the reason.
    pub fn add_rule(&self, rule: Rule) {
        if let Err(why) = super::rule_fit::check_rule(&self.catalog, &rule) {
            tracing::warn!("{why}");
        }
        if let Ok(mut book) = self.rules.lock() {
            book.add(rule);
        }
    }

    /// The rules, with their remaining counts.
    pub fn rules(&self) -> Vec<Rule> {
        self.rules.lock().map(|b| b.list()).unwrap_or_default()
    }

    /// The calls received, oldest first.
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.journal.lock().map(|j| j.entries()).unwrap_or_default()
    }

    /// Notes on the call `seq` of the journal what happened after its
    /// answer began (a client that went away mid-stream).
    pub(crate) fn note_call(&self, seq: u64, note: &str) {
        if let Ok(mut journal) = self.journal.lock() {
            journal.annotate(seq, note);
        }
    }

    /// Journals a call that record mode forwarded, with the upstream's
    /// status and error name.
    pub(crate) fn journal_forwarded(&self, req: &FakeRequest, response: &FakeResponse) {
        let segments: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
        let (operation, model) = match segments[..] {
            ["model", label, op] => (
                super::rules::Operation::from_segment(op),
                crate::model_id::ModelId::from_path_label(label)
                    .ok()
                    .map(|id| id.as_str().to_string()),
            ),
            _ => (None, None),
        };
        let error = response
            .header("x-amzn-errortype")
            .map(|t| t.split(':').next().unwrap_or(t).to_string());
        let call = super::journal::CallRecord {
            operation,
            model,
            status: response.status,
            error,
            note: Some("forwarded to the upstream (record mode)".into()),
            authenticated: true,
        };
        if let Ok(mut journal) = self.journal.lock() {
            journal.record(call, &req.body);
        }
    }

    /// Forgets rules and calls.
    pub fn reset(&self) {
        if let Ok(mut book) = self.rules.lock() {
            book.clear();
        }
        if let Ok(mut journal) = self.journal.lock() {
            journal.clear();
        }
    }
}
