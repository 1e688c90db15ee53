//! Unit tests of the TwelveLabs families.

use super::*;
use crate::accumulator::StreamAccumulator;
use crate::family::test_support::{ctx, model, recorded, recorded_in, request_fixture};
use crate::family::ModelFamily;
use crate::media::{Media, MediaKind, MediaSource};
use crate::portable::{ContentBlock, ImageFormat, Message, PortableRequest, Role, StopReason};
use serde_json::json;

const MARENGO: &str = "twelvelabs.marengo-embed-3-0-v1:0";
const PEGASUS: &str = "twelvelabs.pegasus-1-2-v1:0";

fn read(family: &dyn ModelFamily, id: &str, body: &serde_json::Value) -> PortableRequest {
    family
        .read_request(body.to_string().as_bytes(), model(id))
        .unwrap()
}

#[test]
fn marengo_reads_and_writes_each_invoke_model_input() {
    for name in ["documented", "image", "text_image"] {
        let body = request_fixture("twelvelabs_marengo", name);
        let req = read(&Marengo, MARENGO, &body);
        assert_eq!(Marengo.build(&req, model(MARENGO)).unwrap(), body, "{name}");
    }
    let multi = read(
        &Marengo,
        MARENGO,
        &request_fixture("twelvelabs_marengo", "multi_input"),
    );
    let images = multi.messages[0]
        .content
        .iter()
        .filter(|b| matches!(b, ContentBlock::Image { .. }))
        .count();
    assert_eq!(images, 2);
    assert!(multi.messages[0].text().starts_with("<@img1>"));
    let rebuilt = Marengo.build(&multi, model(MARENGO)).unwrap();
    assert_eq!(rebuilt["inputType"], "multi_input");
    assert_eq!(rebuilt["multi_input"]["mediaSources"][1]["name"], "image2");
}

#[test]
fn marengo_says_an_image_in_s3_has_no_portable_form() {
    let err = Marengo
        .read_request(
            request_fixture("twelvelabs_marengo", "image_s3")
                .to_string()
                .as_bytes(),
            model(MARENGO),
        )
        .unwrap_err();
    assert!(err.to_string().contains("S3"), "{err}");
}

#[test]
fn marengo_answers_512_values_and_refuses_other_lengths() {
    let resp = Marengo.parse(&recorded("twelvelabs_marengo")).unwrap();
    assert_eq!(resp.embeddings.len(), 1);
    assert_eq!(resp.embeddings[0].len(), 512);
    let mut req = PortableRequest::prompt("a dog");
    req.embedding.dimensions = Some(1024);
    assert!(Marengo.build(&req, model(MARENGO)).is_err());
    let rendered = Marengo.render_response(&resp, &ctx(MARENGO)).unwrap();
    assert_eq!(
        rendered["data"][0]["embedding"].as_array().unwrap().len(),
        512
    );
}

#[test]
fn pegasus_reads_the_video_and_the_question() {
    let req = read(
        &Pegasus,
        PEGASUS,
        &request_fixture("twelvelabs_pegasus", "documented"),
    );
    let want = Media::new(
        MediaKind::Video,
        "mp4",
        MediaSource::S3 {
            uri: "s3://path-to-video-object-in-s3".into(),
            bucket_owner: Some("bucket-owner-account-id".into()),
        },
    );
    assert_eq!(req.messages[0].content[0], ContentBlock::Media(want));
    assert_eq!(req.messages[0].text(), "Tell me about this video");
    assert_eq!(req.params.temperature, Some(0.0));
    let inline = read(
        &Pegasus,
        PEGASUS,
        &request_fixture("twelvelabs_pegasus", "base64"),
    );
    assert_eq!(inline.media().next().unwrap().format, "mp4");
    for name in ["documented", "base64"] {
        let body = request_fixture("twelvelabs_pegasus", name);
        let req = read(&Pegasus, PEGASUS, &body);
        let rebuilt = Pegasus.build(&req, model(PEGASUS)).unwrap();
        assert_eq!(rebuilt["mediaSource"], body["mediaSource"], "{name}");
        assert_eq!(read(&Pegasus, PEGASUS, &rebuilt), req, "{name}");
    }
    let body = request_fixture("twelvelabs_pegasus", "structured");
    let req = read(&Pegasus, PEGASUS, &body);
    let schema = req.output_schema.as_ref().unwrap();
    assert_eq!(schema.name.as_deref(), Some("video_analysis"));
    assert_eq!(schema.schema["required"][1], "key_scenes");
    let rebuilt = Pegasus.build(&req, model(PEGASUS)).unwrap();
    assert_eq!(rebuilt["responseFormat"], body["responseFormat"]);
}

#[test]
fn pegasus_refuses_what_its_body_cannot_say() {
    let clip = ContentBlock::Media(Media::new(
        MediaKind::Video,
        "mp4",
        MediaSource::s3("s3://b/c.mp4"),
    ));
    let no_video = PortableRequest::prompt("What happens?");
    assert!(Pegasus.build(&no_video, model(PEGASUS)).is_err());
    let two = PortableRequest::default().message(Message::new(
        Role::User,
        vec![clip.clone(), clip.clone(), ContentBlock::text("?")],
    ));
    assert!(Pegasus.build(&two, model(PEGASUS)).is_err());
    let image = PortableRequest::default().message(Message::new(
        Role::User,
        vec![
            clip,
            ContentBlock::image(ImageFormat::Png, vec![1]),
            ContentBlock::text("?"),
        ],
    ));
    assert!(Pegasus.build(&image, model(PEGASUS)).is_err());
    let audio = PortableRequest::default().message(Message::new(
        Role::User,
        vec![
            ContentBlock::Media(Media::new(
                MediaKind::Audio,
                "mp3",
                MediaSource::s3("s3://b/a.mp3"),
            )),
            ContentBlock::text("?"),
        ],
    ));
    let err = Pegasus.build(&audio, model(PEGASUS)).unwrap_err();
    assert!(err.to_string().contains("audio input"), "{err}");
}

#[test]
fn pegasus_answers_and_streams_its_message() {
    let resp = Pegasus.parse(&recorded("twelvelabs_pegasus")).unwrap();
    assert!(resp.text.starts_with("This video shows"));
    assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
    let cut = Pegasus
        .parse(&recorded_in("twelvelabs_pegasus", "length"))
        .unwrap();
    assert_eq!(cut.stop_reason, Some(StopReason::MaxTokens));
    let chunks = Pegasus.render_chunks(&resp, &ctx(PEGASUS)).unwrap();
    assert_eq!(chunks.last().unwrap()["finishReason"], "stop");
    assert!(chunks.iter().all(|c| c.get("message").is_some()));
    let mut acc = StreamAccumulator::new();
    for c in &chunks {
        Pegasus
            .parse_chunk(c.to_string().as_bytes(), &mut acc)
            .unwrap();
    }
    let streamed = acc.finish().unwrap();
    assert_eq!(streamed.text, resp.text);
    assert_eq!(streamed.stop_reason, Some(StopReason::EndTurn));
    assert_eq!(
        Pegasus.render_response(&cut, &ctx(PEGASUS)).unwrap(),
        json!({"message": cut.text, "finishReason": "length"})
    );
}
