//! Mistral AI chat completion (`mistral.mistral-large-2407-v1:0`,
//! `mistral.pixtral-large-2502-v1:0`): `messages` with system, user,
//! assistant and tool roles, function `tools`, `tool_choice`
//! (`auto`/`any`/`none`) and sampling parameters.
//!
//! Shapes from the AWS user guide pages "Mistral Large 2 (24.07)" and
//! "Pixtral Large (25.02)", Mistral's chat-completion API reference, and
//! captured traffic: stream chunks repeat the response's shape, with the
//! piece in `message` (not `delta`) and `stop_reason` null until the last.
//! Tool-call `arguments` is a JSON string. Pixtral takes images as
//! `image_url` parts holding a base64 `data:` URL.

use super::model_family::{from_slice, text_chunks, to_bytes, ModelFamily, RenderContext};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, ImageFormat, InferenceParams, Message, PortableRequest, PortableResponse, Role,
    StopReason, StreamEvent, ToolCall, ToolChoice, ToolResultContent, ToolSpec,
};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

const NAME: &str = "mistral_chat";

/// The Mistral AI chat-completion family.
#[derive(Debug, Clone, Copy, Default)]
pub struct MistralChat;

/// The chat-completion request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MistralChatRequest {
    /// The conversation, a system message first if there is one.
    pub messages: Vec<MistralChatMessage>,
    /// Functions the model may call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<MistralChatTool>>,
    /// How the model must choose among `tools`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<MistralToolChoice>,
    /// The most tokens to generate; at most 8,192.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// 0–1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// 0–1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f32>,
}

/// One message, request or response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MistralChatMessage {
    /// `system`, `user`, `assistant` or `tool`.
    pub role: String,
    /// A string or (Pixtral) text and image parts; may be null or empty
    /// beside tool calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<MistralChatContent>,
    /// The assistant's tool calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<MistralToolCall>>,
    /// The call a `tool` message answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
}

/// A message's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MistralChatContent {
    /// Plain text.
    Text(String),
    /// Text and image parts.
    Parts(Vec<MistralChatPart>),
}

impl MistralChatContent {
    /// The text, parts' texts joined.
    pub fn text(&self) -> String {
        match self {
            MistralChatContent::Text(text) => text.clone(),
            MistralChatContent::Parts(parts) => parts
                .iter()
                .filter_map(|p| match p {
                    MistralChatPart::Text { text } => Some(text.as_str()),
                    MistralChatPart::ImageUrl { .. } => None,
                })
                .collect(),
        }
    }
}

/// One content part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MistralChatPart {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image (Pixtral).
    ImageUrl {
        /// `{"url": "data:image/png;base64,..."}`.
        image_url: MistralImageUrl,
    },
}

/// The `image_url` of an image part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MistralImageUrl {
    /// A `data:<mime>;base64,<data>` URL.
    pub url: String,
}

/// A function the model may call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MistralChatTool {
    /// Always `function`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The function.
    pub function: MistralFunction,
}

/// A function's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MistralFunction {
    /// The function's name.
    pub name: String,
    /// What it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema of its arguments.
    pub parameters: Value,
}

/// `tool_choice`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MistralToolChoice {
    /// The model decides.
    Auto,
    /// Some tool must be called.
    Any,
    /// No tool may be called.
    None,
}

/// A tool call, in an assistant message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MistralToolCall {
    /// The call's id (nine alphanumerics).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `function`, where sent.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The function and its arguments.
    pub function: MistralFunctionCall,
}

/// The function of a tool call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MistralFunctionCall {
    /// The function's name.
    pub name: String,
    /// The arguments: a JSON string (an object is accepted too).
    pub arguments: Value,
}

