//! Stability AI Stable Image Core, Stable Image Ultra and Stable Diffusion
//! 3.5 Large (`stability.stable-image-core-v1:1`,
//! `stability.stable-image-ultra-v1:1`, `stability.sd3-5-large-v1:0`).
//!
//! Shapes from the AWS user guide pages "Stable Image Core request and
//! response", "Stable Image Ultra request and response" and "Stability.ai
//! Stable Diffusion 3.5 Large": a `prompt` plus optional `negative_prompt`,
//! `mode`, `image`, `strength`, `aspect_ratio`, `seed`, `output_format`;
//! the response is `{"seeds","finish_reasons","images"}`. No streaming.
//!
//! The models take an aspect ratio, not pixel sizes: a portable width and
//! height are sent as the listed ratio they equal (`1920x1080` is `16:9`),
//! and refused when they equal none of [`ASPECT_RATIOS`].

use super::codec::{Codec, NoStream};
use super::images::{input_image, prompt_turn};
use super::model_family::RenderContext;
use super::refusals::{refuse_image_extras, refuse_text_features};
use super::stability_envelope::{
    checked_seed, native_images, portable_images, StabilityImageResponse, ASPECT_SIZES,
};
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{ImageFormat, ImageOptions, PortableRequest, PortableResponse};
use serde::{Deserialize, Serialize};

const NAME: &str = "stability_image";

/// Why input images are refused: image-to-image needs a strength the
/// portable request has no place for.
const IMAGE_INPUT: &str =
    "input images (image-to-image needs a strength the portable request cannot carry)";

/// The aspect ratios the models accept (default `1:1`).
pub const ASPECT_RATIOS: &[&str] = &[
    "16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21",
];

/// The formats `output_format` names (PNG by default).
pub const OUTPUT_FORMATS: [ImageFormat; 3] =
    [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Webp];

/// The Stability Stable Image / SD3.5 family.
#[derive(Debug, Clone, Copy, Default)]
pub struct StabilityImage;

/// The request body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StabilityImageRequest {
    /// What to draw; at most 10,000 characters.
    pub prompt: String,
    /// What not to draw; at most 10,000 characters.
    pub negative_prompt: Option<String>,
    /// `text-to-image` (default) or `image-to-image` (SD3.5 Large).
    pub mode: Option<String>,
    /// The base64 input image of `image-to-image`.
    pub image: Option<String>,
    /// How much the input image is changed, 0–1 (`image-to-image` only).
    pub strength: Option<f32>,
    /// One of [`ASPECT_RATIOS`] (`text-to-image` only).
    pub aspect_ratio: Option<String>,
    /// 0 (random, the default) up to [`MAX_SEED`].
    pub seed: Option<u32>,
    /// `png` (default), `jpeg` or `webp`.
    pub output_format: Option<String>,
}

/// The listed aspect ratio equal to `width:height` (`2560x1080` is `21:9`).
pub fn aspect_ratio(width: Option<u32>, height: Option<u32>) -> Result<Option<String>, Error> {
    match (width, height) {
        (None, None) => Ok(None),
        (Some(w), Some(h)) if w > 0 && h > 0 => ASPECT_RATIOS
            .iter()
            .find(|ratio| {
                let (rw, rh) = ratio.split_once(':').unwrap_or_default();
                let (rw, rh) = (
                    rw.parse::<u64>().unwrap_or(0),
                    rh.parse::<u64>().unwrap_or(0),
                );
                u64::from(w) * rh == u64::from(h) * rw
            })
            .map(|ratio| Some(ratio.to_string()))
            .ok_or_else(|| {
                Error::unsupported(
                    NAME,
                    format!(
                        "an image size of {w}x{h} (not one of the aspect ratios {})",
                        ASPECT_RATIOS.join(", ")
                    ),
                )
            }),
        _ => Err(Error::unsupported(
            NAME,
            "an image size without both a non-zero width and height",
        )),
    }
}

