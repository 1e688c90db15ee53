//! The OpenAI-style chat-completions wire that several families speak
//! (OpenAI gpt-oss and Qwen3, Writer Palmyra): the request, response and
//! chunk types, messages, tools, images, stream deltas and stop reasons.
//! It is not a family itself; each family that speaks it builds on it.
//!
//! Shapes from OpenAI's Create chat completion request, chat completion
//! object and chunk references, as the AWS user guide pages "OpenAI models"
//! and "Writer Palmyra X4/X5" take them.

use super::model_family::{text_pieces, RenderContext};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::portable::{
    ContentBlock, ImageFormat, Message, PortableRequest, PortableResponse, Role, StopReason,
    StreamEvent, ToolCall, ToolChoice, ToolResultContent, ToolSpec, Usage,
};
use base64::Engine as _;

mod types;

use serde_json::{json, Map, Value};
use types::function_type;
pub use types::{
    OpenAiChatChunk, OpenAiChatRequest, OpenAiChatResponse, OpenAiContent, OpenAiContentPart,
    OpenAiDelta, OpenAiFunction, OpenAiFunctionCall, OpenAiFunctionName, OpenAiMessage, OpenAiStop,
    OpenAiTool, OpenAiToolCall, OpenAiToolChoice, OpenAiUsage,
};

/// Maps a chat-completions finish reason (`stop` covers both the end of
/// the turn and a stop sequence: the wire does not tell them apart).
pub(crate) fn stop_reason(reason: &str) -> StopReason {
    match reason {
        "stop" => StopReason::EndTurn,
        "length" => StopReason::MaxTokens,
        "tool_calls" | "function_call" => StopReason::ToolUse,
        "content_filter" => StopReason::ContentFiltered,
        other => StopReason::Other(other.to_string()),
    }
}

/// Whether a stream chunk is the `[DONE]` end marker (bare or as a JSON
/// string), which carries nothing.
pub(crate) fn is_done_marker(chunk: &[u8]) -> bool {
    matches!(chunk.trim_ascii(), b"[DONE]" | b"\"[DONE]\"")
}

/// The portable conversation as chat messages: the system prompt as a
/// `system` message, tool results as `tool` messages (placed before the
/// user's text of the same turn, right after the calls they answer), tool
/// calls as the assistant's `tool_calls`. Images and error-flagged tool
/// results are refused for `family`.
pub(crate) fn chat_messages(
    family: &'static str,
    req: &PortableRequest,
) -> Result<Vec<OpenAiMessage>, Error> {
    if req.messages.is_empty() {
        return Err(Error::unsupported(family, "a request with no messages"));
    }
    let mut out = Vec::new();
    if let Some(system) = &req.system {
        out.push(OpenAiMessage::text("system", system.clone()));
    }
    for turn in &req.messages {
        let mut text = String::new();
        let mut calls = Vec::new();
        for block in &turn.content {
            match (turn.role, block) {
                (_, ContentBlock::Text(t)) => text.push_str(t),
                (_, ContentBlock::Image { .. }) => {
                    return Err(Error::unsupported(family, "image content"))
                }
                (Role::Assistant, ContentBlock::ToolUse { id, name, input }) => {
                    calls.push(OpenAiToolCall {
                        id: id.clone(),
                        kind: function_type(),
                        function: OpenAiFunctionCall {
                            name: name.clone(),
                            arguments: input.to_string(),
                        },
                    })
                }
                (Role::User, ContentBlock::ToolResult { is_error: true, .. }) => {
                    return Err(Error::unsupported(
                        family,
                        "a tool result marked as an error",
                    ))
                }
                (
                    Role::User,
                    ContentBlock::ToolResult {
                        tool_use_id,
                        content,
                        ..
                    },
                ) => out.push(OpenAiMessage {
                    tool_call_id: Some(tool_use_id.clone()),
                    ..OpenAiMessage::text(
                        "tool",
                        content.iter().map(|c| c.to_text()).collect::<String>(),
                    )
                }),
                (Role::User, ContentBlock::ToolUse { .. }) => {
                    return Err(Error::unsupported(family, "a tool call in a user turn"))
                }
                (Role::Assistant, ContentBlock::ToolResult { .. }) => {
                    return Err(Error::unsupported(
                        family,
                        "a tool result in an assistant turn",
                    ))
                }
            }
        }
        match turn.role {
            Role::User => {
                let only_results = !turn.content.is_empty()
                    && turn
                        .content
                        .iter()
                        .all(|b| matches!(b, ContentBlock::ToolResult { .. }));
                if !only_results {
                    out.push(OpenAiMessage::text("user", text));
                }
            }
            Role::Assistant => out.push(OpenAiMessage {
                content: (!text.is_empty() || calls.is_empty())
                    .then_some(OpenAiContent::Text(text)),
                tool_calls: (!calls.is_empty()).then_some(calls),
                ..OpenAiMessage::text("assistant", "")
            }),
        }
    }
    Ok(out)
}

