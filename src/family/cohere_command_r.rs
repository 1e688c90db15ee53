//! Cohere Command R and Command R+ (`cohere.command-r-v1:0`,
//! `cohere.command-r-plus-v1:0`): Cohere's v1 Chat body, with `message`
//! (the last user turn), `chat_history`, `preamble`, tools and tool results.
//!
//! Shapes from the AWS user guide page "Cohere Command R and Command R+
//! models" and Cohere's v1 Chat API reference; stream events
//! (`stream-start`, `text-generation`, `tool-calls-generation`,
//! `stream-end`) as seen in captured Cohere v1 chat streams.

use super::codec::Codec;
use super::cohere_finish::FinishReasons;
use super::ids::{second_uuid, uuid};
use super::model_family::{text_pieces, RenderContext};
use super::refusals::{no_media, no_reasoning, no_system_turn};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, InferenceParams, Message, PortableRequest, PortableResponse, Role, StopReason,
    StreamEvent, ToolCall, ToolChoice, ToolResultContent, ToolSpec,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

mod types;

pub use types::{
    CohereApiVersion, CohereChatChunk, CohereChatRequest, CohereChatResponse, CohereChatTurn,
    CohereMeta, CohereParameterDefinition, CohereRole, CohereStreamEvent, CohereTokenCounts,
    CohereTool, CohereToolCall, CohereToolResult,
};

const NAME: &str = "cohere_command_r";

/// The Cohere Command R / R+ family.
#[derive(Debug, Clone, Copy, Default)]
pub struct CohereCommandR;

/// Chat's finish reasons, `STOP_SEQUENCE` among them.
const FINISH: FinishReasons = FinishReasons {
    stop_sequence: true,
};

/// Maps Cohere's finish reason.
pub(crate) fn stop_reason(reason: &str) -> StopReason {
    FINISH.stop_reason(reason)
}

/// A finished answer that made tool calls stopped for tool use.
fn stop_with_tools(reason: &str, has_tool_calls: bool) -> StopReason {
    match stop_reason(reason) {
        StopReason::EndTurn if has_tool_calls => StopReason::ToolUse,
        other => other,
    }
}

/// An earlier turn: its text, and for the model's turns its tool calls.
fn history_turn(turn: &Message) -> Result<CohereChatTurn, Error> {
    let mut calls = Vec::new();
    for block in &turn.content {
        match block {
            ContentBlock::ToolUse { name, input, .. } if turn.role == Role::Assistant => calls
                .push(CohereToolCall {
                    name: name.clone(),
                    parameters: input.clone(),
                }),
            ContentBlock::ToolUse { .. } => {
                return Err(Error::unsupported(NAME, "a tool call in a user turn"))
            }
            ContentBlock::ToolResult { .. } => {
                return Err(Error::unsupported(
                    NAME,
                    "tool results before the last user turn",
                ))
            }
            ContentBlock::Text(_) | ContentBlock::Image { .. } => {}
            ContentBlock::Reasoning(_) => return Err(no_reasoning(NAME)),
            ContentBlock::Media(media) => return Err(no_media(NAME, media)),
        }
    }
    Ok(CohereChatTurn {
        role: match turn.role {
            Role::User => CohereRole::User,
            Role::Assistant => CohereRole::Chatbot,
            Role::System => return Err(no_system_turn(NAME)),
        },
        message: turn.text(),
        tool_calls: (!calls.is_empty()).then_some(calls),
    })
}