/// The width and height read back from an aspect ratio.
fn size_of_ratio(ratio: &str) -> Result<(u32, u32), Error> {
    ASPECT_SIZES
        .iter()
        .find(|(r, _, _)| *r == ratio)
        .map(|&(_, w, h)| (w, h))
        .ok_or_else(|| {
            Error::parse(
                NAME,
                "request",
                format!(
                    "aspect_ratio {ratio:?} is not one of {}",
                    ASPECT_RATIOS.join(", ")
                ),
            )
        })
}

impl Codec for StabilityImage {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Stability AI Stable Image / SD3.5";
    type Request = StabilityImageRequest;
    type Response = StabilityImageResponse;
    type Chunk = NoStream;

    /// The typed request from the last user turn's text and
    /// `req.image`.
    fn request(
        &self,
        req: &PortableRequest,
        _: &ModelInfo,
    ) -> Result<StabilityImageRequest, Error> {
        refuse_text_features(NAME, req, Some(IMAGE_INPUT))?;
        refuse_image_extras(NAME, req, &OUTPUT_FORMATS)?;
        let prompt = req.last_user_text();
        if prompt.is_empty() {
            return Err(Error::unsupported(NAME, "a request with no prompt text"));
        }
        let image = &req.image;
        if image.count.is_some_and(|n| n != 1) {
            return Err(Error::unsupported(NAME, "more than one image per request"));
        }
        let seed = checked_seed(NAME, image.seed)?;
        Ok(StabilityImageRequest {
            prompt,
            negative_prompt: image.negative_prompt.clone(),
            aspect_ratio: aspect_ratio(image.width, image.height)?,
            seed,
            output_format: image.format.map(|f| f.as_str().to_string()),
            ..Default::default()
        })
    }

    fn portable(&self, resp: StabilityImageResponse) -> Result<PortableResponse, Error> {
        Ok(portable_images(resp))
    }

    /// The prompt (and an image-to-image input image) is the user turn; an
    /// aspect ratio is read as a size of that ratio ([`ASPECT_SIZES`]).
    /// `mode` and `strength` have no portable place; the count stays unset
    /// (one image is always drawn).
    fn portable_request(
        &self,
        req: StabilityImageRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let size = req.aspect_ratio.as_deref().map(size_of_ratio).transpose()?;
        let image = req
            .image
            .as_deref()
            .map(|b64| input_image(NAME, b64))
            .transpose()?;
        Ok(PortableRequest {
            messages: vec![prompt_turn(req.prompt, image)],
            image: ImageOptions {
                count: None,
                width: size.map(|(w, _)| w),
                height: size.map(|(_, h)| h),
                seed: req.seed.map(u64::from),
                negative_prompt: req.negative_prompt,
                format: req
                    .output_format
                    .as_deref()
                    .map(|name| {
                        ImageFormat::from_name(name).ok_or_else(|| {
                            Error::parse(NAME, "request", format!("output_format {name:?}"))
                        })
                    })
                    .transpose()?,
                settings: Default::default(),
            },
            ..Default::default()
        })
    }

