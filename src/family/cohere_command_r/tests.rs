//! Unit tests of the `cohere_command_r` family.

use super::*;
use crate::family::test_support::{
    accumulate, assert_reads_back, assert_recorded_turn, assert_refuses, assert_streams_back,
    assert_unreadable_requests, call, keys, model, recorded_chunk_values, recorded_chunks_in,
    recorded_in, request_fixture, text_answers, tool_answer, usage,
};
use crate::family::ModelFamily;
use serde_json::json;

const R: &str = "cohere.command-r-v1:0";

fn weather_tool() -> ToolSpec {
    ToolSpec::new(
        "get_weather",
        json!({
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "City and state, e.g. Seattle, WA"},
                "days": {"type": "integer"},
                "units": {"type": "array", "items": {"type": "string"}}
            },
            "required": ["location"]
        }),
    )
    .description("Current weather for a place.")
}

#[test]
fn a_conversation_becomes_preamble_history_and_message() {
    let req = PortableRequest::prompt("Who discovered gravity?")
        .system("You are a helpful physics tutor.")
        .message(Message::assistant(
            "The man who is widely credited with discovering gravity is Sir Isaac Newton.",
        ))
        .message(Message::user("What year was that?"))
        .top_p(0.75)
        .top_k(50)
        .stop_sequence("User:");
    let body = CohereCommandR
        .build(&req, model("cohere.command-r-plus-v1:0"))
        .unwrap();
    assert_eq!(body, request_fixture(NAME, "conversation"));
}

#[test]
fn tools_map_the_json_schema_to_parameter_definitions() {
    let req = PortableRequest::prompt("Weather in Seattle?").tool(weather_tool());
    let body = CohereCommandR.build(&req, model(R)).unwrap();
    let defs = &body["tools"][0]["parameter_definitions"];
    assert_eq!(
        defs["location"],
        json!({"description": "City and state, e.g. Seattle, WA", "type": "str", "required": true})
    );
    assert_eq!(defs["days"], json!({"type": "int", "required": false}));
    assert_eq!(defs["units"]["type"], "List[str]");
    assert_eq!(
        body["tools"][0]["description"],
        "Current weather for a place."
    );
}

#[test]
fn tool_results_name_the_call_they_answer() {
    let req = PortableRequest::prompt("Weather in Seattle?")
        .tool(weather_tool())
        .message(Message::new(
            Role::Assistant,
            vec![
                ContentBlock::Text("I will check.".into()),
                ContentBlock::tool_use("call_0", "get_weather", json!({"location": "Seattle, WA"})),
            ],
        ))
        .message(Message {
            role: Role::User,
            content: vec![
                ContentBlock::ToolResult {
                    tool_use_id: "call_0".into(),
                    content: vec![ToolResultContent::Json(json!({"temperature_f": 54}))],
                    is_error: false,
                },
                ContentBlock::ToolResult {
                    tool_use_id: "call_0".into(),
                    content: vec![ToolResultContent::Text("timeout".into())],
                    is_error: true,
                },
            ],
        });
    let body = CohereCommandR.build(&req, model(R)).unwrap();
    assert_eq!(body["message"], "");
    assert_eq!(
        body["chat_history"][1],
        json!({"role": "CHATBOT", "message": "I will check.",
               "tool_calls": [{"name": "get_weather", "parameters": {"location": "Seattle, WA"}}]})
    );
    assert_eq!(
        body["tool_results"][0],
        json!({"call": {"name": "get_weather", "parameters": {"location": "Seattle, WA"}},
               "outputs": [{"temperature_f": 54}]})
    );
    assert_eq!(
        body["tool_results"][1]["outputs"],
        json!([{"error": "timeout"}])
    );
}

#[test]
fn refuses_what_command_r_cannot_express() {
    let image = Message {
        role: Role::User,
        content: vec![ContentBlock::image(
            crate::portable::ImageFormat::Png,
            vec![1],
        )],
    };
    let orphan_result = Message {
        role: Role::User,
        content: vec![ContentBlock::ToolResult {
            tool_use_id: "nope".into(),
            content: vec![],
            is_error: false,
        }],
    };
    assert_refuses(
        &CohereCommandR,
        model(R),
        [
            (PortableRequest::default().message(image), "image content"),
            (
                PortableRequest::prompt("x").tool_choice(ToolChoice::Any),
                "tool choice",
            ),
            (PortableRequest::default(), "no messages"),
            (
                PortableRequest::prompt("x").message(Message::assistant("y")),
                "ends with an assistant turn",
            ),
            (
                PortableRequest::default().message(orphan_result),
                "call nope",
            ),
        ],
    );
}

