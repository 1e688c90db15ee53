//! The fake Bedrock end to end through `aws-sdk-bedrockruntime`: every
//! family's operations, and every refusal Bedrock makes.

use crate::support::{callable_id, first_model};
use aws_sdk_bedrockruntime::primitives::Blob;
use bedrock_harness::fake::{Action, FakeBedrock, Operation, Rule};
use bedrock_harness::{
    families, Catalog, Error, Invoker, ModelInfo, Output, PortableRequest, StopReason, StreamEvent,
    ToolChoice, ToolSpec,
};
use futures::StreamExt;
use serde_json::{json, Value};

fn request_for(model: &ModelInfo) -> PortableRequest {
    match model.output {
        Output::Text if model.family == "twelvelabs_pegasus" => crate::support::video_question(),
        Output::Text => PortableRequest::prompt("Hello there"),
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

/// A fake that also serves end-of-life models, so every family's wire
/// format can be exercised.
async fn fake_serving_every_model() -> FakeBedrock {
    let config = bedrock_harness::fake::FakeConfig {
        serve_end_of_life: true,
        ..crate::support::pinned()
    };
    FakeBedrock::start_with(config).await.unwrap()
}

fn service_error(err: Error) -> (String, u16, String) {
    match err {
        Error::Service {
            name,
            status,
            message,
        } => (name, status, message),
        other => panic!("expected a Bedrock error, got {other:?}"),
    }
}

#[tokio::test]
async fn every_family_answers_invoke_through_the_sdk() {
    let fake = fake_serving_every_model().await;
    let invoker = Invoker::new(fake.client());
    for family in families() {
        let model = first_model(family.name());
        let resp = invoker
            .invoke(&callable_id(model), &request_for(model))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", family.name()));
        match model.output {
            Output::Text => assert!(
                !resp.text.is_empty() || !resp.tool_calls.is_empty(),
                "{}",
                family.name()
            ),
            Output::Embedding => assert!(!resp.embeddings.is_empty(), "{}", family.name()),
            Output::Image => assert!(!resp.images.is_empty(), "{}", family.name()),
            Output::Rerank => assert_eq!(resp.rankings[0].index, 1, "{}", family.name()),
        }
    }
}

#[tokio::test]
async fn every_streaming_family_streams_through_the_sdk() {
    let fake = fake_serving_every_model().await;
    let invoker = Invoker::new(fake.client());
    for family in families() {
        let model = first_model(family.name());
        if !model.streaming {
            continue;
        }
        let resp = invoker
            .invoke_stream_collect(&callable_id(model), &request_for(model))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", family.name()));
        assert!(
            !resp.text.is_empty() || !resp.tool_calls.is_empty(),
            "{}",
            family.name()
        );
        let metrics = resp
            .metrics
            .unwrap_or_else(|| panic!("{}: no invocation metrics", family.name()));
        let usage = resp.usage.unwrap();
        assert_eq!(
            metrics.output_token_count,
            usage.output_tokens,
            "{}",
            family.name()
        );
    }
}

#[tokio::test]
async fn every_converse_model_converses_through_the_sdk() {
    let fake = fake_serving_every_model().await;
    let invoker = Invoker::new(fake.client());
    for family in families() {
        let model = first_model(family.name());
        if !model.converse.converse || model.output != Output::Text {
            continue;
        }
        let resp = invoker
            .converse(
                &callable_id(model),
                &PortableRequest::prompt("Hello").max_tokens(200),
            )
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", family.name()));
        let usage = resp.usage.unwrap();
        assert!(usage.input_tokens > 0, "{}", family.name());
        if model.streaming {
            let streamed = invoker
                .converse_stream(
                    &callable_id(model),
                    &PortableRequest::prompt("Hello").max_tokens(200),
                )
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", family.name()));
            let collected = bedrock_harness::collect(streamed).await.unwrap();
            assert_eq!(collected.text, resp.text, "{}", family.name());
            assert_eq!(collected.usage, resp.usage, "{}", family.name());
        }
    }
}

#[tokio::test]
async fn the_same_request_gets_the_same_bytes() {
    let fake = crate::support::start().await;
    let client = fake.client();
    let mut bodies = Vec::new();
    for _ in 0..2 {
        let out = client
            .invoke_model()
            .model_id("amazon.titan-text-express-v1")
            .body(Blob::new(
                br#"{"inputText":"Same?","textGenerationConfig":{"maxTokenCount":20}}"#.to_vec(),
            ))
            .send()
            .await
            .unwrap();
        bodies.push(out.body.into_inner());
    }
    assert_eq!(bodies[0], bodies[1]);
}

#[tokio::test]
async fn token_counts_agree_across_body_and_headers() {
    let fake = crate::support::start().await;
    let http = reqwest_free_post(
        &fake.uri(),
        "/model/amazon.titan-text-lite-v1/invoke",
        br#"{"inputText":"Count me","textGenerationConfig":{"maxTokenCount":10}}"#,
    )
    .await;
    let (status, headers, body) = http;
    assert_eq!(status, 200);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        headers["x-amzn-bedrock-output-token-count"],
        body["results"][0]["tokenCount"].to_string()
    );
    assert_eq!(
        headers["x-amzn-bedrock-input-token-count"],
        body["inputTextTokenCount"].to_string()
    );
    assert_eq!(body["results"][0]["completionReason"], "LENGTH");
}

/// A raw POST over a plain TCP connection (HTTP/1.1), for checks of headers
/// the SDK does not expose.
async fn reqwest_free_post(
    base: &str,
    path: &str,
    body: &[u8],
) -> (u16, std::collections::HashMap<String, String>, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer test\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    (status, headers, raw[split + 4..].to_vec())
}

#[tokio::test]
async fn refusals_carry_bedrocks_status_name_and_text() {
    let fake = FakeBedrock::start_with(bedrock_harness::fake::FakeConfig {
        serve_end_of_life: false,
        ..crate::support::pinned()
    })
    .await
    .unwrap();
    let invoker = Invoker::new(fake.client());
    let claude_eol = Catalog::embedded()
        .models()
        .iter()
        .find(|m| !crate::support::in_service(m))
        .expect("an end-of-life model");
    let profile_only = Catalog::embedded()
        .models()
        .iter()
        .find(|m| m.profile_only && crate::support::in_service(m))
        .unwrap();
    let cases: Vec<(&str, Value, (&str, u16, String))> = vec![
        ("amazon.not-a-model-v1", json!({"inputText": "x"}),
            ("ValidationException", 400, "The provided model identifier is invalid.".into())),
        ("amazon.titan-embed-text-v2:0", json!({"prompt": "x"}),
            ("ValidationException", 400, "Malformed input request: #: required key [inputText] not found#: extraneous key [prompt] is not permitted, please reformat your input and try again.".into())),
        (&claude_eol.id, json!({}),
            ("ResourceNotFoundException", 404, "This model version has reached the end of its life. Please refer to the AWS documentation for more details.".into())),
        (&profile_only.id, json!({}),
            ("ValidationException", 400, format!("Invocation of model ID {} with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.", profile_only.id))),
    ];
    for (model, body, expected) in cases {
        let err = invoker.invoke_raw(model, &body).await.unwrap_err();
        let (name, status, message) = service_error(err);
        assert_eq!(
            (name.as_str(), status, message),
            (expected.0, expected.1, expected.2),
            "{model}"
        );
    }
}

#[tokio::test]
async fn profiles_and_arns_reach_the_same_model() {
    let fake = crate::support::start().await;
    let invoker = Invoker::new(fake.client());
    let profile_only = Catalog::embedded()
        .models()
        .iter()
        .find(|m| m.profile_only && crate::support::in_service(m) && m.output == Output::Text)
        .unwrap();
    for id in [
        format!("us.{}", profile_only.id),
        format!(
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.{}",
            profile_only.id
        ),
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1".to_string(),
    ] {
        let resp = invoker
            .invoke(&id, &PortableRequest::prompt("Hi"))
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(!resp.text.is_empty(), "{id}");
    }
    let decoded: Vec<_> = fake.journal().into_iter().filter_map(|e| e.model).collect();
    assert!(
        decoded[1].starts_with("arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu."),
        "{decoded:?}"
    );
}

#[tokio::test]
async fn streaming_an_embedding_model_is_refused() {
    let fake = crate::support::start().await;
    let err = Invoker::new(fake.client())
        .invoke_stream(
            "amazon.titan-embed-text-v2:0",
            &PortableRequest::prompt("x"),
        )
        .await
        .err()
        .expect("refused");
    assert_eq!(
        service_error(err),
        (
            "ValidationException".into(),
            400,
            "The model is unsupported for streaming.".into()
        )
    );
}

#[tokio::test]
async fn converse_refuses_features_the_model_lacks() {
    let fake = crate::support::start().await;
    let invoker = Invoker::new(fake.client());
    let err = invoker
        .converse(
            "amazon.titan-text-express-v1",
            &PortableRequest::prompt("Hi").system("Be brief."),
        )
        .await
        .unwrap_err();
    assert!(service_error(err)
        .2
        .starts_with("This model doesn't support system messages."));

    let no_tools = Catalog::embedded()
        .models()
        .iter()
        .find(|m| {
            m.converse.converse
                && !m.converse.tools
                && crate::support::in_service(m)
                && !m.profile_only
                && m.output == Output::Text
        })
        .unwrap();
    let tool = ToolSpec::new("f", json!({"type": "object"}));
    let err = invoker
        .converse(&no_tools.id, &PortableRequest::prompt("Hi").tool(tool))
        .await
        .unwrap_err();
    assert_eq!(service_error(err).2, "This model doesn't support tool use.");
}

#[tokio::test]
async fn requests_without_credentials_are_refused_with_403() {
    let fake = crate::support::start().await;
    let (status, headers, body) = {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = fake.uri().trim_start_matches("http://").to_string();
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(format!("POST /model/amazon.titan-text-lite-v1/invoke HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}").as_bytes()).await.unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).await.unwrap();
        let status: u16 = raw.split(' ').nth(1).unwrap().parse().unwrap();
        (status, raw.to_ascii_lowercase(), raw)
    };
    assert_eq!(status, 403);
    assert!(headers.contains("x-amzn-errortype: missingauthenticationtokenexception"));
    assert!(body.contains("Missing Authentication Token"));
}

