//! Amazon Titan Text (`amazon.titan-text-lite-v1`, `-express-v1`,
//! `-premier-v1:0`): `inputText` plus an optional `textGenerationConfig`.
//!
//! Shapes from the AWS user guide page "Amazon Titan Text models" and
//! captured traffic (which shows `FINISH` where the page says `FINISHED`).

use super::codec::{first_entry, Codec};
use super::model_family::{text_chunks, RenderContext};
use super::refusals::{refuse_chat_features, refuse_top_k};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, InferenceParams, Message, PortableRequest, PortableResponse, Role, StopReason,
    StreamEvent, Usage,
};
use serde::{Deserialize, Serialize};

const NAME: &str = "titan_text";

/// The Amazon Titan Text family.
#[derive(Debug, Clone, Copy, Default)]
pub struct TitanText;

/// Titan Text's InvokeModel request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TitanTextRequest {
    /// The prompt; conversations are written `User: ...\nBot:`.
    pub input_text: String,
    /// Inference parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_generation_config: Option<TitanTextGenerationConfig>,
}

/// Titan Text's `textGenerationConfig`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TitanTextGenerationConfig {
    /// 0–1, default 0.7.
    pub temperature: Option<f32>,
    /// 0–1, default 0.9.
    pub top_p: Option<f32>,
    /// Default 512; at most 4096 (Lite), 8192 (Express), 3072 (Premier).
    pub max_token_count: Option<u32>,
    /// Stop sequences.
    pub stop_sequences: Option<Vec<String>>,
}

/// Titan Text's InvokeModel response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TitanTextResponse {
    /// Tokens in the prompt.
    pub input_text_token_count: u32,
    /// One result.
    pub results: Vec<TitanTextResult>,
}

/// One entry of `results`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TitanTextResult {
    /// Tokens generated.
    pub token_count: u32,
    /// The generated text.
    pub output_text: String,
    /// `FINISH`/`FINISHED`, `LENGTH`, `STOP_CRITERIA_MET`, `CONTENT_FILTERED`, ...
    pub completion_reason: Option<String>,
}

/// One chunk of Titan Text's response stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TitanTextChunk {
    /// The text of this chunk.
    pub output_text: String,
    /// The result's index (always 0).
    #[serde(default)]
    pub index: u32,
    /// Tokens generated so far, on the last chunk.
    pub total_output_text_token_count: Option<u32>,
    /// Why generation stopped, on the last chunk.
    pub completion_reason: Option<String>,
    /// Tokens in the prompt, on the first chunk.
    pub input_text_token_count: Option<u32>,
}

/// Maps Titan's completion reason; both `FINISH` and `FINISHED` are seen.
pub(crate) fn stop_reason(reason: &str) -> StopReason {
    match reason {
        "FINISH" | "FINISHED" => StopReason::EndTurn,
        "LENGTH" => StopReason::MaxTokens,
        "STOP_CRITERIA_MET" => StopReason::StopSequence,
        "CONTENT_FILTERED" => StopReason::ContentFiltered,
        other => StopReason::Other(other.to_string()),
    }
}

/// Titan's completion reason for a portable stop reason.
fn completion_reason(reason: Option<&StopReason>) -> String {
    match reason {
        Some(StopReason::MaxTokens) => "LENGTH".into(),
        Some(StopReason::StopSequence) => "STOP_CRITERIA_MET".into(),
        Some(StopReason::ContentFiltered) => "CONTENT_FILTERED".into(),
        Some(StopReason::Other(other)) => other.clone(),
        _ => "FINISH".into(),
    }
}

/// Reads `inputText` back into turns: the `User: ...\nBot: ...` form when
/// it starts with `User: `, otherwise one user turn.
fn turns(input: &str) -> Vec<Message> {
    if !input.starts_with("User: ") {
        return vec![Message::user(input)];
    }
    let mut out: Vec<Message> = Vec::new();
    for line in input.split('\n') {
        let (role, text) = if let Some(t) = line.strip_prefix("User: ") {
            (Role::User, t)
        } else if let Some(t) = line.strip_prefix("Bot: ") {
            (Role::Assistant, t)
        } else if line == "Bot:" {
            continue;
        } else {
            if let Some(last) = out.last_mut() {
                if let Some(ContentBlock::Text(t)) = last.content.last_mut() {
                    t.push('\n');
                    t.push_str(line);
                }
            }
            continue;
        };
        out.push(Message {
            role,
            content: vec![ContentBlock::Text(text.to_string())],
        });
    }
    out
}

