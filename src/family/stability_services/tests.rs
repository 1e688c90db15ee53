//! Unit tests of the `stability_services` family.

use super::*;
use crate::family::test_support::{model, recorded, request_fixture};
use crate::family::ModelFamily;
use serde_json::json;

const SKETCH: &str = "stability.stable-image-control-sketch-v1:0";
const OUTPAINT: &str = "stability.stable-outpaint-v1:0";
const FAST: &str = "stability.stable-fast-upscale-v1:0";
const TRANSFER: &str = "stability.stable-style-transfer-v1:0";

fn png(w: u32, h: u32) -> Vec<u8> {
    crate::fake::synth::png(w, h, [10, 20, 30])
}

fn edit(prompt: Option<&str>, images: Vec<Vec<u8>>) -> PortableRequest {
    let mut content: Vec<ContentBlock> = prompt.map(ContentBlock::text).into_iter().collect();
    content.extend(
        images
            .into_iter()
            .map(|d| ContentBlock::image(ImageFormat::Png, d)),
    );
    PortableRequest::default().message(Message::new(Role::User, content))
}

#[test]
fn every_service_line_names_its_fields_images_and_requirements_coherently() {
    let catalog = crate::Catalog::embedded();
    let lines: Vec<_> = catalog
        .models()
        .iter()
        .filter(|m| m.family == NAME)
        .collect();
    assert_eq!(lines.len(), 13);
    for m in lines {
        let s = m
            .image_service
            .as_ref()
            .unwrap_or_else(|| panic!("{}", m.id));
        assert!(s.required.iter().all(|f| services::takes(s, f)), "{}", m.id);
        assert!(
            s.images.iter().all(|(f, _)| services::takes(s, f)),
            "{}",
            m.id
        );
        assert!(
            !s.images.is_empty() && services::requires(s, &s.images[0].0),
            "{}",
            m.id
        );
        let slug =
            m.id.trim_start_matches("stability.")
                .trim_start_matches("stable-image-");
        assert!(
            slug.trim_start_matches("stable-").starts_with(&s.slug),
            "{}: {}",
            m.id,
            s.slug
        );
    }
}

#[test]
fn the_documented_sketch_reads_back_with_the_size_it_answers() {
    let body = request_fixture(NAME, "documented");
    let req = StabilityServices
        .read_request(body.to_string().as_bytes(), model(SKETCH))
        .unwrap();
    assert_eq!((req.image.width, req.image.height), (Some(64), Some(64)));
    assert!(req.messages[0].text().starts_with("a house"));
    assert_eq!(StabilityServices.build(&req, model(SKETCH)).unwrap(), body);
}

#[test]
fn each_service_answers_the_size_its_reference_gives() {
    let cases = [
        ("outpaint", OUTPAINT, (64 + 1024, 64 + 300)),
        ("fast_upscale", FAST, (256, 256)),
        (
            "creative_upscale",
            "stability.stable-creative-upscale-v1:0",
            (2048, 2048),
        ),
        (
            "style_guide",
            "stability.stable-image-style-guide-v1:0",
            (1280, 720),
        ),
        ("style_transfer", TRANSFER, (1024, 1024)),
        ("inpaint", "stability.stable-image-inpaint-v1:0", (64, 64)),
    ];
    for (file, id, size) in cases {
        let body = request_fixture(NAME, file);
        let req = StabilityServices
            .read_request(body.to_string().as_bytes(), model(id))
            .unwrap();
        assert_eq!(
            (req.image.width, req.image.height),
            (Some(size.0), Some(size.1)),
            "{file}"
        );
        assert_eq!(
            StabilityServices.build(&req, model(id)).unwrap(),
            body,
            "{file}"
        );
    }
}

#[test]
fn settings_and_format_are_carried_and_checked_per_service() {
    let mut req = edit(Some("A bridge"), vec![png(80, 80)]);
    req.image
        .settings
        .insert("control_strength".into(), json!(0.4));
    req.image.format = Some(ImageFormat::Jpeg);
    let body = StabilityServices.build(&req, model(SKETCH)).unwrap();
    assert_eq!(body["control_strength"], json!(0.4));
    assert_eq!(body["output_format"], "jpeg");
    let err = StabilityServices.build(&req, model(OUTPAINT)).unwrap_err();
    assert!(err.to_string().contains("control_strength"), "{err}");
    req.image.settings.clear();
    req.image.width = Some(100);
    req.image.height = Some(100);
    let err = StabilityServices.build(&req, model(SKETCH)).unwrap_err();
    assert!(err.to_string().contains("80x80"), "{err}");
}

#[test]
fn prompts_and_images_follow_each_service() {
    let err = StabilityServices
        .build(&edit(None, vec![png(64, 64)]), model(SKETCH))
        .unwrap_err();
    assert!(err.to_string().contains("no prompt"), "{err}");
    let err = StabilityServices
        .build(&edit(Some("x"), vec![png(64, 64)]), model(FAST))
        .unwrap_err();
    assert!(
        err.to_string().contains("a prompt for fast-upscale"),
        "{err}"
    );
    let body = StabilityServices
        .build(
            &edit(Some("statue"), vec![png(64, 64), png(64, 96)]),
            model(TRANSFER),
        )
        .unwrap();
    assert!(body.get("init_image").is_some() && body.get("style_image").is_some());
    assert!(body.get("image").is_none());
    let err = StabilityServices
        .build(&edit(None, vec![png(64, 64), png(64, 64)]), model(FAST))
        .unwrap_err();
    assert!(err.to_string().contains("more than 1 images"), "{err}");
}

#[test]
fn the_service_rules_refuse_in_order() {
    let sketch = model(SKETCH).image_service.as_ref().unwrap();
    let text = services::refusal(sketch, &json!({"text_prompts": [], "cfg_scale": 7})).unwrap();
    assert!(text.contains("Invalid field 'text_prompts'"), "{text}");
    let text = services::refusal(sketch, &json!({"prompt": "x"})).unwrap();
    assert!(text.contains("required key [image] not found"), "{text}");
    let ok = base64::engine::general_purpose::STANDARD.encode(png(64, 64));
    assert_eq!(
        services::refusal(sketch, &json!({"image": ok, "prompt": "x"})),
        None
    );
    let gif = base64::engine::general_purpose::STANDARD.encode(b"GIF89a\x40\x00\x40\x00");
    let text = services::refusal(sketch, &json!({"image": gif, "prompt": "x"})).unwrap();
    assert!(text.contains("Supported formats"), "{text}");
}

#[test]
fn the_recorded_answer_reads_as_one_image() {
    let resp = StabilityServices.parse(&recorded(NAME)).unwrap();
    assert_eq!(resp.images.len(), 1);
    assert_eq!(resp.stop_reason, None);
}

#[test]
fn streaming_is_refused_and_chat_parts_too() {
    assert!(StabilityServices
        .render_chunks(
            &PortableResponse::default(),
            &crate::family::test_support::ctx(SKETCH)
        )
        .is_err());
    let req = edit(Some("x"), vec![png(64, 64)]).system("Be nice.");
    assert!(StabilityServices.build(&req, model(SKETCH)).is_err());
    let req = edit(Some("x"), vec![png(64, 64)]).max_tokens(5);
    assert!(StabilityServices.build(&req, model(SKETCH)).is_err());
}
