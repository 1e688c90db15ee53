//! Amazon Titan Image Generator G1 (`amazon.titan-image-generator-v1`,
//! `amazon.titan-image-generator-v2:0`) and Amazon Nova Canvas
//! (`amazon.nova-canvas-v1:0`): a `taskType` with that task's params and an
//! `imageGenerationConfig`.
//!
//! Shapes from the AWS user guide pages "Amazon Titan Image Generator G1"
//! and the Nova Canvas request reference. The portable request is always
//! built as `TEXT_IMAGE`; the typed request also reads the other task types,
//! whose params are kept as JSON. No streaming.

use super::codec::{Codec, NoStream};
use super::model_family::RenderContext;
use super::refusals::refuse_system_tools_and_images;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    EmbeddingOptions, ImageOptions, InferenceParams, Message, PortableRequest, PortableResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

const NAME: &str = "titan_image";

/// The task the portable request is built as.
pub const TEXT_IMAGE: &str = "TEXT_IMAGE";

/// The most images one call may ask for.
pub const MAX_IMAGES: u32 = 5;

/// The largest seed the models accept.
pub const MAX_SEED: u64 = 2_147_483_646;

/// The largest seed Nova Canvas accepts (Amazon Nova user guide).
pub const NOVA_CANVAS_MAX_SEED: u64 = 858_993_459;

/// The Titan Image Generator / Nova Canvas family.
#[derive(Debug, Clone, Copy, Default)]
pub struct TitanImage;

/// The InvokeModel request body. Exactly one params object goes with
/// `taskType`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TitanImageRequest {
    /// `TEXT_IMAGE`, `INPAINTING`, `OUTPAINTING`, `IMAGE_VARIATION`,
    /// `COLOR_GUIDED_GENERATION`, `BACKGROUND_REMOVAL` (Nova Canvas adds
    /// `VIRTUAL_TRY_ON`).
    pub task_type: String,
    /// Params of `TEXT_IMAGE`.
    pub text_to_image_params: Option<TextToImageParams>,
    /// Params of `INPAINTING`, as sent.
    pub in_painting_params: Option<Value>,
    /// Params of `OUTPAINTING`, as sent.
    pub out_painting_params: Option<Value>,
    /// Params of `IMAGE_VARIATION`, as sent.
    pub image_variation_params: Option<Value>,
    /// Params of `COLOR_GUIDED_GENERATION`, as sent.
    pub color_guided_generation_params: Option<Value>,
    /// Params of `BACKGROUND_REMOVAL`, as sent.
    pub background_removal_params: Option<Value>,
    /// Params of Nova Canvas' `VIRTUAL_TRY_ON`, as sent.
    pub virtual_try_on_params: Option<Value>,
    /// Output options.
    pub image_generation_config: Option<ImageGenerationConfig>,
}

/// `textToImageParams`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TextToImageParams {
    /// The prompt, 1–512 characters (Nova Canvas: 1–1024).
    pub text: String,
    /// What the image must not show.
    pub negative_text: Option<String>,
    /// Titan v2 / Nova Canvas: a base64 image that guides the layout.
    pub condition_image: Option<String>,
    /// Titan v2 / Nova Canvas: `CANNY_EDGE` or `SEGMENTATION`.
    pub control_mode: Option<String>,
    /// Titan v2 / Nova Canvas: 0–1, how closely to follow the condition image.
    pub control_strength: Option<f32>,
    /// Nova Canvas: a predefined visual style.
    pub style: Option<String>,
}

/// `imageGenerationConfig`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageGenerationConfig {
    /// 1–5 (default 1).
    pub number_of_images: Option<u32>,
    /// `standard` (default) or `premium`.
    pub quality: Option<String>,
    /// Prompt adherence, 1.1–10.
    pub cfg_scale: Option<f32>,
    /// Pixels.
    pub height: Option<u32>,
    /// Pixels.
    pub width: Option<u32>,
    /// 0–2147483646.
    pub seed: Option<u64>,
}

/// The InvokeModel response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TitanImageResponse {
    /// The images, base64 PNG.
    #[serde(default)]
    pub images: Vec<String>,
    /// Why generation failed, or null.
    pub error: Option<String>,
}

/// Refuses everything a text-to-image body has no place for.
fn refuse_chat_features(req: &PortableRequest) -> Result<(), Error> {
    let images = "image input (only TEXT_IMAGE is built)";
    refuse_system_tools_and_images(NAME, req, Some(images))?;
    if req.params != InferenceParams::default() {
        return Err(Error::unsupported(NAME, "inference parameters"));
    }
    if req.embedding != EmbeddingOptions::default() {
        return Err(Error::unsupported(NAME, "embedding options"));
    }
    if req.messages.len() > 1 {
        return Err(Error::unsupported(NAME, "a conversation of several turns"));
    }
    Ok(())
}

