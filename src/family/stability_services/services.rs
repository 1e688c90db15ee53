//! The rules of Stability's image services, read from each model's
//! [`ImageService`] line: the fields it takes and requires, the limits of its
//! images, and the size of the image it answers.
//!
//! Fields, required fields, ranges and image limits are the AWS user guide
//! page "Stability AI Image Services" (stable-image-services.html), read
//! 2026-12. Output sizes are Stability's own API reference ("The resolution
//! of the generated image will match that of the input image" for the
//! control and recolor services, "4 times that of the input image" for Fast
//! Upscale, "4 megapixels" for the conservative upscale, "1MP" for the
//! style services); the page itself gives none. Where neither says (inpaint,
//! erase, search and replace, remove background, outpaint), the fake keeps
//! the input's size, grown by the outpaint margins: inferred.
//!
//! Refusals. Bedrock passes the service's own error through as the
//! message, a JSON document: `{"detail":"Invalid field 'text_prompts' in
//! request. Available fields for control-sketch are: image, prompt,
//! control_strength, negative_prompt, seed, output_format, style_preset"}`
//! (aws-samples/amazon-bedrock-client-for-mac#121, 2025-10-20). The other
//! services' names in that text (`inpaint`, `erase-object`, ...) are the
//! model id's as `control-sketch` is: inferred. No source quotes the texts
//! for a missing field, an image out of limits or an outpaint with no
//! margin: the fake uses Bedrock's validator wording for a missing field,
//! and for the others the page's own sentences in the service's `detail`
//! envelope.

use crate::model_info::{ImageLimits, ImageService, OutputSize};
use crate::schema::{Rejection, Violation};
use serde_json::{Map, Value};

/// The fields a body names as images or prompts; the others are settings.
pub const CORE_FIELDS: [&str; 8] = [
    "image",
    "init_image",
    "style_image",
    "mask",
    "prompt",
    "negative_prompt",
    "seed",
    "output_format",
];

/// Whether the service takes `field`.
pub fn takes(service: &ImageService, field: &str) -> bool {
    service.fields.iter().any(|f| f == field)
}

/// Whether the service requires `field`.
pub fn requires(service: &ImageService, field: &str) -> bool {
    service.required.iter().any(|f| f == field)
}

/// The first refusal of `body` that its JSON Schema cannot state, in the
/// order the service checks: an unknown field, a missing one, an image out
/// of its limits, an outpaint with no margin.
pub fn refusal(service: &ImageService, body: &Value) -> Option<String> {
    let obj = body.as_object()?;
    if let Some(unknown) = obj.keys().find(|k| !takes(service, k)) {
        return Some(detail(&format!(
            "Invalid field '{unknown}' in request. Available fields for {} are: {}",
            service.slug,
            service.fields.join(", ")
        )));
    }
    let missing: Vec<Violation> = service
        .required
        .iter()
        .filter(|name| !obj.contains_key(name.as_str()))
        .map(|name| Violation {
            pointer: "#".into(),
            text: format!("required key [{name}] not found"),
        })
        .collect();
    if !missing.is_empty() {
        return Some(Rejection::Violations(missing).message());
    }
    for (name, limits) in &service.images {
        let Some(base64) = obj.get(name).and_then(Value::as_str) else {
            continue;
        };
        if let Err(text) = check_image(base64, *limits) {
            return Some(detail(&format!("{name}: {text}")));
        }
    }
    let margins = ["left", "right", "up", "down"];
    let grown = margins
        .iter()
        .any(|k| obj.get(*k).and_then(Value::as_u64).unwrap_or(0) > 0);
    (service.output == OutputSize::Outpainted && !grown).then(|| {
        detail("At least one outpaint direction: (left, right, up, or down) must be supplied with a non-zero value.")
    })
}

/// The size of the image the service answers, from its first image's size
/// and the body's settings.
pub fn output_size(
    service: &ImageService,
    input: (u32, u32),
    settings: &Map<String, Value>,
) -> (u32, u32) {
    let (w, h) = input;
    let margin = |key: &str| {
        settings
            .get(key)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0)
    };
    match service.output {
        OutputSize::Same => (w, h),
        OutputSize::FourTimes => (w.saturating_mul(4), h.saturating_mul(4)),
        OutputSize::Pixels(pixels) => crate::pictures::scaled_to_pixels(w, h, pixels),
        OutputSize::Outpainted => (
            w.saturating_add(margin("left"))
                .saturating_add(margin("right")),
            h.saturating_add(margin("up"))
                .saturating_add(margin("down")),
        ),
        OutputSize::AspectRatio => {
            let ratio = settings
                .get("aspect_ratio")
                .and_then(Value::as_str)
                .unwrap_or("1:1");
            crate::family::stability_envelope::ASPECT_SIZES
                .iter()
                .find(|(r, _, _)| *r == ratio)
                .map_or((1024, 1024), |&(_, w, h)| (w, h))
        }
    }
}

/// A service's error as Bedrock passes it through: `{"detail": text}`.
fn detail(text: &str) -> String {
    serde_json::json!({ "detail": text }).to_string()
}

/// The size of a base64 image within `limits`, or the page's words for
/// the limit it breaks.
pub fn check_image(base64_image: &str, limits: ImageLimits) -> Result<(u32, u32), String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64_image.trim())
        .map_err(|_| "The image must be a Base64 string.".to_string())?;
    let format = crate::portable::ImageFormat::sniff(&bytes);
    let size = crate::pictures::image_size(&bytes);
    let (w, h) = match (format, size) {
        (Some(f), Some(size)) if f != crate::portable::ImageFormat::Gif => size,
        _ => return Err("Supported formats: jpeg, png, webp.".into()),
    };
    let pixels = u64::from(w) * u64::from(h);
    match limits {
        ImageLimits::Mask => {}
        ImageLimits::Standard => {
            if w.min(h) < 64 {
                return Err("Every side of the image must be at least 64 pixels.".into());
            }
            if pixels > 9_437_184 {
                return Err("The total pixel count cannot exceed 9,437,184 pixels.".into());
            }
            if f64::from(w.max(h)) / f64::from(w.min(h)) > 2.5 {
                return Err("Image aspect ratio must be between 1:2.5 and 2.5:1.".into());
            }
        }
        ImageLimits::Small => {
            if w.min(h) < 64 {
                return Err("Every side of the image must be at least 64 pixels.".into());
            }
            if !(4_096..=1_048_576).contains(&pixels) {
                return Err("Total pixel count must be between 4,096 and 1,048,576 pixels.".into());
            }
        }
        ImageLimits::Tiny => {
            if !(32..=1_536).contains(&w) {
                return Err("Width must be between 32 and 1,536 pixels.".into());
            }
            if !(32..=1_536).contains(&h) {
                return Err("Height must be between 32 and 1,536 pixels.".into());
            }
            if !(1_024..=1_048_576).contains(&pixels) {
                return Err("Total pixel count must be between 1,024 and 1,048,576 pixels.".into());
            }
        }
    }
    Ok((w, h))
}
