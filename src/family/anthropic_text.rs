//! Anthropic Claude, legacy Text Completions API (`anthropic.claude-v2`,
//! `anthropic.claude-v2:1`, `anthropic.claude-instant-v1`; all past their
//! end of life on Bedrock).
//!
//! Shapes from the AWS user guide page "Anthropic Claude Text Completions
//! API" and Anthropic's legacy Complete API reference: a `prompt` of
//! alternating `\n\nHuman:` / `\n\nAssistant:` turns, `max_tokens_to_sample`
//! required; the response and every stream chunk are
//! `{"completion","stop_reason","stop"}`.

use super::codec::Codec;
use super::model_family::{text_chunks, RenderContext};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, InferenceParams, Message, PortableRequest, PortableResponse, Role, StopReason,
    StreamEvent,
};
use serde::{Deserialize, Serialize};

const NAME: &str = "anthropic_text";

/// `max_tokens_to_sample` used when the portable request sets none: the
/// default the AWS page documents (the field is required on the wire).
pub const DEFAULT_MAX_TOKENS_TO_SAMPLE: u32 = 200;

/// The marker of a human turn.
pub const HUMAN: &str = "\n\nHuman:";

/// The marker of an assistant turn; a prompt ends with it.
pub const ASSISTANT: &str = "\n\nAssistant:";

/// The legacy Claude Text Completions family.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnthropicText;

/// The Text Completions request body as Bedrock takes it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnthropicTextRequest {
    /// The conversation: `\n\nHuman: ...\n\nAssistant:`.
    pub prompt: String,
    /// The most tokens to generate: 0–4096, default 200.
    pub max_tokens_to_sample: u32,
    /// 0–1, default 1.
    pub temperature: Option<f32>,
    /// 0–1, default 1.
    pub top_p: Option<f32>,
    /// 0–500, default 250.
    pub top_k: Option<u32>,
    /// Sequences that stop generation (`\n\nHuman:` is always one).
    pub stop_sequences: Option<Vec<String>>,
}

/// The response body; stream chunks have the same shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnthropicTextResponse {
    /// The generated text (in a chunk, this chunk's piece of it).
    pub completion: String,
    /// `stop_sequence` or `max_tokens`; `null` on all chunks but the last.
    pub stop_reason: Option<String>,
    /// The stop sequence that matched, if any.
    pub stop: Option<String>,
}

/// Maps Claude's stop reason. The model ends its turn by producing
/// `\n\nHuman:`, which the API reports as `stop_sequence` with that `stop`:
/// that is the end of the turn, not a caller's stop sequence.
pub(crate) fn stop_reason(reason: &str, stop: Option<&str>) -> StopReason {
    match (reason, stop) {
        ("stop_sequence", None) => StopReason::EndTurn,
        ("stop_sequence", Some(s)) if s == HUMAN || s.trim() == "Human:" => StopReason::EndTurn,
        ("stop_sequence", Some(_)) => StopReason::StopSequence,
        ("max_tokens", _) => StopReason::MaxTokens,
        (other, _) => StopReason::Other(other.to_string()),
    }
}

/// Renders the conversation: the system prompt (if any) before the first
/// `\n\nHuman:`, then one marker per turn, ending with `\n\nAssistant:` for
/// the model to continue (or with the assistant's partial turn, which the
/// model then completes).
fn prompt(req: &PortableRequest) -> Result<String, Error> {
    let first = req
        .messages
        .first()
        .ok_or_else(|| Error::unsupported(NAME, "a request with no messages"))?;
    if first.role != Role::User {
        return Err(Error::unsupported(
            NAME,
            "a conversation that starts with an assistant turn",
        ));
    }
    let mut text = req.system.clone().unwrap_or_default();
    for turn in &req.messages {
        if turn
            .content
            .iter()
            .any(|b| !matches!(b, ContentBlock::Text(_)))
        {
            return Err(Error::unsupported(NAME, "non-text content"));
        }
        text.push_str(match turn.role {
            // System turns are refused before the body is built
            // (`Codec::SYSTEM_TURNS`).
            Role::User | Role::System => HUMAN,
            Role::Assistant => ASSISTANT,
        });
        text.push(' ');
        text.push_str(&turn.text());
    }
    if req.messages.last().map(|t| t.role) == Some(Role::User) {
        text.push_str(ASSISTANT);
    }
    Ok(text)
}