/// The portable tools as chat-completions function tools.
pub(crate) fn chat_tools(req: &PortableRequest) -> Option<Vec<OpenAiTool>> {
    (!req.tools.is_empty()).then(|| {
        req.tools
            .iter()
            .map(|t| OpenAiTool {
                kind: function_type(),
                function: OpenAiFunction {
                    name: t.name.clone(),
                    description: t.description.clone(),
                    parameters: t.input_schema.clone(),
                },
            })
            .collect()
    })
}

/// The portable tool choice: `auto`, `required`, `none` or one function.
pub(crate) fn chat_tool_choice(choice: &ToolChoice) -> OpenAiToolChoice {
    match choice {
        ToolChoice::Auto => OpenAiToolChoice::Mode("auto".into()),
        ToolChoice::Any => OpenAiToolChoice::Mode("required".into()),
        ToolChoice::None => OpenAiToolChoice::Mode("none".into()),
        ToolChoice::Tool(name) => OpenAiToolChoice::Function {
            kind: function_type(),
            function: OpenAiFunctionName { name: name.clone() },
        },
    }
}

/// The assistant message's tool calls, arguments parsed (empty arguments
/// are `{}`).
pub(crate) fn tool_calls(
    family: &'static str,
    message: &OpenAiMessage,
) -> Result<Vec<ToolCall>, Error> {
    message
        .tool_calls
        .iter()
        .flatten()
        .map(|call| {
            let args = call.function.arguments.trim();
            let input = if args.is_empty() {
                Value::Object(Map::new())
            } else {
                serde_json::from_str(args).map_err(|e| {
                    Error::parse(
                        family,
                        "response",
                        format!("arguments of tool call {}: {e}", call.id),
                    )
                })?
            };
            Ok(ToolCall {
                id: call.id.clone(),
                name: call.function.name.clone(),
                input,
            })
        })
        .collect()
}

/// Portable usage from chat-completions counts.
pub(crate) fn usage(u: &OpenAiUsage) -> Usage {
    Usage {
        input_tokens: u.prompt_tokens,
        output_tokens: u.completion_tokens,
    }
}

/// The portable response of a `chat.completion` object: its first choice's
/// message (or completion-style `text`), stop reason and usage.
pub(crate) fn portable_response(
    family: &'static str,
    resp: &OpenAiChatResponse,
) -> Result<PortableResponse, Error> {
    let choice = resp
        .choices
        .first()
        .ok_or_else(|| Error::parse(family, "response", "`choices` is empty"))?;
    let (text, calls) = match (&choice.message, &choice.text) {
        (Some(message), _) => (message.content_text(), tool_calls(family, message)?),
        (None, Some(text)) => (text.clone(), Vec::new()),
        (None, None) => {
            return Err(Error::parse(
                family,
                "response",
                "the choice has neither `message` nor `text`",
            ))
        }
    };
    Ok(PortableResponse {
        text,
        tool_calls: calls,
        stop_reason: choice.finish_reason.as_deref().map(stop_reason),
        usage: resp.usage.as_ref().map(usage),
        ..Default::default()
    })
}

/// Pushes a `chat.completion.chunk` into `acc`: the deltas (or
/// completion-style `text`) of choice 0, and the usage where sent.
pub(crate) fn push_chunk(acc: &mut StreamAccumulator, chunk: OpenAiChatChunk) {
    for choice in chunk.choices.into_iter().filter(|c| c.index == 0) {
        let mut delta = choice.delta;
        if delta.content.is_none() {
            delta.content = choice.text;
        }
        push_delta(acc, delta, choice.finish_reason);
    }
    if let Some(u) = &chunk.usage {
        acc.push(StreamEvent::Usage(usage(u)));
    }
}

/// Pushes the events of one chunk choice: text at block 0, tool call `k`
/// at block `k + 1` (a missing id is synthesised as `call_<k>`).
pub(crate) fn push_delta(
    acc: &mut StreamAccumulator,
    delta: OpenAiDelta,
    finish_reason: Option<String>,
) {
    if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
        acc.push(StreamEvent::TextDelta { index: 0, text });
    }
    for call in delta.tool_calls.into_iter().flatten() {
        let index = call.index + 1;
        let function = call.function.unwrap_or_default();
        if let Some(name) = function.name {
            let id = call.id.unwrap_or_else(|| format!("call_{}", call.index));
            acc.push(StreamEvent::ToolUseStart { index, id, name });
        }
        if let Some(json) = function.arguments.filter(|a| !a.is_empty()) {
            acc.push(StreamEvent::ToolInputDelta { index, json });
        }
    }
    if let Some(reason) = finish_reason {
        acc.push(StreamEvent::Stop(stop_reason(&reason)));
    }
}

