//! SigV4 verification with `aws-sigv4`: the request is signed again with
//! the configured secret, over the headers the client says it signed, and
//! the two signatures are compared.

use super::errors::BedrockError;
use super::http::FakeRequest;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_types::date_time::{DateTime, Format};
use std::time::{Duration, SystemTime};

/// How far a request's date may be from now, as AWS allows.
const MAX_SKEW: Duration = Duration::from_secs(5 * 60);

/// An access key and its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigV4Credentials {
    /// The access key id.
    pub access_key: String,
    /// The secret access key.
    pub secret_key: String,
}

impl std::str::FromStr for SigV4Credentials {
    type Err = String;

    /// Reads `ACCESS_KEY:SECRET`.
    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once(':') {
            Some((access_key, secret_key)) if !access_key.is_empty() && !secret_key.is_empty() => {
                Ok(SigV4Credentials {
                    access_key: access_key.into(),
                    secret_key: secret_key.into(),
                })
            }
            _ => Err("expected ACCESS_KEY:SECRET".into()),
        }
    }
}

fn forbidden(name: &str, message: impl Into<String>) -> BedrockError {
    BedrockError {
        name: name.into(),
        status: 403,
        message: message.into(),
        extra: Default::default(),
    }
}

fn bad_signature() -> BedrockError {
    forbidden(
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    )
}

struct Authorization<'a> {
    access_key: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (key, val) = part.trim().split_once('=')?;
        match key {
            "Credential" => credential = Some(val),
            "SignedHeaders" => signed = Some(val),
            "Signature" => signature = Some(val),
            _ => {}
        }
    }
    let scope: Vec<&str> = credential?.split('/').collect();
    let [access_key, _date, region, service, "aws4_request"] = scope[..] else {
        return None;
    };
    Some(Authorization {
        access_key,
        region,
        service,
        signed_headers: signed?.split(';').collect(),
        signature: signature?,
    })
}

/// `20240101T000000Z` as a time.
fn parse_amz_date(value: &str) -> Option<SystemTime> {
    if value.len() != 16 {
        return None;
    }
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        value.get(0..4)?,
        value.get(4..6)?,
        value.get(6..8)?,
        value.get(9..11)?,
        value.get(11..13)?,
        value.get(13..15)?
    );
    SystemTime::try_from(DateTime::from_str(&iso, Format::DateTime).ok()?).ok()
}

/// Checks the request's SigV4 signature against `credentials`.
pub(crate) fn verify(
    credentials: &SigV4Credentials,
    req: &FakeRequest,
) -> Result<(), BedrockError> {
    let header = req.header("authorization").unwrap_or_default();
    let auth = parse_authorization(header).ok_or_else(|| {
        forbidden(
            "IncompleteSignatureException",
            format!("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization={header}"),
        )
    })?;
    if auth.access_key != credentials.access_key {
        return Err(forbidden(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ));
    }
    let date_text = req.header("x-amz-date").unwrap_or_default();
    let date = parse_amz_date(date_text).ok_or_else(|| {
        forbidden(
            "IncompleteSignatureException",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        )
    })?;
    let now = SystemTime::now();
    let skew = now
        .duration_since(date)
        .or_else(|_| date.duration_since(now))
        .unwrap_or_default();
    if skew > MAX_SKEW {
        let fmt = |t: SystemTime| {
            DateTime::from(t)
                .fmt(Format::DateTime)
                .unwrap_or_default()
                .replace(['-', ':'], "")
        };
        return Err(forbidden(
            "InvalidSignatureException",
            format!(
                "Signature expired: {date_text} is now earlier than {} ({} - 5 min.)",
                fmt(now - MAX_SKEW),
                fmt(now)
            ),
        ));
    }
    let host = req.header("host").unwrap_or("localhost");
    let headers = req
        .headers
        .iter()
        .filter(|(name, _)| auth.signed_headers.contains(&name.as_str()) && name != "x-amz-date")
        .map(|(n, v)| (n.as_str(), v.as_str()));
    let uri = match req.query.as_str() {
        "" => format!("http://{host}{}", req.path),
        query => format!("http://{host}{}?{query}", req.path),
    };
    let signable = SignableRequest::new(&req.method, uri, headers, SignableBody::Bytes(&req.body))
        .map_err(|_| bad_signature())?;
    let identity = aws_credential_types::Credentials::new(
        &credentials.access_key,
        &credentials.secret_key,
        None,
        None,
        "bedrock-harness",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(auth.region)
        .name(auth.service)
        .time(date)
        .settings(SigningSettings::default())
        .build()
        .map_err(|_| bad_signature())?
        .into();
    let expected = sign(signable, &params).map_err(|_| bad_signature())?;
    if expected.signature() != auth.signature {
        return Err(bad_signature());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_read_from_key_colon_secret() {
        let c: SigV4Credentials = "AKID:secret".parse().unwrap();
        assert_eq!(c.access_key, "AKID");
        assert!("nocolon".parse::<SigV4Credentials>().is_err());
        assert!(":x".parse::<SigV4Credentials>().is_err());
    }

    #[test]
    fn authorization_headers_are_read() {
        let auth = parse_authorization("AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc").unwrap();
        assert_eq!(
            (auth.access_key, auth.region, auth.service, auth.signature),
            ("AKID", "us-east-1", "bedrock", "abc")
        );
        assert_eq!(auth.signed_headers, vec!["host", "x-amz-date"]);
        assert!(parse_authorization("Bearer x").is_none());
    }

    #[test]
    fn amz_dates_parse() {
        let t = parse_amz_date("20240101T000000Z").unwrap();
        assert_eq!(
            t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(),
            1_704_067_200
        );
        assert!(parse_amz_date("2024").is_none());
    }
}
