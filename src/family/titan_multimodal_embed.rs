//! Amazon Titan Multimodal Embeddings G1 (`amazon.titan-embed-image-v1`):
//! `inputText` and/or `inputImage` (base64), one vector per call, with an
//! optional `embeddingConfig.outputEmbeddingLength`.
//!
//! Shapes from the AWS user guide page "Amazon Titan Multimodal Embeddings
//! G1" (request and response). No streaming.

use super::codec::{Codec, NoStream};
use super::embeddings::{shortest_f32, single_vector};
use super::model_family::RenderContext;
use super::refusals::{refuse_assistant_turns, refuse_generation_options};
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, EmbeddingOptions, ImageFormat, Message, PortableRequest, PortableResponse, Role,
    Usage,
};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

const NAME: &str = "titan_multimodal_embed";

/// The output lengths `outputEmbeddingLength` accepts (default 1024).
pub const OUTPUT_LENGTHS: [u32; 3] = [256, 384, 1024];

/// The Amazon Titan Multimodal Embeddings family.
#[derive(Debug, Clone, Copy, Default)]
pub struct TitanMultimodalEmbed;

/// The InvokeModel request body; at least one of text and image is required.
/// With both, the model averages the two vectors.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TitanMultimodalEmbedRequest {
    /// The text to embed.
    pub input_text: Option<String>,
    /// The image to embed, base64.
    pub input_image: Option<String>,
    /// Output options.
    pub embedding_config: Option<TitanEmbeddingConfig>,
}

/// `embeddingConfig`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TitanEmbeddingConfig {
    /// 256, 384 or 1024 (default).
    pub output_embedding_length: u32,
}

/// The InvokeModel response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TitanMultimodalEmbedResponse {
    /// The vector.
    #[serde(default, serialize_with = "shortest_f32")]
    pub embedding: Option<Vec<f32>>,
    /// Tokens in the text input.
    pub input_text_token_count: Option<u32>,
    /// An error that occurred during generation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Refuses everything an embedding body has no place for.
fn refuse_chat_features(req: &PortableRequest) -> Result<(), Error> {
    refuse_generation_options(NAME, req)?;
    refuse_assistant_turns(NAME, req)
}

/// One input per call: exactly one user turn.
fn single_turn(req: &PortableRequest) -> Result<&Message, Error> {
    match req.messages.as_slice() {
        [] => Err(Error::unsupported(NAME, "a request with no messages")),
        [only] => Ok(only),
        turns => Err(Error::unsupported(
            NAME,
            format!(
                "more than one input ({} user turns) in one call",
                turns.len()
            ),
        )),
    }
}

/// The turn's image, base64; a second image has no place in the body.
fn single_image(turn: &Message) -> Result<Option<String>, Error> {
    let mut images = turn.content.iter().filter_map(|b| match b {
        ContentBlock::Image { data, .. } => Some(data),
        _ => None,
    });
    let first = images.next();
    if images.next().is_some() {
        return Err(Error::unsupported(NAME, "more than one image in one call"));
    }
    Ok(first.map(|data| base64::engine::general_purpose::STANDARD.encode(data)))
}

/// The format of an image, from its first bytes: the body carries bare
/// base64, with no format name.
pub(crate) fn sniff_format(data: &[u8]) -> Option<ImageFormat> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        Some(ImageFormat::Gif)
    } else if data.len() >= 12 && data.starts_with(b"RIFF") && &data[8..12] == b"WEBP" {
        Some(ImageFormat::Webp)
    } else {
        None
    }
}

/// Reads `inputImage` back into an image block.
fn image_block(b64: &str) -> Result<ContentBlock, Error> {
    let data = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| Error::parse(NAME, "request", format!("inputImage: {e}")))?;
    let format = sniff_format(&data).ok_or_else(|| {
        Error::parse(
            NAME,
            "request",
            "inputImage is not a PNG, JPEG, GIF or WebP image",
        )
    })?;
    Ok(ContentBlock::Image { format, data })
}

impl Codec for TitanMultimodalEmbed {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Amazon Titan Multimodal Embeddings";
    type Request = TitanMultimodalEmbedRequest;
    type Response = TitanMultimodalEmbedResponse;
    type Chunk = NoStream;

