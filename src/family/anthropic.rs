//! Anthropic Claude, Messages API (`anthropic.claude-3*`, `-4*`, ...).
//!
//! Shapes from the AWS user guide page "Anthropic Claude Messages API" and
//! Anthropic's Messages API reference; chunk types as streamed by Bedrock.

use super::codec::Codec;
use super::model_family::{text_pieces, RenderContext};
use super::refusals::user_or_assistant;
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, ImageFormat, InferenceParams, Message, PortableRequest, PortableResponse, Role,
    StopReason, StreamEvent, ToolCall, ToolChoice, ToolResultContent, ToolSpec, Usage,
};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

const NAME: &str = "anthropic";

/// The only `anthropic_version` Bedrock accepts.
pub const ANTHROPIC_VERSION: &str = "bedrock-2023-05-31";

/// `max_tokens` used when the portable request sets none and the model has
/// no recorded limit (Claude requires the field).
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

/// The Anthropic Claude Messages family.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnthropicMessages;

/// The Messages API request body as Bedrock takes it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnthropicRequest {
    /// Always [`ANTHROPIC_VERSION`].
    pub anthropic_version: String,
    /// The most tokens to generate.
    pub max_tokens: u32,
    /// The conversation; the first turn is the user's.
    pub messages: Vec<AnthropicMessage>,
    /// The system prompt: a string or text blocks.
    pub system: Option<Value>,
    /// 0–1.
    pub temperature: Option<f32>,
    /// 0–1.
    pub top_p: Option<f32>,
    /// Top-k sampling.
    pub top_k: Option<u32>,
    /// Stop sequences.
    pub stop_sequences: Option<Vec<String>>,
    /// Tools.
    pub tools: Option<Vec<AnthropicTool>>,
    /// Tool choice.
    pub tool_choice: Option<AnthropicToolChoice>,
    /// Extended thinking: `{"type":"enabled","budget_tokens":N}`.
    pub thinking: Option<Value>,
    /// Beta feature flags.
    pub anthropic_beta: Option<Vec<String>>,
}

/// One turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnthropicMessage {
    /// `user` or `assistant`.
    pub role: String,
    /// A string or a list of content blocks.
    pub content: AnthropicContent,
}

/// A turn's content: a plain string or blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnthropicContent {
    /// Plain text.
    Text(String),
    /// Content blocks.
    Blocks(Vec<AnthropicBlock>),
}

/// A content block, request or response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnthropicBlock {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image.
    Image {
        /// `{"type":"base64","media_type":"image/png","data":"..."}`.
        source: AnthropicImageSource,
    },
    /// A tool call by the model.
    ToolUse {
        /// The call's id (`toolu_...`).
        id: String,
        /// The tool's name.
        name: String,
        /// The arguments.
        input: Value,
    },
    /// A tool's result.
    ToolResult {
        /// The call this answers.
        tool_use_id: String,
        /// A string or text/image blocks.
        content: Value,
        /// Whether the tool failed.
        #[serde(skip_serializing_if = "Option::is_none")]
        is_error: Option<bool>,
    },
    /// Extended-thinking output.
    Thinking {
        /// The reasoning text.
        thinking: String,
        /// The signature that lets it be sent back.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    },
    /// Redacted extended-thinking output.
    RedactedThinking {
        /// Opaque data.
        data: String,
    },
}

/// An image block's source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnthropicImageSource {
    /// Always `base64`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `image/jpeg`, `image/png`, `image/gif` or `image/webp`.
    pub media_type: String,
    /// The image, base64.
    pub data: String,
}

/// A tool definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnthropicTool {
    /// The tool's name.
    pub name: String,
    /// What it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema of its input.
    pub input_schema: Value,
}

/// `tool_choice`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnthropicToolChoice {
    /// The model decides.
    Auto,
    /// Some tool must be called.
    Any,
    /// This tool must be called.
    Tool {
        /// The tool's name.
        name: String,
    },
    /// No tool may be called.
    None,
}

/// The Messages API response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnthropicResponse {
    /// `msg_bdrk_...`.
    pub id: String,
    /// Always `message`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Always `assistant`.
    pub role: String,
    /// The model that answered.
    pub model: Option<String>,
    /// Output blocks.
    pub content: Vec<AnthropicBlock>,
    /// `end_turn`, `max_tokens`, `stop_sequence`, `tool_use`, ...
    pub stop_reason: Option<String>,
    /// The stop sequence that matched.
    pub stop_sequence: Option<String>,
    /// Token counts.
    pub usage: AnthropicUsage,
}

