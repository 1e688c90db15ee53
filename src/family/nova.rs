//! Amazon Nova understanding models (`amazon.nova-micro-v1:0`,
//! `amazon.nova-lite-v1:0`, `amazon.nova-pro-v1:0`, `amazon.nova-premier-v1:0`,
//! `amazon.nova-2-lite-v1:0`): the `messages-v1` schema, Converse-shaped
//! content blocks, `inferenceConfig` and `toolConfig`.
//!
//! Shapes from the AWS Nova user guide pages "Using the Invoke API",
//! "Complete request schema" and "Invoking a tool"; stream chunks as Nova
//! streams them (the ConverseStream event shapes, one event per chunk).
//! Older docs spell `max_new_tokens`, `top_p` and `top_k`: the typed request
//! reads both spellings and writes the camelCase ones.

use super::codec::Codec;
use super::model_family::{text_pieces, RenderContext};
use super::refusals::{no_media, no_reasoning, no_system_turn, user_or_assistant};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::media::{AwsMedia, MediaKind};
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, EmbeddingOptions, ImageFormat, ImageOptions, InferenceParams, Message,
    PortableRequest, PortableResponse, Role, StopReason, StreamEvent, ToolCall, ToolChoice,
    ToolResultContent, ToolSpec, Usage,
};
use crate::reasoning::Reasoning;
use serde_json::Value;

mod reasoning;
mod types;

pub use types::{
    NovaBlockStart, NovaChunk, NovaContentBlock, NovaContentBlockDelta, NovaContentBlockStart,
    NovaContentBlockStop, NovaDelta, NovaImage, NovaInferenceConfig, NovaInputSchema, NovaMessage,
    NovaMessageStart, NovaMessageStop, NovaMetadata, NovaOutput, NovaReasoningText, NovaRequest,
    NovaResponse, NovaSystemBlock, NovaTool, NovaToolChoice, NovaToolConfig, NovaToolResult,
    NovaToolResultContent, NovaToolSpec, NovaToolUse, NovaToolUseDelta, NovaToolUseStart,
    NovaUsage,
};

const NAME: &str = "nova";

/// The schema version the Invoke API names (optional on the wire).
pub const SCHEMA_VERSION: &str = "messages-v1";

/// The Amazon Nova understanding family.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nova;

/// Maps Nova's stop reason (Converse's names; Nova adds
/// `malformed_model_output` and `malformed_tool_use`, kept as `Other`).
pub(crate) fn stop_reason(reason: &str) -> StopReason {
    StopReason::from_converse_name(reason)
}

fn tool_config(req: &PortableRequest) -> Result<Option<NovaToolConfig>, Error> {
    if req.tools.is_empty() {
        return match req.tool_choice {
            None => Ok(None),
            Some(_) => Err(Error::unsupported(NAME, "a tool choice without tools")),
        };
    }
    let tool_choice = match &req.tool_choice {
        None => None,
        Some(ToolChoice::Auto) => Some(NovaToolChoice::Auto {}),
        Some(ToolChoice::Any) => Some(NovaToolChoice::Any {}),
        Some(ToolChoice::Tool(name)) => Some(NovaToolChoice::Tool { name: name.clone() }),
        Some(ToolChoice::None) => {
            return Err(Error::unsupported(NAME, "tool choice `none`"));
        }
    };
    let tools = req
        .tools
        .iter()
        .map(|t| NovaTool {
            tool_spec: NovaToolSpec {
                name: t.name.clone(),
                description: t.description.clone(),
                input_schema: NovaInputSchema {
                    json: t.input_schema.clone(),
                },
            },
        })
        .collect();
    Ok(Some(NovaToolConfig { tools, tool_choice }))
}

/// One turn; reasoning blocks only for a model that reasons.
fn message(m: &Message, reasons: bool) -> Result<NovaMessage, Error> {
    let role = match m.role {
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::System => return Err(no_system_turn(NAME)),
    };
    let content = m
        .content
        .iter()
        .map(|b| match b {
            ContentBlock::Reasoning(thought) if reasons => Ok(reasoning::block(thought)),
            other => block(other),
        })
        .collect::<Result<_, _>>()?;
    Ok(NovaMessage {
        role: role.to_string(),
        content,
    })
}

