//! Native InvokeModel bodies for a model of the embedded catalog, built and
//! read without a client.

use crate::catalog::Catalog;
use crate::error::Error;
use crate::portable::{PortableRequest, PortableResponse};

/// Builds the native InvokeModel body for `model_id` from a portable request.
///
/// # Example
///
/// ```
/// use bedrock_harness::{build_body, PortableRequest};
///
/// let body = build_body(
///     "amazon.titan-text-express-v1",
///     &PortableRequest::prompt("Explain quantum physics in 2 sentences.").max_tokens(512).temperature(0.5),
/// ).unwrap();
///
/// assert_eq!(body["inputText"], "Explain quantum physics in 2 sentences.");
/// assert_eq!(body["textGenerationConfig"]["maxTokenCount"], 512);
/// assert_eq!(body["textGenerationConfig"]["temperature"], 0.5);
/// ```
pub fn build_body(model_id: &str, req: &PortableRequest) -> Result<serde_json::Value, Error> {
    let resolved = Catalog::embedded().resolve_str(model_id)?;
    resolved.family.build(req, resolved.model)
}

/// Parses a native InvokeModel response body of `model_id`.
///
/// # Example
///
/// ```
/// use bedrock_harness::parse_response;
///
/// let body = br#"{"inputTextTokenCount":9,"results":[{"tokenCount":3,"outputText":"Hi there.","completionReason":"FINISH"}]}"#;
///
/// let resp = parse_response("amazon.titan-text-express-v1", body).unwrap();
///
/// assert_eq!(resp.text, "Hi there.");
/// assert_eq!(resp.usage.unwrap().input_tokens, 9);
/// ```
pub fn parse_response(model_id: &str, body: &[u8]) -> Result<PortableResponse, Error> {
    Catalog::embedded()
        .resolve_str(model_id)?
        .family
        .parse(body)
}