/// Token counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct AnthropicUsage {
    /// Tokens read.
    #[serde(default)]
    pub input_tokens: u32,
    /// Tokens generated.
    #[serde(default)]
    pub output_tokens: u32,
}

/// The token counts of `message_delta`: the output so far, and the input
/// where a stream sends it there too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct AnthropicDeltaUsage {
    /// Tokens read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<u32>,
    /// Tokens generated.
    #[serde(default)]
    pub output_tokens: u32,
}

/// One event of the response stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnthropicChunk {
    /// The message starts; carries the input token count.
    MessageStart {
        /// The message so far: no content, no stop reason, the input
        /// token count.
        message: AnthropicResponse,
    },
    /// A content block starts.
    ContentBlockStart {
        /// The block's index.
        index: u32,
        /// The block, empty.
        content_block: AnthropicBlock,
    },
    /// A piece of a content block.
    ContentBlockDelta {
        /// The block's index.
        index: u32,
        /// The piece.
        delta: AnthropicDelta,
    },
    /// A content block ends.
    ContentBlockStop {
        /// The block's index.
        index: u32,
    },
    /// The stop reason and the output token count.
    MessageDelta {
        /// `{"stop_reason":...,"stop_sequence":...}`.
        delta: AnthropicMessageDelta,
        /// `{"output_tokens":N}`.
        #[serde(default)]
        usage: AnthropicDeltaUsage,
    },
    /// The message ends.
    MessageStop,
    /// Keep-alive.
    Ping,
}

/// A content block delta; the variant names are the wire's `type` values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(clippy::enum_variant_names)]
pub enum AnthropicDelta {
    /// Text.
    TextDelta {
        /// The text.
        text: String,
    },
    /// A fragment of a tool call's JSON input.
    InputJsonDelta {
        /// The fragment.
        partial_json: String,
    },
    /// Extended-thinking text.
    ThinkingDelta {
        /// The text.
        thinking: String,
    },
    /// The thinking block's signature.
    SignatureDelta {
        /// The signature.
        signature: String,
    },
}

/// The `delta` of `message_delta`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnthropicMessageDelta {
    /// Why generation stopped.
    pub stop_reason: Option<String>,
    /// The stop sequence that matched.
    pub stop_sequence: Option<String>,
}

/// Maps Claude's stop reason.
pub(crate) fn stop_reason(reason: &str) -> StopReason {
    match reason {
        "end_turn" => StopReason::EndTurn,
        "max_tokens" => StopReason::MaxTokens,
        "stop_sequence" => StopReason::StopSequence,
        "tool_use" => StopReason::ToolUse,
        other => StopReason::Other(other.to_string()),
    }
}

/// Whether `model` takes `temperature` or `top_p` but not both (Claude
/// Sonnet 4.5, Haiku 4.5): its schema patch forbids the pair.
fn one_sampler_only(model: &ModelInfo) -> bool {
    let forbidden = model
        .schema_patch
        .as_ref()
        .and_then(|p| p.pointer("/not/required"))
        .and_then(Value::as_array);
    forbidden.is_some_and(|keys| {
        ["temperature", "top_p"]
            .iter()
            .all(|k| keys.iter().any(|v| v == k))
    })
}

fn message(m: &crate::portable::Message) -> AnthropicMessage {
    let role = match m.role {
        Role::User => "user",
        Role::Assistant => "assistant",
    };
    let content = match m.content.as_slice() {
        [ContentBlock::Text(text)] => AnthropicContent::Text(text.clone()),
        blocks => AnthropicContent::Blocks(blocks.iter().map(block).collect()),
    };
    AnthropicMessage {
        role: role.to_string(),
        content,
    }
}

fn block(b: &ContentBlock) -> AnthropicBlock {
    match b {
        ContentBlock::Text(text) => AnthropicBlock::Text { text: text.clone() },
        ContentBlock::Image { format, data } => AnthropicBlock::Image {
            source: AnthropicImageSource {
                kind: "base64".into(),
                media_type: format.media_type().into(),
                data: base64::engine::general_purpose::STANDARD.encode(data),
            },
        },
        ContentBlock::ToolUse { id, name, input } => AnthropicBlock::ToolUse {
            id: id.clone(),
            name: name.clone(),
            input: input.clone(),
        },
        ContentBlock::ToolResult {
            tool_use_id,
            content,
            is_error,
        } => AnthropicBlock::ToolResult {
            tool_use_id: tool_use_id.clone(),
            content: Value::Array(
                content
                    .iter()
                    .map(|c| match c {
                        ToolResultContent::Text(text) => {
                            serde_json::json!({"type": "text", "text": text})
                        }
                        ToolResultContent::Json(_) => {
                            serde_json::json!({"type": "text", "text": c.to_text()})
                        }
                    })
                    .collect(),
            ),
            is_error: is_error.then_some(true),
        },
    }
}

