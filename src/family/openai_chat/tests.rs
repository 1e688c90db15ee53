//! Unit tests of the `openai_chat` family.

use super::*;
use crate::accumulator::StreamAccumulator;
use crate::family::chat_completions::stop_reason;
use crate::family::model_family::RenderContext;
use crate::family::test_support::{
    accumulate, assert_reads_back, assert_refuses, assert_streams_back_with_metrics,
    assert_unparsed_requests, call, keys, model, recorded, recorded_chunk_values,
    recorded_chunks_in, recorded_in, request_fixture, text_answers, tool_answer, usage,
    with_tool_exchange,
};
use crate::family::ModelFamily;
use crate::portable::*;
use crate::portable::{
    ContentBlock, ImageFormat, Message, Role, StopReason, StreamEvent, ToolChoice, ToolSpec, Usage,
};
use crate::reasoning::Reasoning;
use serde_json::{json, Value};

const GPT_OSS: &str = "openai.gpt-oss-20b-1:0";
const QWEN: &str = "qwen.qwen3-32b-v1:0";

fn ctx() -> RenderContext<'static> {
    crate::family::test_support::ctx(GPT_OSS)
}

/// A tool-call conversation: call, result, then the user's next text.
fn tool_conversation() -> PortableRequest {
    PortableRequest::prompt("What's the weather in Seattle and Paris?")
        .system("Use tools.")
        .message(Message::new(
            Role::Assistant,
            vec![
                ContentBlock::Text("Checking both.".into()),
                ContentBlock::tool_use("call_1", "get_weather", json!({"location": "Seattle, WA"})),
                ContentBlock::tool_use("call_2", "get_weather", json!({"location": "Paris"})),
            ],
        ))
        .message(Message::new(
            Role::User,
            vec![
                ContentBlock::tool_result("call_1", "58F"),
                ContentBlock::tool_result("call_2", "rain"),
            ],
        ))
        .message(Message::assistant("Seattle is 58F; Paris has rain."))
        .message(Message::user("Thanks. And Rome?"))
        .tool(
            ToolSpec::new(
                "get_weather",
                json!({"type": "object", "properties": {"location": {"type": "string"}}}),
            )
            .description("Current weather for a city"),
        )
        .tool_choice(ToolChoice::Tool("get_weather".into()))
}