/// One user turn is sent as it is; a conversation in Titan's
/// `User: ...\nBot: ...` form, ending with `Bot:` for the model to continue.
fn input_text(req: &PortableRequest) -> Result<String, Error> {
    match req.messages.as_slice() {
        [] => Err(Error::unsupported(NAME, "a request with no messages")),
        [only] if only.role == Role::User => Ok(only.text()),
        turns => {
            let mut text = String::new();
            for turn in turns {
                let speaker = match turn.role {
                    // System turns are refused before the body is built
                    // (`Codec::SYSTEM_TURNS`).
                    Role::User | Role::System => "User",
                    Role::Assistant => "Bot",
                };
                if turn
                    .content
                    .iter()
                    .any(|b| !matches!(b, ContentBlock::Text(_)))
                {
                    return Err(Error::unsupported(NAME, "non-text content"));
                }
                text.push_str(speaker);
                text.push_str(": ");
                text.push_str(&turn.text());
                text.push('\n');
            }
            if turns.last().map(|t| t.role) == Some(Role::User) {
                text.push_str("Bot:");
            } else {
                text.pop();
            }
            Ok(text)
        }
    }
}

impl Codec for TitanText {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Amazon Titan Text";
    type Request = TitanTextRequest;
    type Response = TitanTextResponse;
    type Chunk = TitanTextChunk;

    fn request(&self, req: &PortableRequest, _: &ModelInfo) -> Result<TitanTextRequest, Error> {
        refuse_chat_features(NAME, req)?;
        refuse_top_k(NAME, &req.params)?;
        let p = &req.params;
        let config = TitanTextGenerationConfig {
            temperature: p.temperature,
            top_p: p.top_p,
            max_token_count: p.max_tokens,
            stop_sequences: p.stop_list(),
        };
        Ok(TitanTextRequest {
            input_text: input_text(req)?,
            text_generation_config: (config != TitanTextGenerationConfig::default())
                .then_some(config),
        })
    }

    fn portable_request(
        &self,
        req: TitanTextRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let config = req.text_generation_config.unwrap_or_default();
        Ok(PortableRequest {
            messages: turns(&req.input_text),
            params: InferenceParams {
                max_tokens: config.max_token_count,
                temperature: config.temperature,
                top_p: config.top_p,
                top_k: None,
                stop_sequences: config.stop_sequences.unwrap_or_default(),
            },
            ..Default::default()
        })
    }

    fn portable(&self, resp: TitanTextResponse) -> Result<PortableResponse, Error> {
        let first = first_entry(NAME, "results", resp.results)?;
        Ok(PortableResponse {
            text: first.output_text,
            stop_reason: first.completion_reason.as_deref().map(stop_reason),
            usage: Some(Usage {
                input_tokens: resp.input_text_token_count,
                output_tokens: first.token_count,
            }),
            ..Default::default()
        })
    }

