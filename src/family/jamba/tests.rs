//! Unit tests of the `jamba` family.

use super::*;
use crate::accumulator::StreamAccumulator;
use crate::family::chat_completions::stop_reason;
use crate::family::model_family::RenderContext;
use crate::family::test_support::{
    accumulate, assert_reads_back_by_id, assert_recorded_turn, assert_refuses_on,
    assert_streams_back, assert_unreadable_requests, call, keys, model, recorded,
    recorded_chunk_values, recorded_chunks, recorded_in, request_fixture, text_answers,
    tool_answer, usage, with_tool_exchange,
};
use crate::family::ModelFamily;
use crate::portable::*;
use crate::portable::{ImageFormat, ToolSpec};
use serde_json::{json, Value};

const LARGE: &str = "ai21.jamba-1-5-large-v1:0";
const MINI: &str = "ai21.jamba-1-5-mini-v1:0";

fn weather_tool() -> ToolSpec {
    ToolSpec::new("get_weather", json!({"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]})).description("Current weather for a place.")
}

#[test]
fn a_conversation_keeps_its_roles_with_the_system_prompt_first() {
    let req = PortableRequest::prompt("Who was the first emperor of Rome?")
        .system("You are a helpful history teacher. Limit your answers to three sentences.")
        .message(Message::assistant(
            "The first emperor of Rome was Augustus, who ruled from 27 BC to AD 14.",
        ))
        .message(Message::user("Who came after him?"))
        .stop_sequence("##");
    let body = Jamba.build(&req, model(JAMBA_INSTRUCT)).unwrap();
    assert_eq!(body, request_fixture(NAME, "conversation"));
}

#[test]
fn tools_calls_and_results_use_the_openai_form() {
    let req = with_tool_exchange(
        PortableRequest::prompt("Weather in Seattle?").tool(weather_tool()),
        "call_1",
        "get_weather",
        json!({"location": "Seattle, WA"}),
        json!({"temperature_f": 54}),
    );
    let body = Jamba.build(&req, model(MINI)).unwrap();
    assert_eq!(
        body["tools"][0],
        json!({"type": "function", "function": {"name": "get_weather",
               "description": "Current weather for a place.",
               "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}})
    );
    assert_eq!(
        body["messages"][1],
        json!({"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function",
               "function": {"name": "get_weather", "arguments": "{\"location\":\"Seattle, WA\"}"}}]})
    );
    assert_eq!(
        body["messages"][2],
        json!({"role": "tool", "content": "{\"temperature_f\":54}", "tool_call_id": "call_1"})
    );
    assert_eq!(body["messages"].as_array().unwrap().len(), 3);
}

#[test]
fn refuses_what_jamba_cannot_express() {
    let image = Message {
        role: Role::User,
        content: vec![ContentBlock::image(ImageFormat::Png, vec![1])],
    };
    let failed = Message {
        role: Role::User,
        content: vec![ContentBlock::ToolResult {
            tool_use_id: "c".into(),
            content: vec![],
            is_error: true,
        }],
    };
    assert_refuses_on(
        &Jamba,
        [
            (
                PortableRequest::default().message(image),
                LARGE,
                "image content",
            ),
            (PortableRequest::prompt("x").top_k(5), LARGE, "top_k"),
            (
                PortableRequest::prompt("x").tool(weather_tool()),
                JAMBA_INSTRUCT,
                "tool use with Jamba-Instruct",
            ),
            (
                PortableRequest::prompt("x").tool_choice(ToolChoice::Any),
                LARGE,
                "tool choice",
            ),
            (PortableRequest::default(), LARGE, "no messages"),
            (
                PortableRequest::default().message(failed),
                MINI,
                "marked as an error",
            ),
        ]
        .map(|(req, id, feature)| (req, model(id), feature)),
    );
}

#[test]
fn parses_the_recorded_response() {
    assert_recorded_turn(&Jamba, "Jamba", usage(15, 14));
}

#[test]
fn parses_a_recorded_tool_call() {
    let resp = Jamba.parse(&recorded_in(NAME, "tool_use")).unwrap();
    assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
    assert_eq!(resp.text, "");
    assert_eq!(resp.tool_calls[0].name, "get_weather");
    assert_eq!(resp.tool_calls[0].input["location"], "Seattle, WA");
    assert_eq!(stop_reason("length", false), StopReason::MaxTokens);
}

#[test]
fn parses_the_recorded_stream() {
    let resp = accumulate(&Jamba, recorded_chunks(NAME));
    assert!(resp.text.contains("Jamba"), "{}", resp.text);
    assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
    assert_eq!(resp.usage.unwrap().output_tokens, 14);
    assert!(resp.metrics.is_some());
}

#[test]
fn streamed_tool_call_pieces_are_assembled() {
    let mut acc = StreamAccumulator::new();
    for chunk in [
        r#"{"id":"c","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_9","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}"#,
        r#"{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"location\":"}}]}}]}"#,
        r#"{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Seattle, WA\"}"}}]},"finish_reason":"tool_calls"}]}"#,
    ] {
        acc.feed(&Jamba, chunk.as_bytes()).unwrap();
    }
    let resp = acc.finish().unwrap();
    assert_eq!(resp.tool_calls[0].id, "call_9");
    assert_eq!(resp.tool_calls[0].input["location"], "Seattle, WA");
    assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
}

fn ctx() -> RenderContext<'static> {
    crate::family::test_support::ctx(MINI)
}

#[test]
fn read_request_inverts_build() {
    let call =
        |id: &str, city: &str| ContentBlock::tool_use(id, "get_weather", json!({"location": city}));
    // Tool results are sent as text, so the request's are text.
    let result = |id: &str, text: &str| ContentBlock::tool_result(id, text);
    assert_reads_back_by_id(
        &Jamba,
        [
            (
                PortableRequest::prompt("which llm are you?")
                    .max_tokens(100)
                    .top_p(0.8)
                    .temperature(0.7),
                LARGE,
            ),
            (
                PortableRequest::prompt("Who was the first emperor of Rome?")
                    .system("You are a history teacher.")
                    .message(Message::assistant("Augustus."))
                    .message(Message::user("Who came after him?"))
                    .stop_sequence("##")
                    .stop_sequence("END"),
                JAMBA_INSTRUCT,
            ),
            (
                PortableRequest::prompt("Weather in Seattle and Paris?")
                    .system("Use the tools.")
                    .tool(weather_tool())
                    .message(Message::new(
                        Role::Assistant,
                        vec![
                            ContentBlock::Text("Checking both.".into()),
                            call("call_1", "Seattle, WA"),
                            call("call_2", "Paris"),
                        ],
                    ))
                    .message(Message::new(
                        Role::User,
                        vec![
                            result("call_1", "54F"),
                            result("call_2", "{\"c\":12}"),
                            ContentBlock::Text("Answer in Celsius.".into()),
                        ],
                    ))
                    .message(Message::new(Role::Assistant, vec![call("call_3", "Paris")]))
                    .message(Message::new(Role::User, vec![result("call_3", "12C")]))
                    .max_tokens(200),
                MINI,
            ),
        ],
    );
}

#[test]
fn read_request_takes_a_single_stop_string() {
    let body = request_fixture("jamba", "stop_string");
    let bytes = serde_json::to_vec(&body).unwrap();
    let model = model(JAMBA_INSTRUCT);

    let req = Jamba.read_request(&bytes, model).unwrap();

    assert_eq!(req.params.stop_sequences, vec!["six".to_string()]);
    assert_eq!(req.params.top_p, Some(0.01));
    let rebuilt = Jamba.build(&req, model).unwrap();
    assert_eq!(rebuilt["stop"], json!(["six"]));
}

#[test]
fn read_request_refuses_bad_bodies() {
    let bad = [
        &br#"{"messages": "hi"}"#[..],
        br#"{"messages": [], "top_k": 5}"#,
        br#"{"messages": [], "stop": 5}"#,
        br#"{"messages": [{"role": "assistant", "tool_calls": [{"id": "a", "type": "function", "function": {"name": "f", "arguments": "{oops"}}]}]}"#,
    ];
    assert_unreadable_requests(&Jamba, model(MINI), bad);
}

#[test]
fn rendered_responses_and_chunks_parse_back() {
    let usage = usage(15, 14);
    let [whole, cut] = text_answers(
        "I am Jamba, a large language model built by AI21 Labs.",
        "I am Jamba, a large",
        usage,
    );
    let calls = vec![
        call(
            "call_4f2a9c1e",
            "get_weather",
            json!({"location": "Seattle, WA"}),
        ),
        call("call_5", "get_time", json!({})),
    ];
    let answers = [whole, cut, tool_answer("Let me check.", calls, usage)];
    assert_streams_back(&Jamba, &ctx(), answers, |_, body, chunks| {
        assert_eq!(body["id"], "chatcmpl-01234567-89ab-cdef-0123-456789abcdef");
        assert_eq!(body["usage"]["total_tokens"], 29);
        assert!(chunks.len() > 2);
    });
}

#[test]
fn rendered_bodies_and_chunks_have_the_recorded_keys() {
    for file in ["default", "tool_use"] {
        let recorded_body: Value = serde_json::from_slice(&recorded_in(NAME, file)).unwrap();
        let resp = Jamba.parse(&recorded_in(NAME, file)).unwrap();
        let body = Jamba.render_response(&resp, &ctx()).unwrap();
        assert_eq!(keys(&body), keys(&recorded_body), "{file}");
        let (choice, want) = (&body["choices"][0], &recorded_body["choices"][0]);
        assert_eq!(keys(choice), keys(want), "{file}");
        assert_eq!(keys(&choice["message"]), keys(&want["message"]), "{file}");
        assert_eq!(
            choice["message"]["content"], want["message"]["content"],
            "{file}"
        );
        assert_eq!(
            keys(&body["usage"]),
            keys(&recorded_body["usage"]),
            "{file}"
        );
    }
    let recorded_stream: Vec<Value> = recorded_chunk_values(NAME, "default");
    let resp = Jamba.parse(&recorded(NAME)).unwrap();
    let chunks = Jamba.render_chunks(&resp, &ctx()).unwrap();
    for (chunk, like) in [
        (&chunks[0], &recorded_stream[0]),
        (&chunks[1], &recorded_stream[1]),
        (chunks.last().unwrap(), recorded_stream.last().unwrap()),
    ] {
        let want = keys(like);
        assert_eq!(keys(chunk), want, "{chunk}");
        let (delta, want_delta) = (&chunk["choices"][0]["delta"], &like["choices"][0]["delta"]);
        assert_eq!(keys(delta), keys(want_delta), "{chunk}");
        assert_eq!(
            chunk["choices"][0]["finish_reason"],
            like["choices"][0]["finish_reason"]
        );
    }
}

#[test]
fn a_malformed_body_is_an_error() {
    let err = Jamba.parse(br#"{"id":"x","choices":[]}"#).unwrap_err();
    assert!(err.to_string().contains("`choices` is empty"));
    let bad_args = br#"{"choices":[{"index":0,"message":{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{oops"}}]},"finish_reason":"stop"}]}"#;
    assert!(Jamba.parse(bad_args).is_err());
    assert!(Jamba
        .parse_chunk(br#"{"delta":{}}"#, &mut StreamAccumulator::new())
        .is_err());
}
