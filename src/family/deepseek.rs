//! DeepSeek (`deepseek.r1-v1:0`, served only through inference profiles such
//! as `us.deepseek.r1-v1:0`, and `deepseek.v3-v1:0`): one `prompt` rendered
//! with DeepSeek's chat template, plus `temperature`, `top_p`, `max_tokens`
//! and up to 10 `stop` sequences.
//!
//! Shapes from the AWS user guide page "DeepSeek models" (request fields and
//! ranges, the R1 prompt format ending `<｜Assistant｜><think>\n`) and captured
//! traffic (stream chunks repeat the response's shape, `stop_reason` null
//! until the last). The V3 template is DeepSeek-V3.1's non-thinking form from
//! its tokenizer chat template. R1's text carries its reasoning, closed by
//! `</think>`, before the answer: a parsed answer splits it off as the
//! portable reasoning (a stream's events carry the text as it came, both
//! together, since nothing marks where reasoning starts), and the fake
//! writes a synthesized answer's reasoning there. Converse shows R1's
//! reasoning as `reasoningContent`.

use super::prompt_completion::{self, PromptDialect};
use super::prompt_template::{refuse_tools, text_conversation, TextTurn};
use super::refusals::{refuse_stop_sequences_over, refuse_top_k};
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{InferenceParams, PortableRequest, PortableResponse, Role};
use serde::{Deserialize, Serialize};

const NAME: &str = "deepseek";

/// What ends R1's reasoning in its answer's text.
const THINK_END: &str = "</think>";

/// The most stop sequences Bedrock accepts.
pub const MAX_STOP_SEQUENCES: usize = 10;

/// The DeepSeek dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeepSeek;

/// DeepSeek's InvokeModel request body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeepSeekRequest {
    /// The conversation rendered with the model's chat template.
    pub prompt: String,
    /// At most 1.
    pub temperature: Option<f32>,
    /// At most 1.
    pub top_p: Option<f32>,
    /// 1–32,768.
    pub max_tokens: Option<u32>,
    /// Up to 10 stop sequences.
    pub stop: Option<Vec<String>>,
}

/// The chat template of one DeepSeek model, chosen from the model id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeepSeekTemplate {
    /// DeepSeek-R1: the answer opens with `<think>\n`.
    R1,
    /// DeepSeek-V3.1, non-thinking: assistant text follows `</think>`.
    V3,
}

const BEGIN: &str = "<｜begin▁of▁sentence｜>";
const USER: &str = "<｜User｜>";
const ASSISTANT: &str = "<｜Assistant｜>";
const END: &str = "<｜end▁of▁sentence｜>";

impl DeepSeekTemplate {
    /// The template of model `id`, `None` for an id of no known model.
    pub fn for_model(id: &str) -> Option<Self> {
        if id.starts_with("deepseek.r1") {
            Some(DeepSeekTemplate::R1)
        } else if id.starts_with("deepseek.v3") {
            Some(DeepSeekTemplate::V3)
        } else {
            None
        }
    }

    /// Written after `<｜Assistant｜>` before an earlier answer.
    fn history_prefix(self) -> &'static str {
        match self {
            DeepSeekTemplate::R1 => "",
            DeepSeekTemplate::V3 => "</think>",
        }
    }

    /// Written after the final `<｜Assistant｜>` that asks for the answer.
    fn generation_prefix(self) -> &'static str {
        match self {
            DeepSeekTemplate::R1 => "<think>\n",
            DeepSeekTemplate::V3 => "</think>",
        }
    }

    /// `<｜begin▁of▁sentence｜>{system}`, then `<｜User｜>{text}` and
    /// `<｜Assistant｜>{text}<｜end▁of▁sentence｜>` per turn, then the
    /// assistant's opening. A final assistant turn is left open.
    fn render(self, system: Option<&str>, turns: &[TextTurn]) -> String {
        let system = system.unwrap_or_default();
        let text_len: usize = turns.iter().map(|t| t.text.len()).sum();
        let mut prompt = String::with_capacity(system.len() + text_len + 48 * (turns.len() + 2));
        prompt.push_str(BEGIN);
        prompt.push_str(system);
        for (i, turn) in turns.iter().enumerate() {
            match turn.role {
                // System turns are refused before the body is built
                // (`Codec::SYSTEM_TURNS`).
                Role::User | Role::System => {
                    prompt.push_str(USER);
                    prompt.push_str(&turn.text);
                }
                Role::Assistant => {
                    prompt.push_str(ASSISTANT);
                    prompt.push_str(self.history_prefix());
                    prompt.push_str(&turn.text);
                    if i + 1 < turns.len() {
                        prompt.push_str(END);
                    }
                }
            }
        }
        if turns.last().map(|t| t.role) != Some(Role::Assistant) {
            prompt.push_str(ASSISTANT);
            prompt.push_str(self.generation_prefix());
        }
        prompt
    }
}

