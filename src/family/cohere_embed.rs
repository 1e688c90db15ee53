//! Cohere Embed v3 (`cohere.embed-english-v3`, `cohere.embed-multilingual-v3`)
//! and v4 (`cohere.embed-v4:0`): `texts` (or `images`, or v4's interleaved
//! `inputs`) with a required `input_type`. No streaming.
//!
//! Shapes from the AWS user guide pages "Cohere Embed v3" and "Cohere
//! Embed v4". The response's `embeddings` is a list of float vectors, or,
//! when `embedding_types` is set (and always in v4's by-type form), an
//! object keyed by type; both are read.

use super::codec::{Codec, NoStream};
use super::embeddings::{all_vectors, shortest_f32};
use super::ids::uuid;
use super::model_family::RenderContext;
use super::refusals::{refuse_assistant_turns, refuse_system_tools_and_images};
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, EmbeddingOptions, ImageFormat, InferenceParams, Message, PortableRequest,
    PortableResponse, Role,
};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

const NAME: &str = "cohere_embed";

/// `input_type` when the portable request sets none: Bedrock requires the
/// field, and `search_document` (embedding a corpus) is the common case.
pub const DEFAULT_INPUT_TYPE: &str = "search_document";

/// `input_type` when the portable request sets none and an Embed v3 request
/// embeds images.
pub const DEFAULT_IMAGE_INPUT_TYPE: &str = "image";

/// The most texts (or images, or inputs) one request may carry.
pub const MAX_INPUTS: usize = 96;

/// Embedding types in the order a by-type response is read: the first one
/// present becomes the portable vectors.
pub const EMBEDDING_TYPE_PREFERENCE: [&str; 5] = ["float", "int8", "uint8", "binary", "ubinary"];

/// The Cohere Embed family.
#[derive(Debug, Clone, Copy, Default)]
pub struct CohereEmbed;

/// The Embed InvokeModel request body (v3 and v4).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CohereEmbedRequest {
    /// Texts to embed: at most 96, each at most 2048 characters (v3).
    pub texts: Option<Vec<String>>,
    /// `search_document`, `search_query`, `classification`, `clustering`,
    /// or (v3) `image`.
    pub input_type: String,
    /// Images as data URIs (`data:image/png;base64,...`); v3 takes one.
    pub images: Option<Vec<String>>,
    /// v4: inputs of interleaved text and image parts.
    pub inputs: Option<Vec<CohereEmbedInput>>,
    /// v3 `NONE`, `START` or `END`; v4 `NONE`, `LEFT` or `RIGHT`.
    pub truncate: Option<String>,
    /// `float`, `int8`, `uint8`, `binary`, `ubinary`.
    pub embedding_types: Option<Vec<String>>,
    /// v4: 256, 512, 1024 or 1536.
    pub output_dimension: Option<u32>,
    /// v4: the most tokens read per input (before truncation).
    pub max_tokens: Option<u32>,
}

/// A v4 input: parts embedded together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohereEmbedInput {
    /// The parts, in order.
    pub content: Vec<CohereEmbedPart>,
}

/// One part of a v4 input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CohereEmbedPart {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image.
    ImageUrl {
        /// A data URI.
        image_url: String,
    },
}

/// The Embed InvokeModel response body, in the two forms Bedrock sends,
/// each with its members in the order its recording shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CohereEmbedResponse {
    /// `embeddings_floats`: one float vector per input (Embed v3).
    Floats(CohereEmbedFloats),
    /// `embeddings_by_type`: `{"float": [[...]], "int8": [[...]], ...}`
    /// (Embed v4, and v3 with `embedding_types`).
    ByType(CohereEmbedByType),
}

/// An `embeddings_floats` response.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohereEmbedFloats {
    /// The vectors, one per input.
    #[serde(serialize_with = "shortest_f32")]
    pub embeddings: Vec<Vec<f32>>,
    /// The request's id.
    pub id: Option<String>,
    /// `embeddings_floats`.
    pub response_type: Option<String>,
    /// The texts embedded.
    pub texts: Option<Vec<String>>,
    /// Facts about the images embedded.
    pub images: Option<Vec<Value>>,
}