/// Reads a prompt back into the system prompt and turns: the text before
/// the first `\n\nHuman:` is the system prompt, each marker starts a turn
/// (one space after the marker is the builder's and is dropped), and a
/// final bare `\n\nAssistant:` is the cue for the model, not a turn. A
/// prompt without markers is one user turn; a prompt that starts with
/// `Human:` (no blank line before it) is read as if it had one.
fn read_prompt(prompt: &str) -> (Option<String>, Vec<Message>) {
    let normalised;
    let prompt = if prompt.starts_with("Human:") {
        normalised = format!("\n\n{prompt}");
        normalised.as_str()
    } else {
        prompt
    };
    let Some(first) = prompt.find(HUMAN) else {
        return match prompt.find(ASSISTANT) {
            // An assistant marker with no human one: the text before it is
            // the user's.
            Some(_) => {
                let (_, turns) = read_prompt(&format!("{HUMAN} {prompt}"));
                (None, turns)
            }
            None => (None, vec![Message::user(prompt)]),
        };
    };
    let system = (!prompt[..first].is_empty()).then(|| prompt[..first].to_string());
    let mut turns = Vec::new();
    let mut rest = &prompt[first..];
    while !rest.is_empty() {
        let (role, marker) = if rest.starts_with(HUMAN) {
            (Role::User, HUMAN)
        } else {
            (Role::Assistant, ASSISTANT)
        };
        let body = &rest[marker.len()..];
        let end = [body.find(HUMAN), body.find(ASSISTANT)]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(body.len());
        let raw = &body[..end];
        rest = &body[end..];
        if role == Role::Assistant && raw.is_empty() && rest.is_empty() {
            break;
        }
        let text = raw.strip_prefix(' ').unwrap_or(raw);
        turns.push(Message {
            role,
            content: vec![ContentBlock::Text(text.to_string())],
        });
    }
    (system, turns)
}

/// Claude's `stop_reason` and `stop` for a portable stop reason. The end of
/// the turn is the model producing `\n\nHuman:`. A caller's stop sequence
/// is reported with an empty `stop`: the portable response does not say
/// which sequence matched.
fn stop_fields(reason: Option<&StopReason>) -> (String, Option<String>) {
    match reason {
        Some(StopReason::MaxTokens) => ("max_tokens".into(), None),
        Some(StopReason::StopSequence) => ("stop_sequence".into(), Some(String::new())),
        Some(StopReason::Other(other)) => (other.clone(), None),
        _ => ("stop_sequence".into(), Some(HUMAN.into())),
    }
}

impl Codec for AnthropicText {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Anthropic Claude (Text Completions, legacy)";
    type Request = AnthropicTextRequest;
    type Response = AnthropicTextResponse;
    type Chunk = AnthropicTextResponse;

