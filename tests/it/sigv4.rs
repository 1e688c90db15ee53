//! SigV4 checks of the fake against requests signed by hand with
//! `aws-sigv4`, at chosen times, scopes and places (header or query).

use aws_sigv4::http_request::{
    sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
};
use bedrock_harness::fake::{FakeConfig, FakeRequest, FakeResponse, FakeState, SigV4Credentials};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::time::{Duration, SystemTime};

const PATH: &str = "/model/amazon.titan-text-express-v1/invoke";
const BODY: &[u8] = br#"{"inputText":"Hi"}"#;

/// What SigV4 leaves unencoded in a query value.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn state() -> FakeState {
    FakeState::new(FakeConfig {
        sigv4: Some(SigV4Credentials {
            access_key: "AKID".into(),
            secret_key: "secret".into(),
        }),
        ..crate::support::pinned()
    })
    .unwrap()
}

/// How a test request is signed.
struct Signing {
    time: SystemTime,
    region: &'static str,
    service: &'static str,
    method: &'static str,
    path: &'static str,
    query: &'static str,
    /// `Some(seconds)` signs in the query string (a presigned URL).
    presign: Option<u64>,
}

impl Default for Signing {
    fn default() -> Self {
        Signing {
            time: SystemTime::now(),
            region: "us-east-1",
            service: "bedrock",
            method: "POST",
            path: PATH,
            query: "",
            presign: None,
        }
    }
}

