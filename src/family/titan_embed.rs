//! Amazon Titan Text Embeddings (`amazon.titan-embed-text-v1`,
//! `amazon.titan-embed-text-v2:0`): one `inputText` per call; V2 adds
//! `dimensions`, `normalize` and `embeddingTypes`.
//!
//! Shapes from the AWS user guide page "Amazon Titan Embeddings G1 - Text"
//! (V2 and G1 request/response tabs). No streaming.

use super::codec::{Codec, NoStream};
use super::embeddings::{shortest_f32, single_vector};
use super::model_family::RenderContext;
use super::refusals::{self, refuse_assistant_turns, refuse_params_and_image_options};
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{EmbeddingOptions, Message, PortableRequest, PortableResponse, Usage};
use serde::{Deserialize, Serialize};

const NAME: &str = "titan_embed";

/// The id of the first generation, which takes `inputText` only.
pub const V1_MODEL_ID: &str = "amazon.titan-embed-text-v1";

/// The output lengths V2 accepts in `dimensions` (default 1024).
pub const V2_DIMENSIONS: [u32; 3] = [1024, 512, 256];

/// The Amazon Titan Text Embeddings family.
#[derive(Debug, Clone, Copy, Default)]
pub struct TitanEmbed;

/// Titan Text Embeddings' InvokeModel request body (V1 sends `inputText` only).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TitanEmbedRequest {
    /// The text to embed.
    pub input_text: String,
    /// V2: output length, 1024 (default), 512 or 256.
    pub dimensions: Option<u32>,
    /// V2: whether to normalise the vector (default true).
    pub normalize: Option<bool>,
    /// V2: `float`, `binary` or both (default `float`).
    pub embedding_types: Option<Vec<String>>,
}

/// Titan Text Embeddings' InvokeModel response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TitanEmbedResponse {
    /// The float vector.
    #[serde(default, serialize_with = "shortest_f32")]
    pub embedding: Option<Vec<f32>>,
    /// Tokens in the input.
    pub input_text_token_count: u32,
    /// V2: the vectors by requested type (`float` is always present).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embeddings_by_type: Option<TitanEmbeddingsByType>,
}

/// V2's `embeddingsByType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TitanEmbeddingsByType {
    /// The float vector.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "shortest_f32"
    )]
    pub float: Option<Vec<f32>>,
    /// The binary vector, one 0/1 per dimension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary: Option<Vec<u8>>,
}

/// Whether the request answered asked for the embedding type `kind`.
fn asked_for(ctx: &RenderContext<'_>, kind: &str) -> bool {
    ctx.request
        .is_some_and(|r| r.embedding.types.iter().any(|t| t == kind))
}

/// Whether `model` is the first generation (no options at all).
fn is_v1(model: &ModelInfo) -> bool {
    model.id == V1_MODEL_ID
}

/// Refuses everything a text-embedding body has no place for.
fn refuse_chat_features(req: &PortableRequest) -> Result<(), Error> {
    refusals::refuse_chat_features(NAME, req)?;
    refuse_params_and_image_options(NAME, req)?;
    refuse_assistant_turns(NAME, req)
}

/// Titan embeds one text per call.
fn single_input(req: &PortableRequest) -> Result<String, Error> {
    let mut texts = req.user_texts();
    match texts.len() {
        0 => Err(Error::unsupported(NAME, "a request with no input text")),
        1 => Ok(texts.remove(0)),
        n => Err(Error::unsupported(
            NAME,
            format!("more than one input text ({n}) in one call"),
        )),
    }
}

impl Codec for TitanEmbed {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Amazon Titan Text Embeddings";
    type Request = TitanEmbedRequest;
    type Response = TitanEmbedResponse;
    type Chunk = NoStream;

