//! Reasoning end to end: Claude's thinking through `aws-sdk-bedrockruntime`
//! against the fake, over InvokeModel, Converse and both streams, and the
//! model's own refusals as Converse passes them on.

use bedrock_harness::fake::FakeBedrock;
use bedrock_harness::{
    collect, ContentBlock, Effort, Error, Invoker, Message, PortableRequest, PortableResponse,
    Reasoning, Role, Thinking,
};

const OPUS_5: &str = "us.anthropic.claude-opus-5";

fn thinking_request() -> PortableRequest {
    PortableRequest::prompt("Plan a weekend in Lisbon")
        .max_tokens(2048)
        .thinking(Thinking::Adaptive)
        .effort(Effort::High)
}

fn assert_thought(resp: &PortableResponse, how: &str) {
    match resp.reasoning.as_slice() {
        [Reasoning::Text { text, signature }] => {
            assert!(text.contains("Plan a weekend in Lisbon"), "{how}: {text}");
            assert!(signature.as_deref().is_some_and(|s| !s.is_empty()), "{how}");
        }
        other => panic!("{how}: expected one signed thought, got {other:?}"),
    }
    assert!(!resp.text.is_empty(), "{how}: no text after the thought");
}

#[tokio::test]
async fn a_thinking_answer_arrives_whole_by_every_operation() {
    let fake = FakeBedrock::start().await;
    let invoker = Invoker::for_endpoint(&fake.uri());
    let req = thinking_request();

    assert_thought(&invoker.invoke(OPUS_5, &req).await.unwrap(), "invoke");
    let streamed = collect(invoker.invoke_stream(OPUS_5, &req).await.unwrap()).await;
    assert_thought(&streamed.unwrap(), "invoke stream");
    assert_thought(&invoker.converse(OPUS_5, &req).await.unwrap(), "converse");
    let streamed = collect(invoker.converse_stream(OPUS_5, &req).await.unwrap()).await;
    assert_thought(&streamed.unwrap(), "converse stream");
}

#[tokio::test]
async fn converse_takes_a_thought_back_and_sends_the_settings_on() {
    let fake = FakeBedrock::start().await;
    let invoker = Invoker::for_endpoint(&fake.uri());
    let first = invoker.converse(OPUS_5, &thinking_request()).await.unwrap();
    let mut turn = first
        .reasoning
        .into_iter()
        .map(ContentBlock::Reasoning)
        .collect::<Vec<_>>();
    turn.push(ContentBlock::text(first.text));
    let follow_up = thinking_request()
        .message(Message::new(Role::Assistant, turn))
        .message(Message::user("And on a rainy day?"));

    let resp = invoker.converse(OPUS_5, &follow_up).await.unwrap();

    assert!(!resp.text.is_empty());
    let journal = fake.journal();
    let sent = &journal.last().unwrap().body;
    assert_eq!(
        sent["additionalModelRequestFields"]["thinking"]["type"],
        "adaptive"
    );
    assert_eq!(sent["outputConfig"]["effort"], "high");
    let thought = &sent["messages"][1]["content"][0]["reasoningContent"]["reasoningText"];
    assert!(
        thought["signature"].as_str().is_some_and(|s| !s.is_empty()),
        "{sent}"
    );
}

#[tokio::test]
async fn converse_passes_the_models_refusal_on_with_its_prefix() {
    let fake = FakeBedrock::start().await;
    let invoker = Invoker::for_endpoint(&fake.uri());
    let manual = PortableRequest::prompt("Hi")
        .max_tokens(4096)
        .thinking(Thinking::Enabled {
            budget_tokens: 2048,
        });

    let err = invoker.converse(OPUS_5, &manual).await.unwrap_err();

    match err {
        Error::Service {
            name,
            status,
            message,
        } => {
            assert_eq!((name.as_str(), status), ("ValidationException", 400));
            assert_eq!(
                message,
                "The model returned the following errors: \"thinking.type.enabled\" is not supported for this model. Use \"thinking.type.adaptive\" and \"output_config.effort\" to control thinking behavior."
            );
        }
        other => panic!("expected Bedrock's refusal, got {other}"),
    }
}

#[tokio::test]
async fn a_model_whose_body_has_no_reasoning_takes_a_history_with_some() {
    let fake = FakeBedrock::start().await;
    let invoker = Invoker::for_endpoint(&fake.uri());
    let history = PortableRequest::prompt("Hi")
        .message(Message::new(
            Role::Assistant,
            vec![
                ContentBlock::Reasoning(Reasoning::text("A greeting.", None)),
                ContentBlock::text("Hello!"),
            ],
        ))
        .message(Message::user("How are you?"));

    let resp = invoker
        .converse("us.amazon.nova-2-lite-v1:0", &history)
        .await
        .unwrap();

    assert!(!resp.text.is_empty());
}
