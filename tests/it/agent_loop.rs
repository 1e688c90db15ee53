//! An agent loop (ask, tool call, tool result, answer) runs against the
//! fake with no rules: the tool policy calls the tool the question is
//! about and answers its result in text.

use crate::support::pinned;
use bedrock_harness::fake::{FakeBedrock, FakeConfig, ToolPolicy};
use bedrock_harness::{
    ContentBlock, Invoker, Message, PortableRequest, PortableResponse, Role, StopReason,
    ToolResultContent, ToolSpec,
};
use serde_json::json;

fn weather_tools() -> PortableRequest {
    PortableRequest::prompt("What's the weather in Paris today?")
        .max_tokens(512)
        .tool(
            ToolSpec::new(
                "get_weather",
                json!({"type": "object", "properties": {"city": {"type": "string", "description": "The city"}}, "required": ["city"]}),
            )
            .description("Current weather for a city"),
        )
        .tool(
            ToolSpec::new(
                "book_flight",
                json!({"type": "object", "properties": {"to": {"type": "string"}}, "required": ["to"]}),
            )
            .description("Book a flight"),
        )
}

/// One call of `id` through Converse or InvokeModel.
async fn call(
    invoker: &Invoker,
    id: &str,
    converse: bool,
    req: PortableRequest,
) -> PortableResponse {
    let answer = if converse {
        invoker.converse(id, &req).await
    } else {
        invoker.invoke(id, &req).await
    };
    answer.unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// The loop: the model's call, the tool's result sent back, the answer.
async fn run(invoker: &Invoker, id: &str, converse: bool) -> (PortableResponse, PortableResponse) {
    let call = |req| call(invoker, id, converse, req);
    let ask = weather_tools();
    let first = call(ask.clone()).await;
    let calls: Vec<ContentBlock> = first
        .tool_calls
        .iter()
        .map(|c| ContentBlock::tool_use(c.id.clone(), c.name.clone(), c.input.clone()))
        .collect();
    let results = first
        .tool_calls
        .iter()
        .map(|c| ContentBlock::ToolResult {
            tool_use_id: c.id.clone(),
            content: vec![ToolResultContent::Text("18°C and sunny".into())],
            is_error: false,
        })
        .collect();
    let follow_up = ask
        .message(Message::new(Role::Assistant, calls))
        .message(Message::new(Role::User, results));
    let second = call(follow_up).await;
    (first, second)
}

fn assert_completes(id: &str, first: &PortableResponse, second: &PortableResponse) {
    assert_eq!(
        first.stop_reason,
        Some(StopReason::ToolUse),
        "{id}: {first:?}"
    );
    assert_eq!(first.tool_calls.len(), 1, "{id}: {first:?}");
    assert_eq!(first.tool_calls[0].name, "get_weather");
    assert!(
        first.tool_calls[0].input["city"].is_string(),
        "{id}: {first:?}"
    );
    assert!(second.tool_calls.is_empty(), "{id}: {second:?}");
    assert!(
        second.text.contains("18°C and sunny"),
        "{id}: {}",
        second.text
    );
}

#[tokio::test]
async fn an_agent_loop_completes_through_converse_and_invoke_model() {
    let fake = FakeBedrock::start_with(pinned()).await.unwrap();
    let invoker = Invoker::new(fake.client());
    for (id, converse) in [
        ("amazon.nova-lite-v1:0", true),
        ("us.anthropic.claude-haiku-4-5-20251001-v1:0", true),
        ("us.anthropic.claude-haiku-4-5-20251001-v1:0", false),
        ("openai.gpt-oss-20b-1:0", false),
    ] {
        let (first, second) = run(&invoker, id, converse).await;
        assert_completes(id, &first, &second);
    }
}

#[tokio::test]
async fn the_never_policy_answers_in_text_as_before() {
    let fake = FakeBedrock::start_with(FakeConfig {
        tool_policy: ToolPolicy::Never,
        ..pinned()
    })
    .await
    .unwrap();
    let answer = Invoker::new(fake.client())
        .converse("amazon.nova-lite-v1:0", &weather_tools())
        .await
        .unwrap();
    assert!(answer.tool_calls.is_empty(), "{answer:?}");
    assert!(!answer.text.is_empty());
}

#[tokio::test]
async fn several_matching_tools_are_called_in_parallel() {
    let fake = FakeBedrock::start_with(pinned()).await.unwrap();
    let mut req = weather_tools();
    req.messages = vec![Message::user(
        "Check the weather in Paris, then book a flight to Paris",
    )];
    let answer = Invoker::new(fake.client())
        .converse("amazon.nova-lite-v1:0", &req)
        .await
        .unwrap();
    let names: Vec<&str> = answer.tool_calls.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{answer:?}");
    assert!(names.contains(&"get_weather") && names.contains(&"book_flight"));
    assert_ne!(answer.tool_calls[0].id, answer.tool_calls[1].id);
}

#[tokio::test]
async fn a_rule_sets_the_tool_policy_for_the_calls_it_matches() {
    let fake = FakeBedrock::start_with(pinned()).await.unwrap();
    fake.rule(
        bedrock_harness::fake::Rule::tool_policy(ToolPolicy::Never)
            .for_model("amazon.nova-lite-v1:0"),
    );
    let invoker = Invoker::new(fake.client());
    let never = invoker
        .converse("amazon.nova-lite-v1:0", &weather_tools())
        .await
        .unwrap();
    assert!(never.tool_calls.is_empty(), "{never:?}");
    let auto = invoker
        .converse("amazon.nova-pro-v1:0", &weather_tools())
        .await
        .unwrap();
    assert_eq!(auto.tool_calls.len(), 1, "{auto:?}");
}
