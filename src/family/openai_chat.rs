//! OpenAI chat-completions bodies: OpenAI gpt-oss (`openai.gpt-oss-20b-1:0`,
//! `openai.gpt-oss-120b-1:0`, the gpt-oss-safeguard models) and Qwen3
//! (`qwen.qwen3-32b-v1:0`, `qwen.qwen3-235b-a22b-2507-v1:0`,
//! `qwen.qwen3-coder-*`, ...).
//!
//! Shapes from the AWS user guide page "OpenAI models" (the body is OpenAI's
//! Create chat completion request; `model` must match the model id or be
//! absent, `stream` must match the operation or be absent; InvokeModel puts
//! gpt-oss reasoning in `<reasoning>` tags before the text) and OpenAI's
//! chat completion object and chunk references.
//!
//! The message, tool and chunk types here are shared with other families
//! that speak the same dialect (Writer Palmyra).

use super::model_family::{from_slice, text_pieces, to_bytes, ModelFamily, RenderContext};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, ImageFormat, InferenceParams, Message, PortableRequest, PortableResponse, Role,
    StopReason, StreamEvent, ToolCall, ToolChoice, ToolResultContent, ToolSpec, Usage,
};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

const NAME: &str = "openai_chat";

/// The OpenAI chat-completions family (gpt-oss and Qwen3).
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenAiChat;

/// The chat-completions request body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenAiChatRequest {
    /// Must equal the model id, or be absent (the builder leaves it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The conversation, system/developer messages first.
    pub messages: Vec<OpenAiMessage>,
    /// The most tokens to generate, reasoning included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_completion_tokens: Option<u32>,
    /// Sequences that stop generation: a string or a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<OpenAiStop>,
    /// 0–2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f32>,
    /// Functions the model may call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<OpenAiTool>>,
    /// How the model must choose tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<OpenAiToolChoice>,
    /// Must match the operation (`false` for InvokeModel), or be absent (the
    /// builder leaves it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// Any other chat-completions field (`reasoning_effort`, `seed`, ...),
    /// kept as given.
    #[serde(flatten, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// `stop`: one sequence or several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OpenAiStop {
    /// One sequence.
    One(String),
    /// Several sequences.
    Many(Vec<String>),
}

/// One message, request or response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiMessage {
    /// `system`, `developer`, `user`, `assistant` or `tool`.
    pub role: String,
    /// A string or content parts; absent or `null` on an assistant message
    /// that only calls tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<OpenAiContent>,
    /// The assistant's tool calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<OpenAiToolCall>>,
    /// On a `tool` message: the call it answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
}

impl OpenAiMessage {
    /// A message of plain text.
    pub fn text(role: &str, text: impl Into<String>) -> Self {
        OpenAiMessage {
            role: role.to_string(),
            content: Some(OpenAiContent::Text(text.into())),
            tool_calls: None,
            tool_call_id: None,
        }
    }

    /// The text of the content (text parts joined), empty when there is none.
    pub fn content_text(&self) -> String {
        match &self.content {
            None => String::new(),
            Some(OpenAiContent::Text(text)) => text.clone(),
            Some(OpenAiContent::Parts(parts)) => parts
                .iter()
                .filter_map(|p| match p {
                    OpenAiContentPart::Text { text } => Some(text.as_str()),
                    OpenAiContentPart::ImageUrl { .. } => None,
                })
                .collect(),
        }
    }
}

/// A message's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OpenAiContent {
    /// Plain text.
    Text(String),
    /// Content parts.
    Parts(Vec<OpenAiContentPart>),
}

/// One content part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OpenAiContentPart {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image by URL or `data:` URL (vision models only).
    ImageUrl {
        /// `{"url": ...}`.
        image_url: Value,
    },
}

/// A tool call made by the assistant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiToolCall {
    /// The call's id, echoed by the `tool` message that answers it.
    pub id: String,
    /// Always `function`.
    #[serde(rename = "type", default = "function_type")]
    pub kind: String,
    /// The function and its arguments.
    pub function: OpenAiFunctionCall,
}

/// The function of a tool call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiFunctionCall {
    /// The function's name.
    pub name: String,
    /// The arguments, a JSON object serialised as a string.
    pub arguments: String,
}

/// A tool definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiTool {
    /// Always `function`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The function.
    pub function: OpenAiFunction,
}

