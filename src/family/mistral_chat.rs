//! Mistral AI chat completion (`mistral.mistral-large-2407-v1:0`,
//! `mistral.pixtral-large-2502-v1:0`): `messages` with system, user,
//! assistant and tool roles, function `tools`, `tool_choice`
//! (`auto`/`any`/`none`) and sampling parameters.
//!
//! Shapes from the AWS user guide pages "Mistral Large 2 (24.07)" and
//! "Pixtral Large (25.02)", Mistral's chat-completion API reference, and
//! captured traffic: the response has only `choices`, with the reason in
//! `stop_reason`; stream chunks repeat the response's shape, with the piece
//! in `message` (not `delta`) and `stop_reason` null until the last, and
//! every tool call whole in the last chunk. Tool-call `arguments` is a JSON
//! string. Pixtral takes images as `image_url` parts holding a base64
//! `data:` URL.
//!
//! Mistral Large 2 (24.07) also takes the `{"prompt": "<s>[INST] ...
//! [/INST]"}` body of Mistral's text models, which langchain-aws and
//! litellm send it, and answers it with chat choices
//! (UKGovernmentBEIS/inspect_ai#817); the builder writes the chat body.

use super::chat_completions::{
    ChatDialect, ChatParts, ChatStyle, EmptyContent, OpenAiMessage, OpenAiTool, OpenAiToolChoice,
    StreamShape,
};
use super::prompt_template::{parse_inst, MistralRequest, TextTurn, MISTRAL_INST};
use super::refusals::{refuse_stop_sequences_over, refuse_top_k};
use crate::error::Error;
use crate::family::model_family::RenderContext;
use crate::model_info::ModelInfo;
use crate::portable::{InferenceParams, PortableRequest, StopReason, ToolChoice};
use serde::{Deserialize, Serialize};

const NAME: &str = "mistral_chat";

/// The Mistral AI chat-completion family.
#[derive(Debug, Clone, Copy, Default)]
pub struct MistralChat;

/// The chat-completion request body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MistralChatRequest {
    /// The conversation, a system message first if there is one.
    pub messages: Vec<OpenAiMessage>,
    /// Functions the model may call.
    pub tools: Option<Vec<OpenAiTool>>,
    /// How the model must choose among `tools`: `auto`, `any` or `none`.
    pub tool_choice: Option<OpenAiToolChoice>,
    /// The most tokens to generate; at most 8,192.
    pub max_tokens: Option<u32>,
    /// 0–1.
    pub temperature: Option<f32>,
    /// 0–1.
    pub top_p: Option<f32>,
}

/// A body the family reads: the chat body, or the text-completion one (a
/// body with `prompt`), each read with its own errors.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MistralChatBody {
    /// `{"messages": [...], ...}`.
    Chat(MistralChatRequest),
    /// `{"prompt": "...", ...}` (Mistral Large 2 only).
    Prompt(MistralRequest),
}

impl<'de> Deserialize<'de> for MistralChatBody {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let read = match value.get("prompt") {
            Some(_) => MistralRequest::deserialize(value).map(Self::Prompt),
            None => MistralChatRequest::deserialize(value).map(Self::Chat),
        };
        read.map_err(serde::de::Error::custom)
    }
}

/// The prompt body's turns as chat messages: a prompt without `[INST]` is
/// one user turn.
fn prompt_parts(body: MistralRequest) -> ChatParts {
    let turns = parse_inst(&body.prompt, MISTRAL_INST).unwrap_or_else(|| {
        vec![TextTurn {
            role: crate::portable::Role::User,
            text: body.prompt.clone(),
        }]
    });
    let messages = turns
        .into_iter()
        .map(|turn| {
            let role = match turn.role {
                crate::portable::Role::User => "user",
                crate::portable::Role::Assistant => "assistant",
                // Refused before the body is built (`Codec::SYSTEM_TURNS`).
                crate::portable::Role::System => "system",
            };
            OpenAiMessage::text(role, turn.text)
        })
        .collect();
    ChatParts {
        messages,
        params: InferenceParams {
            max_tokens: body.max_tokens,
            temperature: body.temperature,
            top_p: body.top_p,
            top_k: body.top_k,
            stop_sequences: body.stop.unwrap_or_default(),
        },
        ..Default::default()
    }
}

impl ChatDialect for MistralChat {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Mistral AI (chat completion)";
    /// Only `choices`, the reason as `stop_reason`, whole messages in the
    /// stream; an assistant's content is a string even beside tool calls,
    /// whose request form has no `type`.
    const STYLE: ChatStyle = ChatStyle {
        header: false,
        finish_reason_key: false,
        empty_content: EmptyContent::Empty,
        request_tool_call_type: false,
        usage: false,
        stream: StreamShape::Messages,
        reasoning_tags: false,
        ..ChatStyle::OPENAI
    };
    /// Mistral Large 2407's answers carry no id or model.
    const IDENTITY: &'static [&'static str] = &[];
    type Request = MistralChatBody;

    fn check(&self, req: &PortableRequest, _model: &ModelInfo) -> Result<(), Error> {
        let p = &req.params;
        refuse_top_k(NAME, p)?;
        refuse_stop_sequences_over(NAME, p, 0)?;
        Ok(())
    }

    /// Pixtral takes images.
    fn takes_images(&self, model: &ModelInfo) -> bool {
        model.id.contains("pixtral")
    }

    /// `auto`, `any` or `none`; a named tool cannot be forced.
    fn tool_choice(&self, choice: &ToolChoice) -> Result<Option<OpenAiToolChoice>, Error> {
        let mode = match choice {
            ToolChoice::Auto => "auto",
            ToolChoice::Any => "any",
            ToolChoice::None => "none",
            ToolChoice::Tool(_) => return Err(Error::unsupported(NAME, "forcing a named tool")),
        };
        Ok(Some(OpenAiToolChoice::Mode(mode.into())))
    }

    fn body(&self, chat: ChatParts, _model: &ModelInfo) -> Result<MistralChatBody, Error> {
        Ok(MistralChatBody::Chat(MistralChatRequest {
            messages: chat.messages,
            tools: chat.tools,
            tool_choice: chat.tool_choice,
            max_tokens: chat.params.max_tokens,
            temperature: chat.params.temperature,
            top_p: chat.params.top_p,
        }))
    }

    fn parts(&self, body: MistralChatBody) -> Result<ChatParts, Error> {
        let req = match body {
            MistralChatBody::Chat(req) => req,
            MistralChatBody::Prompt(prompt) => return Ok(prompt_parts(prompt)),
        };
        Ok(ChatParts {
            messages: req.messages,
            tools: req.tools,
            tool_choice: req.tool_choice,
            params: InferenceParams {
                max_tokens: req.max_tokens,
                temperature: req.temperature,
                top_p: req.top_p,
                ..Default::default()
            },
            ..Default::default()
        })
    }

    /// Mistral's body has no id.
    fn completion_id(&self, _ctx: &RenderContext<'_>) -> Option<String> {
        None
    }

    /// `stop` for what Mistral does not name (a stop sequence, filtering).
    fn finish_reason<'a>(&self, reason: Option<&'a StopReason>) -> &'a str {
        match reason {
            Some(StopReason::MaxTokens) => "length",
            Some(StopReason::ToolUse) => "tool_calls",
            Some(StopReason::Other(other)) => other,
            _ => "stop",
        }
    }
}

#[cfg(test)]
mod tests;