#[tokio::test]
async fn rules_script_text_tools_errors_and_sequences() {
    let fake = crate::support::start().await;
    let invoker = Invoker::new(fake.client());
    let claude = "anthropic.claude-3-haiku-20240307-v1:0";
    fake.rule(Rule::error("ThrottlingException").for_model(claude).once());
    fake.rule(Rule::text("Scripted.").for_model(claude).once());
    fake.rule(
        Rule::tool_call("get_weather", json!({"city": "Oslo"}))
            .for_model(claude)
            .for_operation(Operation::Converse),
    );

    let first = invoker
        .invoke(claude, &PortableRequest::prompt("x"))
        .await
        .unwrap_err();
    assert_eq!(
        service_error(first),
        (
            "ThrottlingException".into(),
            429,
            "Too many requests, please wait before trying again.".into()
        )
    );
    let second = invoker
        .invoke(claude, &PortableRequest::prompt("x"))
        .await
        .unwrap();
    assert_eq!(second.text, "Scripted.");
    let third = invoker
        .converse(&format!("us.{claude}"), &PortableRequest::prompt("x"))
        .await
        .unwrap();
    assert_eq!(third.tool_calls[0].input, json!({"city": "Oslo"}));
    assert_eq!(third.stop_reason, Some(StopReason::ToolUse));

    assert_eq!(fake.journal().len(), 3);
    fake.reset();
    assert!(fake.journal().is_empty());
    assert!(fake.state().rules().is_empty());
}

