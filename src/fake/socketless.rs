//! An SDK client wired straight to the fake's handler: no socket, no port.

use super::http::FakeRequest;
use super::FakeState;
use aws_smithy_http_client::test_util::infallible_client_fn;
use std::sync::Arc;

/// The endpoint the socketless client names (never resolved or dialled).
pub const SOCKETLESS_ENDPOINT: &str = "http://bedrock-harness.invalid";

/// An SDK client whose every call is answered by `state`'s handler in
/// process, with static test credentials and retries off. Rule delays and
/// stream pacing are not applied (there is no transport to wait in).
///
/// # Example
///
/// ```
/// use bedrock_harness::fake::{socketless_client, FakeConfig, FakeState};
/// use bedrock_harness::{Invoker, PortableRequest};
/// use std::sync::Arc;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// // Arrange
/// let state = Arc::new(FakeState::new(FakeConfig::default()).unwrap());
/// let invoker = Invoker::new(socketless_client(state.clone()));
///
/// // Act
/// let resp = invoker
///     .invoke("mistral.mistral-7b-instruct-v0:2", &PortableRequest::prompt("Hi"))
///     .await
///     .unwrap();
///
/// // Assert
/// assert!(!resp.text.is_empty());
/// assert_eq!(state.journal().len(), 1);
/// # });
/// ```
pub fn socketless_client(state: Arc<FakeState>) -> aws_sdk_bedrockruntime::Client {
    let transport = infallible_client_fn(
        move |req: hyper::Request<aws_smithy_types::body::SdkBody>| {
            let fake = FakeRequest::from_http(
                req.method(),
                req.uri().path(),
                req.uri().query(),
                req.headers(),
                req.body().bytes().unwrap_or_default().to_vec(),
            );
            let answer = state.handle(&fake);
            let mut builder = hyper::Response::builder().status(answer.status);
            for (name, value) in &answer.headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            builder
                .body(aws_smithy_types::body::SdkBody::from(answer.body))
                .unwrap_or_else(|_| hyper::Response::new(aws_smithy_types::body::SdkBody::empty()))
        },
    );
    let config = crate::invoke::test_config(SOCKETLESS_ENDPOINT)
        .http_client(transport)
        .build();
    aws_sdk_bedrockruntime::Client::from_conf(config)
}