/// The last turn's tool results, each tied to the call (name and
/// parameters) it answers, found by id in the earlier turns.
fn tool_results(last: &Message, earlier: &[Message]) -> Result<Vec<CohereToolResult>, Error> {
    let mut results = Vec::new();
    for block in &last.content {
        match block {
            ContentBlock::ToolResult {
                tool_use_id,
                content,
                is_error,
            } => {
                let call = find_call(earlier, tool_use_id).ok_or_else(|| {
                    Error::unsupported(
                        NAME,
                        format!(
                            "a tool result whose call {tool_use_id} is not in the conversation"
                        ),
                    )
                })?;
                results.push(CohereToolResult {
                    call,
                    outputs: outputs(content, *is_error),
                });
            }
            ContentBlock::ToolUse { .. } => {
                return Err(Error::unsupported(NAME, "a tool call in a user turn"))
            }
            ContentBlock::Text(_) | ContentBlock::Image { .. } => {}
            ContentBlock::Reasoning(_) => return Err(no_reasoning(NAME)),
            ContentBlock::Media(media) => return Err(no_media(NAME, media)),
        }
    }
    Ok(results)
}

fn find_call(turns: &[Message], id: &str) -> Option<CohereToolCall> {
    turns
        .iter()
        .flat_map(|t| t.content.iter())
        .find_map(|b| match b {
            ContentBlock::ToolUse {
                id: call_id,
                name,
                input,
            } if call_id == id => Some(CohereToolCall {
                name: name.clone(),
                parameters: input.clone(),
            }),
            _ => None,
        })
}

/// JSON objects go as they are; text and other JSON as `{"text": ...}`;
/// a failed call as `{"error": ...}`.
fn outputs(content: &[ToolResultContent], is_error: bool) -> Vec<Map<String, Value>> {
    content
        .iter()
        .map(|c| match c {
            ToolResultContent::Json(Value::Object(object)) if !is_error => object.clone(),
            other => {
                let key = if is_error { "error" } else { "text" };
                Map::from_iter([(key.to_string(), Value::String(other.to_text()))])
            }
        })
        .collect()
}

/// A portable tool: the JSON Schema's `properties` become
/// `parameter_definitions`, its `required` list the `required` flags.
fn tool(spec: &ToolSpec) -> CohereTool {
    let schema = &spec.input_schema;
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let definitions: BTreeMap<String, CohereParameterDefinition> = schema["properties"]
        .as_object()
        .map(|props| {
            props
                .iter()
                .map(|(name, prop)| {
                    let definition = CohereParameterDefinition {
                        description: prop["description"].as_str().map(str::to_string),
                        kind: python_type(prop),
                        required: Some(required.contains(&name.as_str())),
                    };
                    (name.clone(), definition)
                })
                .collect()
        })
        .unwrap_or_default();
    CohereTool {
        name: spec.name.clone(),
        description: spec.description.clone().unwrap_or_default(),
        parameter_definitions: (!definitions.is_empty()).then_some(definitions),
    }
}

/// Cohere names parameter types the Python way; a property with no JSON
/// type is `str`.
fn python_type(prop: &Value) -> String {
    let scalar = |t: &str| match t {
        "integer" => "int",
        "number" => "float",
        "boolean" => "bool",
        "object" => "dict",
        "array" => "list",
        _ => "str",
    };
    match prop["type"].as_str() {
        Some("array") => match prop["items"]["type"].as_str() {
            Some(item) => format!("List[{}]", scalar(item)),
            None => "list".to_string(),
        },
        Some(t) => scalar(t).to_string(),
        None => "str".to_string(),
    }
}

/// Cohere sends no call ids; calls are numbered `call_0`, `call_1`, ...
fn tool_calls(calls: &[CohereToolCall]) -> Vec<ToolCall> {
    calls
        .iter()
        .enumerate()
        .map(|(i, c)| ToolCall {
            id: format!("call_{i}"),
            name: c.name.clone(),
            input: c.parameters.clone(),
        })
        .collect()
}

