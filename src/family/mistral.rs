//! Mistral AI text completion (`mistral.mistral-7b-instruct-v0:2`,
//! `mistral.mixtral-8x7b-instruct-v0:1`, `mistral.mistral-large-2402-v1:0`,
//! `mistral.mistral-small-2402-v1:0`): one `prompt` in the
//! `<s>[INST] ... [/INST]` instruct format plus sampling parameters.
//!
//! Shapes from the AWS user guide page "Mistral AI text completion" and
//! captured traffic (stream chunks carry the response's shape, with
//! `stop_reason` null until the last).

use super::prompt_completion::{self, PromptDialect};
use super::prompt_template::{
    parse_inst, refuse_tools, render_inst, text_conversation, MistralRequest, MISTRAL_INST,
};
use super::refusals::refuse_stop_sequences_over;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{InferenceParams, PortableRequest};

const NAME: &str = "mistral";

/// The most stop sequences Bedrock accepts.
pub const MAX_STOP_SEQUENCES: usize = 10;

/// The Mistral AI text-completion dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mistral;

impl PromptDialect for Mistral {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Mistral AI (text completion)";
    const LIST_KEY: &'static str = "outputs";
    type Request = MistralRequest;

    /// The typed request. The system prompt is folded into the first
    /// user turn, as Mistral's own instruct template does.
    fn request(&self, req: &PortableRequest, _: &ModelInfo) -> Result<MistralRequest, Error> {
        refuse_tools(NAME, req)?;
        let p = &req.params;
        refuse_stop_sequences_over(NAME, p, MAX_STOP_SEQUENCES)?;
        let mut turns = text_conversation(NAME, req, None)?.turns;
        if let (Some(system), Some(first)) = (&req.system, turns.first_mut()) {
            first.text = format!("{system}\n\n{}", first.text);
        }
        Ok(MistralRequest {
            prompt: render_inst(NAME, &turns, MISTRAL_INST)?,
            max_tokens: p.max_tokens,
            stop: p.stop_list(),
            temperature: p.temperature,
            top_p: p.top_p,
            top_k: p.top_k,
        })
    }

