//! TwelveLabs on Bedrock: Marengo Embed 3.0 ([`Marengo`], embeddings of
//! text and images) and Pegasus 1.2 ([`Pegasus`], questions about a video).
//! Both name media the same way, a `mediaSource` with `base64String` or an
//! `s3Location` ([`MediaSourceBody`]).

mod marengo;
mod pegasus;

pub use marengo::{
    Marengo, MarengoData, MarengoMedia, MarengoRequest, MarengoResponse, MarengoText,
};
pub use pegasus::{Pegasus, PegasusChunk, PegasusRequest, PegasusResponse};

use crate::media::{AwsS3Location, MediaSource};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// `mediaSource`: exactly one of `base64String` and `s3Location`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MediaSourceBody {
    /// The bytes, base64.
    pub base64_string: Option<String>,
    /// An S3 object.
    pub s3_location: Option<AwsS3Location>,
}

impl MediaSourceBody {
    /// The wire form of a portable source.
    pub fn from_source(source: &MediaSource) -> Self {
        match source {
            MediaSource::Bytes(data) => MediaSourceBody {
                base64_string: Some(base64::engine::general_purpose::STANDARD.encode(data)),
                s3_location: None,
            },
            MediaSource::S3 { uri, bucket_owner } => MediaSourceBody {
                base64_string: None,
                s3_location: Some(AwsS3Location {
                    uri: uri.clone(),
                    bucket_owner: bucket_owner.clone(),
                }),
            },
        }
    }

    /// The portable source, or why there is none.
    pub fn source(&self) -> Result<MediaSource, String> {
        match (&self.base64_string, &self.s3_location) {
            (Some(b64), None) => base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map(MediaSource::Bytes)
                .map_err(|e| format!("base64String: {e}")),
            (None, Some(s3)) => Ok(MediaSource::S3 {
                uri: s3.uri.clone(),
                bucket_owner: s3.bucket_owner.clone(),
            }),
            _ => Err("a mediaSource takes exactly one of base64String and s3Location".into()),
        }
    }
}

#[cfg(test)]
mod tests;
