//! The core invoke layer: portable and native calls through
//! `aws-sdk-bedrockruntime` (InvokeModel, InvokeModelWithResponseStream,
//! Converse, ConverseStream).

mod document;
pub use document::to_document;
mod errors;
mod sdk_converse;

use crate::accumulator::StreamAccumulator;
use crate::catalog::Catalog;
use crate::error::Error;
use crate::family::ModelFamily;
use crate::portable::{PortableRequest, PortableResponse, StreamEvent};
use aws_sdk_bedrockruntime::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_bedrockruntime::operation::invoke_model_with_response_stream::InvokeModelWithResponseStreamOutput;
use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types::ResponseStream;
use aws_sdk_bedrockruntime::Client;
use errors::{from_sdk_error, from_stream_error};
use futures::stream::{self, BoxStream, StreamExt};
use serde_json::Value;
use std::sync::Arc;

/// Sends a JSON body for a model id on an InvokeModel or
/// InvokeModelWithResponseStream builder (two SDK types with the same
/// setters and no trait in common) and awaits the output.
macro_rules! send_json {
    ($builder:expr, $model_id:expr, $body:expr) => {
        $builder
            .model_id($model_id)
            .content_type("application/json")
            .accept("application/json")
            .body(Blob::new($body))
            .send()
            .await
            .map_err(from_sdk_error)
    };
}

/// Sends a portable request's [`sdk_converse::ConverseParts`] for a model
/// id on a Converse or ConverseStream builder (two SDK types with the same
/// setters and no trait in common) and awaits the output; `?` returns the
/// error from the enclosing function.
macro_rules! send_converse {
    ($builder:expr, $model_id:expr, $req:expr) => {{
        let parts = sdk_converse::converse_parts($req)?;
        $builder
            .model_id($model_id)
            .set_messages(Some(parts.messages))
            .set_system(parts.system)
            .set_inference_config(parts.inference)
            .set_tool_config(parts.tools)
            .set_additional_model_request_fields(parts.additional)
            .set_output_config(parts.output)
            .send()
            .await
            .map_err(from_sdk_error)?
    }};
}

/// The region used for endpoint clients when none is given.
pub const DEFAULT_TEST_REGION: &str = "us-east-1";

/// Calls Bedrock Runtime (or the fake) with portable or native requests.
///
/// # Example
///
/// ```no_run
/// use bedrock_harness::{Invoker, PortableRequest};
///
/// # async fn run() -> Result<(), bedrock_harness::Error> {
/// // Arrange: a client for a local endpoint with static test credentials.
/// let invoker = Invoker::for_endpoint("http://127.0.0.1:4599");
///
/// // Act
/// let resp = invoker
///     .invoke("amazon.titan-text-express-v1", &PortableRequest::prompt("Hi").max_tokens(32))
///     .await?;
///
/// // Assert
/// println!("{}", resp.text);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Invoker {
    client: Client,
    /// The catalog model ids resolve in; `None` is the embedded one.
    catalog: Option<Arc<Catalog>>,
}

/// A stream of portable events; ends after the last event or the first error.
pub type EventStream = BoxStream<'static, Result<StreamEvent, Error>>;

impl Invoker {
    /// Wraps an SDK client.
    pub fn new(client: Client) -> Self {
        Self {
            client,
            catalog: None,
        }
    }

    /// Resolves model ids in `catalog` instead of the embedded one, so that
    /// a model added by a fixtures overlay (such as one `models sync`
    /// wrote) is called portably too.
    ///
    /// ```
    /// use bedrock_harness::{Catalog, FixtureStore, Invoker, PortableRequest};
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// // Arrange: an overlay that adds a Titan Embeddings model under a new id.
    /// let dir = std::env::temp_dir().join(format!("bh-invoker-catalog-{}", std::process::id()));
    /// std::fs::create_dir_all(dir.join("titan_embed")).unwrap();
    /// let models = r#"{"models": [{"id": "amazon.titan-embed-text-v9:0", "name": "Titan Embeddings v9",
    ///     "output": "embedding", "streaming": false, "converse": {"converse": false, "system": false,
    ///     "tools": false, "streaming_tools": false, "images": false, "documents": false},
    ///     "embedding_dimensions": 1024, "source": "an example"}]}"#;
    /// std::fs::write(dir.join("titan_embed/models.json"), models).unwrap();
    /// let store = FixtureStore::with_overlay(&dir).unwrap();
    /// let config = bedrock_harness::fake::FakeConfig { fixtures: store.clone(), ..Default::default() };
    /// let fake = bedrock_harness::fake::FakeBedrock::start_with(config).await.unwrap();
    ///
    /// // Act
    /// let invoker = Invoker::new(fake.client()).with_catalog(Catalog::load(&store).unwrap());
    /// let resp = invoker.invoke("amazon.titan-embed-text-v9:0", &PortableRequest::prompt("Hi")).await;
    ///
    /// // Assert
    /// assert!(!resp.unwrap().embeddings[0].is_empty());
    /// let embedded = Invoker::new(fake.client()).invoke("amazon.titan-embed-text-v9:0", &PortableRequest::prompt("Hi")).await;
    /// assert_eq!(embedded.unwrap_err().to_string(), "The provided model identifier is invalid.");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # });
    /// ```
    pub fn with_catalog(mut self, catalog: Catalog) -> Self {
        self.catalog = Some(Arc::new(catalog));
        self
    }

