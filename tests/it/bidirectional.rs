//! InvokeModelWithBidirectionalStream with Nova 2 Sonic through the Rust
//! SDK: a session's input events in, the assistant's text, speech and
//! usage out; the refusals of events out of order.

use aws_sdk_bedrockruntime::error::SdkError;
use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types::{
    BidirectionalInputPayloadPart, InvokeModelWithBidirectionalStreamInput as Input,
    InvokeModelWithBidirectionalStreamOutput as Output,
};
use base64::Engine as _;
use bedrock_harness::fake::{FakeBedrock, Rule};
use serde_json::{json, Value};

const SONIC: &str = "amazon.nova-2-sonic-v1:0";

fn event(name: &str, body: Value) -> Input {
    let json = json!({ "event": { name: body } }).to_string();
    Input::Chunk(
        BidirectionalInputPayloadPart::builder()
            .bytes(Blob::new(json.into_bytes()))
            .build(),
    )
}

/// A whole session: a system prompt, then one spoken user turn of
/// `audio_bytes` of 16 kHz PCM.
fn session(voice: &str, audio_bytes: usize) -> Vec<Input> {
    let p = json!("prompt-1");
    let audio = base64::engine::general_purpose::STANDARD.encode(vec![0u8; audio_bytes]);
    vec![
        event(
            "sessionStart",
            json!({"inferenceConfiguration": {"maxTokens": 1024, "topP": 0.9, "temperature": 0.7}}),
        ),
        event(
            "promptStart",
            json!({"promptName": p,
            "textOutputConfiguration": {"mediaType": "text/plain"},
            "audioOutputConfiguration": {"mediaType": "audio/lpcm", "sampleRateHertz": 24000, "sampleSizeBits": 16,
                "channelCount": 1, "voiceId": voice, "encoding": "base64", "audioType": "SPEECH"}}),
        ),
        event(
            "contentStart",
            json!({"promptName": p, "contentName": "system", "type": "TEXT", "interactive": false,
            "role": "SYSTEM", "textInputConfiguration": {"mediaType": "text/plain"}}),
        ),
        event(
            "textInput",
            json!({"promptName": p, "contentName": "system", "content": "You are a friendly assistant."}),
        ),
        event(
            "contentEnd",
            json!({"promptName": p, "contentName": "system"}),
        ),
        event(
            "contentStart",
            json!({"promptName": p, "contentName": "audio-1", "type": "AUDIO", "interactive": true,
            "role": "USER", "audioInputConfiguration": {"mediaType": "audio/lpcm", "sampleRateHertz": 16000,
                "sampleSizeBits": 16, "channelCount": 1, "audioType": "SPEECH", "encoding": "base64"}}),
        ),
        event(
            "audioInput",
            json!({"promptName": p, "contentName": "audio-1", "content": audio}),
        ),
        event(
            "contentEnd",
            json!({"promptName": p, "contentName": "audio-1"}),
        ),
        event("promptEnd", json!({"promptName": p})),
        event("sessionEnd", json!({})),
    ]
}

/// The output events (their JSON) and the exception that ended the
/// stream, if one did.
async fn converse(
    fake: &FakeBedrock,
    model: &str,
    input: Vec<Input>,
) -> (Vec<Value>, Option<String>) {
    let stream = futures::stream::iter(input.into_iter().map(Ok));
    let out = fake
        .client()
        .invoke_model_with_bidirectional_stream()
        .model_id(model)
        .body(stream.into())
        .send()
        .await
        .unwrap();
    let mut output = out.body;
    let mut events = Vec::new();
    loop {
        match output.recv().await {
            Ok(Some(Output::Chunk(part))) => {
                let bytes = part.bytes().unwrap().as_ref().to_vec();
                events.push(serde_json::from_slice(&bytes).unwrap());
            }
            Ok(Some(other)) => panic!("unexpected {other:?}"),
            Ok(None) => return (events, None),
            Err(SdkError::ServiceError(e)) => {
                return (
                    events,
                    Some(e.err().meta().message().unwrap_or_default().to_string()),
                )
            }
            Err(e) => panic!("{e:?}"),
        }
    }
}

fn name(event: &Value) -> &str {
    event["event"].as_object().unwrap().keys().next().unwrap()
}