/// Reads a native body back into the portable form. Cohere sends no call
/// ids: the calls of `CHATBOT` turns are numbered `call_0`, `call_1`, ...
/// across the conversation, and each tool result takes the id of the latest
/// call with its name and parameters (a fresh number when the history does
/// not hold it). `SYSTEM` history turns join the preamble; `TOOL` history
/// turns (results of earlier rounds) are not read.
fn portable_request(req: CohereChatRequest) -> PortableRequest {
    let mut system = req.preamble;
    let mut messages = Vec::new();
    let mut calls: Vec<(String, CohereToolCall)> = Vec::new();
    for turn in req.chat_history.unwrap_or_default() {
        match turn.role {
            CohereRole::User => messages.push(Message::user(turn.message)),
            CohereRole::Chatbot => {
                let turn_calls = turn.tool_calls.unwrap_or_default();
                let mut content = Vec::new();
                if !turn.message.is_empty() || turn_calls.is_empty() {
                    content.push(ContentBlock::Text(turn.message));
                }
                for call in turn_calls {
                    let id = format!("call_{}", calls.len());
                    content.push(ContentBlock::tool_use(
                        id.clone(),
                        call.name.clone(),
                        call.parameters.clone(),
                    ));
                    calls.push((id, call));
                }
                messages.push(Message::new(Role::Assistant, content));
            }
            CohereRole::System => {
                system = Some(match system {
                    Some(s) => format!("{s}\n{}", turn.message),
                    None => turn.message,
                });
            }
            CohereRole::Tool => {}
        }
    }
    let mut last = Vec::new();
    let mut fresh = calls.len();
    for result in req.tool_results.unwrap_or_default() {
        let id = calls
            .iter()
            .rev()
            .find(|(_, call)| *call == result.call)
            .map(|(id, _)| id.clone())
            .unwrap_or_else(|| {
                fresh += 1;
                format!("call_{}", fresh - 1)
            });
        last.push(tool_result(id, result.outputs));
    }
    if last.is_empty() || !req.message.is_empty() {
        last.push(ContentBlock::Text(req.message));
    }
    messages.push(Message::new(Role::User, last));
    PortableRequest {
        system,
        messages,
        params: InferenceParams {
            max_tokens: req.max_tokens,
            temperature: req.temperature,
            top_p: req.p,
            top_k: req.k,
            stop_sequences: req.stop_sequences.unwrap_or_default(),
        },
        tools: req
            .tools
            .unwrap_or_default()
            .into_iter()
            .map(tool_spec)
            .collect(),
        ..Default::default()
    }
}

/// The inverse of [`outputs`]: outputs that are all `{"error": text}` are a
/// failed call; `{"text": text}` is text; any other object is JSON.
fn tool_result(id: String, outputs: Vec<Map<String, Value>>) -> ContentBlock {
    fn single<'a>(output: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
        match output.get(key) {
            Some(Value::String(s)) if output.len() == 1 => Some(s),
            _ => None,
        }
    }
    let is_error = !outputs.is_empty() && outputs.iter().all(|o| single(o, "error").is_some());
    let content = outputs
        .into_iter()
        .map(|o| {
            let text = single(&o, if is_error { "error" } else { "text" });
            match text {
                Some(text) => ToolResultContent::Text(text.to_string()),
                None => ToolResultContent::Json(Value::Object(o)),
            }
        })
        .collect();
    ContentBlock::ToolResult {
        tool_use_id: id,
        content,
        is_error,
    }
}

