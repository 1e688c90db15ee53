//! SigV4 verification with `aws-sigv4`: the request is signed again with
//! the configured secret, over the headers the client says it signed, and
//! the two signatures are compared; the signature may come in the
//! `Authorization` header or in the query string (a presigned URL).
//!
//! The checks and texts, each as Bedrock (or, where no Bedrock answer is
//! quoted, AWS's other JSON services) gives it, all `403
//! InvalidSignatureException` unless said:
//!
//! - **Clock skew: 5 minutes both ways.** Bedrock's own answers say `5
//!   min.`: "Signature expired: 20250714T201419Z is now earlier than
//!   20250714T202350Z (20250714T202850Z - 5 min.)" for ConverseStream
//!   (aws-samples/bedrock-access-gateway#163, 2025-07-14) and a 403 with
//!   the same form for InvokeModel (anthropics/anthropic-sdk-go#122,
//!   2025-02-19); DynamoDB and STS allow 15. "Signature not yet current:
//!   X is still later than Y (Z + 5 min.)" is quoted from Kinesis
//!   (s12v/awsbeats#48, 2018) and Glacier (basak/glacier-cli#36, 2013);
//!   no Bedrock capture of it was found.
//! - **Credential scope**: "Credential should be scoped to a valid region. "
//!   (Bedrock, elastic/kibana#218244, 2025-04-15) and "Credential should be
//!   scoped to correct service: 'bedrock'. " (Bedrock Agent Runtime,
//!   maximhq/bifrost#2533, 2026-04-06), both with their trailing space and
//!   joined when both are wrong, as DynamoDB answers. Those reports give
//!   the status and text only; the error name is DynamoDB's for the same
//!   text.
//! - **Host signed**: "'Host' or ':authority' must be a 'SignedHeader' in
//!   the AWS Authorization." (Transcribe, aws/aws-sdk-js-v3#3796, 403).
//! - **Signature**: "The request signature we calculated does not match
//!   …" (Bedrock, aaif-goose/goose#699, 2025-01-23). A header named in
//!   `SignedHeaders` that was not sent cannot be part of the signature AWS
//!   computes, so such a request gets this text too.
//! - **Presigned URLs**: a query string with `X-Amz-Algorithm` is checked
//!   like a header signature, its payload signed or `UNSIGNED-PAYLOAD`,
//!   valid for `X-Amz-Expires` seconds after `X-Amz-Date`. A missing
//!   parameter is `IncompleteSignatureException` "AWS query-string
//!   parameters must include 'X-Amz-Date'. Re-examine the query-string
//!   parameters." and a signature in both places "Found both
//!   'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP
//!   header." (DynamoDB's texts, as architect/dynalite documents them). No
//!   source quotes AWS's text for an expired presigned URL outside S3: the
//!   fake answers in the form of an expired header signature, with the
//!   URL's own lifetime.

use super::errors::BedrockError;
use super::http::FakeRequest;
use aws_sigv4::http_request::{
    sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
};
use aws_sigv4::sign::v4;
use aws_smithy_types::date_time::{DateTime, Format};
use percent_encoding::percent_decode_str;
use std::borrow::Cow;
use std::time::{Duration, SystemTime};

/// How far a request's date may be from now, as Bedrock allows.
const MAX_SKEW: Duration = Duration::from_secs(5 * 60);

/// The longest lifetime a presigned URL may ask for: a week.
const MAX_PRESIGNED_EXPIRY: u64 = 7 * 24 * 3600;

/// The service name Bedrock's credential scopes carry (both the runtime
/// and the control plane sign as `bedrock`).
pub(crate) const SERVICE: &str = "bedrock";

/// The service name bedrock-mantle's scopes carry (the openai SDKs'
/// Bedrock docs: "Mantle requests are signed for `bedrock-mantle`"; the
/// anthropic SDK's `AnthropicBedrockMantle` signs so too).
pub(crate) const MANTLE_SERVICE: &str = "bedrock-mantle";

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

fn refused(name: &str, message: impl Into<String>) -> BedrockError {
    BedrockError {
        name: name.into(),
        status: 403,
        message: message.into(),
        extra: Default::default(),
    }
}

fn bad_signature() -> BedrockError {
    refused(
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    )
}

/// What a client signed with, from its `Authorization` header or its
/// presigned query string.
#[derive(Debug, PartialEq, Eq)]
struct Signature<'a> {
    access_key: Cow<'a, str>,
    region: Cow<'a, str>,
    service: Cow<'a, str>,
    signed_headers: Vec<String>,
    signature: Cow<'a, str>,
    date: Cow<'a, str>,
    /// For a presigned URL, its lifetime in seconds.
    expires: Option<u64>,
}

/// The credential scope `AKID/DATE/REGION/SERVICE/aws4_request`.
fn scope(credential: &str) -> Option<(&str, &str, &str)> {
    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key, _date, region, service, "aws4_request"] = parts[..] else {
        return None;
    };
    Some((access_key, region, service))
}