/// The prompt and negative prompt of any task: `textToImageParams` for
/// `TEXT_IMAGE`, the task's own params object (read as JSON) for the
/// others. Tasks without a prompt (`BACKGROUND_REMOVAL`, `VIRTUAL_TRY_ON`,
/// a variation without text) give `None`.
fn prompts(req: &TitanImageRequest) -> Result<(Option<String>, Option<String>), Error> {
    let missing = |key: &str| {
        Error::parse(
            NAME,
            "request",
            format!("taskType {} without `{key}`", req.task_type),
        )
    };
    if req.task_type == TEXT_IMAGE {
        let params = req
            .text_to_image_params
            .as_ref()
            .ok_or_else(|| missing("textToImageParams"))?;
        return Ok((Some(params.text.clone()), params.negative_text.clone()));
    }
    let (params, key) = match req.task_type.as_str() {
        "INPAINTING" => (&req.in_painting_params, "inPaintingParams"),
        "OUTPAINTING" => (&req.out_painting_params, "outPaintingParams"),
        "IMAGE_VARIATION" => (&req.image_variation_params, "imageVariationParams"),
        "COLOR_GUIDED_GENERATION" => (
            &req.color_guided_generation_params,
            "colorGuidedGenerationParams",
        ),
        "BACKGROUND_REMOVAL" => (&req.background_removal_params, "backgroundRemovalParams"),
        "VIRTUAL_TRY_ON" => (&req.virtual_try_on_params, "virtualTryOnParams"),
        other => {
            return Err(Error::parse(
                NAME,
                "request",
                format!("unknown taskType {other:?}"),
            ))
        }
    };
    let params = params.as_ref().ok_or_else(|| missing(key))?;
    let text = |k: &str| params.get(k).and_then(Value::as_str).map(str::to_string);
    Ok((text("text"), text("negativeText")))
}

impl Codec for TitanImage {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Amazon Titan Image Generator / Nova Canvas";
    type Request = TitanImageRequest;
    type Response = TitanImageResponse;
    type Chunk = NoStream;

    /// Builds a `TEXT_IMAGE` request from the prompt and `req.image`.
    /// Quality and cfgScale have no portable value and are left to the
    /// model's defaults.
    fn request(
        &self,
        req: &PortableRequest,
        model: &ModelInfo,
    ) -> Result<TitanImageRequest, Error> {
        if model.id.starts_with("amazon.nova-canvas") {
            if let Some(seed) = req.image.seed.filter(|s| *s > NOVA_CANVAS_MAX_SEED) {
                return Err(Error::unsupported(
                    NAME,
                    format!("seed {seed} on Nova Canvas (at most {NOVA_CANVAS_MAX_SEED})"),
                ));
            }
        }
        refuse_chat_features(req)?;
        super::refusals::refuse_image_extras(NAME, req, &[])?;
        let text = req.last_user_text();
        if text.is_empty() {
            return Err(Error::unsupported(NAME, "a request with no prompt text"));
        }
        let opts = &req.image;
        if let Some(n) = opts.count {
            if !(1..=MAX_IMAGES).contains(&n) {
                return Err(Error::unsupported(
                    NAME,
                    format!("an image count of {n} (1 to {MAX_IMAGES})"),
                ));
            }
        }
        if let Some(seed) = opts.seed {
            if seed > MAX_SEED {
                return Err(Error::unsupported(
                    NAME,
                    format!("seed {seed} (at most {MAX_SEED})"),
                ));
            }
        }
        let config = ImageGenerationConfig {
            number_of_images: opts.count,
            height: opts.height,
            width: opts.width,
            seed: opts.seed,
            ..Default::default()
        };
        Ok(TitanImageRequest {
            task_type: TEXT_IMAGE.to_string(),
            text_to_image_params: Some(TextToImageParams {
                text,
                negative_text: opts.negative_prompt.clone().filter(|n| !n.is_empty()),
                ..Default::default()
            }),
            image_generation_config: (config != ImageGenerationConfig::default()).then_some(config),
            ..Default::default()
        })
    }

    fn portable(&self, resp: TitanImageResponse) -> Result<PortableResponse, Error> {
        if let Some(error) = resp.error.filter(|e| !e.is_empty()) {
            return Err(Error::parse(
                NAME,
                "response",
                format!("model error: {error}"),
            ));
        }
        if resp.images.is_empty() {
            return Err(Error::parse(NAME, "response", "`images` is empty"));
        }
        Ok(PortableResponse {
            images: resp.images,
            ..Default::default()
        })
    }

