//! TwelveLabs Marengo Embed 3.0 (`twelvelabs.marengo-embed-3-0-v1:0`) over
//! InvokeModel: text, an image, text with an image, or text with several
//! images, embedded as one 512-value vector.
//!
//! Shapes from the AWS user guide page "TwelveLabs Marengo Embed 3.0"
//! (model-parameters-marengo-3): the input sits under a key named after
//! `inputType` (`{"inputType":"text","text":{"inputText":...}}`,
//! `image.mediaSource`, `text_image`, `multi_input.mediaSources`), with an
//! optional `inferenceId`. Video and audio are StartAsyncInvoke's ("For
//! video and audio input, use StartAsyncInvoke"), which the fake does not
//! serve yet, so the InvokeModel schema refuses them. The answer is
//! `{"data":[{"embedding":[...]}]}`: the page's sample writes `data` as one
//! object but its text says a list, and every client read (TwelveLabs'
//! workshop, litellm, two search apps) takes `data[0]`. Sync inputs carry
//! no `embeddingOption`, `startSec` or `endSec` (the page). No streaming.
//!
//! An image in S3 has no portable form: the portable image block holds
//! bytes.

use super::MediaSourceBody;
use crate::error::Error;
use crate::family::codec::{Codec, NoStream};
use crate::family::embeddings::shortest_f32;
use crate::family::model_family::RenderContext;
use crate::family::refusals::refuse_generation_options;
use crate::media::MediaSource;
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, EmbeddingOptions, ImageFormat, Message, PortableRequest, PortableResponse, Role,
};
use serde::{Deserialize, Serialize};

const NAME: &str = "twelvelabs_marengo";

/// The length of every Marengo 3.0 vector ("Reduced from 1024 to 512").
pub const DIMENSIONS: u32 = 512;

/// The Marengo Embed family.
#[derive(Debug, Clone, Copy, Default)]
pub struct Marengo;

/// The InvokeModel body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MarengoRequest {
    /// `text`, `image`, `text_image` or `multi_input`.
    pub input_type: String,
    /// The text of a `text` input.
    pub text: Option<MarengoText>,
    /// The image of an `image` input.
    pub image: Option<MarengoMedia>,
    /// Text and one image.
    #[serde(rename = "text_image")]
    pub text_image: Option<MarengoMedia>,
    /// Text and several images.
    #[serde(rename = "multi_input")]
    pub multi_input: Option<MarengoMulti>,
    /// The caller's id for the call.
    pub inference_id: Option<String>,
}

/// `text`: the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MarengoText {
    /// At most 500 tokens.
    pub input_text: String,
}

/// `image` or `text_image`: a media source and, for `text_image`, text.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MarengoMedia {
    /// The text of a `text_image` input.
    pub input_text: Option<String>,
    /// The image.
    pub media_source: MediaSourceBody,
}

/// `multi_input`: text with `<@name>` placeholders and the images.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MarengoMulti {
    /// The text; optional.
    pub input_text: Option<String>,
    /// At least one image.
    pub media_sources: Vec<MarengoNamedMedia>,
}

/// One of `mediaSources`: its name, its type (`image`) and its source.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarengoNamedMedia {
    /// The name the text's `<@name>` placeholders use.
    pub name: Option<String>,
    /// `image`, the only type.
    pub media_type: String,
    /// The bytes or where they are.
    #[serde(flatten)]
    pub source: MediaSourceBody,
}

/// The InvokeModel answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarengoResponse {
    /// One entry per vector (one for every InvokeModel input).
    pub data: Vec<MarengoData>,
}

/// One vector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarengoData {
    /// 512 values.
    #[serde(serialize_with = "shortest_f32")]
    pub embedding: Vec<f32>,
}

fn portable_image(source: &MediaSourceBody) -> Result<ContentBlock, Error> {
    match source
        .source()
        .map_err(|e| Error::parse(NAME, "request", e))?
    {
        MediaSource::Bytes(data) => {
            let format = ImageFormat::sniff(&data).unwrap_or(ImageFormat::Png);
            Ok(ContentBlock::Image { format, data })
        }
        MediaSource::S3 { .. } => Err(Error::parse(
            NAME,
            "request",
            "an image in S3 has no portable form",
        )),
    }
}