#[test]
fn parses_the_recorded_response() {
    let resp = assert_recorded_turn(&CohereCommandR, "hello world", usage(14, 29));
    assert!(resp.tool_calls.is_empty());
}

#[test]
fn parses_a_recorded_tool_call() {
    let resp = CohereCommandR
        .parse(&recorded_in(NAME, "tool_use"))
        .unwrap();
    assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
    assert_eq!(resp.tool_calls.len(), 1);
    assert_eq!(resp.tool_calls[0].id, "call_0");
    assert_eq!(resp.tool_calls[0].name, "get_weather");
    assert_eq!(resp.tool_calls[0].input["location"], "Seattle, WA");
}

#[test]
fn streams_text_and_tool_calls() {
    for (file, expect_tool) in [("default", false), ("tool_use", true)] {
        let resp = accumulate(&CohereCommandR, recorded_chunks_in(NAME, file));
        assert!(resp.metrics.is_some(), "{file}");
        assert!(resp.usage.unwrap().output_tokens > 0, "{file}");
        if expect_tool {
            assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
            assert_eq!(resp.tool_calls[0].id, "call_0");
            assert_eq!(resp.tool_calls[0].input["location"], "Seattle, WA");
        } else {
            assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
            assert!(resp.text.contains("hello world"), "{}", resp.text);
            assert_eq!(resp.usage.unwrap().input_tokens, 14);
        }
    }
}

#[test]
fn unread_events_are_skipped_and_a_missing_event_type_is_an_error() {
    let mut acc = StreamAccumulator::new();
    CohereCommandR
        .parse_chunk(
            br#"{"is_finished":false,"event_type":"tool-calls-chunk","tool_call_delta":{"index":0,"name":"x"}}"#,
            &mut acc,
        )
        .unwrap();
    assert!(acc.drain().is_empty());
    let err = CohereCommandR
        .parse_chunk(br#"{"text":"hi"}"#, &mut acc)
        .unwrap_err();
    assert!(err
        .to_string()
        .starts_with("cohere_command_r: cannot parse stream chunk"));
}

#[test]
fn finish_reasons_map() {
    assert_eq!(stop_reason("MAX_TOKENS"), StopReason::MaxTokens);
    assert_eq!(stop_reason("ERROR_TOXIC"), StopReason::ContentFiltered);
    assert_eq!(
        stop_reason("ERROR_LIMIT"),
        StopReason::Other("ERROR_LIMIT".into())
    );
}

fn ctx() -> RenderContext<'static> {
    crate::family::test_support::ctx(R)
}

#[test]
fn read_request_inverts_build() {
    let model = model(R);
    let call =
        |id: &str, city: &str| ContentBlock::tool_use(id, "get_weather", json!({"location": city}));
    // Tool schemas read back from parameter_definitions: types and
    // descriptions only, `required` in name order.
    let tool = ToolSpec::new(
        "get_weather",
        json!({"type": "object", "properties": {
            "location": {"type": "string", "description": "City and state"},
            "days": {"type": "integer"},
            "units": {"type": "array", "items": {"type": "string"}}
        }, "required": ["location"]}),
    )
    .description("Current weather for a place.");
    assert_reads_back(
        &CohereCommandR,
        model,
        [
            PortableRequest::prompt("Describe a hello world program.")
                .max_tokens(512)
                .temperature(0.5),
            PortableRequest::prompt("Who discovered gravity?")
                .system("You are a physics tutor.")
                .message(Message::assistant("Isaac Newton."))
                .message(Message::user("What year was that?"))
                .max_tokens(100)
                .temperature(0.2)
                .top_p(0.75)
                .top_k(50)
                .stop_sequence("User:")
                .stop_sequence("##"),
            // Tool call ids are synthesised (`call_0`, ... in conversation
            // order), so the request uses those.
            PortableRequest::prompt("Weather in Seattle and Paris?")
                .tool(tool)
                .message(Message::new(
                    Role::Assistant,
                    vec![
                        ContentBlock::Text("I will check.".into()),
                        call("call_0", "Seattle, WA"),
                        call("call_1", "Paris"),
                    ],
                ))
                .message(Message {
                    role: Role::User,
                    content: vec![
                        ContentBlock::ToolResult {
                            tool_use_id: "call_1".into(),
                            content: vec![ToolResultContent::Json(json!({"temperature_c": 12}))],
                            is_error: false,
                        },
                        ContentBlock::ToolResult {
                            tool_use_id: "call_0".into(),
                            content: vec![ToolResultContent::Text("timeout".into())],
                            is_error: true,
                        },
                        ContentBlock::Text("Be brief.".into()),
                    ],
                }),
        ],
    );
}

