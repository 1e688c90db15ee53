//! A portable response written as a dialect's chat-completions response
//! and stream chunks, through the shared wire types.

use super::dialect::{ChatDialect, ChatStreamChunk, EmptyContent, StreamShape};
use super::reasoning;
use super::{
    OpenAiChatResponse, OpenAiChoice, OpenAiContent, OpenAiDelta, OpenAiFunctionCall,
    OpenAiFunctionDelta, OpenAiMessage, OpenAiToolCall, OpenAiToolCallDelta, OpenAiUsage,
};
use crate::family::model_family::{text_pieces, RenderContext};
use crate::portable::PortableResponse;

/// The `created` Unix time of a rendered response: derived from the
/// response id, within the year from 2025-01-01, so the same request always
/// gets the same bytes.
pub(crate) fn created_for(ctx: &RenderContext<'_>) -> u64 {
    const BASE: u64 = 1_735_689_600;
    const YEAR: u64 = 31_536_000;
    let hex = ctx.response_id.get(..12).unwrap_or("0");
    BASE + u64::from_str_radix(hex, 16).unwrap_or(0) % YEAR
}

/// Chat-completions usage, zero when the response has none.
fn usage(resp: &PortableResponse) -> OpenAiUsage {
    let u = resp.usage.unwrap_or_default();
    OpenAiUsage {
        prompt_tokens: u.input_tokens,
        completion_tokens: u.output_tokens,
        total_tokens: u.input_tokens + u.output_tokens,
    }
}

/// A response's tool calls, arguments serialised.
fn tool_calls(resp: &PortableResponse) -> Vec<OpenAiToolCall> {
    resp.tool_calls
        .iter()
        .map(|call| OpenAiToolCall {
            id: call.id.clone(),
            kind: Some("function".into()),
            function: OpenAiFunctionCall {
                name: call.name.clone(),
                arguments: call.input.to_string(),
            },
        })
        .collect()
}

/// An empty body of `D`'s header: id, and `object`/`created`/`model` where
/// the dialect writes them.
fn header<D: ChatDialect>(
    dialect: &D,
    ctx: &RenderContext<'_>,
    object: &str,
) -> OpenAiChatResponse {
    let full = D::STYLE.header;
    OpenAiChatResponse {
        id: dialect.completion_id(ctx),
        object: full.then(|| object.to_string()),
        created: full.then(|| created_for(ctx)),
        model: full.then(|| ctx.model.id.clone()),
        ..Default::default()
    }
}

/// Choice 0 with `reason` under the dialect's key (`None` writes `null`).
fn choice<D: ChatDialect>(reason: Option<&str>) -> OpenAiChoice {
    let reason = Some(reason.map(str::to_string));
    let (finish_reason, stop_reason) = match D::STYLE.finish_reason_key {
        true => (reason, None),
        false => (None, reason),
    };
    OpenAiChoice {
        finish_reason,
        stop_reason,
        ..Default::default()
    }
}

/// Where a response's reasoning goes in `D`'s bodies for the model called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReasoningPlace {
    /// Before the text, in `<reasoning>` tags (OpenAI's models).
    Tags,
    /// In `reasoning_content`, where the dialect's messages have it.
    Field,
    /// Nowhere: the model's answers do not show it.
    Hidden,
}

fn reasoning_place<D: ChatDialect>(ctx: &RenderContext<'_>) -> ReasoningPlace {
    if D::STYLE.reasoning_tags && ctx.model.reasons_unasked() {
        ReasoningPlace::Tags
    } else if D::STYLE.reasoning_content {
        ReasoningPlace::Field
    } else {
        ReasoningPlace::Hidden
    }
}

/// The readable reasoning of a response, joined; `None` when it has none.
fn reasoning_text(resp: &PortableResponse) -> Option<String> {
    let text: String = resp.reasoning.iter().map(|r| r.visible_text()).collect();
    (!text.is_empty()).then_some(text)
}

/// The assistant message of `text`, `reasoning` (in its field, where the
/// dialect has one) and `calls`: a tools-only message's content as the
/// dialect writes it.
fn message<D: ChatDialect>(
    text: &str,
    reasoning: Option<String>,
    calls: Vec<OpenAiToolCall>,
) -> OpenAiMessage {
    let content = match (text.is_empty() && !calls.is_empty(), D::STYLE.empty_content) {
        (true, EmptyContent::Null) => OpenAiContent::Null,
        _ => OpenAiContent::Text(text.to_string()),
    };
    OpenAiMessage {
        content: Some(content),
        tool_calls: (!calls.is_empty()).then_some(calls),
        reasoning_content: D::STYLE.reasoning_content.then_some(reasoning),
        ..OpenAiMessage::text("assistant", "")
    }
}

/// The response body.
pub(crate) fn native_response<D: ChatDialect>(
    dialect: &D,
    resp: &PortableResponse,
    ctx: &RenderContext<'_>,
) -> OpenAiChatResponse {
    let reason = dialect.finish_reason(resp.stop_reason.as_ref());
    let reasoning = reasoning_text(resp);
    let (text, field) = match (reasoning_place::<D>(ctx), reasoning) {
        (ReasoningPlace::Tags, Some(r)) => (reasoning::tagged(&r, &resp.text), None),
        (ReasoningPlace::Field, r) => (resp.text.clone(), r),
        _ => (resp.text.clone(), None),
    };
    OpenAiChatResponse {
        choices: vec![OpenAiChoice {
            message: Some(message::<D>(&text, field, tool_calls(resp))),
            ..choice::<D>(Some(reason))
        }],
        usage: D::STYLE.usage.then(|| usage(resp)),
        ..header(dialect, ctx, "chat.completion")
    }
}

