//! Record mode: each call is forwarded to an upstream Bedrock Runtime (real
//! Bedrock, re-signed with the user's own credentials, or any URL), the
//! upstream's answer goes back to the client unchanged, and InvokeModel and
//! InvokeModelWithResponseStream answers are written as fixtures in the
//! layout `serve --fixtures DIR` reads:
//! `DIR/<family>/responses/<recording_name(model id)>.json`.
//!
//! A recording keeps the last answer of each kind: `invoke` (the body),
//! `stream` (each chunk's decoded JSON) and `error` (`status`, `name`,
//! `message`, `extra`); a success clears a recorded error. Request ids,
//! account ids, authorization data and dates are scrubbed. Not recorded:
//! Converse, ConverseStream and CountTokens calls (they are forwarded),
//! ValidationExceptions (they depend on the request, and the replaying
//! fake produces them from its schemas), streams that end in an exception
//! frame, and calls of models the catalog does not know.

use super::errors::BedrockError;
use super::http::{FakeRequest, FakeResponse};
use super::record_entry::{compatible_call, compatible_entry, entry, Entry};
use super::rules::Operation;
use super::scrub::{self, Scrubber};
use crate::catalog::Catalog;
use crate::error::Error;
use crate::fixtures::FixtureStore;
use crate::model_id::ModelId;
use crate::recording::Recording;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
use aws_smithy_http_client::Connector;
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use http_body_util::BodyExt;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The SigV4 signing name of Bedrock Runtime.
const SIGNING_NAME: &str = "bedrock";

/// The service bedrock-mantle's calls are signed for.
const MANTLE_SIGNING_NAME: &str = super::sigv4::MANTLE_SERVICE;

/// Headers that belong to one connection, never forwarded.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
];

/// Where recorded calls go.
#[derive(Debug, Clone)]
pub enum Upstream {
    /// Real Bedrock Runtime; each call is signed again with the user's
    /// credentials.
    Aws(AwsUpstream),
    /// Any Bedrock-compatible endpoint (another fake, a proxy); calls are
    /// forwarded with the client's own headers.
    Url(String),
}

impl Upstream {
    /// `aws` for real Bedrock from the environment (see
    /// [`AwsUpstream::from_env`]), or an `http://`/`https://` URL.
    ///
    /// ```
    /// use bedrock_harness::fake::Upstream;
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let url = Upstream::parse("http://127.0.0.1:4599").await.unwrap();
    /// assert_eq!(url.endpoint(), "http://127.0.0.1:4599");
    /// assert!(Upstream::parse("ftp://nope").await.is_err());
    /// # });
    /// ```
    pub async fn parse(text: &str) -> Result<Upstream, Error> {
        if text == "aws" {
            return Ok(Upstream::Aws(AwsUpstream::from_env().await?));
        }
        if text.starts_with("http://") || text.starts_with("https://") {
            return Ok(Upstream::Url(text.trim_end_matches('/').to_string()));
        }
        Err(Error::Transport(format!(
            "--upstream {text}: expected `aws` or an http:// or https:// URL"
        )))
    }

    /// The base URL calls go to.
    pub fn endpoint(&self) -> &str {
        match self {
            Upstream::Aws(aws) => &aws.endpoint,
            Upstream::Url(url) => url,
        }
    }

    /// The upstream in words, for the recordings' `source`.
    fn describe(&self) -> String {
        match self {
            Upstream::Aws(aws) => format!("Amazon Bedrock Runtime ({})", aws.region),
            Upstream::Url(url) => url.clone(),
        }
    }
}

/// Real Bedrock Runtime: its endpoint, region and the credentials calls are
/// signed with (SigV4, signing name `bedrock`).
#[derive(Debug, Clone)]
pub struct AwsUpstream {
    endpoint: String,
    region: String,
    credentials: SharedCredentialsProvider,
}

impl AwsUpstream {
    /// `https://bedrock-runtime.{region}.amazonaws.com` with the region and
    /// credentials of `aws-config`'s default chain (`AWS_REGION`,
    /// environment, profile, SSO, IMDS...).
    pub async fn from_env() -> Result<AwsUpstream, Error> {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let region = config.region().ok_or_else(|| {
            Error::Transport("no AWS region: set AWS_REGION to record from Bedrock".into())
        })?;
        let credentials = config.credentials_provider().ok_or_else(|| {
            Error::Transport("no AWS credentials provider in the default chain".into())
        })?;
        Ok(AwsUpstream {
            endpoint: format!("https://bedrock-runtime.{region}.amazonaws.com"),
            region: region.to_string(),
            credentials,
        })
    }