    /// The prompt is read back into `[INST]` exchanges (one user turn when it
    /// has none). The system prompt cannot be told from the first user
    /// turn it was folded into, so it stays there: `system` reads as `None`.
    fn portable_request(
        &self,
        req: MistralRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let read = parse_inst(&req.prompt, MISTRAL_INST).map(|turns| (None, turns));
        let params = InferenceParams {
            max_tokens: req.max_tokens,
            temperature: req.temperature,
            top_p: req.top_p,
            top_k: req.top_k,
            stop_sequences: req.stop.unwrap_or_default(),
        };
        prompt_completion::portable_request(NAME, read, req.prompt, params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::prompt_completion::PromptCompletion;
    use crate::family::prompt_template::stop_or_length;
    use crate::family::test_support::{
        accumulate, answer, assert_reads_back, assert_recorded_turn, assert_refuses,
        assert_renders_back, assert_renders_recording, assert_unreadable_requests,
        documented_request, model, prompt_with_stops, recorded_chunks, text_answers, usage,
        user_turn,
    };
    use crate::family::ModelFamily;
    use crate::family::RenderContext;
    use crate::portable::StopReason;
    use crate::portable::{ContentBlock, ImageFormat, Message, ToolChoice};
    use serde_json::json;
    use serde_json::Value;

    const MISTRAL_7B: &str = "mistral.mistral-7b-instruct-v0:2";
    const FAMILY: PromptCompletion<Mistral> = PromptCompletion(Mistral);

    #[test]
    fn conversations_use_the_instruct_format_with_the_system_prompt_folded_in() {
        let req = PortableRequest::prompt("Hi")
            .system("Be brief.")
            .message(Message::assistant("Hello."))
            .message(Message::user("Tell me a joke."))
            .top_k(50)
            .stop_sequence("</s>");
        let body = Mistral.request(&req, model(MISTRAL_7B)).unwrap();
        assert_eq!(
            body.prompt,
            "<s>[INST] Be brief.\n\nHi [/INST]Hello.</s>[INST] Tell me a joke. [/INST]"
        );
        assert_eq!(body.top_k, Some(50));
        assert_eq!(body.stop, Some(vec!["</s>".to_string()]));
    }

    #[test]
    fn refuses_what_mistral_cannot_express() {
        let image = user_turn(vec![ContentBlock::image(ImageFormat::Png, vec![1])]);
        let many_stops = prompt_with_stops(11);
        let two_users = PortableRequest::prompt("a").message(Message::user("b"));
        assert_refuses(
            &FAMILY,
            model(MISTRAL_7B),
            [
                (image, "image content"),
                (
                    PortableRequest::prompt("x").tool_choice(ToolChoice::Auto),
                    "tool use",
                ),
                (many_stops, "more than 10 stop sequences"),
                (two_users, "alternate"),
                (PortableRequest::default(), "no messages"),
            ],
        );
    }

    #[test]
    fn parses_the_recorded_response() {
        assert_recorded_turn(&FAMILY, "hello world", None);
    }

    #[test]
    fn parses_the_recorded_stream() {
        let resp = accumulate(&FAMILY, recorded_chunks(NAME));
        assert!(resp.text.contains("hello world"), "{}", resp.text);
        assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
        assert_eq!(resp.usage, usage(21, 24));
    }

    #[test]
    fn read_request_inverts_build() {
        let model = model(MISTRAL_7B);
        assert_reads_back(
            &FAMILY,
            model,
            [
                PortableRequest::prompt("Hi")
                    .message(Message::assistant("Hello."))
                    .message(Message::user("Tell me a joke."))
                    .max_tokens(200)
                    .temperature(0.3)
                    .top_p(0.8)
                    .top_k(50)
                    .stop_sequence("</s>")
                    .stop_sequence("\n\n"),
                PortableRequest::prompt("Count to three.").message(Message::assistant("One,")),
                PortableRequest::prompt(" spaced ").max_tokens(1),
            ],
        );
        // Lossy: the system prompt is folded into the first user turn and
        // reads back as part of it.
        let req = PortableRequest::prompt("Hi")
            .system("Be brief.")
            .message(Message::assistant("Hello."))
            .message(Message::user("Joke?"));
        let body = FAMILY.build_bytes(&req, model).unwrap();
        assert_eq!(
            FAMILY.read_request(&body, model).unwrap(),
            PortableRequest::prompt("Be brief.\n\nHi")
                .message(Message::assistant("Hello."))
                .message(Message::user("Joke?"))
        );
    }

    #[test]
    fn reads_prompts_not_made_by_the_builder() {
        let model = model(MISTRAL_7B);
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
        );
        assert_eq!(
            read(json!({"prompt": "[INST]a[/INST] b </s>[INST]c[/INST]"})).unwrap(),
            PortableRequest::prompt("a")
                .message(Message::assistant(" b "))
                .message(Message::user("c"))
        );
        let bad = [
            json!({"prompt": ["x"]}),
            json!({"prompt": "x", "seed": 1}),
            json!([]),
        ];
        assert_unreadable_requests(&FAMILY, model, bad.map(|body| body.to_string()));
    }

    fn ctx() -> RenderContext<'static> {
        crate::family::test_support::ctx(MISTRAL_7B)
    }

    #[test]
    fn rendered_responses_and_chunks_parse_back() {
        // Mistral's body carries text and `stop`/`length` only: the usage is
        // not sent (and a stream's comes from the invocation metrics the
        // caller adds), so these responses have none.
        assert_renders_back(
            &FAMILY,
            &ctx(),
            text_answers(
                " A 'hello world' program shows the minimal code needed to print output.",
                " A 'hello world' program shows",
                None,
            ),
        );
        let with_usage = answer("", StopReason::StopSequence, usage(1, 2));
        let body = FAMILY.render_response(&with_usage, &ctx()).unwrap();
        assert_eq!(
            body,
            json!({"outputs": [{"text": "", "stop_reason": "stop"}]})
        );
    }

    #[test]
    fn rendered_bodies_have_the_recorded_shape() {
        assert_renders_recording(&FAMILY, &ctx(), "default");
    }

    #[test]
    fn a_malformed_or_empty_body_is_an_error() {
        let err = FAMILY.parse(br#"{"outputs":[]}"#).unwrap_err();
        assert!(err.to_string().contains("`outputs` is empty"));
        let err = FAMILY.parse(br#"{"text":"x"}"#).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("mistral: cannot parse response"));
        assert_eq!(stop_or_length("length"), StopReason::MaxTokens);
    }
}