/// The stream chunks, without the invocation metrics, in the dialect's
/// [`StreamShape`], then the `[DONE]` marker where the dialect sends it.
pub(crate) fn native_chunks<D: ChatDialect>(
    dialect: &D,
    resp: &PortableResponse,
    ctx: &RenderContext<'_>,
) -> Vec<ChatStreamChunk> {
    let mut chunks = match D::STYLE.stream {
        StreamShape::Deltas => delta_chunks(dialect, resp, ctx),
        StreamShape::Messages => message_chunks(dialect, resp, ctx),
    };
    if D::STYLE.done_marker {
        chunks.push(ChatStreamChunk::Marker("[DONE]".into()));
    }
    chunks
}

/// One piece of text per chunk as a whole message, then every tool call
/// whole in one last message with empty content; the stop reason on the
/// last chunk.
fn message_chunks<D: ChatDialect>(
    dialect: &D,
    resp: &PortableResponse,
    ctx: &RenderContext<'_>,
) -> Vec<ChatStreamChunk> {
    let reason = dialect.finish_reason(resp.stop_reason.as_ref());
    let calls = tool_calls(resp);
    let chunk = |text: &str, calls: Vec<OpenAiToolCall>, reason: Option<&str>| {
        ChatStreamChunk::Chunk(OpenAiChatResponse {
            choices: vec![OpenAiChoice {
                message: Some(message::<D>(text, None, calls)),
                ..choice::<D>(reason)
            }],
            ..header(dialect, ctx, "chat.completion.chunk")
        })
    };
    let pieces = text_pieces(&resp.text);
    let last = pieces.len() - 1;
    let mut chunks: Vec<_> = pieces
        .iter()
        .enumerate()
        .map(|(i, piece)| {
            let ends = i == last && calls.is_empty();
            chunk(piece, Vec::new(), ends.then_some(reason))
        })
        .collect();
    if !calls.is_empty() {
        chunks.push(chunk("", calls, Some(reason)));
    }
    chunks
}

/// The role (with an empty text, or with the first tool call when there
/// is no text), one chunk per piece of text, each tool call as its id and
/// name then two argument fragments, and an empty delta with the finish
/// reason (with `usage` where the dialect puts it there).
fn delta_chunks<D: ChatDialect>(
    dialect: &D,
    resp: &PortableResponse,
    ctx: &RenderContext<'_>,
) -> Vec<ChatStreamChunk> {
    let chunk = |delta: OpenAiDelta, reason: Option<&str>| OpenAiChatResponse {
        choices: vec![OpenAiChoice {
            delta: Some(delta),
            ..choice::<D>(reason)
        }],
        ..header(dialect, ctx, "chat.completion.chunk")
    };
    let text = |piece: &str| OpenAiDelta {
        content: Some(Some(piece.to_string())),
        ..Default::default()
    };
    let mut chunks = Vec::new();
    let reasoning = reasoning_text(resp);
    let place = reasoning_place::<D>(ctx);
    let with_text = !resp.text.is_empty() || resp.tool_calls.is_empty() || reasoning.is_some();
    if with_text {
        let role = OpenAiDelta {
            role: Some("assistant".into()),
            ..text("")
        };
        chunks.push(chunk(role, None));
        let mut pieces = Vec::new();
        match (place, reasoning.as_deref()) {
            (ReasoningPlace::Tags, Some(r)) => pieces.extend(reasoning::tagged_pieces(r)),
            (ReasoningPlace::Field, Some(r)) => {
                for piece in text_pieces(r).into_iter().filter(|p| !p.is_empty()) {
                    let delta = OpenAiDelta {
                        reasoning_content: Some(Some(piece.to_string())),
                        ..Default::default()
                    };
                    chunks.push(chunk(delta, None));
                }
            }
            _ => {}
        }
        pieces.extend(text_pieces(&resp.text));
        for piece in pieces.into_iter().filter(|p| !p.is_empty()) {
            chunks.push(chunk(text(piece), None));
        }
    }
    for (index, call) in tool_calls(resp).into_iter().enumerate() {
        let fragment = |id: Option<String>, name: Option<String>, arguments: &str| {
            let kind = id.as_ref().map(|_| "function".to_string());
            vec![OpenAiToolCallDelta {
                index: index as u32,
                id,
                kind,
                function: Some(OpenAiFunctionDelta {
                    name,
                    arguments: Some(arguments.to_string()),
                }),
            }]
        };
        let first_of_all = index == 0 && !with_text;
        let start = OpenAiDelta {
            role: first_of_all.then(|| "assistant".into()),
            content: first_of_all.then_some(None),
            tool_calls: Some(fragment(Some(call.id), Some(call.function.name), "")),
            ..Default::default()
        };
        chunks.push(chunk(start, None));
        let arguments = &call.function.arguments;
        let cut = arguments
            .char_indices()
            .map(|(i, _)| i)
            .nth(arguments.chars().count() / 2)
            .unwrap_or(0);
        for part in [&arguments[..cut], &arguments[cut..]] {
            let piece = OpenAiDelta {
                tool_calls: Some(fragment(None, None, part)),
                ..Default::default()
            };
            chunks.push(chunk(piece, None));
        }
    }
    let reason = dialect.finish_reason(resp.stop_reason.as_ref());
    let last = match D::STYLE.usage_in_last_chunk {
        true => OpenAiChatResponse {
            usage: Some(usage(resp)),
            ..chunk(text(""), Some(reason))
        },
        false => chunk(OpenAiDelta::default(), Some(reason)),
    };
    chunks.push(last);
    chunks.into_iter().map(ChatStreamChunk::Chunk).collect()
}