/// A function definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiFunction {
    /// The function's name.
    pub name: String,
    /// What it does, for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A JSON Schema of its arguments.
    pub parameters: Value,
}

/// `tool_choice`: a mode or one named function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OpenAiToolChoice {
    /// `auto`, `none` or `required`.
    Mode(String),
    /// `{"type":"function","function":{"name":...}}`.
    Function {
        /// Always `function`.
        #[serde(rename = "type")]
        kind: String,
        /// `{"name": ...}`.
        function: OpenAiFunctionName,
    },
}

/// A function named by `tool_choice`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiFunctionName {
    /// The function's name.
    pub name: String,
}

/// The response body, a `chat.completion` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiChatResponse {
    /// `chatcmpl-...`.
    #[serde(default)]
    pub id: String,
    /// `chat.completion`.
    #[serde(default)]
    pub object: String,
    /// Unix seconds.
    #[serde(default)]
    pub created: u64,
    /// The model id.
    #[serde(default)]
    pub model: String,
    /// One choice.
    pub choices: Vec<OpenAiChoice>,
    /// Token counts.
    #[serde(default)]
    pub usage: Option<OpenAiUsage>,
}

/// One choice of a response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiChoice {
    /// The choice's index (0).
    #[serde(default)]
    pub index: u32,
    /// The assistant message.
    pub message: OpenAiMessage,
    /// `stop`, `length`, `tool_calls`, `content_filter`.
    #[serde(default)]
    pub finish_reason: Option<String>,
}

/// Token counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenAiUsage {
    /// Tokens read.
    #[serde(default)]
    pub prompt_tokens: u32,
    /// Tokens generated.
    #[serde(default)]
    pub completion_tokens: u32,
    /// The sum.
    #[serde(default)]
    pub total_tokens: u32,
}

/// One stream chunk, a `chat.completion.chunk` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiChatChunk {
    /// `chatcmpl-...`.
    #[serde(default)]
    pub id: String,
    /// `chat.completion.chunk`.
    #[serde(default)]
    pub object: String,
    /// Unix seconds.
    #[serde(default)]
    pub created: u64,
    /// The model id.
    #[serde(default)]
    pub model: String,
    /// The choice deltas (empty on a usage-only chunk).
    #[serde(default)]
    pub choices: Vec<OpenAiChunkChoice>,
    /// Token counts, where the server sends them.
    #[serde(default)]
    pub usage: Option<OpenAiUsage>,
}

/// One choice of a chunk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiChunkChoice {
    /// The choice's index (0).
    #[serde(default)]
    pub index: u32,
    /// What this chunk adds.
    #[serde(default)]
    pub delta: OpenAiDelta,
    /// Set on the last chunk of the choice.
    #[serde(default)]
    pub finish_reason: Option<String>,
}

/// The `delta` of a chunk choice.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenAiDelta {
    /// `assistant`, on the first chunk.
    #[serde(default)]
    pub role: Option<String>,
    /// A piece of the text.
    #[serde(default)]
    pub content: Option<String>,
    /// Pieces of tool calls.
    #[serde(default)]
    pub tool_calls: Option<Vec<OpenAiToolCallDelta>>,
}

/// A piece of a tool call: the first piece has `id` and the function name,
/// later pieces carry argument fragments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenAiToolCallDelta {
    /// Which tool call of the message (0, 1, ...).
    pub index: u32,
    /// The call's id, on the first piece.
    #[serde(default)]
    pub id: Option<String>,
    /// `function`, on the first piece.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The name and/or an arguments fragment.
    #[serde(default)]
    pub function: Option<OpenAiFunctionDelta>,
}

/// The function part of a tool-call piece.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenAiFunctionDelta {
    /// The function's name, on the first piece.
    #[serde(default)]
    pub name: Option<String>,
    /// A fragment of the JSON arguments.
    #[serde(default)]
    pub arguments: Option<String>,
}

fn function_type() -> String {
    "function".to_string()
}

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

