//! Stability AI SDXL 1.0 (`stability.stable-diffusion-xl-v1`; past its end
//! of life on Bedrock).
//!
//! Shapes from the AWS user guide pages "Stability.ai Diffusion 1.0 text to
//! image" and "... image to image": weighted `text_prompts` (a negative
//! prompt has a weight below zero) and generation options; the response is
//! `{"result","artifacts":[{"seed","base64","finishReason"}]}`. No streaming.

use super::codec::{Codec, NoStream};
use super::images::{input_image, prompt_turn, seed_for};
use super::model_family::RenderContext;
use super::refusals::{refuse_image_extras, refuse_text_features};
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{ImageOptions, PortableRequest, PortableResponse, StopReason};
use serde::{Deserialize, Serialize};
use serde_json::Value;

const NAME: &str = "stability_sdxl";

/// Why input images are refused: image-to-image needs a strength the
/// portable request has no place for.
const IMAGE_INPUT: &str =
    "input images (image to image needs an image_strength the portable request cannot carry)";

/// The weight given to the portable negative prompt.
pub const NEGATIVE_WEIGHT: f32 = -1.0;

/// The image sizes (`width x height`) SDXL 1.0 accepts.
pub const SIZES: &[(u32, u32)] = &[
    (1024, 1024),
    (1152, 896),
    (1216, 832),
    (1344, 768),
    (1536, 640),
    (640, 1536),
    (768, 1344),
    (832, 1216),
    (896, 1152),
];

/// The Stability SDXL 1.0 family.
#[derive(Debug, Clone, Copy, Default)]
pub struct StabilitySdxl;

/// The request body (text to image, or image to image with `init_image`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StabilitySdxlRequest {
    /// The prompts; a weight below zero makes a negative prompt.
    pub text_prompts: Vec<SdxlTextPrompt>,
    /// Pixels, one of [`SIZES`] with `width` (the portable size is refused
    /// unless it is one of them).
    pub height: Option<u32>,
    /// Pixels, one of [`SIZES`] with `height`.
    pub width: Option<u32>,
    /// How closely the image follows the prompt, 0–35, default 7.
    pub cfg_scale: Option<f32>,
    /// `FAST_BLUE`, `FAST_GREEN`, `NONE`, `SIMPLE`, `SLOW`, `SLOWER`, `SLOWEST`.
    pub clip_guidance_preset: Option<String>,
    /// The sampler (`K_DPMPP_2M`, ...); chosen by the model when absent.
    pub sampler: Option<String>,
    /// Images to generate; Bedrock accepts only 1.
    pub samples: Option<u32>,
    /// 0 (random, the default) to 4294967295.
    pub seed: Option<u32>,
    /// Diffusion steps, default 30.
    pub steps: Option<u32>,
    /// A style such as `photographic`, `anime`, `3d-model`.
    pub style_preset: Option<String>,
    /// Extra engine parameters.
    pub extras: Option<Value>,
    /// Image to image: the base64 starting image.
    pub init_image: Option<String>,
    /// Image to image: `IMAGE_STRENGTH` (default) or `STEP_SCHEDULE`.
    pub init_image_mode: Option<String>,
    /// Image to image: how much the starting image shapes the result, 0–1.
    pub image_strength: Option<f32>,
}

/// One weighted prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SdxlTextPrompt {
    /// The prompt, at most 2000 characters.
    pub text: String,
    /// Default 1; below zero for a negative prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<f32>,
}

/// The response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilitySdxlResponse {
    /// `success`.
    pub result: String,
    /// One per image.
    pub artifacts: Vec<SdxlArtifact>,
}

/// One generated image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SdxlArtifact {
    /// The seed used.
    pub seed: u64,
    /// The image, base64 PNG.
    pub base64: String,
    /// `SUCCESS`, `ERROR` or `CONTENT_FILTERED`.
    pub finish_reason: String,
}

/// Maps an artifact's finish reason; success has no stop reason.
pub(crate) fn stop_reason(reason: &str) -> Option<StopReason> {
    match reason {
        "SUCCESS" => None,
        "CONTENT_FILTERED" => Some(StopReason::ContentFiltered),
        other => Some(StopReason::Other(other.to_string())),
    }
}

