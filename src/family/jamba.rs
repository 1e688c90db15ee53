//! AI21 Labs Jamba (`ai21.jamba-instruct-v1:0`, `ai21.jamba-1-5-mini-v1:0`,
//! `ai21.jamba-1-5-large-v1:0`): OpenAI-style chat completions, with
//! `messages` (system, user, assistant, tool), `choices` and `usage`.
//! Jamba 1.5 also takes OpenAI-style function tools; Jamba-Instruct does not.
//!
//! Shapes from the AWS user guide page "AI21 Labs Jamba models", AWS's
//! "Supported models and model features" table (tool use for Jamba 1.5) and
//! AI21's chat completion reference and SDK models (stream chunks with
//! `delta`, `usage` on the last chunk).

use super::ids::uuid;
use super::model_family::{from_slice, text_pieces, to_bytes, ModelFamily, RenderContext};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, InferenceParams, Message, PortableRequest, PortableResponse, Role, StopReason,
    StreamEvent, ToolCall, ToolChoice, ToolResultContent, ToolSpec, Usage,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

const NAME: &str = "jamba";

/// The model id of Jamba-Instruct, which has no tool use.
pub const JAMBA_INSTRUCT: &str = "ai21.jamba-instruct-v1:0";

/// The AI21 Jamba family.
#[derive(Debug, Clone, Copy, Default)]
pub struct Jamba;

/// The Jamba InvokeModel request body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JambaRequest {
    /// The conversation, oldest first; an optional system message first.
    pub messages: Vec<JambaMessage>,
    /// 0–4096, default 4096.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// 0–2, default 1.0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// 0.01–1, default 1.0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f32>,
    /// Sequences that stop generation; read from one string or a list,
    /// as AI21 accepts both.
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Option::is_none"
    )]
    pub stop: Option<Vec<String>>,
    /// 1–16 answers, default 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    /// Penalises tokens by how often they appeared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f32>,
    /// Penalises tokens that appeared at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f32>,
    /// Function tools (Jamba 1.5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<JambaTool>>,
}

/// Reads `stop` given as one string or as a list of strings.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stop {
        One(String),
        Many(Vec<String>),
    }
    Ok(Option::<Stop>::deserialize(d)?.map(|stop| match stop {
        Stop::One(one) => vec![one],
        Stop::Many(many) => many,
    }))
}

/// Who speaks a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JambaRole {
    /// Instructions for the whole chat.
    System,
    /// The user.
    User,
    /// The model.
    Assistant,
    /// A tool's result.
    Tool,
}

/// One message, request or response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JambaMessage {
    /// Who speaks.
    pub role: JambaRole,
    /// The text (absent or null on an assistant message that only calls tools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The calls an assistant message makes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<JambaToolCall>>,
    /// The call a tool message answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
}

impl JambaMessage {
    fn text(role: JambaRole, text: String) -> Self {
        JambaMessage {
            role,
            content: Some(text),
            tool_calls: None,
            tool_call_id: None,
        }
    }
}

/// A tool definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JambaTool {
    /// Always `function`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The function.
    pub function: JambaFunction,
}

/// A function tool's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JambaFunction {
    /// The function's name.
    pub name: String,
    /// What it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema of its arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
}

/// A tool call by the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JambaToolCall {
    /// The call's id.
    pub id: String,
    /// Always `function`.
    #[serde(rename = "type", default = "function_kind")]
    pub kind: String,
    /// The function and its arguments.
    pub function: JambaFunctionCall,
}

fn function_kind() -> String {
    "function".to_string()
}

/// The function of a tool call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JambaFunctionCall {
    /// The function's name.
    pub name: String,
    /// The arguments, a JSON object serialised as a string.
    pub arguments: String,
}

/// The Jamba InvokeModel response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JambaResponse {
    /// The completion's id.
    #[serde(default)]
    pub id: Option<String>,
    /// One choice per answer (`n`).
    pub choices: Vec<JambaChoice>,
    /// Token counts.
    #[serde(default)]
    pub usage: Option<JambaUsage>,
}

