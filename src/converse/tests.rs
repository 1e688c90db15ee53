use super::*;
use crate::Catalog;

fn opus() -> &'static ModelInfo {
    Catalog::embedded()
        .model("anthropic.claude-opus-5")
        .unwrap()
}

#[test]
fn an_image_to_a_text_only_model_is_refused_in_bedrocks_words() {
    let micro = Catalog::embedded().model("amazon.nova-micro-v1:0").unwrap();
    let body = json!({"messages": [{"role": "user", "content": [
        {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}}
    ]}]});
    assert_eq!(
        to_portable(&body, micro, false).unwrap_err().0,
        "This model doesn't support the image content block that you provided. Update the content block and try again."
    );
}

#[test]
fn video_and_audio_blocks_are_read_for_the_models_that_take_them() {
    let catalog = Catalog::embedded();
    let video = json!({"messages": [{"role": "user", "content": [
        {"video": {"format": "mp4", "source": {"s3Location": {"uri": "s3://amzn-s3-demo-bucket/clip.mp4"}}}},
        {"text": "What happens?"}
    ]}]});
    let nova = catalog.model("amazon.nova-lite-v1:0").unwrap();
    let req = to_portable(&video, nova, false).unwrap();
    assert_eq!(
        req.messages[0].content[0],
        ContentBlock::Media(crate::Media::new(
            MediaKind::Video,
            "mp4",
            crate::MediaSource::s3("s3://amzn-s3-demo-bucket/clip.mp4")
        ))
    );
    let err = to_portable(&video, opus(), false).unwrap_err();
    assert_eq!(err.0, messages::NO_VIDEO);
    let audio = json!({"messages": [{"role": "user", "content": [
        {"audio": {"format": "wav", "source": {"bytes": "UklGRg=="}}}
    ]}]});
    let voxtral = catalog.model("mistral.voxtral-mini-3b-2507").unwrap();
    let req = to_portable(&audio, voxtral, false).unwrap();
    assert_eq!(req.media().next().map(|m| m.kind), Some(MediaKind::Audio));
    assert_eq!(
        to_portable(&audio, nova, false).unwrap_err().0,
        messages::NO_AUDIO
    );
    let both = json!({"messages": [{"role": "user", "content": [
        {"video": {"format": "mp4", "source": {"bytes": "AA==", "s3Location": {"uri": "s3://amzn-s3-demo-bucket/c"}}}}
    ]}]});
    let err = to_portable(&both, nova, false).unwrap_err();
    assert!(
        err.0.contains("exactly one of bytes and s3Location"),
        "{}",
        err.0
    );
}

#[test]
fn reasoning_blocks_and_settings_are_read_for_a_reasoning_family() {
    let redacted = base64::engine::general_purpose::STANDARD.encode("EmwKAhgB");
    let body = json!({
        "messages": [
            {"role": "user", "content": [{"text": "Hi"}]},
            {"role": "assistant", "content": [
                {"reasoningContent": {"reasoningText": {"text": "A greeting.", "signature": "c2ln"}}},
                {"reasoningContent": {"redactedContent": redacted}},
                {"text": "Hello!"}
            ]},
            {"role": "user", "content": [{"text": "And?"}]}
        ],
        "additionalModelRequestFields": {"thinking": {"type": "adaptive"}},
        "outputConfig": {"effort": "max"}
    });
    let req = to_portable(&body, opus(), false).unwrap();
    assert_eq!(req.thinking, Some(Thinking::Adaptive));
    assert_eq!(req.effort, Some(Effort::Max));
    assert_eq!(
        req.messages[1].content[..2],
        [
            ContentBlock::Reasoning(Reasoning::text("A greeting.", Some("c2ln".into()))),
            ContentBlock::Reasoning(Reasoning::Redacted {
                data: "EmwKAhgB".into()
            }),
        ]
    );
    let rendered = response_body(
        &PortableResponse {
            reasoning: vec![Reasoning::Redacted {
                data: "EmwKAhgB".into(),
            }],
            text: "Hi".into(),
            ..Default::default()
        },
        1,
    );
    assert_eq!(
        rendered["output"]["message"]["content"][0]["reasoningContent"]["redactedContent"],
        redacted
    );
}

