//! Real image files: solid-colour pictures in PNG, JPEG or WebP for
//! synthesized answers, and the size of an image read from its header.
//! The encoders are the `png`, `jpeg-encoder` and `image-webp` crates';
//! sizes are read by `imagesize`.

use crate::portable::ImageFormat;

/// The largest picture drawn, in pixels: 16 megapixels, the most a Bedrock
/// image model answers (Stability's Fast Upscale: four times the input's
/// sides, "with a maximum size of 16 megapixels").
pub const MAX_PIXELS: u64 = 16 * 1024 * 1024;

/// A solid-colour picture of `width` × `height` in `format` (GIF, which no
/// Bedrock model draws, is written as PNG). Sides are at least one pixel.
pub fn solid(format: ImageFormat, width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    let (width, height) = (width.max(1), height.max(1));
    match format {
        ImageFormat::Jpeg => jpeg(width, height, rgb),
        ImageFormat::Webp => webp(width, height, rgb),
        ImageFormat::Png | ImageFormat::Gif => png(width, height, rgb),
    }
}

/// A solid-colour RGB PNG.
pub fn png(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    let mut out = Vec::new();
    let pixels = row(width, rgb).repeat(height as usize);
    let mut encoder = ::png::Encoder::new(&mut out, width, height);
    encoder.set_color(::png::ColorType::Rgb);
    encoder.set_depth(::png::BitDepth::Eight);
    let written = encoder
        .write_header()
        .and_then(|mut w| w.write_image_data(&pixels).and_then(|()| w.finish()));
    debug_assert!(written.is_ok(), "encoding a PNG into memory cannot fail");
    out
}

/// A solid-colour baseline JPEG.
fn jpeg(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    let mut out = Vec::new();
    let pixels = row(width, rgb).repeat(height as usize);
    let (w, h) = (side_u16(width), side_u16(height));
    let encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    let written = encoder.encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb);
    debug_assert!(written.is_ok(), "encoding a JPEG into memory cannot fail");
    out
}

/// A solid-colour lossless WebP.
fn webp(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    let mut out = Vec::new();
    let pixels = row(width, rgb).repeat(height as usize);
    let written = image_webp::WebPEncoder::new(&mut out).encode(
        &pixels,
        width.min(16_384),
        height.min(16_384),
        image_webp::ColorType::Rgb8,
    );
    debug_assert!(written.is_ok(), "encoding a WebP into memory cannot fail");
    out
}

fn row(width: u32, rgb: [u8; 3]) -> Vec<u8> {
    rgb.repeat(width as usize)
}

/// JPEG sides are 16-bit.
fn side_u16(side: u32) -> u16 {
    u16::try_from(side).unwrap_or(u16::MAX)
}

/// The width and height of an image file, from its header; `None` when the
/// bytes are no image `imagesize` knows.
///
/// ```
/// # use bedrock_harness::fake::synth::png;
/// # use bedrock_harness::image_size;
/// assert_eq!(image_size(&png(3, 2, [0, 0, 0])), Some((3, 2)));
/// assert_eq!(image_size(b"not an image"), None);
/// ```
pub fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let size = imagesize::blob_size(bytes).ok()?;
    Some((
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    ))
}

/// The largest size of the aspect of `width` × `height` within `pixels`
/// pixels, the sides rounded.
///
/// ```
/// # use bedrock_harness::scaled_to_pixels;
/// assert_eq!(scaled_to_pixels(512, 512, 4_194_304), (2048, 2048));
/// assert_eq!(scaled_to_pixels(800, 400, 1_048_576), (1448, 724));
/// ```
pub fn scaled_to_pixels(width: u32, height: u32, pixels: u64) -> (u32, u32) {
    let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
    let scale = (pixels as f64 / (w * h)).sqrt();
    (
        ((w * scale).round() as u32).max(1),
        ((h * scale).round() as u32).max(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_is_a_real_file_of_the_size_asked() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Webp] {
            let bytes = solid(format, 70, 33, [200, 10, 10]);
            assert_eq!(ImageFormat::sniff(&bytes), Some(format), "{format:?}");
            assert_eq!(image_size(&bytes), Some((70, 33)), "{format:?}");
        }
        let gif = solid(ImageFormat::Gif, 4, 4, [0, 0, 0]);
        assert_eq!(ImageFormat::sniff(&gif), Some(ImageFormat::Png));
    }

    #[test]
    fn a_png_decodes_to_its_colour() {
        let bytes = png(5, 4, [1, 2, 3]);
        let decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        assert_eq!(&buf[..6], &[1, 2, 3, 1, 2, 3]);
    }
}