    fn native(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<TitanTextResponse, Error> {
        let usage = resp.usage.unwrap_or_default();
        Ok(TitanTextResponse {
            input_text_token_count: usage.input_tokens,
            results: vec![TitanTextResult {
                token_count: usage.output_tokens,
                output_text: resp.text.clone(),
                completion_reason: Some(completion_reason(resp.stop_reason.as_ref())),
            }],
        })
    }

    fn native_chunks(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<Vec<TitanTextChunk>, Error> {
        let usage = resp.usage.unwrap_or_default();
        Ok(text_chunks(&resp.text, |piece, at| TitanTextChunk {
            output_text: piece.to_string(),
            index: 0,
            total_output_text_token_count: at.last.then_some(usage.output_tokens),
            completion_reason: at
                .last
                .then(|| completion_reason(resp.stop_reason.as_ref())),
            input_text_token_count: at.first.then_some(usage.input_tokens),
        }))
    }

    fn chunk(&self, chunk: TitanTextChunk, acc: &mut StreamAccumulator) -> Result<(), Error> {
        if !chunk.output_text.is_empty() {
            acc.push(StreamEvent::TextDelta {
                index: chunk.index,
                text: chunk.output_text,
            });
        }
        if chunk.input_text_token_count.is_some() || chunk.total_output_text_token_count.is_some() {
            acc.push(StreamEvent::Usage(Usage {
                input_tokens: chunk.input_text_token_count.unwrap_or(0),
                output_tokens: chunk.total_output_text_token_count.unwrap_or(0),
            }));
        }
        if let Some(reason) = chunk.completion_reason {
            acc.push(StreamEvent::Stop(stop_reason(&reason)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::test_support::{
        answer, assert_reads_back, assert_recorded_turn, assert_refuses, assert_streams_back, ctx,
        model, usage,
    };
    use crate::family::ModelFamily;
    use crate::portable::Message;
    use serde_json::json;

    #[test]
    fn conversations_use_the_user_bot_form() {
        let req = PortableRequest::prompt("Hi")
            .message(Message::assistant("Hello."))
            .message(Message::user("Tell me a joke."));
        let body = TitanText
            .request(&req, model("amazon.titan-text-express-v1"))
            .unwrap();
        assert_eq!(
            body.input_text,
            "User: Hi\nBot: Hello.\nUser: Tell me a joke.\nBot:"
        );
        assert_eq!(body.text_generation_config, None);
    }

    #[test]
    fn refuses_what_titan_cannot_express() {
        let model = model("amazon.titan-text-lite-v1");
        assert_refuses(
            &TitanText,
            model,
            [
                (PortableRequest::prompt("x").system("s"), "system prompt"),
                (PortableRequest::prompt("x").top_k(5), "top_k"),
                (PortableRequest::default(), "no messages"),
            ],
        );
    }

    #[test]
    fn parses_the_recorded_response() {
        assert_recorded_turn(&TitanText, "superposition", usage(9, 51));
    }

    #[test]
    fn both_finish_spellings_end_the_turn() {
        for reason in ["FINISH", "FINISHED"] {
            let body = json!({"inputTextTokenCount": 1, "results": [{"tokenCount": 1, "outputText": "x", "completionReason": reason}]});
            let resp = TitanText.parse(body.to_string().as_bytes()).unwrap();
            assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
        }
        assert_eq!(stop_reason("LENGTH"), StopReason::MaxTokens);
    }

    #[test]
    fn parses_the_recorded_stream() {
        let mut acc = StreamAccumulator::new();
        for chunk in crate::family::test_support::recorded_chunks(NAME) {
            acc.feed(&TitanText, &chunk).unwrap();
        }
        let events = acc.drain();
        assert!(matches!(
            events.first(),
            Some(StreamEvent::TextDelta { .. })
        ));
        let resp = acc.finish().unwrap();
        assert!(resp.text.contains("superposition"));
        assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
        assert!(resp.metrics.is_some());
    }

    #[test]
    fn read_request_inverts_build() {
        let model = model("amazon.titan-text-express-v1");
        assert_reads_back(
            &TitanText,
            model,
            [
                PortableRequest::prompt("Explain quantum physics.")
                    .max_tokens(512)
                    .temperature(0.5),
                PortableRequest::prompt("Hi")
                    .message(Message::assistant("Hello."))
                    .message(Message::user("Joke?"))
                    .top_p(0.9)
                    .stop_sequence("User:"),
            ],
        );
    }

    #[test]
    fn rendered_responses_and_chunks_parse_back() {
        let resp = answer(
            "Quantum physics is the study of the very small.",
            StopReason::MaxTokens,
            usage(7, 11),
        );
        let ctx = ctx("amazon.titan-text-lite-v1");
        assert_streams_back(&TitanText, &ctx, [resp], |_, body, chunks| {
            assert_eq!(body["results"][0]["completionReason"], "LENGTH");
            assert!(chunks.len() > 1);
        });
    }

    #[test]
    fn a_response_without_results_is_an_error() {
        let err = TitanText
            .parse(br#"{"inputTextTokenCount":1,"results":[]}"#)
            .unwrap_err();
        assert!(err.to_string().contains("`results` is empty"));
    }
}
