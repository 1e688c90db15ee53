//! What the image-generation families (Stability's) share: the input
//! image of an image-to-image request, the user turn it joins, and the
//! seeds they report.

use crate::error::Error;
use crate::portable::{ContentBlock, ImageFormat, Message, Role};
use base64::Engine as _;

/// A base64 input image as a content block; the format is read from the
/// bytes' signature (PNG when it is none of PNG, JPEG, GIF or WebP).
pub(crate) fn input_image(family: &'static str, base64: &str) -> Result<ContentBlock, Error> {
    let data = base64::engine::general_purpose::STANDARD
        .decode(base64.trim())
        .map_err(|e| Error::parse(family, "request", format!("the input image: {e}")))?;
    let format = ImageFormat::sniff(&data).unwrap_or(ImageFormat::Png);
    Ok(ContentBlock::Image { format, data })
}

/// The user turn of an image request: the prompt, then the input image.
pub(crate) fn prompt_turn(prompt: String, image: Option<ContentBlock>) -> Message {
    let mut content = vec![ContentBlock::Text(prompt)];
    content.extend(image);
    Message::new(Role::User, content)
}

/// A deterministic seed for image `index` of the response `response_id`
/// (FNV-1a), below the models' limit of 4294967295. The portable response
/// has no seeds.
pub(crate) fn seed_for(response_id: &str, index: usize) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in response_id.bytes().chain(index.to_le_bytes()) {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % u32::MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_images_keep_their_format_and_default_to_png() {
        let jpeg = base64::engine::general_purpose::STANDARD.encode([0xFF, 0xD8, 0xFF, 0xE0]);
        assert!(matches!(
            input_image("t", &jpeg).unwrap(),
            ContentBlock::Image {
                format: ImageFormat::Jpeg,
                ..
            }
        ));
        let unknown = base64::engine::general_purpose::STANDARD.encode(b"????");
        assert!(matches!(
            input_image("t", &unknown).unwrap(),
            ContentBlock::Image {
                format: ImageFormat::Png,
                ..
            }
        ));
        assert!(input_image("t", "not base64!").is_err());
    }

    #[test]
    fn seeds_are_stable_and_differ_per_image() {
        assert_eq!(seed_for("abc", 0), seed_for("abc", 0));
        assert_ne!(seed_for("abc", 0), seed_for("abc", 1));
    }
}