/// An `embeddings_by_type` response.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohereEmbedByType {
    /// The request's id.
    pub id: Option<String>,
    /// The vectors by embedding type, one per input.
    #[serde(serialize_with = "write_by_type")]
    pub embeddings: BTreeMap<String, Vec<Vec<f32>>>,
    /// `embeddings_by_type`.
    pub response_type: Option<String>,
    /// The texts embedded.
    pub texts: Option<Vec<String>>,
    /// Facts about the images embedded.
    pub images: Option<Vec<Value>>,
}

impl CohereEmbedResponse {
    /// The float vectors, or else the first other type present (see
    /// [`EMBEDDING_TYPE_PREFERENCE`]), its integers as floats.
    pub fn into_vectors(self) -> Vec<Vec<f32>> {
        match self {
            CohereEmbedResponse::Floats(floats) => floats.embeddings,
            CohereEmbedResponse::ByType(mut by_type) => EMBEDDING_TYPE_PREFERENCE
                .iter()
                .find_map(|t| by_type.embeddings.remove(*t))
                .unwrap_or_default(),
        }
    }
}

/// The integer encodings: written as integers, not floats.
const INTEGER_TYPES: [&str; 4] = ["int8", "uint8", "binary", "ubinary"];

/// Writes vectors by type: floats the shortest way, the integer encodings
/// as integers.
fn write_by_type<S: serde::Serializer>(
    map: &BTreeMap<String, Vec<Vec<f32>>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    struct Floats<'a>(&'a Vec<Vec<f32>>);
    impl Serialize for Floats<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            shortest_f32(self.0, s)
        }
    }
    serializer.collect_map(map.iter().map(|(kind, vectors)| {
        let value = match INTEGER_TYPES.contains(&kind.as_str()) {
            true => serde_json::to_value(
                vectors
                    .iter()
                    .map(|v| v.iter().map(|x| *x as i64).collect::<Vec<_>>())
                    .collect::<Vec<_>>(),
            ),
            false => serde_json::to_value(Floats(vectors)),
        };
        (kind, value.unwrap_or_default())
    }))
}

/// The float vectors in the encoding `kind`: `int8` and `uint8` scale
/// each value to a byte, `binary` and `ubinary` pack eight signs into a
/// byte (signed or not), as Cohere's embedding types do; the scaling here
/// is deterministic, not Cohere's calibration.
fn quantized(vectors: &[Vec<f32>], kind: &str) -> Vec<Vec<f32>> {
    let scale = |v: &f32, lo: f32, hi: f32| (v.clamp(-1.0, 1.0) * 127.0).round().clamp(lo, hi);
    vectors
        .iter()
        .map(|v| match kind {
            "int8" => v.iter().map(|x| scale(x, -128.0, 127.0)).collect(),
            "uint8" => v.iter().map(|x| scale(x, -128.0, 127.0) + 128.0).collect(),
            "binary" | "ubinary" => v
                .chunks(8)
                .map(|bits| {
                    let byte = bits
                        .iter()
                        .enumerate()
                        .fold(0u8, |acc, (i, b)| acc | (u8::from(*b > 0.0) << (7 - i)));
                    match kind {
                        "binary" => f32::from(byte as i8),
                        _ => f32::from(byte),
                    }
                })
                .collect(),
            _ => v.clone(),
        })
        .collect()
}

fn is_v4(model: &ModelInfo) -> bool {
    model.id.starts_with("cohere.embed-v4")
}

fn data_uri(format: ImageFormat, data: &[u8]) -> String {
    format!(
        "data:{};base64,{}",
        format.media_type(),
        base64::engine::general_purpose::STANDARD.encode(data)
    )
}

/// Reads a `data:image/...;base64,...` URI back into an image block.
fn image_block(uri: &str) -> Result<ContentBlock, Error> {
    let bad = |why: &str| Error::parse(NAME, "request", format!("image {why}"));
    let (media_type, data) = uri
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once(";base64,"))
        .ok_or_else(|| bad("is not a base64 data URI"))?;
    let format = ImageFormat::from_name(media_type)
        .ok_or_else(|| bad(&format!("has an unknown media type {media_type:?}")))?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| bad(&format!("data is not base64: {e}")))?;
    Ok(ContentBlock::Image { format, data })
}

/// A user turn as a v4 input: its text and image blocks as parts.
fn v4_input(turn: &Message) -> CohereEmbedInput {
    let content = turn
        .content
        .iter()
        .filter_map(|b| match b {
            ContentBlock::Text(text) => Some(CohereEmbedPart::Text { text: text.clone() }),
            ContentBlock::Image { format, data } => Some(CohereEmbedPart::ImageUrl {
                image_url: data_uri(*format, data),
            }),
            // Tool and reasoning blocks were refused before.
            ContentBlock::ToolUse { .. }
            | ContentBlock::ToolResult { .. }
            | ContentBlock::Reasoning(_)
            | ContentBlock::Media(_) => None,
        })
        .collect();
    CohereEmbedInput { content }
}

