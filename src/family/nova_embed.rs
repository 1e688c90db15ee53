//! Amazon Nova Multimodal Embeddings (`amazon.nova-2-multimodal-embeddings-v1:0`)
//! over InvokeModel: `taskType` `SINGLE_EMBEDDING` and
//! `singleEmbeddingParams` with one input (text, an image, audio or video),
//! an `embeddingPurpose` and an `embeddingDimension` (256, 384, 1024 or
//! 3072, the default). The answer is `embeddings`, one entry per vector
//! with its `embeddingType`: `TEXT`, `IMAGE`, `AUDIO`, or for a video
//! `AUDIO_VIDEO_COMBINED`, or `VIDEO` then `AUDIO` when it is embedded with
//! `AUDIO_VIDEO_SEPARATE` (the page: two entries, the video's then the
//! audio's).
//!
//! Shapes from the AWS Nova user guide page "Embeddings request and
//! response schema" (embeddings-schema.html) and the AWS News Blog's
//! launch example (2025-10-28). `SEGMENTED_EMBEDDING` is for
//! StartAsyncInvoke only, which the fake does not serve yet. Audio and
//! video are [`Media`] blocks, the video's `embeddingMode` the request's
//! [`EmbeddingOptions::media_embeddings`]; inputs in S3 are read as S3
//! locations (the fake never fetches them). A text in S3 has no portable
//! form. No streaming.

use super::codec::{Codec, NoStream};
use super::embeddings::shortest_f32;
use super::model_family::RenderContext;
use super::refusals::refuse_generation_options;
use crate::error::Error;
use crate::media::{AwsMedia, AwsSource, Media, MediaKind, MediaSource};
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, EmbeddingOptions, ImageFormat, Message, PortableRequest, PortableResponse, Role,
};
use serde::{Deserialize, Serialize};

const NAME: &str = "nova_embed";

/// The only `schemaVersion`.
pub const SCHEMA_VERSION: &str = "nova-multimodal-embed-v1";

/// The purpose written when the request names none.
pub const DEFAULT_PURPOSE: &str = "GENERIC_INDEX";

/// The lengths `embeddingDimension` takes (3072 by default).
pub const DIMENSIONS: [u32; 4] = [256, 384, 1024, 3072];

/// A video's `embeddingMode` that makes one vector of sound and pictures.
pub const COMBINED: &str = "AUDIO_VIDEO_COMBINED";

/// A video's `embeddingMode` that makes a vector of the pictures, then one
/// of the sound.
pub const SEPARATE: &str = "AUDIO_VIDEO_SEPARATE";

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
    /// Audio to embed.
    pub audio: Option<AwsMedia>,
    /// Video to embed.
    pub video: Option<NovaEmbedVideo>,
}

