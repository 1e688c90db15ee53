//! Model identifiers in every form Bedrock accepts.

use crate::error::Error;
use std::fmt;

/// The longest model id Bedrock accepts, in characters.
pub const MAX_MODEL_ID_LEN: usize = 2048;

/// The geographic prefixes of cross-region inference-profile ids: `in` is
/// the India geography (Mumbai and Hyderabad), used by profiles such as
/// `in.anthropic.claude-haiku-4-5-20251001-v1:0`.
pub const GEO_PREFIXES: &[&str] = &[
    "us", "eu", "apac", "us-gov", "global", "jp", "au", "ca", "in",
];

/// The ARN resource types Bedrock accepts as a model id.
pub const ARN_RESOURCE_TYPES: &[&str] = &[
    "foundation-model",
    "inference-profile",
    "application-inference-profile",
    "provisioned-model",
    "custom-model",
    "imported-model",
    "custom-model-deployment",
    "prompt",
    "prompt-router",
    "default-prompt-router",
];

/// What kind of id a [`ModelId`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelIdKind {
    /// A base model id such as `anthropic.claude-3-haiku-20240307-v1:0`.
    Base,
    /// A cross-region inference-profile id such as `us.anthropic.claude-...`.
    InferenceProfile {
        /// The geographic prefix (`us`, `eu`, ...).
        geo: String,
    },
    /// An ARN.
    Arn {
        /// The ARN's region.
        region: String,
        /// The ARN's account (empty for foundation models).
        account: String,
        /// The resource type (`foundation-model`, `inference-profile`, ...).
        resource_type: String,
        /// The part after the resource type's `/`.
        resource: String,
    },
}

/// A parsed model id: base id, inference profile or ARN.
///
/// [`ModelId::from_path_label`] reads the id as it stands in a request path
/// (percent-encoded by clients) and decodes it exactly once.
///
/// # Example
///
/// ```
/// use bedrock_harness::ModelId;
///
/// // Arrange: an inference-profile id as the SDK puts it in the path.
/// let label = "us.anthropic.claude-3-5-haiku-20241022-v1%3A0";
///
/// // Act
/// let id = ModelId::from_path_label(label).unwrap();
///
/// // Assert
/// assert_eq!(id.as_str(), "us.anthropic.claude-3-5-haiku-20241022-v1:0");
/// assert_eq!(id.base_id(), Some("anthropic.claude-3-5-haiku-20241022-v1:0"));
/// assert!(id.is_profile());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelId {
    raw: String,
    kind: ModelIdKind,
    base: Option<String>,
}

impl ModelId {
    /// Parses an id as a user writes it (not percent-encoded).
    pub fn parse(id: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::InvalidModelId {
            id: id.to_string(),
            reason: reason.to_string(),
        };
        if id.is_empty() {
            return Err(invalid("the model id is empty"));
        }
        let chars = id.chars().count();
        if chars > MAX_MODEL_ID_LEN {
            return Err(invalid(&format!(
                "the model id is {chars} characters long; Bedrock accepts at most {MAX_MODEL_ID_LEN}"
            )));
        }
        if id.starts_with("arn:") {
            return parse_arn(id).map_err(|reason| invalid(&reason));
        }
        if let Some((geo, rest)) = split_geo(id) {
            check_base(rest).map_err(|reason| invalid(&reason))?;
            return Ok(ModelId {
                raw: id.to_string(),
                kind: ModelIdKind::InferenceProfile {
                    geo: geo.to_string(),
                },
                base: Some(rest.to_string()),
            });
        }
        check_base(id).map_err(|reason| invalid(&reason))?;
        Ok(ModelId {
            raw: id.to_string(),
            kind: ModelIdKind::Base,
            base: Some(id.to_string()),
        })
    }

    /// Parses the `{modelId}` label of a request path, percent-decoding it
    /// exactly once (`%3A` is `:`, `%2F` is `/`, `%253A` stays `%3A`).
    pub fn from_path_label(label: &str) -> Result<Self, Error> {
        if !label.contains('%') {
            return Self::parse(label);
        }
        let decoded = percent_encoding::percent_decode_str(label)
            .decode_utf8()
            .map_err(|_| Error::InvalidModelId {
                id: label.to_string(),
                reason: "the percent-decoded model id is not UTF-8".to_string(),
            })?;
        Self::parse(&decoded)
    }