    /// `max_tokens_to_sample` defaults to [`DEFAULT_MAX_TOKENS_TO_SAMPLE`].
    fn request(&self, req: &PortableRequest, _: &ModelInfo) -> Result<AnthropicTextRequest, Error> {
        if !req.tools.is_empty() || req.tool_choice.is_some() || req.has_tool_blocks() {
            return Err(Error::unsupported(NAME, "tool use"));
        }
        if req.has_images() {
            return Err(Error::unsupported(NAME, "image content"));
        }
        let p = &req.params;
        Ok(AnthropicTextRequest {
            prompt: prompt(req)?,
            max_tokens_to_sample: p.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS_TO_SAMPLE),
            temperature: p.temperature,
            top_p: p.top_p,
            top_k: p.top_k,
            stop_sequences: p.stop_list(),
        })
    }

    fn portable_request(
        &self,
        req: AnthropicTextRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let (system, messages) = read_prompt(&req.prompt);
        Ok(PortableRequest {
            system,
            messages,
            params: InferenceParams {
                max_tokens: Some(req.max_tokens_to_sample),
                temperature: req.temperature,
                top_p: req.top_p,
                top_k: req.top_k,
                stop_sequences: req.stop_sequences.unwrap_or_default(),
            },
            ..Default::default()
        })
    }

    fn portable(&self, resp: AnthropicTextResponse) -> Result<PortableResponse, Error> {
        Ok(PortableResponse {
            stop_reason: resp
                .stop_reason
                .as_deref()
                .map(|r| stop_reason(r, resp.stop.as_deref())),
            text: resp.completion,
            ..Default::default()
        })
    }

    /// The body has no token counts (Bedrock sends them only in headers),
    /// so `resp.usage` is not rendered.
    fn native(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<AnthropicTextResponse, Error> {
        let (stop_reason, stop) = stop_fields(resp.stop_reason.as_ref());
        Ok(AnthropicTextResponse {
            completion: resp.text.clone(),
            stop_reason: Some(stop_reason),
            stop,
        })
    }

    /// One chunk per piece of text, `stop_reason` and `stop` on the last;
    /// token counts travel only in the invocation metrics.
    fn native_chunks(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<Vec<AnthropicTextResponse>, Error> {
        let (stop_reason, stop) = stop_fields(resp.stop_reason.as_ref());
        Ok(text_chunks(&resp.text, |piece, at| AnthropicTextResponse {
            completion: piece.to_string(),
            stop_reason: at.last.then(|| stop_reason.clone()),
            stop: if at.last { stop.clone() } else { None },
        }))
    }

    fn chunk(
        &self,
        chunk: AnthropicTextResponse,
        acc: &mut StreamAccumulator,
    ) -> Result<(), Error> {
        if !chunk.completion.is_empty() {
            acc.push(StreamEvent::TextDelta {
                index: 0,
                text: chunk.completion,
            });
        }
        if let Some(reason) = chunk.stop_reason {
            acc.push(StreamEvent::Stop(stop_reason(
                &reason,
                chunk.stop.as_deref(),
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::test_support::{
        accumulate, answer, assert_reads_back, assert_recorded_turn, assert_refuses,
        assert_streams_back_with_metrics, assert_unreadable_requests, chunk_error, keys, model,
        recorded, recorded_chunks, usage,
    };
    use crate::family::ModelFamily;
    use crate::portable::{ImageFormat, Message, ToolSpec};
    use serde_json::json;
    use serde_json::Value;

    fn ctx() -> RenderContext<'static> {
        crate::family::test_support::ctx(CLAUDE_V2)
    }

    const CLAUDE_V2: &str = "anthropic.claude-v2";

    #[test]
    fn max_tokens_to_sample_defaults_to_the_documented_value() {
        let body = AnthropicText
            .request(&PortableRequest::prompt("Hi"), model(CLAUDE_V2))
            .unwrap();
        assert_eq!(body.max_tokens_to_sample, 200);
        assert_eq!(body.prompt, "\n\nHuman: Hi\n\nAssistant:");
    }

    #[test]
    fn renders_system_and_turns_in_human_assistant_form() {
        let req = PortableRequest::prompt("Hi")
            .system("You are terse.")
            .message(Message::assistant("Hello."))
            .message(Message::user("Tell me a joke."))
            .top_k(250)
            .stop_sequence("END");
        let body = AnthropicText.request(&req, model(CLAUDE_V2)).unwrap();
        assert_eq!(
            body.prompt,
            "You are terse.\n\nHuman: Hi\n\nAssistant: Hello.\n\nHuman: Tell me a joke.\n\nAssistant:"
        );
        assert_eq!(body.top_k, Some(250));
        assert_eq!(body.stop_sequences, Some(vec!["END".to_string()]));
    }

    #[test]
    fn an_assistant_last_turn_is_a_prefill() {
        let req = PortableRequest::prompt("Count to three.").message(Message::assistant("One,"));
        let body = AnthropicText.request(&req, model(CLAUDE_V2)).unwrap();
        assert_eq!(body.prompt, "\n\nHuman: Count to three.\n\nAssistant: One,");
    }

    #[test]
    fn refuses_what_text_completions_cannot_express() {
        let model = model("anthropic.claude-v2:1");
        let image = PortableRequest::default().message(Message {
            role: Role::User,
            content: vec![ContentBlock::image(ImageFormat::Png, vec![1])],
        });
        let tool = PortableRequest::prompt("x").tool(ToolSpec::new("t", json!({"type": "object"})));
        assert_refuses(
            &AnthropicText,
            model,
            [
                (image, "image content"),
                (tool, "tool use"),
                (PortableRequest::default(), "no messages"),
                (
                    PortableRequest::default().message(Message::assistant("x")),
                    "starts with an assistant turn",
                ),
            ],
        );
    }

    #[test]
    fn parses_the_recorded_response() {
        assert_recorded_turn(&AnthropicText, "gravity", None);
    }

    #[test]
    fn stop_reasons_distinguish_the_turn_end_from_a_callers_sequence() {
        assert_eq!(
            stop_reason("stop_sequence", Some("\n\nHuman:")),
            StopReason::EndTurn
        );
        assert_eq!(
            stop_reason("stop_sequence", Some("END")),
            StopReason::StopSequence
        );
        assert_eq!(stop_reason("max_tokens", None), StopReason::MaxTokens);
        let body = br#"{"completion":" One, two","stop_reason":"max_tokens","stop":null}"#;
        assert_eq!(
            AnthropicText.parse(body).unwrap().stop_reason,
            Some(StopReason::MaxTokens)
        );
    }

    #[test]
    fn parses_the_recorded_stream() {
        let resp = accumulate(&AnthropicText, recorded_chunks(NAME));
        assert_eq!(
            resp.text,
            " A black hole is a place where gravity pulls so hard that nothing, not even light, can get out."
        );
        assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
        assert_eq!(resp.usage, usage(19, 24));
    }

    #[test]
    fn a_malformed_body_is_an_error() {
        let err = AnthropicText
            .parse(br#"{"stop_reason":"max_tokens"}"#)
            .unwrap_err();
        assert!(err
            .to_string()
            .starts_with("anthropic_text: cannot parse response"));
        let err = chunk_error(&AnthropicText, b"not json");
        assert!(err.starts_with("anthropic_text: "), "{err}");
    }

    #[test]
    fn read_request_inverts_build() {
        let model = model(CLAUDE_V2);
        assert_reads_back(
            &AnthropicText,
            model,
            [
                PortableRequest::prompt("explain black holes to 8th graders")
                    .max_tokens(300)
                    .temperature(0.1)
                    .top_p(0.9),
                PortableRequest::prompt("Hi\n\nthere")
                    .system("You are terse.\nVery terse.")
                    .message(Message::assistant("Hello."))
                    .message(Message::user("Tell me a joke."))
                    .max_tokens(50)
                    .temperature(0.3)
                    .top_p(0.8)
                    .top_k(250)
                    .stop_sequence("END")
                    .stop_sequence("\n\nHuman:"),
                PortableRequest::prompt("Count to three.")
                    .message(Message::assistant("One,"))
                    .max_tokens(10),
                PortableRequest::prompt("Say nothing.")
                    .message(Message::assistant(""))
                    .max_tokens(1),
            ],
        );
        // The builder's default max_tokens_to_sample reads back as set.
        let body = AnthropicText
            .build_bytes(&PortableRequest::prompt("Hi"), model)
            .unwrap();
        assert_eq!(
            AnthropicText.read_request(&body, model).unwrap(),
            PortableRequest::prompt("Hi").max_tokens(DEFAULT_MAX_TOKENS_TO_SAMPLE)
        );
    }

    #[test]
    fn reads_prompts_the_builder_did_not_write() {
        let model = model(CLAUDE_V2);
        let read = |prompt: &str| {
            let body = json!({"prompt": prompt, "max_tokens_to_sample": 5}).to_string();
            AnthropicText.read_request(body.as_bytes(), model).unwrap()
        };
        assert_eq!(
            read("Just a question").messages,
            vec![Message::user("Just a question")]
        );
        assert_eq!(
            read("Human:Hi\n\nAssistant:").messages,
            vec![Message::user("Hi")]
        );
        assert_eq!(
            read("What is 2+2?\n\nAssistant:").messages,
            vec![Message::user("What is 2+2?")]
        );
        let req = read("Be kind.\n\nHuman:  two spaces\n\nAssistant:");
        assert_eq!(req.system.as_deref(), Some("Be kind."));
        assert_eq!(req.messages, vec![Message::user(" two spaces")]);
        assert_unreadable_requests(
            &AnthropicText,
            model,
            [
                &b"{}"[..],
                b"not json",
                br#"{"prompt":"x","max_tokens_to_sample":1,"model":"m"}"#,
            ],
        );
    }

    /// The body and the chunks carry no token counts (Bedrock sends them in
    /// headers and in the invocation metrics), so `usage` comes back only
    /// through the metrics merged into the last chunk.
    #[test]
    fn rendered_responses_and_chunks_parse_back() {
        let answers = [
            answer(
                " A black hole is a place where gravity pulls so hard.",
                StopReason::EndTurn,
                None,
            ),
            answer(" One, two, three, four", StopReason::MaxTokens, None),
            answer(
                " Up to the very last word of it",
                StopReason::StopSequence,
                None,
            ),
        ];
        let mut wire = [
            (json!("stop_sequence"), json!("\n\nHuman:")),
            (json!("max_tokens"), Value::Null),
            (json!("stop_sequence"), json!("")),
        ]
        .into_iter();
        let tokens = usage(19, 24).unwrap();
        let check = |_: &PortableResponse, body: &Value, chunks: &[Value]| {
            let (wire_reason, wire_stop) = wire.next().unwrap();
            assert_eq!(body["stop_reason"], wire_reason);
            assert_eq!(body["stop"], wire_stop);
            assert!(chunks.len() > 1);
            assert!(chunks[..chunks.len() - 1]
                .iter()
                .all(|c| c["stop_reason"].is_null() && c["stop"].is_null()));
        };
        assert_streams_back_with_metrics(&AnthropicText, &ctx(), answers, (tokens, 0), check);
    }

    #[test]
    fn rendered_bodies_have_the_recorded_keys() {
        let invoke: Value = serde_json::from_slice(&recorded(NAME)).unwrap();
        let resp = AnthropicText.parse(&recorded(NAME)).unwrap();
        let body = AnthropicText.render_response(&resp, &ctx()).unwrap();
        assert_eq!(keys(&body), keys(&invoke));
        assert_eq!(body, invoke);
        let chunk: Value = serde_json::from_slice(&recorded_chunks(NAME)[0]).unwrap();
        for rendered in AnthropicText.render_chunks(&resp, &ctx()).unwrap() {
            assert_eq!(keys(&rendered), keys(&chunk));
        }
    }
}
