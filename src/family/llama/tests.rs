//! Unit tests of the `llama` family.

use super::*;
use crate::family::test_support::{
    accumulate, answer, any_tool, assert_reads_back_by_id, assert_recorded_turn, assert_refuses_on,
    assert_renders_back, assert_renders_recording, assert_unreadable_requests, chunk_error,
    conversation, documented_request, model, recorded_chunks, recorded_in, usage,
};
use crate::family::ModelFamily;
use crate::portable::{ContentBlock, ImageFormat, Message};
use serde_json::{json, Value};

const LLAMA3_8B: &str = "meta.llama3-8b-instruct-v1:0";

fn image_request() -> PortableRequest {
    PortableRequest::default().message(Message {
        role: Role::User,
        content: vec![
            ContentBlock::image(ImageFormat::Png, vec![1, 2, 3]),
            ContentBlock::Text("What is this?".into()),
        ],
    })
}

#[test]
fn every_listed_model_has_a_template() {
    for id in [
        "meta.llama2-13b-chat-v1",
        "meta.llama3-1-405b-instruct-v1:0",
        "meta.llama3-3-70b-instruct-v1:0",
        "meta.llama4-maverick-17b-instruct-v1:0",
    ] {
        let body = Llama.request(&PortableRequest::prompt("x"), model(id));
        assert!(body.is_ok(), "{id}: {body:?}");
    }
    assert_eq!(
        LlamaTemplate::for_model("meta.llama3-1-8b-instruct-v1:0"),
        Some(LlamaTemplate::Llama3)
    );
    assert_eq!(LlamaTemplate::for_model("meta.llamaX"), None);
}

/// The prompt `id`'s template renders for the shared test conversation.
fn conversation_prompt(id: &str) -> String {
    Llama.request(&conversation(), model(id)).unwrap().prompt
}

#[test]
fn llama2_folds_the_system_prompt_into_the_first_inst() {
    assert_eq!(
        conversation_prompt("meta.llama2-70b-chat-v1"),
        "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello. </s><s>[INST] Tell me a joke. [/INST]"
    );
}

#[test]
fn llama3_renders_header_turns() {
    assert_eq!(
        conversation_prompt("meta.llama3-1-70b-instruct-v1:0"),
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>\
         <|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>\
         <|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>\
         <|start_header_id|>user<|end_header_id|>\n\nTell me a joke.<|eot_id|>\
         <|start_header_id|>assistant<|end_header_id|>\n\n"
    );
}

#[test]
fn llama4_renders_its_own_headers() {
    assert_eq!(
        conversation_prompt("meta.llama4-scout-17b-instruct-v1:0"),
        "<|begin_of_text|><|header_start|>system<|header_end|>\n\nBe brief.<|eot|>\
         <|header_start|>user<|header_end|>\n\nHi<|eot|>\
         <|header_start|>assistant<|header_end|>\n\nHello.<|eot|>\
         <|header_start|>user<|header_end|>\n\nTell me a joke.<|eot|>\
         <|header_start|>assistant<|header_end|>\n\n"
    );
}

#[test]
fn a_final_assistant_turn_is_continued() {
    let req = PortableRequest::prompt("Count to three.").message(Message::assistant("One,"));
    let body = Llama.request(&req, model(LLAMA3_8B)).unwrap();
    assert!(body
        .prompt
        .ends_with("<|start_header_id|>assistant<|end_header_id|>\n\nOne,"));
}

#[test]
fn vision_models_take_images() {
    for id in [
        "meta.llama3-2-11b-instruct-v1:0",
        "meta.llama4-maverick-17b-instruct-v1:0",
    ] {
        let body = Llama.build(&image_request(), model(id)).unwrap();
        assert_eq!(body["images"], json!(["AQID"]), "{id}");
        assert!(body["prompt"]
            .as_str()
            .unwrap()
            .contains("<|image|>What is this?"));
    }
}

#[test]
fn refuses_what_llama_cannot_express() {
    let tool = any_tool();
    assert_refuses_on(
        &Llama,
        [
            (image_request(), LLAMA3_8B, "image content"),
            (
                image_request(),
                "meta.llama3-2-3b-instruct-v1:0",
                "image content",
            ),
            (
                PortableRequest::prompt("x").tool(tool),
                LLAMA3_8B,
                "tool use",
            ),
            (PortableRequest::prompt("x").top_k(5), LLAMA3_8B, "top_k"),
            (
                PortableRequest::prompt("x").stop_sequence("\n"),
                LLAMA3_8B,
                "stop sequences",
            ),
            (PortableRequest::default(), LLAMA3_8B, "no messages"),
        ]
        .map(|(req, id, feature)| (req, model(id), feature)),
    );
}

#[test]
fn parses_the_recorded_response() {
    assert_recorded_turn(&Llama, "hello world", usage(27, 21));
}

#[test]
fn parses_a_response_cut_at_the_limit() {
    let resp = Llama.parse(&recorded_in(NAME, "length")).unwrap();
    assert_eq!(resp.stop_reason, Some(StopReason::MaxTokens));
    assert_eq!(resp.usage.unwrap().output_tokens, 16);
}

