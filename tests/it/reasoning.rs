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

const GPT_OSS: &str = "openai.gpt-oss-120b-1:0";

/// The raw InvokeModel answer's message content.
async fn raw_content(fake: &FakeBedrock, model: &str, body: serde_json::Value) -> String {
    let out = fake
        .client()
        .invoke_model()
        .model_id(model)
        .body(body.to_string().into_bytes().into())
        .send()
        .await
        .unwrap();
    let answer: serde_json::Value = serde_json::from_slice(out.body().as_ref()).unwrap();
    answer["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .to_string()
}

/// OpenAI's models reason unasked: the answer opens with the reasoning in
/// `<reasoning>` tags, read back apart from the text, in invoke and stream,
/// and counted in the output tokens; `reasoning_effort: "none"` (GPT-5.6)
/// turns it off; a model of the family that does not show its reasoning
/// (Qwen3) answers with text alone.
#[tokio::test]
async fn an_openai_model_answers_with_its_reasoning_in_tags() {
    let fake = crate::support::start().await;
    let question =
        serde_json::json!({"messages": [{"role": "user", "content": "Plan a weekend in Lisbon"}]});
    for model in [GPT_OSS, "us.openai.gpt-5.6-sol"] {
        let content = raw_content(&fake, model, question.clone()).await;
        assert!(content.starts_with("<reasoning>"), "{model}: {content}");
        let (_, text) = content.split_once("</reasoning>").unwrap();
        assert!(!text.is_empty(), "{model}: {content}");
    }
    let mut off = question.clone();
    off["reasoning_effort"] = "none".into();
    let content = raw_content(&fake, "us.openai.gpt-5.6-sol", off).await;
    assert!(!content.contains("reasoning>"), "{content}");
    let content = raw_content(&fake, "qwen.qwen3-32b-v1:0", question).await;
    assert!(!content.contains("reasoning>"), "{content}");

    let invoker = Invoker::new(fake.client());
    let req = PortableRequest::prompt("Plan a weekend in Lisbon").effort(Effort::Low);
    for (how, resp) in [
        ("invoke", invoker.invoke(GPT_OSS, &req).await.unwrap()),
        (
            "stream",
            collect(invoker.invoke_stream(GPT_OSS, &req).await.unwrap())
                .await
                .unwrap(),
        ),
    ] {
        let [Reasoning::Text { text: thought, .. }] = resp.reasoning.as_slice() else {
            panic!("{how}: expected one thought, got {:?}", resp.reasoning);
        };
        assert!(!thought.is_empty(), "{how}");
        assert!(!resp.text.contains("reasoning>"), "{how}: {}", resp.text);
        let text_tokens = resp.text.len().div_ceil(4) as u32;
        let output = resp.usage.unwrap().output_tokens;
        assert!(
            output > text_tokens,
            "{how}: {output} tokens for the text alone"
        );
    }
    let journal = fake.journal();
    assert_eq!(journal.last().unwrap().body["reasoning_effort"], "low");

    // gpt-oss's Converse answers carry its reasoning, unsigned, as a
    // recorded answer shows; GPT-5.6's show none.
    let conversed = invoker.converse(GPT_OSS, &req).await.unwrap();
    let [Reasoning::Text { signature, .. }] = conversed.reasoning.as_slice() else {
        panic!("expected one thought, got {:?}", conversed.reasoning);
    };
    assert_eq!(signature, &None);
    assert!(!conversed.text.contains("reasoning>"), "{}", conversed.text);
    let conversed = invoker
        .converse("us.openai.gpt-5.6-sol", &req)
        .await
        .unwrap();
    assert!(conversed.reasoning.is_empty(), "{:?}", conversed.reasoning);
    assert!(!conversed.text.is_empty());
}

const NOVA_2_LITE: &str = "us.amazon.nova-2-lite-v1:0";

/// Nova 2 Lite thinks when asked and shows its reasoning as `[REDACTED]`,
/// counting the tokens all the same, by InvokeModel, its stream and
/// Converse (`additionalModelRequestFields.reasoningConfig`).
#[tokio::test]
async fn nova_2_lite_answers_with_redacted_reasoning_it_still_counts() {
    use aws_sdk_bedrockruntime::types::{
        ContentBlock as SdkBlock, ConversationRole, Message as SdkMessage,
    };
    use aws_smithy_types::Document;
    let fake = crate::support::start().await;
    let invoker = Invoker::new(fake.client());
    let req = PortableRequest::prompt("Plan a weekend in Lisbon").effort(Effort::Low);

    let invoked = invoker.invoke(NOVA_2_LITE, &req).await.unwrap();
    let streamed = collect(invoker.invoke_stream(NOVA_2_LITE, &req).await.unwrap())
        .await
        .unwrap();
    for (how, resp) in [("invoke", &invoked), ("stream", &streamed)] {
        assert_eq!(
            resp.reasoning,
            vec![Reasoning::text("[REDACTED]", None)],
            "{how}"
        );
        let text_tokens = resp.text.len().div_ceil(4) as u32;
        assert!(
            resp.usage.unwrap().output_tokens > text_tokens + 3,
            "{how}: {:?}",
            resp.usage
        );
    }
    let sent = &fake.journal()[0].body;
    assert_eq!(sent["reasoningConfig"]["type"], "enabled");
    assert_eq!(sent["reasoningConfig"]["maxReasoningEffort"], "low");

    let config = Document::Object(
        [(
            "reasoningConfig".to_string(),
            Document::Object(
                [("type".to_string(), Document::String("enabled".into()))]
                    .into_iter()
                    .collect(),
            ),
        )]
        .into_iter()
        .collect(),
    );
    let out = fake
        .client()
        .converse()
        .model_id(NOVA_2_LITE)
        .messages(
            SdkMessage::builder()
                .role(ConversationRole::User)
                .content(SdkBlock::Text("Plan a weekend in Lisbon".into()))
                .build()
                .unwrap(),
        )
        .additional_model_request_fields(config)
        .send()
        .await
        .unwrap();
    let content = out.output.unwrap();
    let blocks = content.as_message().unwrap().content();
    let thought = blocks[0]
        .as_reasoning_content()
        .unwrap()
        .as_reasoning_text()
        .unwrap();
    assert_eq!(thought.text(), "[REDACTED]");
    assert!(blocks[1].is_text());
}

/// DeepSeek-R1 always reasons: Converse shows it as `reasoningContent`
/// before the text; InvokeModel writes it before `</think>`.
#[tokio::test]
async fn deepseek_r1_shows_its_reasoning_as_converse_reasoning_content() {
    let fake = crate::support::start().await;
    let invoker = Invoker::new(fake.client());
    let req = PortableRequest::prompt("Why do programs print hello world?").max_tokens(512);
    let r1 = "us.deepseek.r1-v1:0";
    for (how, resp) in [
        ("converse", invoker.converse(r1, &req).await.unwrap()),
        (
            "converse stream",
            collect(invoker.converse_stream(r1, &req).await.unwrap())
                .await
                .unwrap(),
        ),
        ("invoke", invoker.invoke(r1, &req).await.unwrap()),
    ] {
        assert_eq!(resp.reasoning.len(), 1, "{how}: {resp:?}");
        assert!(!resp.text.contains("</think>"), "{how}: {}", resp.text);
        assert!(!resp.text.is_empty(), "{how}");
    }
}

/// Kimi K2 Thinking reasons unasked: its InvokeModel answer opens with
/// `<reasoning>` tags (client code), and ConverseStream sends the reasoning
/// as unsigned `reasoningContent` deltas (a recorded stream).
#[tokio::test]
async fn kimi_k2_thinking_streams_its_reasoning_unsigned_in_converse() {
    let fake = crate::support::start().await;
    let question = serde_json::json!({"messages": [{"role": "user", "content": "Hi"}]});
    let content = raw_content(&fake, "moonshot.kimi-k2-thinking", question).await;
    assert!(content.starts_with("<reasoning>"), "{content}");
    let invoker = Invoker::new(fake.client());
    let req = PortableRequest::prompt("Plan a weekend in Lisbon");
    let streamed = collect(
        invoker
            .converse_stream("moonshot.kimi-k2-thinking", &req)
            .await
            .unwrap(),
    )
    .await
    .unwrap();
    let [Reasoning::Text { text, signature }] = streamed.reasoning.as_slice() else {
        panic!("expected one thought, got {:?}", streamed.reasoning);
    };
    assert!(!text.is_empty());
    assert_eq!(signature, &None);
    assert!(!streamed.text.contains("reasoning>"), "{}", streamed.text);
}
