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
//! The wire itself (types, messages, tools, stream deltas) is in
//! `chat_completions.rs`, shared with Writer Palmyra.

use super::chat_completions::{
    chat_messages, chat_tool_choice, chat_tools, created_for, finish_reason_name, is_done_marker,
    portable_response, push_chunk, read_chat_messages, read_chat_tools, read_tool_choice,
    render_chat_chunks, render_chat_message, render_usage, OpenAiChatChunk, OpenAiChatRequest,
    OpenAiChatResponse, OpenAiStop,
};
use super::model_family::{from_slice, to_bytes, ModelFamily, RenderContext};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{InferenceParams, PortableRequest, PortableResponse};
use serde_json::{json, Value};

const NAME: &str = "openai_chat";

/// The OpenAI chat-completions family (gpt-oss and Qwen3).
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenAiChat;

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
        portable_response(NAME, &resp)
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
        push_chunk(acc, chunk);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