    /// The catalog model ids resolve in.
    pub fn catalog(&self) -> &Catalog {
        self.catalog
            .as_deref()
            .unwrap_or_else(|| Catalog::embedded())
    }

    /// The family of `model_id` and the native body it builds for `req`.
    fn native_body(
        &self,
        model_id: &str,
        req: &PortableRequest,
    ) -> Result<(&'static dyn ModelFamily, Vec<u8>), Error> {
        let resolved = self.catalog().resolve_str(model_id)?;
        let body = resolved.family.build_bytes(req, resolved.model)?;
        Ok((resolved.family, body))
    }

    /// A client from `aws-config`'s default chain (environment, profile, IMDS...).
    pub async fn from_env() -> Self {
        let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
        Self::new(Client::new(&config))
    }

    /// A client for `endpoint` (the fake, or any Bedrock-compatible URL)
    /// with static test credentials and region `us-east-1`.
    pub fn for_endpoint(endpoint: &str) -> Self {
        Self::new(endpoint_client(endpoint))
    }

    /// The SDK client inside.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Builds the native body for `model_id`, calls InvokeModel and parses
    /// the answer.
    pub async fn invoke(
        &self,
        model_id: &str,
        req: &PortableRequest,
    ) -> Result<PortableResponse, Error> {
        let (family, body) = self.native_body(model_id, req)?;
        let answer = self.invoke_bytes(model_id, body).await?;
        family.parse(&answer)
    }

    /// Sends a native JSON body as it is and returns the native JSON answer.
    /// The model id is not checked against the catalog.
    pub async fn invoke_raw(&self, model_id: &str, body: &Value) -> Result<Value, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::Transport(e.to_string()))?;
        let answer = self.invoke_bytes(model_id, bytes).await?;
        serde_json::from_slice(&answer).map_err(|e| Error::parse("invoke", "response", e))
    }

    async fn invoke_bytes(&self, model_id: &str, body: Vec<u8>) -> Result<Vec<u8>, Error> {
        let out = send_json!(self.client.invoke_model(), model_id, body)?;
        Ok(out.body.into_inner())
    }

    /// Sends a JSON body to InvokeModelWithResponseStream as it is; the
    /// output carries the stream of chunks.
    async fn invoke_stream_bytes(
        &self,
        model_id: &str,
        body: Vec<u8>,
    ) -> Result<InvokeModelWithResponseStreamOutput, Error> {
        send_json!(
            self.client.invoke_model_with_response_stream(),
            model_id,
            body
        )
    }

    /// Calls InvokeModelWithResponseStream and yields the family's chunks as
    /// portable events, Bedrock's invocation metrics last.
    pub async fn invoke_stream(
        &self,
        model_id: &str,
        req: &PortableRequest,
    ) -> Result<EventStream, Error> {
        let (family, body) = self.native_body(model_id, req)?;
        let out = self.invoke_stream_bytes(model_id, body).await?;
        let state = (out.body, StreamAccumulator::new());
        Ok(event_stream(state, move |(mut rx, mut acc)| async move {
            let step = match rx.recv().await {
                Ok(Some(ResponseStream::Chunk(part))) => {
                    let bytes = part.bytes.map(Blob::into_inner).unwrap_or_default();
                    acc.feed(family, &bytes).map(|()| Some(acc.drain()))
                }
                Ok(Some(_)) => Ok(Some(Vec::new())),
                Ok(None) => Ok(None),
                Err(e) => Err(from_stream_error(e)),
            };
            (step, (rx, acc))
        }))
    }

    /// Sends a native JSON body to InvokeModelWithResponseStream as it is
    /// and returns the native chunks in order: each chunk's JSON, or a
    /// string for a chunk that is not JSON (Palmyra's `[DONE]`). The model
    /// id is not checked against the catalog; an exception in the stream
    /// is the error.
    ///
    /// ```
    /// use bedrock_harness::fake::FakeBedrock;
    /// use bedrock_harness::Invoker;
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let fake = FakeBedrock::start().await;
    /// let chunks = Invoker::new(fake.client())
    ///     .invoke_stream_raw("mistral.mistral-7b-instruct-v0:2", &serde_json::json!({"prompt": "<s>[INST] Hi [/INST]"}))
    ///     .await
    ///     .unwrap();
    /// assert!(chunks.last().unwrap()["amazon-bedrock-invocationMetrics"].is_object());
    /// # });
    /// ```
    pub async fn invoke_stream_raw(
        &self,
        model_id: &str,
        body: &Value,
    ) -> Result<Vec<Value>, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::Transport(e.to_string()))?;
        let mut out = self.invoke_stream_bytes(model_id, bytes).await?;
        let mut chunks = Vec::new();
        while let Some(event) = out.body.recv().await.map_err(from_stream_error)? {
            if let ResponseStream::Chunk(part) = event {
                let bytes = part.bytes.map(Blob::into_inner).unwrap_or_default();
                chunks.push(serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                    Value::String(String::from_utf8_lossy(&bytes).into_owned())
                }));
            }
        }
        Ok(chunks)
    }

    /// Collects a stream of [`invoke_stream`](Self::invoke_stream) into one
    /// response.
    pub async fn invoke_stream_collect(
        &self,
        model_id: &str,
        req: &PortableRequest,
    ) -> Result<PortableResponse, Error> {
        collect(self.invoke_stream(model_id, req).await?).await
    }

    /// Calls Converse with the portable request.
    pub async fn converse(
        &self,
        model_id: &str,
        req: &PortableRequest,
    ) -> Result<PortableResponse, Error> {
        let out = send_converse!(self.client.converse(), model_id, req);
        Ok(sdk_converse::portable_response(
            out.output(),
            out.stop_reason(),
            out.usage(),
        ))
    }

    /// Calls ConverseStream and yields portable events.
    pub async fn converse_stream(
        &self,
        model_id: &str,
        req: &PortableRequest,
    ) -> Result<EventStream, Error> {
        let out = send_converse!(self.client.converse_stream(), model_id, req);
        Ok(event_stream(out.stream, |mut rx| async move {
            let step = match rx.recv().await {
                Ok(Some(event)) => Ok(Some(sdk_converse::stream_events(event))),
                Ok(None) => Ok(None),
                Err(e) => Err(from_stream_error(e)),
            };
            (step, rx)
        }))
    }
}

