//! Anthropic Claude, Messages API (`anthropic.claude-3*`, `-4*`, ...).
//!
//! Shapes from the AWS user guide page "Anthropic Claude Messages API" and
//! Anthropic's Messages API reference; chunk types as streamed by Bedrock;
//! thinking blocks, their signatures and the `thinking_delta` and
//! `signature_delta` stream events from Anthropic's extended-thinking page.
//! Each model's own rules (versions, thinking, effort, sampling) are data in
//! `models.json`, checked by `anthropic/rules.rs`.

use super::codec::Codec;
use super::model_family::{text_pieces, RenderContext};
use super::refusals::{no_media, user_or_assistant};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, ImageFormat, InferenceParams, Message, PortableRequest, PortableResponse, Role,
    StopReason, StreamEvent, ToolCall, ToolChoice, ToolResultContent, ToolSpec, Usage,
};
use crate::reasoning::{Effort, Reasoning, Thinking};
use base64::Engine as _;
use serde_json::Value;

mod rules;
mod types;

pub use types::{
    AnthropicBlock, AnthropicChunk, AnthropicContent, AnthropicDelta, AnthropicDeltaUsage,
    AnthropicImageSource, AnthropicMessage, AnthropicMessageDelta, AnthropicOutputConfig,
    AnthropicRequest, AnthropicResponse, AnthropicThinking, AnthropicTool, AnthropicToolChoice,
    AnthropicUsage,
};

const NAME: &str = "anthropic";

/// The `anthropic_version` every Claude model on Bedrock accepts.
pub const ANTHROPIC_VERSION: &str = "bedrock-2023-05-31";

/// `max_tokens` used when the portable request sets none and the model has
/// no recorded limit (Claude requires the field).
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

/// The Anthropic Claude Messages family.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnthropicMessages;

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

fn thinking(t: Thinking) -> AnthropicThinking {
    match t {
        Thinking::Disabled => AnthropicThinking::Disabled,
        Thinking::Enabled { budget_tokens } => AnthropicThinking::Enabled { budget_tokens },
        Thinking::Adaptive => AnthropicThinking::Adaptive,
        Thinking::BetweenTools => AnthropicThinking::BetweenTools,
    }
}

fn portable_thinking(t: AnthropicThinking) -> Thinking {
    match t {
        AnthropicThinking::Disabled => Thinking::Disabled,
        AnthropicThinking::Enabled { budget_tokens } => Thinking::Enabled { budget_tokens },
        AnthropicThinking::Adaptive => Thinking::Adaptive,
        AnthropicThinking::BetweenTools => Thinking::BetweenTools,
    }
}

fn reasoning_block(r: &Reasoning) -> AnthropicBlock {
    match r {
        Reasoning::Text { text, signature } => AnthropicBlock::Thinking {
            thinking: text.clone(),
            signature: signature.clone(),
        },
        Reasoning::Redacted { data } => AnthropicBlock::RedactedThinking { data: data.clone() },
    }
}

/// The reasoning a thinking or redacted-thinking block holds; `None` for
/// other blocks. The inverse of [`reasoning_block`].
fn reasoning_of(b: &AnthropicBlock) -> Option<Reasoning> {
    match b {
        AnthropicBlock::Thinking {
            thinking,
            signature,
        } => Some(Reasoning::text(thinking.clone(), signature.clone())),
        AnthropicBlock::RedactedThinking { data } => {
            Some(Reasoning::Redacted { data: data.clone() })
        }
        _ => None,
    }
}

fn message(m: &crate::portable::Message) -> Result<AnthropicMessage, Error> {
    let role = match m.role {
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::System => "system",
    };
    let content = match m.content.as_slice() {
        [ContentBlock::Text(text)] => AnthropicContent::Text(text.clone()),
        blocks => AnthropicContent::Blocks(blocks.iter().map(block).collect::<Result<_, _>>()?),
    };
    Ok(AnthropicMessage {
        role: role.to_string(),
        content,
    })
}

fn block(b: &ContentBlock) -> Result<AnthropicBlock, Error> {
    Ok(match b {
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
        ContentBlock::Reasoning(r) => reasoning_block(r),
        ContentBlock::Media(media) => return Err(no_media(NAME, media)),
    })
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
pub(crate) fn response_model_name(id: &str) -> &str {
    let name = id.strip_prefix("anthropic.").unwrap_or(id);
    match name.rfind("-v") {
        Some(i) if name[i + 2..].starts_with(|c: char| c.is_ascii_digit()) => &name[..i],
        _ => name,
    }
}

fn portable_message(m: &AnthropicMessage) -> Result<Message, Error> {
    let role = match m.role.as_str() {
        "system" => Role::System,
        other => user_or_assistant(NAME, other)?,
    };
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
        AnthropicBlock::Thinking { .. } | AnthropicBlock::RedactedThinking { .. } => {
            ContentBlock::Reasoning(reasoning_of(b)?)
        }
    }))
}

