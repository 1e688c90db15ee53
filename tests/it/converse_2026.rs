//! Converse's 2026 fields through the Rust SDK: system-role messages, the
//! service tier and latency setting echoed, and the service model's
//! refusals in AWS's words.

use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConversationRole, Message, PerformanceConfigLatency, PerformanceConfiguration,
    ServiceTier, ServiceTierType,
};

const OPUS_4_8: &str = "us.anthropic.claude-opus-4-8";

fn turn(role: ConversationRole, text: &str) -> Message {
    Message::builder()
        .role(role)
        .content(ContentBlock::Text(text.into()))
        .build()
        .unwrap()
}

/// A Converse call to `model` that opens with the user's "Hi".
fn ask(
    fake: &bedrock_harness::fake::FakeBedrock,
    model: &str,
) -> aws_sdk_bedrockruntime::operation::converse::builders::ConverseFluentBuilder {
    fake.client()
        .converse()
        .model_id(model)
        .messages(turn(ConversationRole::User, "Hi"))
}

#[tokio::test]
async fn a_system_message_mid_conversation_reaches_a_model_that_takes_it() {
    let fake = crate::support::start().await;
    let out = ask(&fake, OPUS_4_8)
        .messages(turn(ConversationRole::Assistant, "Hello!"))
        .messages(turn(ConversationRole::User, "How are you?"))
        .messages(turn(
            ConversationRole::System,
            "From now on, answer in French.",
        ))
        .send()
        .await
        .unwrap();
    assert!(out.output().unwrap().as_message().is_ok());
    let sent = &fake.journal()[0].body;
    assert_eq!(sent["messages"][3]["role"], "system");

    let refused = ask(&fake, "us.amazon.nova-2-lite-v1:0")
        .messages(turn(ConversationRole::System, "Be brief."))
        .send()
        .await
        .unwrap_err();
    let err = refused.into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
}