/// The inverse of [`tool`]: `parameter_definitions` become an object
/// schema's `properties`, the `required` flags its `required` list (in name
/// order, left out when empty); an empty description is none.
fn tool_spec(tool: CohereTool) -> ToolSpec {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (name, definition) in tool.parameter_definitions.unwrap_or_default() {
        let mut prop = json_type(&definition.kind);
        if let Some(description) = definition.description {
            prop.insert("description".into(), Value::String(description));
        }
        if definition.required == Some(true) {
            required.push(Value::String(name.clone()));
        }
        properties.insert(name, Value::Object(prop));
    }
    let mut schema = Map::new();
    schema.insert("type".into(), Value::from("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    ToolSpec {
        name: tool.name,
        description: (!tool.description.is_empty()).then_some(tool.description),
        input_schema: Value::Object(schema),
    }
}

/// The JSON Schema type of a Python-style type name (the inverse of
/// [`python_type`]); an unknown name is a string.
fn json_type(kind: &str) -> Map<String, Value> {
    let scalar = |t: &str| match t.trim() {
        "int" => "integer",
        "float" => "number",
        "bool" => "boolean",
        "dict" | "Dict" => "object",
        "list" | "List" => "array",
        _ => "string",
    };
    let mut out = Map::new();
    match kind.strip_prefix("List[").and_then(|k| k.strip_suffix(']')) {
        Some(item) => {
            let mut items = Map::new();
            items.insert("type".into(), Value::from(scalar(item)));
            out.insert("type".into(), Value::from("array"));
            out.insert("items".into(), Value::Object(items));
        }
        None => {
            out.insert("type".into(), Value::from(scalar(kind)));
        }
    }
    out
}

/// The tool calls as Cohere writes them (names and parameters, no ids).
fn native_calls(calls: &[ToolCall]) -> Vec<CohereToolCall> {
    calls
        .iter()
        .map(|c| CohereToolCall {
            name: c.name.clone(),
            parameters: c.input.clone(),
        })
        .collect()
}

impl Codec for CohereCommandR {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Cohere Command R / R+";
    const IDENTITY: &'static [&'static str] = &["/response_id", "/generation_id"];
    type Request = CohereChatRequest;
    type Response = CohereChatResponse;
    type Chunk = CohereStreamEvent;

    /// The last user turn is `message`, earlier turns are `chat_history`,
    /// the system prompt is `preamble`.
    fn request(
        &self,
        req: &PortableRequest,
        _model: &ModelInfo,
    ) -> Result<CohereChatRequest, Error> {
        if req.has_images() {
            return Err(Error::unsupported(NAME, "image content"));
        }
        if !matches!(req.tool_choice, None | Some(ToolChoice::Auto)) {
            return Err(Error::unsupported(NAME, "a tool choice other than auto"));
        }
        let (last, earlier) = req
            .messages
            .split_last()
            .ok_or_else(|| Error::unsupported(NAME, "a request with no messages"))?;
        if last.role != Role::User {
            return Err(Error::unsupported(
                NAME,
                "a conversation that ends with an assistant turn",
            ));
        }
        let history = earlier
            .iter()
            .map(history_turn)
            .collect::<Result<Vec<_>, _>>()?;
        let tool_results = tool_results(last, earlier)?;
        let p = &req.params;
        Ok(CohereChatRequest {
            message: last.text(),
            chat_history: (!history.is_empty()).then_some(history),
            preamble: req.system.clone(),
            max_tokens: p.max_tokens,
            temperature: p.temperature,
            p: p.top_p,
            k: p.top_k,
            stop_sequences: p.stop_list(),
            tools: (!req.tools.is_empty()).then(|| req.tools.iter().map(tool).collect()),
            tool_results: (!tool_results.is_empty()).then_some(tool_results),
            ..Default::default()
        })
    }

    fn portable_request(
        &self,
        req: CohereChatRequest,
        _model: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        Ok(portable_request(req))
    }

    fn portable(&self, resp: CohereChatResponse) -> Result<PortableResponse, Error> {
        let calls = tool_calls(resp.tool_calls.as_deref().unwrap_or_default());
        Ok(PortableResponse {
            text: resp.text,
            stop_reason: resp
                .finish_reason
                .as_deref()
                .map(|r| stop_with_tools(r, !calls.is_empty())),
            usage: resp.meta.as_ref().and_then(CohereMeta::usage),
            tool_calls: calls,
            ..Default::default()
        })
    }

    /// The answer as Cohere's v1 Chat response. `chat_history` holds only
    /// the `CHATBOT` turn: the request's turns are not known here.
    fn native(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<CohereChatResponse, Error> {
        let usage = resp.usage.unwrap_or_default();
        let calls = (!resp.tool_calls.is_empty()).then(|| native_calls(&resp.tool_calls));
        let turn = CohereChatTurn {
            role: CohereRole::Chatbot,
            message: resp.text.clone(),
            tool_calls: calls.clone(),
        };
        let turn =
            serde_json::to_value(turn).map_err(|e| Error::parse(NAME, "rendered body", e))?;
        Ok(CohereChatResponse {
            response_id: Some(uuid(ctx.response_id)),
            text: resp.text.clone(),
            generation_id: Some(second_uuid(ctx.response_id)),
            chat_history: Some(vec![turn]),
            finish_reason: Some(FINISH.name(resp.stop_reason.as_ref()).to_string()),
            tool_calls: calls,
            meta: Some(CohereMeta {
                api_version: Some(CohereApiVersion {
                    version: "1".into(),
                }),
                billed_units: Some(CohereTokenCounts {
                    input_tokens: Some(usage.input_tokens.into()),
                    output_tokens: Some(usage.output_tokens.into()),
                }),
                tokens: None,
            }),
            ..Default::default()
        })
    }

    /// `stream-start`; the text as `text-generation` pieces, or, with tool
    /// calls, one `tool-calls-generation` with the text and the calls; then
    /// `stream-end` with the whole response.
    fn native_chunks(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Vec<CohereStreamEvent>, Error> {
        let event = |event| CohereStreamEvent {
            is_finished: false,
            event,
        };
        let mut chunks = vec![event(CohereChatChunk::StreamStart {
            generation_id: Some(second_uuid(ctx.response_id)),
        })];
        if resp.tool_calls.is_empty() {
            let pieces = text_pieces(&resp.text)
                .into_iter()
                .filter(|p| !p.is_empty());
            chunks.extend(
                pieces.map(|text| event(CohereChatChunk::TextGeneration { text: text.into() })),
            );
        } else {
            chunks.push(event(CohereChatChunk::ToolCallsGeneration {
                text: Some(resp.text.clone()),
                tool_calls: native_calls(&resp.tool_calls),
            }));
        }
        chunks.push(CohereStreamEvent {
            is_finished: true,
            event: CohereChatChunk::StreamEnd {
                finish_reason: Some(FINISH.name(resp.stop_reason.as_ref()).to_string()),
                response: Some(Box::new(self.native(resp, ctx)?)),
            },
        });
        Ok(chunks)
    }

    fn chunk(&self, chunk: CohereStreamEvent, acc: &mut StreamAccumulator) -> Result<(), Error> {
        match chunk.event {
            CohereChatChunk::TextGeneration { text } => {
                if !text.is_empty() {
                    acc.push(StreamEvent::TextDelta { index: 0, text });
                }
            }
            CohereChatChunk::ToolCallsGeneration { text, tool_calls } => {
                // The model's text before its calls; no `text-generation`
                // events carry it (`tool-calls-chunk` pieces are not read).
                if let Some(text) = text.filter(|t| !t.is_empty()) {
                    acc.push(StreamEvent::TextDelta { index: 0, text });
                }
                for call in tool_calls {
                    let n = acc.tool_calls_started();
                    let index = n as u32 + 1;
                    acc.push(StreamEvent::ToolUseStart {
                        index,
                        id: format!("call_{n}"),
                        name: call.name,
                    });
                    acc.push(StreamEvent::ToolInputDelta {
                        index,
                        json: call.parameters.to_string(),
                    });
                }
            }
            CohereChatChunk::StreamEnd {
                finish_reason,
                response,
            } => {
                let reason = finish_reason
                    .as_deref()
                    .or_else(|| response.as_ref()?.finish_reason.as_deref());
                if let Some(reason) = reason {
                    let has_calls = acc.tool_calls_started() > 0;
                    acc.push(StreamEvent::Stop(stop_with_tools(reason, has_calls)));
                }
                if let Some(usage) = response.as_ref().and_then(|r| r.meta.as_ref()?.usage()) {
                    acc.push(StreamEvent::Usage(usage));
                }
            }
            CohereChatChunk::StreamStart { .. } | CohereChatChunk::Other => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
