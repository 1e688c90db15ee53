//! The [`ModelFamily`] trait and what families share to render text: the
//! unit of knowledge every family implements, apart from the registry that
//! lists them.

use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{PortableRequest, PortableResponse};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

/// What one model family knows: how to build its native body from a
/// portable request and how to read its responses and stream chunks.
///
/// Families are stateless unit structs; everything per model comes in the
/// [`ModelInfo`] argument. A family does not implement this trait by hand:
/// it implements [`Codec`](super::Codec) (or a dialect of a shared wire,
/// such as [`ChatDialect`](super::chat_completions::ChatDialect)), and the
/// one blanket implementation makes it a `ModelFamily`.
///
/// # Example
///
/// ```
/// use bedrock_harness::{family_by_name, Catalog, PortableRequest};
///
/// // Arrange
/// let model = Catalog::embedded().model("amazon.titan-text-express-v1").unwrap();
/// let family = family_by_name(&model.family).unwrap();
/// let req = PortableRequest::prompt("Hi").max_tokens(16);
///
/// // Act
/// let body = family.build(&req, model).unwrap();
///
/// // Assert
/// assert_eq!(body["inputText"], "Hi");
/// assert_eq!(body["textGenerationConfig"]["maxTokenCount"], 16);
/// ```
pub trait ModelFamily: Send + Sync + 'static {
    /// The family's name, equal to its folder under `fixtures/`.
    fn name(&self) -> &'static str;

    /// A human title, e.g. `Amazon Titan Text`.
    fn title(&self) -> &'static str;

    /// JSON pointers of the fields that name the call in the family's
    /// response bodies and stream chunks (its id, the model's name), which
    /// the fake rewrites in a recorded answer for each call.
    fn identity_fields(&self) -> &'static [&'static str];

    /// Renders `req` as the model's native InvokeModel body, serialised.
    /// A feature the family cannot express is [`Error::Unsupported`].
    fn build_bytes(&self, req: &PortableRequest, model: &ModelInfo) -> Result<Vec<u8>, Error>;

    /// Renders `req` as the model's native InvokeModel body.
    fn build(&self, req: &PortableRequest, model: &ModelInfo) -> Result<Value, Error> {
        let bytes = self.build_bytes(req, model)?;
        serde_json::from_slice(&bytes).map_err(|e| Error::parse(self.name(), "built body", e))
    }

    /// Reads a native InvokeModel response body.
    fn parse(&self, body: &[u8]) -> Result<PortableResponse, Error>;

    /// Reads one stream chunk (the decoded `bytes` of a `PayloadPart`) and
    /// pushes its events into `acc`; a family without streaming refuses.
    fn parse_chunk(&self, chunk: &[u8], acc: &mut StreamAccumulator) -> Result<(), Error>;

    /// Reads a native request body back into the portable form: the inverse
    /// of [`build`](Self::build). The fake uses it to learn what a request
    /// asks for (limits, stop sequences, tools, dimensions, image count).
    fn read_request(&self, body: &[u8], model: &ModelInfo) -> Result<PortableRequest, Error>;

    /// [`read_request`](Self::read_request) of a body already parsed as
    /// JSON, so that a caller that has the value (the fake, which checks it
    /// against the schema first) does not parse it twice.
    fn read_request_value(&self, body: &Value, model: &ModelInfo)
        -> Result<PortableRequest, Error>;

    /// Renders a portable response as the family's native InvokeModel
    /// response body: the inverse of [`parse`](Self::parse).
    fn render_response(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Value, Error>;

    /// The bytes of [`render_response`](Self::render_response)'s body,
    /// serialised straight from the family's own types.
    fn render_response_bytes(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Vec<u8>, Error>;

    /// Whether the family's bodies carry reasoning (thinking settings,
    /// effort, reasoning blocks).
    fn takes_reasoning(&self) -> bool;

    /// A rule of the family's bodies that its JSON Schema cannot state,
    /// checked after the schema passes: `Some` is Bedrock's refusal text
    /// for `model`.
    fn check_body(&self, body: &Value, model: &ModelInfo) -> Option<String>;

    /// Renders a portable response as the family's native stream chunks, in
    /// order, without Bedrock's invocation metrics (the caller merges them
    /// into the last chunk); a family without streaming refuses.
    fn render_chunks(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Vec<Value>, Error>;
}

/// What a family needs besides the response to render it natively.
#[derive(Debug, Clone, Copy)]
pub struct RenderContext<'a> {
    /// The model that answers.
    pub model: &'a ModelInfo,
    /// A deterministic id for this response (32 lowercase hex digits); each
    /// family formats it in its own id style (`msg_bdrk_...`, `chatcmpl-...`).
    pub response_id: &'a str,
    /// The request answered, where the answer echoes parts of it (Cohere's
    /// `texts`, the embedding types asked for); `None` renders without them.
    pub request: Option<&'a PortableRequest>,
}

impl StreamAccumulator {
    /// Parses one chunk (the decoded `bytes` of a `PayloadPart`) with
    /// `family`, and picks up the invocation metrics if the chunk has them.
    pub fn feed(&mut self, family: &dyn ModelFamily, chunk: &[u8]) -> Result<(), Error> {
        family.parse_chunk(chunk, self)?;
        self.take_metrics(chunk);
        Ok(())
    }
}

/// The most bytes of text one stream piece holds: a run of text longer
/// than this without whitespace is cut, so that every event-stream frame
/// stays far under the 24 MiB frame limit the SDKs' decoders enforce,
/// whatever a rule scripts.
pub const MAX_PIECE_BYTES: usize = 1024 * 1024;

/// Splits generated text into the pieces a stream sends: a few words each,
/// whitespace kept with the word that follows it, so the pieces joined give
/// the text back; a piece is at most [`MAX_PIECE_BYTES`] long. Empty text
/// gives one empty piece.
///
/// ```
/// # use bedrock_harness::family::{text_pieces, MAX_PIECE_BYTES};
/// let pieces = text_pieces("one two three four five six seven");
/// assert_eq!(pieces.concat(), "one two three four five six seven");
/// assert!(pieces.len() > 1);
///
/// let long = "é".repeat(MAX_PIECE_BYTES);
/// let pieces = text_pieces(&long);
/// assert_eq!(pieces.len(), 2);
/// assert!(pieces.iter().all(|p| p.len() <= MAX_PIECE_BYTES));
/// assert_eq!(pieces.concat(), long);
/// ```
pub fn text_pieces(text: &str) -> Vec<&str> {
    const WORDS_PER_PIECE: usize = 3;
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut words = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        if i + c.len_utf8() - start > MAX_PIECE_BYTES {
            pieces.push(&text[start..i]);
            start = i;
            words = 0;
        }
        if c.is_whitespace() {
            if in_word {
                words += 1;
                in_word = false;
                if words == WORDS_PER_PIECE {
                    pieces.push(&text[start..i]);
                    start = i;
                    words = 0;
                }
            }
        } else {
            in_word = true;
        }
    }
    if start < text.len() || pieces.is_empty() {
        pieces.push(&text[start..]);
    }
    pieces
}

