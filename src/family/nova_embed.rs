//! Amazon Nova Multimodal Embeddings (`amazon.nova-2-multimodal-embeddings-v1:0`)
//! over InvokeModel: `taskType` `SINGLE_EMBEDDING` and
//! `singleEmbeddingParams` with one input (text, an image, audio or video),
//! an `embeddingPurpose` and an `embeddingDimension` (256, 384, 1024 or
//! 3072, the default). The answer is `embeddings`, one entry per vector
//! with its `embeddingType` (two for a video embedded with
//! `AUDIO_VIDEO_SEPARATE`).
//!
//! Shapes from the AWS Nova user guide page "Embeddings request and
//! response schema" (embeddings-schema.html) and the AWS News Blog's
//! launch example (2025-10-28). `SEGMENTED_EMBEDDING` is for
//! StartAsyncInvoke only, which the fake does not serve yet. Text and
//! images have portable forms; audio and video inputs are read by the
//! schema and answered, but have no portable block, so reading them back
//! is an error that names the modality. No streaming.

use super::codec::{Codec, NoStream};
use super::embeddings::shortest_f32;
use super::model_family::RenderContext;
use super::refusals::refuse_generation_options;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, EmbeddingOptions, ImageFormat, Message, PortableRequest, PortableResponse, Role,
};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

const NAME: &str = "nova_embed";

/// The only `schemaVersion`.
pub const SCHEMA_VERSION: &str = "nova-multimodal-embed-v1";

/// The purpose written when the request names none.
pub const DEFAULT_PURPOSE: &str = "GENERIC_INDEX";

/// The lengths `embeddingDimension` takes (3072 by default).
pub const DIMENSIONS: [u32; 4] = [256, 384, 1024, 3072];

/// The Nova Multimodal Embeddings family.
#[derive(Debug, Clone, Copy, Default)]
pub struct NovaEmbed;

/// The InvokeModel request body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NovaEmbedRequest {
    /// Always [`SCHEMA_VERSION`] when present.
    pub schema_version: Option<String>,
    /// `SINGLE_EMBEDDING` over InvokeModel.
    pub task_type: String,
    /// What to embed and how.
    pub single_embedding_params: NovaEmbedParams,
}

/// `singleEmbeddingParams`: one input and the options.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NovaEmbedParams {
    /// `GENERIC_INDEX`, `GENERIC_RETRIEVAL`, `TEXT_RETRIEVAL`, ...
    pub embedding_purpose: String,
    /// 256, 384, 1024 or 3072 (default).
    pub embedding_dimension: Option<u32>,
    /// Text to embed.
    pub text: Option<NovaEmbedText>,
    /// An image to embed.
    pub image: Option<NovaEmbedMedia>,
    /// Audio to embed (no portable form).
    pub audio: Option<Value>,
    /// Video to embed (no portable form).
    pub video: Option<Value>,
}

/// `text`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NovaEmbedText {
    /// `START`, `END` or `NONE`.
    pub truncation_mode: String,
    /// The text (or an S3 `source`).
    pub value: Option<String>,
    /// An S3 location of the text.
    pub source: Option<Value>,
}

/// `image`: its format and bytes.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NovaEmbedMedia {
    /// `png`, `jpeg`, `gif` or `webp`.
    pub format: String,
    /// `STANDARD_IMAGE` (default) or `DOCUMENT_IMAGE`.
    pub detail_level: Option<String>,
    /// `{"bytes": "<base64>"}` or `{"s3Location": {"uri": ...}}`.
    pub source: NovaEmbedSource,
}

/// A media source.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NovaEmbedSource {
    /// The bytes, base64.
    pub bytes: Option<String>,
    /// An S3 location.
    pub s3_location: Option<Value>,
}

/// The InvokeModel response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NovaEmbedResponse {
    /// One entry per vector.
    pub embeddings: Vec<NovaEmbedding>,
}

