//! Unit tests of the `anthropic` family.

use super::*;
use crate::family::test_support::{
    accumulate, answer, assert_renders_back, assert_streams_back, call, ctx, model, recorded,
    recorded_chunks_in, recorded_in, tool_answer, usage, with_tool_exchange,
};
use crate::family::ModelFamily;
use crate::portable::{ImageFormat, Message, ToolSpec};
use serde_json::json;

const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";

#[test]
fn max_tokens_defaults_to_the_models_limit() {
    let body = AnthropicMessages
        .request(&PortableRequest::prompt("x"), model(HAIKU))
        .unwrap();
    assert_eq!(body.max_tokens, 4096);
    assert_eq!(body.anthropic_version, "bedrock-2023-05-31");
}

#[test]
fn tools_images_and_results_become_typed_blocks() {
    let question = PortableRequest::default().message(Message {
        role: Role::User,
        content: vec![
            ContentBlock::Text("What is this?".into()),
            ContentBlock::image(ImageFormat::Png, vec![1, 2, 3]),
        ],
    });
    let req = with_tool_exchange(
        question,
        "toolu_1",
        "lookup",
        json!({"q": "x"}),
        json!({"a": 1}),
    )
    .tool(ToolSpec::new("lookup", json!({"type": "object"})))
    .tool_choice(ToolChoice::Tool("lookup".into()));
    let body = AnthropicMessages.build(&req, model(HAIKU)).unwrap();
    assert_eq!(
        body["messages"][0]["content"][1]["source"]["media_type"],
        "image/png"
    );
    assert_eq!(body["messages"][0]["content"][1]["source"]["data"], "AQID");
    assert_eq!(body["messages"][1]["content"][0]["type"], "tool_use");
    assert_eq!(
        body["messages"][2]["content"][0]["content"][0]["text"],
        r#"{"a":1}"#
    );
    assert_eq!(
        body["tool_choice"],
        json!({"type": "tool", "name": "lookup"})
    );
    assert_eq!(body["tools"][0]["input_schema"], json!({"type": "object"}));
}

#[test]
fn temperature_with_top_p_is_refused_where_the_model_takes_only_one() {
    let both = PortableRequest::prompt("x").temperature(0.5).top_p(0.9);
    let err = AnthropicMessages
        .build(&both, model("anthropic.claude-sonnet-4-5-20250929-v1:0"))
        .unwrap_err();
    assert!(err.to_string().contains("top_p"), "{err}");
    assert!(AnthropicMessages.build(&both, model(HAIKU)).is_ok());
    let one = PortableRequest::prompt("x").temperature(0.5);
    assert!(AnthropicMessages
        .build(&one, model("anthropic.claude-haiku-4-5-20251001-v1:0"))
        .is_ok());
}

#[test]
fn parses_the_recorded_response() {
    let resp = AnthropicMessages.parse(&recorded(NAME)).unwrap();
    assert!(!resp.text.is_empty());
    assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
    assert!(resp.usage.unwrap().output_tokens > 0);
}

#[test]
fn parses_a_recorded_tool_call() {
    let resp = AnthropicMessages
        .parse(&recorded_in(NAME, "tool_use"))
        .unwrap();
    assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
    assert_eq!(resp.tool_calls.len(), 1);
    assert_eq!(resp.tool_calls[0].name, "get_weather");
    assert_eq!(resp.tool_calls[0].input["location"], "Seattle, WA");
}

#[test]
fn streams_text_and_tool_calls() {
    for (file, expect_tool) in [("default", false), ("tool_use", true)] {
        let resp = accumulate(&AnthropicMessages, recorded_chunks_in(NAME, file));
        let usage = resp.usage.unwrap();
        assert!(usage.input_tokens > 0 && usage.output_tokens > 0, "{file}");
        assert!(resp.metrics.is_some(), "{file}");
        if expect_tool {
            assert_eq!(resp.tool_calls[0].input["location"], "Seattle, WA");
            assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
        } else {
            assert!(!resp.text.is_empty());
            assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
        }
    }
}