    /// The typed request: the single user text, plus V2's options.
    fn request(
        &self,
        req: &PortableRequest,
        model: &ModelInfo,
    ) -> Result<TitanEmbedRequest, Error> {
        refuse_chat_features(req)?;
        let input_text = single_input(req)?;
        let opts = &req.embedding;
        if opts.input_type.is_some() {
            return Err(Error::unsupported(NAME, "an input type"));
        }
        if is_v1(model) {
            if opts.dimensions.is_some() {
                return Err(Error::unsupported(
                    NAME,
                    "dimensions on Titan Embeddings G1",
                ));
            }
            if opts.normalize.is_some() {
                return Err(Error::unsupported(NAME, "normalize on Titan Embeddings G1"));
            }
        }
        if let Some(t) = opts
            .types
            .iter()
            .find(|t| !["float", "binary"].contains(&t.as_str()))
        {
            return Err(Error::unsupported(
                NAME,
                format!("embedding type {t:?} (float or binary)"),
            ));
        }
        if is_v1(model) && !opts.types.is_empty() {
            return Err(Error::unsupported(
                NAME,
                "embedding types on Titan Embeddings G1",
            ));
        }
        if let Some(d) = opts.dimensions {
            if !V2_DIMENSIONS.contains(&d) {
                return Err(Error::unsupported(
                    NAME,
                    format!("dimensions {d} (only 1024, 512 or 256)"),
                ));
            }
        }
        Ok(TitanEmbedRequest {
            input_text,
            dimensions: opts.dimensions,
            normalize: opts.normalize,
            embedding_types: (!opts.types.is_empty()).then(|| opts.types.clone()),
        })
    }

    fn portable(&self, resp: TitanEmbedResponse) -> Result<PortableResponse, Error> {
        let vector = resp
            .embedding
            .or_else(|| resp.embeddings_by_type.and_then(|by_type| by_type.float))
            .ok_or_else(|| Error::parse(NAME, "response", "no float embedding"))?;
        Ok(PortableResponse {
            embeddings: vec![vector],
            usage: Some(Usage {
                input_tokens: resp.input_text_token_count,
                output_tokens: 0,
            }),
            ..Default::default()
        })
    }

    fn portable_request(
        &self,
        req: TitanEmbedRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        Ok(PortableRequest {
            messages: vec![Message::user(req.input_text)],
            embedding: EmbeddingOptions {
                dimensions: req.dimensions,
                normalize: req.normalize,
                input_type: None,
                types: req.embedding_types.unwrap_or_default(),
                ..Default::default()
            },
            ..Default::default()
        })
    }

