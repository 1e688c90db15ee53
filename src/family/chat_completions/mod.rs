//! The OpenAI-style chat-completions wire that several families speak
//! (OpenAI gpt-oss and Qwen3, Writer Palmyra): the request, response and
//! chunk types, messages, tools, images, stream deltas and stop reasons.
//! It is not a family itself; each family that speaks it builds on it.
//!
//! Shapes from OpenAI's Create chat completion request, chat completion
//! object and chunk references, as the AWS user guide pages "OpenAI models"
//! and "Writer Palmyra X4/X5" take them.

use super::codec::first_entry;
use super::refusals::{no_media, no_reasoning, no_system_turn};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::media::{Media, MediaKind, MediaSource};
use crate::portable::{
    ContentBlock, ImageFormat, Message, PortableRequest, PortableResponse, Role, StopReason,
    StreamEvent, ToolCall, ToolChoice, ToolResultContent, ToolSpec, Usage,
};
use crate::reasoning::Reasoning;
use base64::Engine as _;

mod dialect;
mod reasoning;
mod render;
mod types;

pub use dialect::{ChatDialect, ChatParts, ChatStreamChunk, ChatStyle, EmptyContent, StreamShape};
use serde_json::{Map, Value};
pub use types::{
    OpenAiChatChunk, OpenAiChatResponse, OpenAiChoice, OpenAiContent, OpenAiContentPart,
    OpenAiDelta, OpenAiFunction, OpenAiFunctionCall, OpenAiFunctionDelta, OpenAiFunctionName,
    OpenAiInputAudio, OpenAiMessage, OpenAiTool, OpenAiToolCall, OpenAiToolCallDelta,
    OpenAiToolChoice, OpenAiUsage,
};

/// Maps a chat-completions finish reason, under every provider's name for
/// it. `stop` covers both the end of the turn and a stop sequence (the
/// wire does not tell them apart), and is tool use when the message made
/// tool calls (Jamba ends a tool-calling turn with `stop`).
pub(crate) fn stop_reason(reason: &str, made_tool_calls: bool) -> StopReason {
    match reason {
        "stop" | "end_turn" if made_tool_calls => StopReason::ToolUse,
        "stop" | "end_turn" => StopReason::EndTurn,
        "length" | "model_length" => StopReason::MaxTokens,
        "tool_calls" | "function_call" => StopReason::ToolUse,
        "content_filter" => StopReason::ContentFiltered,
        other => StopReason::Other(other.to_string()),
    }
}

/// What a model's chat body takes besides text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ChatInputs {
    /// Images, as `image_url` parts.
    pub images: bool,
    /// Audio, as `input_audio` parts.
    pub audio: bool,
}

/// Whether a stream chunk is the `[DONE]` end marker (bare or as a JSON
/// string), which carries nothing.
pub(crate) fn is_done_marker(chunk: &[u8]) -> bool {
    matches!(chunk.trim_ascii(), b"[DONE]" | b"\"[DONE]\"")
}

/// The portable conversation as chat messages: the system prompt as a
/// `system` message, tool results as `tool` messages (placed before the
/// user's text of the same turn, right after the calls they answer), tool
/// calls as the assistant's `tool_calls`, images as `data:` URL parts and
/// audio as `input_audio` parts where `inputs` says the model takes them.
/// Error-flagged tool results are refused for `family`.
pub(crate) fn chat_messages(
    family: &'static str,
    req: &PortableRequest,
    inputs: ChatInputs,
    style: &ChatStyle,
) -> Result<Vec<OpenAiMessage>, Error> {
    if req.messages.is_empty() {
        return Err(Error::unsupported(family, "a request with no messages"));
    }
    let mut out = Vec::new();
    if let Some(system) = &req.system {
        out.push(OpenAiMessage::text("system", system.clone()));
    }
    for turn in &req.messages {
        match turn.role {
            Role::User => user_messages(family, turn, inputs, &mut out)?,
            Role::Assistant => out.push(assistant_message(family, turn, style)?),
            Role::System => return Err(no_system_turn(family)),
        }
    }
    Ok(out)
}