fn block(b: &ContentBlock) -> Result<NovaContentBlock, Error> {
    Ok(match b {
        ContentBlock::Text(text) => NovaContentBlock::Text(text.clone()),
        ContentBlock::Image { format, data } => NovaContentBlock::Image(NovaImage {
            format: format.as_str().to_string(),
            source: crate::media::AwsSource::from(&crate::media::MediaSource::Bytes(data.clone())),
        }),
        ContentBlock::Media(media) if media.kind == MediaKind::Image => {
            NovaContentBlock::Image(NovaImage {
                format: media.format.clone(),
                source: crate::media::AwsSource::from(&media.source),
            })
        }
        ContentBlock::ToolUse { id, name, input } => NovaContentBlock::ToolUse(NovaToolUse {
            tool_use_id: id.clone(),
            name: name.clone(),
            input: input.clone(),
        }),
        ContentBlock::ToolResult {
            tool_use_id,
            content,
            is_error,
        } => NovaContentBlock::ToolResult(NovaToolResult {
            tool_use_id: tool_use_id.clone(),
            content: content
                .iter()
                .map(|c| match c {
                    ToolResultContent::Text(text) => NovaToolResultContent::Text(text.clone()),
                    ToolResultContent::Json(value) => NovaToolResultContent::Json(value.clone()),
                })
                .collect(),
            status: is_error.then(|| "error".to_string()),
        }),
        ContentBlock::Reasoning(_) => return Err(no_reasoning(NAME)),
        ContentBlock::Media(media) if media.kind == MediaKind::Video => NovaContentBlock::Video(
            serde_json::to_value(AwsMedia::from_portable(media))
                .map_err(|e| Error::parse(NAME, "request", e))?,
        ),
        ContentBlock::Media(media) => return Err(no_media(NAME, media)),
    })
}

/// Reads one native turn back. Document and cache-point blocks have no
/// portable form and are left out, as are images and documents inside tool
/// results.
fn portable_message(m: &NovaMessage) -> Result<Message, Error> {
    let role = user_or_assistant(NAME, &m.role)?;
    let mut content = Vec::new();
    for block in &m.content {
        content.push(match block {
            NovaContentBlock::Text(text) => ContentBlock::Text(text.clone()),
            NovaContentBlock::Image(image) => portable_image(image)?,
            NovaContentBlock::ToolUse(call) => ContentBlock::tool_use(
                call.tool_use_id.clone(),
                call.name.clone(),
                call.input.clone(),
            ),
            NovaContentBlock::ToolResult(result) => ContentBlock::ToolResult {
                tool_use_id: result.tool_use_id.clone(),
                content: result
                    .content
                    .iter()
                    .filter_map(|c| match c {
                        NovaToolResultContent::Text(text) => {
                            Some(ToolResultContent::Text(text.clone()))
                        }
                        NovaToolResultContent::Json(value) => {
                            Some(ToolResultContent::Json(value.clone()))
                        }
                        NovaToolResultContent::Image(_) | NovaToolResultContent::Document(_) => {
                            None
                        }
                    })
                    .collect(),
                is_error: result.status.as_deref() == Some("error"),
            },
            NovaContentBlock::Video(video) => {
                match serde_json::from_value::<AwsMedia>(video.clone())
                    .ok()
                    .and_then(|v| v.portable(MediaKind::Video).ok())
                {
                    Some(media) => ContentBlock::Media(media),
                    None => continue,
                }
            }
            NovaContentBlock::ReasoningContent(content) => match reasoning::thought(content) {
                Some(thought) => ContentBlock::Reasoning(thought),
                None => continue,
            },
            NovaContentBlock::Document(_) | NovaContentBlock::CachePoint(_) => continue,
        });
    }
    Ok(Message { role, content })
}