/// Reads chat messages back into the portable system prompt and turns: the
/// inverse of [`chat_messages`]. `system` and `developer` messages make the
/// system prompt (joined by a blank line); `tool` messages become tool
/// results of the next user turn, ahead of that turn's text; an assistant's
/// text comes before its tool calls. Tool results read back as text (a JSON
/// result was sent serialised).
pub(crate) fn read_chat_messages(
    family: &'static str,
    messages: &[OpenAiMessage],
) -> Result<(Option<String>, Vec<Message>), Error> {
    let mut system: Option<String> = None;
    let mut turns: Vec<Message> = Vec::new();
    let mut results: Option<Vec<ContentBlock>> = None;
    for m in messages {
        match m.role.as_str() {
            "system" | "developer" => {
                let text = m.content_text();
                system = Some(match system {
                    Some(s) => format!("{s}\n\n{text}"),
                    None => text,
                });
            }
            "tool" => results
                .get_or_insert_with(Vec::new)
                .push(ContentBlock::ToolResult {
                    tool_use_id: m.tool_call_id.clone().unwrap_or_default(),
                    content: vec![ToolResultContent::Text(m.content_text())],
                    is_error: false,
                }),
            "user" => {
                let mut content = results.take().unwrap_or_default();
                content.extend(read_content(family, m.content.as_ref())?);
                turns.push(Message {
                    role: Role::User,
                    content,
                });
            }
            "assistant" => {
                if let Some(content) = results.take() {
                    turns.push(Message {
                        role: Role::User,
                        content,
                    });
                }
                let calls = tool_calls(family, m).map_err(|e| match e {
                    Error::Parse { reason, .. } => Error::parse(family, "request", reason),
                    other => other,
                })?;
                let text = m.content_text();
                let mut content = Vec::new();
                if !text.is_empty() || calls.is_empty() {
                    content.push(ContentBlock::Text(text));
                }
                content.extend(calls.into_iter().map(|c| ContentBlock::ToolUse {
                    id: c.id,
                    name: c.name,
                    input: c.input,
                }));
                turns.push(Message {
                    role: Role::Assistant,
                    content,
                });
            }
            other => {
                return Err(Error::parse(
                    family,
                    "request",
                    format!("unknown role {other:?}"),
                ))
            }
        }
    }
    if let Some(content) = results {
        turns.push(Message {
            role: Role::User,
            content,
        });
    }
    Ok((system, turns))
}

/// A user message's content as blocks: text parts as text, `data:` image
/// URLs as images (an image by any other URL has no portable form).
fn read_content(
    family: &'static str,
    content: Option<&OpenAiContent>,
) -> Result<Vec<ContentBlock>, Error> {
    match content {
        None => Ok(vec![ContentBlock::Text(String::new())]),
        Some(OpenAiContent::Text(text)) => Ok(vec![ContentBlock::Text(text.clone())]),
        Some(OpenAiContent::Parts(parts)) => parts
            .iter()
            .map(|part| match part {
                OpenAiContentPart::Text { text } => Ok(ContentBlock::Text(text.clone())),
                OpenAiContentPart::ImageUrl { image_url } => data_url_image(family, image_url),
            })
            .collect(),
    }
}

/// `{"url":"data:image/png;base64,..."}` (or the URL alone) as an image.
fn data_url_image(family: &'static str, image_url: &Value) -> Result<ContentBlock, Error> {
    let url = image_url
        .get("url")
        .unwrap_or(image_url)
        .as_str()
        .unwrap_or_default();
    let bad = |why: &str| Error::parse(family, "request", format!("image_url: {why}"));
    let (media_type, data) = url
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once(";base64,"))
        .ok_or_else(|| bad("only base64 `data:` URLs can be read"))?;
    let format = ImageFormat::from_name(media_type)
        .ok_or_else(|| bad(&format!("unknown media type {media_type:?}")))?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| bad(&e.to_string()))?;
    Ok(ContentBlock::Image { format, data })
}

/// Function tools back as portable tools.
pub(crate) fn read_chat_tools(tools: Option<Vec<OpenAiTool>>) -> Vec<ToolSpec> {
    tools
        .unwrap_or_default()
        .into_iter()
        .map(|t| ToolSpec {
            name: t.function.name,
            description: t.function.description,
            input_schema: t.function.parameters,
        })
        .collect()
}