/// One vector and what it embeds.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaEmbedding {
    /// `TEXT`, `IMAGE`, `AUDIO`, `VIDEO` or `AUDIO_VIDEO_COMBINED`.
    pub embedding_type: String,
    /// The vector.
    #[serde(serialize_with = "shortest_f32")]
    pub embedding: Vec<f32>,
    /// Characters kept, when the text was truncated.
    pub truncated_char_length: Option<u32>,
}

/// Refuses what an embedding body has no place for.
fn refuse_other_features(req: &PortableRequest) -> Result<&Message, Error> {
    refuse_generation_options(NAME, req)?;
    if req.embedding.normalize.is_some() {
        return Err(Error::unsupported(NAME, "normalize"));
    }
    match req.messages.as_slice() {
        [only] if only.role == Role::User => Ok(only),
        [] => Err(Error::unsupported(NAME, "a request with no input")),
        _ => Err(Error::unsupported(NAME, "more than one input in one call")),
    }
}

impl Codec for NovaEmbed {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Amazon Nova Multimodal Embeddings";
    type Request = NovaEmbedRequest;
    type Response = NovaEmbedResponse;
    type Chunk = NoStream;

    /// One input: the turn's text, or its one image.
    fn request(&self, req: &PortableRequest, _: &ModelInfo) -> Result<NovaEmbedRequest, Error> {
        let turn = refuse_other_features(req)?;
        let (mut text, mut image) = (None, None);
        match turn.content.as_slice() {
            [ContentBlock::Text(value)] => {
                text = Some(NovaEmbedText {
                    truncation_mode: "END".into(),
                    value: Some(value.clone()),
                    source: None,
                })
            }
            [ContentBlock::Image { format, data }] => {
                image = Some(NovaEmbedMedia {
                    format: format.as_str().into(),
                    detail_level: None,
                    source: NovaEmbedSource {
                        bytes: Some(base64::engine::general_purpose::STANDARD.encode(data)),
                        s3_location: None,
                    },
                })
            }
            _ => {
                return Err(Error::unsupported(
                    NAME,
                    "an input other than one text or one image",
                ))
            }
        }
        if let Some(n) = req.embedding.dimensions.filter(|n| !DIMENSIONS.contains(n)) {
            return Err(Error::unsupported(
                NAME,
                format!("dimensions {n} (only 256, 384, 1024 or 3072)"),
            ));
        }
        let purpose = req
            .embedding
            .input_type
            .as_deref()
            .unwrap_or(DEFAULT_PURPOSE);
        Ok(NovaEmbedRequest {
            schema_version: Some(SCHEMA_VERSION.into()),
            task_type: "SINGLE_EMBEDDING".into(),
            single_embedding_params: NovaEmbedParams {
                embedding_purpose: purpose.into(),
                embedding_dimension: req.embedding.dimensions,
                text,
                image,
                audio: None,
                video: None,
            },
        })
    }

    fn portable_request(
        &self,
        native: NovaEmbedRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let p = native.single_embedding_params;
        let block = if let Some(text) = p.text {
            let value = text.value.ok_or_else(|| {
                Error::parse(
                    NAME,
                    "request",
                    "text from an S3 location has no portable form",
                )
            })?;
            ContentBlock::Text(value)
        } else if let Some(image) = p.image {
            let format = ImageFormat::from_name(&image.format).ok_or_else(|| {
                Error::parse(NAME, "request", format!("image format {:?}", image.format))
            })?;
            let bytes = image.source.bytes.ok_or_else(|| {
                Error::parse(
                    NAME,
                    "request",
                    "an image from an S3 location has no portable form",
                )
            })?;
            let data = base64::engine::general_purpose::STANDARD
                .decode(bytes)
                .map_err(|e| Error::parse(NAME, "request", format!("image bytes: {e}")))?;
            ContentBlock::Image { format, data }
        } else {
            let modality = if p.audio.is_some() { "audio" } else { "video" };
            return Err(Error::parse(
                NAME,
                "request",
                format!("{modality} input has no portable form"),
            ));
        };
        Ok(PortableRequest {
            messages: vec![Message::new(Role::User, vec![block])],
            embedding: EmbeddingOptions {
                dimensions: p.embedding_dimension,
                normalize: None,
                input_type: Some(p.embedding_purpose),
                types: Vec::new(),
            },
            ..Default::default()
        })
    }