fn parse_authorization<'a>(value: &'a str, date: &'a str) -> Option<Signature<'a>> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (key, val) = part.trim().split_once('=')?;
        match key {
            "Credential" => credential = Some(val),
            "SignedHeaders" => signed = Some(val),
            "Signature" => signature = Some(val),
            _ => {}
        }
    }
    let (access_key, region, service) = scope(credential?)?;
    Some(Signature {
        access_key: access_key.into(),
        region: region.into(),
        service: service.into(),
        signed_headers: signed?.split(';').map(str::to_string).collect(),
        signature: signature?.into(),
        date: date.into(),
        expires: None,
    })
}

/// The query's pairs, percent-decoded.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
            (decode(k), decode(v))
        })
        .collect()
}

/// The `X-Amz-*` parameters of a presigned URL.
const PRESIGN_PARAMS: [&str; 6] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
];

/// Whether `query` carries a presigned signature.
pub(crate) fn is_presigned(query: &str) -> bool {
    query_pairs(query)
        .iter()
        .any(|(k, _)| k == "X-Amz-Algorithm")
}

fn parse_presigned(query: &str) -> Result<Signature<'static>, BedrockError> {
    let pairs = query_pairs(query);
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| {
                refused(
                    "IncompleteSignatureException",
                    format!("AWS query-string parameters must include '{name}'. Re-examine the query-string parameters."),
                )
            })
    };
    let [algorithm, credential, date, expires, signed, signature] = [
        get(PRESIGN_PARAMS[0])?,
        get(PRESIGN_PARAMS[1])?,
        get(PRESIGN_PARAMS[2])?,
        get(PRESIGN_PARAMS[3])?,
        get(PRESIGN_PARAMS[4])?,
        get(PRESIGN_PARAMS[5])?,
    ];
    let malformed = || {
        refused(
            "IncompleteSignatureException",
            format!("the presigned URL's X-Amz-Algorithm, X-Amz-Credential or X-Amz-Expires is malformed (Credential={credential})"),
        )
    };
    if algorithm != "AWS4-HMAC-SHA256" {
        return Err(malformed());
    }
    let (access_key, region, service) = scope(&credential).ok_or_else(malformed)?;
    let expires: u64 = expires.parse().map_err(|_| malformed())?;
    if expires > MAX_PRESIGNED_EXPIRY {
        return Err(malformed());
    }
    Ok(Signature {
        access_key: access_key.to_string().into(),
        region: region.to_string().into(),
        service: service.to_string().into(),
        signed_headers: signed.split(';').map(str::to_string).collect(),
        signature: signature.into(),
        date: date.into(),
        expires: Some(expires),
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

/// A time as SigV4 writes it: `20240101T000000Z`.
fn amz_date(t: SystemTime) -> String {
    DateTime::from(t)
        .fmt(Format::DateTime)
        .unwrap_or_default()
        .replace(['-', ':'], "")
}

/// The window check: a date more than the skew ahead of `now`, or older
/// than `lifetime` (the skew for a header signature, the URL's lifetime
/// for a presigned one).
fn check_date(
    date_text: &str,
    date: SystemTime,
    now: SystemTime,
    lifetime: Duration,
) -> Result<(), BedrockError> {
    if date > now + MAX_SKEW {
        return Err(refused(
            "InvalidSignatureException",
            format!(
                "Signature not yet current: {date_text} is still later than {} ({} + 5 min.)",
                amz_date(now + MAX_SKEW),
                amz_date(now)
            ),
        ));
    }
    if date + lifetime < now {
        let minutes = lifetime.as_secs() / 60;
        return Err(refused(
            "InvalidSignatureException",
            format!(
                "Signature expired: {date_text} is now earlier than {} ({} - {minutes} min.)",
                amz_date(now - lifetime),
                amz_date(now)
            ),
        ));
    }
    Ok(())
}

/// The credential scope's region and service, checked against the
/// fake's.
fn check_scope(signature: &Signature<'_>, region: &str, service: &str) -> Result<(), BedrockError> {
    let mut message = String::new();
    if signature.region != region {
        message.push_str("Credential should be scoped to a valid region. ");
    }
    if signature.service != service {
        message.push_str(&format!(
            "Credential should be scoped to correct service: '{service}'. "
        ));
    }
    if message.is_empty() {
        Ok(())
    } else {
        Err(refused("InvalidSignatureException", message))
    }
}

/// Checks the request's SigV4 signature against `credentials`, for a fake
/// standing for `region`.
pub(crate) fn verify(
    credentials: &SigV4Credentials,
    region: &str,
    service: &str,
    req: &FakeRequest,
) -> Result<(), BedrockError> {
    let header = req.header("authorization");
    let presigned = is_presigned(&req.query);
    let signature = match header {
        Some(_) if presigned => {
            return Err(refused(
                "InvalidSignatureException",
                "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
            ))
        }
        Some(header) => {
            let date = req.header("x-amz-date").unwrap_or_default();
            parse_authorization(header, date).ok_or_else(|| {
                refused(
                    "IncompleteSignatureException",
                    format!("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization={header}"),
                )
            })?
        }
        None => parse_presigned(&req.query)?,
    };
    if signature.access_key != credentials.access_key {
        return Err(refused(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ));
    }
    check_scope(&signature, region, service)?;
    let date = parse_amz_date(&signature.date).ok_or_else(|| {
        refused(
            "IncompleteSignatureException",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        )
    })?;
    let lifetime = signature.expires.map_or(MAX_SKEW, Duration::from_secs);
    check_date(&signature.date, date, SystemTime::now(), lifetime)?;
    if !signature.signed_headers.iter().any(|h| h == "host") {
        return Err(refused(
            "InvalidSignatureException",
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    if signature
        .signed_headers
        .iter()
        .any(|name| req.header(name).is_none() && name != "host")
    {
        return Err(bad_signature());
    }
    let expected = resign(credentials, req, &signature, date)?;
    if expected.iter().any(|e| *e == signature.signature) {
        Ok(())
    } else {
        Err(bad_signature())
    }
}

/// The signatures the request would have if signed with the configured
/// secret: one, or for a presigned URL two (payload signed or not).
fn resign(
    credentials: &SigV4Credentials,
    req: &FakeRequest,
    signature: &Signature<'_>,
    date: SystemTime,
) -> Result<Vec<String>, BedrockError> {
    let host = req.header("host").unwrap_or("localhost");
    let presigned = signature.expires.is_some();
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .filter(|(name, _)| {
            signature.signed_headers.contains(name) && (presigned || name != "x-amz-date")
        })
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let query: Vec<&str> = req
        .query
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            let signature_param = presigned && PRESIGN_PARAMS.contains(&key);
            !pair.is_empty() && !signature_param
        })
        .collect();
    let uri = match query.join("&") {
        q if q.is_empty() => format!("http://{host}{}", req.path),
        q => format!("http://{host}{}?{q}", req.path),
    };
    let identity = aws_credential_types::Credentials::new(
        &credentials.access_key,
        &credentials.secret_key,
        None,
        None,
        "bedrock-harness",
    )
    .into();
    let mut settings = SigningSettings::default();
    if let Some(expires) = signature.expires {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(Duration::from_secs(expires));
    }
    let bodies: &[SignableBody<'_>] = if presigned {
        &[
            SignableBody::UnsignedPayload,
            SignableBody::Bytes(&req.body),
        ]
    } else {
        &[SignableBody::Bytes(&req.body)]
    };
    bodies
        .iter()
        .map(|body| {
            let signable = SignableRequest::new(
                &req.method,
                uri.clone(),
                headers.iter().copied(),
                body.clone(),
            )
            .map_err(|_| bad_signature())?;
            let params = v4::SigningParams::builder()
                .identity(&identity)
                .region(&signature.region)
                .name(&signature.service)
                .time(date)
                .settings(settings.clone())
                .build()
                .map_err(|_| bad_signature())?
                .into();
            let output = sign(signable, &params).map_err(|_| bad_signature())?;
            Ok(output.signature().to_string())
        })
        .collect()
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
        let auth = parse_authorization("AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc", "20240101T000000Z").unwrap();
        assert_eq!(
            (
                &*auth.access_key,
                &*auth.region,
                &*auth.service,
                &*auth.signature
            ),
            ("AKID", "us-east-1", "bedrock", "abc")
        );
        assert_eq!(auth.signed_headers, vec!["host", "x-amz-date"]);
        assert!(parse_authorization("Bearer x", "").is_none());
    }

    #[test]
    fn presigned_queries_are_read_and_a_missing_parameter_is_named() {
        let query = "a=1&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fbedrock%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=abc";
        assert!(is_presigned(query));
        let signed = parse_presigned(query).unwrap();
        assert_eq!((&*signed.region, signed.expires), ("us-east-1", Some(300)));
        let err = parse_presigned("X-Amz-Algorithm=AWS4-HMAC-SHA256").unwrap_err();
        assert!(
            err.message.contains("'X-Amz-Credential'"),
            "{}",
            err.message
        );
        assert!(!is_presigned("byProvider=Anthropic"));
    }

    #[test]
    fn dates_outside_the_window_get_the_text_for_their_side() {
        let now = parse_amz_date("20240101T001000Z").unwrap();
        let future = parse_amz_date("20240101T002000Z").unwrap();
        let err = check_date("20240101T002000Z", future, now, MAX_SKEW).unwrap_err();
        assert_eq!(err.message, "Signature not yet current: 20240101T002000Z is still later than 20240101T001500Z (20240101T001000Z + 5 min.)");
        let past = parse_amz_date("20240101T000000Z").unwrap();
        let err = check_date("20240101T000000Z", past, now, MAX_SKEW).unwrap_err();
        assert_eq!(err.message, "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z (20240101T001000Z - 5 min.)");
        assert!(check_date("x", now - Duration::from_secs(299), now, MAX_SKEW).is_ok());
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