/// `tool_choice` back as the portable choice.
pub(crate) fn read_tool_choice(
    family: &'static str,
    choice: OpenAiToolChoice,
) -> Result<ToolChoice, Error> {
    match choice {
        OpenAiToolChoice::Mode(mode) => match mode.as_str() {
            "auto" => Ok(ToolChoice::Auto),
            "required" | "any" => Ok(ToolChoice::Any),
            "none" => Ok(ToolChoice::None),
            other => Err(Error::parse(
                family,
                "request",
                format!("unknown tool_choice {other:?}"),
            )),
        },
        OpenAiToolChoice::Function { function, .. } => Ok(ToolChoice::Tool(function.name)),
    }
}

/// The chat-completions finish reason for a portable stop reason (`stop`
/// for both the end of the turn and a stop sequence).
pub(crate) fn finish_reason_name(reason: Option<&StopReason>) -> &str {
    match reason {
        Some(StopReason::MaxTokens) => "length",
        Some(StopReason::ToolUse) => "tool_calls",
        Some(StopReason::ContentFiltered | StopReason::GuardrailIntervened) => "content_filter",
        Some(StopReason::Other(other)) => other,
        _ => "stop",
    }
}

/// The `created` Unix time of a rendered response: derived from the
/// response id, within the year from 2025-01-01, so the same request always
/// gets the same bytes.
pub(crate) fn created_for(ctx: &RenderContext<'_>) -> u64 {
    const BASE: u64 = 1_735_689_600;
    const YEAR: u64 = 31_536_000;
    let hex = ctx.response_id.get(..12).unwrap_or("0");
    BASE + u64::from_str_radix(hex, 16).unwrap_or(0) % YEAR
}

/// A response's tool calls as chat-completions `tool_calls`.
fn rendered_tool_calls(resp: &PortableResponse) -> Vec<Value> {
    resp.tool_calls
        .iter()
        .map(|call| {
            json!({
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.input.to_string()},
            })
        })
        .collect()
}

/// The assistant message of a `chat.completion`: `content` is `null` when
/// there is only a tool call; `tool_calls` appears only when there are some.
pub(crate) fn render_chat_message(resp: &PortableResponse) -> Value {
    let mut message = json!({
        "role": "assistant",
        "content": (!resp.text.is_empty() || resp.tool_calls.is_empty()).then_some(&resp.text),
    });
    if !resp.tool_calls.is_empty() {
        message["tool_calls"] = Value::Array(rendered_tool_calls(resp));
    }
    message
}

/// Chat-completions usage, zero when the response has none.
pub(crate) fn render_usage(resp: &PortableResponse) -> Value {
    let u = resp.usage.unwrap_or_default();
    json!({
        "prompt_tokens": u.input_tokens,
        "completion_tokens": u.output_tokens,
        "total_tokens": u.input_tokens + u.output_tokens,
    })
}

/// The `chat.completion.chunk` objects of a response: the role (with an
/// empty text, or with the first tool call when there is no text), one
/// chunk per piece of text, each tool call as its id and name then two
/// argument fragments, and an empty delta with the finish reason. Token
/// counts are not streamed (they come in the invocation metrics).
pub(crate) fn render_chat_chunks(
    resp: &PortableResponse,
    id: &str,
    created: u64,
    model: &str,
) -> Vec<Value> {
    let chunk = |delta: Value, finish: Option<&str>| {
        json!({
            "id": id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        })
    };
    let mut chunks = Vec::new();
    let with_text = !resp.text.is_empty() || resp.tool_calls.is_empty();
    if with_text {
        chunks.push(chunk(json!({"role": "assistant", "content": ""}), None));
        for piece in text_pieces(&resp.text)
            .into_iter()
            .filter(|p| !p.is_empty())
        {
            chunks.push(chunk(json!({"content": piece}), None));
        }
    }
    for (index, call) in rendered_tool_calls(resp).into_iter().enumerate() {
        let arguments = call["function"]["arguments"].as_str().unwrap_or_default();
        let cut = arguments
            .char_indices()
            .map(|(i, _)| i)
            .nth(arguments.chars().count() / 2)
            .unwrap_or(0);
        let (first, second) = arguments.split_at(cut);
        let mut start = json!({"tool_calls": [{"index": index, "id": call["id"], "type": "function",
            "function": {"name": call["function"]["name"], "arguments": ""}}]});
        if index == 0 && !with_text {
            start["role"] = json!("assistant");
            start["content"] = Value::Null;
        }
        chunks.push(chunk(start, None));
        for part in [first, second] {
            chunks.push(chunk(
                json!({"tool_calls": [{"index": index, "function": {"arguments": part}}]}),
                None,
            ));
        }
    }
    chunks.push(chunk(
        json!({}),
        Some(finish_reason_name(resp.stop_reason.as_ref())),
    ));
    chunks
}
