//! Unit tests of the `mistral_chat` family.

use super::*;
use crate::accumulator::StreamAccumulator;
use crate::family::model_family::RenderContext;
use crate::family::test_support::{
    accumulate, assert_chunks_shaped_like, assert_reads_back_by_id, assert_recorded_turn,
    assert_refuses, assert_renders_back, assert_unparsed_requests, call, documented_request,
    key_paths, model, recorded_chunk_values, recorded_chunks_in, recorded_in, request_fixture,
    text_answers, tool_answer, with_tool_exchange,
};
use crate::family::ModelFamily;
use crate::portable::*;
use serde_json::{json, Value};

const LARGE_2: &str = "mistral.mistral-large-2407-v1:0";
const PIXTRAL: &str = "mistral.pixtral-large-2502-v1:0";

fn weather_tool() -> ToolSpec {
    ToolSpec::new(
        "get_weather",
        json!({
            "type": "object",
            "properties": { "location": { "type": "string" } },
            "required": ["location"]
        }),
    )
    .description("Current weather for a location.")
}

fn image_request() -> PortableRequest {
    PortableRequest::default().message(Message {
        role: Role::User,
        content: vec![
            ContentBlock::Text("What is this?".into()),
            ContentBlock::image(ImageFormat::Png, vec![1, 2, 3]),
        ],
    })
}

#[test]
fn builds_a_tool_round_trip() {
    let req = with_tool_exchange(
        PortableRequest::prompt("What is the weather in Seattle?"),
        "Xk2pQ7vLm",
        "get_weather",
        json!({"location": "Seattle, WA"}),
        json!({"temperature_f": 54}),
    )
    .tool(weather_tool())
    .tool_choice(ToolChoice::Auto)
    .max_tokens(512);
    let body = MistralChat.build(&req, model(LARGE_2)).unwrap();
    assert_eq!(body, request_fixture(NAME, "tool_use"));
}

#[test]
fn pixtral_takes_images_as_data_urls() {
    let body = MistralChat.build(&image_request(), model(PIXTRAL)).unwrap();
    assert_eq!(
        body["messages"][0]["content"],
        json!([
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,AQID"}}
        ])
    );
}

#[test]
fn refuses_what_mistral_chat_cannot_express() {
    let error_result = PortableRequest::default().message(Message {
        role: Role::User,
        content: vec![ContentBlock::ToolResult {
            tool_use_id: "a".into(),
            content: vec![ToolResultContent::Text("boom".into())],
            is_error: true,
        }],
    });
    assert_refuses(
        &MistralChat,
        model(LARGE_2),
        [
            (image_request(), "image content"),
            (PortableRequest::prompt("x").top_k(5), "top_k"),
            (
                PortableRequest::prompt("x").stop_sequence("\n"),
                "stop sequences",
            ),
            (
                PortableRequest::prompt("x")
                    .tool(weather_tool())
                    .tool_choice(ToolChoice::Tool("get_weather".into())),
                "forcing a named tool",
            ),
            (error_result, "marked as an error"),
            (PortableRequest::default(), "no messages"),
        ],
    );
}

#[test]
fn parses_the_recorded_response() {
    let resp = assert_recorded_turn(&MistralChat, "hello world", None);
    assert!(resp.tool_calls.is_empty());
}

#[test]
fn parses_a_recorded_tool_call() {
    let resp = MistralChat.parse(&recorded_in(NAME, "tool_use")).unwrap();
    assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
    assert_eq!(resp.tool_calls.len(), 1);
    assert_eq!(resp.tool_calls[0].id, "Xk2pQ7vLm");
    assert_eq!(resp.tool_calls[0].name, "get_weather");
    assert_eq!(resp.tool_calls[0].input["location"], "Seattle, WA");
}

#[test]
fn a_tool_call_without_an_id_gets_one() {
    let body = json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": "",
        "tool_calls": [{"function": {"name": "f", "arguments": {"a": 1}}}]}, "finish_reason": "tool_calls"}]});
    let resp = MistralChat.parse(body.to_string().as_bytes()).unwrap();
    assert_eq!(resp.tool_calls[0].id, "call_0");
    assert_eq!(resp.tool_calls[0].input, json!({"a": 1}));
    assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
}

