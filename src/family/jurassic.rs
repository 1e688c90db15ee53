//! Legacy AI21 Labs Jurassic-2 (`ai21.j2-mid-v1`, `ai21.j2-ultra-v1`):
//! AI21's Complete body, one `prompt` and camelCase sampling parameters;
//! no chat, no system prompt, no tools, no streaming.
//!
//! Shapes from the AWS user guide page "AI21 Labs Jurassic-2 models" and
//! AI21's J2 Complete API reference (`completions[].data.text`,
//! `finishReason.reason`, tokenised prompt and completion).

use super::codec::{first_entry, Codec, NoStream};
use super::model_family::RenderContext;
use super::refusals::{refuse_chat_features, refuse_top_k, single_user_text};
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    InferenceParams, Message, PortableRequest, PortableResponse, StopReason, Usage,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

const NAME: &str = "jurassic";

/// The AI21 Jurassic-2 family.
#[derive(Debug, Clone, Copy, Default)]
pub struct Jurassic;

/// The Jurassic-2 InvokeModel request body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JurassicRequest {
    /// The text to continue.
    pub prompt: String,
    /// 0–1, default 0.5.
    pub temperature: Option<f32>,
    /// 0–1, default 0.5.
    pub top_p: Option<f32>,
    /// 0–8191, default 200.
    pub max_tokens: Option<u32>,
    /// Sequences that stop generation.
    pub stop_sequences: Option<Vec<String>>,
    /// Penalty proportional to how often a token appeared (scale 0–1).
    pub count_penalty: Option<JurassicPenalty>,
    /// Penalty for tokens that appeared at all (scale 0–5).
    pub presence_penalty: Option<JurassicPenalty>,
    /// Penalty by token frequency (scale 0–500).
    pub frequency_penalty: Option<JurassicPenalty>,
}

/// A penalty and the kinds of token it applies to (all by default).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JurassicPenalty {
    /// The strength.
    pub scale: f32,
    /// Apply to whitespace tokens.
    pub apply_to_whitespaces: Option<bool>,
    /// Apply to punctuation.
    pub apply_to_punctuations: Option<bool>,
    /// Apply to numbers.
    pub apply_to_numbers: Option<bool>,
    /// Apply to stop words.
    pub apply_to_stopwords: Option<bool>,
    /// Apply to emojis.
    pub apply_to_emojis: Option<bool>,
}

/// The Jurassic-2 InvokeModel response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JurassicResponse {
    /// The request's id (a number on Bedrock, a string at AI21).
    pub id: Option<Value>,
    /// The prompt, tokenised.
    pub prompt: Option<JurassicText>,
    /// One completion per result.
    pub completions: Vec<JurassicCompletion>,
}

/// A text and its tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JurassicText {
    /// The text.
    pub text: String,
    /// Its tokens: `{"generatedToken": {...}, "topTokens": ..., "textRange": {...}}`.
    pub tokens: Option<Vec<Value>>,
}

/// One completion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JurassicCompletion {
    /// The generated text and its tokens.
    pub data: JurassicText,
    /// Why generation stopped.
    pub finish_reason: Option<JurassicFinishReason>,
}

/// `finishReason`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JurassicFinishReason {
    /// `endoftext`, `length` or `stop`.
    pub reason: String,
    /// The token limit, with `length`.
    pub length: Option<u32>,
    /// The stop sequence, with `stop`.
    pub sequence: Option<String>,
}

/// Maps Jurassic's finish reason.
pub(crate) fn stop_reason(reason: &str) -> StopReason {
    match reason {
        "endoftext" => StopReason::EndTurn,
        "length" => StopReason::MaxTokens,
        "stop" => StopReason::StopSequence,
        other => StopReason::Other(other.to_string()),
    }
}

/// Jurassic's `finishReason` for a portable stop reason and the number of
/// tokens generated (the limit, when it was reached). The matched stop
/// sequence is not known, so `stop` carries no `sequence`.
fn finish_reason(reason: Option<&StopReason>, generated: u32) -> JurassicFinishReason {
    let (reason, length) = match reason {
        Some(StopReason::MaxTokens) => ("length", Some(generated)),
        Some(StopReason::StopSequence) => ("stop", None),
        Some(StopReason::Other(other)) => (other.as_str(), None),
        _ => ("endoftext", None),
    };
    JurassicFinishReason {
        reason: reason.to_string(),
        length,
        sequence: None,
    }
}