    /// An upstream at `endpoint` signed for `region` with `credentials`:
    /// for Bedrock-compatible endpoints that check SigV4.
    ///
    /// ```
    /// use aws_credential_types::Credentials;
    /// use bedrock_harness::fake::AwsUpstream;
    ///
    /// let creds = Credentials::new("AKID", "secret", None, None, "example");
    /// let upstream = AwsUpstream::new("http://127.0.0.1:4599", "us-east-1", creds);
    /// assert_eq!(upstream.region(), "us-east-1");
    /// ```
    pub fn new(
        endpoint: impl Into<String>,
        region: impl Into<String>,
        credentials: impl ProvideCredentials + 'static,
    ) -> AwsUpstream {
        AwsUpstream {
            endpoint: endpoint.into().trim_end_matches('/').to_string(),
            region: region.into(),
            credentials: SharedCredentialsProvider::new(credentials),
        }
    }

    /// The region calls are signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Adds `host`, `x-amz-date`, `authorization` (and a session token) to
    /// `headers` for a call of `method` to `url` with `body`; returns the
    /// credentials it signed with.
    async fn sign(
        &self,
        method: &str,
        url: &str,
        headers: &mut Vec<(String, String)>,
        body: &[u8],
    ) -> Result<Credentials, Error> {
        let signing = |e: &dyn std::fmt::Display| Error::Transport(format!("signing: {e}"));
        let credentials: Credentials = self
            .credentials
            .provide_credentials()
            .await
            .map_err(|e| signing(&e))?;
        let identity = credentials.clone().into();
        let host = url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default()
            .to_string();
        // bedrock-mantle signs for its own service name.
        let name = match host.starts_with("bedrock-mantle.") {
            true => MANTLE_SIGNING_NAME,
            false => SIGNING_NAME,
        };
        headers.push(("host".into(), host));
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(name)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| signing(&e))?
            .into();
        let signable = SignableRequest::new(
            method,
            url,
            headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            SignableBody::Bytes(body),
        )
        .map_err(|e| signing(&e))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| signing(&e))?
            .into_parts();
        for (name, value) in instructions.headers() {
            headers.push((name.to_string(), value.to_string()));
        }
        Ok(credentials)
    }
}

/// Forwards calls to an [`Upstream`] and records the answers under a
/// directory.
///
/// # Example
///
/// ```
/// use bedrock_harness::fake::{FakeBedrock, FakeRequest, Recorder, Upstream};
/// use bedrock_harness::FixtureStore;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// // Arrange: a fake as the upstream, a directory to record into.
/// let upstream = FakeBedrock::start().await;
/// let dir = std::env::temp_dir().join(format!("bh-record-doc-{}", std::process::id()));
/// let recorder = Recorder::new(Upstream::Url(upstream.uri()), &dir, &FixtureStore::embedded()).unwrap();
///
/// // Act
/// let answer = recorder
///     .forward(&FakeRequest::post("/model/mistral.mistral-7b-instruct-v0:2/invoke", br#"{"prompt":"<s>[INST] Hi [/INST]"}"#.to_vec()))
///     .await;
///
/// // Assert
/// assert_eq!(answer.status, 200);
/// let recording = std::fs::read_to_string(dir.join("mistral/responses/mistral.mistral-7b-instruct-v0_2.json")).unwrap();
/// assert!(recording.contains("\"invoke\""));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # });
/// ```
#[derive(Debug)]
pub struct Recorder {
    upstream: Upstream,
    dir: PathBuf,
    catalog: Catalog,
    connector: Connector,
    /// This recorder's mark in [`FORWARDED_BY`], to see its own calls come
    /// back.
    mark: String,
}

/// The header a recorder adds to what it forwards to a URL upstream,
/// listing the recorders a call went through: a call that arrives with
/// this recorder's mark has come round in a loop.
pub const FORWARDED_BY: &str = "x-bedrock-harness-forwarded-by";

