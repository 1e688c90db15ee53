//! What Stability's image families share: the `{"seeds", "finish_reasons",
//! "images"}` answer of Stable Image Core, Ultra, SD3.5 and the Image
//! Services (AWS user guide pages for each; a filtered answer has only
//! `finish_reasons`), their seed limit and the sizes their aspect ratios
//! stand for.

use super::images::seed_for;
use super::model_family::RenderContext;
use crate::error::Error;
use crate::portable::{PortableResponse, StopReason};
use serde::{Deserialize, Serialize};

/// The largest seed the models accept (AWS user guide: 0-4294967294).
pub const MAX_SEED: u32 = 4_294_967_294;

/// The pixel size a request's aspect ratio is read back as: a size of
/// exactly that ratio, about one megapixel (the request names no size).
pub const ASPECT_SIZES: &[(&str, u32, u32)] = &[
    ("16:9", 1280, 720),
    ("1:1", 1024, 1024),
    ("21:9", 1344, 576),
    ("2:3", 832, 1248),
    ("3:2", 1248, 832),
    ("4:5", 896, 1120),
    ("5:4", 1120, 896),
    ("9:16", 720, 1280),
    ("9:21", 576, 1344),
];

/// The finish reason rendered for a filtered request that has no image
/// (the portable response does not say what was filtered).
pub const FILTERED_REASON: &str = "Filter reason: prompt";

/// The response body. A filtered request has only `finish_reasons`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilityImageResponse {
    /// The seed of each image (absent from a filtered response).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seeds: Vec<u64>,
    /// One per image: `null` for success, else `Filter reason: prompt`,
    /// `Filter reason: output image`, `Filter reason: input image` or
    /// `Inference error`.
    pub finish_reasons: Vec<Option<String>>,
    /// The images, base64 (absent from a filtered response).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<String>,
}

/// Maps a non-null finish reason.
pub(crate) fn stop_reason(reason: &str) -> StopReason {
    if reason.starts_with("Filter reason") {
        StopReason::ContentFiltered
    } else {
        StopReason::Other(reason.to_string())
    }
}

/// A portable seed as the body's, refused above [`MAX_SEED`].
pub(crate) fn checked_seed(family: &'static str, seed: Option<u64>) -> Result<Option<u32>, Error> {
    seed.map(|s| {
        u32::try_from(s)
            .ok()
            .filter(|s| *s <= MAX_SEED)
            .ok_or_else(|| Error::unsupported(family, format!("seed {s} (above {MAX_SEED})")))
    })
    .transpose()
}

/// The portable form of `{"seeds","finish_reasons","images"}`: the images
/// and the first non-null finish reason.
pub(crate) fn portable_images(resp: StabilityImageResponse) -> PortableResponse {
    PortableResponse {
        stop_reason: resp
            .finish_reasons
            .iter()
            .flatten()
            .next()
            .map(|r| stop_reason(r)),
        images: resp.images,
        ..Default::default()
    }
}

/// `{"seeds","finish_reasons","images"}` for a portable response .
pub(crate) fn native_images(
    resp: &PortableResponse,
    ctx: &RenderContext<'_>,
) -> StabilityImageResponse {
    let only_reason = |reason: &str| StabilityImageResponse {
        seeds: Vec::new(),
        finish_reasons: vec![Some(reason.to_string())],
        images: Vec::new(),
    };
    let reason = match &resp.stop_reason {
        None | Some(StopReason::EndTurn) => None,
        Some(StopReason::ContentFiltered) if resp.images.is_empty() => {
            return only_reason(FILTERED_REASON)
        }
        Some(StopReason::ContentFiltered) => Some("Filter reason: output image".to_string()),
        Some(StopReason::Other(other)) => Some(other.clone()),
        Some(other) => Some(other.converse_name().to_string()),
    };
    if resp.images.is_empty() {
        if let Some(reason) = reason {
            return only_reason(&reason);
        }
    }
    StabilityImageResponse {
        seeds: (0..resp.images.len())
            .map(|i| u64::from(seed_for(ctx.response_id, i)))
            .collect(),
        finish_reasons: vec![reason; resp.images.len()],
        images: resp.images.clone(),
    }
}