/// What may follow the final `<｜Assistant｜>` to ask for the answer: the
/// generation prefixes of both templates, bare or (R1) with its newline.
const GENERATION_PREFIXES: [&str; 4] = ["", "<think>\n", "<think>", "</think>"];

/// The first `<｜User｜>` or `<｜Assistant｜>` in `text`: its offset, role
/// and length.
fn next_marker(text: &str) -> Option<(usize, Role, usize)> {
    let user = text.find(USER).map(|at| (at, Role::User, USER.len()));
    let assistant = text
        .find(ASSISTANT)
        .map(|at| (at, Role::Assistant, ASSISTANT.len()));
    match (user, assistant) {
        (Some(u), Some(a)) => Some(if u.0 < a.0 { u } else { a }),
        (u, a) => u.or(a),
    }
}

/// Reads a prompt back into the system prompt and turns: the inverse of
/// [`DeepSeekTemplate::render`], for either template (an earlier answer
/// loses a leading `</think>`; a final `<｜Assistant｜>` followed by nothing
/// but a generation prefix asks for the answer and is not a turn). `None`
/// when the prompt has no `<｜User｜>` or `<｜Assistant｜>`.
///
/// Lossy where the template is: an empty system prompt reads as none, and a
/// final assistant turn of empty text as the request for an answer.
fn read_prompt(prompt: &str) -> Option<(Option<String>, Vec<TextTurn>)> {
    let body = prompt.strip_prefix(BEGIN).unwrap_or(prompt);
    let (first, mut role, mut skip) = next_marker(body)?;
    let system = (!body[..first].is_empty()).then(|| body[..first].to_string());
    let mut rest = &body[first..];
    let mut turns = Vec::new();
    loop {
        rest = &rest[skip..];
        let next = next_marker(rest);
        let segment = &rest[..next.map_or(rest.len(), |(at, _, _)| at)];
        match role {
            // The markers name only users and the assistant.
            Role::User | Role::System => turns.push(TextTurn {
                role,
                text: segment.to_string(),
            }),
            Role::Assistant => {
                let (text, closed) = match segment.find(END) {
                    Some(at) => (&segment[..at], true),
                    None => (segment, false),
                };
                let asks = next.is_none() && !closed && GENERATION_PREFIXES.contains(&text);
                if !asks {
                    turns.push(TextTurn {
                        role,
                        text: text.strip_prefix("</think>").unwrap_or(text).to_string(),
                    });
                }
            }
        }
        let Some((at, next_role, len)) = next else {
            break;
        };
        rest = &rest[at..];
        role = next_role;
        skip = len;
    }
    Some((system, turns))
}

impl PromptDialect for DeepSeek {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "DeepSeek";
    const LIST_KEY: &'static str = "choices";
    /// R1 closes its reasoning with `</think>`.
    const REASONING_CLOSER: Option<&'static str> = Some(THINK_END);
    type Request = DeepSeekRequest;

    /// The typed request, rendering the conversation with `model`'s
    /// template.
    fn request(&self, req: &PortableRequest, model: &ModelInfo) -> Result<DeepSeekRequest, Error> {
        refuse_tools(NAME, req)?;
        let p = &req.params;
        refuse_top_k(NAME, p)?;
        refuse_stop_sequences_over(NAME, p, MAX_STOP_SEQUENCES)?;
        let template = DeepSeekTemplate::for_model(&model.id).ok_or_else(|| {
            Error::unsupported(NAME, format!("model {} (no known chat template)", model.id))
        })?;
        let conversation = text_conversation(NAME, req, None)?;
        Ok(DeepSeekRequest {
            prompt: template.render(req.system.as_deref(), &conversation.turns),
            temperature: p.temperature,
            top_p: p.top_p,
            max_tokens: p.max_tokens,
            stop: p.stop_list(),
        })
    }