fn signed(signing: Signing) -> FakeRequest {
    let identity = aws_credential_types::Credentials::new("AKID", "secret", None, None, "t").into();
    let mut settings = SigningSettings::default();
    if let Some(seconds) = signing.presign {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(Duration::from_secs(seconds));
    }
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(signing.region)
        .name(signing.service)
        .time(signing.time)
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let headers = [("host", "localhost"), ("content-type", "application/json")];
    let uri = match signing.query {
        "" => format!("http://localhost{}", signing.path),
        q => format!("http://localhost{}?{q}", signing.path),
    };
    let body = if signing.method == "POST" { BODY } else { b"" };
    let signable = SignableRequest::new(
        signing.method,
        uri,
        headers.into_iter(),
        SignableBody::Bytes(body),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut req = FakeRequest::post(signing.path, body.to_vec());
    req.method = signing.method.into();
    req.query = signing.query.into();
    req.headers = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    for (name, value) in instructions.headers() {
        req.headers
            .push((name.to_ascii_lowercase(), value.to_string()));
    }
    for (name, value) in instructions.params() {
        if !req.query.is_empty() {
            req.query.push('&');
        }
        req.query.push_str(&format!(
            "{name}={}",
            utf8_percent_encode(value, QUERY_VALUE)
        ));
    }
    req
}

fn message(response: &FakeResponse) -> String {
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    body["message"].as_str().unwrap_or_default().to_string()
}

fn error_type(response: &FakeResponse) -> &str {
    response
        .header("x-amzn-ErrorType")
        .and_then(|t| t.split(':').next())
        .unwrap_or_default()
}

#[test]
fn a_fresh_signature_passes_and_a_stale_one_is_expired() {
    let state = state();
    let now = state.handle(&signed(Signing::default()));
    assert_eq!(now.status, 200, "{}", String::from_utf8_lossy(&now.body));

    let stale = state.handle(&signed(Signing {
        time: SystemTime::now() - Duration::from_secs(3600),
        ..Default::default()
    }));
    assert_eq!(
        (stale.status, error_type(&stale)),
        (403, "InvalidSignatureException")
    );
    let text = message(&stale);
    assert!(
        text.starts_with("Signature expired: ") && text.ends_with(" - 5 min.)"),
        "{text}"
    );
}

#[test]
fn a_future_signature_is_not_yet_current_and_a_little_skew_passes() {
    let state = state();
    let ahead = state.handle(&signed(Signing {
        time: SystemTime::now() + Duration::from_secs(3600),
        ..Default::default()
    }));
    assert_eq!(
        (ahead.status, error_type(&ahead)),
        (403, "InvalidSignatureException")
    );
    let text = message(&ahead);
    assert!(
        text.starts_with("Signature not yet current: ") && text.ends_with(" + 5 min.)"),
        "{text}"
    );
    for skew in [-120i64, 120] {
        let time = if skew < 0 {
            SystemTime::now() - Duration::from_secs(120)
        } else {
            SystemTime::now() + Duration::from_secs(120)
        };
        let response = state.handle(&signed(Signing {
            time,
            ..Default::default()
        }));
        assert_eq!(response.status, 200, "skew {skew}s: {}", message(&response));
    }
}

#[test]
fn the_credential_scope_must_name_bedrock_and_the_fakes_region() {
    let state = state();
    let service = state.handle(&signed(Signing {
        service: "s3",
        ..Default::default()
    }));
    assert_eq!(service.status, 403);
    assert_eq!(
        message(&service),
        "Credential should be scoped to correct service: 'bedrock'. "
    );
    let region = state.handle(&signed(Signing {
        region: "eu-west-1",
        ..Default::default()
    }));
    assert_eq!(
        (region.status, message(&region).as_str()),
        (403, "Credential should be scoped to a valid region. ")
    );
    let both = state.handle(&signed(Signing {
        region: "eu-west-1",
        service: "s3",
        ..Default::default()
    }));
    assert_eq!(
        message(&both),
        "Credential should be scoped to a valid region. Credential should be scoped to correct service: 'bedrock'. "
    );
}

#[test]
fn a_signed_query_string_is_canonicalised() {
    let state = state();
    let response = state.handle(&signed(Signing {
        method: "GET",
        path: "/foundation-models",
        query: "byProvider=Anthropic&byOutputModality=TEXT",
        ..Default::default()
    }));
    assert_eq!(response.status, 200, "{}", message(&response));
    let mut tampered = signed(Signing {
        method: "GET",
        path: "/foundation-models",
        query: "byProvider=Anthropic",
        ..Default::default()
    });
    tampered.query = "byProvider=Meta".into();
    assert_eq!(state.handle(&tampered).status, 403);
}

#[test]
fn a_presigned_url_is_verified_and_expires() {
    let state = state();
    let fresh = signed(Signing {
        presign: Some(300),
        ..Default::default()
    });
    assert!(fresh.header("authorization").is_none());
    let response = state.handle(&fresh);
    assert_eq!(response.status, 200, "{}", message(&response));

    let mut forged = fresh.clone();
    forged.query = forged
        .query
        .replace("X-Amz-Signature=", "X-Amz-Signature=0");
    let response = state.handle(&forged);
    assert_eq!(response.status, 403);
    assert!(message(&response).starts_with("The request signature we calculated"));

    let old = state.handle(&signed(Signing {
        presign: Some(60),
        time: SystemTime::now() - Duration::from_secs(600),
        ..Default::default()
    }));
    assert_eq!(old.status, 403);
    assert!(
        message(&old).starts_with("Signature expired: "),
        "{}",
        message(&old)
    );

    let mut partial = fresh.clone();
    partial.query = partial
        .query
        .split('&')
        .filter(|p| !p.starts_with("X-Amz-Date="))
        .collect::<Vec<_>>()
        .join("&");
    let response = state.handle(&partial);
    assert_eq!(error_type(&response), "IncompleteSignatureException");
    assert_eq!(
        message(&response),
        "AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters."
    );
}

#[test]
fn every_signed_header_must_be_sent_and_host_must_be_signed() {
    let state = state();
    let mut req = signed(Signing::default());
    let auth = req.header("authorization").unwrap().to_string();
    let widened = auth.replace("SignedHeaders=", "SignedHeaders=x-amz-target;");
    // Sorted order is not what matters here: a header named but absent.
    for (name, value) in req.headers.iter_mut() {
        if name == "authorization" {
            *value = widened.clone();
        }
    }
    let response = state.handle(&req);
    assert_eq!(response.status, 403);
    assert!(message(&response).starts_with("The request signature we calculated"));

    let mut hostless = signed(Signing::default());
    for (name, value) in hostless.headers.iter_mut() {
        if name == "authorization" {
            *value = value.replace("host;", "");
        }
    }
    let response = state.handle(&hostless);
    assert_eq!(
        message(&response),
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
    );
}