    /// The prompt as one user turn, plus count, size, seed and negative
    /// prompt. `quality`, `cfgScale`, the v2/Canvas conditioning and style
    /// fields and the input images of editing tasks have no portable place.
    fn portable_request(
        &self,
        req: TitanImageRequest,
        _: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let (text, negative_prompt) = prompts(&req)?;
        let config = req.image_generation_config.unwrap_or_default();
        Ok(PortableRequest {
            messages: text.map(Message::user).into_iter().collect(),
            image: ImageOptions {
                count: config.number_of_images,
                width: config.width,
                height: config.height,
                seed: config.seed,
                negative_prompt,
                ..Default::default()
            },
            ..Default::default()
        })
    }

    /// `{"images":[...],"error":null}`.
    fn native(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<TitanImageResponse, Error> {
        if resp.images.is_empty() {
            return Err(Error::unsupported(NAME, "a response with no images"));
        }
        Ok(TitanImageResponse {
            images: resp.images.clone(),
            error: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::test_support::{
        assert_refuses, assert_renders_back_unstreamed, assert_streaming_refused, ctx,
        documented_request, model, recorded, request_fixture,
    };
    use crate::family::ModelFamily;
    use crate::portable::{ContentBlock, ImageFormat, Message, Role};
    use base64::Engine as _;

    const V2: &str = "amazon.titan-image-generator-v2:0";
    const CANVAS: &str = "amazon.nova-canvas-v1:0";

    fn draw(text: &str) -> PortableRequest {
        PortableRequest::prompt(text)
    }

    #[test]
    fn builds_the_documented_body() {
        let mut req = draw("A photograph of a cup of coffee from the side.");
        req.image.count = Some(1);
        req.image.height = Some(1024);
        req.image.width = Some(1024);
        req.image.seed = Some(42);
        req.image.negative_prompt = Some("blurry, low quality".into());
        for id in [V2, CANVAS, "amazon.titan-image-generator-v1"] {
            let body = TitanImage.build(&req, model(id)).unwrap();
            assert_eq!(body, documented_request(NAME), "{id}");
        }
    }

    #[test]
    fn a_bare_prompt_leaves_the_config_to_the_model() {
        let body = TitanImage.build(&draw("A fox"), model(V2)).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "A fox"}})
        );
    }

    #[test]
    fn the_typed_request_reads_every_documented_task() {
        let example: TitanImageRequest =
            serde_json::from_value(request_fixture(NAME, "code_example")).unwrap();
        let config = example.image_generation_config.unwrap();
        assert_eq!(config.cfg_scale, Some(8.0));
        assert_eq!(config.quality.as_deref(), Some("standard"));
        let inpaint: TitanImageRequest =
            serde_json::from_value(request_fixture(NAME, "inpainting")).unwrap();
        assert_eq!(inpaint.task_type, "INPAINTING");
        assert_eq!(inpaint.in_painting_params.unwrap()["maskPrompt"], "the cat");
        let removal: TitanImageRequest =
            serde_json::from_value(request_fixture(NAME, "background_removal")).unwrap();
        assert!(removal.background_removal_params.is_some());
        let unknown = serde_json::from_value::<TitanImageRequest>(serde_json::json!({
            "taskType": "TEXT_IMAGE", "textToImageParams": {"text": "x"}, "steps": 30
        }));
        assert!(unknown.is_err());
    }

    #[test]
    fn refuses_what_the_models_cannot_express() {
        let mut too_many = draw("x");
        too_many.image.count = Some(6);
        let mut big_seed = draw("x");
        big_seed.image.seed = Some(MAX_SEED + 1);
        let mut embed = draw("x");
        embed.embedding.dimensions = Some(256);
        let with_image = PortableRequest::default().message(Message {
            role: Role::User,
            content: vec![
                ContentBlock::Text("like this".into()),
                ContentBlock::image(ImageFormat::Png, vec![1, 2]),
            ],
        });
        assert_refuses(
            &TitanImage,
            model(V2),
            [
                (too_many, "image count of 6"),
                (big_seed, "seed 2147483647"),
                (embed, "embedding options"),
                (with_image, "image input"),
                (draw("x").system("s"), "system prompt"),
                (draw("x").temperature(0.2), "inference parameters"),
                (draw("a").message(Message::assistant("b")), "several turns"),
                (PortableRequest::default(), "no prompt text"),
            ],
        );
    }

    #[test]
    fn parses_the_recorded_response() {
        let resp = TitanImage.parse(&recorded(NAME)).unwrap();
        assert_eq!(resp.images.len(), 1);
        let png = base64::engine::general_purpose::STANDARD
            .decode(&resp.images[0])
            .unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(resp.text.is_empty());
        assert_eq!(resp.usage, None);
    }