/// Claude's stop reason for a portable one.
fn stop_reason_name(reason: Option<&StopReason>) -> &str {
    match reason {
        Some(StopReason::MaxTokens) => "max_tokens",
        Some(StopReason::StopSequence) => "stop_sequence",
        Some(StopReason::ToolUse) => "tool_use",
        Some(StopReason::Other(other)) => other,
        _ => "end_turn",
    }
}

/// The model name Claude puts in `model`: the base id without its
/// provider and version suffix (`claude-3-haiku-20240307`).
fn response_model_name(id: &str) -> &str {
    let name = id.strip_prefix("anthropic.").unwrap_or(id);
    match name.rfind("-v") {
        Some(i) if name[i + 2..].starts_with(|c: char| c.is_ascii_digit()) => &name[..i],
        _ => name,
    }
}

fn portable_message(m: &AnthropicMessage) -> Result<Message, Error> {
    let role = user_or_assistant(NAME, &m.role)?;
    let content = match &m.content {
        AnthropicContent::Text(text) => vec![ContentBlock::Text(text.clone())],
        AnthropicContent::Blocks(blocks) => blocks
            .iter()
            .filter_map(portable_block)
            .collect::<Result<_, _>>()?,
    };
    Ok(Message { role, content })
}

fn portable_block(b: &AnthropicBlock) -> Option<Result<ContentBlock, Error>> {
    Some(Ok(match b {
        AnthropicBlock::Text { text } => ContentBlock::Text(text.clone()),
        AnthropicBlock::Image { source } => {
            let format = match ImageFormat::from_name(&source.media_type) {
                Some(f) => f,
                None => {
                    return Some(Err(Error::parse(
                        NAME,
                        "request",
                        format!("unknown media_type {:?}", source.media_type),
                    )))
                }
            };
            match base64::engine::general_purpose::STANDARD.decode(&source.data) {
                Ok(data) => ContentBlock::Image { format, data },
                Err(e) => {
                    return Some(Err(Error::parse(
                        NAME,
                        "request",
                        format!("image data: {e}"),
                    )))
                }
            }
        }
        AnthropicBlock::ToolUse { id, name, input } => {
            ContentBlock::tool_use(id.clone(), name.clone(), input.clone())
        }
        AnthropicBlock::ToolResult {
            tool_use_id,
            content,
            is_error,
        } => ContentBlock::ToolResult {
            tool_use_id: tool_use_id.clone(),
            content: match content {
                Value::String(text) => vec![ToolResultContent::Text(text.clone())],
                Value::Array(items) => items
                    .iter()
                    .filter_map(|i| i.get("text").and_then(Value::as_str))
                    .map(|t| match serde_json::from_str::<Value>(t) {
                        Ok(v) if v.is_object() || v.is_array() => ToolResultContent::Json(v),
                        _ => ToolResultContent::Text(t.to_string()),
                    })
                    .collect(),
                other => vec![ToolResultContent::Json(other.clone())],
            },
            is_error: is_error.unwrap_or(false),
        },
        AnthropicBlock::Thinking { .. } | AnthropicBlock::RedactedThinking { .. } => return None,
    }))
}

impl Codec for AnthropicMessages {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Anthropic Claude (Messages API)";
    type Request = AnthropicRequest;
    type Response = AnthropicResponse;
    type Chunk = AnthropicChunk;

    /// `max_tokens` defaults to the model's limit.
    fn request(&self, req: &PortableRequest, model: &ModelInfo) -> Result<AnthropicRequest, Error> {
        if req.messages.is_empty() {
            return Err(Error::unsupported(NAME, "a request with no messages"));
        }
        let p = &req.params;
        if p.temperature.is_some() && p.top_p.is_some() && one_sampler_only(model) {
            return Err(Error::unsupported(
                NAME,
                format!("temperature together with top_p on {}", model.id),
            ));
        }
        Ok(AnthropicRequest {
            anthropic_version: ANTHROPIC_VERSION.to_string(),
            max_tokens: p
                .max_tokens
                .or(model.max_output_tokens)
                .unwrap_or(DEFAULT_MAX_TOKENS),
            messages: req.messages.iter().map(message).collect(),
            system: req.system.clone().map(Value::String),
            temperature: p.temperature,
            top_p: p.top_p,
            top_k: p.top_k,
            stop_sequences: (!p.stop_sequences.is_empty()).then(|| p.stop_sequences.clone()),
            tools: (!req.tools.is_empty()).then(|| {
                req.tools
                    .iter()
                    .map(|t| AnthropicTool {
                        name: t.name.clone(),
                        description: t.description.clone(),
                        input_schema: t.input_schema.clone(),
                    })
                    .collect()
            }),
            tool_choice: req.tool_choice.as_ref().map(|c| match c {
                ToolChoice::Auto => AnthropicToolChoice::Auto,
                ToolChoice::Any => AnthropicToolChoice::Any,
                ToolChoice::Tool(name) => AnthropicToolChoice::Tool { name: name.clone() },
                ToolChoice::None => AnthropicToolChoice::None,
            }),
            thinking: None,
            anthropic_beta: None,
        })
    }

