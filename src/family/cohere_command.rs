//! Legacy Cohere Command (`cohere.command-text-v14`,
//! `cohere.command-light-text-v14`): Cohere's Generate body, one `prompt`
//! and its sampling parameters; no chat, no system prompt, no tools.
//!
//! Shapes from the AWS user guide page "Cohere Command models" and AWS's SDK
//! code examples. With `"stream": true` the chunks are Cohere Generate
//! stream pieces (`{"text", "is_finished"}`, the last with `finish_reason`
//! and the whole `response`); without it Bedrock sends the whole response
//! as one chunk. Both are read.

use super::codec::{first_entry, Codec};
use super::cohere_finish::FinishReasons;
use super::ids::{second_uuid, uuid};
use super::model_family::{text_pieces, RenderContext};
use super::refusals::{refuse_chat_features, single_user_text};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    InferenceParams, Message, PortableRequest, PortableResponse, StopReason, StreamEvent,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const NAME: &str = "cohere_command";

/// The legacy Cohere Command family.
#[derive(Debug, Clone, Copy, Default)]
pub struct CohereCommand;

/// The Command InvokeModel request body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CohereCommandRequest {
    /// The text to continue.
    pub prompt: String,
    /// 0–5, default 0.9.
    pub temperature: Option<f32>,
    /// Top-p, 0–1, default 0.75.
    pub p: Option<f32>,
    /// Top-k, 0–500, default 0 (off).
    pub k: Option<u32>,
    /// 1–4096, default 20.
    pub max_tokens: Option<u32>,
    /// Up to four sequences that stop generation.
    pub stop_sequences: Option<Vec<String>>,
    /// `GENERATION`, `ALL` or `NONE` (default).
    pub return_likelihoods: Option<String>,
    /// `true` to stream the answer piece by piece.
    pub stream: Option<bool>,
    /// 1–5 generations, default 1.
    pub num_generations: Option<u32>,
    /// Token id (as a string key) to a bias in -10–10.
    pub logit_bias: Option<BTreeMap<String, f32>>,
    /// `NONE`, `START` or `END` (default).
    pub truncate: Option<String>,
}

/// The Command InvokeModel response body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohereCommandResponse {
    /// One entry per generation.
    pub generations: Vec<CohereGeneration>,
    /// The request's id.
    pub id: Option<String>,
    /// The prompt as sent.
    pub prompt: Option<String>,
}

/// One generation, its members in the order Bedrock sends them.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohereGeneration {
    /// `COMPLETE`, `MAX_TOKENS`, `ERROR` or `ERROR_TOXIC`.
    pub finish_reason: Option<String>,
    /// The generation's id.
    pub id: Option<String>,
    /// The generated text.
    pub text: String,
    /// The mean token likelihood (with `return_likelihoods`).
    pub likelihood: Option<f64>,
    /// Per-token likelihoods (with `return_likelihoods`).
    pub token_likelihoods: Option<Vec<CohereTokenLikelihood>>,
    /// Whether more pieces follow (streaming only).
    pub is_finished: Option<bool>,
    /// Which generation a streamed piece belongs to (with `num_generations` > 1).
    pub index: Option<u32>,
}

/// One entry of `token_likelihoods`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohereTokenLikelihood {
    /// The token.
    pub token: String,
    /// Its likelihood.
    pub likelihood: f64,
}

/// One chunk of the response stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CohereCommandChunk {
    /// Without `"stream": true`: the whole response in one chunk.
    Whole(CohereCommandResponse),
    /// With `"stream": true`: a piece of a generation.
    Piece(CohereCommandPiece),
}

/// A streamed piece of a generation.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohereCommandPiece {
    /// The text of this piece.
    pub text: Option<String>,
    /// `true` on the last chunk.
    pub is_finished: bool,
    /// Why generation stopped, on the last chunk.
    pub finish_reason: Option<String>,
    /// Which generation the piece belongs to (with `num_generations` > 1).
    pub index: Option<u32>,
    /// The whole response, on the last chunk.
    pub response: Option<CohereCommandResponse>,
}

/// Command's finish reasons: a stop sequence ends a generation as
/// `COMPLETE`.
const FINISH: FinishReasons = FinishReasons {
    stop_sequence: false,
};

/// Maps Command's finish reason.
pub(crate) fn stop_reason(reason: &str) -> StopReason {
    FINISH.stop_reason(reason)
}