#[tokio::test]
async fn every_bedrock_error_can_be_scripted() {
    let fake = crate::support::start().await;
    let invoker = Invoker::new(fake.client());
    for (name, status) in bedrock_harness::fake::BEDROCK_ERRORS {
        fake.rule(Rule::error(*name).once());
        let err = invoker
            .invoke(
                "amazon.titan-text-express-v1",
                &PortableRequest::prompt("x"),
            )
            .await
            .unwrap_err();
        let (got_name, got_status, _) = service_error(err);
        assert_eq!((got_name.as_str(), got_status), (*name, *status));
    }
}

#[tokio::test]
async fn a_forced_tool_choice_gets_a_tool_call_its_schema_takes() {
    let fake = crate::support::start().await;
    let req = PortableRequest::prompt("Weather in Paris?")
        .tool(ToolSpec::new("get_weather", json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})).description("Weather"))
        .tool_choice(ToolChoice::Tool("get_weather".into()));
    let resp = Invoker::new(fake.client())
        .invoke("anthropic.claude-3-haiku-20240307-v1:0", &req)
        .await
        .unwrap();
    assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
    assert_eq!(resp.tool_calls[0].input, json!({"city": "Paris"}));
}

#[tokio::test]
async fn stream_faults_reach_the_client() {
    let fake = crate::support::start().await;
    let invoker = Invoker::new(fake.client());
    let model = "anthropic.claude-3-haiku-20240307-v1:0";

    fake.rule(
        Rule::new(Action::StreamError {
            after: 2,
            name: "ModelStreamErrorException".into(),
            message: Some("boom".into()),
        })
        .once(),
    );
    let items: Vec<_> = invoker
        .invoke_stream(model, &PortableRequest::prompt("x"))
        .await
        .unwrap()
        .collect()
        .await;
    match items.last().unwrap() {
        Err(Error::Service { name, message, .. }) => assert_eq!(
            (name.as_str(), message.as_str()),
            ("ModelStreamErrorException", "boom")
        ),
        other => panic!("{other:?}"),
    }

    fake.rule(Rule::new(Action::BadCrc { frame: 1 }).once());
    let items: Vec<_> = invoker
        .invoke_stream(model, &PortableRequest::prompt("x"))
        .await
        .unwrap()
        .collect()
        .await;
    assert!(
        matches!(items.last().unwrap(), Err(Error::EventStream(_))),
        "{:?}",
        items.last()
    );

    fake.rule(Rule::new(Action::TruncateStream { after: 1 }).once());
    let items: Vec<_> = invoker
        .invoke_stream(model, &PortableRequest::prompt("x"))
        .await
        .unwrap()
        .collect()
        .await;
    assert!(
        items.iter().any(|i| i.is_err()),
        "a truncated stream must end in an error: {items:?}"
    );
    assert!(
        matches!(items.first(), Some(Ok(StreamEvent::Usage(_)))),
        "{:?}",
        items.first()
    );
}

