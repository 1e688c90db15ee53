//! Audio and video in the portable forms: [`Media`], its [`MediaKind`] and
//! where its bytes are ([`MediaSource`]).
//!
//! Bedrock takes audio and video as inline base64 bytes or as an S3
//! location, on every wire that takes them: Nova's `video` block, Nova
//! Multimodal Embeddings' `audio` and `video`, TwelveLabs' `mediaSource`,
//! the chat-completions `input_audio` part and Converse's `audio` and
//! `video` blocks. The fake never reads an S3 object; it answers from the
//! request's description of the media.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// Whether a [`Media`] block is sound, moving pictures, or a still image
/// that the request names by its S3 location (an image given as bytes is a
/// [`ContentBlock::Image`](crate::ContentBlock::Image)).
///
/// ```
/// use bedrock_harness::MediaKind;
/// assert_eq!(MediaKind::Video.as_str(), "video");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    /// Sound: speech, music.
    Audio,
    /// Moving pictures, perhaps with sound.
    Video,
    /// A still image in S3 (Converse's and Nova's `image` block with an
    /// `s3Location` source).
    Image,
}

impl MediaKind {
    /// The lower-case name (`audio`, `video`, `image`).
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
            MediaKind::Image => "image",
        }
    }
}

/// Where a media block's bytes are.
///
/// ```
/// use bedrock_harness::MediaSource;
/// let s3 = MediaSource::s3("s3://bucket/clip.mp4");
/// assert_eq!(s3, MediaSource::S3 { uri: "s3://bucket/clip.mp4".into(), bucket_owner: None });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaSource {
    /// The bytes themselves (base64 on every wire).
    Bytes(#[serde(with = "base64_bytes")] Vec<u8>),
    /// An object in S3.
    S3 {
        /// `s3://bucket/key`.
        uri: String,
        /// The bucket owner's account id, when the request names one.
        bucket_owner: Option<String>,
    },
}

impl MediaSource {
    /// An S3 location without a bucket owner.
    pub fn s3(uri: impl Into<String>) -> Self {
        MediaSource::S3 {
            uri: uri.into(),
            bucket_owner: None,
        }
    }
}

/// Audio or video sent to a model.
///
/// ```
/// use bedrock_harness::{ContentBlock, Media, MediaKind, MediaSource};
///
/// let clip = Media::new(MediaKind::Video, "mp4", MediaSource::s3("s3://bucket/clip.mp4"));
/// let block = ContentBlock::Media(clip.clone());
/// assert_eq!(clip.kind, MediaKind::Video);
/// assert!(matches!(block, ContentBlock::Media(m) if m.format == "mp4"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    /// Audio or video.
    pub kind: MediaKind,
    /// The container or codec as the wire names it (`mp3`, `wav`, `mp4`, ...).
    pub format: String,
    /// The bytes or where they are.
    pub source: MediaSource,
}

impl Media {
    /// A media block of `kind` in `format` from `source`.
    pub fn new(kind: MediaKind, format: impl Into<String>, source: MediaSource) -> Self {
        Media {
            kind,
            format: format.into(),
            source,
        }
    }
}

/// `{"bytes": "<base64>"}` or `{"s3Location": {"uri", "bucketOwner"}}`: how
/// Nova, Nova Multimodal Embeddings and Converse write a media source.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AwsSource {
    /// The bytes, base64.
    pub bytes: Option<String>,
    /// An S3 location.
    pub s3_location: Option<AwsS3Location>,
}

/// `s3Location`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AwsS3Location {
    /// `s3://bucket/key`.
    pub uri: String,
    /// The bucket owner's account id.
    pub bucket_owner: Option<String>,
}

/// `{"format": ..., "source": ...}`: a Nova or Converse audio or video block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsMedia {
    /// `mp4`, `mp3`, ...
    pub format: String,
    /// The bytes or where they are.
    pub source: AwsSource,
}

impl From<&MediaSource> for AwsSource {
    fn from(source: &MediaSource) -> Self {
        match source {
            MediaSource::Bytes(data) => AwsSource {
                bytes: Some(base64::engine::general_purpose::STANDARD.encode(data)),
                s3_location: None,
            },
            MediaSource::S3 { uri, bucket_owner } => AwsSource {
                bytes: None,
                s3_location: Some(AwsS3Location {
                    uri: uri.clone(),
                    bucket_owner: bucket_owner.clone(),
                }),
            },
        }
    }
}

impl AwsSource {
    /// The portable source, or why there is none (both or neither given,
    /// bytes that are not base64).
    pub fn portable(self) -> Result<MediaSource, String> {
        match (self.bytes, self.s3_location) {
            (Some(bytes), None) => base64::engine::general_purpose::STANDARD
                .decode(bytes)
                .map(MediaSource::Bytes)
                .map_err(|e| format!("media bytes: {e}")),
            (None, Some(s3)) => Ok(MediaSource::S3 {
                uri: s3.uri,
                bucket_owner: s3.bucket_owner,
            }),
            _ => Err("a media source takes exactly one of bytes and s3Location".into()),
        }
    }
}

impl AwsMedia {
    /// This block as `kind` media.
    pub fn portable(self, kind: MediaKind) -> Result<Media, String> {
        Ok(Media::new(kind, self.format, self.source.portable()?))
    }

    /// The wire block for `media`.
    pub fn from_portable(media: &Media) -> Self {
        AwsMedia {
            format: media.format.clone(),
            source: AwsSource::from(&media.source),
        }
    }
}

/// Bytes written as standard base64 in the portable JSON forms.
pub(crate) mod base64_bytes {
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(serde::de::Error::custom)
    }
}
