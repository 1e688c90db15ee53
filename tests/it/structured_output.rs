//! Structured output: an answer whose text is JSON the schema asked for,
//! through Converse, Claude's InvokeModel and OpenAI's chat completions.

use crate::support::start;
use bedrock_harness::{Invoker, OutputSchema, PortableRequest};
use serde_json::{json, Value};

fn trip() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["city", "days", "summary", "stops"],
        "properties": {
            "city": {"type": "string"},
            "days": {"type": "integer", "minimum": 1, "maximum": 14},
            "summary": {"type": "string", "maxLength": 200},
            "stops": {"type": "array", "minItems": 2, "items": {"type": "string"}},
            "budget": {"enum": ["low", "medium", "high"]}
        }
    })
}

fn assert_fits(id: &str, text: &str) {
    let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{id}: {e}: {text}"));
    assert!(jsonschema::is_valid(&trip(), &value), "{id}: {value}");
    assert_eq!(value["city"], "Paris", "{id}: {value}");
}

#[tokio::test]
async fn answers_follow_the_schema_asked_for_on_every_route() {
    let fake = start().await;
    let invoker = Invoker::new(fake.client());
    let req = PortableRequest::prompt("Plan a weekend trip to Paris")
        .max_tokens(1024)
        .output_schema(OutputSchema::new(trip()).name("trip"));
    let claude = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    let converse = invoker.converse(claude, &req).await.unwrap();
    assert_fits("converse", &converse.text);
    let invoke = invoker.invoke(claude, &req).await.unwrap();
    assert_fits("claude invoke", &invoke.text);
    let gpt = invoker
        .invoke("openai.gpt-oss-120b-1:0", &req)
        .await
        .unwrap();
    assert_fits("chat completions", &gpt.text);
}

#[tokio::test]
async fn pegasus_answers_a_video_question_in_the_schema_asked_for() {
    use bedrock_harness::{ContentBlock, Media, MediaKind, MediaSource, Message, Role};
    let fake = start().await;
    let clip = Media::new(
        MediaKind::Video,
        "mp4",
        MediaSource::s3("s3://amzn-s3-demo-bucket/trip.mp4"),
    );
    let req = PortableRequest::default()
        .message(Message::new(
            Role::User,
            vec![
                ContentBlock::Media(clip),
                ContentBlock::text("Plan a weekend trip to Paris like the one in this video"),
            ],
        ))
        .output_schema(OutputSchema::new(trip()).name("trip"));
    let pegasus = crate::support::callable_id(crate::support::first_model("twelvelabs_pegasus"));

    let answer = Invoker::new(fake.client())
        .invoke(&pegasus, &req)
        .await
        .unwrap();

    assert_fits("pegasus", &answer.text);
    let journal = fake.journal();
    let sent = &journal.last().unwrap().body;
    assert_eq!(sent["responseFormat"]["jsonSchema"]["name"], "trip");
}

#[tokio::test]
async fn a_family_without_structured_output_refuses_it() {
    let fake = start().await;
    let req = PortableRequest::prompt("Plan a trip").output_schema(OutputSchema::new(trip()));
    let err = Invoker::new(fake.client())
        .invoke("meta.llama3-3-70b-instruct-v1:0", &req)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("structured output"), "{err}");
}