impl Recorder {
    /// A recorder forwarding to `upstream` and writing under `dir` (created
    /// when missing); model ids resolve through the catalog of `fixtures`.
    pub fn new(
        upstream: Upstream,
        dir: impl Into<PathBuf>,
        fixtures: &FixtureStore,
    ) -> Result<Recorder, Error> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let connector = Connector::builder()
            .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
            .pool_idle_timeout(Duration::from_secs(30))
            .build();
        Ok(Recorder {
            upstream,
            dir,
            catalog: Catalog::load(fixtures)?,
            connector,
            mark: super::random_token(8)?,
        })
    }

    /// The directory recordings are written under.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The upstream calls go to.
    pub fn upstream(&self) -> &Upstream {
        &self.upstream
    }

    /// Forwards `req` to the upstream and returns its answer unchanged
    /// (bar connection headers), after recording it. An upstream that
    /// cannot be reached is a 503 `ServiceUnavailableException`; a call
    /// that has come back to this recorder (its upstream leads here) is a
    /// 400 and is not forwarded again; an answer that cannot be recorded (a
    /// full or unwritable directory) is a 507 naming the file, and is
    /// logged, so a recording run never passes with recordings missing.
    pub async fn forward(&self, req: &FakeRequest) -> FakeResponse {
        if let Some(chain) = req.header(FORWARDED_BY) {
            if chain.split(',').any(|m| m.trim() == self.mark) {
                tracing::warn!(upstream = %self.upstream.endpoint(), "record mode: a call came back to this recorder; not forwarded");
                return BedrockError::validation(format!(
                    "bedrock-harness: record mode loop: the upstream {} sent this call back to the recorder that forwarded it; point --upstream at another endpoint",
                    self.upstream.endpoint()
                ))
                .to_response(scrub::ZERO_REQUEST_ID);
            }
        }
        let (response, scrubber) = match self.call(req).await {
            Ok(answered) => answered,
            Err(e) => {
                return BedrockError::new(
                    "ServiceUnavailableException",
                    format!(
                        "bedrock-harness: the upstream {} did not answer: {e}",
                        self.upstream.endpoint()
                    ),
                )
                .to_response(scrub::ZERO_REQUEST_ID)
            }
        };
        match self.record(req, &response, scrubber).await {
            Ok(Some(path)) => tracing::info!(path = %path.display(), "recorded"),
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = %e, path = %scrub::text(&req.path), "the answer was not recorded");
                return BedrockError {
                    name: "InternalServerException".into(),
                    status: 507,
                    message: format!("bedrock-harness: the upstream answered, but the answer could not be recorded: {e}"),
                    extra: Default::default(),
                }
                .to_response(scrub::ZERO_REQUEST_ID);
            }
        }
        response
    }

    /// Sends `req` upstream; returns the answer and what to scrub from it
    /// (the credentials the call carried, its request id).
    async fn call(&self, req: &FakeRequest) -> Result<(FakeResponse, Scrubber), Error> {
        let transport = |e: &dyn std::fmt::Display| Error::Transport(e.to_string());
        let url = format!("{}{}", self.upstream.endpoint(), req.path);
        let mut scrubber = Scrubber::default();
        let mut headers: Vec<(String, String)> = match &self.upstream {
            Upstream::Url(_) => {
                scrubber = client_credentials(req, scrubber);
                let chain = match req.header(FORWARDED_BY) {
                    Some(chain) => format!("{chain}, {}", self.mark),
                    None => self.mark.clone(),
                };
                req.headers
                    .iter()
                    .filter(|(n, _)| !HOP_BY_HOP.contains(&n.as_str()) && n != FORWARDED_BY)
                    .cloned()
                    .chain([(FORWARDED_BY.to_string(), chain)])
                    .collect()
            }
            Upstream::Aws(aws) => {
                let mut headers: Vec<(String, String)> = req
                    .headers
                    .iter()
                    .filter(|(n, _)| {
                        matches!(
                            n.as_str(),
                            "content-type" | "accept" | "user-agent" | "x-amz-user-agent"
                        ) || n.starts_with("x-amzn-bedrock-")
                    })
                    .cloned()
                    .collect();
                let credentials = aws.sign(&req.method, &url, &mut headers, &req.body).await?;
                scrubber = scrubber
                    .secret(credentials.access_key_id())
                    .secret(credentials.secret_access_key());
                if let Some(token) = credentials.session_token() {
                    scrubber = scrubber.secret(token);
                }
                headers
            }
        };
        headers.push(("content-length".into(), req.body.len().to_string()));
        let mut request = HttpRequest::new(SdkBody::from(req.body.clone()));
        request.set_method(&req.method).map_err(|e| transport(&e))?;
        request.set_uri(url.as_str()).map_err(|e| transport(&e))?;
        for (name, value) in headers {
            request
                .headers_mut()
                .try_append(name, value)
                .map_err(|e| transport(&e))?;
        }
        let response = self.connector.call(request).await.map_err(|e| {
            use std::error::Error as _;
            let cause = e.source().map(|s| format!(": {s}")).unwrap_or_default();
            Error::Transport(format!("{e}{cause}"))
        })?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter(|(n, _)| !HOP_BY_HOP.contains(&n.to_ascii_lowercase().as_str()))
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| transport(&e))?
            .to_bytes()
            .to_vec();
        let response = FakeResponse {
            status,
            headers,
            body,
            delay: None,
            pacing: None,
        };
        if let Some(id) = response.header("x-amzn-requestid") {
            scrubber = scrubber.request_id(id);
        }
        Ok((response, scrubber))
    }

    /// Writes what `response` adds to its model's recording; `None` when
    /// the call is not one that is recorded.
    async fn record(
        &self,
        req: &FakeRequest,
        response: &FakeResponse,
        scrubber: Scrubber,
    ) -> Result<Option<PathBuf>, Error> {
        if let Some((operation, model)) = compatible_call(&req.path, &req.body) {
            let Some(model) = self.recorded_model(&model) else {
                tracing::info!(path = %scrub::text(&req.path), "a model the catalog does not know: not recorded");
                return Ok(None);
            };
            // Only where the API's answer is the model's own InvokeModel
            // body: not Mantle's Chat Completions for DeepSeek or Palmyra.
            if !matches!(model.family.as_str(), "openai_chat" | "anthropic") {
                tracing::info!(path = %scrub::text(&req.path), "an answer in another model's wire: not recorded");
                return Ok(None);
            }
            let Some(entry) = compatible_entry(operation, response, &scrubber) else {
                return Ok(None);
            };
            let path = self.recording_path(model);
            self.write(&path, entry).await?;
            return Ok(Some(path));
        }
        let segments: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
        let ["model", label, op] = segments[..] else {
            return Ok(None);
        };
        let operation = match Operation::from_segment(op) {
            Some(op @ (Operation::Invoke | Operation::InvokeWithResponseStream)) => op,
            _ => {
                tracing::info!(path = %scrub::text(&req.path), "forwarded, not recorded");
                return Ok(None);
            }
        };
        let Some(resolved) = ModelId::from_path_label(label)
            .ok()
            .and_then(|id| self.catalog.resolve(&id).ok())
        else {
            tracing::info!(path = %scrub::text(&req.path), "a model the catalog does not know: not recorded");
            return Ok(None);
        };
        let Some(entry) = entry(operation, response, &scrubber)? else {
            return Ok(None);
        };
        let path = self.recording_path(resolved.model);
        self.write(&path, entry).await?;
        Ok(Some(path))
    }

    /// Where `model`'s recording goes.
    fn recording_path(&self, model: &crate::ModelInfo) -> PathBuf {
        self.dir.join(crate::fixture_layout::model_recording(
            &model.family,
            &model.id,
        ))
    }

    /// The catalog's model a compatible API's call names: by its
    /// bedrock-runtime id (or inference profile), or by its Mantle id.
    fn recorded_model(&self, named: &str) -> Option<&crate::ModelInfo> {
        if let Some(resolved) = ModelId::parse(named)
            .ok()
            .and_then(|id| self.catalog.resolve(&id).ok())
        {
            return Some(resolved.model);
        }
        self.catalog.by_mantle_id(named)
    }

    async fn write(&self, path: &Path, entry: Entry) -> Result<(), Error> {
        let source = format!(
            "Recorded by bedrock-harness serve --record-to from {}; request ids, account ids, authorization data and dates scrubbed.",
            self.upstream.describe()
        );
        let path = path.to_path_buf();
        let change = move |recording: &mut Recording| {
            match entry {
                Entry::Invoke(body) => {
                    recording.invoke = Some(body);
                    recording.error = None;
                }
                Entry::Stream(chunks) => {
                    recording.stream = Some(chunks);
                    recording.error = None;
                }
                Entry::Error(error) => recording.error = Some(error),
            }
            recording.source = Some(json!(source));
        };
        tokio::task::spawn_blocking(move || super::recording_file::update(&path, change))
            .await
            .map_err(|e| Error::Transport(format!("the recording task failed: {e}")))?
    }
}