/// One answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JambaChoice {
    /// The answer's index.
    #[serde(default)]
    pub index: u32,
    /// The answer.
    pub message: JambaMessage,
    /// `stop`, `length`, ...
    #[serde(default)]
    pub finish_reason: Option<String>,
}

/// Token counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct JambaUsage {
    /// Tokens read.
    #[serde(default)]
    pub prompt_tokens: u32,
    /// Tokens generated.
    #[serde(default)]
    pub completion_tokens: u32,
    /// Both.
    #[serde(default)]
    pub total_tokens: Option<u32>,
}

impl From<JambaUsage> for Usage {
    fn from(u: JambaUsage) -> Self {
        Usage {
            input_tokens: u.prompt_tokens,
            output_tokens: u.completion_tokens,
        }
    }
}

/// One chunk of the response stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JambaChunk {
    /// The completion's id.
    #[serde(default)]
    pub id: Option<String>,
    /// The pieces, one per answer.
    pub choices: Vec<JambaChunkChoice>,
    /// Token counts, on the last chunk.
    #[serde(default)]
    pub usage: Option<JambaUsage>,
}

/// A piece of one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JambaChunkChoice {
    /// The answer's index.
    #[serde(default)]
    pub index: u32,
    /// What is new.
    pub delta: JambaDelta,
    /// Why generation stopped, on the answer's last chunk.
    #[serde(default)]
    pub finish_reason: Option<String>,
}

/// The new part of an answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JambaDelta {
    /// `assistant`, on the first chunk.
    #[serde(default)]
    pub role: Option<JambaRole>,
    /// Text.
    #[serde(default)]
    pub content: Option<String>,
    /// Tool call pieces, in OpenAI's streaming form.
    #[serde(default)]
    pub tool_calls: Option<Vec<JambaToolCallDelta>>,
}

/// A piece of a streamed tool call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JambaToolCallDelta {
    /// Which call of the answer.
    #[serde(default)]
    pub index: u32,
    /// The call's id, on its first piece.
    #[serde(default)]
    pub id: Option<String>,
    /// The name (first piece) and an arguments fragment.
    #[serde(default)]
    pub function: Option<JambaFunctionDelta>,
}

/// The function part of a streamed tool call piece.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JambaFunctionDelta {
    /// The function's name, on the first piece.
    #[serde(default)]
    pub name: Option<String>,
    /// A fragment of the JSON arguments.
    #[serde(default)]
    pub arguments: Option<String>,
}

/// Maps Jamba's finish reason; a plain stop that made tool calls is tool use.
pub(crate) fn stop_reason(reason: &str, has_tool_calls: bool) -> StopReason {
    match reason {
        "stop" | "end_turn" if has_tool_calls => StopReason::ToolUse,
        "stop" | "end_turn" => StopReason::EndTurn,
        "length" => StopReason::MaxTokens,
        "tool_calls" => StopReason::ToolUse,
        "content_filter" => StopReason::ContentFiltered,
        other => StopReason::Other(other.to_string()),
    }
}

impl Jamba {
    /// Builds the typed request: the system prompt is the first message,
    /// tool results are `tool` messages.
    pub fn request(&self, req: &PortableRequest, model: &ModelInfo) -> Result<JambaRequest, Error> {
        if req.has_images() {
            return Err(Error::unsupported(NAME, "image content"));
        }
        if req.params.top_k.is_some() {
            return Err(Error::unsupported(NAME, "top_k"));
        }
        let uses_tools = !req.tools.is_empty() || req.has_tool_blocks();
        if uses_tools && model.id == JAMBA_INSTRUCT {
            return Err(Error::unsupported(NAME, "tool use with Jamba-Instruct"));
        }
        if !matches!(req.tool_choice, None | Some(ToolChoice::Auto)) {
            return Err(Error::unsupported(NAME, "a tool choice other than auto"));
        }
        if req.messages.is_empty() {
            return Err(Error::unsupported(NAME, "a request with no messages"));
        }
        let mut messages = Vec::new();
        if let Some(system) = &req.system {
            messages.push(JambaMessage::text(JambaRole::System, system.clone()));
        }
        for turn in &req.messages {
            push_turn(&mut messages, turn)?;
        }
        let p = &req.params;
        Ok(JambaRequest {
            messages,
            max_tokens: p.max_tokens,
            temperature: p.temperature,
            top_p: p.top_p,
            stop: (!p.stop_sequences.is_empty()).then(|| p.stop_sequences.clone()),
            tools: (!req.tools.is_empty()).then(|| {
                req.tools
                    .iter()
                    .map(|t| JambaTool {
                        kind: function_kind(),
                        function: JambaFunction {
                            name: t.name.clone(),
                            description: t.description.clone(),
                            parameters: Some(t.input_schema.clone()),
                        },
                    })
                    .collect()
            }),
            ..Default::default()
        })
    }
}