    /// The typed request from the one user turn: its text and its image.
    fn request(
        &self,
        req: &PortableRequest,
        _: &ModelInfo,
    ) -> Result<TitanMultimodalEmbedRequest, Error> {
        refuse_chat_features(req)?;
        let turn = single_turn(req)?;
        let text = turn.text();
        let input_text = (!text.is_empty()).then_some(text);
        let input_image = single_image(turn)?;
        if input_text.is_none() && input_image.is_none() {
            return Err(Error::unsupported(
                NAME,
                "a request with no input text or image",
            ));
        }
        let opts = &req.embedding;
        if opts.normalize.is_some() {
            return Err(Error::unsupported(NAME, "normalize"));
        }
        if opts.input_type.is_some() {
            return Err(Error::unsupported(NAME, "an input type"));
        }
        if !opts.types.is_empty() {
            return Err(Error::unsupported(NAME, "embedding types"));
        }
        let embedding_config = match opts.dimensions {
            None => None,
            Some(n) if OUTPUT_LENGTHS.contains(&n) => Some(TitanEmbeddingConfig {
                output_embedding_length: n,
            }),
            Some(n) => {
                return Err(Error::unsupported(
                    NAME,
                    format!("dimensions {n} (only 256, 384 or 1024)"),
                ))
            }
        };
        Ok(TitanMultimodalEmbedRequest {
            input_text,
            input_image,
            embedding_config,
        })
    }

    fn portable(&self, resp: TitanMultimodalEmbedResponse) -> Result<PortableResponse, Error> {
        let Some(vector) = resp.embedding else {
            let reason = resp.message.unwrap_or_else(|| "no embedding".into());
            return Err(Error::parse(NAME, "response", reason));
        };
        Ok(PortableResponse {
            embeddings: vec![vector],
            usage: resp.input_text_token_count.map(|n| Usage {
                input_tokens: n,
                output_tokens: 0,
            }),
            ..Default::default()
        })
    }

    /// One user turn: the text, then the image (its format read from its
    /// bytes); a body with neither gives no turn.
    fn portable_request(
        &self,
        req: TitanMultimodalEmbedRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let mut content = Vec::new();
        if let Some(text) = req.input_text {
            content.push(ContentBlock::Text(text));
        }
        if let Some(image) = &req.input_image {
            content.push(image_block(image)?);
        }
        let messages = if content.is_empty() {
            Vec::new()
        } else {
            vec![Message::new(Role::User, content)]
        };
        Ok(PortableRequest {
            messages,
            embedding: EmbeddingOptions {
                dimensions: req.embedding_config.map(|c| c.output_embedding_length),
                ..Default::default()
            },
            ..Default::default()
        })
    }

