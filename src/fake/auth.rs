//! Authorization as AWS checks it: every call carries an `Authorization`
//! header (SigV4 or a Bedrock API key as `Bearer`); with SigV4 checking on,
//! the signature must be the one the configured secret gives; with API keys
//! configured, a bearer token must be one of them.
//!
//! Bedrock's answers to a bad API key, from public reports that quote them:
//! a token without a Bedrock key's prefix (`ABSK` for long-term keys,
//! `bedrock-api-key-` for short-term ones, as client code that tells them
//! apart has it) is a 403 `AccessDeniedException` "Invalid API Key format:
//! Must start with pre-defined prefix" (aws-solutions-library-samples/
//! guidance-for-claude-code-with-amazon-bedrock#784, 2026-07-14); a
//! well-formed key Bedrock does not know is a 403 whose body is
//! `{"Message":"Authentication failed: Please make sure your API Key is
//! valid."}` (ai4s-research/open-science#53, 2026-07-24;
//! anomalyco/opencode#47073, 2026-09-03). Those reports quote the body
//! only: no error name is given, so the fake sends none.

use super::errors::BedrockError;
use super::http::FakeRequest;
use super::FakeState;

/// AWS's answer to a call without credentials.
pub(crate) fn missing_token() -> BedrockError {
    BedrockError {
        name: "MissingAuthenticationTokenException".into(),
        status: 403,
        message: "Missing Authentication Token".into(),
        extra: Default::default(),
    }
}

pub(crate) fn check(state: &FakeState, req: &FakeRequest) -> Result<(), BedrockError> {
    if !state.config.require_auth {
        return Ok(());
    }
    // The anthropic SDK's Mantle client sent its API key as `X-Api-Key`
    // before it moved to `Authorization: Bearer` (anthropic-sdk-python
    // v0.91.0 to v0.94.x); the fake takes both on the Messages API.
    let api_key = req
        .header("x-api-key")
        .filter(|_| req.path.starts_with("/anthropic/"));
    if let (None, Some(key)) = (req.header("authorization"), api_key) {
        return check_api_key(state, key);
    }
    let Some(authorization) = req.header("authorization") else {
        if super::sigv4::is_presigned(&req.query) {
            return verify_signature(state, req);
        }
        return Err(missing_token());
    };
    if let Some(token) = authorization.strip_prefix("Bearer ") {
        return check_api_key(state, token);
    }
    if !authorization.starts_with("AWS4-HMAC-SHA256 ") {
        return Err(BedrockError {
            name: "IncompleteSignatureException".into(),
            status: 403,
            message: format!("Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization={authorization}"),
            extra: Default::default(),
        });
    }
    verify_signature(state, req)
}

/// The SigV4 signature (header or presigned query) checked against the
/// credentials of `--verify-sigv4`; any signature passes without them.
fn verify_signature(state: &FakeState, req: &FakeRequest) -> Result<(), BedrockError> {
    match &state.config.sigv4 {
        Some(credentials) => super::sigv4::verify(
            credentials,
            &state.config.region,
            signing_service(state, req),
            req,
        ),
        None => Ok(()),
    }
}

/// The service a request's SigV4 scope names: `bedrock-mantle` for
/// bedrock-mantle and the Messages API (which only Mantle serves),
/// `bedrock` for bedrock-runtime (its Chat Completions path included: "Runtime
/// requests are signed for the `bedrock` service", the openai SDKs' Bedrock
/// docs).
fn signing_service(state: &FakeState, req: &FakeRequest) -> &'static str {
    let mantle =
        state.config.endpoint == crate::Endpoint::Mantle || req.path.starts_with("/anthropic/");
    match mantle {
        true => super::sigv4::MANTLE_SERVICE,
        false => super::sigv4::SERVICE,
    }
}

/// The prefixes of Bedrock's API keys: long-term, then short-term.
pub const API_KEY_PREFIXES: [&str; 2] = ["ABSK", "bedrock-api-key-"];

/// A bearer token passes when it is one of the configured API keys, or when
/// none are configured and signatures are not checked (any token, as a
/// fake with no keys to know has always taken).
fn check_api_key(state: &FakeState, token: &str) -> Result<(), BedrockError> {
    let config = &state.config;
    if config.api_keys.iter().any(|key| key == token)
        || (config.api_keys.is_empty() && config.sigv4.is_none())
    {
        return Ok(());
    }
    if !API_KEY_PREFIXES.iter().any(|p| token.starts_with(p)) {
        return Err(BedrockError {
            name: "AccessDeniedException".into(),
            status: 403,
            message: "Invalid API Key format: Must start with pre-defined prefix".into(),
            extra: Default::default(),
        });
    }
    Err(BedrockError {
        name: String::new(),
        status: 403,
        message: "Authentication failed: Please make sure your API Key is valid.".into(),
        extra: Default::default(),
    })
}