#[test]
fn read_request_inverts_build() {
    let req = PortableRequest::prompt("What is in the picture?")
        .system("Be brief.")
        .max_tokens(300)
        .temperature(0.2)
        .top_k(40)
        .stop_sequence("END")
        .message(Message::new(
            Role::Assistant,
            vec![ContentBlock::tool_use("toolu_1", "look", json!({"q": 1}))],
        ))
        .message(Message {
            role: Role::User,
            content: vec![
                ContentBlock::ToolResult {
                    tool_use_id: "toolu_1".into(),
                    content: vec![ToolResultContent::Text("a cat".into())],
                    is_error: true,
                },
                ContentBlock::image(ImageFormat::Jpeg, vec![255, 216, 255]),
            ],
        })
        .tool(ToolSpec::new("look", json!({"type": "object"})).description("Looks"))
        .tool_choice(ToolChoice::Any);
    let model = model(HAIKU);
    let body = AnthropicMessages.build_bytes(&req, model).unwrap();
    assert_eq!(AnthropicMessages.read_request(&body, model).unwrap(), req);
}

#[test]
fn rendered_responses_and_chunks_parse_back() {
    let answers = [
        answer(
            "Hello there, how are you today?",
            StopReason::EndTurn,
            usage(12, 8),
        ),
        tool_answer(
            "Let me look.",
            vec![call(
                "toolu_bdrk_1",
                "get_weather",
                json!({"city": "Paris"}),
            )],
            usage(40, 20),
        ),
    ];
    assert_streams_back(&AnthropicMessages, &ctx(HAIKU), answers, |_, body, _| {
        assert_eq!(body["model"], "claude-3-haiku-20240307");
        assert!(body["id"].as_str().unwrap().starts_with("msg_bdrk_"));
    });
}