#[tokio::test]
async fn the_service_tier_and_latency_asked_for_come_back() {
    let fake = crate::support::start().await;
    let out = ask(&fake, OPUS_4_8)
        .service_tier(
            ServiceTier::builder()
                .r#type(ServiceTierType::Flex)
                .build()
                .unwrap(),
        )
        .performance_config(
            PerformanceConfiguration::builder()
                .latency(PerformanceConfigLatency::Optimized)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(out.service_tier().unwrap().r#type(), &ServiceTierType::Flex);
    assert_eq!(
        out.performance_config().unwrap().latency(),
        &PerformanceConfigLatency::Optimized
    );

    let invoked = fake
        .client()
        .invoke_model()
        .model_id("amazon.titan-embed-text-v2:0")
        .body(br#"{"inputText":"Hi"}"#.to_vec().into())
        .service_tier(ServiceTierType::Priority)
        .send()
        .await
        .unwrap();
    assert_eq!(invoked.service_tier(), Some(&ServiceTierType::Priority));
}

#[tokio::test]
async fn a_value_the_service_model_forbids_is_refused_in_its_words() {
    let fake = crate::support::start().await;
    let state = fake.state();
    let mut req = bedrock_harness::fake::FakeRequest::post(
        "/model/amazon.titan-embed-text-v2:0/invoke",
        br#"{"inputText":"Hi"}"#.to_vec(),
    );
    req.headers
        .push(("x-amzn-bedrock-service-tier".into(), "fast".into()));
    let answer = state.handle(&req);
    assert_eq!(answer.status, 400);
    let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(
        body["message"],
        "1 validation error detected: Value 'fast' at 'serviceTier' failed to satisfy constraint: Member must satisfy enum value set: [priority, default, flex, reserved]"
    );
}

fn document(value: serde_json::Value) -> aws_smithy_types::Document {
    use aws_smithy_types::{Document, Number};
    match value {
        serde_json::Value::Null => Document::Null,
        serde_json::Value::Bool(b) => Document::Bool(b),
        serde_json::Value::Number(n) => Document::Number(Number::PosInt(n.as_u64().unwrap())),
        serde_json::Value::String(s) => Document::String(s),
        serde_json::Value::Array(items) => {
            Document::Array(items.into_iter().map(document).collect())
        }
        serde_json::Value::Object(map) => {
            Document::Object(map.into_iter().map(|(k, v)| (k, document(v))).collect())
        }
    }
}

/// `additionalModelRequestFields` go into the model's native body, where
/// its schema refuses what it does not take, in Bedrock's words.
#[tokio::test]
async fn additional_fields_are_merged_and_checked_by_the_models_schema() {
    let fake = crate::support::start().await;
    let refused = ask(&fake, "us.meta.llama4-maverick-17b-instruct-v1:0")
        .additional_model_request_fields(document(serde_json::json!({"logprobs": true})))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        refused.meta().message(),
        Some("The model returned the following errors: Malformed input request: #: extraneous key [logprobs] is not permitted, please reformat your input and try again.")
    );

    let taken = ask(&fake, "us.anthropic.claude-sonnet-4-5-20250929-v1:0")
        .additional_model_request_fields(document(serde_json::json!({"top_k": 5})))
        .additional_model_response_field_paths("/stop_sequence")
        .additional_model_response_field_paths("/usage/input_tokens")
        .send()
        .await
        .unwrap();
    let fields = taken.additional_model_response_fields().unwrap();
    let fields = fields.as_object().unwrap();
    assert_eq!(
        fields.get("stop_sequence"),
        Some(&aws_smithy_types::Document::Null)
    );
    let usage = fields["usage"].as_object().unwrap();
    assert!(usage.contains_key("input_tokens"), "{usage:?}");
}

/// The stop reasons of 2025–2026 come from rules, on Converse and its
/// stream; a reason Converse lacks is refused when the rule is posted.
#[tokio::test]
async fn a_rule_scripts_the_newer_stop_reasons() {
    use aws_sdk_bedrockruntime::types::{ConverseStreamOutput, StopReason};
    use bedrock_harness::fake::Rule;
    let fake = crate::support::start().await;
    fake.rule(Rule::text_stopping(
        "Partial",
        "model_context_window_exceeded",
    ));
    let out = ask(&fake, OPUS_4_8).send().await.unwrap();
    assert_eq!(out.stop_reason(), &StopReason::ModelContextWindowExceeded);

    fake.reset();
    fake.rule(Rule::text_stopping("{\"city\":", "malformed_model_output"));
    let mut stream = fake
        .client()
        .converse_stream()
        .model_id(OPUS_4_8)
        .messages(turn(ConversationRole::User, "Hi"))
        .send()
        .await
        .unwrap()
        .stream;
    let mut stopped = None;
    while let Some(event) = stream.recv().await.unwrap() {
        if let ConverseStreamOutput::MessageStop(stop) = event {
            stopped = Some(stop.stop_reason().clone());
        }
    }
    assert_eq!(stopped, Some(StopReason::MalformedModelOutput));

    let posted = fake
        .state()
        .handle(&bedrock_harness::fake::FakeRequest::post(
            "/_harness/rules",
            br#"[{"action": {"type": "text", "text": "x", "stop_reason": "tired"}}]"#.to_vec(),
        ));
    assert_eq!(posted.status, 400);
    assert!(String::from_utf8_lossy(&posted.body).contains("must be one of Converse's"));
}

/// `toolRemoval` in a system message takes a tool out of the set the
/// model may call; a later `toolAddition` puts it back.
#[tokio::test]
async fn tool_removal_and_addition_change_the_tools_the_model_may_call() {
    use bedrock_harness::fake::FakeRequest;
    let fake = crate::support::start().await;
    let body = |changes: serde_json::Value| {
        let mut messages = vec![
            serde_json::json!({"role": "user", "content": [{"text": "What's the weather in Oslo?"}]}),
        ];
        if let Some(changes) = changes.as_array() {
            messages.push(serde_json::json!({"role": "system", "content": changes}));
        }
        serde_json::json!({
            "messages": messages,
            "toolConfig": {"tools": [{"toolSpec": {"name": "get_weather",
                "description": "The weather in a city",
                "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}}}}}],
                "toolChoice": {"any": {}}}
        })
    };
    let called = |changes: serde_json::Value| {
        let req = FakeRequest::post(
            "/model/us.anthropic.claude-opus-5/converse",
            body(changes).to_string().into_bytes(),
        );
        let answer = fake.state().handle(&req);
        let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        (
            answer.status,
            json["stopReason"].as_str().unwrap_or_default().to_string(),
        )
    };
    assert_eq!(
        called(serde_json::json!(null)),
        (200, "tool_use".to_string())
    );
    let removal = serde_json::json!({"toolRemoval": {"tool": {"name": "get_weather"}}});
    let addition = serde_json::json!({"toolAddition": {"tool": {"name": "get_weather"}}});
    assert_eq!(
        called(serde_json::json!([removal])),
        (200, "end_turn".to_string())
    );
    assert_eq!(
        called(serde_json::json!([removal, addition])),
        (200, "tool_use".to_string())
    );
}