#[tokio::test]
async fn a_spoken_turn_is_answered_with_text_speech_and_usage() {
    let fake = FakeBedrock::start_with(crate::support::pinned())
        .await
        .unwrap();
    let (events, error) = converse(&fake, SONIC, session("matthew", 64_000)).await;
    assert_eq!(error, None);
    let names: Vec<&str> = events.iter().map(name).collect();
    assert_eq!(names.first(), Some(&"completionStart"));
    assert_eq!(names.last(), Some(&"completionEnd"));
    assert!(names.contains(&"usageEvent"));
    let texts: Vec<&str> = events
        .iter()
        .filter_map(|e| e["event"]["textOutput"]["content"].as_str())
        .collect();
    assert_eq!(
        texts,
        [
            "I heard 2.0 seconds of audio.",
            "I heard 2.0 seconds of audio."
        ]
    );
    let audio_start = events
        .iter()
        .find(|e| e["event"]["contentStart"]["type"] == "AUDIO")
        .unwrap();
    assert_eq!(
        audio_start["event"]["contentStart"]["audioOutputConfiguration"]["sampleRateHertz"],
        24000
    );
    let pcm: usize = events
        .iter()
        .filter_map(|e| e["event"]["audioOutput"]["content"].as_str())
        .map(|c| {
            base64::engine::general_purpose::STANDARD
                .decode(c)
                .unwrap()
                .len()
        })
        .sum();
    assert!(pcm > 0 && pcm.is_multiple_of(2), "{pcm}");
    let stages: Vec<&str> = events
        .iter()
        .filter_map(|e| e["event"]["contentStart"]["additionalModelFields"].as_str())
        .collect();
    assert_eq!(
        stages,
        [
            "{\"generationStage\":\"SPECULATIVE\"}",
            "{\"generationStage\":\"FINAL\"}"
        ]
    );
    let journal = fake.journal();
    assert_eq!(
        journal.last().unwrap().operation,
        Some(bedrock_harness::fake::Operation::InvokeWithBidirectionalStream)
    );
}

#[tokio::test]
async fn a_rule_scripts_the_answer_and_bad_events_end_the_stream() {
    let fake = FakeBedrock::start_with(crate::support::pinned())
        .await
        .unwrap();
    fake.rule(
        Rule::text("Your order ships today.")
            .for_model(SONIC)
            .times(1),
    );
    let (events, _) = converse(&fake, "amazon.nova-2-5-sonic", session("tiffany", 3200)).await;
    assert!(
        events.is_empty()
            || events
                .iter()
                .all(|e| e["event"]["textOutput"]["content"] != "Your order ships today.")
    );
    let (events, _) = converse(&fake, SONIC, session("tiffany", 3200)).await;
    let said = events
        .iter()
        .find_map(|e| e["event"]["textOutput"]["content"].as_str())
        .unwrap();
    assert_eq!(said, "Your order ships today.");

    let (events, error) = converse(&fake, SONIC, session("Matthew", 3200)).await;
    assert!(events.is_empty());
    assert!(error.unwrap().ends_with(
        "Received invalid id: 'Matthew'. Please check AWS documentation for valid voiceIds."
    ));

    let mut unclosed = session("amy", 3200);
    unclosed.remove(7); // the audio's contentEnd
    let (_, error) = converse(&fake, SONIC, unclosed).await;
    assert!(error
        .unwrap()
        .ends_with("Error 1 : All contents must be closed before ending prompt"));
}

#[tokio::test]
async fn other_operations_and_models_are_refused() {
    let fake = FakeBedrock::start_with(crate::support::pinned())
        .await
        .unwrap();
    let err = fake
        .client()
        .converse()
        .model_id(SONIC)
        .messages(
            aws_sdk_bedrockruntime::types::Message::builder()
                .role(aws_sdk_bedrockruntime::types::ConversationRole::User)
                .content(aws_sdk_bedrockruntime::types::ContentBlock::Text(
                    "Hi".into(),
                ))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        err.meta().message(),
        Some("This action doesn't support the model that you provided.")
    );
    let stream = futures::stream::iter(session("matthew", 2).into_iter().map(Ok));
    let refused = fake
        .client()
        .invoke_model_with_bidirectional_stream()
        .model_id("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
        .body(stream.into())
        .send()
        .await;
    let message = match refused {
        Err(e) => e.into_service_error().meta().message().map(str::to_string),
        Ok(_) => None,
    };
    assert_eq!(
        message.as_deref(),
        Some("This action doesn't support the model that you provided.")
    );
}

/// The served fake answers each user turn while the client's input is
/// still open, as a live conversation needs.
#[tokio::test]
async fn a_turn_is_answered_before_the_input_ends() {
    let fake = FakeBedrock::start_with(crate::support::pinned())
        .await
        .unwrap();
    let mut events = session("matthew", 16_000);
    let tail = events.split_off(8); // promptEnd, sessionEnd
    let (sender, receiver) = tokio::sync::mpsc::channel::<Input>(16);
    // The SDK polls its input once more after the end: fused.
    let input = futures::StreamExt::fuse(futures::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|e| (Ok(e), receiver)) },
    ));
    for e in events {
        sender.send(e).await.unwrap();
    }
    let mut output = fake
        .client()
        .invoke_model_with_bidirectional_stream()
        .model_id(SONIC)
        .body(input.into())
        .send()
        .await
        .unwrap()
        .body;
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), output.recv())
        .await
        .expect("an answer while the input is open")
        .unwrap()
        .unwrap();
    let Output::Chunk(part) = first else {
        panic!("{first:?}")
    };
    let event: Value = serde_json::from_slice(part.bytes().unwrap().as_ref()).unwrap();
    assert_eq!(name(&event), "completionStart");
    for e in tail {
        sender.send(e).await.unwrap();
    }
    drop(sender);
    let mut last = None;
    while let Some(Output::Chunk(part)) = output.recv().await.unwrap() {
        last = Some(serde_json::from_slice::<Value>(part.bytes().unwrap().as_ref()).unwrap());
    }
    assert_eq!(name(&last.unwrap()), "completionEnd");
}
