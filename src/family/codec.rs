//! The [`Codec`] trait: a family described once, by its typed wire shapes.
//!
//! A family declares its request, response and chunk types and the four
//! translations between them and the portable forms. Parsing and rendering
//! both go through those types, so a body the fake sends is written by the
//! same struct that reads it. Every [`Codec`] is a [`ModelFamily`] through
//! one blanket implementation, which holds what would otherwise be written
//! in every family: the name, serialising, deserialising and the refusals
//! of what the family does not stream.

use super::model_family::{from_slice, to_bytes, ModelFamily, RenderContext};
use super::refusals::no_reasoning;
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::media::MediaKind;
use crate::model_info::ModelInfo;
use crate::portable::{PortableRequest, PortableResponse, Role};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::Value;
use std::any::TypeId;

/// The first entry of a response's list `key`; an empty list is a parse
/// error of `family`'s response.
pub(crate) fn first_entry<I: IntoIterator>(
    family: &'static str,
    key: &str,
    items: I,
) -> Result<I::Item, Error> {
    items
        .into_iter()
        .next()
        .ok_or_else(|| Error::parse(family, "response", format!("`{key}` is empty")))
}

/// A family's wire shapes and the translations between them and the
/// portable forms. Implementing it makes the type a [`ModelFamily`].
///
/// # Example
///
/// A family whose body is `{"prompt": ...}` and whose answer is
/// `{"completion": ...}`, without streaming:
///
/// ```
/// use bedrock_harness::family::{Codec, NoStream, RenderContext};
/// use bedrock_harness::{Catalog, Error, ModelFamily, ModelInfo, PortableRequest, PortableResponse};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize)]
/// struct EchoRequest { prompt: String }
///
/// #[derive(Serialize, Deserialize)]
/// struct EchoResponse { completion: String }
///
/// struct Echo;
///
/// impl Codec for Echo {
///     const NAME: &'static str = "echo";
///     const TITLE: &'static str = "Echo";
///     type Request = EchoRequest;
///     type Response = EchoResponse;
///     type Chunk = NoStream;
///
///     fn request(&self, req: &PortableRequest, _: &ModelInfo) -> Result<EchoRequest, Error> {
///         Ok(EchoRequest { prompt: req.messages[0].text() })
///     }
///     fn portable_request(&self, native: EchoRequest, _: &ModelInfo) -> Result<PortableRequest, Error> {
///         Ok(PortableRequest::prompt(native.prompt))
///     }
///     fn portable(&self, native: EchoResponse) -> Result<PortableResponse, Error> {
///         Ok(PortableResponse { text: native.completion, ..Default::default() })
///     }
///     fn native(&self, resp: &PortableResponse, _: &RenderContext<'_>) -> Result<EchoResponse, Error> {
///         Ok(EchoResponse { completion: resp.text.clone() })
///     }
/// }
///
/// // Arrange
/// let model = Catalog::embedded().model("amazon.titan-text-express-v1").unwrap();
/// let ctx = RenderContext { model, response_id: "0123456789abcdef0123456789abcdef", request: None };
/// let answer = PortableResponse { text: "Hi".into(), ..Default::default() };
///
/// // Act
/// let body = Echo.build(&PortableRequest::prompt("Hello"), model).unwrap();
/// let rendered = Echo.render_response(&answer, &ctx).unwrap();
/// let parsed = Echo.parse(rendered.to_string().as_bytes()).unwrap();
///
/// // Assert
/// assert_eq!(body["prompt"], "Hello");
/// assert_eq!(parsed.text, "Hi");
/// assert!(Echo.render_chunks(&answer, &ctx).is_err());
/// ```
pub trait Codec: Send + Sync + 'static {
    /// The family's name, equal to its folder under `fixtures/`.
    const NAME: &'static str;
    /// A human title, e.g. `Amazon Titan Text`.
    const TITLE: &'static str;
    /// Whether the family's bodies carry reasoning (a thinking setting, an
    /// effort, reasoning blocks). When not, a portable request that asks
    /// for it is refused before [`request`](Self::request) is called.
    const REASONING: bool = false;
    /// Whether the family ranks documents. When not, a portable request
    /// that carries documents to rerank is refused.
    const RERANK: bool = false;
    /// The kinds of [`Media`](crate::Media) the family's bodies can carry.
    /// A portable request with media of another kind is refused before
    /// [`request`](Self::request) is called.
    const MEDIA: &'static [MediaKind] = &[];
    /// JSON pointers of the fields that name the call in a response body or
    /// stream chunk (its id, the model's name): a recorded answer gets them
    /// rewritten for each call, from what the family renders for it.
    const IDENTITY: &'static [&'static str] = &[];
    /// Whether the family's bodies can carry a system message between turns
    /// ([`Role::System`](crate::Role::System)). When not, a portable request
    /// with one is refused before [`request`](Self::request) is called.
    const SYSTEM_TURNS: bool = false;
    /// Whether the family's bodies can ask for structured output
    /// ([`PortableRequest::output_schema`]). When not, a request that does
    /// is refused before [`request`](Self::request) is called.
    const STRUCTURED: bool = false;

    /// The InvokeModel request body.
    type Request: Serialize + DeserializeOwned;
    /// The InvokeModel response body.
    type Response: Serialize + DeserializeOwned;
    /// One stream chunk (the decoded `bytes` of a `PayloadPart`);
    /// [`NoStream`] for a family without streaming.
    type Chunk: Serialize + DeserializeOwned + 'static;

    /// The native body for a portable request. A feature the family cannot
    /// express is [`Error::Unsupported`].
    fn request(&self, req: &PortableRequest, model: &ModelInfo) -> Result<Self::Request, Error>;

    /// A native body back in portable form: the inverse of
    /// [`request`](Self::request).
    fn portable_request(
        &self,
        native: Self::Request,
        model: &ModelInfo,
    ) -> Result<PortableRequest, Error>;

    /// A native response in portable form.
    fn portable(&self, native: Self::Response) -> Result<PortableResponse, Error>;

    /// A portable response as the native response: the inverse of
    /// [`portable`](Self::portable).
    fn native(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Self::Response, Error>;

    /// Pushes the events of one stream chunk into `acc`. The default
    /// refuses: the family has no streaming.
    fn chunk(&self, chunk: Self::Chunk, acc: &mut StreamAccumulator) -> Result<(), Error> {
        let _ = (chunk, acc);
        Err(Error::unsupported(Self::NAME, "response streaming"))
    }

    /// A portable response as native stream chunks, in order, without
    /// Bedrock's invocation metrics. The default refuses: the family has no
    /// streaming.
    fn native_chunks(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Vec<Self::Chunk>, Error> {
        let _ = (resp, ctx);
        Err(Error::unsupported(Self::NAME, "response streaming"))
    }

    /// Whether a chunk's bytes are an end-of-stream marker that carries
    /// nothing (such as `[DONE]`), skipped before it is typed.
    fn is_end_marker(&self, chunk: &[u8]) -> bool {
        let _ = chunk;
        false
    }

    /// A rule of the family's bodies that its JSON Schema cannot state,
    /// checked after the schema passes: `Some` is Bedrock's refusal text.
    fn body_rule(&self, body: &Value, model: &ModelInfo) -> Option<String> {
        let _ = (body, model);
        None
    }
}

/// The chunk type of a family without streaming: it has no values, so no
/// chunk of it can be read or rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoStream {}

fn to_value<T: Serialize>(name: &'static str, native: &T) -> Result<Value, Error> {
    serde_json::to_value(native).map_err(|e| Error::parse(name, "rendered body", e))
}

impl<C: Codec> ModelFamily for C {
    fn name(&self) -> &'static str {
        C::NAME
    }

    fn identity_fields(&self) -> &'static [&'static str] {
        C::IDENTITY
    }

    fn title(&self) -> &'static str {
        C::TITLE
    }

    fn build_bytes(&self, req: &PortableRequest, model: &ModelInfo) -> Result<Vec<u8>, Error> {
        if !C::REASONING && req.uses_reasoning() {
            return Err(no_reasoning(C::NAME));
        }
        if !C::RERANK && !req.rerank.is_empty() {
            return Err(Error::unsupported(C::NAME, "documents to rerank"));
        }
        if let Some(media) = req.media().find(|m| !C::MEDIA.contains(&m.kind)) {
            return Err(super::refusals::no_media(C::NAME, media));
        }
        if !C::SYSTEM_TURNS && req.messages.iter().any(|m| m.role == Role::System) {
            return Err(super::refusals::no_system_turn(C::NAME));
        }
        if !C::STRUCTURED && req.output_schema.is_some() {
            return Err(Error::unsupported(C::NAME, "structured output"));
        }
        to_bytes(C::NAME, &self.request(req, model)?)
    }

    fn parse(&self, body: &[u8]) -> Result<PortableResponse, Error> {
        self.portable(from_slice(C::NAME, "response", body)?)
    }

    fn parse_chunk(&self, chunk: &[u8], acc: &mut StreamAccumulator) -> Result<(), Error> {
        if TypeId::of::<C::Chunk>() == TypeId::of::<NoStream>() {
            return Err(Error::unsupported(C::NAME, "response streaming"));
        }
        if self.is_end_marker(chunk) {
            return Ok(());
        }
        self.chunk(from_slice(C::NAME, "stream chunk", chunk)?, acc)
    }

    fn read_request(&self, body: &[u8], model: &ModelInfo) -> Result<PortableRequest, Error> {
        self.portable_request(from_slice(C::NAME, "request", body)?, model)
    }

    fn read_request_value(
        &self,
        body: &Value,
        model: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let native =
            C::Request::deserialize(body).map_err(|e| Error::parse(C::NAME, "request", e))?;
        self.portable_request(native, model)
    }

    fn render_response(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Value, Error> {
        to_value(C::NAME, &self.native(resp, ctx)?)
    }

    fn render_response_bytes(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Vec<u8>, Error> {
        to_bytes(C::NAME, &self.native(resp, ctx)?)
    }

    fn render_chunks(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Vec<Value>, Error> {
        self.native_chunks(resp, ctx)?
            .iter()
            .map(|chunk| to_value(C::NAME, chunk))
            .collect()
    }

    fn takes_reasoning(&self) -> bool {
        C::REASONING
    }

    fn check_body(&self, body: &Value, model: &ModelInfo) -> Option<String> {
        self.body_rule(body, model)
    }
}