#[test]
fn tool_calls_and_results_become_chat_messages() {
    let req = with_tool_exchange(
        PortableRequest::prompt("What's the weather in Seattle?"),
        "call_1",
        "get_weather",
        json!({"location": "Seattle, WA"}),
        json!({"temp_f": 58}),
    )
    .tool(ToolSpec::new("get_weather", json!({"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]})).description("Current weather for a city"))
        .tool_choice(ToolChoice::Any)
        .stop_sequence("###");
    let body = OpenAiChat.build(&req, model(QWEN)).unwrap();
    assert_eq!(body, request_fixture(NAME, "tool_use"));
}

#[test]
fn a_named_tool_choice_is_a_function_object() {
    let body = OpenAiChat
        .build(
            &PortableRequest::prompt("x").tool_choice(ToolChoice::Tool("lookup".into())),
            model(QWEN),
        )
        .unwrap();
    assert_eq!(
        body["tool_choice"],
        json!({"type": "function", "function": {"name": "lookup"}})
    );
}

#[test]
fn refuses_what_chat_completions_cannot_express() {
    let model = model(GPT_OSS);
    let image = PortableRequest::default().message(Message {
        role: Role::User,
        content: vec![ContentBlock::image(ImageFormat::Jpeg, vec![1])],
    });
    let failed_tool = PortableRequest::default().message(Message {
        role: Role::User,
        content: vec![ContentBlock::ToolResult {
            tool_use_id: "c".into(),
            content: vec![],
            is_error: true,
        }],
    });
    assert_refuses(
        &OpenAiChat,
        model,
        [
            (PortableRequest::prompt("x").top_k(40), "top_k"),
            (image, "image content"),
            (failed_tool, "marked as an error"),
            (PortableRequest::default(), "no messages"),
        ],
    );
}

#[test]
fn parses_the_recorded_response() {
    let resp = OpenAiChat.parse(&recorded(NAME)).unwrap();
    assert_eq!(
        resp.text,
        "Hello! I'm doing well, thank you. How can I help you today?"
    );
    assert_eq!(resp.reasoning.len(), 1);
    assert!(resp.reasoning[0]
        .visible_text()
        .starts_with("The user greets me"));
    assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
    assert_eq!(resp.usage, usage(23, 31));
}

#[test]
fn parses_a_recorded_tool_call() {
    let resp = OpenAiChat.parse(&recorded_in(NAME, "tool_use")).unwrap();
    assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
    assert_eq!(resp.text, "");
    assert_eq!(resp.tool_calls.len(), 1);
    assert_eq!(resp.tool_calls[0].name, "get_weather");
    assert_eq!(resp.tool_calls[0].input, json!({"location": "Seattle, WA"}));
}

#[test]
fn streams_text_and_tool_calls() {
    let resp = accumulate(&OpenAiChat, recorded_chunks_in(NAME, "default"));
    assert_eq!(
        resp.text,
        "Hello! I'm doing well, thank you. How can I help you today?"
    );
    assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
    assert_eq!(resp.usage.unwrap().output_tokens, 31);

    let mut acc = StreamAccumulator::new();
    for chunk in recorded_chunks_in(NAME, "tool_use") {
        acc.feed(&OpenAiChat, &chunk).unwrap();
    }
    let events = acc.drain();
    assert!(events.contains(&StreamEvent::ToolUseStart {
        index: 1,
        id: "call_7c1f0e2a9b3d4e5f".into(),
        name: "get_weather".into()
    }));
    let resp = acc.finish().unwrap();
    assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
    assert_eq!(resp.tool_calls[0].input, json!({"location": "Seattle, WA"}));
    assert!(resp.metrics.is_some());
}

#[test]
fn the_done_marker_is_a_no_op() {
    let mut acc = StreamAccumulator::new();
    OpenAiChat.parse_chunk(b"[DONE]", &mut acc).unwrap();
    OpenAiChat.parse_chunk(b"\"[DONE]\"", &mut acc).unwrap();
    assert!(acc.drain().is_empty());
}

#[test]
fn malformed_bodies_are_errors() {
    let err = OpenAiChat.parse(br#"{"choices":[]}"#).unwrap_err();
    assert!(err.to_string().contains("`choices` is empty"));
    let bad_args = json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": null,
        "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{oops"}}]},
        "finish_reason": "tool_calls"}]});
    let err = OpenAiChat
        .parse(bad_args.to_string().as_bytes())
        .unwrap_err();
    assert!(err
        .to_string()
        .starts_with("openai_chat: cannot parse response: tool f: arguments of tool call c1"));
    assert!(OpenAiChat
        .parse_chunk(br#"{"choices":"nope"}"#, &mut StreamAccumulator::new())
        .is_err());
    assert_eq!(stop_reason("length", false), StopReason::MaxTokens);
}

#[test]
fn read_request_inverts_build() {
    let model = model(QWEN);
    let mut with_results_then_text = tool_conversation();
    with_results_then_text.messages[2]
        .content
        .push(ContentBlock::Text("Also, Rome?".into()));
    assert_reads_back(
        &OpenAiChat,
        model,
        [
            PortableRequest::prompt("Hello, how are you?")
                .system("You are a helpful assistant.")
                .max_tokens(150)
                .temperature(0.7)
                .top_p(0.9)
                .stop_sequence("###")
                .stop_sequence("END"),
            PortableRequest::prompt("Hi")
                .message(Message::assistant("Hello."))
                .message(Message::user("Bye")),
            tool_conversation(),
            tool_conversation().tool_choice(ToolChoice::Any),
            tool_conversation().tool_choice(ToolChoice::None),
            tool_conversation().tool_choice(ToolChoice::Auto),
            with_results_then_text,
        ],
    );
}