/// `text` cut into `count` tokens of about equal length (some empty when
/// there are more tokens than characters), in AI21's token form: `▁` for a
/// space, `<|newline|>` for a line break, a character `textRange`. The body
/// counts tokens only by these lists, so their lengths carry the usage.
fn tokens(text: &str, count: u32) -> Vec<Value> {
    let chars: Vec<char> = text.chars().collect();
    let count = count as usize;
    (0..count)
        .map(|i| {
            let (start, end) = (i * chars.len() / count, (i + 1) * chars.len() / count);
            let token: String = chars[start..end]
                .iter()
                .map(|c| match c {
                    ' ' => "▁".to_string(),
                    '\n' => "<|newline|>".to_string(),
                    c => c.to_string(),
                })
                .collect();
            json!({
                "generatedToken": {"token": token, "logprob": 0.0, "raw_logprob": 0.0},
                "topTokens": null,
                "textRange": {"start": start, "end": end},
            })
        })
        .collect()
}

impl Codec for Jurassic {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "AI21 Labs Jurassic-2 (legacy)";
    const IDENTITY: &'static [&'static str] = &["/id"];
    type Request = JurassicRequest;
    type Response = JurassicResponse;
    type Chunk = NoStream;

    /// A single user turn.
    fn request(&self, req: &PortableRequest, _model: &ModelInfo) -> Result<JurassicRequest, Error> {
        refuse_chat_features(NAME, req)?;
        refuse_top_k(NAME, &req.params)?;
        let prompt = single_user_text(NAME, req)?;
        let p = &req.params;
        Ok(JurassicRequest {
            prompt,
            temperature: p.temperature,
            top_p: p.top_p,
            max_tokens: p.max_tokens,
            stop_sequences: p.stop_list(),
            ..Default::default()
        })
    }

    /// The portable form has no penalties.
    fn portable_request(
        &self,
        req: JurassicRequest,
        _model: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        Ok(PortableRequest {
            messages: vec![Message::user(req.prompt)],
            params: InferenceParams {
                max_tokens: req.max_tokens,
                temperature: req.temperature,
                top_p: req.top_p,
                top_k: None,
                stop_sequences: req.stop_sequences.unwrap_or_default(),
            },
            ..Default::default()
        })
    }

    /// Reads the first completion; usage counts the prompt's and the
    /// completion's tokens where the body lists them.
    fn portable(&self, resp: JurassicResponse) -> Result<PortableResponse, Error> {
        let first = first_entry(NAME, "completions", &resp.completions)?;
        let prompt_tokens = resp.prompt.as_ref().and_then(|p| p.tokens.as_ref());
        let usage = match (prompt_tokens, first.data.tokens.as_ref()) {
            (Some(input), Some(output)) => Some(Usage {
                input_tokens: input.len() as u32,
                output_tokens: output.len() as u32,
            }),
            _ => None,
        };
        Ok(PortableResponse {
            text: first.data.text.clone(),
            stop_reason: first.finish_reason.as_ref().map(|f| stop_reason(&f.reason)),
            usage,
            ..Default::default()
        })
    }

    /// The id is a number, as on Bedrock. The prompt's text (the request's,
    /// not known here) is empty; its token list has `input_tokens` entries,
    /// the completion's `output_tokens`, with zero log-probabilities.
    fn native(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<JurassicResponse, Error> {
        let usage = resp.usage.unwrap_or_default();
        let id = ctx
            .response_id
            .get(..8)
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .unwrap_or(0);
        Ok(JurassicResponse {
            id: Some(id.into()),
            prompt: Some(JurassicText {
                text: String::new(),
                tokens: Some(tokens("", usage.input_tokens)),
            }),
            completions: vec![JurassicCompletion {
                data: JurassicText {
                    text: resp.text.clone(),
                    tokens: Some(tokens(&resp.text, usage.output_tokens)),
                },
                finish_reason: Some(finish_reason(
                    resp.stop_reason.as_ref(),
                    usage.output_tokens,
                )),
            }],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::test_support::{
        assert_reads_back, assert_recorded_turn, assert_refuses, assert_streaming_refused,
        assert_unreadable_requests, keys, model, recorded, usage,
    };
    use crate::family::ModelFamily;
    use crate::portable::Message;
    use serde_json::json;

    const MID: &str = "ai21.j2-mid-v1";

    #[test]
    fn stop_sequences_use_camel_case() {
        let req = PortableRequest::prompt("x").stop_sequence("##");
        let body = Jurassic.build(&req, model("ai21.j2-ultra-v1")).unwrap();
        assert_eq!(body, json!({"prompt": "x", "stopSequences": ["##"]}));
    }

    #[test]
    fn refuses_what_jurassic_cannot_express() {
        assert_refuses(
            &Jurassic,
            model(MID),
            [
                (PortableRequest::prompt("x").system("s"), "system prompt"),
                (PortableRequest::prompt("x").top_k(5), "top_k"),
                (PortableRequest::default(), "no messages"),
                (
                    PortableRequest::prompt("x").message(Message::assistant("y")),
                    "multi-turn conversation",
                ),
            ],
        );
    }

    #[test]
    fn parses_the_recorded_response() {
        assert_recorded_turn(&Jurassic, "Amazon Bedrock", usage(4, 5));
    }

    #[test]
    fn finish_reasons_map_and_token_lists_are_optional() {
        let body = br#"{"id":7,"completions":[{"data":{"text":"x"},"finishReason":{"reason":"length","length":200}}]}"#;
        let resp = Jurassic.parse(body).unwrap();
        assert_eq!(resp.stop_reason, Some(StopReason::MaxTokens));
        assert_eq!(resp.usage, None);
        assert_eq!(stop_reason("stop"), StopReason::StopSequence);
    }

    fn ctx() -> RenderContext<'static> {
        crate::family::test_support::ctx(MID)
    }

    #[test]
    fn read_request_inverts_build() {
        let model = model(MID);
        assert_reads_back(
            &Jurassic,
            model,
            [
                PortableRequest::prompt("Translate to Spanish: 'Amazon Bedrock'.")
                    .max_tokens(200)
                    .temperature(0.5)
                    .top_p(0.5),
                PortableRequest::prompt("Write a list:\n1.")
                    .stop_sequence("##")
                    .stop_sequence("\n\n"),
            ],
        );
        let body = br#"{"prompt": "x", "countPenalty": {"scale": 0.5}}"#;
        assert_eq!(
            Jurassic.read_request(body, model).unwrap(),
            PortableRequest::prompt("x")
        );
        assert_unreadable_requests(&Jurassic, model, [br#"{"prompt": "x", "top_k": 1}"#]);
    }

    #[test]
    fn rendered_responses_parse_back() {
        // Usage travels as token-list lengths, so an answer without usage
        // would read back as zero counts; these all have usage.
        let answer = |text: &str, reason: StopReason, output_tokens: u32| PortableResponse {
            text: text.into(),
            stop_reason: Some(reason),
            usage: Some(Usage {
                input_tokens: 4,
                output_tokens,
            }),
            ..Default::default()
        };
        for resp in [
            answer("\nAmazon Bedrock says hello.", StopReason::EndTurn, 5),
            answer("\nAmazon Bedrock", StopReason::MaxTokens, 2),
            answer("Hi", StopReason::StopSequence, 5),
            answer("", StopReason::EndTurn, 0),
        ] {
            let body = Jurassic.render_response(&resp, &ctx()).unwrap();
            assert_eq!(body["id"], 0x0123_4567);
            assert_eq!(Jurassic.parse(body.to_string().as_bytes()).unwrap(), resp);
        }
        let body = Jurassic
            .render_response(&answer("a b", StopReason::MaxTokens, 2), &ctx())
            .unwrap();
        assert_eq!(
            body["completions"][0]["finishReason"],
            json!({"reason": "length", "length": 2})
        );
        let tokens = &body["completions"][0]["data"]["tokens"];
        assert_eq!(tokens[0]["generatedToken"]["token"], "a");
        assert_eq!(tokens[1]["generatedToken"]["token"], "▁b");
        assert_eq!(tokens[1]["textRange"], json!({"start": 1, "end": 3}));
    }

    #[test]
    fn rendered_bodies_have_the_recorded_keys() {
        let recorded_body: Value = serde_json::from_slice(&recorded(NAME)).unwrap();
        let resp = Jurassic.parse(&recorded(NAME)).unwrap();
        let body = Jurassic.render_response(&resp, &ctx()).unwrap();
        assert_eq!(keys(&body), keys(&recorded_body));
        assert_eq!(keys(&body["prompt"]), keys(&recorded_body["prompt"]));
        let (completion, want) = (&body["completions"][0], &recorded_body["completions"][0]);
        assert_eq!(keys(completion), keys(want));
        assert_eq!(keys(&completion["data"]), keys(&want["data"]));
        assert_eq!(completion["finishReason"], want["finishReason"]);
        let (token, want_token) = (&completion["data"]["tokens"][0], &want["data"]["tokens"][0]);
        assert_eq!(keys(token), keys(want_token));
        assert_eq!(
            keys(&token["generatedToken"]),
            keys(&want_token["generatedToken"])
        );
        assert_eq!(completion["data"]["text"], want["data"]["text"]);
    }

    #[test]
    fn a_malformed_body_is_an_error_and_streaming_is_refused() {
        let err = Jurassic.parse(br#"{"completions":[]}"#).unwrap_err();
        assert!(err.to_string().contains("`completions` is empty"));
        assert!(Jurassic
            .parse(br#"{"completions":[{"text":"x"}]}"#)
            .is_err());
        assert_streaming_refused(&Jurassic);
    }
}