    /// `{"seeds","finish_reasons","images"}`: one seed (derived from the
    /// response id) and one finish reason per image, `null` unless the
    /// response stopped for a reason. A filtered response with no image is
    /// only `{"finish_reasons":["Filter reason: prompt"]}`.
    fn native(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<StabilityImageResponse, Error> {
        Ok(native_images(resp, ctx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::stability_envelope::{stop_reason, MAX_SEED};
    use crate::family::test_support::{
        assert_reads_back, assert_refuses, assert_renders_back, assert_streaming_refused,
        assert_unparsed_requests, image_only_refusals, image_prompt, keys, model, recorded,
        recorded_in, request_fixture, user_turn, PNG_1X1,
    };
    use crate::family::ModelFamily;
    use crate::portable::StopReason;
    use crate::portable::{ContentBlock, ImageFormat};
    use serde_json::json;
    use serde_json::Value;

    const CORE: &str = "stability.stable-image-core-v1:1";

    fn ctx() -> RenderContext<'static> {
        crate::family::test_support::ctx(CORE)
    }

    #[test]
    fn sizes_become_aspect_ratios_and_options_are_carried() {
        let mut req = PortableRequest::prompt("A lighthouse at dusk");
        req.image.width = Some(1920);
        req.image.height = Some(1080);
        req.image.seed = Some(42);
        req.image.count = Some(1);
        req.image.negative_prompt = Some("people".into());
        let body = StabilityImage
            .build(&req, model("stability.sd3-5-large-v1:0"))
            .unwrap();
        assert_eq!(body, request_fixture(NAME, "options"));
    }

    #[test]
    fn every_listed_ratio_is_accepted() {
        for ratio in ASPECT_RATIOS {
            let (w, h) = ratio.split_once(':').unwrap();
            let (w, h): (u32, u32) = (w.parse().unwrap(), h.parse().unwrap());
            assert_eq!(
                aspect_ratio(Some(w * 64), Some(h * 64)).unwrap().as_deref(),
                Some(*ratio)
            );
        }
    }

    #[test]
    fn refuses_what_the_models_cannot_express() {
        let model = model("stability.stable-image-ultra-v1:1");
        let sized = |w, h| {
            image_prompt(|image| {
                image.width = w;
                image.height = h;
            })
        };
        let many = image_prompt(|image| image.count = Some(2));
        let big_seed = image_prompt(|image| image.seed = Some(u64::from(MAX_SEED) + 1));
        let with_image = user_turn(vec![
            ContentBlock::Text("make it blue".into()),
            ContentBlock::image(ImageFormat::Png, vec![1]),
        ]);
        let cases = [
            (sized(Some(1000), Some(700)), "1000x700 (not one of"),
            (sized(Some(1024), None), "without both"),
            (many, "more than one image"),
            (big_seed, "seed 4294967295 (above 4294967294)"),
        ];
        assert_refuses(
            &StabilityImage,
            model,
            cases.into_iter().chain(image_only_refusals(with_image)),
        );
    }

    #[test]
    fn parses_the_recorded_response() {
        let resp = StabilityImage.parse(&recorded(NAME)).unwrap();
        assert_eq!(resp.images.len(), 1);
        assert!(resp.images[0].starts_with("iVBORw0KGgo"));
        assert_eq!(resp.stop_reason, None);
        assert!(resp.text.is_empty());
    }

    #[test]
    fn a_filtered_response_is_content_filtered() {
        let resp = StabilityImage
            .parse(&recorded_in(NAME, "filtered"))
            .unwrap();
        assert!(resp.images.is_empty());
        assert_eq!(resp.stop_reason, Some(StopReason::ContentFiltered));
        assert_eq!(
            stop_reason("Inference error"),
            StopReason::Other("Inference error".into())
        );
    }

    #[test]
    fn streaming_and_malformed_bodies_are_errors() {
        let err = StabilityImage.parse(br#"{"images":["x"]}"#).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("stability_image: cannot parse response"));
        assert_streaming_refused(&StabilityImage);
    }

    #[test]
    fn read_request_inverts_build() {
        let model = model("stability.sd3-5-large-v1:0");
        let mut options = PortableRequest::prompt("A lighthouse at dusk");
        options.image.width = Some(1280);
        options.image.height = Some(720);
        options.image.seed = Some(42);
        options.image.negative_prompt = Some("people".into());
        let mut tall = PortableRequest::prompt("A tall tower");
        tall.image.width = Some(576);
        tall.image.height = Some(1344);
        tall.image.seed = Some(u64::from(MAX_SEED));
        assert_reads_back(
            &StabilityImage,
            model,
            [
                PortableRequest::prompt("Create an image of a panda"),
                options,
                tall,
            ],
        );
    }

    /// The request carries an aspect ratio, not a size, and no count: a
    /// size reads back as the listed size of its ratio (which builds the
    /// same body), a count of one as unset.
    #[test]
    fn sizes_read_back_as_their_ratio() {
        let model = model(CORE);
        for &(ratio, w, h) in ASPECT_SIZES {
            assert_eq!(
                aspect_ratio(Some(w), Some(h)).unwrap().as_deref(),
                Some(ratio)
            );
        }
        let mut req = PortableRequest::prompt("A lighthouse at dusk");
        req.image.width = Some(1920);
        req.image.height = Some(1080);
        req.image.count = Some(1);
        let body = StabilityImage.build_bytes(&req, model).unwrap();
        let read = StabilityImage.read_request(&body, model).unwrap();
        assert_eq!(
            (read.image.width, read.image.height, read.image.count),
            (Some(1280), Some(720), None)
        );
        assert_eq!(StabilityImage.build_bytes(&read, model).unwrap(), body);
    }

    #[test]
    fn reads_image_to_image_and_refuses_odd_bodies() {
        let model = model("stability.sd3-5-large-v1:0");
        let body = json!({"prompt": "make it blue", "mode": "image-to-image", "image": PNG_1X1,
            "strength": 0.5, "output_format": "jpeg"});
        let req = StabilityImage
            .read_request(body.to_string().as_bytes(), model)
            .unwrap();
        assert_eq!(req.last_user_text(), "make it blue");
        assert!(matches!(
            &req.messages[0].content[1],
            ContentBlock::Image { format: ImageFormat::Png, data } if data.starts_with(b"\x89PNG")
        ));
        let cases = [
            (
                json!({"prompt": "x", "aspect_ratio": "7:3"}),
                "aspect_ratio \"7:3\"",
            ),
            (json!({"prompt": "x", "image": "%%%"}), "the input image"),
            (json!({"negative_prompt": "x"}), "prompt"),
            (json!({"prompt": "x", "seed": -1}), "expected u32"),
        ];
        assert_unparsed_requests(&StabilityImage, model, cases);
    }

    /// Seeds are not portable: they are derived from the response id.
    #[test]
    fn rendered_responses_and_chunks_parse_back() {
        let ctx = ctx();
        assert_renders_back(
            &StabilityImage,
            &ctx,
            [
                PortableResponse {
                    images: vec![PNG_1X1.into()],
                    ..Default::default()
                },
                PortableResponse {
                    images: vec![PNG_1X1.into(), "AAAA".into()],
                    ..Default::default()
                },
                PortableResponse {
                    stop_reason: Some(StopReason::ContentFiltered),
                    ..Default::default()
                },
                PortableResponse {
                    images: vec![PNG_1X1.into()],
                    stop_reason: Some(StopReason::ContentFiltered),
                    ..Default::default()
                },
                PortableResponse {
                    stop_reason: Some(StopReason::Other("Inference error".into())),
                    ..Default::default()
                },
            ],
        );
        let body = StabilityImage
            .render_response(
                &PortableResponse {
                    images: vec![PNG_1X1.into(), PNG_1X1.into()],
                    ..Default::default()
                },
                &ctx,
            )
            .unwrap();
        let seeds = body["seeds"].as_array().unwrap();
        assert_eq!(seeds.len(), 2);
        assert_ne!(seeds[0], seeds[1]);
        assert_eq!(body["finish_reasons"], json!([null, null]));
        assert!(StabilityImage
            .render_chunks(&PortableResponse::default(), &ctx)
            .is_err());
    }

    #[test]
    fn rendered_bodies_have_the_recorded_keys() {
        for file in ["default", "filtered"] {
            let invoke: Value = serde_json::from_slice(&recorded_in(NAME, file)).unwrap();
            let resp = StabilityImage.parse(&recorded_in(NAME, file)).unwrap();
            let body = StabilityImage.render_response(&resp, &ctx()).unwrap();
            assert_eq!(keys(&body), keys(&invoke), "{file}");
            assert_eq!(body["finish_reasons"], invoke["finish_reasons"], "{file}");
            assert_eq!(body.get("images"), invoke.get("images"), "{file}");
        }
    }
}
