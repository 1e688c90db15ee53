//! The thirteen Stability AI Image Services: what each body takes, the
//! images it reads and their limits, and the size of the image it answers.
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

use crate::schema::{Rejection, Violation};
use serde_json::Value;

/// The limits of an input image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageLimits {
    /// Every side at least 64 pixels, at most 9,437,184 pixels, an aspect
    /// ratio between 1:2.5 and 2.5:1.
    Standard,
    /// Creative Upscale: every side at least 64 pixels, 4,096 to 1,048,576
    /// pixels.
    Small,
    /// Fast Upscale: sides of 32 to 1,536 pixels, 1,024 to 1,048,576 pixels.
    Tiny,
    /// A mask: any size (it is resized to the image).
    Mask,
}

/// The size of the answered image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputSize {
    /// The input's.
    Same,
    /// Four times the input's sides.
    FourTimes,
    /// The input's aspect at this many pixels.
    Pixels(u64),
    /// The input's grown by `left`, `right`, `up` and `down`.
    Outpainted,
    /// One megapixel in the body's `aspect_ratio` (1:1 by default).
    AspectRatio,
}

/// One service.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    /// The model id (`stability.stable-image-control-sketch-v1:0`).
    pub id: &'static str,
    /// Its name in refusals (`control-sketch`).
    pub slug: &'static str,
    /// The images it reads, in the order of the portable turn.
    pub images: &'static [(&'static str, ImageLimits)],
    /// Whether `prompt` is required (else optional, where `fields` has it).
    pub prompt_required: bool,
    /// The other required fields (`search_prompt`, `select_prompt`).
    pub required_settings: &'static [&'static str],
    /// Every field it takes, in the order its refusal lists them.
    pub fields: &'static [&'static str],
    /// The size of its answer.
    pub output: OutputSize,
}

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

const STANDARD: (&str, ImageLimits) = ("image", ImageLimits::Standard);
const WITH_MASK: &[(&str, ImageLimits)] = &[STANDARD, ("mask", ImageLimits::Mask)];

/// Four megapixels (4,194,304 pixels): the conservative and creative
/// upscales' answer.
pub const FOUR_MEGAPIXELS: u64 = 4 * 1024 * 1024;
/// One megapixel: the style services' answer.
pub const ONE_MEGAPIXEL: u64 = 1024 * 1024;

