//! Writer Palmyra X4 and X5 (`writer.palmyra-x4-v1:0`,
//! `writer.palmyra-x5-v1:0`; served only through inference profiles such as
//! `us.writer.palmyra-x5-v1:0`).
//!
//! Shapes from the AWS user guide pages "Writer Palmyra X4" / "Writer
//! Palmyra X5": a chat body (`messages` plus `temperature`, `top_p`,
//! `max_tokens`, `min_tokens`, `stop`, `seed`, `presence_penalty`,
//! `frequency_penalty`) answered by a `chat.completion` object. The page's
//! example writes a message's content as `{"text": ...}`; the builder sends
//! the plain string Writer's chat API takes. Stream chunks are
//! `chat.completion.chunk` objects and the stream ends with a chunk whose
//! bytes are `[DONE]`, which is accepted as a no-op. Choices carrying `text`
//! instead of `message`/`delta` are read too.

use super::chat_completions::{ChatDialect, ChatParts, ChatStyle, OpenAiMessage};
use super::refusals::{refuse_stop_sequences_over, refuse_top_k};
use crate::error::Error;
use crate::family::model_family::RenderContext;
use crate::model_info::ModelInfo;
use crate::portable::{InferenceParams, PortableRequest};
use serde::{Deserialize, Serialize};

const NAME: &str = "palmyra";

/// The most stop sequences the models take.
pub const MAX_STOP_SEQUENCES: usize = 4;

/// The Writer Palmyra family.
#[derive(Debug, Clone, Copy, Default)]
pub struct Palmyra;

/// The request body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PalmyraRequest {
    /// The conversation (`system`, `user`, `assistant` messages).
    pub messages: Vec<OpenAiMessage>,
    /// 0–2, default 1.
    pub temperature: Option<f32>,
    /// Above 0, at most 1; default 1.
    pub top_p: Option<f32>,
    /// 1–8192, default 16 (the builder sends it only when the portable
    /// request sets it).
    pub max_tokens: Option<u32>,
    /// The fewest tokens to generate before stopping, default 0.
    pub min_tokens: Option<u32>,
    /// At most [`MAX_STOP_SEQUENCES`] stop sequences.
    pub stop: Option<Vec<String>>,
    /// The random seed.
    pub seed: Option<i64>,
    /// -2–2, default 0.
    pub presence_penalty: Option<f32>,
    /// -2–2, default 0.
    pub frequency_penalty: Option<f32>,
}

impl ChatDialect for Palmyra {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Writer Palmyra";
    /// The message has `reasoning_content` (always `null`: the portable
    /// response has no reasoning apart from the text); the stream ends with
    /// the `[DONE]` marker (a JSON string here), so the invocation metrics
    /// belong on the chunk before it.
    const STYLE: ChatStyle = ChatStyle {
        done_marker: true,
        reasoning_content: true,
        reasoning_tags: false,
        ..ChatStyle::OPENAI
    };
    type Request = PalmyraRequest;

    fn check(&self, req: &PortableRequest, _model: &ModelInfo) -> Result<(), Error> {
        if !req.tools.is_empty() || req.tool_choice.is_some() || req.has_tool_blocks() {
            return Err(Error::unsupported(NAME, "tool use"));
        }
        let p = &req.params;
        refuse_top_k(NAME, p)?;
        refuse_stop_sequences_over(NAME, p, MAX_STOP_SEQUENCES)?;
        Ok(())
    }

    fn body(&self, chat: ChatParts, _model: &ModelInfo) -> Result<PalmyraRequest, Error> {
        let p = chat.params;
        Ok(PalmyraRequest {
            messages: chat.messages,
            temperature: p.temperature,
            top_p: p.top_p,
            max_tokens: p.max_tokens,
            stop: (!p.stop_sequences.is_empty()).then_some(p.stop_sequences),
            ..Default::default()
        })
    }