#[tokio::test]
async fn a_delay_rule_delays_the_answer() {
    let fake = crate::support::start().await;
    fake.rule(Rule::text("late").delay_ms(300).once());
    let started = std::time::Instant::now();
    let resp = Invoker::new(fake.client())
        .invoke(
            "amazon.titan-text-express-v1",
            &PortableRequest::prompt("x"),
        )
        .await
        .unwrap();
    assert_eq!(resp.text, "late");
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
}

#[tokio::test]
async fn count_tokens_counts_invoke_and_converse_inputs() {
    let fake = crate::support::start().await;
    let client = fake.client();
    use aws_sdk_bedrockruntime::types::{
        ConverseTokensRequest, CountTokensInput, InvokeModelTokensRequest,
    };
    let body = br#"{"inputText":"Count these tokens please"}"#;
    let out = client
        .count_tokens()
        .model_id("amazon.titan-text-express-v1")
        .input(CountTokensInput::InvokeModel(
            InvokeModelTokensRequest::builder()
                .body(Blob::new(body.to_vec()))
                .build()
                .unwrap(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(out.input_tokens(), 7);
    let msg = aws_sdk_bedrockruntime::types::Message::builder()
        .role(aws_sdk_bedrockruntime::types::ConversationRole::User)
        .content(aws_sdk_bedrockruntime::types::ContentBlock::Text(
            "Count these tokens please".into(),
        ))
        .build()
        .unwrap();
    let out = client
        .count_tokens()
        .model_id("anthropic.claude-3-haiku-20240307-v1:0")
        .input(CountTokensInput::Converse(
            ConverseTokensRequest::builder().messages(msg).build(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(out.input_tokens(), 7);
}

/// An SDK client for `fake` that signs with `access_key`/`secret_key`.
fn client_signing_as(
    fake: &FakeBedrock,
    access_key: &str,
    secret_key: &str,
) -> aws_sdk_bedrockruntime::Client {
    use aws_sdk_bedrockruntime::config::{BehaviorVersion, Credentials, Region};
    aws_sdk_bedrockruntime::Client::from_conf(
        aws_sdk_bedrockruntime::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(fake.uri())
            .credentials_provider(Credentials::new(access_key, secret_key, None, None, "test"))
            .build(),
    )
}

#[tokio::test]
async fn sigv4_signatures_are_checked_when_asked() {
    use bedrock_harness::fake::{FakeConfig, SigV4Credentials};
    let config = FakeConfig {
        sigv4: Some(SigV4Credentials {
            access_key: "test".into(),
            secret_key: "test".into(),
        }),
        ..crate::support::pinned()
    };
    let fake = FakeBedrock::start_with(config).await.unwrap();
    let body = json!({"inputText": "Signed"});

    let wrong_secret = client_signing_as(&fake, "test", "wrong");
    let err = Invoker::new(wrong_secret)
        .invoke_raw("amazon.titan-text-express-v1", &body)
        .await
        .unwrap_err();
    let (name, status, message) = service_error(err);
    assert_eq!((name.as_str(), status), ("InvalidSignatureException", 403));
    assert!(message.starts_with("The request signature we calculated does not match"));

    let unknown_key = client_signing_as(&fake, "other", "test");
    let err = Invoker::new(unknown_key)
        .invoke_raw("amazon.titan-text-express-v1", &body)
        .await
        .unwrap_err();
    assert_eq!(service_error(err).0, "UnrecognizedClientException");

    let signed_ok = Invoker::new(fake.client())
        .invoke_raw("amazon.titan-text-express-v1", &body)
        .await
        .unwrap();
    assert!(signed_ok["results"].is_array());
}

#[tokio::test]
async fn a_fixtures_directory_overrides_the_embedded_recordings() {
    use bedrock_harness::fake::FakeConfig;
    use bedrock_harness::FixtureStore;
    let dir = std::env::temp_dir().join(format!("bh-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("titan_text/responses")).unwrap();
    std::fs::write(
        dir.join("titan_text/responses/amazon.titan-text-lite-v1.json"),
        serde_json::to_vec(&json!({
            "source": "test recording",
            "invoke": {"inputTextTokenCount": 2, "results": [{"tokenCount": 3, "outputText": "Recorded for Lite.", "completionReason": "FINISH"}]}
        }))
        .unwrap(),
    )
    .unwrap();
    let config = FakeConfig {
        fixtures: FixtureStore::with_overlay(&dir).unwrap(),
        ..crate::support::pinned()
    };
    let fake = FakeBedrock::start_with(config).await.unwrap();
    let invoker = Invoker::new(fake.client());

    let lite = invoker
        .invoke("amazon.titan-text-lite-v1", &PortableRequest::prompt("Hi"))
        .await
        .unwrap();
    assert_eq!(lite.text, "Recorded for Lite.");
    let express = invoker
        .invoke(
            "amazon.titan-text-express-v1",
            &PortableRequest::prompt("Hi"),
        )
        .await
        .unwrap();
    assert_ne!(
        express.text, "Recorded for Lite.",
        "other models keep the embedded recording"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn bad_requests_to_the_fake_get_aws_shaped_errors() {
    let fake = crate::support::start().await;
    let cases: [(&str, &str, &[u8], u16, &str); 4] = [
        (
            "POST",
            "/nothing/here",
            b"{}",
            404,
            "UnknownOperationException",
        ),
        (
            "GET",
            "/model/amazon.titan-text-lite-v1/invoke",
            b"",
            404,
            "UnknownOperationException",
        ),
        (
            "POST",
            "/model/amazon.titan-text-lite-v1/invoke",
            b"{not json",
            400,
            "ValidationException",
        ),
        (
            "POST",
            "/model/amazon.titan-text-lite-v1/invoke",
            b"",
            400,
            "ValidationException",
        ),
    ];
    for (method, path, body, status, name) in cases {
        let mut req = bedrock_harness::fake::FakeRequest::post(path, body.to_vec());
        req.method = method.into();
        let resp = fake.state().handle(&req);
        assert_eq!(resp.status, status, "{method} {path}");
        assert!(
            resp.header("x-amzn-ErrorType").unwrap().starts_with(name),
            "{method} {path}"
        );
        let message: Value = serde_json::from_slice(&resp.body).unwrap();
        assert!(!message["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn the_socketless_client_streams_and_refuses_like_the_served_fake() {
    use bedrock_harness::fake::{socketless_client, FakeState};
    let state = std::sync::Arc::new(FakeState::new(crate::support::pinned()).unwrap());
    let invoker = Invoker::new(socketless_client(state.clone()));
    let claude = "anthropic.claude-3-haiku-20240307-v1:0";

    let streamed = invoker
        .invoke_stream_collect(claude, &PortableRequest::prompt("Hi"))
        .await
        .unwrap();
    assert!(!streamed.text.is_empty());
    assert!(streamed.metrics.is_some());
    let conversed = bedrock_harness::collect(
        invoker
            .converse_stream(claude, &PortableRequest::prompt("Hi"))
            .await
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(conversed.stop_reason, Some(StopReason::EndTurn));

    let err = invoker
        .invoke_raw("amazon.titan-text-express-v1", &json!({"prompt": "x"}))
        .await
        .unwrap_err();
    assert_eq!(service_error(err).0, "ValidationException");
    assert_eq!(state.journal().len(), 3);
}

#[tokio::test]
async fn every_valid_example_request_gets_an_answer_and_a_stream() {
    use bedrock_harness::fake::{FakeConfig, FakeRequest, FakeState};
    use bedrock_harness::{FixtureStore, ModelId};
    let state = FakeState::new(FakeConfig {
        serve_end_of_life: true,
        ..crate::support::pinned()
    })
    .unwrap();
    let store = FixtureStore::embedded();
    let mut failures = Vec::new();
    for family in families() {
        let dir = bedrock_harness::fixture_layout::requests(family.name());
        for file in store
            .list(&dir)
            .into_iter()
            .filter(|f| f.ends_with(".json") && f != "index.json")
        {
            let model = crate::support::request_model(family.name(), &file);
            let body = store.read(&format!("{dir}/{file}")).unwrap().to_vec();
            let label = ModelId::parse(&callable_id(model)).unwrap().to_path_label();
            let operations: &[&str] = if model.streaming {
                &["invoke", "invoke-with-response-stream"]
            } else {
                &["invoke"]
            };
            for op in operations {
                let path = format!("/model/{label}/{op}");
                let resp = state.handle(&FakeRequest::post(&path, body.clone()));
                if resp.status != 200 {
                    failures.push(format!(
                        "{dir}/{file} ({}, {op}): {} {}",
                        model.id,
                        resp.status,
                        String::from_utf8_lossy(&resp.body)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
