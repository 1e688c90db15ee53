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
//! The same body serves the other providers Bedrock runs behind that layer:
//! OpenAI's GPT-5.6 and GPT-6 models, Gemma 3, MiniMax, Kimi, Nemotron,
//! GLM and Grok. Where a model refuses a field the wire has, its
//! `models.json` line says so in `chat` ([`ChatRules`]), and the body is
//! refused in the words of the serving layer: "Unsupported parameter:
//! 'top_p' is not supported with this model." (GPT-5.6 Sol, and the same
//! for `max_tokens`, quoted from Bedrock's Chat Completions path in
//! aws-samples/sample-apj-sup-sa#231 and its notebooks, 2026-08-18);
//! "Unsupported value: 'minimal' is not supported with the '<model>' model."
//! for a `reasoning_effort` the model lacks (the capture is cut after
//! "with the 'open", so the end is inferred).
//!
//! The wire itself (messages, tools, responses, stream deltas) is the
//! shared chat-completions module's; this dialect is OpenAI's own shape.

use super::chat_completions::{
    ChatDialect, ChatParts, OpenAiMessage, OpenAiTool, OpenAiToolChoice,
};
use super::refusals::refuse_top_k;
use crate::error::Error;
use crate::model_info::{ChatRules, ModelInfo};
use crate::portable::{InferenceParams, PortableRequest};
use crate::reasoning::{Effort, Thinking};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

const NAME: &str = "openai_chat";

/// The OpenAI chat-completions family (gpt-oss and Qwen3).
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenAiChat;

/// The chat-completions request body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenAiChatRequest {
    /// Must equal the model id, or be absent (the builder leaves it out).
    pub model: Option<String>,
    /// The conversation, system/developer messages first.
    pub messages: Vec<OpenAiMessage>,
    /// The most tokens to generate, reasoning included.
    pub max_completion_tokens: Option<u32>,
    /// Sequences that stop generation: a string or a list.
    pub stop: Option<OpenAiStop>,
    /// 0–2.
    pub temperature: Option<f32>,
    /// 0–1.
    pub top_p: Option<f32>,
    /// Functions the model may call.
    pub tools: Option<Vec<OpenAiTool>>,
    /// How the model must choose tools.
    pub tool_choice: Option<OpenAiToolChoice>,
    /// Must match the operation (`false` for InvokeModel), or be absent (the
    /// builder leaves it out).
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

impl ChatDialect for OpenAiChat {
    const NAME: &'static str = NAME;
    const TITLE: &'static str =
        "OpenAI chat completions (gpt-oss, GPT-5.6, GPT-6, Qwen3, Gemma 3, MiniMax, Kimi, Nemotron, GLM, Grok)";
    /// `response_format` `{"type": "json_schema", "json_schema": {...}}`.
    const STRUCTURED: bool = true;
    /// `reasoning_effort`: an [`Effort`], or `none` for
    /// [`Thinking::Disabled`]; `minimal` has no portable form.
    const REASONING: bool = true;
    type Request = OpenAiChatRequest;

    /// `top_k` has no place in the body; a sampling parameter the model
    /// refuses is Bedrock's refusal.
    fn check(&self, req: &PortableRequest, model: &ModelInfo) -> Result<(), Error> {
        refuse_top_k(NAME, &req.params)?;
        let rules = model.chat.as_ref();
        let set = [
            ("top_p", req.params.top_p.is_some()),
            ("temperature", req.params.temperature.is_some()),
            ("stop", !req.params.stop_sequences.is_empty()),
        ];
        let refusal = match set
            .iter()
            .find(|(field, set)| *set && refuses(rules, field))
        {
            Some((field, _)) => Some(unsupported_parameter(field)),
            None => reasoning_effort(req).and_then(|effort| effort_refusal(effort, model)),
        };
        match refusal {
            Some(message) => Err(Error::Refused {
                family: NAME,
                model: model.id.clone(),
                message,
            }),
            None => Ok(()),
        }
    }

    /// A field or a `reasoning_effort` value the model refuses. A model
    /// without its own list takes OpenAI's 2025 values, refused in the
    /// schema's words as before.
    fn body_rule(&self, body: &Value, model: &ModelInfo) -> Option<String> {
        let rules = model.chat.as_ref();
        if let Some(field) = rules.and_then(|r| {
            r.unsupported
                .iter()
                .find(|f| body.get(f.as_str()).is_some_and(|v| !v.is_null()))
        }) {
            return Some(unsupported_parameter(field));
        }
        effort_refusal(body.get("reasoning_effort")?.as_str()?, model)
    }

    /// The models whose catalog line takes images (Gemma 3, Mistral Large 3,
    /// Magistral, Ministral 3), as `image_url` parts with a `data:` URL.
    fn takes_images(&self, model: &ModelInfo) -> bool {
        model.converse.images
    }

    /// The models whose catalog line takes audio (Voxtral), as
    /// `input_audio` parts.
    fn takes_audio(&self, model: &ModelInfo) -> bool {
        model.converse.audio
    }