    fn portable(&self, native: NovaEmbedResponse) -> Result<PortableResponse, Error> {
        Ok(PortableResponse {
            embeddings: native.embeddings.into_iter().map(|e| e.embedding).collect(),
            ..Default::default()
        })
    }

    /// Each vector as a `TEXT` embedding: the portable response does not
    /// say what was embedded.
    fn native(
        &self,
        resp: &PortableResponse,
        _ctx: &RenderContext<'_>,
    ) -> Result<NovaEmbedResponse, Error> {
        let vectors = super::embeddings::all_vectors(NAME, resp)?;
        if vectors.is_empty() {
            return Err(Error::unsupported(NAME, "a response with no embedding"));
        }
        Ok(NovaEmbedResponse {
            embeddings: vectors
                .into_iter()
                .map(|embedding| NovaEmbedding {
                    embedding_type: "TEXT".into(),
                    embedding,
                    truncated_char_length: None,
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::test_support::{model, recorded};
    use crate::family::ModelFamily;
    use serde_json::json;

    const ID: &str = "amazon.nova-2-multimodal-embeddings-v1:0";

    #[test]
    fn text_is_embedded_as_aws_documents_it() {
        let mut req = PortableRequest::prompt("Amazon Nova is a multimodal foundation model");
        req.embedding.dimensions = Some(3072);
        let body = NovaEmbed.build(&req, model(ID)).unwrap();
        assert_eq!(
            body,
            json!({"schemaVersion": "nova-multimodal-embed-v1", "taskType": "SINGLE_EMBEDDING",
                   "singleEmbeddingParams": {"embeddingPurpose": "GENERIC_INDEX", "embeddingDimension": 3072,
                       "text": {"truncationMode": "END", "value": "Amazon Nova is a multimodal foundation model"}}})
        );
    }

    #[test]
    fn text_and_images_read_back() {
        let mut text = PortableRequest::prompt("A lighthouse");
        text.embedding.input_type = Some("TEXT_RETRIEVAL".into());
        let image = PortableRequest::default().message(Message::new(
            Role::User,
            vec![ContentBlock::image(
                ImageFormat::Png,
                crate::fake::synth::png(2, 2, [1, 2, 3]),
            )],
        ));
        for req in [text, image] {
            let body = NovaEmbed.build_bytes(&req, model(ID)).unwrap();
            let mut read = NovaEmbed.read_request(&body, model(ID)).unwrap();
            if req.embedding.input_type.is_none() {
                assert_eq!(read.embedding.input_type.as_deref(), Some(DEFAULT_PURPOSE));
                read.embedding.input_type = None;
            }
            assert_eq!(read, req);
        }
    }

    #[test]
    fn audio_has_no_portable_form_and_says_so() {
        let body = json!({"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {
            "embeddingPurpose": "GENERIC_INDEX",
            "audio": {"format": "mp3", "source": {"bytes": "AAAA"}}}});
        let err = NovaEmbed
            .read_request(body.to_string().as_bytes(), model(ID))
            .unwrap_err();
        assert!(
            err.to_string().contains("audio input has no portable form"),
            "{err}"
        );
    }

    #[test]
    fn the_recorded_answer_has_the_default_length() {
        let resp = NovaEmbed.parse(&recorded(NAME)).unwrap();
        assert_eq!(resp.embeddings.len(), 1);
        assert_eq!(resp.embeddings[0].len(), 3072);
    }
}
