//! The invoke layer end to end through `aws-sdk-bedrockruntime`, against
//! plain wiremock stubs that answer each family's recorded response.

use crate::support::{first_model, recording, stub_converse_stream, stub_invoke_stream, stub_json};
use bedrock_harness::eventstream::{chunk_message, encode, exception_message};
use bedrock_harness::{
    families, ContentBlock, Error, Invoker, Message, ModelInfo, Output, PortableRequest, Role,
    StopReason, StreamAccumulator, StreamEvent, ToolSpec,
};
use futures::StreamExt;
use serde_json::{json, Value};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A request every model of `model`'s kind can express.
fn request_for(model: &ModelInfo) -> PortableRequest {
    match model.output {
        Output::Text if model.family == "twelvelabs_pegasus" => crate::support::video_question(),
        Output::Text => PortableRequest::prompt("Hello").max_tokens(64),
        Output::Image if model.family == "stability_services" => {
            crate::support::image_service_request(model)
        }
        Output::Embedding | Output::Image => PortableRequest::prompt("A lighthouse at dawn"),
        Output::Rerank => PortableRequest::prompt("Which city is the capital of France?").rerank(
            bedrock_harness::RerankOptions::documents([
                "Berlin is in Germany.",
                "Paris is the capital of France.",
            ]),
        ),
    }
}

#[tokio::test]
async fn every_family_invokes_through_the_sdk() {
    for family in families() {
        let model = first_model(family.name());
        let recorded = recording(family.name()).invoke.expect("an invoke body");
        let server = MockServer::start().await;
        stub_json(&server, "invoke", 200, &recorded).await;
        let req = request_for(model);

        let resp = Invoker::for_endpoint(&server.uri())
            .invoke(&model.id, &req)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", family.name()));

        let expected = family
            .parse(&serde_json::to_vec(&recorded).unwrap())
            .unwrap();
        assert_eq!(resp, expected, "{}", family.name());
        let sent = &server.received_requests().await.unwrap()[0];
        let sent_body: Value = serde_json::from_slice(&sent.body).unwrap();
        assert_eq!(
            sent_body,
            family.build(&req, model).unwrap(),
            "{}",
            family.name()
        );
        assert!(
            sent.url.path().contains(&model.id.replace(':', "%3A")),
            "{}: {}",
            family.name(),
            sent.url.path()
        );
    }
}

#[tokio::test]
async fn every_streaming_family_streams_real_event_stream_frames() {
    let mut streamed = 0;
    for family in families() {
        let model = first_model(family.name());
        let recording = recording(family.name());
        let Some(chunks) = recording.stream.as_ref() else {
            assert!(
                !model.streaming,
                "{} streams but has no recorded stream",
                family.name()
            );
            continue;
        };
        let server = MockServer::start().await;
        stub_invoke_stream(&server, chunks).await;

        let resp = Invoker::for_endpoint(&server.uri())
            .invoke_stream_collect(&model.id, &request_for(model))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", family.name()));

        let mut direct = StreamAccumulator::new();
        for chunk in chunks {
            direct
                .feed(*family, &serde_json::to_vec(chunk).unwrap())
                .unwrap();
        }
        let expected = direct.finish().unwrap();
        assert_eq!(resp, expected, "{}", family.name());
        assert!(
            resp.metrics.is_some(),
            "{}: no invocation metrics",
            family.name()
        );
        streamed += 1;
    }
    assert!(streamed >= 2, "only {streamed} families streamed");
}

#[tokio::test]
async fn converse_reads_text_tool_calls_and_usage() {
    let server = MockServer::start().await;
    stub_json(
        &server,
        "converse",
        200,
        &json!({
            "output": {"message": {"role": "assistant", "content": [
                {"text": "Checking."},
                {"toolUse": {"toolUseId": "tooluse_1", "name": "get_weather", "input": {"city": "Paris"}}}
            ]}},
            "stopReason": "tool_use",
            "usage": {"inputTokens": 20, "outputTokens": 9, "totalTokens": 29},
            "metrics": {"latencyMs": 321}
        }),
    )
    .await;
    let req = PortableRequest::prompt("Weather in Paris?")
        .system("Use tools.")
        .max_tokens(100)
        .tool(ToolSpec::new("get_weather", json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})).description("Current weather"));

    let resp = Invoker::for_endpoint(&server.uri())
        .converse("anthropic.claude-3-haiku-20240307-v1:0", &req)
        .await
        .unwrap();

    assert_eq!(resp.text, "Checking.");
    assert_eq!(resp.tool_calls[0].input, json!({"city": "Paris"}));
    assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
    assert_eq!(resp.usage.unwrap().output_tokens, 9);
    let sent: Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(sent["system"], json!([{"text": "Use tools."}]));
    assert_eq!(sent["inferenceConfig"]["maxTokens"], 100);
    assert_eq!(
        sent["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"]["required"],
        json!(["city"])
    );
}