impl MistralFunctionCall {
    /// The arguments as JSON text.
    fn arguments_json(&self) -> String {
        match &self.arguments {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }

    /// The arguments parsed; an error names `what` was being read.
    fn arguments_value(&self, what: &'static str) -> Result<Value, Error> {
        match &self.arguments {
            Value::String(text) if text.trim().is_empty() => Ok(serde_json::json!({})),
            Value::String(text) => serde_json::from_str(text)
                .map_err(|e| Error::parse(NAME, what, format!("tool {}: {e}: {text}", self.name))),
            other => Ok(other.clone()),
        }
    }
}

/// The chat-completion response body; stream chunks have the same shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MistralChatResponse {
    /// One choice.
    pub choices: Vec<MistralChatChoice>,
}

/// One entry of `choices`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MistralChatChoice {
    /// The choice's index (0).
    #[serde(default)]
    pub index: u32,
    /// The message (or, streaming, this chunk's piece of it).
    pub message: MistralChatMessage,
    /// `stop`, `length`, `tool_calls`, ...; null until the last chunk.
    /// (`finish_reason`, Mistral's own name, is read too.)
    #[serde(default, alias = "finish_reason")]
    pub stop_reason: Option<String>,
}

/// Maps Mistral's stop reason.
pub(crate) fn stop_reason(reason: &str) -> StopReason {
    match reason {
        "stop" => StopReason::EndTurn,
        "length" | "model_length" => StopReason::MaxTokens,
        "tool_calls" => StopReason::ToolUse,
        other => StopReason::Other(other.to_string()),
    }
}

/// Mistral's stop reason for a portable one: `stop` for what it does not
/// name (a stop sequence, filtering).
fn stop_reason_name(reason: Option<&StopReason>) -> &str {
    match reason {
        Some(StopReason::MaxTokens) => "length",
        Some(StopReason::ToolUse) => "tool_calls",
        Some(StopReason::Other(other)) => other,
        _ => "stop",
    }
}

/// The tool calls of a response, arguments as JSON strings.
fn tool_calls_json(calls: &[ToolCall]) -> Value {
    calls
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": c.input.to_string()},
            })
        })
        .collect()
}

/// One `choices` body: the assistant's `content`, its `tool_calls` when it
/// has any, and the stop reason.
fn choices_body(content: &str, calls: &[ToolCall], stop_reason: Option<&str>) -> Value {
    let mut message = json!({"role": "assistant", "content": content});
    if !calls.is_empty() {
        message["tool_calls"] = tool_calls_json(calls);
    }
    json!({"choices": [{"index": 0, "message": message, "stop_reason": stop_reason}]})
}

/// Reads a `data:<mime>;base64,<data>` URL into an image block.
fn image_from_url(url: &str) -> Result<ContentBlock, Error> {
    let (mime, data) = url
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once(";base64,"))
        .ok_or_else(|| {
            Error::parse(
                NAME,
                "request",
                format!("image_url must be a base64 data: URL, got {url:.40}"),
            )
        })?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| Error::parse(NAME, "request", format!("image is not base64: {e}")))?;
    Ok(ContentBlock::Image {
        format: ImageFormat::from_name(mime)
            .or_else(|| ImageFormat::sniff(&data))
            .unwrap_or(ImageFormat::Png),
        data,
    })
}

/// A request message's content as portable blocks; none is one empty text.
fn content_blocks(content: Option<&MistralChatContent>) -> Result<Vec<ContentBlock>, Error> {
    match content {
        None => Ok(vec![ContentBlock::Text(String::new())]),
        Some(MistralChatContent::Text(text)) => Ok(vec![ContentBlock::Text(text.clone())]),
        Some(MistralChatContent::Parts(parts)) => parts
            .iter()
            .map(|p| match p {
                MistralChatPart::Text { text } => Ok(ContentBlock::Text(text.clone())),
                MistralChatPart::ImageUrl { image_url } => image_from_url(&image_url.url),
            })
            .collect(),
    }
}