    /// The prompt is read by its markers, whichever model it is sent to; a
    /// prompt with none is one user turn. R1's reasoning is part of the
    /// answer's text, sent as it is.
    fn portable_request(
        &self,
        req: DeepSeekRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let read = read_prompt(&req.prompt);
        let params = InferenceParams {
            max_tokens: req.max_tokens,
            temperature: req.temperature,
            top_p: req.top_p,
            top_k: None,
            stop_sequences: req.stop.unwrap_or_default(),
        };
        prompt_completion::portable_request(NAME, read, req.prompt, params)
    }

    /// R1's reasoning, then `</think>`, then the answer, as R1 writes them
    /// after a prompt that ends by opening its thinking.
    fn answer_text(&self, resp: &PortableResponse) -> String {
        let reasoning: String = resp.reasoning.iter().map(|r| r.visible_text()).collect();
        match reasoning.is_empty() {
            true => resp.text.clone(),
            false => format!("{reasoning}\n{THINK_END}\n\n{}", resp.text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::prompt_completion::PromptCompletion;
    use crate::family::prompt_template::stop_or_length;
    use crate::family::test_support::{
        accumulate, answer, any_tool, assert_reads_back_by_id, assert_refuses, assert_renders_back,
        assert_renders_recording, assert_unreadable_requests, conversation, documented_request,
        model, prompt_with_stops, recorded, recorded_chunks, usage, user_turn,
    };
    use crate::family::ModelFamily;
    use crate::family::RenderContext;
    use crate::portable::PortableResponse;
    use crate::portable::StopReason;
    use crate::portable::{ContentBlock, ImageFormat, Message};
    use serde_json::json;
    use serde_json::Value;

    const R1: &str = "deepseek.r1-v1:0";
    const FAMILY: PromptCompletion<DeepSeek> = PromptCompletion(DeepSeek);
    const V3: &str = "deepseek.v3-v1:0";

    #[test]
    fn r1_renders_system_and_turns_and_opens_thinking() {
        let body = DeepSeek.request(&conversation(), model(R1)).unwrap();
        assert_eq!(
            body.prompt,
            "<｜begin▁of▁sentence｜>Be brief.<｜User｜>Hi<｜Assistant｜>Hello.<｜end▁of▁sentence｜>\
             <｜User｜>Tell me a joke.<｜Assistant｜><think>\n"
        );
    }

    #[test]
    fn v3_answers_without_thinking() {
        let body = DeepSeek
            .request(&conversation().stop_sequence("\n\n"), model(V3))
            .unwrap();
        assert_eq!(
            body.prompt,
            "<｜begin▁of▁sentence｜>Be brief.<｜User｜>Hi<｜Assistant｜></think>Hello.<｜end▁of▁sentence｜>\
             <｜User｜>Tell me a joke.<｜Assistant｜></think>"
        );
        assert_eq!(body.stop, Some(vec!["\n\n".to_string()]));
    }

    #[test]
    fn a_final_assistant_turn_is_continued() {
        let req = PortableRequest::prompt("Count to three.").message(Message::assistant("One,"));
        let body = DeepSeek.request(&req, model(R1)).unwrap();
        assert!(
            body.prompt.ends_with("<｜Assistant｜>One,"),
            "{}",
            body.prompt
        );
    }

    #[test]
    fn refuses_what_deepseek_cannot_express() {
        let image = user_turn(vec![ContentBlock::image(ImageFormat::Jpeg, vec![1])]);
        let tool = any_tool();
        let many_stops = prompt_with_stops(11);
        assert_refuses(
            &FAMILY,
            model(R1),
            [
                (image, "image content"),
                (PortableRequest::prompt("x").tool(tool), "tool use"),
                (PortableRequest::prompt("x").top_k(5), "top_k"),
                (many_stops, "more than 10 stop sequences"),
                (PortableRequest::default(), "no messages"),
            ],
        );
    }

    #[test]
    fn parses_the_recorded_response() {
        let resp = FAMILY.parse(&recorded(NAME)).unwrap();
        assert!(!resp.text.contains("</think>"), "{}", resp.text);
        assert!(resp.text.starts_with("A 'hello world'"), "{}", resp.text);
        assert_eq!(resp.reasoning.len(), 1);
        assert!(!resp.reasoning[0].visible_text().contains("</think>"));
        assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
    }

    #[test]
    fn parses_the_recorded_stream() {
        let resp = accumulate(&FAMILY, recorded_chunks(NAME));
        assert!(resp.text.contains("hello world"), "{}", resp.text);
        assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
        assert_eq!(resp.usage, usage(21, 58));
    }

    #[test]
    fn read_request_inverts_build() {
        assert_reads_back_by_id(
            &FAMILY,
            [
                (
                    conversation()
                        .max_tokens(300)
                        .temperature(0.6)
                        .top_p(0.95)
                        .stop_sequence("\n\n")
                        .stop_sequence("END"),
                    R1,
                ),
                (conversation().max_tokens(10), V3),
                (
                    PortableRequest::prompt("Count to three.").message(Message::assistant("One,")),
                    R1,
                ),
                (
                    PortableRequest::prompt("Count to three.")
                        .system("Be exact.")
                        .message(Message::assistant("One,")),
                    V3,
                ),
                (
                    PortableRequest::prompt("a")
                        .message(Message::user("b"))
                        .message(Message::assistant("c"))
                        .message(Message::assistant("d"))
                        .message(Message::user("")),
                    R1,
                ),
            ],
        );
    }

    #[test]
    fn reads_prompts_not_made_by_the_builder() {
        let model = model(R1);
        let read = |body: Value| FAMILY.read_request(body.to_string().as_bytes(), model);
        assert_eq!(
            read(json!({"prompt": "Plain text."})).unwrap(),
            PortableRequest::prompt("Plain text.")
        );
        assert_eq!(
            read(documented_request(NAME)).unwrap(),
            PortableRequest::prompt("Describe the purpose of a 'hello world' program in one line.")
                .max_tokens(512)
                .temperature(0.5)
                .top_p(0.9)
        );
        // A V3-style prompt sent to R1, with no begin token.
        assert_eq!(
            read(json!({"prompt": "<｜User｜>Hi<｜Assistant｜></think>Yo<｜end▁of▁sentence｜><｜User｜>Joke?<｜Assistant｜></think>"}))
                .unwrap(),
            PortableRequest::prompt("Hi")
                .message(Message::assistant("Yo"))
                .message(Message::user("Joke?"))
        );
        let bad = [json!({"prompt": null}), json!({"prompt": "x", "top_k": 5})];
        assert_unreadable_requests(&FAMILY, model, bad.map(|body| body.to_string()));
    }

    fn ctx() -> RenderContext<'static> {
        crate::family::test_support::ctx(R1)
    }

    #[test]
    fn rendered_responses_and_chunks_parse_back() {
        // DeepSeek's body carries text and `stop`/`length` only: the usage is
        // not sent (a stream's comes from the invocation metrics the caller
        // adds), so these responses have none.
        assert_renders_back(
            &FAMILY,
            &ctx(),
            [answer(
                "The user wants one line on why",
                StopReason::MaxTokens,
                None,
            )],
        );
    }

    /// R1's reasoning is written before `</think>`; a parsed body splits it
    /// off again, a stream keeps the text as it came.
    #[test]
    fn reasoning_is_written_before_the_closing_think_tag() {
        let resp = PortableResponse {
            text: "A 'hello world' program prints a greeting.".into(),
            reasoning: vec![crate::reasoning::Reasoning::text("Short reasoning.", None)],
            stop_reason: Some(StopReason::EndTurn),
            ..Default::default()
        };
        let body = FAMILY.render_response(&resp, &ctx()).unwrap();
        let written = "Short reasoning.\n</think>\n\nA 'hello world' program prints a greeting.";
        assert_eq!(body["choices"][0]["text"], written);
        assert_eq!(FAMILY.parse(body.to_string().as_bytes()).unwrap(), resp);
        let chunks = FAMILY.render_chunks(&resp, &ctx()).unwrap();
        let streamed = accumulate(&FAMILY, chunks.iter().map(|c| c.to_string()));
        assert_eq!(streamed.text, written);
    }

    #[test]
    fn rendered_bodies_have_the_recorded_shape() {
        assert_renders_recording(&FAMILY, &ctx(), "default");
    }

    #[test]
    fn a_malformed_or_empty_body_is_an_error() {
        let err = FAMILY.parse(br#"{"choices":[]}"#).unwrap_err();
        assert!(err.to_string().contains("`choices` is empty"));
        let err = FAMILY.parse(br#"{"generation":"x"}"#).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("deepseek: cannot parse response"));
        assert_eq!(stop_or_length("length"), StopReason::MaxTokens);
        assert_eq!(DeepSeekTemplate::for_model("deepseek.x"), None);
    }
}