fn portable_image(image: &NovaImage) -> Result<ContentBlock, Error> {
    let format = ImageFormat::from_name(&image.format).ok_or_else(|| {
        Error::parse(
            NAME,
            "request",
            format!("unknown image format {:?}", image.format),
        )
    })?;
    match image.source.clone().portable() {
        Ok(crate::media::MediaSource::Bytes(data)) => Ok(ContentBlock::Image { format, data }),
        Ok(source) => Ok(ContentBlock::Media(crate::Media::new(
            MediaKind::Image,
            format.as_str(),
            source,
        ))),
        Err(why) => Err(Error::parse(NAME, "request", format!("image: {why}"))),
    }
}

/// Nova's stop reason for a portable one (Converse's names).
fn stop_reason_name(reason: Option<&StopReason>) -> &str {
    reason.map_or("end_turn", StopReason::converse_name)
}

/// Whether a rendered answer has a text block: when it has text, or when
/// it has nothing else.
fn has_text_block(resp: &PortableResponse) -> bool {
    !resp.text.is_empty() || resp.tool_calls.is_empty()
}

/// A tool call's input as the stream sends it: its JSON in two fragments.
fn input_fragments(input: &Value) -> Vec<String> {
    let json = input.to_string();
    let cut = json
        .char_indices()
        .map(|(i, _)| i)
        .nth(json.chars().count() / 2)
        .unwrap_or(0);
    [&json[..cut], &json[cut..]]
        .into_iter()
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect()
}

fn usage(u: NovaUsage) -> Usage {
    Usage {
        input_tokens: u.input_tokens,
        output_tokens: u.output_tokens,
    }
}

impl Codec for Nova {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Amazon Nova";
    type Request = NovaRequest;
    type Response = NovaResponse;
    const MEDIA: &'static [MediaKind] = &[MediaKind::Video, MediaKind::Image];
    /// Nova 2's `reasoningConfig` and `reasoningContent` blocks.
    const REASONING: bool = true;
    type Chunk = NovaChunk;

    /// The typed request. Parameters left unset stay out of the body
    /// (Nova defaults `maxTokens` to the model's limit).
    fn request(&self, req: &PortableRequest, model: &ModelInfo) -> Result<NovaRequest, Error> {
        if req.messages.is_empty() {
            return Err(Error::unsupported(NAME, "a request with no messages"));
        }
        if req.has_images() && !model.converse.images {
            return Err(Error::unsupported(
                NAME,
                format!("image content on {}", model.name),
            ));
        }
        if req.embedding != EmbeddingOptions::default() {
            return Err(Error::unsupported(NAME, "embedding options"));
        }
        if req.image != ImageOptions::default() {
            return Err(Error::unsupported(NAME, "image generation options"));
        }
        let p = &req.params;
        let config = NovaInferenceConfig {
            max_tokens: p.max_tokens,
            temperature: p.temperature,
            top_p: p.top_p,
            top_k: p.top_k,
            stop_sequences: p.stop_list(),
            reasoning_config: None,
        };
        let reasoning_config = reasoning::config(req, model)?;
        let reasons = model.converse.reasoning;
        Ok(NovaRequest {
            schema_version: Some(SCHEMA_VERSION.to_string()),
            system: req
                .system
                .as_ref()
                .map(|text| vec![NovaSystemBlock::Text(text.clone())]),
            messages: req
                .messages
                .iter()
                .map(|m| message(m, reasons))
                .collect::<Result<_, _>>()?,
            inference_config: (config != NovaInferenceConfig::default()).then_some(config),
            tool_config: tool_config(req)?,
            reasoning_config,
        })
    }