/// The events of a response stream read by `step`: each call yields the
/// events of the next piece (`None` at the end of the stream) and the state
/// for the call after; an error is yielded last.
fn event_stream<S, F, Fut>(state: S, mut step: F) -> EventStream
where
    S: Send + 'static,
    F: FnMut(S) -> Fut + Send + 'static,
    Fut:
        std::future::Future<Output = (Result<Option<Vec<StreamEvent>>, Error>, S)> + Send + 'static,
{
    let events = stream::unfold(Some(state), move |state| {
        let next = state.map(&mut step);
        async move {
            let (result, state) = next?.await;
            match result {
                Ok(Some(events)) => Some((
                    stream::iter(events.into_iter().map(Ok)).boxed(),
                    Some(state),
                )),
                Ok(None) => None,
                Err(e) => Some((stream::iter([Err(e)]).boxed(), None)),
            }
        }
    });
    events.flatten().boxed()
}

/// Folds a stream of portable events into one response; the first error ends it.
///
/// ```
/// use bedrock_harness::{collect, StopReason, StreamEvent};
/// use futures::stream::{self, StreamExt};
///
/// # tokio_test_block(async {
/// let events = stream::iter([
///     Ok(StreamEvent::TextDelta { index: 0, text: "Hi".into() }),
///     Ok(StreamEvent::Stop(StopReason::EndTurn)),
/// ]).boxed();
/// let resp = collect(events).await.unwrap();
/// assert_eq!(resp.text, "Hi");
/// # });
/// # fn tokio_test_block<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
pub async fn collect(mut events: EventStream) -> Result<PortableResponse, Error> {
    let mut acc = StreamAccumulator::new();
    while let Some(event) = events.next().await {
        acc.push(event?);
    }
    acc.finish()
}

/// An SDK client for `endpoint` with static test credentials (`test`/`test`)
/// and region `us-east-1`; retries are off so faults reach the caller.
pub fn endpoint_client(endpoint: &str) -> Client {
    Client::from_conf(test_config(endpoint).build())
}

/// The configuration of [`endpoint_client`], before it is built, so that a
/// caller can give it its own HTTP client.
pub(crate) fn test_config(endpoint: &str) -> aws_sdk_bedrockruntime::config::Builder {
    aws_sdk_bedrockruntime::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(DEFAULT_TEST_REGION))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            "test",
            "test",
            None,
            None,
            "bedrock-harness",
        ))
        .retry_config(aws_sdk_bedrockruntime::config::retry::RetryConfig::disabled())
}