/// A user turn: its tool results as `tool` messages, then its text. An
/// assistant turn: its text and tool calls in one message.
fn push_turn(messages: &mut Vec<JambaMessage>, turn: &Message) -> Result<(), Error> {
    let text = turn.text();
    match turn.role {
        Role::User => {
            let mut results = 0;
            for block in &turn.content {
                match block {
                    ContentBlock::ToolResult {
                        tool_use_id,
                        content,
                        is_error,
                    } => {
                        if *is_error {
                            return Err(Error::unsupported(
                                NAME,
                                "a tool result marked as an error",
                            ));
                        }
                        messages.push(JambaMessage {
                            role: JambaRole::Tool,
                            content: Some(content.iter().map(ToolResultContent::to_text).collect()),
                            tool_calls: None,
                            tool_call_id: Some(tool_use_id.clone()),
                        });
                        results += 1;
                    }
                    ContentBlock::ToolUse { .. } => {
                        return Err(Error::unsupported(NAME, "a tool call in a user turn"))
                    }
                    ContentBlock::Text(_) | ContentBlock::Image { .. } => {}
                }
            }
            if results == 0 || !text.is_empty() {
                messages.push(JambaMessage::text(JambaRole::User, text));
            }
        }
        Role::Assistant => {
            let mut calls = Vec::new();
            for block in &turn.content {
                match block {
                    ContentBlock::ToolUse { id, name, input } => calls.push(JambaToolCall {
                        id: id.clone(),
                        kind: function_kind(),
                        function: JambaFunctionCall {
                            name: name.clone(),
                            arguments: input.to_string(),
                        },
                    }),
                    ContentBlock::ToolResult { .. } => {
                        return Err(Error::unsupported(
                            NAME,
                            "a tool result in an assistant turn",
                        ))
                    }
                    ContentBlock::Text(_) | ContentBlock::Image { .. } => {}
                }
            }
            messages.push(JambaMessage {
                role: JambaRole::Assistant,
                content: (!text.is_empty() || calls.is_empty()).then_some(text),
                tool_calls: (!calls.is_empty()).then_some(calls),
                tool_call_id: None,
            });
        }
    }
    Ok(())
}

fn tool_call(call: &JambaToolCall, what: &'static str) -> Result<ToolCall, Error> {
    let input = if call.function.arguments.trim().is_empty() {
        serde_json::json!({})
    } else {
        serde_json::from_str(&call.function.arguments).map_err(|e| {
            Error::parse(
                NAME,
                what,
                format!("arguments of tool {}: {e}", call.function.name),
            )
        })?
    };
    Ok(ToolCall {
        id: call.id.clone(),
        name: call.function.name.clone(),
        input,
    })
}

/// Jamba's finish reason for a portable stop reason: `stop` for a finished
/// answer (with or without tool calls, or at a stop sequence), `length` at
/// the token limit.
fn finish_reason(reason: Option<&StopReason>) -> &str {
    match reason {
        Some(StopReason::MaxTokens) => "length",
        Some(StopReason::ContentFiltered) => "content_filter",
        Some(StopReason::Other(other)) => other,
        _ => "stop",
    }
}

