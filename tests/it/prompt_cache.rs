//! Prompt caching through the Rust SDK's Converse: a checkpoint after
//! enough tokens writes its prefix once and reads it after; the refusals of
//! checkpoints a model does not take are Bedrock's.

use aws_sdk_bedrockruntime::operation::converse::builders::ConverseFluentBuilder;
use aws_sdk_bedrockruntime::types::{
    CachePointBlock, CachePointType, CacheTtl, ContentBlock, ConversationRole, Message,
    SystemContentBlock,
};
use bedrock_harness::fake::FakeBedrock;

const SONNET: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

fn point(ttl: Option<CacheTtl>) -> CachePointBlock {
    CachePointBlock::builder()
        .r#type(CachePointType::Default)
        .set_ttl(ttl)
        .build()
        .unwrap()
}

fn user(text: &str) -> Message {
    Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text(text.into()))
        .build()
        .unwrap()
}

/// A system prompt of about `tokens` of the fake's tokens (four characters
/// each), then a checkpoint.
fn cached_system(
    call: ConverseFluentBuilder,
    tokens: usize,
    ttl: Option<CacheTtl>,
) -> ConverseFluentBuilder {
    call.system(SystemContentBlock::Text("abc ".repeat(tokens)))
        .system(SystemContentBlock::CachePoint(point(ttl)))
}

#[tokio::test]
async fn a_long_prefix_is_written_once_and_read_after() {
    let fake = FakeBedrock::start_with(crate::support::pinned())
        .await
        .unwrap();
    let call = || {
        cached_system(fake.client().converse().model_id(SONNET), 1500, None)
            .messages(user("Summarize the policy."))
    };
    let first = call().send().await.unwrap();
    let usage = first.usage().unwrap();
    assert_eq!(usage.cache_write_input_tokens(), Some(1500));
    assert_eq!(usage.cache_read_input_tokens(), Some(0));
    let details = usage.cache_details();
    assert_eq!(details.len(), 1);
    assert_eq!(
        (details[0].ttl(), details[0].input_tokens()),
        (&CacheTtl::FiveMinutes, 1500)
    );
    let uncached = usage.input_tokens();
    assert!(uncached > 0 && uncached < 20, "{uncached}");

    let second = call().send().await.unwrap();
    let usage = second.usage().unwrap();
    assert_eq!(usage.cache_read_input_tokens(), Some(1500));
    assert_eq!(usage.cache_write_input_tokens(), Some(0));
    assert_eq!(usage.input_tokens(), uncached);
    assert_eq!(usage.total_tokens(), first.usage().unwrap().total_tokens());

    let short = cached_system(fake.client().converse().model_id(SONNET), 500, None)
        .messages(user("Hi"))
        .send()
        .await
        .unwrap();
    let usage = short.usage().unwrap();
    assert_eq!(
        (
            usage.cache_read_input_tokens(),
            usage.cache_write_input_tokens()
        ),
        (Some(0), Some(0)),
        "a checkpoint before the model's 1,024 tokens caches nothing"
    );
}

#[tokio::test]
async fn a_stream_reports_its_cache_use_in_its_metadata() {
    use aws_sdk_bedrockruntime::types::ConverseStreamOutput as Event;
    let fake = FakeBedrock::start_with(crate::support::pinned())
        .await
        .unwrap();
    let mut stream = fake
        .client()
        .converse_stream()
        .model_id(SONNET)
        .system(SystemContentBlock::Text("abc ".repeat(2000)))
        .system(SystemContentBlock::CachePoint(point(Some(
            CacheTtl::OneHour,
        ))))
        .messages(user("Go on."))
        .send()
        .await
        .unwrap()
        .stream;
    let mut written = None;
    while let Some(event) = stream.recv().await.unwrap() {
        if let Event::Metadata(m) = event {
            let usage = m.usage().unwrap();
            written = usage.cache_write_input_tokens();
            assert_eq!(usage.cache_details()[0].ttl(), &CacheTtl::OneHour);
        }
    }
    assert_eq!(written, Some(2000));
}