#[test]
fn read_request_takes_foreign_bodies_and_refuses_bad_ones() {
    let body = br#"{"message": "", "preamble": "Be kind.",
        "chat_history": [{"role": "SYSTEM", "message": "Be brief."}, {"role": "USER", "message": "Hi"}],
        "tool_results": [{"call": {"name": "f", "parameters": {}}, "outputs": [{"text": "ok"}]}],
        "documents": [{"title": "t", "snippet": "s"}]}"#;
    let req = CohereCommandR.read_request(body, model(R)).unwrap();
    assert_eq!(req.system.as_deref(), Some("Be kind.\nBe brief."));
    assert_eq!(req.messages.len(), 2);
    assert_eq!(
        req.messages[1].content,
        vec![ContentBlock::tool_result("call_0", "ok")]
    );
    assert_unreadable_requests(
        &CohereCommandR,
        model(R),
        [
            &b"{}"[..],
            br#"{"message": 1}"#,
            br#"{"message": "x", "nope": 1}"#,
        ],
    );
}

#[test]
fn rendered_responses_and_chunks_parse_back() {
    let usage = usage(14, 29);
    let [whole, cut] = text_answers(
        "A hello world program prints a greeting to show the toolchain works.",
        "A hello world program prints",
        usage,
    );
    // Cohere sends no call ids; `call_0`, ... are what parsing gives.
    let calls = vec![
        call("call_0", "get_weather", json!({"location": "Seattle, WA"})),
        call("call_1", "get_time", json!({})),
    ];
    let answers = [
        whole,
        cut,
        tool_answer("I will look up the weather.", calls, usage),
    ];
    assert_streams_back(&CohereCommandR, &ctx(), answers, |resp, body, chunks| {
        assert_eq!(body["response_id"], "01234567-89ab-cdef-0123-456789abcdef");
        if resp.tool_calls.is_empty() {
            assert!(chunks.len() > 3, "{chunks:?}");
        }
    });
}

#[test]
fn rendered_bodies_and_chunks_have_the_recorded_keys() {
    for (file, calls) in [
        ("default", vec![]),
        (
            "tool_use",
            vec![ToolCall {
                id: "call_0".into(),
                name: "get_weather".into(),
                input: json!({"location": "Seattle, WA"}),
            }],
        ),
    ] {
        let resp = CohereCommandR.parse(&recorded_in(NAME, file)).unwrap();
        assert_eq!(resp.tool_calls, calls, "{file}");
        let recorded: Value = serde_json::from_slice(&recorded_in(NAME, file)).unwrap();
        let body = CohereCommandR.render_response(&resp, &ctx()).unwrap();
        assert_eq!(keys(&body), keys(&recorded), "{file}");
        assert_eq!(body["chat_history"][0]["role"], "CHATBOT");
        assert_eq!(body["meta"], recorded["meta"], "{file}");

        let recorded_chunks: Vec<Value> = recorded_chunk_values(NAME, file);
        let rendered = CohereCommandR.render_chunks(&resp, &ctx()).unwrap();
        let kinds = |chunks: &[Value]| {
            let mut kinds: Vec<String> = chunks
                .iter()
                .map(|c| c["event_type"].as_str().unwrap().to_string())
                .collect();
            kinds.dedup();
            kinds
        };
        assert_eq!(kinds(&rendered), kinds(&recorded_chunks), "{file}");
        for chunk in &rendered {
            let like = recorded_chunks
                .iter()
                .find(|c| c["event_type"] == chunk["event_type"])
                .unwrap();
            let want = keys(like);
            assert_eq!(keys(chunk), want, "{file}: {chunk}");
        }
    }
}

#[test]
fn a_malformed_body_is_an_error() {
    let err = CohereCommandR.parse(br#"{"text": 5}"#).unwrap_err();
    assert!(err
        .to_string()
        .starts_with("cohere_command_r: cannot parse response"));
    assert!(CohereCommandR.parse(b"not json").is_err());
}