impl Codec for CohereCommand {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Cohere Command (legacy)";
    const IDENTITY: &'static [&'static str] = &["/id"];
    type Request = CohereCommandRequest;
    type Response = CohereCommandResponse;
    type Chunk = CohereCommandChunk;

    /// The typed request from a single user turn.
    fn request(&self, req: &PortableRequest, _: &ModelInfo) -> Result<CohereCommandRequest, Error> {
        refuse_chat_features(NAME, req)?;
        let prompt = single_user_text(NAME, req)?;
        let p = &req.params;
        Ok(CohereCommandRequest {
            prompt,
            temperature: p.temperature,
            p: p.top_p,
            k: p.top_k,
            max_tokens: p.max_tokens,
            stop_sequences: p.stop_list(),
            ..Default::default()
        })
    }

    fn portable_request(
        &self,
        req: CohereCommandRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        Ok(PortableRequest {
            messages: vec![Message::user(req.prompt)],
            params: InferenceParams {
                max_tokens: req.max_tokens,
                temperature: req.temperature,
                top_p: req.p,
                top_k: req.k,
                stop_sequences: req.stop_sequences.unwrap_or_default(),
            },
            ..Default::default()
        })
    }

    /// Reads the first generation (the portable response has one text).
    fn portable(&self, resp: CohereCommandResponse) -> Result<PortableResponse, Error> {
        let first = first_entry(NAME, "generations", resp.generations)?;
        Ok(PortableResponse {
            stop_reason: first.finish_reason.as_deref().map(stop_reason),
            text: first.text,
            ..Default::default()
        })
    }

    /// One generation. The body carries no token counts, and its `prompt`
    /// (the request's, not known here) is empty.
    fn native(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<CohereCommandResponse, Error> {
        Ok(CohereCommandResponse {
            generations: vec![CohereGeneration {
                finish_reason: Some(FINISH.name(resp.stop_reason.as_ref()).to_string()),
                id: Some(second_uuid(ctx.response_id)),
                text: resp.text.clone(),
                likelihood: None,
                token_likelihoods: None,
                is_finished: None,
                index: None,
            }],
            id: Some(uuid(ctx.response_id)),
            prompt: Some(String::new()),
        })
    }

    /// The `"stream": true` form: text pieces, then a finished chunk with
    /// the finish reason and the whole response. (Without that flag Bedrock
    /// sends the whole response as one chunk; the request is not known here.)
    fn native_chunks(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Vec<CohereCommandChunk>, Error> {
        let piece = |text: Option<String>, is_finished: bool| CohereCommandPiece {
            text,
            is_finished,
            finish_reason: None,
            index: None,
            response: None,
        };
        let mut chunks: Vec<CohereCommandChunk> = text_pieces(&resp.text)
            .into_iter()
            .filter(|text| !text.is_empty())
            .map(|text| CohereCommandChunk::Piece(piece(Some(text.to_string()), false)))
            .collect();
        chunks.push(CohereCommandChunk::Piece(CohereCommandPiece {
            finish_reason: Some(FINISH.name(resp.stop_reason.as_ref()).to_string()),
            response: Some(self.native(resp, ctx)?),
            ..piece(None, true)
        }));
        Ok(chunks)
    }

    /// Pushes the pieces of the first generation; the token counts come
    /// from Bedrock's invocation metrics.
    fn chunk(&self, chunk: CohereCommandChunk, acc: &mut StreamAccumulator) -> Result<(), Error> {
        match chunk {
            CohereCommandChunk::Whole(resp) => {
                if let Some(first) = resp.generations.into_iter().next() {
                    if !first.text.is_empty() {
                        acc.push(StreamEvent::TextDelta {
                            index: 0,
                            text: first.text,
                        });
                    }
                    if let Some(reason) = first.finish_reason {
                        acc.push(StreamEvent::Stop(stop_reason(&reason)));
                    }
                }
            }
            CohereCommandChunk::Piece(piece) => {
                if piece.index.unwrap_or(0) != 0 {
                    return Ok(());
                }
                if let Some(text) = piece.text.filter(|t| !t.is_empty()) {
                    acc.push(StreamEvent::TextDelta { index: 0, text });
                }
                if let Some(reason) = piece.finish_reason {
                    acc.push(StreamEvent::Stop(stop_reason(&reason)));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::test_support::{
        accumulate, any_tool, assert_reads_back, assert_recorded_turn, assert_refuses,
        assert_streams_back, assert_unreadable_requests, keys, model, recorded,
        recorded_chunk_values, recorded_chunks, recorded_chunks_in, text_answers,
    };
    use crate::family::ModelFamily;
    use crate::portable::Message;
    use serde_json::{json, Value};

    const COMMAND: &str = "cohere.command-text-v14";

    #[test]
    fn sampling_parameters_use_cohere_names() {
        let req = PortableRequest::prompt("x")
            .top_p(0.5)
            .top_k(40)
            .stop_sequence("--");
        let body = CohereCommand
            .build(&req, model("cohere.command-light-text-v14"))
            .unwrap();
        assert_eq!(
            body,
            json!({"prompt": "x", "p": 0.5, "k": 40, "stop_sequences": ["--"]})
        );
    }

    #[test]
    fn refuses_what_command_cannot_express() {
        let tool = any_tool();
        assert_refuses(
            &CohereCommand,
            model(COMMAND),
            [
                (PortableRequest::prompt("x").system("s"), "system prompt"),
                (PortableRequest::prompt("x").tool(tool), "tool use"),
                (PortableRequest::default(), "no messages"),
                (
                    PortableRequest::prompt("x")
                        .message(Message::assistant("y"))
                        .message(Message::user("z")),
                    "multi-turn conversation",
                ),
            ],
        );
    }

    #[test]
    fn parses_the_recorded_response() {
        assert_recorded_turn(&CohereCommand, "hello world", None);
    }

    #[test]
    fn parses_the_recorded_stream_in_both_forms() {
        for chunks in [
            recorded_chunks(NAME),
            recorded_chunks_in(NAME, "single_chunk"),
        ] {
            let resp = accumulate(&CohereCommand, chunks);
            assert!(resp.text.contains("hello world"), "{}", resp.text);
            assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
            let usage = resp.usage.unwrap();
            assert!(usage.input_tokens > 0 && usage.output_tokens > 0);
            assert!(resp.metrics.is_some());
        }
    }

    #[test]
    fn pieces_of_other_generations_are_skipped() {
        let mut acc = StreamAccumulator::new();
        CohereCommand
            .parse_chunk(
                br#"{"text":" other","is_finished":false,"index":1}"#,
                &mut acc,
            )
            .unwrap();
        CohereCommand
            .parse_chunk(
                br#"{"text":" mine","is_finished":false,"index":0}"#,
                &mut acc,
            )
            .unwrap();
        assert_eq!(acc.finish().unwrap().text, " mine");
        assert_eq!(stop_reason("MAX_TOKENS"), StopReason::MaxTokens);
    }

    fn ctx() -> RenderContext<'static> {
        crate::family::test_support::ctx(COMMAND)
    }

    #[test]
    fn read_request_inverts_build() {
        let model = model(COMMAND);
        assert_reads_back(
            &CohereCommand,
            model,
            [
                PortableRequest::prompt("Describe a hello world program.")
                    .max_tokens(512)
                    .temperature(0.5),
                PortableRequest::prompt("Write a haiku.\nAbout the sea.")
                    .top_p(0.75)
                    .top_k(40)
                    .stop_sequence("--")
                    .stop_sequence("##"),
            ],
        );
        // Options the portable form lacks are read past.
        let body = br#"{"prompt": "x", "num_generations": 2, "stream": true, "return_likelihoods": "NONE"}"#;
        assert_eq!(
            CohereCommand.read_request(body, model).unwrap(),
            PortableRequest::prompt("x")
        );
        assert_unreadable_requests(&CohereCommand, model, [br#"{"prompt": "x", "nope": 1}"#]);
    }

    #[test]
    fn rendered_responses_and_chunks_parse_back() {
        // The body carries no token counts (the stream's come from Bedrock's
        // metrics, which the caller adds), so the answers have no usage.
        let answers = text_answers(
            " A hello world program proves a language's tools are set up.",
            " A hello world",
            None,
        );
        assert_streams_back(&CohereCommand, &ctx(), answers, |_, body, chunks| {
            assert_eq!(body["id"], "01234567-89ab-cdef-0123-456789abcdef");
            assert!(chunks.len() > 1);
        });
    }

    #[test]
    fn rendered_bodies_and_chunks_have_the_recorded_keys() {
        let resp = CohereCommand.parse(&recorded(NAME)).unwrap();
        let recorded_body: Value = serde_json::from_slice(&recorded(NAME)).unwrap();
        let body = CohereCommand.render_response(&resp, &ctx()).unwrap();
        assert_eq!(keys(&body), keys(&recorded_body));
        assert_eq!(
            keys(&body["generations"][0]),
            keys(&recorded_body["generations"][0])
        );
        let recorded_chunks: Vec<Value> = recorded_chunk_values(NAME, "default");
        let chunks = CohereCommand.render_chunks(&resp, &ctx()).unwrap();
        for (chunk, like) in [
            (&chunks[0], &recorded_chunks[0]),
            (chunks.last().unwrap(), recorded_chunks.last().unwrap()),
        ] {
            let want = keys(like);
            assert_eq!(keys(chunk), want, "{chunk}");
        }
        assert_eq!(
            keys(&chunks.last().unwrap()["response"]),
            keys(&recorded_chunks.last().unwrap()["response"])
        );
    }

    #[test]
    fn a_malformed_body_is_an_error() {
        let err = CohereCommand
            .parse(br#"{"generations":[],"id":"x"}"#)
            .unwrap_err();
        assert!(err.to_string().contains("`generations` is empty"));
        assert!(CohereCommand.parse(br#"{"text":"x"}"#).is_err());
        assert!(CohereCommand
            .parse_chunk(br#"{"text":"x"}"#, &mut StreamAccumulator::new())
            .is_err());
    }
}