#[tokio::test]
async fn checkpoints_a_model_does_not_take_are_refused_in_bedrocks_words() {
    let fake = FakeBedrock::start_with(crate::support::pinned())
        .await
        .unwrap();
    let refusal = |call: ConverseFluentBuilder| async move {
        let err = call.send().await.unwrap_err().into_service_error();
        (
            err.meta().code().unwrap_or_default().to_string(),
            err.meta().message().unwrap_or_default().to_string(),
        )
    };
    let mut five = fake.client().converse().model_id(SONNET);
    for _ in 0..5 {
        five = five
            .system(SystemContentBlock::Text("rules ".into()))
            .system(SystemContentBlock::CachePoint(point(None)));
    }
    assert_eq!(
        refusal(five.messages(user("Hi"))).await,
        (
            "ValidationException".into(),
            "A maximum of 4 blocks with cache_control may be provided. Found 5.".into()
        )
    );

    let late_long = fake
        .client()
        .converse()
        .model_id(SONNET)
        .system(SystemContentBlock::Text("a".into()))
        .system(SystemContentBlock::CachePoint(point(None)))
        .messages(
            Message::builder()
                .role(ConversationRole::User)
                .content(ContentBlock::Text("b".into()))
                .content(ContentBlock::CachePoint(point(Some(CacheTtl::OneHour))))
                .build()
                .unwrap(),
        );
    assert_eq!(
        refusal(late_long).await.1,
        "The model returned the following errors: messages.0.content.0.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: `tools`, `system`, `messages`."
    );

    let nova_hour = cached_system(
        fake.client()
            .converse()
            .model_id("us.amazon.nova-lite-v1:0"),
        10,
        Some(CacheTtl::OneHour),
    )
    .messages(user("Hi"));
    assert_eq!(
        refusal(nova_hour).await.1,
        "Extended TTL prompt caching is only supported for Anthropic models"
    );

    let llama = cached_system(
        fake.client()
            .converse()
            .model_id("us.meta.llama3-3-70b-instruct-v1:0"),
        10,
        None,
    )
    .messages(user("Hi"));
    assert_eq!(
        refusal(llama).await,
        (
            "AccessDeniedException".into(),
            "You invoked an unsupported model, or your request did not allow prompt caching. See the documentation for more information.".into()
        )
    );
}

/// Claude's own `cache_control` in an InvokeModel body: the usage reports
/// `cache_creation_input_tokens` then `cache_read_input_tokens`, in the
/// body and in a stream's `message_start`.
#[tokio::test]
async fn claudes_cache_control_is_counted_in_invoke_model() {
    use aws_sdk_bedrockruntime::primitives::Blob;
    use aws_sdk_bedrockruntime::types::ResponseStream;
    let fake = FakeBedrock::start_with(crate::support::pinned())
        .await
        .unwrap();
    let body = serde_json::json!({
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 64,
        "system": [{"type": "text", "text": "abc ".repeat(1500),
                    "cache_control": {"type": "ephemeral"}}],
        "messages": [{"role": "user", "content": "Summarize."}]
    });
    let invoke = || {
        fake.client()
            .invoke_model()
            .model_id(SONNET)
            .body(Blob::new(body.to_string()))
            .send()
    };
    let usage = |out: aws_sdk_bedrockruntime::operation::invoke_model::InvokeModelOutput| {
        let body: serde_json::Value = serde_json::from_slice(out.body().as_ref()).unwrap();
        body["usage"].clone()
    };
    let first = usage(invoke().await.unwrap());
    assert_eq!(first["cache_creation_input_tokens"], 1500);
    assert_eq!(first["cache_read_input_tokens"], 0);
    let second = usage(invoke().await.unwrap());
    assert_eq!(second["cache_read_input_tokens"], 1500);
    assert_eq!(second["input_tokens"], first["input_tokens"]);

    let mut stream = fake
        .client()
        .invoke_model_with_response_stream()
        .model_id(SONNET)
        .body(Blob::new(body.to_string()))
        .send()
        .await
        .unwrap()
        .body;
    let mut read = None;
    while let Some(event) = stream.recv().await.unwrap() {
        if let ResponseStream::Chunk(part) = event {
            let chunk: serde_json::Value =
                serde_json::from_slice(part.bytes().unwrap().as_ref()).unwrap();
            if chunk["type"] == "message_start" {
                read = chunk["message"]["usage"]["cache_read_input_tokens"].as_u64();
            }
        }
    }
    assert_eq!(read, Some(1500));
}