impl Codec for Marengo {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "TwelveLabs Marengo Embed";
    type Request = MarengoRequest;
    type Response = MarengoResponse;
    type Chunk = NoStream;

    /// One user turn: its text, its image, or both; several images make a
    /// `multi_input` (named `image1`, `image2`, ...).
    fn request(&self, req: &PortableRequest, _: &ModelInfo) -> Result<MarengoRequest, Error> {
        refuse_generation_options(NAME, req)?;
        let o = &req.embedding;
        if o.normalize.is_some() || o.input_type.is_some() || !o.types.is_empty() {
            return Err(Error::unsupported(NAME, "embedding options"));
        }
        if o.dimensions.is_some_and(|d| d != DIMENSIONS) {
            return Err(Error::unsupported(NAME, "dimensions other than 512"));
        }
        let turn = match req.messages.as_slice() {
            [only] if only.role == Role::User => only,
            _ => return Err(Error::unsupported(NAME, "other than one input per call")),
        };
        let text = turn.text();
        let images: Vec<MediaSourceBody> = turn
            .content
            .iter()
            .filter_map(|b| match b {
                ContentBlock::Image { data, .. } => Some(MediaSourceBody::from_source(
                    &MediaSource::Bytes(data.clone()),
                )),
                _ => None,
            })
            .collect();
        let mut body = MarengoRequest::default();
        match (text.is_empty(), images.len()) {
            (true, 0) => return Err(Error::unsupported(NAME, "a request with no input")),
            (false, 0) => {
                body.input_type = "text".into();
                body.text = Some(MarengoText { input_text: text });
            }
            (true, 1) => {
                body.input_type = "image".into();
                body.image = images.into_iter().next().map(|media_source| MarengoMedia {
                    input_text: None,
                    media_source,
                });
            }
            (false, 1) => {
                body.input_type = "text_image".into();
                body.text_image = images.into_iter().next().map(|media_source| MarengoMedia {
                    input_text: Some(text),
                    media_source,
                });
            }
            _ => {
                body.input_type = "multi_input".into();
                body.multi_input = Some(MarengoMulti {
                    input_text: (!text.is_empty()).then_some(text),
                    media_sources: images
                        .into_iter()
                        .enumerate()
                        .map(|(i, source)| MarengoNamedMedia {
                            name: Some(format!("image{}", i + 1)),
                            media_type: "image".into(),
                            source,
                        })
                        .collect(),
                });
            }
        }
        Ok(body)
    }

    fn portable_request(
        &self,
        body: MarengoRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let mut content = Vec::new();
        if let Some(text) = body.text {
            content.push(ContentBlock::Text(text.input_text));
        }
        for media in body.image.iter().chain(&body.text_image) {
            if let Some(text) = &media.input_text {
                content.push(ContentBlock::Text(text.clone()));
            }
            content.push(portable_image(&media.media_source)?);
        }
        if let Some(multi) = body.multi_input {
            content.extend(multi.input_text.map(ContentBlock::Text));
            for media in &multi.media_sources {
                content.push(portable_image(&media.source)?);
            }
        }
        Ok(PortableRequest {
            messages: vec![Message::new(Role::User, content)],
            embedding: EmbeddingOptions::default(),
            ..Default::default()
        })
    }

    fn portable(&self, resp: MarengoResponse) -> Result<PortableResponse, Error> {
        Ok(PortableResponse {
            embeddings: resp.data.into_iter().map(|d| d.embedding).collect(),
            ..Default::default()
        })
    }

    fn native(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<MarengoResponse, Error> {
        let vectors = crate::family::embeddings::all_vectors(NAME, resp)?;
        if vectors.is_empty() {
            return Err(Error::unsupported(NAME, "a response with no embedding"));
        }
        Ok(MarengoResponse {
            data: vectors
                .into_iter()
                .map(|embedding| MarengoData { embedding })
                .collect(),
        })
    }
}