/// Embed v3 takes one PNG or JPEG image and no text.
fn v3_images(turns: &[Message]) -> Result<Vec<String>, Error> {
    let blocks = || turns.iter().flat_map(|t| t.content.iter());
    if blocks().any(|b| matches!(b, ContentBlock::Text(_))) {
        return Err(Error::unsupported(
            NAME,
            "text and images in one Embed v3 request",
        ));
    }
    let images: Vec<(ImageFormat, &[u8])> = blocks()
        .filter_map(|b| match b {
            ContentBlock::Image { format, data } => Some((*format, data.as_slice())),
            _ => None,
        })
        .collect();
    match images.as_slice() {
        [(format @ (ImageFormat::Png | ImageFormat::Jpeg), data)] => {
            Ok(vec![data_uri(*format, data)])
        }
        [(other, _)] => Err(Error::unsupported(
            NAME,
            format!("{} images with Embed v3 (PNG or JPEG only)", other.as_str()),
        )),
        _ => Err(Error::unsupported(
            NAME,
            "more than one image in one Embed v3 request",
        )),
    }
}

impl Codec for CohereEmbed {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Cohere Embed";
    const IDENTITY: &'static [&'static str] = &["/id"];
    type Request = CohereEmbedRequest;
    type Response = CohereEmbedResponse;
    type Chunk = NoStream;

    /// The typed request: one text (or input) per user turn.
    /// Text-only requests send `texts`; images go in `images` (v3, one image
    /// and no text) or as `inputs` (v4). `input_type` defaults to
    /// [`DEFAULT_INPUT_TYPE`] ([`DEFAULT_IMAGE_INPUT_TYPE`] for v3 images).
    fn request(
        &self,
        req: &PortableRequest,
        model: &ModelInfo,
    ) -> Result<CohereEmbedRequest, Error> {
        let v4 = is_v4(model);
        refuse_system_tools_and_images(NAME, req, None)?;
        if req.params != InferenceParams::default() {
            return Err(Error::unsupported(
                NAME,
                "generation parameters (max_tokens, temperature, top_p, top_k, stop sequences)",
            ));
        }
        if req.embedding.normalize.is_some() {
            return Err(Error::unsupported(NAME, "the normalize option"));
        }
        if req.embedding.dimensions.is_some() && !v4 {
            return Err(Error::unsupported(
                NAME,
                "output dimensions with Embed v3 (Embed v4 only)",
            ));
        }
        refuse_assistant_turns(NAME, req)?;
        let turns = &req.messages;
        if turns.is_empty() {
            return Err(Error::unsupported(NAME, "a request with no messages"));
        }
        if turns.len() > MAX_INPUTS {
            return Err(Error::unsupported(
                NAME,
                format!("more than {MAX_INPUTS} inputs in one request"),
            ));
        }
        let mut body = CohereEmbedRequest {
            output_dimension: req.embedding.dimensions,
            ..Default::default()
        };
        let mut default_input_type = DEFAULT_INPUT_TYPE;
        if !req.has_images() {
            body.texts = Some(req.user_texts());
        } else if v4 {
            body.inputs = Some(turns.iter().map(v4_input).collect());
        } else {
            body.images = Some(v3_images(turns)?);
            default_input_type = DEFAULT_IMAGE_INPUT_TYPE;
        }
        if let Some(t) = req
            .embedding
            .types
            .iter()
            .find(|t| !EMBEDDING_TYPE_PREFERENCE.contains(&t.as_str()))
        {
            return Err(Error::unsupported(NAME, format!("embedding type {t:?}")));
        }
        body.embedding_types =
            (!req.embedding.types.is_empty()).then(|| req.embedding.types.clone());
        body.input_type = req
            .embedding
            .input_type
            .clone()
            .unwrap_or_else(|| default_input_type.to_string());
        Ok(body)
    }

    fn portable(&self, resp: CohereEmbedResponse) -> Result<PortableResponse, Error> {
        Ok(PortableResponse {
            embeddings: resp.into_vectors(),
            ..Default::default()
        })
    }

    /// One user turn per text, image or (v4) input, in that order. The
    /// portable form has no `truncate`, `embedding_types` or v4 `max_tokens`.
    fn portable_request(
        &self,
        req: CohereEmbedRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let mut messages: Vec<Message> = req
            .texts
            .unwrap_or_default()
            .into_iter()
            .map(Message::user)
            .collect();
        for uri in req.images.unwrap_or_default() {
            messages.push(Message::new(Role::User, vec![image_block(&uri)?]));
        }
        for input in req.inputs.unwrap_or_default() {
            let content = input
                .content
                .into_iter()
                .map(|part| match part {
                    CohereEmbedPart::Text { text } => Ok(ContentBlock::Text(text)),
                    CohereEmbedPart::ImageUrl { image_url } => image_block(&image_url),
                })
                .collect::<Result<_, _>>()?;
            messages.push(Message::new(Role::User, content));
        }
        if messages.is_empty() {
            return Err(Error::parse(
                NAME,
                "request",
                "no `texts`, `images` or `inputs` to embed",
            ));
        }
        Ok(PortableRequest {
            messages,
            embedding: EmbeddingOptions {
                dimensions: req.output_dimension,
                normalize: None,
                input_type: Some(req.input_type),
                types: req.embedding_types.unwrap_or_default(),
                ..Default::default()
            },
            ..Default::default()
        })
    }

    /// `embeddings_floats` for v3, `embeddings_by_type` (floats) for v4.
    /// `texts` echoes the request's texts, which are not known here: it is
    /// empty.
    fn native(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<CohereEmbedResponse, Error> {
        let id = Some(uuid(ctx.response_id));
        let embeddings = all_vectors(NAME, resp)?;
        // The texts embedded, echoed (none for image inputs).
        let texts = ctx.request.map_or_else(Vec::new, |r| {
            r.messages
                .iter()
                .filter(|m| m.role == crate::portable::Role::User)
                .filter(|m| {
                    !m.content
                        .iter()
                        .any(|b| matches!(b, ContentBlock::Image { .. }))
                })
                .map(|m| m.text())
                .collect()
        });
        let types = ctx.request.map_or(&[][..], |r| &r.embedding.types[..]);
        Ok(if is_v4(ctx.model) || !types.is_empty() {
            let types: Vec<&str> = match types {
                [] => vec!["float"],
                asked => asked.iter().map(String::as_str).collect(),
            };
            CohereEmbedResponse::ByType(CohereEmbedByType {
                id,
                embeddings: types
                    .into_iter()
                    .map(|t| (t.to_string(), quantized(&embeddings, t)))
                    .collect(),
                response_type: Some("embeddings_by_type".into()),
                texts: Some(texts),
                images: None,
            })
        } else {
            CohereEmbedResponse::Floats(CohereEmbedFloats {
                embeddings,
                id,
                response_type: Some("embeddings_floats".into()),
                texts: Some(texts),
                images: None,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::test_support::{
        assert_reads_back_by_id, assert_refuses, assert_streaming_refused,
        assert_unparsed_requests, ctx, documented_request, keys, model, recorded, recorded_in,
        request_fixture,
    };
    use crate::family::ModelFamily;
    use crate::portable::{EmbeddingOptions, ToolSpec};
    use serde_json::json;

    const V3: &str = "cohere.embed-english-v3";
    const V4: &str = "cohere.embed-v4:0";

    fn texts(texts: &[&str]) -> PortableRequest {
        let mut req = PortableRequest::default();
        for t in texts {
            req = req.message(Message::user(*t));
        }
        req
    }

    fn image(format: ImageFormat) -> ContentBlock {
        ContentBlock::image(format, vec![1, 2, 3])
    }

    #[test]
    fn builds_the_documented_body() {
        let body = CohereEmbed
            .build(&texts(&["hello world", "this is a test"]), model(V3))
            .unwrap();
        assert_eq!(body, documented_request(NAME));
    }

    #[test]
    fn v4_takes_input_type_and_output_dimension() {
        let mut req = texts(&["hello world", "this is a test"]);
        req.embedding = EmbeddingOptions {
            dimensions: Some(512),
            normalize: None,
            input_type: Some("search_query".into()),
            ..Default::default()
        };
        let body = CohereEmbed.build(&req, model(V4)).unwrap();
        assert_eq!(body, request_fixture(NAME, "v4"));
    }

    #[test]
    fn images_go_in_images_for_v3_and_in_inputs_for_v4() {
        let only_image = PortableRequest::default()
            .message(Message::new(Role::User, vec![image(ImageFormat::Png)]));
        let body = CohereEmbed
            .build(&only_image, model("cohere.embed-multilingual-v3"))
            .unwrap();
        assert_eq!(
            body,
            json!({"input_type": "image", "images": ["data:image/png;base64,AQID"]})
        );

        let mixed = PortableRequest::default().message(Message::new(
            Role::User,
            vec![
                ContentBlock::Text("invoice.pdf page 1".into()),
                image(ImageFormat::Jpeg),
            ],
        ));
        let body = CohereEmbed.build(&mixed, model(V4)).unwrap();
        assert_eq!(
            body,
            json!({"input_type": "search_document", "inputs": [{"content": [
                {"type": "text", "text": "invoice.pdf page 1"},
                {"type": "image_url", "image_url": "data:image/jpeg;base64,AQID"}
            ]}]})
        );
    }

    #[test]
    fn refuses_what_embed_cannot_express() {
        let mixed = PortableRequest::default().message(Message::new(
            Role::User,
            vec![ContentBlock::Text("x".into()), image(ImageFormat::Png)],
        ));
        let gif = PortableRequest::default()
            .message(Message::new(Role::User, vec![image(ImageFormat::Gif)]));
        let mut dims = texts(&["x"]);
        dims.embedding.dimensions = Some(256);
        let mut normalize = texts(&["x"]);
        normalize.embedding.normalize = Some(true);
        let tool = ToolSpec::new("t", json!({}));
        let many: Vec<&str> = vec!["x"; 97];
        assert_refuses(
            &CohereEmbed,
            model(V3),
            [
                (texts(&["x"]).system("s"), "system prompt"),
                (texts(&["x"]).tool(tool), "tool use"),
                (texts(&["x"]).max_tokens(5), "generation parameters"),
                (normalize, "normalize"),
                (dims, "output dimensions"),
                (
                    texts(&["x"]).message(Message::assistant("y")),
                    "assistant turns",
                ),
                (PortableRequest::default(), "no messages"),
                (texts(&many), "more than 96 inputs"),
                (mixed, "text and images"),
                (gif, "gif images"),
            ],
        );
    }

    #[test]
    fn parses_the_recorded_float_response() {
        let resp = CohereEmbed.parse(&recorded(NAME)).unwrap();
        assert_eq!(resp.embeddings.len(), 2);
        assert_eq!(resp.embeddings[0].len(), 1024);
        assert_eq!(resp.embeddings[0][0], -0.037_061_47);
        assert_eq!(resp.embeddings[1][1023], -0.013_242_661);
        assert_eq!(resp.usage, None);
    }

    #[test]
    fn parses_the_recorded_by_type_response_preferring_floats() {
        let resp = CohereEmbed.parse(&recorded_in(NAME, "v4")).unwrap();
        assert_eq!(resp.embeddings.len(), 2);
        assert_eq!(resp.embeddings[0].len(), 1536);
        assert_eq!(resp.embeddings[0][0], -0.006_457_169);
        let int8_only =
            br#"{"id":"x","embeddings":{"int8":[[12,-7,3]]},"response_type":"embeddings_by_type"}"#;
        let resp = CohereEmbed.parse(int8_only).unwrap();
        assert_eq!(resp.embeddings, vec![vec![12.0, -7.0, 3.0]]);
    }

    fn with_options(
        mut req: PortableRequest,
        dims: Option<u32>,
        input_type: &str,
    ) -> PortableRequest {
        req.embedding = EmbeddingOptions {
            dimensions: dims,
            normalize: None,
            input_type: Some(input_type.into()),
            ..Default::default()
        };
        req
    }

    #[test]
    fn read_request_inverts_build() {
        let only_image = PortableRequest::default()
            .message(Message::new(Role::User, vec![image(ImageFormat::Jpeg)]));
        let mixed = PortableRequest::default()
            .message(Message::new(
                Role::User,
                vec![
                    ContentBlock::Text("invoice page 1".into()),
                    image(ImageFormat::Png),
                ],
            ))
            .message(Message::new(Role::User, vec![image(ImageFormat::Webp)]));
        // `input_type` is always sent, so the requests set it.
        assert_reads_back_by_id(
            &CohereEmbed,
            [
                (
                    with_options(
                        texts(&["hello world", "this is a test"]),
                        None,
                        "search_document",
                    ),
                    V3,
                ),
                (
                    with_options(only_image, None, "image"),
                    "cohere.embed-multilingual-v3",
                ),
                (
                    with_options(texts(&["hello", "world"]), Some(512), "search_query"),
                    V4,
                ),
                (with_options(mixed, Some(1024), "classification"), V4),
            ],
        );
        let body = CohereEmbed.build_bytes(&texts(&["x"]), model(V3)).unwrap();
        let read = CohereEmbed.read_request(&body, model(V3)).unwrap();
        assert_eq!(
            read.embedding.input_type.as_deref(),
            Some(DEFAULT_INPUT_TYPE)
        );
    }

    #[test]
    fn read_request_refuses_bad_bodies() {
        let cases = [
            (json!({"input_type": "search_query"}), "no `texts`"),
            (json!({"texts": ["x"]}), "input_type"),
            (
                json!({"input_type": "image", "images": ["https://x/y.png"]}),
                "data URI",
            ),
            (
                json!({"input_type": "image", "images": ["data:image/tiff;base64,AQID"]}),
                "media type",
            ),
            (
                json!({"input_type": "image", "images": ["data:image/png;base64,!!"]}),
                "not base64",
            ),
        ];
        assert_unparsed_requests(&CohereEmbed, model(V3), cases);
    }

    #[test]
    fn rendered_responses_parse_back_with_the_recorded_keys() {
        for (id, file, response_type) in [
            (V3, "default", "embeddings_floats"),
            (V4, "v4", "embeddings_by_type"),
        ] {
            let recorded_body: Value = serde_json::from_slice(&recorded_in(NAME, file)).unwrap();
            let resp = CohereEmbed.parse(&recorded_in(NAME, file)).unwrap();
            let ctx = ctx(id);
            let body = CohereEmbed.render_response(&resp, &ctx).unwrap();
            assert_eq!(keys(&body), keys(&recorded_body), "{file}");
            assert_eq!(body["response_type"], response_type);
            // Numbers are written as the shortest text that reads back as
            // the same f32.
            let rendered = match &body["embeddings"] {
                Value::Object(by_type) => &by_type["float"],
                floats => floats,
            };
            let written: Vec<f32> = rendered[0]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.to_string().parse::<f32>().unwrap())
                .collect();
            assert_eq!(written, resp.embeddings[0], "{file}");
            assert_eq!(body["id"], "01234567-89ab-cdef-0123-456789abcdef");
            // Embeddings are all the body carries back.
            assert_eq!(
                CohereEmbed.parse(body.to_string().as_bytes()).unwrap(),
                resp
            );
            assert_eq!(resp.embeddings.len(), 2);
        }
    }

    #[test]
    fn a_malformed_body_is_an_error_and_streaming_is_refused() {
        let err = CohereEmbed
            .parse(br#"{"embeddings":"nope"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cohere_embed: cannot parse response"),
            "{err}"
        );
        assert_streaming_refused(&CohereEmbed);
    }

    #[test]
    fn the_answer_echoes_the_texts_and_carries_each_type_asked_for() {
        let mut req = PortableRequest::prompt("hello world").message(Message::user("a test"));
        req.embedding.types = vec!["float".into(), "int8".into(), "ubinary".into()];
        let body = CohereEmbed.build(&req, model(V3)).unwrap();
        assert_eq!(body["embedding_types"], json!(["float", "int8", "ubinary"]));
        let resp = PortableResponse {
            embeddings: vec![vec![0.5; 16], vec![-0.25; 16]],
            ..Default::default()
        };
        let ctx = RenderContext {
            request: Some(&req),
            ..ctx(V3)
        };
        let rendered = CohereEmbed.render_response(&resp, &ctx).unwrap();
        assert_eq!(rendered["texts"], json!(["hello world", "a test"]));
        assert_eq!(rendered["response_type"], "embeddings_by_type");
        assert_eq!(rendered["embeddings"]["int8"][0][0], json!(64));
        assert_eq!(rendered["embeddings"]["ubinary"][0], json!([255, 255]));
        assert_eq!(rendered["embeddings"]["ubinary"][1], json!([0, 0]));
        assert_eq!(rendered["embeddings"]["float"][1][0], json!(-0.25));
        assert_eq!(
            CohereEmbed.parse(rendered.to_string().as_bytes()).unwrap(),
            resp
        );
    }
}