    /// The id as written, decoded.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The id percent-encoded for a request path (`:` as `%3A`, `/` as `%2F`).
    ///
    /// ```
    /// use bedrock_harness::ModelId;
    /// let id = ModelId::parse("amazon.titan-text-express-v1:0").unwrap();
    /// assert_eq!(id.to_path_label(), "amazon.titan-text-express-v1%3A0");
    /// ```
    pub fn to_path_label(&self) -> String {
        const LABEL: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'.')
            .remove(b'-')
            .remove(b'_')
            .remove(b'~');
        percent_encoding::utf8_percent_encode(&self.raw, LABEL).to_string()
    }

    /// What kind of id this is.
    pub fn kind(&self) -> &ModelIdKind {
        &self.kind
    }

    /// The base model id this names, where it can be read off the id: the id
    /// itself, a profile id without its geo prefix, or the model of a
    /// `foundation-model/` or `inference-profile/` ARN. `None` for ARNs of
    /// provisioned, custom, imported models and the like.
    pub fn base_id(&self) -> Option<&str> {
        self.base.as_deref()
    }

    /// Whether this is an inference profile (an id with a geo prefix, or an
    /// `inference-profile/` or `application-inference-profile/` ARN).
    pub fn is_profile(&self) -> bool {
        match &self.kind {
            ModelIdKind::InferenceProfile { .. } => true,
            ModelIdKind::Arn { resource_type, .. } => resource_type.ends_with("inference-profile"),
            ModelIdKind::Base => false,
        }
    }
}

impl fmt::Display for ModelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl std::str::FromStr for ModelId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

/// Splits `us.anthropic.x` into (`us`, `anthropic.x`) when the first segment
/// is a geo prefix and something follows.
fn split_geo(id: &str) -> Option<(&str, &str)> {
    let (first, rest) = id.split_once('.')?;
    (GEO_PREFIXES.contains(&first) && rest.contains('.')).then_some((first, rest))
}

/// Checks the shape `provider.model` with Bedrock's character set.
fn check_base(id: &str) -> Result<(), String> {
    let Some((provider, model)) = id.split_once('.') else {
        return Err("expected `provider.model`, e.g. `amazon.titan-text-express-v1`".into());
    };
    let provider_ok = !provider.is_empty()
        && provider
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !provider_ok {
        return Err(format!(
            "the provider `{provider}` must be lowercase letters, digits and `-`"
        ));
    }
    let model_ok = !model.is_empty()
        && model.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b':' | b'.' | b'_')
        });
    if !model_ok {
        return Err(format!(
            "the model name `{model}` must be lowercase letters, digits and `-`, `:`, `.`, `_`"
        ));
    }
    Ok(())
}