/// An artifact's finish reason for a portable stop reason.
fn finish_reason(reason: Option<&StopReason>) -> String {
    match reason {
        None | Some(StopReason::EndTurn) => "SUCCESS".into(),
        Some(StopReason::ContentFiltered) => "CONTENT_FILTERED".into(),
        Some(StopReason::Other(other)) => other.clone(),
        Some(other) => other.converse_name().to_string(),
    }
}

impl Codec for StabilitySdxl {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Stability AI SDXL 1.0";
    type Request = StabilitySdxlRequest;
    type Response = StabilitySdxlResponse;
    type Chunk = NoStream;

    /// The typed request from the last user turn's text and
    /// `req.image`.
    fn request(&self, req: &PortableRequest, _: &ModelInfo) -> Result<StabilitySdxlRequest, Error> {
        refuse_text_features(NAME, req, Some(IMAGE_INPUT))?;
        refuse_image_extras(NAME, req, &[])?;
        let prompt = req.last_user_text();
        if prompt.is_empty() {
            return Err(Error::unsupported(NAME, "a request with no prompt text"));
        }
        let image = &req.image;
        if image.count.is_some_and(|n| n != 1) {
            return Err(Error::unsupported(NAME, "more than one image per request"));
        }
        let seed = image
            .seed
            .map(|s| {
                u32::try_from(s)
                    .map_err(|_| Error::unsupported(NAME, format!("seed {s} (above 4294967295)")))
            })
            .transpose()?;
        let (w, h) = (image.width, image.height);
        if w.is_some() || h.is_some() {
            let fits = matches!((w, h), (Some(w), Some(h)) if SIZES.contains(&(w, h)));
            if !fits {
                return Err(Error::unsupported(
                    NAME,
                    format!(
                        "an image size of {}x{} (SDXL takes only {})",
                        w.map_or("?".into(), |w| w.to_string()),
                        h.map_or("?".into(), |h| h.to_string()),
                        SIZES
                            .iter()
                            .map(|(w, h)| format!("{w}x{h}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        let mut text_prompts = vec![SdxlTextPrompt {
            text: prompt,
            weight: None,
        }];
        if let Some(negative) = &image.negative_prompt {
            text_prompts.push(SdxlTextPrompt {
                text: negative.clone(),
                weight: Some(NEGATIVE_WEIGHT),
            });
        }
        Ok(StabilitySdxlRequest {
            text_prompts,
            height: image.height,
            width: image.width,
            samples: image.count,
            seed,
            ..Default::default()
        })
    }

    fn portable(&self, resp: StabilitySdxlResponse) -> Result<PortableResponse, Error> {
        Ok(PortableResponse {
            stop_reason: resp
                .artifacts
                .iter()
                .find_map(|a| stop_reason(&a.finish_reason)),
            images: resp.artifacts.into_iter().map(|a| a.base64).collect(),
            ..Default::default()
        })
    }

    /// Prompts of weight zero or more (joined by a newline, weights
    /// dropped) and an `init_image` make the user turn; prompts of negative
    /// weight make the negative prompt. `cfg_scale`, `steps`, the sampler,
    /// presets and image-to-image settings have no portable place.
    fn portable_request(
        &self,
        req: StabilitySdxlRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let (negative, positive): (Vec<_>, Vec<_>) = req
            .text_prompts
            .iter()
            .partition(|p| p.weight.is_some_and(|w| w < 0.0));
        let join = |prompts: Vec<&SdxlTextPrompt>| {
            prompts
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let image = req
            .init_image
            .as_deref()
            .map(|b64| input_image(NAME, b64))
            .transpose()?;
        Ok(PortableRequest {
            messages: vec![prompt_turn(join(positive), image)],
            image: ImageOptions {
                count: req.samples,
                width: req.width,
                height: req.height,
                seed: req.seed.map(u64::from),
                negative_prompt: (!negative.is_empty()).then(|| join(negative)),
                ..Default::default()
            },
            ..Default::default()
        })
    }

    /// `{"result":"success","artifacts":[...]}`: one artifact per image,
    /// its seed derived from the response id (the portable response has no
    /// seeds). A stopped response with no image has one artifact with an
    /// empty `base64`.
    fn native(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<StabilitySdxlResponse, Error> {
        let reason = finish_reason(resp.stop_reason.as_ref());
        let mut images: Vec<&str> = resp.images.iter().map(String::as_str).collect();
        if images.is_empty() && reason != "SUCCESS" {
            images.push("");
        }
        Ok(StabilitySdxlResponse {
            result: "success".into(),
            artifacts: images
                .iter()
                .enumerate()
                .map(|(i, image)| SdxlArtifact {
                    seed: u64::from(seed_for(ctx.response_id, i)),
                    base64: image.to_string(),
                    finish_reason: reason.clone(),
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::test_support::{
        assert_reads_back, assert_refuses, assert_renders_back, assert_streaming_refused,
        assert_unreadable_requests, documented_request, image_only_refusals, image_prompt, keys,
        model, recorded, user_turn, PNG_1X1,
    };
    use crate::family::ModelFamily;
    use crate::portable::{ContentBlock, ImageFormat};
    use serde_json::json;

    const SDXL: &str = "stability.stable-diffusion-xl-v1";

    fn ctx() -> RenderContext<'static> {
        crate::family::test_support::ctx(SDXL)
    }

    #[test]
    fn builds_the_documented_body() {
        let mut req = PortableRequest::prompt("A stylized picture of a cute old steampunk robot.");
        req.image.negative_prompt = Some("blurry, low resolution".into());
        req.image.width = Some(1024);
        req.image.height = Some(1024);
        req.image.seed = Some(42);
        req.image.count = Some(1);
        let body = StabilitySdxl.build(&req, model(SDXL)).unwrap();
        assert_eq!(body, documented_request(NAME));
    }

    #[test]
    fn a_bare_prompt_is_one_unweighted_text_prompt() {
        let body = StabilitySdxl
            .request(&PortableRequest::prompt("A red fox"), model(SDXL))
            .unwrap();
        assert_eq!(
            body.text_prompts,
            vec![SdxlTextPrompt {
                text: "A red fox".into(),
                weight: None
            }]
        );
        assert_eq!(body.seed, None);
        assert_eq!(body.samples, None);
    }

    #[test]
    fn refuses_what_sdxl_cannot_express() {
        let model = model(SDXL);
        let many = image_prompt(|image| image.count = Some(3));
        let big_seed = image_prompt(|image| image.seed = Some(1 << 40));
        let odd_size = image_prompt(|image| {
            image.width = Some(512);
            image.height = Some(512);
        });
        let half_size = image_prompt(|image| image.width = Some(1024));
        let with_image = user_turn(vec![ContentBlock::image(ImageFormat::Png, vec![1])]);
        let cases = [
            (many, "more than one image"),
            (big_seed, "seed 1099511627776"),
            (odd_size, "512x512 (SDXL takes only 1024x1024, 1152x896"),
            (half_size, "1024x?"),
            (
                PortableRequest::prompt("x").max_tokens(5),
                "text inference parameters",
            ),
        ];
        assert_refuses(
            &StabilitySdxl,
            model,
            cases.into_iter().chain(image_only_refusals(with_image)),
        );
    }

    #[test]
    fn parses_the_recorded_response() {
        let resp = StabilitySdxl.parse(&recorded(NAME)).unwrap();
        assert_eq!(resp.images.len(), 1);
        assert!(resp.images[0].starts_with("iVBORw0KGgo"));
        assert_eq!(resp.stop_reason, None);
    }

    #[test]
    fn a_filtered_artifact_is_content_filtered() {
        let body = br#"{"result":"success","artifacts":[{"seed":7,"base64":"","finishReason":"CONTENT_FILTERED"}]}"#;
        let resp = StabilitySdxl.parse(body).unwrap();
        assert_eq!(resp.stop_reason, Some(StopReason::ContentFiltered));
        assert_eq!(
            stop_reason("ERROR"),
            Some(StopReason::Other("ERROR".into()))
        );
    }

    #[test]
    fn streaming_and_malformed_bodies_are_errors() {
        let err = StabilitySdxl.parse(br#"{"result":"success"}"#).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("stability_sdxl: cannot parse response"));
        assert_streaming_refused(&StabilitySdxl);
    }

    #[test]
    fn read_request_inverts_build() {
        let model = model(SDXL);
        let mut documented =
            PortableRequest::prompt("A stylized picture of a cute old steampunk robot.");
        documented.image.negative_prompt = Some("blurry, low resolution".into());
        documented.image.width = Some(1024);
        documented.image.height = Some(1024);
        documented.image.seed = Some(42);
        documented.image.count = Some(1);
        let mut wide = PortableRequest::prompt("A beach\nat noon");
        wide.image.width = Some(1536);
        wide.image.height = Some(640);
        wide.image.seed = Some(0);
        assert_reads_back(
            &StabilitySdxl,
            model,
            [documented, wide, PortableRequest::prompt("A red fox")],
        );
    }

    /// Several weighted prompts are joined, their weights lost.
    #[test]
    fn reads_weighted_prompts_and_image_to_image() {
        let model = model(SDXL);
        let body = json!({
            "text_prompts": [
                {"text": "a castle", "weight": 1.0},
                {"text": "fog", "weight": -0.5},
                {"text": "sunset", "weight": 0.3},
                {"text": "people", "weight": -1.0}
            ],
            "cfg_scale": 10, "steps": 50, "style_preset": "photographic",
            "init_image": PNG_1X1, "init_image_mode": "IMAGE_STRENGTH", "image_strength": 0.35
        });
        let req = StabilitySdxl
            .read_request(body.to_string().as_bytes(), model)
            .unwrap();
        assert_eq!(req.last_user_text(), "a castle\nsunset");
        assert_eq!(req.image.negative_prompt.as_deref(), Some("fog\npeople"));
        assert!(matches!(
            &req.messages[0].content[1],
            ContentBlock::Image {
                format: ImageFormat::Png,
                ..
            }
        ));
        assert_unreadable_requests(
            &StabilitySdxl,
            model,
            [
                json!({"prompt": "x"}),
                json!({"text_prompts": [{"text": "x"}], "init_image": "not base64!"}),
                json!({"text_prompts": [{"weight": 1}]}),
            ]
            .map(|b| b.to_string()),
        );
    }

    /// Seeds are not portable: they are derived from the response id. A
    /// filtered response with no image comes back with one empty image.
    #[test]
    fn rendered_responses_and_chunks_parse_back() {
        let ctx = ctx();
        assert_renders_back(
            &StabilitySdxl,
            &ctx,
            [
                PortableResponse {
                    images: vec![PNG_1X1.into()],
                    ..Default::default()
                },
                PortableResponse {
                    images: vec![PNG_1X1.into()],
                    stop_reason: Some(StopReason::ContentFiltered),
                    ..Default::default()
                },
                PortableResponse {
                    images: vec!["".into()],
                    stop_reason: Some(StopReason::Other("ERROR".into())),
                    ..Default::default()
                },
            ],
        );
        let filtered = PortableResponse {
            stop_reason: Some(StopReason::ContentFiltered),
            ..Default::default()
        };
        let body = StabilitySdxl.render_response(&filtered, &ctx).unwrap();
        assert_eq!(body["artifacts"][0]["finishReason"], "CONTENT_FILTERED");
        assert_eq!(
            StabilitySdxl.parse(body.to_string().as_bytes()).unwrap(),
            PortableResponse {
                images: vec!["".into()],
                ..filtered
            }
        );
        assert!(StabilitySdxl
            .render_chunks(&PortableResponse::default(), &ctx)
            .is_err());
    }

    #[test]
    fn rendered_bodies_have_the_recorded_keys() {
        let invoke: Value = serde_json::from_slice(&recorded(NAME)).unwrap();
        let resp = StabilitySdxl.parse(&recorded(NAME)).unwrap();
        let body = StabilitySdxl.render_response(&resp, &ctx()).unwrap();
        assert_eq!(keys(&body), keys(&invoke));
        assert_eq!(keys(&body["artifacts"][0]), keys(&invoke["artifacts"][0]));
        assert_eq!(body["result"], invoke["result"]);
        assert_eq!(
            body["artifacts"][0]["base64"],
            invoke["artifacts"][0]["base64"]
        );
        assert_eq!(body["artifacts"][0]["finishReason"], "SUCCESS");
    }
}
