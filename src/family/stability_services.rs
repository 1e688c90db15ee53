//! Stability AI Image Services over InvokeModel: the edit, upscale and
//! control services (`stability.stable-image-inpaint-v1:0`,
//! `stability.stable-outpaint-v1:0`, `stability.stable-fast-upscale-v1:0`,
//! ... thirteen models, each line's [`ImageService`](crate::ImageService)
//! saying what its body takes).
//!
//! Each service has its own body (AWS user guide, "Stability AI Image
//! Services"): base64 images (`image`, `mask`, or `init_image` and
//! `style_image`), a `prompt` where it takes one, `negative_prompt`,
//! `seed`, `output_format` and the service's settings (`control_strength`,
//! `creativity`, `left`/`right`/`up`/`down`, `search_prompt`, ...). The
//! answer is Stable Image's `{"seeds","finish_reasons","images"}`, one image
//! of the size the service makes ([`OutputSize`](crate::OutputSize)). No
//! streaming, no Converse.
//!
//! In the portable request the images are the user turn's image blocks in
//! the service's order, after the prompt's text; the settings are
//! [`ImageOptions::settings`]; `output_format` is [`ImageOptions::format`];
//! and the width and height read back are the size of the answer, which
//! the service decides (a request that names another is refused).

pub mod services;

use super::codec::{Codec, NoStream};
use super::model_family::RenderContext;
use super::stability_envelope::{
    checked_seed, native_images, portable_images, StabilityImageResponse,
};
use crate::error::Error;
use crate::model_info::ImageService;
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, ImageFormat, ImageOptions, Message, PortableRequest, PortableResponse, Role,
};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use services::{check_image, output_size, requires, takes, CORE_FIELDS};

const NAME: &str = "stability_services";

/// The Stability AI Image Services family.
#[derive(Debug, Clone, Copy, Default)]
pub struct StabilityServices;

/// A service's request body: the images and prompts every service names
/// the same way, and its settings as given.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StabilityServiceRequest {
    /// The image to edit, upscale or follow (all but Style Transfer).
    pub image: Option<String>,
    /// Style Transfer's image to restyle.
    pub init_image: Option<String>,
    /// Style Transfer's style.
    pub style_image: Option<String>,
    /// Inpaint's and Erase's mask.
    pub mask: Option<String>,
    /// What to draw; at most 10,000 characters.
    pub prompt: Option<String>,
    /// What not to draw; at most 10,000 characters.
    pub negative_prompt: Option<String>,
    /// 0 (random, the default) up to 4,294,967,294.
    pub seed: Option<u32>,
    /// `png` (default), `jpeg` or `webp`.
    pub output_format: Option<String>,
    /// The service's other fields (`control_strength`, `creativity`,
    /// `left`, `search_prompt`, `style_preset`, ...), as given.
    #[serde(flatten)]
    pub settings: Map<String, Value>,
}

impl StabilityServiceRequest {
    fn image_field(&self, name: &str) -> Option<&String> {
        match name {
            "image" => self.image.as_ref(),
            "init_image" => self.init_image.as_ref(),
            "style_image" => self.style_image.as_ref(),
            "mask" => self.mask.as_ref(),
            _ => None,
        }
    }

    fn set_image_field(&mut self, name: &str, value: String) {
        let slot = match name {
            "init_image" => &mut self.init_image,
            "style_image" => &mut self.style_image,
            "mask" => &mut self.mask,
            _ => &mut self.image,
        };
        *slot = Some(value);
    }
}

fn service_of(model: &ModelInfo) -> Result<&ImageService, Error> {
    model.image_service.as_ref().ok_or_else(|| {
        Error::unsupported(
            NAME,
            format!("the model {} (its line names no image service)", model.id),
        )
    })
}

/// The first image's size, read from its header.
fn first_image_size(
    service: &ImageService,
    body: &StabilityServiceRequest,
) -> Result<(u32, u32), Error> {
    let (name, limits) = service
        .images
        .first()
        .ok_or_else(|| Error::parse(NAME, "request", "the service reads no image"))?;
    let base64 = body
        .image_field(name)
        .ok_or_else(|| Error::parse(NAME, "request", format!("no `{name}`")))?;
    check_image(base64, *limits).map_err(|e| Error::parse(NAME, "request", format!("{name}: {e}")))
}

impl Codec for StabilityServices {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Stability AI Image Services (edit, upscale, control)";
    type Request = StabilityServiceRequest;
    type Response = StabilityImageResponse;
    type Chunk = NoStream;

