//! Refusals several families share: what a single-prompt or image model
//! has no place for. Each names the family, as every refusal does.

use crate::error::Error;
use crate::portable::{ContentBlock, ImageFormat, InferenceParams, PortableRequest, Role};

/// The refusal of reasoning (a thinking setting, an effort, or reasoning
/// blocks sent back) by a family whose bodies have no place for it.
pub(crate) fn no_reasoning(family: &'static str) -> Error {
    Error::unsupported(family, "reasoning (thinking, effort or reasoning blocks)")
}

/// The error of a family whose body has no system message after the first
/// turn.
pub(crate) fn no_system_turn(family: &'static str) -> Error {
    Error::unsupported(family, "a system message mid-conversation")
}

/// The error of a family whose body has no place for `media`'s kind.
pub(crate) fn no_media(family: &'static str, media: &crate::media::Media) -> Error {
    Error::unsupported(family, format!("{} input", media.kind.as_str()))
}

/// Refuses what a body that embeds or ranks its input has no place for: a
/// system prompt, tool use, inference parameters and image-generation
/// options.
pub(crate) fn refuse_generation_options(
    family: &'static str,
    req: &PortableRequest,
) -> Result<(), Error> {
    refuse_system_tools_and_images(family, req, None)?;
    refuse_params_and_image_options(family, req)
}

/// Refuses inference parameters and image-generation options.
pub(crate) fn refuse_params_and_image_options(
    family: &'static str,
    req: &PortableRequest,
) -> Result<(), Error> {
    if req.params != crate::portable::InferenceParams::default() {
        return Err(Error::unsupported(family, "inference parameters"));
    }
    if req.image != crate::portable::ImageOptions::default() {
        return Err(Error::unsupported(family, "image generation options"));
    }
    Ok(())
}

/// Refuses assistant turns, which a body of inputs has no place for.
pub(crate) fn refuse_assistant_turns(
    family: &'static str,
    req: &PortableRequest,
) -> Result<(), Error> {
    if req.messages.iter().any(|m| m.role == Role::Assistant) {
        return Err(Error::unsupported(family, "assistant turns"));
    }
    Ok(())
}

/// Refuses a system prompt, tool use and image content.
pub(crate) fn refuse_chat_features(
    family: &'static str,
    req: &PortableRequest,
) -> Result<(), Error> {
    refuse_system_tools_and_images(family, req, Some("image content"))
}

/// Refuses a system prompt, tool use and images (`images_feature` says why;
/// none lets images through).
pub(crate) fn refuse_system_tools_and_images(
    family: &'static str,
    req: &PortableRequest,
    images_feature: Option<&str>,
) -> Result<(), Error> {
    if req.system.is_some() {
        return Err(Error::unsupported(family, "a system prompt"));
    }
    if !req.tools.is_empty() || req.tool_choice.is_some() || req.has_tool_blocks() {
        return Err(Error::unsupported(family, "tool use"));
    }
    match images_feature {
        Some(feature) if req.has_images() => Err(Error::unsupported(family, feature)),
        _ => Ok(()),
    }
}

/// The portable role of a request turn's `role`: `user` or `assistant`;
/// any other is a parse error of the family's request.
pub(crate) fn user_or_assistant(family: &'static str, role: &str) -> Result<Role, Error> {
    match role {
        "user" => Ok(Role::User),
        "assistant" => Ok(Role::Assistant),
        other => Err(Error::parse(
            family,
            "request",
            format!("unknown role {other:?}"),
        )),
    }
}

/// The text of the request's one user turn; anything else is refused.
pub(crate) fn single_user_text(
    family: &'static str,
    req: &PortableRequest,
) -> Result<String, Error> {
    let prompt = match req.messages.as_slice() {
        [] => return Err(Error::unsupported(family, "a request with no messages")),
        [only] if only.role == Role::User => only,
        _ => return Err(Error::unsupported(family, "a multi-turn conversation")),
    };
    if prompt
        .content
        .iter()
        .any(|b| !matches!(b, ContentBlock::Text(_)))
    {
        return Err(Error::unsupported(family, "non-text content"));
    }
    Ok(prompt.text())
}

/// Refuses what an image-generation model has no place for: a system
/// prompt, tool use, input images (`images_feature` says why) and text
/// inference parameters.
/// Refuses image settings a family has no place for, and an image format
/// its models do not write (none are listed: PNG only, the default).
pub(crate) fn refuse_image_extras(
    family: &'static str,
    req: &PortableRequest,
    formats: &[ImageFormat],
) -> Result<(), Error> {
    if let Some(name) = req.image.settings.keys().next() {
        return Err(Error::unsupported(
            family,
            format!("the image setting {name:?}"),
        ));
    }
    match req.image.format {
        Some(f) if !formats.contains(&f) && f != ImageFormat::Png => {
            Err(Error::unsupported(family, format!("{} images", f.as_str())))
        }
        _ => Ok(()),
    }
}

/// Refuses a system prompt, tool use, text inference parameters and, where
/// `images_feature` names why, input images.
pub(crate) fn refuse_text_features(
    family: &'static str,
    req: &PortableRequest,
    images_feature: Option<&str>,
) -> Result<(), Error> {
    refuse_system_tools_and_images(family, req, images_feature)?;
    let p = &req.params;
    if p.max_tokens.is_some()
        || p.temperature.is_some()
        || p.top_p.is_some()
        || p.top_k.is_some()
        || !p.stop_sequences.is_empty()
    {
        return Err(Error::unsupported(family, "text inference parameters"));
    }
    Ok(())
}

/// Refuses `top_k`, which the family's body has no place for.
pub(crate) fn refuse_top_k(family: &'static str, params: &InferenceParams) -> Result<(), Error> {
    match params.top_k {
        Some(_) => Err(Error::unsupported(family, "top_k")),
        None => Ok(()),
    }
}

/// Refuses more than `max` stop sequences (any, when `max` is 0).
pub(crate) fn refuse_stop_sequences_over(
    family: &'static str,
    params: &InferenceParams,
    max: usize,
) -> Result<(), Error> {
    match params.stop_sequences.len() {
        n if n <= max => Ok(()),
        _ if max == 0 => Err(Error::unsupported(family, "stop sequences")),
        _ => Err(Error::unsupported(
            family,
            format!("more than {max} stop sequences"),
        )),
    }
}