    /// `min_tokens`, `seed` and the penalties have no portable place. The
    /// AWS page's `{"text": ...}` contents read as their text.
    fn parts(&self, req: PalmyraRequest) -> Result<ChatParts, Error> {
        Ok(ChatParts {
            messages: req.messages,
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

    /// `chatcmpl-` and the 32 hex digits of the response id.
    fn completion_id(&self, ctx: &RenderContext<'_>) -> Option<String> {
        Some(format!("chatcmpl-{}", ctx.response_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accumulator::StreamAccumulator;
    use crate::family::test_support::{
        assert_reads_back, assert_recorded_turn, assert_refuses, assert_streams_back_with_metrics,
        assert_unreadable_requests, call, keys, model, prompt_with_stops, recorded,
        recorded_chunk_values, recorded_chunks, text_answers, tool_answer, usage,
    };
    use crate::family::ModelFamily;
    use crate::portable::PortableResponse;
    use crate::portable::{ContentBlock, Message, Role, StopReason, ToolChoice, Usage};
    use serde_json::json;
    use serde_json::Value;

    const X5: &str = "writer.palmyra-x5-v1:0";

    fn ctx() -> RenderContext<'static> {
        crate::family::test_support::ctx(X5)
    }

    #[test]
    fn renders_system_and_turns_as_chat_messages() {
        let req = PortableRequest::prompt("Hi")
            .system("Be brief.")
            .message(Message::assistant("Hello."))
            .message(Message::user("Summarise our chat."))
            .stop_sequence("END");
        let body = Palmyra
            .build(&req, model("writer.palmyra-x4-v1:0"))
            .unwrap();
        assert_eq!(
            body,
            json!({
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": "Hi"},
                    {"role": "assistant", "content": "Hello."},
                    {"role": "user", "content": "Summarise our chat."}
                ],
                "stop": ["END"]
            })
        );
    }

    #[test]
    fn refuses_what_the_invoke_body_cannot_express() {
        let model = model(X5);
        let many_stops = prompt_with_stops(5);
        let tool_turn = PortableRequest::prompt("x").message(Message::new(
            Role::Assistant,
            vec![ContentBlock::tool_use("c", "f", json!({}))],
        ));
        assert_refuses(
            &Palmyra,
            model,
            [
                (PortableRequest::prompt("x").top_k(3), "top_k"),
                (
                    PortableRequest::prompt("x").tool_choice(ToolChoice::Auto),
                    "tool use",
                ),
                (tool_turn, "tool use"),
                (many_stops, "more than 4 stop sequences"),
                (PortableRequest::default(), "no messages"),
            ],
        );
    }

    #[test]
    fn parses_the_recorded_response() {
        let phrase = "Quantum computing harnesses";
        let resp = assert_recorded_turn(&Palmyra, phrase, usage(11, 58));
        assert!(resp.text.starts_with(phrase), "{}", resp.text);
    }

    #[test]
    fn reads_the_completion_shape_too() {
        let body = br#"{"choices":[{"index":0,"text":"Hello there.","finish_reason":"length"}]}"#;
        let resp = Palmyra.parse(body).unwrap();
        assert_eq!(resp.text, "Hello there.");
        assert_eq!(resp.stop_reason, Some(StopReason::MaxTokens));
        let mut acc = StreamAccumulator::new();
        Palmyra
            .parse_chunk(br#"{"choices":[{"index":0,"text":"Hi"}]}"#, &mut acc)
            .unwrap();
        assert_eq!(acc.finish().unwrap().text, "Hi");
    }

    #[test]
    fn parses_the_recorded_stream_ending_in_done() {
        let chunks = recorded_chunks(NAME);
        assert_eq!(chunks.last().map(Vec::as_slice), Some(&b"\"[DONE]\""[..]));
        let mut acc = StreamAccumulator::new();
        for chunk in chunks {
            acc.feed(&Palmyra, &chunk).unwrap();
        }
        acc.feed(&Palmyra, b"[DONE]").unwrap();
        let resp = acc.finish().unwrap();
        assert_eq!(
            resp.text,
            "Quantum computers use qubits, which can be 0 and 1 at once."
        );
        assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
        assert_eq!(resp.usage.unwrap().output_tokens, 16);
        assert!(resp.metrics.is_some());
    }

    #[test]
    fn malformed_bodies_are_errors() {
        let err = Palmyra
            .parse(br#"{"choices":[{"index":0,"finish_reason":"stop"}]}"#)
            .unwrap_err();
        assert!(err.to_string().contains("neither `message` nor `text`"));
        let err = Palmyra.parse(b"[DONE]").unwrap_err();
        assert!(err
            .to_string()
            .starts_with("palmyra: cannot parse response"));
        assert!(Palmyra
            .parse_chunk(b"[DON", &mut StreamAccumulator::new())
            .is_err());
    }

    #[test]
    fn read_request_inverts_build() {
        let model = model(X5);
        assert_reads_back(
            &Palmyra,
            model,
            [
                PortableRequest::prompt("Explain quantum computing in simple terms")
                    .max_tokens(512)
                    .temperature(0.5),
                PortableRequest::prompt("Hi")
                    .system("Be brief.")
                    .message(Message::assistant("Hello."))
                    .message(Message::user("Summarise our chat."))
                    .max_tokens(100)
                    .temperature(1.2)
                    .top_p(0.9)
                    .stop_sequence("END")
                    .stop_sequence("\n\n"),
            ],
        );
    }

    #[test]
    fn reads_the_documented_text_objects_and_refuses_odd_bodies() {
        let model = model(X5);
        let body = json!({
            "messages": [
                {"role": "system", "content": {"text": "Be brief."}},
                {"role": "user", "content": {"text": "Explain quantum computing"}}
            ],
            "max_tokens": 512, "min_tokens": 10, "seed": 7, "presence_penalty": 0.5
        });
        let req = Palmyra
            .read_request(body.to_string().as_bytes(), model)
            .unwrap();
        assert_eq!(
            req,
            PortableRequest::prompt("Explain quantum computing")
                .system("Be brief.")
                .max_tokens(512)
        );
        assert_unreadable_requests(
            &Palmyra,
            model,
            [
                json!({"messages": [{"role": "user", "content": {"text": 3}}]}),
                json!({"messages": [{"role": "narrator", "content": "x"}]}),
                json!({"prompt": "x"}),
            ]
            .map(|b| b.to_string()),
        );
        assert!(Palmyra.read_request(b"[DONE]", model).is_err());
    }

    /// The stream sends no token counts: usage comes back from the
    /// invocation metrics, which ride on the chunk before `[DONE]`.
    #[test]
    fn rendered_responses_and_chunks_parse_back() {
        let tokens = Usage {
            input_tokens: 11,
            output_tokens: 16,
        };
        let [whole, cut] = text_answers(
            "Quantum computers use qubits, which can be 0 and 1 at once.",
            "Quantum computers use qubits, which",
            Some(tokens),
        );
        let search = call("call_1", "search", json!({"q": "qubits"}));
        let answers = [whole, cut, tool_answer("", vec![search], Some(tokens))];
        let check = |_: &PortableResponse, body: &Value, chunks: &[Value]| {
            assert_eq!(body["id"], "chatcmpl-0123456789abcdef0123456789abcdef");
            assert_eq!(body["model"], X5);
            assert_eq!(chunks.last(), Some(&json!("[DONE]")));
        };
        // The metrics go on the last chunk before `[DONE]`.
        assert_streams_back_with_metrics(&Palmyra, &ctx(), answers, (tokens, 1), check);
    }

    #[test]
    fn rendered_bodies_have_the_recorded_keys() {
        let invoke: Value = serde_json::from_slice(&recorded(NAME)).unwrap();
        let resp = Palmyra.parse(&recorded(NAME)).unwrap();
        let body = Palmyra.render_response(&resp, &ctx()).unwrap();
        assert_eq!(keys(&body), keys(&invoke));
        assert_eq!(keys(&body["choices"][0]), keys(&invoke["choices"][0]));
        assert_eq!(
            body["choices"][0]["message"],
            invoke["choices"][0]["message"]
        );
        assert_eq!(body["usage"], invoke["usage"]);

        let recorded: Vec<Value> = recorded_chunk_values(NAME, "default");
        let rendered = Palmyra.render_chunks(&resp, &ctx()).unwrap();
        assert_eq!(rendered.last(), recorded.last());
        for chunk in &rendered[..rendered.len() - 1] {
            assert_eq!(keys(chunk), keys(&recorded[0]));
        }
        assert_eq!(rendered[0]["choices"], recorded[0]["choices"]);
    }
}
