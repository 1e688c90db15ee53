//! AI21 Labs Jamba (`ai21.jamba-instruct-v1:0`, `ai21.jamba-1-5-mini-v1:0`,
//! `ai21.jamba-1-5-large-v1:0`): OpenAI-style chat completions, with
//! `messages` (system, user, assistant, tool), `choices` and `usage`.
//! Jamba 1.5 also takes OpenAI-style function tools; Jamba-Instruct does not.
//!
//! Shapes from the AWS user guide page "AI21 Labs Jamba models", AWS's
//! "Supported models and model features" table (tool use for Jamba 1.5) and
//! AI21's chat completion reference and SDK models (stream chunks with
//! `delta`, `usage` on the last chunk; a response with an `id` but no
//! `object`, `created` or `model`; `stop` ending a turn that calls tools).

use super::chat_completions::{
    ChatDialect, ChatParts, ChatStyle, OpenAiMessage, OpenAiTool, OpenAiToolChoice,
};
use super::ids::uuid;
use super::refusals::refuse_top_k;
use crate::error::Error;
use crate::family::model_family::RenderContext;
use crate::model_info::ModelInfo;
use crate::portable::{InferenceParams, PortableRequest, StopReason, ToolChoice};
use serde::{Deserialize, Serialize};

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
    pub messages: Vec<OpenAiMessage>,
    /// 0–4096, default 4096.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// 0–2, default 1.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// 0.01–1, default 1.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    /// Penalises tokens by how often they appeared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f32>,
    /// Penalises tokens that appeared at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f32>,
    /// Function tools (Jamba 1.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<OpenAiTool>>,
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

impl ChatDialect for Jamba {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "AI21 Labs Jamba";
    /// No `object`, `created` or `model`; `usage` on the last chunk too.
    const STYLE: ChatStyle = ChatStyle {
        header: false,
        usage_in_last_chunk: true,
        reasoning_tags: false,
        ..ChatStyle::OPENAI
    };
    type Request = JambaRequest;

    fn check(&self, req: &PortableRequest, model: &ModelInfo) -> Result<(), Error> {
        if req.has_images() {
            return Err(Error::unsupported(NAME, "image content"));
        }
        refuse_top_k(NAME, &req.params)?;
        let uses_tools = !req.tools.is_empty() || req.has_tool_blocks();
        if uses_tools && model.id == JAMBA_INSTRUCT {
            return Err(Error::unsupported(NAME, "tool use with Jamba-Instruct"));
        }
        Ok(())
    }

    /// The body has no `tool_choice`: only `auto`, the default, is sent.
    fn tool_choice(&self, choice: &ToolChoice) -> Result<Option<OpenAiToolChoice>, Error> {
        match choice {
            ToolChoice::Auto => Ok(None),
            _ => Err(Error::unsupported(NAME, "a tool choice other than auto")),
        }
    }

    fn body(&self, chat: ChatParts, _model: &ModelInfo) -> Result<JambaRequest, Error> {
        let p = chat.params;
        Ok(JambaRequest {
            messages: chat.messages,
            max_tokens: p.max_tokens,
            temperature: p.temperature,
            top_p: p.top_p,
            stop: (!p.stop_sequences.is_empty()).then_some(p.stop_sequences),
            tools: chat.tools,
            ..Default::default()
        })
    }

    /// The portable form has no `n` or penalties.
    fn parts(&self, req: JambaRequest) -> Result<ChatParts, Error> {
        Ok(ChatParts {
            messages: req.messages,
            tools: req.tools,
            tool_choice: None,
            params: InferenceParams {
                max_tokens: req.max_tokens,
                temperature: req.temperature,
                top_p: req.top_p,
                top_k: None,
                stop_sequences: req.stop.unwrap_or_default(),
            },
            ..Default::default()
        })
    }

    /// `chatcmpl-` and the response id as a UUID.
    fn completion_id(&self, ctx: &RenderContext<'_>) -> Option<String> {
        Some(format!("chatcmpl-{}", uuid(ctx.response_id)))
    }

    /// `stop` for a finished answer (with or without tool calls, or at a
    /// stop sequence), `length` at the token limit.
    fn finish_reason<'a>(&self, reason: Option<&'a StopReason>) -> &'a str {
        match reason {
            Some(StopReason::MaxTokens) => "length",
            Some(StopReason::ContentFiltered) => "content_filter",
            Some(StopReason::Other(other)) => other,
            _ => "stop",
        }
    }
}

#[cfg(test)]
mod tests;