/// `video`: a media block and how to embed its sound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NovaEmbedVideo {
    /// [`COMBINED`] or [`SEPARATE`].
    pub embedding_mode: String,
    /// `mp4`, `mov`, ...
    pub format: String,
    /// The bytes or where they are.
    pub source: AwsSource,
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
    pub source: Option<AwsSource>,
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
    pub source: AwsSource,
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
    const MEDIA: &'static [MediaKind] = &[MediaKind::Audio, MediaKind::Video];
    type Chunk = NoStream;

    /// One input: the turn's text, image, audio or video.
    fn request(&self, req: &PortableRequest, _: &ModelInfo) -> Result<NovaEmbedRequest, Error> {
        let turn = refuse_other_features(req)?;
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
        let mut params = NovaEmbedParams {
            embedding_purpose: purpose.into(),
            embedding_dimension: req.embedding.dimensions,
            text: None,
            image: None,
            audio: None,
            video: None,
        };
        match turn.content.as_slice() {
            [ContentBlock::Text(value)] => {
                params.text = Some(NovaEmbedText {
                    truncation_mode: "END".into(),
                    value: Some(value.clone()),
                    source: None,
                })
            }
            [ContentBlock::Image { format, data }] => {
                params.image = Some(NovaEmbedMedia {
                    format: format.as_str().into(),
                    detail_level: None,
                    source: AwsSource::from(&MediaSource::Bytes(data.clone())),
                })
            }
            [ContentBlock::Media(media)] if media.kind == MediaKind::Audio => {
                params.audio = Some(AwsMedia::from_portable(media))
            }
            [ContentBlock::Media(media)] => {
                params.video = Some(NovaEmbedVideo {
                    embedding_mode: embedding_mode(&req.embedding.media_embeddings)?.into(),
                    format: media.format.clone(),
                    source: AwsSource::from(&media.source),
                })
            }
            _ => {
                return Err(Error::unsupported(
                    NAME,
                    "an input other than one text, image, audio or video",
                ))
            }
        }
        if !req.embedding.types.is_empty() {
            return Err(Error::unsupported(NAME, "embedding types"));
        }
        Ok(NovaEmbedRequest {
            schema_version: Some(SCHEMA_VERSION.into()),
            task_type: "SINGLE_EMBEDDING".into(),
            single_embedding_params: params,
        })
    }

    fn portable_request(
        &self,
        native: NovaEmbedRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let p = native.single_embedding_params;
        let bad = |e: String| Error::parse(NAME, "request", e);
        let mut media_embeddings = Vec::new();
        let block = if let Some(text) = p.text {
            let value = text
                .value
                .ok_or_else(|| bad("text from an S3 location has no portable form".into()))?;
            ContentBlock::Text(value)
        } else if let Some(image) = p.image {
            let format = ImageFormat::from_name(&image.format)
                .ok_or_else(|| bad(format!("image format {:?}", image.format)))?;
            match image.source.portable().map_err(bad)? {
                MediaSource::Bytes(data) => ContentBlock::Image { format, data },
                MediaSource::S3 { .. } => {
                    return Err(bad(
                        "an image from an S3 location has no portable form".into()
                    ))
                }
            }
        } else if let Some(audio) = p.audio {
            ContentBlock::Media(audio.portable(MediaKind::Audio).map_err(bad)?)
        } else if let Some(video) = p.video {
            media_embeddings = video_vectors(&video.embedding_mode)
                .iter()
                .map(|t| t.to_string())
                .collect();
            let source = video.source.portable().map_err(bad)?;
            ContentBlock::Media(Media::new(MediaKind::Video, video.format, source))
        } else {
            return Err(bad("a request with no input".into()));
        };
        Ok(PortableRequest {
            messages: vec![Message::new(Role::User, vec![block])],
            embedding: EmbeddingOptions {
                dimensions: p.embedding_dimension,
                normalize: None,
                input_type: Some(p.embedding_purpose),
                types: Vec::new(),
                media_embeddings,
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

    /// Each vector with the type of what it embeds, read from the request
    /// (`TEXT` when there is none).
    fn native(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<NovaEmbedResponse, Error> {
        let vectors = super::embeddings::all_vectors(NAME, resp)?;
        if vectors.is_empty() {
            return Err(Error::unsupported(NAME, "a response with no embedding"));
        }
        let types = ctx.request.map(embedding_types).unwrap_or_default();
        Ok(NovaEmbedResponse {
            embeddings: vectors
                .into_iter()
                .enumerate()
                .map(|(i, embedding)| NovaEmbedding {
                    embedding_type: types.get(i).copied().unwrap_or("TEXT").into(),
                    embedding,
                    truncated_char_length: None,
                })
                .collect(),
        })
    }
}

/// The `embeddingType` of each vector a request asks for.
fn embedding_types(req: &PortableRequest) -> Vec<&'static str> {
    let Some(turn) = req.messages.first() else {
        return Vec::new();
    };
    match turn.content.first() {
        Some(ContentBlock::Image { .. }) => vec!["IMAGE"],
        Some(ContentBlock::Media(m)) if m.kind == MediaKind::Audio => vec!["AUDIO"],
        Some(ContentBlock::Media(_)) => {
            let mode = embedding_mode(&req.embedding.media_embeddings).unwrap_or(COMBINED);
            video_vectors(mode).to_vec()
        }
        _ => vec!["TEXT"],
    }
}

/// The vectors a video's `embeddingMode` makes, in the answer's order.
fn video_vectors(mode: &str) -> &'static [&'static str] {
    if mode == SEPARATE {
        &["VIDEO", "AUDIO"]
    } else {
        &[COMBINED]
    }
}

/// The `embeddingMode` for the portable list of a video's vectors
/// (combined when the list is empty).
fn embedding_mode(vectors: &[String]) -> Result<&'static str, Error> {
    match vectors {
        [] => Ok(COMBINED),
        [one] if one == COMBINED => Ok(COMBINED),
        [a, b] if a == "VIDEO" && b == "AUDIO" => Ok(SEPARATE),
        other => Err(Error::unsupported(
            NAME,
            format!("video embeddings {other:?} (AUDIO_VIDEO_COMBINED, or VIDEO then AUDIO)"),
        )),
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
    fn audio_and_video_read_back_as_media_and_answer_with_their_types() {
        let audio = json!({"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {
            "embeddingPurpose": "GENERIC_INDEX",
            "audio": {"format": "mp3", "source": {"bytes": "AAAA"}}}});
        let read = NovaEmbed
            .read_request(audio.to_string().as_bytes(), model(ID))
            .unwrap();
        let clip = Media::new(MediaKind::Audio, "mp3", MediaSource::Bytes(vec![0, 0, 0]));
        assert_eq!(read.messages[0].content, vec![ContentBlock::Media(clip)]);
        assert_eq!(embedding_types(&read), vec!["AUDIO"]);
        let body = NovaEmbed.build(&read, model(ID)).unwrap();
        assert_eq!(
            body["singleEmbeddingParams"]["audio"],
            audio["singleEmbeddingParams"]["audio"]
        );

        let video = json!({"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {
            "embeddingPurpose": "VIDEO_RETRIEVAL", "embeddingDimension": 1024,
            "video": {"format": "mp4", "embeddingMode": "AUDIO_VIDEO_SEPARATE",
                      "source": {"s3Location": {"uri": "s3://b/clip.mp4", "bucketOwner": "111122223333"}}}}});
        let read = NovaEmbed
            .read_request(video.to_string().as_bytes(), model(ID))
            .unwrap();
        assert_eq!(read.embedding.media_embeddings, vec!["VIDEO", "AUDIO"]);
        assert_eq!(read.vectors_per_input(), vec![2]);
        assert_eq!(embedding_types(&read), vec!["VIDEO", "AUDIO"]);
        let rebuilt = NovaEmbed.build(&read, model(ID)).unwrap();
        assert_eq!(
            rebuilt["singleEmbeddingParams"]["video"],
            video["singleEmbeddingParams"]["video"]
        );
    }

    #[test]
    fn a_text_in_s3_has_no_portable_form_and_says_so() {
        let body = json!({"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {
            "embeddingPurpose": "GENERIC_INDEX",
            "text": {"truncationMode": "END", "source": {"s3Location": {"uri": "s3://b/t.txt"}}}}});
        let err = NovaEmbed
            .read_request(body.to_string().as_bytes(), model(ID))
            .unwrap_err();
        assert!(
            err.to_string().contains("text from an S3 location"),
            "{err}"
        );
    }

    #[test]
    fn a_video_mode_the_wire_cannot_say_is_refused() {
        let mut req = PortableRequest::default().message(Message::new(
            Role::User,
            vec![ContentBlock::Media(Media::new(
                MediaKind::Video,
                "mp4",
                MediaSource::s3("s3://b/v.mp4"),
            ))],
        ));
        req.embedding.media_embeddings = vec!["AUDIO".into()];
        let err = NovaEmbed.build(&req, model(ID)).unwrap_err();
        assert!(err.to_string().contains("VIDEO then AUDIO"), "{err}");
    }

    #[test]
    fn the_recorded_answer_has_the_default_length() {
        let resp = NovaEmbed.parse(&recorded(NAME)).unwrap();
        assert_eq!(resp.embeddings.len(), 1);
        assert_eq!(resp.embeddings[0].len(), 3072);
    }
}
