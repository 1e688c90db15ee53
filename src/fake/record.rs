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
use super::rules::Operation;
use super::scrub;
use crate::catalog::Catalog;
use crate::error::Error;
use crate::eventstream::{Frame, FrameDecoder};
use crate::fake::recording_name;
use crate::fixtures::FixtureStore;
use crate::model_id::ModelId;
use crate::recording::{RecordedError, Recording};
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
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The SigV4 signing name of Bedrock Runtime.
const SIGNING_NAME: &str = "bedrock";

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
    /// `headers` for a call of `method` to `url` with `body`.
    async fn sign(
        &self,
        method: &str,
        url: &str,
        headers: &mut Vec<(String, String)>,
        body: &[u8],
    ) -> Result<(), Error> {
        let signing = |e: &dyn std::fmt::Display| Error::Transport(format!("signing: {e}"));
        let credentials: Credentials = self
            .credentials
            .provide_credentials()
            .await
            .map_err(|e| signing(&e))?;
        let identity = credentials.into();
        let host = url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default()
            .to_string();
        headers.push(("host".into(), host));
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(SIGNING_NAME)
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
        Ok(())
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
    writing: tokio::sync::Mutex<()>,
}

/// What one answer adds to a recording.
enum Entry {
    Invoke(Value),
    Stream(Vec<Value>),
    Error(RecordedError),
}

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
            writing: tokio::sync::Mutex::new(()),
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
    /// cannot be reached is a 503 `ServiceUnavailableException`; a
    /// recording that cannot be written is logged and the answer still
    /// returned.
    pub async fn forward(&self, req: &FakeRequest) -> FakeResponse {
        let response = match self.call(req).await {
            Ok(response) => response,
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
        match self.record(req, &response).await {
            Ok(Some(path)) => tracing::info!(path = %path.display(), "recorded"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, path = %req.path, "the answer was not recorded"),
        }
        response
    }

    async fn call(&self, req: &FakeRequest) -> Result<FakeResponse, Error> {
        let transport = |e: &dyn std::fmt::Display| Error::Transport(e.to_string());
        let url = format!("{}{}", self.upstream.endpoint(), req.path);
        let mut headers: Vec<(String, String)> = match &self.upstream {
            Upstream::Url(_) => req
                .headers
                .iter()
                .filter(|(n, _)| !HOP_BY_HOP.contains(&n.as_str()))
                .cloned()
                .collect(),
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
                aws.sign(&req.method, &url, &mut headers, &req.body).await?;
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
        Ok(FakeResponse {
            status,
            headers,
            body,
            delay: None,
            pacing: None,
        })
    }

    /// Writes what `response` adds to its model's recording; `None` when
    /// the call is not one that is recorded.
    async fn record(
        &self,
        req: &FakeRequest,
        response: &FakeResponse,
    ) -> Result<Option<PathBuf>, Error> {
        let segments: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
        let ["model", label, op] = segments[..] else {
            return Ok(None);
        };
        let operation = match Operation::from_segment(op) {
            Some(op @ (Operation::Invoke | Operation::InvokeWithResponseStream)) => op,
            _ => {
                tracing::info!(path = %req.path, "forwarded, not recorded");
                return Ok(None);
            }
        };
        let Some(resolved) = ModelId::from_path_label(label)
            .ok()
            .and_then(|id| self.catalog.resolve(&id).ok())
        else {
            tracing::info!(path = %req.path, "a model the catalog does not know: not recorded");
            return Ok(None);
        };
        let Some(entry) = entry(operation, response)? else {
            return Ok(None);
        };
        let path = self
            .dir
            .join(resolved.family.name())
            .join("responses")
            .join(format!("{}.json", recording_name(&resolved.model.id)));
        self.write(&path, entry).await?;
        Ok(Some(path))
    }

    async fn write(&self, path: &Path, entry: Entry) -> Result<(), Error> {
        let io = |source| Error::Io {
            path: path.display().to_string(),
            source,
        };
        let _one_at_a_time = self.writing.lock().await;
        let mut recording: Recording = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
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
        recording.source = Some(json!(format!(
            "Recorded by bedrock-harness serve --record-to from {}; request ids, account ids, authorization data and dates scrubbed.",
            self.upstream.describe()
        )));
        let text =
            serde_json::to_string_pretty(&recording).map_err(|e| io(std::io::Error::other(e)))?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let partial = path.with_extension("json.partial");
        std::fs::write(&partial, text + "\n").map_err(io)?;
        std::fs::rename(&partial, path).map_err(io)
    }
}

/// What an answer of `operation` adds to a recording, scrubbed; `None`
/// for answers that are not recorded.
fn entry(operation: Operation, response: &FakeResponse) -> Result<Option<Entry>, Error> {
    if response.status != 200 {
        return Ok(error_entry(response).map(Entry::Error));
    }
    if operation == Operation::Invoke {
        let mut body: Value =
            serde_json::from_slice(&response.body).map_err(|e| Error::Fixture {
                path: "the upstream's InvokeModel answer".into(),
                reason: format!("not JSON: {e}"),
            })?;
        scrub::value(&mut body);
        return Ok(Some(Entry::Invoke(body)));
    }
    let mut decoder = FrameDecoder::new();
    let mut chunks = Vec::new();
    for frame in decoder.feed(&response.body)? {
        match frame {
            Frame::Chunk(bytes) => {
                let mut chunk = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                    Value::String(String::from_utf8_lossy(&bytes).into_owned())
                });
                scrub::value(&mut chunk);
                chunks.push(chunk);
            }
            Frame::Event { .. } => {}
            Frame::Exception { exception_type, .. } => {
                tracing::info!(%exception_type, "a stream that ends in an exception: not recorded");
                return Ok(None);
            }
            Frame::Error { code, .. } => {
                tracing::info!(%code, "a stream that ends in an error: not recorded");
                return Ok(None);
            }
        }
    }
    if decoder.has_partial_frame() {
        return Err(Error::EventStream(
            "the upstream's stream ended inside a frame".into(),
        ));
    }
    Ok(Some(Entry::Stream(chunks)))
}