/// Every service, in the AWS page's order.
pub const SERVICES: [Service; 13] = [
    Service {
        id: "stability.stable-creative-upscale-v1:0",
        slug: "creative-upscale",
        images: &[("image", ImageLimits::Small)],
        prompt_required: true,
        required_settings: &[],
        fields: &[
            "image",
            "prompt",
            "creativity",
            "negative_prompt",
            "seed",
            "output_format",
            "style_preset",
        ],
        output: OutputSize::Pixels(FOUR_MEGAPIXELS),
    },
    Service {
        id: "stability.stable-conservative-upscale-v1:0",
        slug: "conservative-upscale",
        images: &[STANDARD],
        prompt_required: true,
        required_settings: &[],
        fields: &[
            "image",
            "prompt",
            "creativity",
            "negative_prompt",
            "seed",
            "output_format",
        ],
        output: OutputSize::Pixels(FOUR_MEGAPIXELS),
    },
    Service {
        id: "stability.stable-fast-upscale-v1:0",
        slug: "fast-upscale",
        images: &[("image", ImageLimits::Tiny)],
        prompt_required: false,
        required_settings: &[],
        fields: &["image", "output_format"],
        output: OutputSize::FourTimes,
    },
    Service {
        id: "stability.stable-image-inpaint-v1:0",
        slug: "inpaint",
        images: WITH_MASK,
        prompt_required: true,
        required_settings: &[],
        fields: &[
            "image",
            "prompt",
            "style_preset",
            "negative_prompt",
            "seed",
            "output_format",
            "mask",
            "grow_mask",
        ],
        output: OutputSize::Same,
    },
    Service {
        id: "stability.stable-outpaint-v1:0",
        slug: "outpaint",
        images: &[STANDARD],
        prompt_required: false,
        required_settings: &[],
        fields: &[
            "image",
            "prompt",
            "style_preset",
            "seed",
            "output_format",
            "creativity",
            "left",
            "right",
            "up",
            "down",
        ],
        output: OutputSize::Outpainted,
    },
    Service {
        id: "stability.stable-image-search-recolor-v1:0",
        slug: "search-recolor",
        images: &[STANDARD],
        prompt_required: true,
        required_settings: &["select_prompt"],
        fields: &[
            "image",
            "prompt",
            "select_prompt",
            "style_preset",
            "negative_prompt",
            "seed",
            "output_format",
            "grow_mask",
        ],
        output: OutputSize::Same,
    },
    Service {
        id: "stability.stable-image-search-replace-v1:0",
        slug: "search-replace",
        images: &[STANDARD],
        prompt_required: true,
        required_settings: &["search_prompt"],
        fields: &[
            "image",
            "prompt",
            "search_prompt",
            "style_preset",
            "negative_prompt",
            "seed",
            "output_format",
            "grow_mask",
        ],
        output: OutputSize::Same,
    },
    Service {
        id: "stability.stable-image-erase-object-v1:0",
        slug: "erase-object",
        images: WITH_MASK,
        prompt_required: false,
        required_settings: &[],
        fields: &["image", "seed", "output_format", "mask", "grow_mask"],
        output: OutputSize::Same,
    },
    Service {
        id: "stability.stable-image-remove-background-v1:0",
        slug: "remove-background",
        images: &[STANDARD],
        prompt_required: false,
        required_settings: &[],
        fields: &["image", "output_format"],
        output: OutputSize::Same,
    },
    Service {
        id: "stability.stable-image-control-sketch-v1:0",
        slug: "control-sketch",
        images: &[STANDARD],
        prompt_required: true,
        required_settings: &[],
        fields: &[
            "image",
            "prompt",
            "control_strength",
            "negative_prompt",
            "seed",
            "output_format",
            "style_preset",
        ],
        output: OutputSize::Same,
    },
    Service {
        id: "stability.stable-image-control-structure-v1:0",
        slug: "control-structure",
        images: &[STANDARD],
        prompt_required: true,
        required_settings: &[],
        fields: &[
            "image",
            "prompt",
            "control_strength",
            "negative_prompt",
            "seed",
            "output_format",
            "style_preset",
        ],
        output: OutputSize::Same,
    },
    Service {
        id: "stability.stable-image-style-guide-v1:0",
        slug: "style-guide",
        images: &[STANDARD],
        prompt_required: true,
        required_settings: &[],
        fields: &[
            "image",
            "prompt",
            "aspect_ratio",
            "negative_prompt",
            "seed",
            "output_format",
            "fidelity",
            "style_preset",
        ],
        output: OutputSize::AspectRatio,
    },
    Service {
        id: "stability.stable-style-transfer-v1:0",
        slug: "style-transfer",
        images: &[
            ("init_image", ImageLimits::Standard),
            ("style_image", ImageLimits::Standard),
        ],
        prompt_required: false,
        required_settings: &[],
        fields: &[
            "init_image",
            "style_image",
            "prompt",
            "negative_prompt",
            "seed",
            "output_format",
            "composition_fidelity",
            "style_strength",
            "change_strength",
        ],
        output: OutputSize::Pixels(ONE_MEGAPIXEL),
    },
];

/// The service a model id names.
pub fn service(id: &str) -> Option<&'static Service> {
    SERVICES.iter().find(|s| s.id == id)
}

impl Service {
    /// Whether the body takes `field`.
    pub fn takes(&self, field: &str) -> bool {
        self.fields.contains(&field)
    }

    /// The first refusal of `body` that its JSON Schema cannot state, in
    /// the order the service checks: an unknown field, a missing one, an
    /// image out of its limits, an outpaint with no margin.
    pub fn refusal(&self, body: &Value) -> Option<String> {
        let obj = body.as_object()?;
        if let Some(unknown) = obj.keys().find(|k| !self.takes(k)) {
            return Some(detail(&format!(
                "Invalid field '{unknown}' in request. Available fields for {} are: {}",
                self.slug,
                self.fields.join(", ")
            )));
        }
        let required = self
            .images
            .iter()
            .filter(|(_, limits)| *limits != ImageLimits::Mask)
            .map(|(name, _)| *name)
            .chain(self.prompt_required.then_some("prompt"))
            .chain(self.required_settings.iter().copied());
        let missing: Vec<Violation> = required
            .filter(|name| !obj.contains_key(*name))
            .map(|name| Violation {
                pointer: "#".into(),
                text: format!("required key [{name}] not found"),
            })
            .collect();
        if !missing.is_empty() {
            return Some(Rejection::Violations(missing).message());
        }
        for (name, limits) in self.images {
            let Some(base64) = obj.get(*name).and_then(Value::as_str) else {
                continue;
            };
            if let Err(text) = check_image(base64, *limits) {
                return Some(detail(&format!("{name}: {text}")));
            }
        }
        if self.output == OutputSize::Outpainted
            && ["left", "right", "up", "down"]
                .iter()
                .all(|k| obj.get(*k).and_then(Value::as_u64).unwrap_or(0) == 0)
        {
            return Some(detail(
                "At least one outpaint direction: (left, right, up, or down) must be supplied with a non-zero value.",
            ));
        }
        None
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