/// Reads request messages back into the system prompt and turns: the
/// inverse of [`MistralChat::request`]. `system` messages make the system
/// prompt (joined by a blank line); `tool` messages are tool results of a
/// user turn, which the `user` message right after them completes.
fn read_messages(messages: &[MistralChatMessage]) -> Result<(Option<String>, Vec<Message>), Error> {
    let mut system: Option<String> = None;
    let mut out: Vec<Message> = Vec::new();
    let mut open_tool_turn = false;
    for m in messages {
        let text = || {
            m.content
                .as_ref()
                .map(MistralChatContent::text)
                .unwrap_or_default()
        };
        match m.role.as_str() {
            "system" => {
                match &mut system {
                    Some(s) => {
                        s.push_str("\n\n");
                        s.push_str(&text());
                    }
                    None => system = Some(text()),
                }
                continue;
            }
            "tool" => {
                let id = m.tool_call_id.clone().ok_or_else(|| {
                    Error::parse(NAME, "request", "a tool message without tool_call_id")
                })?;
                let result = ContentBlock::ToolResult {
                    tool_use_id: id,
                    content: vec![ToolResultContent::Text(text())],
                    is_error: false,
                };
                match out.last_mut() {
                    Some(last) if open_tool_turn => last.content.push(result),
                    _ => out.push(Message {
                        role: Role::User,
                        content: vec![result],
                    }),
                }
                open_tool_turn = true;
                continue;
            }
            "user" => {
                let blocks = content_blocks(m.content.as_ref())?;
                match out.last_mut() {
                    Some(last) if open_tool_turn => last.content.extend(blocks),
                    _ => out.push(Message {
                        role: Role::User,
                        content: blocks,
                    }),
                }
            }
            "assistant" => {
                let calls = m.tool_calls.as_deref().unwrap_or_default();
                let text = text();
                let mut content = Vec::new();
                if !text.is_empty() || calls.is_empty() {
                    content.push(ContentBlock::Text(text));
                }
                for (i, call) in calls.iter().enumerate() {
                    content.push(ContentBlock::ToolUse {
                        id: call.id.clone().unwrap_or_else(|| format!("call_{i}")),
                        name: call.function.name.clone(),
                        input: call.function.arguments_value("request")?,
                    });
                }
                out.push(Message {
                    role: Role::Assistant,
                    content,
                });
            }
            other => {
                return Err(Error::parse(
                    NAME,
                    "request",
                    format!("unknown role {other:?}"),
                ))
            }
        }
        open_tool_turn = false;
    }
    Ok((system, out))
}

/// Whether model `id` takes images (Pixtral).
fn takes_images(id: &str) -> bool {
    id.contains("pixtral")
}

impl MistralChat {
    /// Builds the typed request. Tool results become `tool` messages placed
    /// before the rest of their user turn.
    pub fn request(
        &self,
        req: &PortableRequest,
        model: &ModelInfo,
    ) -> Result<MistralChatRequest, Error> {
        if req.messages.is_empty() {
            return Err(Error::unsupported(NAME, "a request with no messages"));
        }
        let p = &req.params;
        if p.top_k.is_some() {
            return Err(Error::unsupported(NAME, "top_k"));
        }
        if !p.stop_sequences.is_empty() {
            return Err(Error::unsupported(NAME, "stop sequences"));
        }
        let tool_choice = match &req.tool_choice {
            None => None,
            Some(ToolChoice::Auto) => Some(MistralToolChoice::Auto),
            Some(ToolChoice::Any) => Some(MistralToolChoice::Any),
            Some(ToolChoice::None) => Some(MistralToolChoice::None),
            Some(ToolChoice::Tool(_)) => {
                return Err(Error::unsupported(NAME, "forcing a named tool"))
            }
        };
        let images = takes_images(&model.id);
        let mut messages = Vec::new();
        if let Some(system) = &req.system {
            messages.push(text_message("system", system.clone()));
        }
        for message in &req.messages {
            match message.role {
                Role::User => user_messages(message, images, &mut messages)?,
                Role::Assistant => messages.push(assistant_message(message)?),
            }
        }
        Ok(MistralChatRequest {
            messages,
            tools: (!req.tools.is_empty()).then(|| {
                req.tools
                    .iter()
                    .map(|t| MistralChatTool {
                        kind: "function".into(),
                        function: MistralFunction {
                            name: t.name.clone(),
                            description: t.description.clone(),
                            parameters: t.input_schema.clone(),
                        },
                    })
                    .collect()
            }),
            tool_choice,
            max_tokens: p.max_tokens,
            temperature: p.temperature,
            top_p: p.top_p,
        })
    }
}