#[test]
fn bad_reasoning_settings_are_refused_in_the_models_words() {
    let body = |fields: Value| {
        json!({"messages": [{"role": "user", "content": [{"text": "Hi"}]}],
               "additionalModelRequestFields": fields})
    };
    let err = to_portable(
        &body(json!({"thinking": {"type": "sometimes"}})),
        opus(),
        false,
    )
    .unwrap_err();
    assert_eq!(
        err.0,
        "The model returned the following errors: thinking: Input tag 'sometimes' found using 'type' does not match any of the expected tags: 'adaptive', 'disabled'"
    );
    let err = to_portable(
        &body(json!({"thinking": {"type": "enabled"}})),
        opus(),
        false,
    )
    .unwrap_err();
    assert!(
        err.0
            .ends_with("thinking.enabled.budget_tokens: Field required"),
        "{}",
        err.0
    );
}

#[test]
fn an_image_in_s3_reaches_nova_and_other_models_refuse_it() {
    let body = json!({"messages": [{"role": "user", "content": [
        {"text": "What is in this picture?"},
        {"image": {"format": "png", "source": {"s3Location":
            {"uri": "s3://amzn-s3-demo-bucket/cat.png", "bucketOwner": "111122223333"}}}}
    ]}]});
    let nova = crate::Catalog::embedded()
        .model("amazon.nova-lite-v1:0")
        .unwrap()
        .clone();
    let req = to_portable(&body, &nova, false).unwrap();
    let image = crate::Media::new(
        MediaKind::Image,
        "png",
        crate::MediaSource::S3 {
            uri: "s3://amzn-s3-demo-bucket/cat.png".into(),
            bucket_owner: Some("111122223333".into()),
        },
    );
    assert_eq!(req.messages[0].content[1], ContentBlock::Media(image));
    let native = crate::build_body(&nova.id, &req).unwrap();
    assert_eq!(
        native["messages"][0]["content"][1],
        json!({"image": {"format": "png", "source": {"s3Location":
            {"uri": "s3://amzn-s3-demo-bucket/cat.png", "bucketOwner": "111122223333"}}}})
    );
    let claude = crate::Catalog::embedded()
        .model("anthropic.claude-sonnet-4-5-20250929-v1:0")
        .unwrap()
        .clone();
    let req = to_portable(&body, &claude, false).unwrap();
    let refused =
        crate::build_body("us.anthropic.claude-sonnet-4-5-20250929-v1:0", &req).unwrap_err();
    assert!(refused.to_string().contains("image"), "{refused}");
}

#[test]
fn a_chat_completions_models_reasoning_comes_back_unsigned_or_is_refused() {
    let gpt_oss = crate::Catalog::embedded()
        .model("openai.gpt-oss-120b-1:0")
        .unwrap()
        .clone();
    let turns = |reasoning: Value| {
        json!({"messages": [
            {"role": "user", "content": [{"text": "Hi"}]},
            {"role": "assistant", "content": [{"reasoningContent": {"reasoningText": reasoning}}, {"text": "Hello"}]},
            {"role": "user", "content": [{"text": "Again"}]}
        ]})
    };
    let unsigned = to_portable(&turns(json!({"text": "hm"})), &gpt_oss, false).unwrap();
    assert_eq!(
        unsigned.messages[1].content,
        vec![ContentBlock::text("Hello")]
    );
    let signed = to_portable(
        &turns(json!({"text": "hm", "signature": ""})),
        &gpt_oss,
        false,
    );
    assert_eq!(signed.unwrap_err().0, messages::NO_SIGNATURE);
}