#[test]
fn an_unknown_chunk_type_is_an_error_not_a_panic() {
    let err = AnthropicMessages
        .parse_chunk(br#"{"type":"surprise"}"#, &mut StreamAccumulator::new())
        .unwrap_err();
    assert!(err
        .to_string()
        .starts_with("anthropic: cannot parse stream chunk"));
}

#[test]
fn a_thinking_budget_must_stay_below_max_tokens() {
    let body = |max: u64, budget: u64| json!({"max_tokens": max, "thinking": {"type": "enabled", "budget_tokens": budget}});
    let sonnet = model("anthropic.claude-3-7-sonnet-20250219-v1:0");
    assert_eq!(
        AnthropicMessages
            .check_body(&body(2048, 2048), sonnet)
            .as_deref(),
        Some("`max_tokens` must be greater than `thinking.budget_tokens`.")
    );
    assert_eq!(
        AnthropicMessages.check_body(&body(4096, 2048), sonnet),
        None
    );
    assert_eq!(
        crate::family::TitanText.check_body(&body(1, 2048), sonnet),
        None
    );
}

const OPUS_5: &str = "anthropic.claude-opus-5";

#[test]
fn thinking_effort_and_reasoning_blocks_read_back() {
    let signed = Reasoning::text("Check the units first.", Some("EqQBCkYIARgC".into()));
    let redacted = Reasoning::Redacted {
        data: "EmwKAhgBEgy3va3pzix".into(),
    };
    let turns = PortableRequest::prompt("How far is 3 km in miles?")
        .max_tokens(4096)
        .message(Message::new(
            Role::Assistant,
            vec![
                ContentBlock::Reasoning(signed),
                ContentBlock::Reasoning(redacted),
                ContentBlock::text("About 1.86 miles."),
            ],
        ))
        .message(Message::user("And 5 km?"));
    crate::family::test_support::assert_reads_back_by_id(
        &AnthropicMessages,
        [
            (
                turns
                    .clone()
                    .thinking(Thinking::Adaptive)
                    .effort(Effort::High),
                OPUS_5,
            ),
            (
                turns.thinking(Thinking::Enabled {
                    budget_tokens: 2048,
                }),
                "anthropic.claude-opus-4-6-v1",
            ),
        ],
    );
}

#[test]
fn adaptive_thinking_and_effort_are_written_as_bedrock_takes_them() {
    let req = PortableRequest::prompt("Hi")
        .thinking(Thinking::Adaptive)
        .effort(Effort::Max);
    let body = AnthropicMessages.build(&req, model(OPUS_5)).unwrap();
    assert_eq!(body["thinking"], json!({"type": "adaptive"}));
    assert_eq!(body["output_config"], json!({"effort": "max"}));
}

#[test]
fn reasoning_renders_before_the_text_and_streams_as_thinking_and_signature_deltas() {
    let ctx = crate::family::test_support::ctx(OPUS_5);
    let resp = PortableResponse {
        reasoning: vec![
            Reasoning::text("The user greets me.", Some("c2lnbmF0dXJl".into())),
            Reasoning::Redacted {
                data: "b3BhcXVl".into(),
            },
        ],
        text: "Hello!".into(),
        stop_reason: Some(StopReason::EndTurn),
        usage: usage(5, 9),
        ..Default::default()
    };
    let body = AnthropicMessages.render_response(&resp, &ctx).unwrap();
    assert_eq!(body["content"][0]["type"], "thinking");
    assert_eq!(body["content"][0]["signature"], "c2lnbmF0dXJl");
    assert_eq!(body["content"][1]["type"], "redacted_thinking");
    assert_eq!(body["content"][2]["text"], "Hello!");
    let chunks = AnthropicMessages.render_chunks(&resp, &ctx).unwrap();
    let deltas: Vec<&str> = chunks
        .iter()
        .filter_map(|c| c["delta"]["type"].as_str())
        .collect();
    assert!(deltas.starts_with(&["thinking_delta"]), "{deltas:?}");
    assert!(deltas.contains(&"signature_delta"), "{deltas:?}");
    assert_renders_back(&AnthropicMessages, &ctx, [resp]);
}

#[test]
fn families_without_reasoning_refuse_a_request_that_asks_for_it() {
    let req = PortableRequest::prompt("Hi").thinking(Thinking::Adaptive);
    let llama = crate::family::family_by_name("llama").unwrap();
    let err = llama
        .build_bytes(&req, model("meta.llama3-3-70b-instruct-v1:0"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "llama: reasoning (thinking, effort or reasoning blocks) is not supported by this model family"
    );
    // Nova reasons on Nova 2 only.
    let nova = crate::family::family_by_name("nova").unwrap();
    let err = nova
        .build_bytes(&req, model("amazon.nova-lite-v1:0"))
        .unwrap_err();
    assert!(err.to_string().contains("reasoning on Nova Lite"), "{err}");
}

#[test]
fn opus_4_8_takes_a_system_message_between_turns_and_older_models_refuse_it() {
    let req = PortableRequest::prompt("Plan a trip.")
        .max_tokens(512)
        .message(Message::new(
            Role::System,
            vec![ContentBlock::text("Answer in French.")],
        ));
    let opus = model("anthropic.claude-opus-4-8");
    let body = AnthropicMessages.build(&req, opus).unwrap();
    assert_eq!(
        body["messages"][1],
        json!({"role": "system", "content": "Answer in French."})
    );
    let read = AnthropicMessages
        .read_request(body.to_string().as_bytes(), opus)
        .unwrap();
    assert_eq!(read.messages[1].role, Role::System);
    assert_eq!(read, req);
    let err = AnthropicMessages
        .build(&req, model("anthropic.claude-opus-4-7"))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("Input should be 'user' or 'assistant'"),
        "{err}"
    );
    let first = PortableRequest::default()
        .max_tokens(512)
        .message(Message::new(
            Role::System,
            vec![ContentBlock::text("Be brief.")],
        ))
        .message(Message::user("Hi"));
    let err = AnthropicMessages.build(&first, opus).unwrap_err();
    assert!(
        err.to_string().contains("cannot be the first message"),
        "{err}"
    );
}