fn text_message(role: &str, text: String) -> MistralChatMessage {
    MistralChatMessage {
        role: role.into(),
        content: Some(MistralChatContent::Text(text)),
        tool_calls: None,
        tool_call_id: None,
    }
}

/// A user turn: one `tool` message per tool result, then a `user` message
/// of its text and images (if it has any).
fn user_messages(
    message: &Message,
    images: bool,
    out: &mut Vec<MistralChatMessage>,
) -> Result<(), Error> {
    let mut parts = Vec::new();
    for block in &message.content {
        match block {
            ContentBlock::Text(text) => parts.push(MistralChatPart::Text { text: text.clone() }),
            ContentBlock::Image { format, data } if images => {
                parts.push(MistralChatPart::ImageUrl {
                    image_url: MistralImageUrl {
                        url: format!(
                            "data:{};base64,{}",
                            format.media_type(),
                            base64::engine::general_purpose::STANDARD.encode(data)
                        ),
                    },
                })
            }
            ContentBlock::Image { .. } => return Err(Error::unsupported(NAME, "image content")),
            ContentBlock::ToolResult {
                tool_use_id,
                content,
                is_error,
            } => {
                if *is_error {
                    return Err(Error::unsupported(NAME, "a tool result marked as an error"));
                }
                let text = content
                    .iter()
                    .map(ToolResultContent::to_text)
                    .collect::<Vec<_>>()
                    .join("\n");
                let mut tool = text_message("tool", text);
                tool.tool_call_id = Some(tool_use_id.clone());
                out.push(tool);
            }
            ContentBlock::ToolUse { .. } => {
                return Err(Error::unsupported(NAME, "a tool call in a user turn"))
            }
        }
    }
    let only_text = parts
        .iter()
        .all(|p| matches!(p, MistralChatPart::Text { .. }));
    match parts.as_slice() {
        [] => {}
        _ if only_text => {
            let text = MistralChatContent::Parts(parts).text();
            out.push(text_message("user", text));
        }
        _ => out.push(MistralChatMessage {
            role: "user".into(),
            content: Some(MistralChatContent::Parts(parts)),
            tool_calls: None,
            tool_call_id: None,
        }),
    }
    Ok(())
}

/// An assistant turn: its text, and its tool calls with JSON-string arguments.
fn assistant_message(message: &Message) -> Result<MistralChatMessage, Error> {
    let mut calls = Vec::new();
    for block in &message.content {
        match block {
            ContentBlock::Text(_) => {}
            ContentBlock::ToolUse { id, name, input } => calls.push(MistralToolCall {
                id: Some(id.clone()),
                kind: None,
                function: MistralFunctionCall {
                    name: name.clone(),
                    arguments: Value::String(input.to_string()),
                },
            }),
            ContentBlock::Image { .. } => {
                return Err(Error::unsupported(
                    NAME,
                    "image content in an assistant turn",
                ))
            }
            ContentBlock::ToolResult { .. } => {
                return Err(Error::unsupported(
                    NAME,
                    "a tool result in an assistant turn",
                ))
            }
        }
    }
    let mut out = text_message("assistant", message.text());
    out.tool_calls = (!calls.is_empty()).then_some(calls);
    Ok(out)
}