    #[test]
    fn an_error_or_no_images_is_an_error() {
        let err = TitanImage
            .parse(br#"{"images":[],"error":"content filtered"}"#)
            .unwrap_err();
        assert!(err.to_string().contains("content filtered"), "{err}");
        let err = TitanImage.parse(br#"{"images":[]}"#).unwrap_err();
        assert!(err.to_string().contains("`images` is empty"), "{err}");
        let err = TitanImage.parse(br#"{"images":"x"}"#).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("titan_image: cannot parse response"));
    }

    #[test]
    fn nova_canvas_seeds_and_empty_negative_prompts_are_handled() {
        let mut req = PortableRequest::prompt("A lighthouse");
        req.image.seed = Some(NOVA_CANVAS_MAX_SEED + 1);
        let err = TitanImage
            .build(&req, model("amazon.nova-canvas-v1:0"))
            .unwrap_err();
        assert!(err.to_string().contains("at most 858993459"), "{err}");
        assert!(TitanImage
            .build(&req, model("amazon.titan-image-generator-v2:0"))
            .is_ok());

        req.image.seed = None;
        req.image.negative_prompt = Some(String::new());
        let body = TitanImage
            .build(&req, model("amazon.nova-canvas-v1:0"))
            .unwrap();
        assert!(body["textToImageParams"].get("negativeText").is_none());
    }

    #[test]
    fn read_request_inverts_build() {
        let mut all = draw("A photograph of a cup of coffee from the side.");
        all.image = ImageOptions {
            count: Some(3),
            width: Some(1280),
            height: Some(768),
            seed: Some(NOVA_CANVAS_MAX_SEED),
            negative_prompt: Some("blurry".into()),
            ..Default::default()
        };
        let mut some = draw("A fox");
        some.image.seed = Some(0);
        for req in [draw("A fox in the snow"), all, some] {
            for id in [V2, CANVAS] {
                let body = TitanImage.build_bytes(&req, model(id)).unwrap();
                assert_eq!(TitanImage.read_request(&body, model(id)).unwrap(), req);
            }
        }
    }

    #[test]
    fn read_request_reads_every_task_and_refuses_odd_bodies() {
        let read = |v: Value| TitanImage.read_request(&serde_json::to_vec(&v).unwrap(), model(V2));
        // quality and cfgScale have no portable place.
        let example = read(request_fixture(NAME, "code_example")).unwrap();
        assert_eq!(
            example.last_user_text(),
            "A stylized picture of a cute old steampunk robot."
        );
        assert_eq!(
            example.image,
            ImageOptions {
                count: Some(1),
                width: Some(512),
                height: Some(512),
                seed: Some(0),
                negative_prompt: None,
                ..Default::default()
            }
        );
        let inpaint = read(request_fixture(NAME, "inpainting")).unwrap();
        assert_eq!(
            inpaint.last_user_text(),
            "A golden retriever sitting on the sofa"
        );
        assert_eq!(inpaint.image.negative_prompt.as_deref(), Some("cartoon"));
        assert_eq!(inpaint.image.count, Some(1));
        let removal = read(request_fixture(NAME, "background_removal")).unwrap();
        assert!(removal.messages.is_empty());
        assert_eq!(removal.image, ImageOptions::default());
        for (bad, expect) in [
            (
                serde_json::json!({"taskType": "TEXT_IMAGE"}),
                "without `textToImageParams`",
            ),
            (
                serde_json::json!({"taskType": "OUTPAINTING", "textToImageParams": {"text": "x"}}),
                "without `outPaintingParams`",
            ),
            (
                serde_json::json!({"taskType": "SKETCH", "textToImageParams": {"text": "x"}}),
                "unknown taskType \"SKETCH\"",
            ),
            (
                serde_json::json!({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": 1}}),
                "cannot parse request",
            ),
        ] {
            let err = read(bad).unwrap_err().to_string();
            assert!(err.starts_with("titan_image: "), "{err}");
            assert!(err.contains(expect), "{err}");
        }
    }

    #[test]
    fn rendered_responses_and_chunks_parse_back() {
        let resp = TitanImage.parse(&recorded(NAME)).unwrap();
        let two = PortableResponse {
            images: vec![resp.images[0].clone(), "AQID".into()],
            ..Default::default()
        };
        let ctx = ctx(CANVAS);
        let recorded_body: Value = serde_json::from_slice(&recorded(NAME)).unwrap();
        assert_renders_back_unstreamed(&TitanImage, &ctx, &recorded_body, [resp, two], |body| {
            assert_eq!(body["error"], Value::Null);
        });
        let err = TitanImage
            .render_response(&PortableResponse::default(), &ctx)
            .unwrap_err();
        assert!(err.to_string().contains("no images"), "{err}");
    }

    #[test]
    fn streaming_is_refused() {
        assert_streaming_refused(&TitanImage);
    }
}