/// A JSON tool result is sent serialised and reads back as its text.
#[test]
fn json_tool_results_read_back_as_text() {
    let model = model(QWEN);
    let body = request_fixture(NAME, "tool_use").to_string();
    let req = OpenAiChat.read_request(body.as_bytes(), model).unwrap();
    assert_eq!(
        req.messages[2].content,
        vec![ContentBlock::tool_result("call_1", r#"{"temp_f":58}"#)]
    );
    assert_eq!(req.tool_choice, Some(ToolChoice::Any));
    assert_eq!(req.params.stop_sequences, vec!["###".to_string()]);
}

#[test]
fn reads_bodies_the_builder_did_not_write() {
    let model = model(GPT_OSS);
    let body = json!({
        "model": GPT_OSS, "stream": false, "max_tokens": 64, "stop": "\n\n",
        "reasoning_effort": "low",
        "messages": [
            {"role": "developer", "content": "Be brief."},
            {"role": "system", "content": [{"type": "text", "text": "Be kind."}]},
            {"role": "user", "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AQID"}}
            ]}
        ]
    });
    let req = OpenAiChat
        .read_request(body.to_string().as_bytes(), model)
        .unwrap();
    assert_eq!(req.system.as_deref(), Some("Be brief.\n\nBe kind."));
    assert_eq!(req.params.max_tokens, Some(64));
    assert_eq!(req.params.stop_sequences, vec!["\n\n".to_string()]);
    assert_eq!(
        req.messages[0].content[1],
        ContentBlock::Image {
            format: ImageFormat::Png,
            data: vec![1, 2, 3]
        }
    );
    let cases = [
        (
            json!({"messages": [{"role": "robot", "content": "x"}]}),
            "unknown role",
        ),
        (
            json!({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]}]}),
            "data:",
        ),
        (
            json!({"messages": [{"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{"}}]}]}),
            "arguments of tool call c",
        ),
        (
            json!({"messages": [], "tool_choice": "sometimes"}),
            "tool_choice",
        ),
        (json!({"messages": [], "max_tokens": -3}), "max_tokens"),
        (json!({"messages": "hi"}), "expected a sequence"),
    ];
    assert_unparsed_requests(&OpenAiChat, model, cases);
}

/// The stream sends no token counts (the invocation metrics do), so
/// usage comes back from the metrics merged into the last chunk.
#[test]
fn rendered_responses_and_chunks_parse_back() {
    let tokens = Usage {
        input_tokens: 23,
        output_tokens: 31,
    };
    let [whole, cut] = text_answers(
        "Hello! I'm doing well, thank you.",
        "Once upon a time there was a",
        Some(tokens),
    );
    let answers = [
        PortableResponse {
            reasoning: vec![Reasoning::text("Greet back.", None)],
            ..whole
        },
        cut,
        tool_answer(
            "",
            vec![call(
                "call_7c1f0e2a9b3d4e5f",
                "get_weather",
                json!({"location": "Seattle, WA", "unit": "°F"}),
            )],
            Some(tokens),
        ),
        tool_answer(
            "Let me check two cities.",
            vec![
                call("call_a", "get_weather", json!({"location": "Paris"})),
                call("call_b", "get_time", json!({})),
            ],
            Some(tokens),
        ),
    ];
    let check = |_: &PortableResponse, body: &Value, chunks: &[Value]| {
        assert_eq!(body["id"], "chatcmpl-0123456789abcdef");
        assert_eq!(body["model"], GPT_OSS);
        assert!(chunks.len() > 2);
        assert!(chunks.iter().all(|c| c["id"] == body["id"]));
    };
    assert_streams_back_with_metrics(&OpenAiChat, &ctx(), answers, (tokens, 0), check);
}