    /// G1 sends `embedding` and `inputTextTokenCount`; V2 adds
    /// `embeddingsByType` with the float vector, and the binary one (each
    /// value's sign, 1 for positive) when the request asked for `binary`.
    fn native(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<TitanEmbedResponse, Error> {
        let vector = single_vector(NAME, resp)?;
        Ok(TitanEmbedResponse {
            embedding: Some(vector.clone()),
            input_text_token_count: resp.usage.unwrap_or_default().input_tokens,
            embeddings_by_type: (!is_v1(ctx.model)).then(|| TitanEmbeddingsByType {
                binary: asked_for(ctx, "binary")
                    .then(|| vector.iter().map(|v| u8::from(*v > 0.0)).collect()),
                float: Some(vector),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::test_support::{
        assert_reads_back_by_id, assert_refuses_on, assert_renders_back_unstreamed,
        assert_streaming_refused, assert_unreadable_requests, ctx, documented_request, key_order,
        model, recorded, recorded_in, request_fixture, usage,
    };
    use crate::family::ModelFamily;
    use crate::portable::{Message, ToolSpec};
    use serde_json::json;
    use serde_json::Value;

    const V2: &str = "amazon.titan-embed-text-v2:0";

    fn embed(text: &str) -> PortableRequest {
        PortableRequest::prompt(text)
    }

    #[test]
    fn builds_the_documented_body() {
        let mut req =
            embed("Please recommend books with a theme similar to the movie 'Inception'.");
        req.embedding.dimensions = Some(512);
        req.embedding.normalize = Some(true);
        let body = TitanEmbed.build(&req, model(V2)).unwrap();
        assert_eq!(body, documented_request(NAME));
    }

    #[test]
    fn v1_sends_input_text_only() {
        let req = embed("What are the different services that you offer?");
        let body = TitanEmbed.build(&req, model(V1_MODEL_ID)).unwrap();
        assert_eq!(body, request_fixture(NAME, "v1"));
    }

    #[test]
    fn the_typed_request_reads_documented_bodies() {
        let typed: TitanEmbedRequest =
            serde_json::from_value(request_fixture(NAME, "binary")).unwrap();
        assert_eq!(typed.dimensions, Some(256));
        assert_eq!(
            typed.embedding_types,
            Some(vec!["float".to_string(), "binary".to_string()])
        );
        let unknown =
            serde_json::from_value::<TitanEmbedRequest>(json!({"inputText": "x", "texts": ["y"]}));
        assert!(unknown.is_err());
    }

    #[test]
    fn refuses_what_titan_embeddings_cannot_express() {
        let v1 = model(V1_MODEL_ID);
        let v2 = model(V2);
        let mut dims = embed("x");
        dims.embedding.dimensions = Some(512);
        let mut normalize = embed("x");
        normalize.embedding.normalize = Some(false);
        let mut odd_dims = embed("x");
        odd_dims.embedding.dimensions = Some(384);
        let mut input_type = embed("x");
        input_type.embedding.input_type = Some("search_document".into());
        let two = embed("a").message(Message::user("b"));
        let tool = embed("x").tool(ToolSpec::new("t", json!({"type": "object"})));
        assert_refuses_on(
            &TitanEmbed,
            [
                (two, v2, "more than one input text"),
                (PortableRequest::default(), v2, "no input text"),
                (dims, v1, "dimensions on Titan Embeddings G1"),
                (normalize, v1, "normalize on Titan Embeddings G1"),
                (odd_dims, v2, "dimensions 384"),
                (input_type, v2, "input type"),
                (embed("x").system("s"), v2, "system prompt"),
                (embed("x").max_tokens(5), v2, "inference parameters"),
                (tool, v2, "tool use"),
                (
                    embed("x").message(Message::assistant("y")),
                    v2,
                    "assistant turns",
                ),
            ],
        );
    }

    #[test]
    fn parses_the_recorded_v2_response() {
        let resp = TitanEmbed.parse(&recorded(NAME)).unwrap();
        assert_eq!(resp.embeddings.len(), 1);
        assert_eq!(resp.embeddings[0].len(), 1024);
        assert_eq!(resp.embeddings[0][1], 0.04515396);
        assert_eq!(resp.usage, usage(14, 0));
        assert!(resp.text.is_empty());
    }

    #[test]
    fn parses_the_recorded_v1_and_binary_responses() {
        let v1 = TitanEmbed
            .parse(&recorded_in(NAME, "amazon.titan-embed-text-v1"))
            .unwrap();
        assert_eq!(v1.embeddings[0].len(), 1536);
        assert_eq!(v1.embeddings[0][0], 0.002439643);
        assert_eq!(v1.usage.unwrap().input_tokens, 10);
        let binary = TitanEmbed.parse(&recorded_in(NAME, "binary")).unwrap();
        assert_eq!(binary.embeddings[0].len(), 1024);
        assert_eq!(binary.embeddings[0][3], 0.00456578);
    }

    #[test]
    fn falls_back_to_embeddings_by_type() {
        let body = json!({"inputTextTokenCount": 2, "embeddingsByType": {"float": [0.5, -0.5]}});
        let resp = TitanEmbed.parse(body.to_string().as_bytes()).unwrap();
        assert_eq!(resp.embeddings, vec![vec![0.5, -0.5]]);
    }

    #[test]
    fn malformed_bodies_are_errors() {
        let err = TitanEmbed
            .parse(br#"{"inputTextTokenCount":2}"#)
            .unwrap_err();
        assert!(err.to_string().contains("no float embedding"), "{err}");
        let err = TitanEmbed.parse(br#"{"embedding":"nope"}"#).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("titan_embed: cannot parse response"));
    }

    #[test]
    fn read_request_inverts_build() {
        let mut v2_all = embed("Recommend books like 'Inception'.");
        v2_all.embedding.dimensions = Some(256);
        v2_all.embedding.normalize = Some(false);
        let mut v2_dims = embed("x");
        v2_dims.embedding.dimensions = Some(1024);
        assert_reads_back_by_id(
            &TitanEmbed,
            [
                (embed("What services do you offer?"), V1_MODEL_ID),
                (embed(""), V2),
                (v2_all, V2),
                (v2_dims, V2),
            ],
        );
    }

    #[test]
    fn read_request_reads_documented_bodies_and_refuses_odd_ones() {
        let v2 = model(V2);
        let binary = serde_json::to_vec(&request_fixture(NAME, "binary")).unwrap();
        let read = TitanEmbed.read_request(&binary, v2).unwrap();
        // `embeddingTypes` has no portable place: only text and options come back.
        assert_eq!(
            read.user_texts(),
            ["What are the different services that you offer?"]
        );
        assert_eq!(read.embedding.dimensions, Some(256));
        assert_eq!(read.embedding.normalize, Some(true));
        assert_unreadable_requests(
            &TitanEmbed,
            v2,
            [
                &br#"{"texts":["x"]}"#[..],
                br#"{"inputText":5}"#,
                br#"[]"#,
                b"not json",
            ],
        );
    }

    #[test]
    fn rendered_responses_and_chunks_parse_back() {
        // Titan Embeddings reports input tokens only: output_tokens is always 0.
        let resp = PortableResponse {
            embeddings: vec![vec![-0.0321, 0.0412, 0.0087, -0.0735, 1.0e-7, 0.0]],
            usage: usage(14, 0),
            ..Default::default()
        };
        for (id, fixture) in [(V2, "default"), (V1_MODEL_ID, "amazon.titan-embed-text-v1")] {
            let recorded: Value = serde_json::from_slice(&recorded_in(NAME, fixture)).unwrap();
            let answers = [resp.clone()];
            assert_renders_back_unstreamed(&TitanEmbed, &ctx(id), &recorded, answers, |body| {
                assert_eq!(body["embedding"][1].to_string(), "0.0412");
                if id == V2 {
                    assert_eq!(body["embeddingsByType"]["float"], body["embedding"]);
                    assert_eq!(
                        key_order(&body["embeddingsByType"]),
                        key_order(&recorded["embeddingsByType"])
                    );
                }
            });
        }
    }

    #[test]
    fn rendering_needs_exactly_one_finite_vector() {
        let ctx = ctx(V2);
        for (embeddings, expect) in [
            (vec![], "0 embeddings"),
            (vec![vec![0.1], vec![0.2]], "2 embeddings"),
            (vec![vec![f32::NAN]], "non-finite"),
        ] {
            let resp = PortableResponse {
                embeddings,
                ..Default::default()
            };
            let err = TitanEmbed.render_response(&resp, &ctx).unwrap_err();
            assert!(err.to_string().contains(expect), "{err}");
        }
    }

    #[test]
    fn streaming_is_refused() {
        assert_streaming_refused(&TitanEmbed);
    }

    #[test]
    fn binary_is_answered_when_asked_for() {
        let mut req = embed("A lighthouse");
        req.embedding.types = vec!["float".into(), "binary".into()];
        let body = TitanEmbed.build(&req, model(V2)).unwrap();
        assert_eq!(body["embeddingTypes"], json!(["float", "binary"]));
        assert_eq!(
            TitanEmbed
                .read_request(body.to_string().as_bytes(), model(V2))
                .unwrap(),
            req
        );
        let resp = PortableResponse {
            embeddings: vec![vec![0.5, -0.5, 0.25]],
            ..Default::default()
        };
        let ctx = RenderContext {
            request: Some(&req),
            ..ctx(V2)
        };
        let rendered = TitanEmbed.render_response(&resp, &ctx).unwrap();
        assert_eq!(rendered["embeddingsByType"]["binary"], json!([1, 0, 1]));
        let plain = RenderContext {
            request: None,
            ..ctx
        };
        let rendered = TitanEmbed.render_response(&resp, &plain).unwrap();
        assert!(rendered["embeddingsByType"].get("binary").is_none());
    }
}