/// The recorded form of an error answer: `{"status", "name", "message",
/// "extra"?}`; `None` for a ValidationException.
fn error_entry(response: &FakeResponse) -> Option<RecordedError> {
    let body: Map<String, Value> = serde_json::from_slice(&response.body).unwrap_or_default();
    let from_header = response
        .header("x-amzn-errortype")
        .map(|t| t.split(':').next().unwrap_or(t).to_string());
    let from_body = || {
        ["__type", "code", "Code"]
            .iter()
            .find_map(|k| body.get(*k).and_then(Value::as_str))
            .map(|t| t.rsplit('#').next().unwrap_or(t).to_string())
    };
    let name = from_header
        .or_else(from_body)
        .unwrap_or_else(|| format!("HTTP{}", response.status));
    if name == "ValidationException" {
        tracing::info!("a ValidationException: forwarded, not recorded");
        return None;
    }
    let message = ["message", "Message"]
        .iter()
        .find_map(|k| body.get(*k).and_then(Value::as_str))
        .unwrap_or_default();
    let mut extra: Map<String, Value> = body
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "message" | "Message" | "__type" | "code" | "Code"
            )
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for value in extra.values_mut() {
        scrub::value(value);
    }
    Some(RecordedError {
        status: response.status,
        name,
        message: scrub::message(message),
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, error_type: Option<&str>, body: Value) -> FakeResponse {
        let mut r = FakeResponse::json(status, &body);
        if let Some(t) = error_type {
            r = r.with_header("x-amzn-ErrorType", t);
        }
        r
    }

    #[test]
    fn errors_keep_status_name_message_and_extra_members_scrubbed() {
        let r = response(
            403,
            Some("AccessDeniedException:http://internal.amazon.com/coral/com.amazon.bedrock/"),
            json!({"message": "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized"}),
        );
        assert_eq!(
            serde_json::to_value(error_entry(&r).unwrap()).unwrap(),
            json!({"status": 403, "name": "AccessDeniedException", "message": "User: arn:aws:sts::000000000000:assumed-role/r/s is not authorized"})
        );
        let r = response(
            424,
            None,
            json!({"__type": "com.amazon#ModelErrorException", "message": "boom", "originalStatusCode": 500, "resourceName": "arn:aws:bedrock:us-east-1:123456789012:x"}),
        );
        assert_eq!(
            serde_json::to_value(error_entry(&r).unwrap()).unwrap(),
            json!({"status": 424, "name": "ModelErrorException", "message": "boom",
                   "extra": {"originalStatusCode": 500, "resourceName": "arn:aws:bedrock:us-east-1:000000000000:x"}})
        );
    }

    #[test]
    fn validation_errors_are_not_recorded() {
        let r = response(
            400,
            Some("ValidationException:x"),
            json!({"message": "Malformed input request: #: required key [inputText] not found, please reformat your input and try again."}),
        );
        assert!(error_entry(&r).is_none());
    }

    #[test]
    fn streams_are_recorded_as_decoded_chunks_unless_they_end_in_an_exception() {
        use crate::eventstream::{chunk_message, encode, exception_message};
        let mut body = encode(&chunk_message(br#"{"a":1,"requestId":"x"}"#, "pad")).unwrap();
        body.extend(encode(&chunk_message(b"[DONE]", "p")).unwrap());
        let ok = FakeResponse {
            status: 200,
            body: body.clone(),
            ..Default::default()
        };
        let Some(Entry::Stream(chunks)) = entry(Operation::InvokeWithResponseStream, &ok).unwrap()
        else {
            panic!("not a stream entry")
        };
        assert_eq!(
            chunks,
            vec![
                json!({"a": 1, "requestId": scrub::ZERO_REQUEST_ID}),
                json!("[DONE]")
            ]
        );

        body.extend(encode(&exception_message("modelStreamErrorException", &b"{}"[..])).unwrap());
        let failed = FakeResponse {
            status: 200,
            body,
            ..Default::default()
        };
        assert!(entry(Operation::InvokeWithResponseStream, &failed)
            .unwrap()
            .is_none());

        let cut = FakeResponse {
            status: 200,
            body: ok.body[..ok.body.len() - 3].to_vec(),
            ..Default::default()
        };
        assert!(entry(Operation::InvokeWithResponseStream, &cut).is_err());
    }

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