    fn portable(&self, resp: NovaResponse) -> Result<PortableResponse, Error> {
        let mut out = PortableResponse {
            stop_reason: resp.stop_reason.as_deref().map(stop_reason),
            usage: resp.usage.map(usage),
            ..Default::default()
        };
        for block in resp.output.message.content {
            match block {
                NovaContentBlock::Text(text) => out.text.push_str(&text),
                NovaContentBlock::ToolUse(call) => out.tool_calls.push(ToolCall {
                    id: call.tool_use_id,
                    name: call.name,
                    input: call.input,
                }),
                NovaContentBlock::ReasoningContent(content) => {
                    out.reasoning.extend(reasoning::thought(&content))
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// The inverse of [`build`](ModelFamily::build); reads both parameter
    /// spellings. System text blocks are joined with newlines; blocks with
    /// no portable form are left out (see [`portable_message`]);
    /// `reasoningConfig` is read where it is, at the top or in
    /// `inferenceConfig`.
    fn portable_request(&self, req: NovaRequest, _: &ModelInfo) -> Result<PortableRequest, Error> {
        let system = req.system.and_then(|blocks| {
            let texts: Vec<String> = blocks
                .into_iter()
                .filter_map(|b| match b {
                    NovaSystemBlock::Text(text) => Some(text),
                    NovaSystemBlock::CachePoint(_) => None,
                })
                .collect();
            (!texts.is_empty()).then(|| texts.join("\n"))
        });
        let mut config = req.inference_config.unwrap_or_default();
        let (thinking, effort) =
            reasoning::settings(req.reasoning_config.or(config.reasoning_config.take()));
        let (tools, tool_choice) = match req.tool_config {
            None => (Vec::new(), None),
            Some(tc) => (
                tc.tools
                    .into_iter()
                    .map(|t| ToolSpec {
                        name: t.tool_spec.name,
                        description: t.tool_spec.description,
                        input_schema: t.tool_spec.input_schema.json,
                    })
                    .collect(),
                tc.tool_choice.map(|c| match c {
                    NovaToolChoice::Auto {} => ToolChoice::Auto,
                    NovaToolChoice::Any {} => ToolChoice::Any,
                    NovaToolChoice::Tool { name } => ToolChoice::Tool(name),
                }),
            ),
        };
        Ok(PortableRequest {
            system,
            messages: req
                .messages
                .iter()
                .map(portable_message)
                .collect::<Result<_, _>>()?,
            params: InferenceParams {
                max_tokens: config.max_tokens,
                temperature: config.temperature,
                top_p: config.top_p,
                top_k: config.top_k,
                stop_sequences: config.stop_sequences.unwrap_or_default(),
            },
            tools,
            tool_choice,
            thinking,
            effort,
            ..Default::default()
        })
    }

    fn native(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<NovaResponse, Error> {
        let usage = resp.usage.unwrap_or_default();
        let mut content: Vec<NovaContentBlock> =
            resp.reasoning.iter().map(reasoning::block).collect();
        if has_text_block(resp) {
            content.push(NovaContentBlock::Text(resp.text.clone()));
        }
        for call in &resp.tool_calls {
            content.push(NovaContentBlock::ToolUse(NovaToolUse {
                tool_use_id: call.id.clone(),
                name: call.name.clone(),
                input: call.input.clone(),
            }));
        }
        Ok(NovaResponse {
            output: NovaOutput {
                message: NovaMessage {
                    role: "assistant".into(),
                    content,
                },
            },
            stop_reason: Some(stop_reason_name(resp.stop_reason.as_ref()).to_string()),
            usage: Some(NovaUsage {
                input_tokens: usage.input_tokens,
                output_tokens: usage.output_tokens,
                total_tokens: Some(usage.input_tokens.saturating_add(usage.output_tokens)),
            }),
        })
    }

    /// `messageStart`; the text as deltas of block 0 (no start event, as
    /// Nova streams text); each tool call as `contentBlockStart` with its id
    /// and name, input fragments and `contentBlockStop`; `messageStop`; and
    /// `metadata` with the token counts.
    fn native_chunks(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<Vec<NovaChunk>, Error> {
        let usage = resp.usage.unwrap_or_default();
        let delta = |index: u32, delta: NovaDelta| NovaChunk {
            content_block_delta: Some(NovaContentBlockDelta {
                delta,
                content_block_index: index,
            }),
            ..Default::default()
        };
        let stop = |index: u32| NovaChunk {
            content_block_stop: Some(NovaContentBlockStop {
                content_block_index: index,
            }),
            ..Default::default()
        };
        let mut chunks = vec![NovaChunk {
            message_start: Some(NovaMessageStart {
                role: "assistant".into(),
            }),
            ..Default::default()
        }];
        let mut index = 0u32;
        for thought in &resp.reasoning {
            let Reasoning::Text { text, signature } = thought else {
                continue;
            };
            let piece = |text: String, signature: Option<String>| NovaDelta {
                reasoning_content: Some(NovaReasoningText { text, signature }),
                ..Default::default()
            };
            for part in text_pieces(text) {
                chunks.push(delta(index, piece(part.to_string(), None)));
            }
            if let Some(signature) = signature {
                chunks.push(delta(index, piece(String::new(), Some(signature.clone()))));
            }
            chunks.push(stop(index));
            index += 1;
        }
        if has_text_block(resp) {
            for piece in text_pieces(&resp.text) {
                let text = NovaDelta {
                    text: Some(piece.to_string()),
                    ..Default::default()
                };
                chunks.push(delta(index, text));
            }
            chunks.push(stop(index));
            index += 1;
        }
        for call in &resp.tool_calls {
            chunks.push(NovaChunk {
                content_block_start: Some(NovaContentBlockStart {
                    start: NovaBlockStart {
                        tool_use: Some(NovaToolUseStart {
                            tool_use_id: call.id.clone(),
                            name: call.name.clone(),
                        }),
                    },
                    content_block_index: index,
                }),
                ..Default::default()
            });
            for input in input_fragments(&call.input) {
                let fragment = NovaDelta {
                    tool_use: Some(NovaToolUseDelta { input }),
                    ..Default::default()
                };
                chunks.push(delta(index, fragment));
            }
            chunks.push(stop(index));
            index += 1;
        }
        chunks.push(NovaChunk {
            message_stop: Some(NovaMessageStop {
                stop_reason: stop_reason_name(resp.stop_reason.as_ref()).to_string(),
            }),
            ..Default::default()
        });
        chunks.push(NovaChunk {
            metadata: Some(NovaMetadata {
                usage: Some(NovaUsage {
                    input_tokens: usage.input_tokens,
                    output_tokens: usage.output_tokens,
                    total_tokens: None,
                }),
            }),
            ..Default::default()
        });
        Ok(chunks)
    }

    fn chunk(&self, chunk: NovaChunk, acc: &mut StreamAccumulator) -> Result<(), Error> {
        if chunk == NovaChunk::default() {
            return Err(Error::parse(NAME, "stream chunk", "no known event key"));
        }
        if let Some(start) = chunk.content_block_start {
            if let Some(call) = start.start.tool_use {
                acc.push(StreamEvent::ToolUseStart {
                    index: start.content_block_index,
                    id: call.tool_use_id,
                    name: call.name,
                });
            }
        }
        if let Some(delta) = chunk.content_block_delta {
            let index = delta.content_block_index;
            if let Some(text) = delta.delta.text {
                acc.push(StreamEvent::TextDelta { index, text });
            }
            if let Some(thought) = delta.delta.reasoning_content {
                if !thought.text.is_empty() {
                    let text = thought.text;
                    acc.push(StreamEvent::ReasoningDelta { index, text });
                }
                if let Some(signature) = thought.signature {
                    acc.push(StreamEvent::ReasoningSignature { index, signature });
                }
            }
            if let Some(fragment) = delta.delta.tool_use {
                acc.push(StreamEvent::ToolInputDelta {
                    index,
                    json: fragment.input,
                });
            }
        }
        if let Some(stop) = chunk.message_stop {
            acc.push(StreamEvent::Stop(stop_reason(&stop.stop_reason)));
        }
        if let Some(counts) = chunk.metadata.and_then(|m| m.usage) {
            acc.push(StreamEvent::Usage(usage(counts)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