/// The native body for a portable request, before the model's rules.
fn native_request(req: &PortableRequest, model: &ModelInfo) -> Result<AnthropicRequest, Error> {
    if req.messages.is_empty() {
        return Err(Error::unsupported(NAME, "a request with no messages"));
    }
    let p = &req.params;
    Ok(AnthropicRequest {
        anthropic_version: ANTHROPIC_VERSION.to_string(),
        max_tokens: p
            .max_tokens
            .or(model.max_output_tokens)
            .unwrap_or(DEFAULT_MAX_TOKENS),
        messages: req.messages.iter().map(message).collect::<Result<_, _>>()?,
        system: req.system.clone().map(Value::String),
        temperature: p.temperature,
        top_p: p.top_p,
        top_k: p.top_k,
        stop_sequences: p.stop_list(),
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
        thinking: req.thinking.map(thinking),
        output_config: (req.effort.is_some() || req.output_schema.is_some()).then(|| {
            AnthropicOutputConfig {
                effort: req.effort.map(|e| e.as_str().to_string()),
                format: req
                    .output_schema
                    .as_ref()
                    .map(|o| serde_json::json!({"type": "json_schema", "schema": o.schema})),
            }
        }),
        anthropic_beta: None,
    })
}

impl Codec for AnthropicMessages {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Anthropic Claude (Messages API)";
    const REASONING: bool = true;
    const SYSTEM_TURNS: bool = true;
    /// `output_config.format`: `{"type": "json_schema", "schema": ...}`.
    const STRUCTURED: bool = true;
    /// The message's id and model, in the body and in `message_start`.
    const IDENTITY: &'static [&'static str] = &["/id", "/model", "/message/id", "/message/model"];
    type Request = AnthropicRequest;
    type Response = AnthropicResponse;
    type Chunk = AnthropicChunk;

    /// `max_tokens` defaults to the model's limit. A request the model's
    /// rules refuse (a thinking type, effort or sampling parameter it does
    /// not take) is refused here too, as Bedrock would: a
    /// `ValidationException` in the model's words.
    fn request(&self, req: &PortableRequest, model: &ModelInfo) -> Result<AnthropicRequest, Error> {
        // Claude 3 and 3.5 have no `thinking` or `output_config` (their
        // schema leaves them out); their lines carry no rules.
        if model.anthropic.is_none() && (req.thinking.is_some() || req.effort.is_some()) {
            return Err(crate::family::refusals::no_reasoning(NAME));
        }
        if model.anthropic.is_none() && req.output_schema.is_some() {
            return Err(Error::unsupported(NAME, "structured output on this model"));
        }
        let native = native_request(req, model)?;
        let body =
            serde_json::to_value(&native).map_err(|e| Error::parse(NAME, "built body", e))?;
        match rules::check(&body, model) {
            None => Ok(native),
            Some(message) => Err(Error::Refused {
                family: NAME,
                model: model.id.clone(),
                message,
            }),
        }
    }

    /// The model's own rules (`anthropic/rules.rs`): version, thinking, effort,
    /// sampling, forced tools, output limit and thinking budget.
    fn body_rule(&self, body: &Value, model: &ModelInfo) -> Option<String> {
        rules::check(body, model)
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
                other => out.reasoning.extend(reasoning_of(&other)),
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
            thinking: req.thinking.map(portable_thinking),
            output_schema: req
                .output_config
                .as_ref()
                .and_then(|c| c.format.as_ref())
                .and_then(|f| f.get("schema"))
                .map(|schema| crate::OutputSchema::new(schema.clone())),
            effort: match req.output_config.and_then(|c| c.effort) {
                None => None,
                Some(name) => Some(Effort::from_name(&name).ok_or_else(|| {
                    Error::parse(NAME, "request", format!("unknown effort {name:?}"))
                })?),
            },
            ..Default::default()
        })
    }

    fn native(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<AnthropicResponse, Error> {
        let usage = resp.usage.unwrap_or_default();
        let mut content: Vec<AnthropicBlock> = resp.reasoning.iter().map(reasoning_block).collect();
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
        let mut blocks: Vec<(AnthropicBlock, Vec<AnthropicDelta>)> =
            resp.reasoning.iter().map(reasoning_chunks).collect();
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
                AnthropicBlock::Thinking { thinking, .. } if !thinking.is_empty() => {
                    acc.push(StreamEvent::ReasoningDelta {
                        index,
                        text: thinking,
                    })
                }
                AnthropicBlock::RedactedThinking { data } => {
                    acc.push(StreamEvent::RedactedReasoning { index, data })
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
                AnthropicDelta::ThinkingDelta { thinking } => {
                    acc.push(StreamEvent::ReasoningDelta {
                        index,
                        text: thinking,
                    })
                }
                AnthropicDelta::SignatureDelta { signature } => {
                    acc.push(StreamEvent::ReasoningSignature { index, signature })
                }
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

/// A reasoning block as streamed: a `thinking` block started empty, its
/// text in pieces, then its signature; a `redacted_thinking` block whole.
fn reasoning_chunks(r: &Reasoning) -> (AnthropicBlock, Vec<AnthropicDelta>) {
    match r {
        Reasoning::Text { text, signature } => {
            let pieces = text_pieces(text).into_iter();
            let mut deltas: Vec<AnthropicDelta> = pieces
                .map(|t| AnthropicDelta::ThinkingDelta { thinking: t.into() })
                .collect();
            deltas.extend(signature.iter().map(|s| AnthropicDelta::SignatureDelta {
                signature: s.clone(),
            }));
            let empty = AnthropicBlock::Thinking {
                thinking: String::new(),
                signature: None,
            };
            (empty, deltas)
        }
        Reasoning::Redacted { .. } => (reasoning_block(r), Vec::new()),
    }
}

#[cfg(test)]
mod tests;