/// A user turn: one `tool` message per tool result, then a `user` message
/// of its text and images (left out when the turn is only tool results).
fn user_messages(
    family: &'static str,
    turn: &Message,
    inputs: ChatInputs,
    out: &mut Vec<OpenAiMessage>,
) -> Result<(), Error> {
    let mut parts = Vec::new();
    let mut results = 0;
    for block in &turn.content {
        match block {
            ContentBlock::Text(text) => parts.push(OpenAiContentPart::Text { text: text.clone() }),
            ContentBlock::Image { format, data } if inputs.images => {
                let url = format!(
                    "data:{};base64,{}",
                    format.media_type(),
                    base64::engine::general_purpose::STANDARD.encode(data)
                );
                let mut image_url = Map::new();
                image_url.insert("url".into(), Value::String(url));
                parts.push(OpenAiContentPart::ImageUrl {
                    image_url: Value::Object(image_url),
                });
            }
            ContentBlock::Image { .. } => return Err(Error::unsupported(family, "image content")),
            ContentBlock::Reasoning(_) => return Err(no_reasoning(family)),
            ContentBlock::Media(media) if inputs.audio && media.kind == MediaKind::Audio => {
                let MediaSource::Bytes(data) = &media.source else {
                    return Err(Error::unsupported(family, "audio from an S3 location"));
                };
                parts.push(OpenAiContentPart::InputAudio {
                    input_audio: OpenAiInputAudio {
                        data: base64::engine::general_purpose::STANDARD.encode(data),
                        format: media.format.clone(),
                    },
                });
            }
            ContentBlock::Media(media) => return Err(no_media(family, media)),
            ContentBlock::ToolResult { is_error: true, .. } => {
                return Err(Error::unsupported(
                    family,
                    "a tool result marked as an error",
                ))
            }
            ContentBlock::ToolResult {
                tool_use_id,
                content,
                ..
            } => {
                results += 1;
                out.push(OpenAiMessage {
                    tool_call_id: Some(tool_use_id.clone()),
                    ..OpenAiMessage::text(
                        "tool",
                        content
                            .iter()
                            .map(ToolResultContent::to_text)
                            .collect::<String>(),
                    )
                });
            }
            ContentBlock::ToolUse { .. } => {
                return Err(Error::unsupported(family, "a tool call in a user turn"))
            }
        }
    }
    let has_image = parts
        .iter()
        .any(|p| !matches!(p, OpenAiContentPart::Text { .. }));
    let message = OpenAiMessage {
        content: Some(OpenAiContent::Parts(parts)),
        ..OpenAiMessage::text("user", "")
    };
    if has_image {
        out.push(message);
        return Ok(());
    }
    let text = message.content_text();
    if results == 0 || !text.is_empty() {
        out.push(OpenAiMessage::text("user", text));
    }
    Ok(())
}

/// An assistant turn: its text and its tool calls in one message; the
/// content of a message that only calls tools is left out, or empty where
/// `style` says so.
fn assistant_message(
    family: &'static str,
    turn: &Message,
    style: &ChatStyle,
) -> Result<OpenAiMessage, Error> {
    let mut calls = Vec::new();
    for block in &turn.content {
        match block {
            ContentBlock::Text(_) => {}
            ContentBlock::ToolUse { id, name, input } => calls.push(OpenAiToolCall {
                id: id.clone(),
                kind: style.request_tool_call_type.then(|| "function".to_string()),
                function: OpenAiFunctionCall {
                    name: name.clone(),
                    arguments: input.to_string(),
                },
            }),
            ContentBlock::Image { .. } => {
                return Err(Error::unsupported(
                    family,
                    "image content in an assistant turn",
                ))
            }
            ContentBlock::ToolResult { .. } => {
                return Err(Error::unsupported(
                    family,
                    "a tool result in an assistant turn",
                ))
            }
            ContentBlock::Reasoning(_) => return Err(no_reasoning(family)),
            ContentBlock::Media(media) => return Err(no_media(family, media)),
        }
    }
    let text = turn.text();
    let keep = !text.is_empty() || calls.is_empty() || style.empty_content == EmptyContent::Empty;
    Ok(OpenAiMessage {
        content: keep.then_some(OpenAiContent::Text(text)),
        tool_calls: (!calls.is_empty()).then_some(calls),
        ..OpenAiMessage::text("assistant", "")
    })
}

