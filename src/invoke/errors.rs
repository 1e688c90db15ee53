//! Mapping of SDK errors to [`Error`], keeping Bedrock's name, status and
//! message.

use crate::error::Error;
use aws_sdk_bedrockruntime::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_bedrockruntime::types::error::{ConverseStreamOutputError, ResponseStreamError};
use aws_smithy_types::event_stream::RawMessage;

/// A failed call: a service error keeps Bedrock's error name, HTTP status
/// and message; anything else (connection, timeout, an unreadable answer)
/// is a transport error with the whole error chain.
pub(crate) fn from_sdk_error<E>(err: SdkError<E>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    match &err {
        SdkError::ServiceError(ctx) => service(ctx.err(), status.unwrap_or(0)),
        _ => Error::Transport(DisplayErrorContext(&err).to_string()),
    }
}

/// An error inside an event stream (an exception message, or a frame the
/// SDK could not read). Status 0: it came after the HTTP 200.
pub(crate) fn from_stream_error<E>(err: SdkError<E, RawMessage>) -> Error
where
    E: StreamErrorName + ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match &err {
        SdkError::ServiceError(ctx) => Error::Service {
            name: ctx.err().name().to_string(),
            status: 0,
            message: ctx.err().message().unwrap_or_default().to_string(),
        },
        _ => Error::EventStream(DisplayErrorContext(&err).to_string()),
    }
}

/// The Bedrock error name of an in-stream exception. The SDK leaves the
/// error code of stream exceptions empty, so it is read off the variant.
pub(crate) trait StreamErrorName {
    /// The error's name, e.g. `ModelStreamErrorException`.
    fn name(&self) -> &str;
}

macro_rules! stream_error_names {
    ($error:ident: $($variant:ident),+) => {
        impl StreamErrorName for $error {
            fn name(&self) -> &str {
                match self {
                    $($error::$variant(_) => stringify!($variant),)+
                    other => other.code().unwrap_or("Unknown"),
                }
            }
        }
    };
}

stream_error_names!(ResponseStreamError: InternalServerException, ModelStreamErrorException,
    ValidationException, ThrottlingException, ModelTimeoutException, ServiceUnavailableException);
stream_error_names!(ConverseStreamOutputError: InternalServerException, ModelStreamErrorException,
    ValidationException, ThrottlingException, ServiceUnavailableException);

fn service(err: &impl ProvideErrorMetadata, status: u16) -> Error {
    Error::Service {
        name: err.code().unwrap_or("Unknown").to_string(),
        status,
        message: err.message().unwrap_or_default().to_string(),
    }
}