#[test]
fn rendered_bodies_have_the_recorded_keys() {
    for file in ["default", "tool_use"] {
        let invoke: Value = serde_json::from_slice(&recorded_in(NAME, file)).unwrap();
        let resp = OpenAiChat.parse(&recorded_in(NAME, file)).unwrap();
        let body = OpenAiChat.render_response(&resp, &ctx()).unwrap();
        assert_eq!(keys(&body), keys(&invoke), "{file}");
        let (ours, theirs) = (&body["choices"][0], &invoke["choices"][0]);
        assert_eq!(keys(ours), keys(theirs), "{file}");
        assert_eq!(keys(&ours["message"]), keys(&theirs["message"]), "{file}");
        assert_eq!(
            ours["message"]["content"], theirs["message"]["content"],
            "{file}"
        );
        assert_eq!(ours["finish_reason"], theirs["finish_reason"], "{file}");
        assert_eq!(body["usage"], invoke["usage"], "{file}");
        let recorded: Vec<Value> = recorded_chunk_values(NAME, file);
        let rendered = OpenAiChat.render_chunks(&resp, &ctx()).unwrap();
        for chunk in &rendered {
            assert_eq!(keys(chunk), keys(&recorded[0]), "{file}");
        }
        assert_eq!(rendered[0]["choices"][0]["delta"]["role"], "assistant");
        assert_eq!(
            rendered.last().unwrap()["choices"],
            recorded.last().unwrap()["choices"],
            "{file}"
        );
    }
}

#[test]
fn gpt_5_6_gets_max_completion_tokens_and_refuses_top_p_as_bedrock_does() {
    let gpt = model("openai.gpt-5.6-sol");
    let body = OpenAiChat
        .build(&PortableRequest::prompt("Hi").max_tokens(64), gpt)
        .unwrap();
    assert_eq!(body["max_completion_tokens"], 64);
    assert!(body.get("max_tokens").is_none());
    let err = OpenAiChat
        .build(&PortableRequest::prompt("Hi").top_p(0.5), gpt)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "openai_chat: Bedrock refuses this body for openai.gpt-5.6-sol: Unsupported parameter: 'top_p' is not supported with this model."
    );
    let gpt_oss = model("openai.gpt-oss-20b-1:0");
    assert!(OpenAiChat
        .build(&PortableRequest::prompt("Hi").top_p(0.5), gpt_oss)
        .is_ok());
}

#[test]
fn a_reasoning_effort_is_checked_against_the_models_list() {
    let body = |effort: &str| json!({"messages": [{"role": "user", "content": "Hi"}], "reasoning_effort": effort});
    let gpt = model("openai.gpt-5.6-sol");
    assert_eq!(OpenAiChat.check_body(&body("xhigh"), gpt), None);
    assert_eq!(
        OpenAiChat.check_body(&body("minimal"), gpt).as_deref(),
        Some("Unsupported value: 'minimal' is not supported with the 'openai.gpt-5.6-sol' model.")
    );
    let gpt_oss = model("openai.gpt-oss-20b-1:0");
    assert_eq!(OpenAiChat.check_body(&body("minimal"), gpt_oss), None);
}

