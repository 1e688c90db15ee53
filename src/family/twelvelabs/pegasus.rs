//! TwelveLabs Pegasus 1.2 (`twelvelabs.pegasus-1-2-v1:0`): a question about
//! a video, answered in text, over InvokeModel and
//! InvokeModelWithResponseStream.
//!
//! Shapes from the AWS user guide page "TwelveLabs Pegasus 1.2"
//! (model-parameters-pegasus): `inputPrompt`, `mediaSource` (the video as
//! `base64String` or an `s3Location`), `temperature` (0–1),
//! `maxOutputTokens` (at most 4,096) and `responseFormat` (a JSON schema);
//! the answer is `{"message","finishReason"}` with `stop` or `length`.
//! Stream chunks are `{"message": <text delta>}`, as TwelveLabs' own
//! Bedrock workshop reads them (twelvelabs-io/tl-solutions-samples); no
//! source shows the last chunk, so the fake puts `finishReason` there,
//! beside Bedrock's invocation metrics. Not a Converse model.
//!
//! The video is a [`Media`] block after the prompt's text. The body names
//! no format: the portable format is read from the bytes (an MP4's `ftyp`
//! box, WebM/Matroska's EBML header) or the S3 key's extension, `mp4`
//! otherwise. `responseFormat` is the portable output schema; the answer's
//! `message` is then JSON the schema accepts.

use super::MediaSourceBody;
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::family::codec::Codec;
use crate::family::model_family::{text_chunks, RenderContext};
use crate::media::{Media, MediaKind, MediaSource};
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, InferenceParams, Message, PortableRequest, PortableResponse, Role, StopReason,
    StreamEvent,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

const NAME: &str = "twelvelabs_pegasus";

/// The Pegasus family.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pegasus;

/// The InvokeModel body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PegasusRequest {
    /// The question; at most 2,000 tokens.
    pub input_prompt: String,
    /// The video.
    pub media_source: MediaSourceBody,
    /// 0–1, 0.2 by default.
    pub temperature: Option<f32>,
    /// At most 4,096.
    pub max_output_tokens: Option<u32>,
    /// A JSON schema the answer follows.
    pub response_format: Option<PegasusResponseFormat>,
}

/// `responseFormat`: `{"type": "json_schema", "jsonSchema": {"name": ...,
/// "schema": {...}}}` (TwelveLabs' own samples leave out `type`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PegasusResponseFormat {
    /// `json_schema`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The schema and its name.
    pub json_schema: PegasusJsonSchema,
}

/// `responseFormat.jsonSchema`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PegasusJsonSchema {
    /// The schema's name.
    pub name: Option<String>,
    /// What the schema is for.
    pub description: Option<String>,
    /// The JSON Schema the answer follows.
    pub schema: Value,
}

/// The InvokeModel answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PegasusResponse {
    /// The answer (a JSON string under `responseFormat`).
    pub message: String,
    /// `stop` or `length`.
    pub finish_reason: String,
}

/// One stream chunk: a piece of the answer, the finish reason on the last.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PegasusChunk {
    /// The next piece of the answer (may be empty).
    pub message: String,
    /// `stop` or `length`, on the last chunk.
    pub finish_reason: Option<String>,
}

fn stop_reason(reason: &str) -> StopReason {
    match reason {
        "stop" => StopReason::EndTurn,
        "length" => StopReason::MaxTokens,
        other => StopReason::Other(other.to_string()),
    }
}

fn finish_reason(reason: Option<&StopReason>) -> String {
    match reason {
        Some(StopReason::MaxTokens) => "length".into(),
        Some(StopReason::Other(other)) => other.clone(),
        _ => "stop".into(),
    }
}

/// The video format the portable block names: from the bytes' signature
/// or the S3 key's extension, else `mp4`.
fn video_format(source: &MediaSource) -> String {
    const EXTENSIONS: [&str; 8] = ["mp4", "mov", "mkv", "webm", "avi", "mpeg", "mpg", "3gp"];
    let named = match source {
        MediaSource::Bytes(data) if data.get(4..8) == Some(b"ftyp") => Some("mp4".to_string()),
        MediaSource::Bytes(data) if data.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) => {
            Some("webm".to_string())
        }
        MediaSource::Bytes(_) => None,
        MediaSource::S3 { uri, .. } => uri
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .filter(|ext| EXTENSIONS.contains(&ext.as_str())),
    };
    named.unwrap_or_else(|| "mp4".into())
}