#[test]
fn streams_text_and_tool_calls() {
    for (file, expect_tool) in [("default", false), ("tool_use", true)] {
        let resp = accumulate(&MistralChat, recorded_chunks_in(NAME, file));
        assert!(resp.metrics.is_some(), "{file}");
        assert!(resp.usage.unwrap().output_tokens > 0, "{file}");
        if expect_tool {
            assert_eq!(resp.tool_calls[0].id, "Xk2pQ7vLm");
            assert_eq!(resp.tool_calls[0].input["location"], "Seattle, WA");
            assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
        } else {
            assert!(resp.text.contains("hello world"), "{}", resp.text);
            assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
        }
    }
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

#[test]
fn read_request_inverts_build() {
    let calls_and_results = PortableRequest::prompt("Weather in Seattle and Paris?")
        .system("Use the tools.")
        .message(Message::new(
            Role::Assistant,
            vec![
                ContentBlock::Text("Checking both.".into()),
                ContentBlock::tool_use(
                    "Xk2pQ7vLm",
                    "get_weather",
                    json!({"location": "Seattle, WA"}),
                ),
                ContentBlock::tool_use("Ab3dE5fGh", "get_weather", json!({"location": "Paris"})),
            ],
        ))
        .message(Message::new(
            Role::User,
            vec![
                ContentBlock::tool_result("Xk2pQ7vLm", "54F"),
                ContentBlock::tool_result("Ab3dE5fGh", "12C"),
                ContentBlock::Text("Which is warmer?".into()),
            ],
        ))
        .message(Message::new(
            Role::Assistant,
            vec![ContentBlock::tool_use(
                "Zz9yY8xX7",
                "get_weather",
                json!({}),
            )],
        ))
        .message(Message::new(
            Role::User,
            vec![ContentBlock::tool_result("Zz9yY8xX7", String::new())],
        ))
        .tool(weather_tool())
        .tool(ToolSpec::new("noop", json!({"type": "object"})))
        .tool_choice(ToolChoice::Any)
        .max_tokens(256)
        .temperature(0.1)
        .top_p(0.7);
    let images = PortableRequest::prompt("Hi")
        .message(Message::assistant("Hello."))
        .message(Message {
            role: Role::User,
            content: vec![
                ContentBlock::Text("Compare ".into()),
                ContentBlock::image(ImageFormat::Png, PNG.to_vec()),
                ContentBlock::Text(" and ".into()),
                ContentBlock::image(ImageFormat::Webp, vec![1, 2, 3]),
            ],
        })
        .tool_choice(ToolChoice::None);
    assert_reads_back_by_id(
        &MistralChat,
        [
            (calls_and_results, LARGE_2),
            (images, PIXTRAL),
            (
                PortableRequest::prompt("a")
                    .message(Message::user("b"))
                    .message(Message::assistant(""))
                    .tool_choice(ToolChoice::Auto),
                LARGE_2,
            ),
        ],
    );
}

#[test]
fn reads_requests_not_made_by_the_builder() {
    let model = model(LARGE_2);
    let read = |body: Value| MistralChat.read_request(body.to_string().as_bytes(), model);
    // Lossy: a JSON tool result was sent as text and reads back as text.
    let req = read(request_fixture(NAME, "tool_use")).unwrap();
    assert_eq!(
        req.messages[2].content,
        vec![ContentBlock::tool_result(
            "Xk2pQ7vLm",
            r#"{"temperature_f":54}"#
        )]
    );
    assert_eq!(req.tools, vec![weather_tool()]);
    assert_eq!(
        read(documented_request(NAME)).unwrap(),
        PortableRequest::prompt("Describe the purpose of a 'hello world' program in one line.")
            .system("You are a helpful assistant.")
            .max_tokens(512)
            .temperature(0.5)
            .top_p(0.9)
    );
    // Arguments as an object, no call id, null content.
    let req = read(json!({"messages": [
        {"role": "user", "content": "x"},
        {"role": "assistant", "content": null, "tool_calls": [{"function": {"name": "f", "arguments": {"a": 1}}}]},
    ]}))
    .unwrap();
    assert_eq!(
        req.messages[1].content,
        vec![ContentBlock::tool_use("call_0", "f", json!({"a": 1}))]
    );
    let cases = [
        (
            json!({"messages": [{"role": "robot", "content": "x"}]}),
            "unknown role",
        ),
        (
            json!({"messages": [{"role": "tool", "content": "x"}]}),
            "tool_call_id",
        ),
        (
            json!({"messages": [{"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "{bad"}}]}]}),
            "tool f",
        ),
        (
            json!({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]}]}),
            "data: URL",
        ),
        (json!({"messages": [], "top_k": 5}), "top_k"),
    ];
    assert_unparsed_requests(&MistralChat, model, cases);
}

fn ctx() -> RenderContext<'static> {
    crate::family::test_support::ctx(LARGE_2)
}

#[test]
fn rendered_responses_and_chunks_parse_back() {
    // The body carries text, tool calls (ids included) and the stop
    // reason, not usage: these responses have none (a stream's usage
    // comes from the invocation metrics the caller adds).
    let seattle = call(
        "Xk2pQ7vLm",
        "get_weather",
        json!({"location": "Seattle, WA"}),
    );
    let paris = call(
        "Ab3dE5fGh",
        "get_weather",
        json!({"location": "Paris", "units": ["C"]}),
    );
    let [whole, cut] = text_answers(
        "A 'hello world' program prints a greeting to show the toolchain works.",
        "A 'hello world' program prints",
        None,
    );
    assert_renders_back(
        &MistralChat,
        &ctx(),
        [
            whole,
            cut,
            tool_answer("", vec![seattle.clone()], None),
            tool_answer(
                "I will check both cities for you now.",
                vec![seattle, paris],
                None,
            ),
        ],
    );
}

#[test]
fn rendered_bodies_have_the_recorded_shape() {
    for file in ["default", "tool_use"] {
        let recorded_body: Value = serde_json::from_slice(&recorded_in(NAME, file)).unwrap();
        let resp = MistralChat
            .parse(recorded_body.to_string().as_bytes())
            .unwrap();
        let body = MistralChat.render_response(&resp, &ctx()).unwrap();
        assert_eq!(key_paths(&body), key_paths(&recorded_body), "{file}");
        if file == "default" {
            assert_eq!(body, recorded_body);
        }
        let chunks = MistralChat.render_chunks(&resp, &ctx()).unwrap();
        let recorded = recorded_chunk_values(NAME, file);
        assert_eq!(chunks.len() > 1, recorded.len() > 1, "{file}");
        if file == "tool_use" {
            assert_eq!(chunks.len(), recorded.len());
        }
        assert_chunks_shaped_like(&chunks, &recorded, file);
    }
}

#[test]
fn malformed_bodies_are_errors() {
    let err = MistralChat.parse(br#"{"choices":[]}"#).unwrap_err();
    assert!(err.to_string().contains("`choices` is empty"));
    let bad_args = json!({"choices": [{"message": {"role": "assistant",
        "tool_calls": [{"id": "x", "function": {"name": "f", "arguments": "{not json"}}]}, "stop_reason": "tool_calls"}]});
    let err = MistralChat
        .parse(bad_args.to_string().as_bytes())
        .unwrap_err();
    assert!(err
        .to_string()
        .starts_with("mistral_chat: cannot parse response: tool f"));
    let err = MistralChat
        .parse_chunk(br#"{"outputs":[]}"#, &mut StreamAccumulator::new())
        .unwrap_err();
    assert!(err
        .to_string()
        .starts_with("mistral_chat: cannot parse stream chunk"));
}

#[test]
fn large_2_reads_the_prompt_body_of_mistrals_text_models() {
    let body = json!({
        "prompt": "<s>[INST] Hi [/INST]Hello!</s>[INST] Name a river [/INST]",
        "max_tokens": 64,
        "stop": ["\n\n"]
    });
    let req = MistralChat
        .read_request(body.to_string().as_bytes(), model(LARGE_2))
        .unwrap();
    assert_eq!(
        req.messages,
        vec![
            Message::user("Hi"),
            Message::assistant("Hello!"),
            Message::user("Name a river"),
        ]
    );
    assert_eq!(req.params.max_tokens, Some(64));
    assert_eq!(req.params.stop_sequences, vec!["\n\n".to_string()]);
    let err = MistralChat
        .read_request(br#"{"prompt": 5}"#, model(LARGE_2))
        .unwrap_err();
    assert!(err.to_string().contains("invalid type"), "{err}");
}