#[test]
fn voxtral_hears_audio_as_input_audio_parts_and_gpt_oss_refuses_it() {
    const VOXTRAL: &str = "mistral.voxtral-mini-3b-2507";
    let clip = crate::Media::new(
        crate::MediaKind::Audio,
        "wav",
        crate::MediaSource::Bytes(b"RIFF".to_vec()),
    );
    let req = PortableRequest::default().message(Message::new(
        Role::User,
        vec![
            ContentBlock::Media(clip),
            ContentBlock::text("Transcribe this."),
        ],
    ));
    let body = OpenAiChat.build(&req, model(VOXTRAL)).unwrap();
    assert_eq!(
        body["messages"][0]["content"],
        json!([{"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}},
               {"type": "text", "text": "Transcribe this."}])
    );
    assert_reads_back(&OpenAiChat, model(VOXTRAL), [req.clone()]);
    let err = OpenAiChat.build(&req, model(GPT_OSS)).unwrap_err();
    assert!(err.to_string().contains("audio input"), "{err}");
    let in_s3 = PortableRequest::default().message(Message::new(
        Role::User,
        vec![ContentBlock::Media(crate::Media::new(
            crate::MediaKind::Audio,
            "mp3",
            crate::MediaSource::s3("s3://b/a.mp3"),
        ))],
    ));
    let err = OpenAiChat.build(&in_s3, model(VOXTRAL)).unwrap_err();
    assert!(err.to_string().contains("S3"), "{err}");
}

#[test]
fn mistral_large_3_and_gemma_take_images_as_data_urls() {
    let req = PortableRequest::default().message(Message::new(
        Role::User,
        vec![
            ContentBlock::image(ImageFormat::Png, crate::fake::synth::png(2, 2, [9, 9, 9])),
            ContentBlock::text("What is this?"),
        ],
    ));
    for id in [
        "mistral.mistral-large-3-675b-instruct",
        "google.gemma-3-27b-it",
    ] {
        let body = OpenAiChat.build(&req, model(id)).unwrap();
        let url = body["messages"][0]["content"][0]["image_url"]["url"]
            .as_str()
            .unwrap();
        assert!(url.starts_with("data:image/png;base64,"), "{url}");
        assert_reads_back(&OpenAiChat, model(id), [req.clone()]);
    }
    let err = OpenAiChat
        .build(&req, model("mistral.devstral-2-123b"))
        .unwrap_err();
    assert!(err.to_string().contains("image"), "{err}");
}

#[test]
fn the_recorded_devstral_answer_reads_as_its_text_and_counts() {
    let resp = OpenAiChat
        .parse(&recorded_in(NAME, "mistral.devstral-2-123b"))
        .unwrap();
    assert!(
        resp.text.starts_with("\"Dolphins are highly intelligent"),
        "{}",
        resp.text
    );
    assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
    assert_eq!(resp.usage, usage(9, 20));
}

#[test]
fn reasoning_effort_reads_as_the_portable_effort_and_back() {
    let model = model(GPT_OSS);
    let read = |effort: &str| {
        let body =
            json!({"messages": [{"role": "user", "content": "Hi"}], "reasoning_effort": effort});
        OpenAiChat
            .read_request(body.to_string().as_bytes(), model)
            .unwrap()
    };
    assert_eq!(read("high").effort, Some(Effort::High));
    assert_eq!(read("none").thinking, Some(Thinking::Disabled));
    assert_eq!(
        (read("minimal").effort, read("minimal").thinking),
        (None, None)
    );

    let high = PortableRequest::prompt("Hi").effort(Effort::High);
    assert_eq!(
        OpenAiChat.build(&high, model).unwrap()["reasoning_effort"],
        "high"
    );
    let off = PortableRequest::prompt("Hi").thinking(Thinking::Disabled);
    let gpt_5_6 = self::model("openai.gpt-5.6-sol");
    assert_eq!(
        OpenAiChat.build(&off, gpt_5_6).unwrap()["reasoning_effort"],
        "none"
    );
    let err = OpenAiChat.build(&off, model).unwrap_err().to_string();
    assert!(err.contains("none is not a valid enum value"), "{err}");
    let adaptive = PortableRequest::prompt("Hi").thinking(Thinking::Adaptive);
    let err = OpenAiChat.build(&adaptive, model).unwrap_err().to_string();
    assert!(err.contains("thinking adaptive"), "{err}");
}

/// Reasoning goes in tags only for the models whose answers carry it so;
/// another model of the family answers without it.
#[test]
fn reasoning_is_rendered_in_tags_for_openai_models_only() {
    let resp = PortableResponse {
        text: "Hello!".into(),
        reasoning: vec![Reasoning::text("Greet back.", None)],
        stop_reason: Some(StopReason::EndTurn),
        ..Default::default()
    };
    let body = OpenAiChat.render_response(&resp, &ctx()).unwrap();
    assert_eq!(
        body["choices"][0]["message"]["content"],
        "<reasoning>Greet back.</reasoning>Hello!"
    );
    let qwen = crate::family::test_support::ctx(QWEN);
    let body = OpenAiChat.render_response(&resp, &qwen).unwrap();
    assert_eq!(body["choices"][0]["message"]["content"], "Hello!");
    let chunks = OpenAiChat.render_chunks(&resp, &qwen).unwrap();
    assert!(chunks
        .iter()
        .all(|c| !c.to_string().contains("Greet back.")));
}