    /// The service's body from the user turn (its text the prompt, its
    /// images the service's images in order) and `req.image`.
    fn request(
        &self,
        req: &PortableRequest,
        model: &ModelInfo,
    ) -> Result<StabilityServiceRequest, Error> {
        let service = service_of(model)?;
        refuse_chat_parts(req)?;
        let turn = req.messages.first();
        let text = turn.map(Message::text).unwrap_or_default();
        let images: Vec<&Vec<u8>> = turn
            .into_iter()
            .flat_map(|m| &m.content)
            .filter_map(|b| match b {
                ContentBlock::Image { data, .. } => Some(data),
                _ => None,
            })
            .collect();
        if images.len() > service.images.len() {
            return Err(Error::unsupported(
                NAME,
                format!(
                    "more than {} images for {}",
                    service.images.len(),
                    service.slug
                ),
            ));
        }
        let mut body = StabilityServiceRequest::default();
        for (i, (name, limits)) in service.images.iter().enumerate() {
            let Some(data) = images.get(i) else {
                if !requires(service, name) {
                    continue;
                }
                return Err(Error::unsupported(
                    NAME,
                    format!("a request without its `{name}` image"),
                ));
            };
            let base64 = base64::engine::general_purpose::STANDARD.encode(data);
            check_image(&base64, *limits).map_err(|e| {
                Error::unsupported(NAME, format!("an image out of limits ({name}: {e})"))
            })?;
            body.set_image_field(name, base64);
        }
        if !text.is_empty() {
            if !takes(service, "prompt") {
                return Err(Error::unsupported(
                    NAME,
                    format!("a prompt for {}", service.slug),
                ));
            }
            body.prompt = Some(text);
        } else if requires(service, "prompt") {
            return Err(Error::unsupported(NAME, "a request with no prompt text"));
        }
        let opts = &req.image;
        if opts.count.is_some_and(|n| n != 1) {
            return Err(Error::unsupported(NAME, "more than one image per request"));
        }
        for (field, set) in [
            ("negative_prompt", opts.negative_prompt.is_some()),
            ("seed", opts.seed.is_some()),
        ] {
            if set && !takes(service, field) {
                return Err(Error::unsupported(
                    NAME,
                    format!("{field} for {}", service.slug),
                ));
            }
        }
        body.negative_prompt = opts.negative_prompt.clone();
        body.seed = checked_seed(NAME, opts.seed)?;
        body.output_format = match opts.format {
            None => None,
            Some(ImageFormat::Gif) => return Err(Error::unsupported(NAME, "gif images")),
            Some(f) => Some(f.as_str().to_string()),
        };
        if let Some(name) = opts
            .settings
            .keys()
            .find(|k| CORE_FIELDS.contains(&k.as_str()) || !takes(service, k))
        {
            return Err(Error::unsupported(
                NAME,
                format!("the setting {name:?} for {}", service.slug),
            ));
        }
        body.settings = opts.settings.clone();
        if opts.width.is_some() || opts.height.is_some() {
            let made = first_image_size(service, &body)
                .map(|size| output_size(service, size, &body.settings))?;
            if (opts.width, opts.height) != (Some(made.0), Some(made.1)) {
                return Err(Error::unsupported(
                    NAME,
                    format!(
                        "an image size other than {}x{}, which {} makes",
                        made.0, made.1, service.slug
                    ),
                ));
            }
        }
        Ok(body)
    }

    /// Stability's own rules: a field the service does not take, a missing
    /// one, an image out of its limits, an outpaint with no margin.
    fn body_rule(&self, body: &Value, model: &ModelInfo) -> Option<String> {
        services::refusal(model.image_service.as_ref()?, body)
    }

    fn portable_request(
        &self,
        body: StabilityServiceRequest,
        model: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let service = service_of(model)?;
        let (width, height) =
            output_size(service, first_image_size(service, &body)?, &body.settings);
        let mut content = Vec::new();
        if let Some(prompt) = body.prompt.clone().filter(|p| !p.is_empty()) {
            content.push(ContentBlock::Text(prompt));
        }
        for (name, _) in &service.images {
            if let Some(b64) = body.image_field(name) {
                content.push(super::images::input_image(NAME, b64)?);
            }
        }
        let format = body
            .output_format
            .as_deref()
            .map(|name| {
                ImageFormat::from_name(name)
                    .ok_or_else(|| Error::parse(NAME, "request", format!("output_format {name:?}")))
            })
            .transpose()?;
        Ok(PortableRequest {
            messages: vec![Message::new(Role::User, content)],
            image: ImageOptions {
                count: None,
                width: Some(width),
                height: Some(height),
                seed: body.seed.map(u64::from),
                negative_prompt: body.negative_prompt,
                format,
                settings: body.settings,
            },
            ..Default::default()
        })
    }

    fn portable(&self, resp: StabilityImageResponse) -> Result<PortableResponse, Error> {
        Ok(portable_images(resp))
    }

    /// Stable Image's answer (see the `stability_image` family).
    fn native(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<StabilityImageResponse, Error> {
        Ok(native_images(resp, ctx))
    }
}

/// Refuses what an image service body has no place for: a system prompt,
/// tools, text inference parameters, more than one turn.
fn refuse_chat_parts(req: &PortableRequest) -> Result<(), Error> {
    super::refusals::refuse_text_features(NAME, req, None)?;
    match req.messages.as_slice() {
        [] => Ok(()),
        [only] if only.role == Role::User => Ok(()),
        _ => Err(Error::unsupported(NAME, "more than one turn")),
    }
}

#[cfg(test)]
mod tests;