    /// `model` and `stream` are left out.
    fn body(&self, chat: ChatParts, _model: &ModelInfo) -> Result<OpenAiChatRequest, Error> {
        let p = chat.params;
        let mut extra = Map::new();
        if let Some(effort) = chat_effort(chat.thinking, chat.effort)? {
            extra.insert("reasoning_effort".into(), effort.into());
        }
        if let Some(o) = chat.output_schema {
            let mut definition = Map::new();
            definition.insert(
                "name".into(),
                o.name.unwrap_or_else(|| "output".into()).into(),
            );
            if let Some(d) = o.description {
                definition.insert("description".into(), d.into());
            }
            definition.insert("schema".into(), o.schema);
            let mut format = Map::new();
            format.insert("type".into(), "json_schema".into());
            format.insert("json_schema".into(), Value::Object(definition));
            extra.insert("response_format".into(), Value::Object(format));
        }
        Ok(OpenAiChatRequest {
            messages: chat.messages,
            max_completion_tokens: p.max_tokens,
            stop: (!p.stop_sequences.is_empty()).then_some(OpenAiStop::Many(p.stop_sequences)),
            temperature: p.temperature,
            top_p: p.top_p,
            tools: chat.tools,
            tool_choice: chat.tool_choice,
            extra,
            ..Default::default()
        })
    }

    /// `model` and `stream` are not read; `max_tokens` is read when
    /// `max_completion_tokens` is absent; `reasoning_effort` is read as the
    /// effort (`none` as thinking disabled); other fields (`seed`,
    /// penalties, ...) have no portable place.
    fn parts(&self, req: OpenAiChatRequest) -> Result<ChatParts, Error> {
        let legacy_max =
            match req.extra.get("max_tokens") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(
                    || Error::parse(NAME, "request", format!("max_tokens {v} is not a count")),
                )?),
            };
        let format = req.extra.get("response_format");
        let output_schema = format
            .filter(|f| f.get("type").and_then(Value::as_str) == Some("json_schema"))
            .and_then(|f| f.get("json_schema"))
            .and_then(|d| {
                let text = |key: &str| d.get(key).and_then(Value::as_str).map(str::to_string);
                Some(crate::OutputSchema {
                    name: text("name"),
                    description: text("description"),
                    schema: d.get("schema")?.clone(),
                })
            });
        let (effort, thinking) = match req.extra.get("reasoning_effort").and_then(Value::as_str) {
            Some("none") => (None, Some(Thinking::Disabled)),
            Some(name) => (Effort::from_name(name), None),
            None => (None, None),
        };
        Ok(ChatParts {
            output_schema,
            effort,
            thinking,
            messages: req.messages,
            tools: req.tools,
            tool_choice: req.tool_choice,
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
        })
    }
}

/// The `reasoning_effort` values of OpenAI's 2025 chat completions, which
/// gpt-oss and Qwen3 take.
const LEGACY_EFFORTS: [&str; 4] = ["minimal", "low", "medium", "high"];

/// The `reasoning_effort` of a thinking setting and an effort: the
/// effort's name, or `none` for thinking disabled; other thinking settings
/// have no chat form.
fn chat_effort(
    thinking: Option<Thinking>,
    effort: Option<Effort>,
) -> Result<Option<&'static str>, Error> {
    match (thinking, effort) {
        (None, effort) => Ok(effort.map(Effort::as_str)),
        (Some(Thinking::Disabled), None) => Ok(Some("none")),
        (Some(Thinking::Disabled), Some(_)) => {
            Err(Error::unsupported(NAME, "an effort with thinking disabled"))
        }
        (Some(other), _) => {
            let setting = format!("thinking {} (only an effort, or none)", other.wire_name());
            Err(Error::unsupported(NAME, setting))
        }
    }
}

/// The `reasoning_effort` a portable request asks for, where it has one.
fn reasoning_effort(req: &PortableRequest) -> Option<&'static str> {
    chat_effort(req.thinking, req.effort).ok().flatten()
}

/// The refusal of a `reasoning_effort` the model does not take: in the
/// serving layer's words for a model with its own list, in the schema's for
/// one that takes OpenAI's 2025 values.
fn effort_refusal(effort: &str, model: &ModelInfo) -> Option<String> {
    match model.chat.as_ref().filter(|r| !r.reasoning_efforts.is_empty()) {
        Some(r) => (!r.reasoning_efforts.iter().any(|e| e == effort)).then(|| {
            format!(
                "Unsupported value: '{effort}' is not supported with the '{}' model.",
                model.id
            )
        }),
        None => (!LEGACY_EFFORTS.contains(&effort)).then(|| {
            format!("Malformed input request: #/reasoning_effort: {effort} is not a valid enum value, please reformat your input and try again.")
        }),
    }
}

fn refuses(rules: Option<&ChatRules>, field: &str) -> bool {
    rules.is_some_and(|r| r.unsupported.iter().any(|f| f == field))
}

fn unsupported_parameter(field: &str) -> String {
    format!("Unsupported parameter: '{field}' is not supported with this model.")
}

#[cfg(test)]
mod tests;