/// Where a piece of streamed text stands among the pieces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PiecePosition {
    /// The first piece (where families put the input token count).
    pub first: bool,
    /// The last piece (where families put the stop reason and totals).
    pub last: bool,
}

/// Renders `text` as stream chunks of any type: `chunk` is called once per
/// piece of [`text_pieces`], with the piece and its position.
///
/// ```
/// # use bedrock_harness::family::text_chunks;
/// # use serde_json::json;
/// let chunks = text_chunks("one two three four five six seven", |piece, at| {
///     json!({"text": piece, "done": at.last})
/// });
/// assert_eq!(chunks.len(), 3);
/// assert_eq!(chunks[2]["done"], true);
/// ```
pub fn text_chunks<T>(text: &str, mut chunk: impl FnMut(&str, PiecePosition) -> T) -> Vec<T> {
    let pieces = text_pieces(text);
    let last = pieces.len() - 1;
    pieces
        .iter()
        .enumerate()
        .map(|(i, piece)| {
            chunk(
                piece,
                PiecePosition {
                    first: i == 0,
                    last: i == last,
                },
            )
        })
        .collect()
}

/// Serialises a family's typed body.
pub(crate) fn to_bytes<T: Serialize>(family: &'static str, body: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(body).map_err(|e| Error::parse(family, "built body", e))
}

/// Deserialises a family's typed response or chunk, naming the path of the
/// first bad value.
pub(crate) fn from_slice<T: DeserializeOwned>(
    family: &'static str,
    what: &'static str,
    bytes: &[u8],
) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::parse(family, what, e))
}