fn parse_arn(id: &str) -> Result<ModelId, String> {
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    let [_, partition, service, region, account, resource] = parts[..] else {
        return Err(
            "an ARN has six `:`-separated parts: arn:aws:bedrock:REGION:ACCOUNT:RESOURCE".into(),
        );
    };
    if !partition.starts_with("aws") {
        return Err(format!("unknown partition `{partition}`"));
    }
    if service != "bedrock" {
        return Err(format!("the ARN's service is `{service}`, not `bedrock`"));
    }
    if region.is_empty() {
        return Err("the ARN has no region".into());
    }
    let account_ok =
        account.is_empty() || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
    if !account_ok {
        return Err(format!("the account `{account}` is not 12 digits"));
    }
    let Some((resource_type, name)) = resource.split_once('/') else {
        return Err(format!("the resource `{resource}` has no `type/` prefix"));
    };
    if !ARN_RESOURCE_TYPES.contains(&resource_type) {
        return Err(format!(
            "unknown resource type `{resource_type}`; expected one of {}",
            ARN_RESOURCE_TYPES.join(", ")
        ));
    }
    if name.is_empty() {
        return Err("the ARN names no resource after the `/`".into());
    }
    let base = match resource_type {
        "foundation-model" => {
            check_base(name)?;
            Some(name.to_string())
        }
        "inference-profile" => {
            let (_, rest) = split_geo(name)
                .ok_or_else(|| format!("the inference profile `{name}` has no geo prefix"))?;
            check_base(rest)?;
            Some(rest.to_string())
        }
        _ => None,
    };
    Ok(ModelId {
        raw: id.to_string(),
        kind: ModelIdKind::Arn {
            region: region.to_string(),
            account: account.to_string(),
            resource_type: resource_type.to_string(),
            resource: name.to_string(),
        },
        base,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_ids_with_and_without_version_suffix() {
        for id in [
            "anthropic.claude-3-haiku-20240307-v1:0",
            "anthropic.claude-sonnet-4-6",
            "amazon.titan-embed-text-v2:0",
            "meta.llama3-1-405b-instruct-v1:0",
        ] {
            let parsed = ModelId::parse(id).unwrap();
            assert_eq!(parsed.kind(), &ModelIdKind::Base);
            assert_eq!(parsed.base_id(), Some(id));
        }
    }

    #[test]
    fn every_geo_prefix_is_a_profile() {
        for geo in GEO_PREFIXES {
            let id = format!("{geo}.anthropic.claude-sonnet-4-20250514-v1:0");
            let parsed = ModelId::parse(&id).unwrap();
            assert_eq!(
                parsed.kind(),
                &ModelIdKind::InferenceProfile {
                    geo: geo.to_string()
                }
            );
            assert_eq!(
                parsed.base_id(),
                Some("anthropic.claude-sonnet-4-20250514-v1:0")
            );
        }
    }

    #[test]
    fn foundation_model_and_profile_arns_name_their_base_model() {
        let fm = ModelId::parse(
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
        )
        .unwrap();
        assert_eq!(fm.base_id(), Some("anthropic.claude-3-haiku-20240307-v1:0"));
        assert!(!fm.is_profile());

        let ip = ModelId::parse(
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-2-1b-instruct-v1:0",
        )
        .unwrap();
        assert_eq!(ip.base_id(), Some("meta.llama3-2-1b-instruct-v1:0"));
        assert!(ip.is_profile());
    }

    #[test]
    fn opaque_arns_parse_without_a_base_model() {
        for resource in [
            "application-inference-profile/abc123def456",
            "provisioned-model/abc123",
            "custom-model/amazon.titan-text-express-v1:0:8k/abc123",
            "imported-model/abc123",
        ] {
            let arn = format!("arn:aws:bedrock:us-west-2:123456789012:{resource}");
            let parsed = ModelId::parse(&arn).unwrap();
            assert_eq!(parsed.base_id(), None, "{arn}");
            assert!(matches!(parsed.kind(), ModelIdKind::Arn { .. }));
        }
    }

    #[test]
    fn path_labels_are_decoded_exactly_once() {
        let once = ModelId::from_path_label(
            "arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Famazon.titan-text-lite-v1",
        )
        .unwrap();
        assert_eq!(once.base_id(), Some("amazon.titan-text-lite-v1"));

        // A double-encoded label decodes to `%3A`, which is not a valid id.
        let twice = ModelId::from_path_label("amazon.titan-embed-text-v2%253A0");
        assert!(twice.is_err());
    }

    #[test]
    fn path_label_round_trips() {
        let id =
            ModelId::parse("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0")
                .unwrap();
        let label = id.to_path_label();
        assert!(!label.contains(':') && !label.contains('/'));
        assert_eq!(ModelId::from_path_label(&label).unwrap(), id);
    }

    #[test]
    fn bad_ids_say_what_is_wrong() {
        let cases = [
            ("", "empty"),
            ("nodot", "provider.model"),
            ("Amazon.titan", "lowercase"),
            (
                "arn:aws:s3:us-east-1::foundation-model/x.y",
                "not `bedrock`",
            ),
            (
                "arn:aws:bedrock:us-east-1::foundation-model",
                "no `type/` prefix",
            ),
            (
                "arn:aws:bedrock:us-east-1::bucket/x.y",
                "unknown resource type",
            ),
            (
                "arn:aws:bedrock:us-east-1:12:provisioned-model/x",
                "12 digits",
            ),
            ("arn:aws:bedrock", "six"),
        ];
        for (id, expected) in cases {
            let err = ModelId::parse(id).unwrap_err().to_string();
            assert!(err.contains(expected), "{id:?}: {err}");
        }
        let long = format!("amazon.{}", "a".repeat(MAX_MODEL_ID_LEN));
        assert!(ModelId::parse(&long)
            .unwrap_err()
            .to_string()
            .contains("at most 2048"));
    }
}
