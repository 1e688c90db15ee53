#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod accumulator;
mod catalog;
pub mod converse;
pub mod drift;
mod error;
pub mod eventstream;
pub mod fake;
pub mod family;
pub mod fixture_layout;
mod fixtures;
mod invoke;
pub mod lifecycle;
mod model_id;
mod model_info;
mod portable;
mod schema;
pub mod sync;

pub use accumulator::StreamAccumulator;
pub use catalog::{Catalog, Resolved, PENDING_PATH};
pub use error::Error;
pub use family::{families, family_by_name, ModelFamily, RenderContext};
pub use fixtures::FixtureStore;
pub use invoke::{collect, endpoint_client, EventStream, Invoker, DEFAULT_TEST_REGION};
pub use lifecycle::{Lifecycle, LifecycleState};
pub use model_id::{ModelId, ModelIdKind, ARN_RESOURCE_TYPES, GEO_PREFIXES, MAX_MODEL_ID_LEN};
pub use model_info::{ConverseSupport, Endpoint, ModelInfo, Output, PendingModel};
pub use portable::{
    ContentBlock, EmbeddingOptions, ImageFormat, ImageOptions, InferenceParams, InvocationMetrics,
    Message, PortableRequest, PortableResponse, Role, StopReason, StreamEvent, ToolCall,
    ToolChoice, ToolResultContent, ToolSpec, Usage,
};
pub use schema::{
    parse_body, validate_body, Rejection, SchemaValidator, Violation, MAX_BODY_BYTES,
};

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