impl OpenAiChat {
    /// Builds the typed request; `model` and `stream` are left out.
    pub fn request(&self, req: &PortableRequest) -> Result<OpenAiChatRequest, Error> {
        let p = &req.params;
        if p.top_k.is_some() {
            return Err(Error::unsupported(NAME, "top_k"));
        }
        Ok(OpenAiChatRequest {
            messages: chat_messages(NAME, req)?,
            max_completion_tokens: p.max_tokens,
            stop: (!p.stop_sequences.is_empty())
                .then(|| OpenAiStop::Many(p.stop_sequences.clone())),
            temperature: p.temperature,
            top_p: p.top_p,
            tools: chat_tools(req),
            tool_choice: req.tool_choice.as_ref().map(chat_tool_choice),
            ..Default::default()
        })
    }
}

/// `chatcmpl-` and the first 16 hex digits of the response id.
fn completion_id(ctx: &RenderContext<'_>) -> String {
    let id = ctx.response_id;
    format!("chatcmpl-{}", id.get(..16).unwrap_or(id))
}

impl ModelFamily for OpenAiChat {
    fn name(&self) -> &'static str {
        NAME
    }

    fn title(&self) -> &'static str {
        "OpenAI chat completions (gpt-oss, Qwen3)"
    }

    fn build_bytes(&self, req: &PortableRequest, _model: &ModelInfo) -> Result<Vec<u8>, Error> {
        to_bytes(NAME, &self.request(req)?)
    }

    fn parse(&self, body: &[u8]) -> Result<PortableResponse, Error> {
        let resp: OpenAiChatResponse = from_slice(NAME, "response", body)?;
        let choice = resp
            .choices
            .first()
            .ok_or_else(|| Error::parse(NAME, "response", "`choices` is empty"))?;
        Ok(PortableResponse {
            text: choice.message.content_text(),
            tool_calls: tool_calls(NAME, &choice.message)?,
            stop_reason: choice.finish_reason.as_deref().map(stop_reason),
            usage: resp.usage.as_ref().map(usage),
            ..Default::default()
        })
    }

    /// `model` and `stream` are not read; `max_tokens` is read when
    /// `max_completion_tokens` is absent; other fields (`seed`,
    /// `reasoning_effort`, penalties, ...) have no portable place.
    fn read_request(&self, body: &[u8], _model: &ModelInfo) -> Result<PortableRequest, Error> {
        let req: OpenAiChatRequest = from_slice(NAME, "request", body)?;
        let (system, messages) = read_chat_messages(NAME, &req.messages)?;
        let legacy_max =
            match req.extra.get("max_tokens") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(
                    || Error::parse(NAME, "request", format!("max_tokens {v} is not a count")),
                )?),
            };
        Ok(PortableRequest {
            system,
            messages,
            params: InferenceParams {
                max_tokens: req.max_completion_tokens.or(legacy_max),
                temperature: req.temperature,
                top_p: req.top_p,
                top_k: None,
                stop_sequences: match req.stop {
                    None => Vec::new(),
                    Some(OpenAiStop::One(s)) => vec![s],
                    Some(OpenAiStop::Many(v)) => v,
                },
            },
            tools: read_chat_tools(req.tools),
            tool_choice: req
                .tool_choice
                .map(|c| read_tool_choice(NAME, c))
                .transpose()?,
            ..Default::default()
        })
    }

    /// A `chat.completion` object: id `chatcmpl-` and 16 hex digits,
    /// `created` now, `model` the model id.
    fn render_response(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Value, Error> {
        Ok(json!({
            "id": completion_id(ctx),
            "object": "chat.completion",
            "created": created_for(ctx),
            "model": ctx.model.id,
            "choices": [{
                "index": 0,
                "message": render_chat_message(resp),
                "finish_reason": finish_reason_name(resp.stop_reason.as_ref()),
            }],
            "usage": render_usage(resp),
        }))
    }

    fn render_chunks(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Vec<Value>, Error> {
        Ok(render_chat_chunks(
            resp,
            &completion_id(ctx),
            created_for(ctx),
            &ctx.model.id,
        ))
    }

    fn parse_chunk(&self, chunk: &[u8], acc: &mut StreamAccumulator) -> Result<(), Error> {
        if is_done_marker(chunk) {
            return Ok(());
        }
        let chunk: OpenAiChatChunk = from_slice(NAME, "stream chunk", chunk)?;
        for choice in chunk.choices.into_iter().filter(|c| c.index == 0) {
            push_delta(acc, choice.delta, choice.finish_reason);
        }
        if let Some(u) = &chunk.usage {
            acc.push(StreamEvent::Usage(usage(u)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