/// The portable tools as chat-completions function tools.
pub(crate) fn chat_tools(req: &PortableRequest) -> Option<Vec<OpenAiTool>> {
    (!req.tools.is_empty()).then(|| {
        req.tools
            .iter()
            .map(|t| OpenAiTool {
                kind: "function".into(),
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
pub fn chat_tool_choice(choice: &ToolChoice) -> OpenAiToolChoice {
    match choice {
        ToolChoice::Auto => OpenAiToolChoice::Mode("auto".into()),
        ToolChoice::Any => OpenAiToolChoice::Mode("required".into()),
        ToolChoice::None => OpenAiToolChoice::Mode("none".into()),
        ToolChoice::Tool(name) => OpenAiToolChoice::Function {
            kind: "function".into(),
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
        .enumerate()
        .map(|(i, call)| {
            let args = call.function.arguments.trim();
            let input = if args.is_empty() {
                Value::Object(Map::new())
            } else {
                serde_json::from_str(args).map_err(|e| {
                    let name = &call.function.name;
                    let reason = format!("tool {name}: arguments of tool call {}: {e}", call.id);
                    Error::parse(family, "response", reason)
                })?
            };
            let id = match call.id.as_str() {
                "" => format!("call_{i}"),
                id => id.to_string(),
            };
            Ok(ToolCall {
                id,
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
    reasoning_tags: bool,
) -> Result<PortableResponse, Error> {
    let choice = first_entry(family, "choices", &resp.choices)?;
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
    let made_calls = !calls.is_empty();
    let (mut reasoning, text) = match reasoning_tags {
        true => reasoning::split_tagged(text),
        false => (None, text),
    };
    if let Some(thought) = choice
        .message
        .as_ref()
        .and_then(|m| m.reasoning_content.clone().flatten())
    {
        reasoning.get_or_insert_with(String::new).push_str(&thought);
    }
    Ok(PortableResponse {
        text,
        reasoning: reasoning
            .map(|r| vec![Reasoning::text(r, None)])
            .unwrap_or_default(),
        tool_calls: calls,
        stop_reason: choice.reason().map(|r| stop_reason(r, made_calls)),
        usage: resp.usage.as_ref().map(usage),
        ..Default::default()
    })
}

/// Pushes a stream chunk into `acc`: the deltas (or completion-style
/// `text`, or the whole-message pieces Mistral streams) of choice 0, and
/// the usage where sent.
pub(crate) fn push_chunk(
    acc: &mut StreamAccumulator,
    chunk: OpenAiChatChunk,
    reasoning_tags: bool,
) {
    for choice in chunk.choices.into_iter().filter(|c| c.index == 0) {
        let reason = choice.reason().map(str::to_string);
        match (choice.delta, choice.message) {
            (Some(delta), _) => push_delta(acc, delta, reasoning_tags),
            (None, Some(message)) => push_message_piece(acc, message),
            (None, None) => {}
        }
        if let Some(text) = choice.text.filter(|t| !t.is_empty()) {
            acc.push(StreamEvent::TextDelta { index: 0, text });
        }
        if let Some(reason) = reason {
            let made_calls = acc.tool_calls_started() > 0;
            acc.push(StreamEvent::Stop(stop_reason(&reason, made_calls)));
        }
    }
    if let Some(u) = &chunk.usage {
        acc.push(StreamEvent::Usage(usage(u)));
    }
}

/// Pushes the events of one delta: text at block 0, tool call `k` at block
/// `k + 1`, started by its first piece (a missing id is `call_<k>`).
fn push_delta(acc: &mut StreamAccumulator, delta: OpenAiDelta, reasoning_tags: bool) {
    if let Some(text) = delta.reasoning_content.flatten().filter(|t| !t.is_empty()) {
        acc.push(StreamEvent::ReasoningDelta { index: 0, text });
    }
    if let Some(text) = delta.content.flatten().filter(|t| !t.is_empty()) {
        match reasoning_tags {
            true => reasoning::push_tagged(acc, &text),
            false => acc.push(StreamEvent::TextDelta { index: 0, text }),
        }
    }
    for call in delta.tool_calls.into_iter().flatten() {
        let index = call.index + 1;
        let function = call.function.unwrap_or_default();
        if call.id.is_some() || function.name.is_some() {
            let id = call.id.unwrap_or_else(|| format!("call_{}", call.index));
            let name = function.name.unwrap_or_default();
            acc.push(StreamEvent::ToolUseStart { index, id, name });
        }
        if let Some(json) = function.arguments.filter(|a| !a.is_empty()) {
            acc.push(StreamEvent::ToolInputDelta { index, json });
        }
    }
}

/// Pushes a streamed piece of a whole message: its text, and each tool
/// call whole, numbered after the calls already started.
fn push_message_piece(acc: &mut StreamAccumulator, message: OpenAiMessage) {
    let text = message.content_text();
    if !text.is_empty() {
        acc.push(StreamEvent::TextDelta { index: 0, text });
    }
    for call in message.tool_calls.into_iter().flatten() {
        let started = acc.tool_calls_started();
        let index = 1 + started as u32;
        let id = match call.id.as_str() {
            "" => format!("call_{started}"),
            id => id.to_string(),
        };
        acc.push(StreamEvent::ToolUseStart {
            index,
            id,
            name: call.function.name,
        });
        acc.push(StreamEvent::ToolInputDelta {
            index,
            json: call.function.arguments,
        });
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
                    tool_use_id: m.tool_call_id.clone().ok_or_else(|| {
                        Error::parse(family, "request", "a tool message without tool_call_id")
                    })?,
                    content: vec![ToolResultContent::Text(m.content_text())],
                    is_error: false,
                }),
            "user" => {
                let mut content = results.take().unwrap_or_default();
                content.extend(read_content(family, m.content.as_ref())?);
                turns.push(Message::new(Role::User, content));
            }
            "assistant" => {
                if let Some(content) = results.take() {
                    turns.push(Message::new(Role::User, content));
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
                content.extend(
                    calls
                        .into_iter()
                        .map(|c| ContentBlock::tool_use(c.id, c.name, c.input)),
                );
                turns.push(Message::new(Role::Assistant, content));
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
        turns.push(Message::new(Role::User, content));
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
        None | Some(OpenAiContent::Null) => Ok(vec![ContentBlock::Text(String::new())]),
        Some(OpenAiContent::Text(text) | OpenAiContent::Object { text }) => {
            Ok(vec![ContentBlock::Text(text.clone())])
        }
        Some(OpenAiContent::Parts(parts)) => parts
            .iter()
            .map(|part| match part {
                OpenAiContentPart::Text { text } => Ok(ContentBlock::Text(text.clone())),
                OpenAiContentPart::ImageUrl { image_url } => data_url_image(family, image_url),
                OpenAiContentPart::InputAudio { input_audio } => {
                    let data = base64::engine::general_purpose::STANDARD
                        .decode(&input_audio.data)
                        .map_err(|e| {
                            Error::parse(family, "request", format!("audio bytes: {e}"))
                        })?;
                    Ok(ContentBlock::Media(Media::new(
                        MediaKind::Audio,
                        input_audio.format.clone(),
                        MediaSource::Bytes(data),
                    )))
                }
            })
            .collect(),
    }
}

/// `{"url":"data:image/png;base64,..."}` (or the URL alone) as an image;
/// a media type the portable form does not name is read from the bytes.
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
        .ok_or_else(|| bad("only a base64 data: URL can be read"))?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| bad(&e.to_string()))?;
    let format = ImageFormat::from_name(media_type)
        .or_else(|| ImageFormat::sniff(&data))
        .ok_or_else(|| bad(&format!("unknown media type {media_type:?}")))?;
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
pub fn finish_reason_name(reason: Option<&StopReason>) -> &str {
    match reason {
        Some(StopReason::MaxTokens) => "length",
        Some(StopReason::ToolUse) => "tool_calls",
        Some(StopReason::ContentFiltered | StopReason::GuardrailIntervened) => "content_filter",
        Some(StopReason::Other(other)) => other,
        _ => "stop",
    }
}