#[tokio::test]
async fn converse_stream_yields_portable_events() {
    let server = MockServer::start().await;
    stub_converse_stream(
        &server,
        &[
            ("messageStart", json!({"role": "assistant", "p": "abc"})),
            ("contentBlockDelta", json!({"contentBlockIndex": 0, "delta": {"text": "Hel"}, "p": "a"})),
            ("contentBlockDelta", json!({"contentBlockIndex": 0, "delta": {"text": "lo"}, "p": "ab"})),
            ("contentBlockStop", json!({"contentBlockIndex": 0, "p": "abcd"})),
            ("contentBlockStart", json!({"contentBlockIndex": 1, "start": {"toolUse": {"toolUseId": "t1", "name": "f"}}, "p": "x"})),
            ("contentBlockDelta", json!({"contentBlockIndex": 1, "delta": {"toolUse": {"input": "{\"a\":"}}, "p": "x"})),
            ("contentBlockDelta", json!({"contentBlockIndex": 1, "delta": {"toolUse": {"input": "1}"}}, "p": "x"})),
            ("contentBlockStop", json!({"contentBlockIndex": 1, "p": "x"})),
            ("messageStop", json!({"stopReason": "tool_use", "p": "x"})),
            ("metadata", json!({"usage": {"inputTokens": 5, "outputTokens": 7, "totalTokens": 12}, "metrics": {"latencyMs": 90}, "p": "x"})),
        ],
    )
    .await;

    let stream = Invoker::for_endpoint(&server.uri())
        .converse_stream("amazon.nova-lite-v1:0", &PortableRequest::prompt("Hi"))
        .await
        .unwrap();
    let events: Vec<StreamEvent> = stream.map(Result::unwrap).collect().await;

    assert_eq!(
        events.first(),
        Some(&StreamEvent::TextDelta {
            index: 0,
            text: "Hel".into()
        })
    );
    let resp = bedrock_harness::collect(futures::stream::iter(events.into_iter().map(Ok)).boxed())
        .await
        .unwrap();
    assert_eq!(resp.text, "Hello");
    assert_eq!(resp.tool_calls[0].input, json!({"a": 1}));
    assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
    assert_eq!(resp.usage.unwrap().input_tokens, 5);
}

#[tokio::test]
async fn service_errors_keep_bedrocks_name_status_and_message() {
    for (status, name, message) in [
        (400, "ValidationException", "Malformed input request: #: required key [inputText] not found, please reformat your input and try again."),
        (429, "ThrottlingException", "Too many requests, please wait before trying again."),
        (403, "AccessDeniedException", "You don't have access to the model with the specified model ID."),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path_regex("/invoke$"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("content-type", "application/json")
                    .insert_header(
                        "x-amzn-errortype",
                        format!("{name}:http://internal.amazon.com/coral/com.amazon.bedrock/"),
                    )
                    .set_body_json(json!({"message": message})),
            )
            .mount(&server)
            .await;

        let err = Invoker::for_endpoint(&server.uri())
            .invoke("amazon.titan-text-express-v1", &PortableRequest::prompt("x"))
            .await
            .unwrap_err();

        match err {
            Error::Service { name: n, status: s, message: m } => {
                assert_eq!((n.as_str(), s, m.as_str()), (name, status, message));
            }
            other => panic!("expected a service error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_exception_frame_mid_stream_ends_the_stream_with_its_error() {
    let server = MockServer::start().await;
    let mut bytes = encode(&chunk_message(
        br#"{"outputText":"Par","index":0,"totalOutputTextTokenCount":null,"completionReason":null,"inputTextTokenCount":3}"#,
        "p",
    ))
    .unwrap();
    bytes.extend(
        encode(&exception_message(
            "modelStreamErrorException",
            &br#"{"message":"The model failed.","originalStatusCode":500,"originalMessage":"boom"}"#[..],
        ))
        .unwrap(),
    );
    Mock::given(method("POST"))
        .and(path_regex("/invoke-with-response-stream$"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/vnd.amazon.eventstream")
                .set_body_bytes(bytes),
        )
        .mount(&server)
        .await;

    let items: Vec<_> = Invoker::for_endpoint(&server.uri())
        .invoke_stream(
            "amazon.titan-text-express-v1",
            &PortableRequest::prompt("x"),
        )
        .await
        .unwrap()
        .collect()
        .await;

    assert!(matches!(&items[0], Ok(StreamEvent::TextDelta { text, .. }) if text == "Par"));
    match items.last().unwrap() {
        Err(Error::Service { name, message, .. }) => {
            assert_eq!(name, "ModelStreamErrorException");
            assert_eq!(message, "The model failed.");
        }
        other => panic!("expected the stream error last, got {other:?}"),
    }
}

#[tokio::test]
async fn images_reach_converse_as_bytes() {
    let server = MockServer::start().await;
    stub_json(
        &server,
        "converse",
        200,
        &json!({"output": {"message": {"role": "assistant", "content": [{"text": "A cat."}]}},
                "stopReason": "end_turn", "usage": {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3},
                "metrics": {"latencyMs": 1}}),
    )
    .await;
    let req = PortableRequest::default().message(Message {
        role: Role::User,
        content: vec![
            ContentBlock::Text("What is it?".into()),
            ContentBlock::image(bedrock_harness::ImageFormat::Png, vec![137, 80, 78, 71]),
        ],
    });

    let resp = Invoker::for_endpoint(&server.uri())
        .converse("anthropic.claude-3-haiku-20240307-v1:0", &req)
        .await
        .unwrap();

    assert_eq!(resp.text, "A cat.");
    let sent: Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(
        sent["messages"][0]["content"][1]["image"],
        json!({"format": "png", "source": {"bytes": "iVBORw=="}})
    );
}