    /// Extended thinking's budget must stay below `max_tokens`, in
    /// Anthropic's words.
    fn body_rule(&self, body: &Value) -> Option<String> {
        let thinking = body.get("thinking")?;
        let enabled = thinking.get("type").and_then(Value::as_str) == Some("enabled");
        let budget = thinking.get("budget_tokens").and_then(Value::as_u64)?;
        let max_tokens = body.get("max_tokens").and_then(Value::as_u64)?;
        (enabled && budget >= max_tokens)
            .then(|| "`max_tokens` must be greater than `thinking.budget_tokens`.".to_string())
    }

    fn portable(&self, resp: AnthropicResponse) -> Result<PortableResponse, Error> {
        let mut out = PortableResponse {
            stop_reason: resp.stop_reason.as_deref().map(stop_reason),
            usage: Some(Usage {
                input_tokens: resp.usage.input_tokens,
                output_tokens: resp.usage.output_tokens,
            }),
            ..Default::default()
        };
        for block in resp.content {
            match block {
                AnthropicBlock::Text { text } => out.text.push_str(&text),
                AnthropicBlock::ToolUse { id, name, input } => {
                    out.tool_calls.push(ToolCall { id, name, input })
                }
                _ => {}
            }
        }
        Ok(out)
    }

    fn portable_request(
        &self,
        req: AnthropicRequest,
        _model: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let system = match &req.system {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Array(blocks)) => Some(
                blocks
                    .iter()
                    .filter_map(|b| b.get("text").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            Some(other) => {
                return Err(Error::parse(
                    NAME,
                    "request",
                    format!("system must be a string or blocks, got {other}"),
                ))
            }
        };
        Ok(PortableRequest {
            system,
            messages: req
                .messages
                .iter()
                .map(portable_message)
                .collect::<Result<_, _>>()?,
            params: InferenceParams {
                max_tokens: Some(req.max_tokens),
                temperature: req.temperature,
                top_p: req.top_p,
                top_k: req.top_k,
                stop_sequences: req.stop_sequences.unwrap_or_default(),
            },
            tools: req
                .tools
                .unwrap_or_default()
                .into_iter()
                .map(|t| ToolSpec {
                    name: t.name,
                    description: t.description,
                    input_schema: t.input_schema,
                })
                .collect(),
            tool_choice: req.tool_choice.map(|c| match c {
                AnthropicToolChoice::Auto => ToolChoice::Auto,
                AnthropicToolChoice::Any => ToolChoice::Any,
                AnthropicToolChoice::Tool { name } => ToolChoice::Tool(name),
                AnthropicToolChoice::None => ToolChoice::None,
            }),
            ..Default::default()
        })
    }

    fn native(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<AnthropicResponse, Error> {
        let usage = resp.usage.unwrap_or_default();
        let mut content = Vec::new();
        if !resp.text.is_empty() || resp.tool_calls.is_empty() {
            content.push(AnthropicBlock::Text {
                text: resp.text.clone(),
            });
        }
        content.extend(resp.tool_calls.iter().map(|call| AnthropicBlock::ToolUse {
            id: call.id.clone(),
            name: call.name.clone(),
            input: call.input.clone(),
        }));
        Ok(AnthropicResponse {
            id: format!(
                "msg_bdrk_{}",
                &ctx.response_id[..24.min(ctx.response_id.len())]
            ),
            kind: "message".into(),
            role: "assistant".into(),
            model: Some(response_model_name(&ctx.model.id).to_string()),
            content,
            stop_reason: Some(stop_reason_name(resp.stop_reason.as_ref()).to_string()),
            stop_sequence: None,
            usage: AnthropicUsage {
                input_tokens: usage.input_tokens,
                output_tokens: usage.output_tokens,
            },
        })
    }

    /// `message_start` (the message without content, the input count and
    /// one output token), each block as start, deltas (text in pieces, a
    /// tool's input in two halves) and stop, `message_delta` with the stop
    /// reason and output count, `message_stop`.
    fn native_chunks(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Vec<AnthropicChunk>, Error> {
        let usage = resp.usage.unwrap_or_default();
        let start = AnthropicResponse {
            content: Vec::new(),
            stop_reason: None,
            usage: AnthropicUsage {
                input_tokens: usage.input_tokens,
                output_tokens: 1,
            },
            ..self.native(&PortableResponse::default(), ctx)?
        };
        let mut chunks = vec![AnthropicChunk::MessageStart { message: start }];
        let mut blocks: Vec<(AnthropicBlock, Vec<AnthropicDelta>)> = Vec::new();
        if !resp.text.is_empty() || resp.tool_calls.is_empty() {
            let pieces = text_pieces(&resp.text).into_iter();
            let deltas = pieces.map(|text| AnthropicDelta::TextDelta { text: text.into() });
            let empty = AnthropicBlock::Text {
                text: String::new(),
            };
            blocks.push((empty, deltas.collect()));
        }
        for call in &resp.tool_calls {
            let input = call.input.to_string();
            let cut = input
                .char_indices()
                .map(|(i, _)| i)
                .nth(input.chars().count() / 2)
                .unwrap_or(0);
            let halves =
                [&input[..cut], &input[cut..]].map(|part| AnthropicDelta::InputJsonDelta {
                    partial_json: part.into(),
                });
            let empty = AnthropicBlock::ToolUse {
                id: call.id.clone(),
                name: call.name.clone(),
                input: Value::Object(Default::default()),
            };
            blocks.push((empty, halves.into()));
        }
        for (index, (content_block, deltas)) in blocks.into_iter().enumerate() {
            let index = index as u32;
            chunks.push(AnthropicChunk::ContentBlockStart {
                index,
                content_block,
            });
            chunks.extend(
                deltas
                    .into_iter()
                    .map(|delta| AnthropicChunk::ContentBlockDelta { index, delta }),
            );
            chunks.push(AnthropicChunk::ContentBlockStop { index });
        }
        chunks.push(AnthropicChunk::MessageDelta {
            delta: AnthropicMessageDelta {
                stop_reason: Some(stop_reason_name(resp.stop_reason.as_ref()).to_string()),
                stop_sequence: None,
            },
            usage: AnthropicDeltaUsage {
                input_tokens: None,
                output_tokens: usage.output_tokens,
            },
        });
        chunks.push(AnthropicChunk::MessageStop);
        Ok(chunks)
    }

    fn chunk(&self, chunk: AnthropicChunk, acc: &mut StreamAccumulator) -> Result<(), Error> {
        match chunk {
            AnthropicChunk::MessageStart { message } => {
                acc.push(StreamEvent::Usage(Usage {
                    input_tokens: message.usage.input_tokens,
                    output_tokens: message.usage.output_tokens,
                }));
            }
            AnthropicChunk::ContentBlockStart {
                index,
                content_block,
            } => match content_block {
                AnthropicBlock::ToolUse { id, name, .. } => {
                    acc.push(StreamEvent::ToolUseStart { index, id, name })
                }
                AnthropicBlock::Text { text } if !text.is_empty() => {
                    acc.push(StreamEvent::TextDelta { index, text })
                }
                _ => {}
            },
            AnthropicChunk::ContentBlockDelta { index, delta } => match delta {
                AnthropicDelta::TextDelta { text } => {
                    acc.push(StreamEvent::TextDelta { index, text })
                }
                AnthropicDelta::InputJsonDelta { partial_json } => {
                    acc.push(StreamEvent::ToolInputDelta {
                        index,
                        json: partial_json,
                    })
                }
                AnthropicDelta::ThinkingDelta { .. } | AnthropicDelta::SignatureDelta { .. } => {}
            },
            AnthropicChunk::MessageDelta { delta, usage } => {
                if let Some(reason) = delta.stop_reason {
                    acc.push(StreamEvent::Stop(stop_reason(&reason)));
                }
                acc.push(StreamEvent::Usage(Usage {
                    input_tokens: usage.input_tokens.unwrap_or(0),
                    output_tokens: usage.output_tokens,
                }));
            }
            AnthropicChunk::ContentBlockStop { .. }
            | AnthropicChunk::MessageStop
            | AnthropicChunk::Ping => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