/// Reads a native body's messages back into the system prompt and turns:
/// `system` messages are the system prompt, `tool` messages and the user
/// message after them are one user turn (tool results first), an assistant
/// message is its text and then its tool calls.
fn read_messages(messages: Vec<JambaMessage>) -> Result<(Option<String>, Vec<Message>), Error> {
    let mut system: Option<String> = None;
    let mut turns: Vec<Message> = Vec::new();
    let mut results: Vec<ContentBlock> = Vec::new();
    for message in messages {
        let text = message.content.unwrap_or_default();
        match message.role {
            JambaRole::System => {
                system = Some(match system {
                    Some(s) => format!("{s}\n{text}"),
                    None => text,
                });
            }
            JambaRole::Tool => results.push(ContentBlock::ToolResult {
                tool_use_id: message.tool_call_id.unwrap_or_default(),
                content: vec![ToolResultContent::Text(text)],
                is_error: false,
            }),
            JambaRole::User => {
                let mut content = std::mem::take(&mut results);
                content.push(ContentBlock::Text(text));
                turns.push(Message {
                    role: Role::User,
                    content,
                });
            }
            JambaRole::Assistant => {
                if !results.is_empty() {
                    turns.push(Message {
                        role: Role::User,
                        content: std::mem::take(&mut results),
                    });
                }
                let calls = message.tool_calls.unwrap_or_default();
                let mut content = Vec::new();
                if !text.is_empty() || calls.is_empty() {
                    content.push(ContentBlock::Text(text));
                }
                for call in &calls {
                    let call = tool_call(call, "request")?;
                    content.push(ContentBlock::ToolUse {
                        id: call.id,
                        name: call.name,
                        input: call.input,
                    });
                }
                turns.push(Message {
                    role: Role::Assistant,
                    content,
                });
            }
        }
    }
    if !results.is_empty() {
        turns.push(Message {
            role: Role::User,
            content: results,
        });
    }
    Ok((system, turns))
}

/// The tool calls as Jamba writes them, arguments serialised.
fn native_calls(calls: &[ToolCall]) -> Vec<Value> {
    calls
        .iter()
        .map(|c| {
            json!({"id": c.id, "type": "function",
                   "function": {"name": c.name, "arguments": c.input.to_string()}})
        })
        .collect()
}

/// `text` cut in two at its middle character.
fn halves(text: &str) -> [&str; 2] {
    let cut = text
        .char_indices()
        .map(|(i, _)| i)
        .nth(text.chars().count() / 2)
        .unwrap_or(text.len());
    [&text[..cut], &text[cut..]]
}