impl ModelFamily for MistralChat {
    fn name(&self) -> &'static str {
        NAME
    }

    fn title(&self) -> &'static str {
        "Mistral AI (chat completion)"
    }

    fn build_bytes(&self, req: &PortableRequest, model: &ModelInfo) -> Result<Vec<u8>, Error> {
        to_bytes(NAME, &self.request(req, model)?)
    }

    fn parse(&self, body: &[u8]) -> Result<PortableResponse, Error> {
        let resp: MistralChatResponse = from_slice(NAME, "response", body)?;
        let choice = resp
            .choices
            .first()
            .ok_or_else(|| Error::parse(NAME, "response", "`choices` is empty"))?;
        let mut out = PortableResponse {
            text: choice
                .message
                .content
                .as_ref()
                .map(MistralChatContent::text)
                .unwrap_or_default(),
            stop_reason: choice.stop_reason.as_deref().map(stop_reason),
            ..Default::default()
        };
        for (i, call) in choice.message.tool_calls.iter().flatten().enumerate() {
            out.tool_calls.push(ToolCall {
                id: call.id.clone().unwrap_or_else(|| format!("call_{i}")),
                name: call.function.name.clone(),
                input: call.function.arguments_value("response")?,
            });
        }
        Ok(out)
    }

    /// Tool results read back as text (the body sends JSON results as
    /// text and has no error flag); a tool call without an id gets
    /// `call_<n>`.
    fn read_request(&self, body: &[u8], _model: &ModelInfo) -> Result<PortableRequest, Error> {
        let req: MistralChatRequest = from_slice(NAME, "request", body)?;
        let (system, messages) = read_messages(&req.messages)?;
        Ok(PortableRequest {
            system,
            messages,
            params: InferenceParams {
                max_tokens: req.max_tokens,
                temperature: req.temperature,
                top_p: req.top_p,
                top_k: None,
                stop_sequences: Vec::new(),
            },
            tools: req
                .tools
                .unwrap_or_default()
                .into_iter()
                .map(|t| ToolSpec {
                    name: t.function.name,
                    description: t.function.description,
                    input_schema: t.function.parameters,
                })
                .collect(),
            tool_choice: req.tool_choice.map(|c| match c {
                MistralToolChoice::Auto => ToolChoice::Auto,
                MistralToolChoice::Any => ToolChoice::Any,
                MistralToolChoice::None => ToolChoice::None,
            }),
            ..Default::default()
        })
    }

    /// Mistral's body has no id and no token counts: `ctx.response_id` and
    /// `resp.usage` are not sent. Tool call ids are sent as they are.
    fn render_response(
        &self,
        resp: &PortableResponse,
        _ctx: &RenderContext<'_>,
    ) -> Result<Value, Error> {
        Ok(choices_body(
            &resp.text,
            &resp.tool_calls,
            Some(stop_reason_name(resp.stop_reason.as_ref())),
        ))
    }

    /// The text in pieces, then (as Bedrock streams them) every tool call
    /// whole in one last chunk with empty content; the stop reason is on
    /// the last chunk.
    fn render_chunks(
        &self,
        resp: &PortableResponse,
        _ctx: &RenderContext<'_>,
    ) -> Result<Vec<Value>, Error> {
        let stop = stop_reason_name(resp.stop_reason.as_ref());
        let mut chunks = text_chunks(&resp.text, |piece, at| {
            let ends = at.last && resp.tool_calls.is_empty();
            choices_body(piece, &[], ends.then_some(stop))
        });
        if !resp.tool_calls.is_empty() {
            chunks.push(choices_body("", &resp.tool_calls, Some(stop)));
        }
        Ok(chunks)
    }

    fn parse_chunk(&self, chunk: &[u8], acc: &mut StreamAccumulator) -> Result<(), Error> {
        let chunk: MistralChatResponse = from_slice(NAME, "stream chunk", chunk)?;
        for choice in chunk.choices {
            let text = choice
                .message
                .content
                .as_ref()
                .map(MistralChatContent::text)
                .unwrap_or_default();
            if !text.is_empty() {
                acc.push(StreamEvent::TextDelta { index: 0, text });
            }
            for call in choice.message.tool_calls.iter().flatten() {
                let started = acc.tool_calls_started();
                let index = 1 + started as u32;
                acc.push(StreamEvent::ToolUseStart {
                    index,
                    id: call.id.clone().unwrap_or_else(|| format!("call_{started}")),
                    name: call.function.name.clone(),
                });
                acc.push(StreamEvent::ToolInputDelta {
                    index,
                    json: call.function.arguments_json(),
                });
            }
            if let Some(reason) = choice.stop_reason {
                acc.push(StreamEvent::Stop(stop_reason(&reason)));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