/// `scrubber` told the credentials the client sent (forwarded as they
/// are to a URL upstream): its access key id, session token or API key.
fn client_credentials(req: &FakeRequest, mut scrubber: Scrubber) -> Scrubber {
    let authorization = req.header("authorization").unwrap_or_default();
    if let Some(token) = authorization.strip_prefix("Bearer ") {
        scrubber = scrubber.secret(token);
    }
    if let Some(credential) = authorization.split("Credential=").nth(1) {
        let access_key = credential.split('/').next().unwrap_or_default();
        scrubber = scrubber.secret(access_key);
    }
    if let Some(token) = req.header("x-amz-security-token") {
        scrubber = scrubber.secret(token);
    }
    scrubber
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn aws_upstreams_sign_for_bedrock_with_the_given_credentials() {
        let upstream = AwsUpstream::new(
            "https://bedrock-runtime.eu-west-1.amazonaws.com",
            "eu-west-1",
            Credentials::new("AKIDEXAMPLE", "secret", Some("token".into()), None, "test"),
        );
        let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
        upstream
            .sign(
                "POST",
                "https://bedrock-runtime.eu-west-1.amazonaws.com/model/x/invoke",
                &mut headers,
                b"{}",
            )
            .await
            .unwrap();
        let get = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or_else(|| panic!("no {name} in {headers:?}"))
        };
        assert_eq!(get("host"), "bedrock-runtime.eu-west-1.amazonaws.com");
        assert_eq!(get("x-amz-security-token"), "token");
        let authorization = get("authorization");
        assert!(
            authorization.contains("/eu-west-1/bedrock/aws4_request"),
            "{authorization}"
        );
        assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
    }
}