impl ModelFamily for Jamba {
    fn name(&self) -> &'static str {
        NAME
    }

    fn title(&self) -> &'static str {
        "AI21 Labs Jamba"
    }

    fn build_bytes(&self, req: &PortableRequest, model: &ModelInfo) -> Result<Vec<u8>, Error> {
        to_bytes(NAME, &self.request(req, model)?)
    }

    /// Reads the first choice (the portable response has one answer).
    fn parse(&self, body: &[u8]) -> Result<PortableResponse, Error> {
        let resp: JambaResponse = from_slice(NAME, "response", body)?;
        let first = resp
            .choices
            .first()
            .ok_or_else(|| Error::parse(NAME, "response", "`choices` is empty"))?;
        let tool_calls = first
            .message
            .tool_calls
            .iter()
            .flatten()
            .map(|c| tool_call(c, "response"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PortableResponse {
            text: first.message.content.clone().unwrap_or_default(),
            stop_reason: first
                .finish_reason
                .as_deref()
                .map(|r| stop_reason(r, !tool_calls.is_empty())),
            usage: resp.usage.map(Usage::from),
            tool_calls,
            ..Default::default()
        })
    }

    /// The portable form has no `n` or penalties; a tool's missing
    /// `parameters` read as an empty object schema.
    fn read_request(&self, body: &[u8], _model: &ModelInfo) -> Result<PortableRequest, Error> {
        let req: JambaRequest = from_slice(NAME, "request", body)?;
        let (system, messages) = read_messages(req.messages)?;
        Ok(PortableRequest {
            system,
            messages,
            params: InferenceParams {
                max_tokens: req.max_tokens,
                temperature: req.temperature,
                top_p: req.top_p,
                top_k: None,
                stop_sequences: req.stop.unwrap_or_default(),
            },
            tools: req
                .tools
                .unwrap_or_default()
                .into_iter()
                .map(|t| ToolSpec {
                    name: t.function.name,
                    description: t.function.description,
                    input_schema: t
                        .function
                        .parameters
                        .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
                })
                .collect(),
            ..Default::default()
        })
    }

    fn render_response(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Value, Error> {
        let usage = resp.usage.unwrap_or_default();
        let mut message = json!({"role": "assistant", "content": resp.text});
        if !resp.tool_calls.is_empty() {
            if resp.text.is_empty() {
                message["content"] = Value::Null;
            }
            message["tool_calls"] = json!(native_calls(&resp.tool_calls));
        }
        Ok(json!({
            "id": format!("chatcmpl-{}", uuid(ctx.response_id)),
            "choices": [{
                "index": 0,
                "message": message,
                "finish_reason": finish_reason(resp.stop_reason.as_ref()),
            }],
            "usage": {
                "prompt_tokens": usage.input_tokens,
                "completion_tokens": usage.output_tokens,
                "total_tokens": usage.input_tokens + usage.output_tokens,
            },
        }))
    }

    /// A role chunk, the text pieces, each tool call in OpenAI's streaming
    /// form (id and name, then its arguments in two fragments), and a last
    /// chunk with the finish reason and `usage`.
    fn render_chunks(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Vec<Value>, Error> {
        let id = format!("chatcmpl-{}", uuid(ctx.response_id));
        let chunk = |delta: Value, finish: Option<&str>| json!({"id": id, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
        let mut chunks = vec![chunk(json!({"role": "assistant", "content": ""}), None)];
        for piece in text_pieces(&resp.text)
            .into_iter()
            .filter(|p| !p.is_empty())
        {
            chunks.push(chunk(json!({"content": piece}), None));
        }
        for (i, call) in resp.tool_calls.iter().enumerate() {
            chunks.push(chunk(
                json!({"tool_calls": [{"index": i, "id": call.id, "type": "function",
                                       "function": {"name": call.name, "arguments": ""}}]}),
                None,
            ));
            let arguments = call.input.to_string();
            for part in halves(&arguments).into_iter().filter(|p| !p.is_empty()) {
                chunks.push(chunk(
                    json!({"tool_calls": [{"index": i, "function": {"arguments": part}}]}),
                    None,
                ));
            }
        }
        let usage = resp.usage.unwrap_or_default();
        let mut last = chunk(
            json!({"content": ""}),
            Some(finish_reason(resp.stop_reason.as_ref())),
        );
        last["usage"] = json!({
            "prompt_tokens": usage.input_tokens,
            "completion_tokens": usage.output_tokens,
            "total_tokens": usage.input_tokens + usage.output_tokens,
        });
        chunks.push(last);
        Ok(chunks)
    }

    /// Pushes the pieces of the first choice; text is block 0, tool call
    /// `i` is block `i + 1`.
    fn parse_chunk(&self, chunk: &[u8], acc: &mut StreamAccumulator) -> Result<(), Error> {
        let chunk: JambaChunk = from_slice(NAME, "stream chunk", chunk)?;
        for choice in chunk.choices.into_iter().filter(|c| c.index == 0) {
            if let Some(text) = choice.delta.content.filter(|t| !t.is_empty()) {
                acc.push(StreamEvent::TextDelta { index: 0, text });
            }
            for call in choice.delta.tool_calls.into_iter().flatten() {
                let index = call.index + 1;
                let function = call.function.unwrap_or(JambaFunctionDelta {
                    name: None,
                    arguments: None,
                });
                if let Some(id) = call.id {
                    acc.push(StreamEvent::ToolUseStart {
                        index,
                        id,
                        name: function.name.unwrap_or_default(),
                    });
                }
                if let Some(json) = function.arguments.filter(|a| !a.is_empty()) {
                    acc.push(StreamEvent::ToolInputDelta { index, json });
                }
            }
            if let Some(reason) = choice.finish_reason {
                let has_calls = acc.tool_calls_started() > 0;
                acc.push(StreamEvent::Stop(stop_reason(&reason, has_calls)));
            }
        }
        if let Some(usage) = chunk.usage {
            acc.push(StreamEvent::Usage(usage.into()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