impl Codec for Pegasus {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "TwelveLabs Pegasus";
    const MEDIA: &'static [MediaKind] = &[MediaKind::Video];
    /// `responseFormat`.
    const STRUCTURED: bool = true;
    type Request = PegasusRequest;
    type Response = PegasusResponse;
    type Chunk = PegasusChunk;

    /// One user turn: one video and the question's text.
    fn request(&self, req: &PortableRequest, _: &ModelInfo) -> Result<PegasusRequest, Error> {
        crate::family::refusals::refuse_chat_features(NAME, req)?;
        if req.image != Default::default() || req.embedding != Default::default() {
            return Err(Error::unsupported(NAME, "image or embedding options"));
        }
        let p = &req.params;
        if p.top_p.is_some() || p.top_k.is_some() || !p.stop_sequences.is_empty() {
            return Err(Error::unsupported(NAME, "top_p, top_k or stop sequences"));
        }
        let turn = match req.messages.as_slice() {
            [only] if only.role == Role::User => only,
            _ => return Err(Error::unsupported(NAME, "other than one question per call")),
        };
        let videos: Vec<&Media> = req.media().collect();
        let [video] = videos.as_slice() else {
            return Err(Error::unsupported(
                NAME,
                "other than one video per question",
            ));
        };
        let input_prompt = turn.text();
        if input_prompt.is_empty() {
            return Err(Error::unsupported(NAME, "a question with no text"));
        }
        Ok(PegasusRequest {
            input_prompt,
            media_source: MediaSourceBody::from_source(&video.source),
            temperature: p.temperature,
            max_output_tokens: p.max_tokens,
            response_format: req.output_schema.clone().map(|o| PegasusResponseFormat {
                kind: Some("json_schema".into()),
                json_schema: PegasusJsonSchema {
                    name: o.name,
                    description: o.description,
                    schema: o.schema,
                },
            }),
        })
    }

    fn portable_request(
        &self,
        body: PegasusRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let source = body
            .media_source
            .source()
            .map_err(|e| Error::parse(NAME, "request", e))?;
        let video = Media::new(MediaKind::Video, video_format(&source), source);
        Ok(PortableRequest {
            messages: vec![Message::new(
                Role::User,
                vec![
                    ContentBlock::Media(video),
                    ContentBlock::Text(body.input_prompt),
                ],
            )],
            params: InferenceParams {
                max_tokens: body.max_output_tokens,
                temperature: body.temperature,
                ..Default::default()
            },
            output_schema: body.response_format.map(|f| crate::OutputSchema {
                name: f.json_schema.name,
                description: f.json_schema.description,
                schema: f.json_schema.schema,
            }),
            ..Default::default()
        })
    }

    fn portable(&self, resp: PegasusResponse) -> Result<PortableResponse, Error> {
        Ok(PortableResponse {
            text: resp.message,
            stop_reason: Some(stop_reason(&resp.finish_reason)),
            ..Default::default()
        })
    }

    fn native(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<PegasusResponse, Error> {
        if !resp.tool_calls.is_empty() {
            return Err(Error::unsupported(NAME, "tool calls"));
        }
        Ok(PegasusResponse {
            message: resp.text.clone(),
            finish_reason: finish_reason(resp.stop_reason.as_ref()),
        })
    }

    fn native_chunks(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<Vec<PegasusChunk>, Error> {
        if !resp.tool_calls.is_empty() {
            return Err(Error::unsupported(NAME, "tool calls"));
        }
        let mut chunks = text_chunks(&resp.text, |piece, _| PegasusChunk {
            message: piece.to_string(),
            finish_reason: None,
        });
        chunks.push(PegasusChunk {
            message: String::new(),
            finish_reason: Some(finish_reason(resp.stop_reason.as_ref())),
        });
        Ok(chunks)
    }

    fn chunk(&self, chunk: PegasusChunk, acc: &mut StreamAccumulator) -> Result<(), Error> {
        if !chunk.message.is_empty() {
            acc.push(StreamEvent::TextDelta {
                index: 0,
                text: chunk.message,
            });
        }
        if let Some(reason) = chunk.finish_reason {
            acc.push(StreamEvent::Stop(stop_reason(&reason)));
        }
        Ok(())
    }
}