    /// `embedding` and `inputTextTokenCount`; `message` is only sent with
    /// an error, so it is left out.
    fn native(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<TitanMultimodalEmbedResponse, Error> {
        Ok(TitanMultimodalEmbedResponse {
            embedding: Some(single_vector(NAME, resp)?),
            input_text_token_count: Some(resp.usage.unwrap_or_default().input_tokens),
            message: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::test_support::{
        assert_reads_back, assert_refuses, assert_renders_back_unstreamed, assert_request_errors,
        assert_streaming_refused, ctx, documented_request, model, recorded, request_fixture, usage,
    };
    use crate::family::ModelFamily;
    use crate::portable::ImageFormat;
    use serde_json::{json, Value};

    const ID: &str = "amazon.titan-embed-image-v1";
    /// A real 1x1 PNG.
    const PNG_B64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const CAPTION: &str = "A red bicycle leaning against a brick wall.";

    fn png() -> ContentBlock {
        ContentBlock::Image {
            format: ImageFormat::Png,
            data: base64::engine::general_purpose::STANDARD
                .decode(PNG_B64)
                .unwrap(),
        }
    }

    fn turn(content: Vec<ContentBlock>) -> PortableRequest {
        PortableRequest::default().message(Message::new(Role::User, content))
    }

    #[test]
    fn builds_the_documented_body() {
        let mut req = turn(vec![ContentBlock::Text(CAPTION.into()), png()]);
        req.embedding.dimensions = Some(256);
        let body = TitanMultimodalEmbed.build(&req, model(ID)).unwrap();
        assert_eq!(body, documented_request(NAME));
    }

    #[test]
    fn text_alone_and_image_alone_are_both_inputs() {
        let text = TitanMultimodalEmbed
            .build(&PortableRequest::prompt(CAPTION), model(ID))
            .unwrap();
        assert_eq!(text, request_fixture(NAME, "text_only"));
        let image = TitanMultimodalEmbed
            .request(&turn(vec![png()]), model(ID))
            .unwrap();
        assert_eq!(image.input_text, None);
        assert_eq!(image.input_image.as_deref(), Some(PNG_B64));
    }

    #[test]
    fn the_typed_request_rejects_unknown_keys() {
        let typed: TitanMultimodalEmbedRequest =
            serde_json::from_value(documented_request(NAME)).unwrap();
        assert_eq!(typed.embedding_config.unwrap().output_embedding_length, 256);
        let bad = serde_json::from_value::<TitanMultimodalEmbedRequest>(
            serde_json::json!({"inputText": "x", "dimensions": 256}),
        );
        assert!(bad.is_err());
    }

    #[test]
    fn refuses_what_the_model_cannot_express() {
        let mut odd = PortableRequest::prompt("x");
        odd.embedding.dimensions = Some(512);
        let mut normalize = PortableRequest::prompt("x");
        normalize.embedding.normalize = Some(true);
        assert_refuses(
            &TitanMultimodalEmbed,
            model(ID),
            [
                (
                    PortableRequest::prompt("a").message(Message::user("b")),
                    "more than one input",
                ),
                (turn(vec![png(), png()]), "more than one image"),
                (turn(vec![]), "no input text or image"),
                (PortableRequest::default(), "no messages"),
                (odd, "dimensions 512"),
                (normalize, "normalize"),
                (PortableRequest::prompt("x").system("s"), "system prompt"),
                (
                    PortableRequest::prompt("x").top_k(3),
                    "inference parameters",
                ),
            ],
        );
    }

    #[test]
    fn parses_the_recorded_response() {
        let resp = TitanMultimodalEmbed.parse(&recorded(NAME)).unwrap();
        assert_eq!(resp.embeddings.len(), 1);
        assert_eq!(resp.embeddings[0].len(), 1024);
        assert_eq!(resp.embeddings[0][2], -0.01440464);
        assert_eq!(resp.usage.unwrap().input_tokens, 11);
    }

    #[test]
    fn an_error_message_without_a_vector_is_an_error() {
        let err = TitanMultimodalEmbed
            .parse(br#"{"message":"Image too large"}"#)
            .unwrap_err();
        assert!(err.to_string().contains("Image too large"), "{err}");
        let err = TitanMultimodalEmbed.parse(b"[1,2]").unwrap_err();
        assert!(err
            .to_string()
            .starts_with("titan_multimodal_embed: cannot parse response"));
    }

    #[test]
    fn read_request_inverts_build() {
        let jpeg = ContentBlock::image(
            ImageFormat::Jpeg,
            vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'],
        );
        let mut both = turn(vec![ContentBlock::Text(CAPTION.into()), png()]);
        both.embedding.dimensions = Some(256);
        let mut image_only = turn(vec![jpeg]);
        image_only.embedding.dimensions = Some(1024);
        assert_reads_back(
            &TitanMultimodalEmbed,
            model(ID),
            [PortableRequest::prompt(CAPTION), both, image_only],
        );
    }

    #[test]
    fn read_request_refuses_odd_bodies() {
        let empty = TitanMultimodalEmbed.read_request(b"{}", model(ID)).unwrap();
        assert!(empty.messages.is_empty());
        let cases = [
            (
                json!({"inputImage": "AQID"}),
                "not a PNG, JPEG, GIF or WebP",
            ),
            (json!({"inputImage": "***"}), "inputImage: "),
            (
                json!({"inputText": "x", "dimensions": 256}),
                "cannot parse request",
            ),
            (json!({"embeddingConfig": {}}), "cannot parse request"),
        ];
        assert_request_errors(&TitanMultimodalEmbed, model(ID), cases);
    }

    #[test]
    fn sniffs_every_portable_image_format() {
        assert_eq!(sniff_format(b"GIF89a\x01\x00"), Some(ImageFormat::Gif));
        assert_eq!(
            sniff_format(b"RIFF\x24\x00\x00\x00WEBPVP8 "),
            Some(ImageFormat::Webp)
        );
        assert_eq!(sniff_format(b"RIFF\x24\x00\x00\x00WAVE"), None);
        assert_eq!(sniff_format(b""), None);
    }

    #[test]
    fn rendered_responses_and_chunks_parse_back() {
        // The body carries input tokens only: output_tokens is always 0.
        let resp = PortableResponse {
            embeddings: vec![vec![0.0183, -0.0271, 0.0452, 0.0098]],
            usage: usage(11, 0),
            ..Default::default()
        };
        let ctx = ctx(ID);
        let recorded: Value = serde_json::from_slice(&recorded(NAME)).unwrap();
        assert_renders_back_unstreamed(&TitanMultimodalEmbed, &ctx, &recorded, [resp], |body| {
            assert_eq!(body["embedding"][2].to_string(), "0.0452");
        });
        let none = PortableResponse::default();
        let err = TitanMultimodalEmbed
            .render_response(&none, &ctx)
            .unwrap_err();
        assert!(err.to_string().contains("0 embeddings"), "{err}");
    }

    #[test]
    fn streaming_is_refused() {
        assert_streaming_refused(&TitanMultimodalEmbed);
    }
}