#[test]
fn parses_the_recorded_stream() {
    let resp = accumulate(&Llama, recorded_chunks(NAME));
    assert!(resp.text.contains("hello world"), "{}", resp.text);
    assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
    assert_eq!(resp.usage, usage(27, 21));
    assert_eq!(resp.metrics.unwrap().output_token_count, 21);
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\nrest";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 1, 2];

fn image(format: ImageFormat, data: &[u8]) -> ContentBlock {
    ContentBlock::image(format, data.to_vec())
}

#[test]
fn read_request_inverts_build() {
    let vision = PortableRequest::default()
        .system("Describe images.")
        .message(Message::new(
            Role::User,
            vec![
                image(ImageFormat::Png, PNG),
                ContentBlock::Text("What is this? And ".into()),
                image(ImageFormat::Jpeg, JPEG),
                ContentBlock::Text("this?".into()),
            ],
        ))
        .message(Message::assistant("A logo and a photo."))
        .message(Message::new(
            Role::User,
            vec![image(ImageFormat::Jpeg, JPEG)],
        ))
        .max_tokens(100);
    assert_reads_back_by_id(
        &Llama,
        [
            (
                conversation().max_tokens(256).temperature(0.2).top_p(0.8),
                LLAMA3_8B,
            ),
            (conversation().temperature(0.0), "meta.llama2-13b-chat-v1"),
            (
                PortableRequest::prompt("Count to three.")
                    .message(Message::assistant("One,"))
                    .max_tokens(8),
                "meta.llama2-70b-chat-v1",
            ),
            (
                PortableRequest::prompt("Count to three.").message(Message::assistant("One,")),
                "meta.llama4-scout-17b-instruct-v1:0",
            ),
            (
                PortableRequest::prompt("a")
                    .message(Message::user("b"))
                    .message(Message::assistant("c")),
                "meta.llama3-3-70b-instruct-v1:0",
            ),
            (vision.clone(), "meta.llama3-2-11b-instruct-v1:0"),
            (vision, "meta.llama4-maverick-17b-instruct-v1:0"),
        ],
    );
}

#[test]
fn reads_prompts_not_made_by_the_builder() {
    let model = model(LLAMA3_8B);
    let read = |body: Value| {
        Llama
            .read_request(body.to_string().as_bytes(), model)
            .unwrap()
    };
    assert_eq!(
        read(json!({"prompt": "Just text, no template."})),
        PortableRequest::prompt("Just text, no template.")
    );
    let documented = read(documented_request(NAME));
    assert_eq!(
        documented,
        PortableRequest::prompt("Describe the purpose of a 'hello world' program in one line.")
            .max_tokens(512)
            .temperature(0.5)
            .top_p(0.9)
    );
    // Llama 3.1 tool output (`ipython`) is a user turn; a stray newline
    // after an end of turn is ignored.
    let req = read(
        json!({"prompt": "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>\n\
        <|start_header_id|>ipython<|end_header_id|>\n\n42<|eot_id|><|start_header_id|>assistant<|end_header_id|>"}),
    );
    assert_eq!(req.messages, vec![Message::user("Hi"), Message::user("42")]);
    // An image with no marker opens the first user turn; a marker with no
    // image stays text.
    let req = read(json!({"prompt": "[INST] Hi <|image|> [/INST]", "images": ["AQID", "AQID"]}));
    assert_eq!(
        req.messages[0].content,
        vec![
            image(ImageFormat::Png, &[1, 2, 3]),
            ContentBlock::Text("Hi ".into()),
            image(ImageFormat::Png, &[1, 2, 3]),
        ]
    );
    assert_unreadable_requests(
        &Llama,
        model,
        [
            json!({"prompt": 1}),
            json!({"prompt": "x", "images": ["not base64!"]}),
            json!({"prompt": "x", "top_k": 5}),
        ]
        .map(|b| b.to_string()),
    );
}

fn ctx() -> RenderContext<'static> {
    crate::family::test_support::ctx(LLAMA3_8B)
}

#[test]
fn rendered_responses_and_chunks_parse_back() {
    // Llama carries text, `stop`/`length` and both counts: a response
    // with those round-trips exactly.
    assert_renders_back(
        &Llama,
        &ctx(),
        [
            answer(
                "A 'hello world' program prints a greeting to show the toolchain works.",
                StopReason::EndTurn,
                usage(27, 21),
            ),
            answer(
                "A 'hello world' program is the first",
                StopReason::MaxTokens,
                usage(27, 16),
            ),
        ],
    );
    // What Llama cannot name is sent as `stop`.
    let resp = PortableResponse {
        stop_reason: Some(StopReason::StopSequence),
        ..Default::default()
    };
    let body = Llama.render_response(&resp, &ctx()).unwrap();
    assert_eq!(body["stop_reason"], "stop");
    assert_eq!(body["generation_token_count"], 0);
}

#[test]
fn rendered_bodies_have_the_recorded_shape() {
    for file in ["default", "length"] {
        assert_renders_recording(&Llama, &ctx(), file);
    }
}

#[test]
fn a_malformed_body_is_an_error() {
    let err = Llama.parse(br#"{"generation": 5}"#).unwrap_err();
    assert!(err.to_string().starts_with("llama: cannot parse response"));
    let err = chunk_error(&Llama, b"not json");
    assert!(err.starts_with("llama: cannot parse stream chunk"), "{err}");
}
