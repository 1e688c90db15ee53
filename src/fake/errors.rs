//! Bedrock's errors: name, HTTP status, message and extra members, written
//! as restJson1 error responses or as event-stream exceptions.

use super::http::FakeResponse;
use serde_json::{json, Map, Value};

/// Every error Bedrock Runtime answers with, and its HTTP status.
pub const BEDROCK_ERRORS: &[(&str, u16)] = &[
    ("ValidationException", 400),
    ("ServiceQuotaExceededException", 400),
    ("AccessDeniedException", 403),
    ("ResourceNotFoundException", 404),
    ("ModelTimeoutException", 408),
    ("ThrottlingException", 429),
    ("ModelNotReadyException", 429),
    ("ModelErrorException", 424),
    ("ModelStreamErrorException", 424),
    ("InternalServerException", 500),
    ("ServiceUnavailableException", 503),
];

/// The HTTP status of Bedrock error `name`, if it is one.
pub fn status_of(name: &str) -> Option<u16> {
    BEDROCK_ERRORS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
}

/// Bedrock's own message for error `name` where it has a usual one.
pub fn default_message(name: &str) -> &'static str {
    match name {
        "ThrottlingException" => "Too many requests, please wait before trying again.",
        "AccessDeniedException" => "You don't have access to the model with the specified model ID.",
        "ResourceNotFoundException" => "This model version has reached the end of its life. Please refer to the AWS documentation for more details.",
        "ModelTimeoutException" => "Model has timed out in processing the request. Try your request again.",
        "ModelNotReadyException" => "Model is not ready to serve inference requests. The model is being loaded. Please try again.",
        "ServiceUnavailableException" => "Bedrock is unable to process your request.",
        "InternalServerException" => "The system encountered an unexpected error during processing. Try your request again.",
        "ServiceQuotaExceededException" => "Your request exceeds the service quota for your account. You can view your quotas at Viewing service quotas. You can resubmit your request later.",
        "ModelErrorException" => "The model returned an error.",
        "ModelStreamErrorException" => "The model stream returned an error.",
        _ => "The request was refused.",
    }
}

/// One Bedrock error.
#[derive(Debug, Clone, PartialEq)]
pub struct BedrockError {
    /// The error name, e.g. `ValidationException`; empty for an answer
    /// that names none (Bedrock's refusal of an unknown API key), whose
    /// body has `Message` and no `x-amzn-ErrorType` header.
    pub name: String,
    /// The HTTP status.
    pub status: u16,
    /// The message.
    pub message: String,
    /// Extra members (`originalStatusCode`, `resourceName`, ...).
    pub extra: Box<Map<String, Value>>,
}

impl BedrockError {
    /// Error `name` with `message`; the status is Bedrock's for the name
    /// (400 for names Bedrock does not use).
    pub fn new(name: &str, message: impl Into<String>) -> Self {
        BedrockError {
            name: name.to_string(),
            status: status_of(name).unwrap_or(400),
            message: message.into(),
            extra: Box::default(),
        }
    }

    /// The error a rule scripts: `name`, its message or Bedrock's usual
    /// text for the name, and extra members.
    ///
    /// ```
    /// use bedrock_harness::fake::BedrockError;
    ///
    /// let err = BedrockError::scripted("ThrottlingException", None, Default::default());
    /// assert_eq!((err.status, err.message.as_str()), (429, "Too many requests, please wait before trying again."));
    /// ```
    pub fn scripted(
        name: &str,
        message: Option<String>,
        extra: serde_json::Map<String, serde_json::Value>,
    ) -> Self {
        let message = message.unwrap_or_else(|| default_message(name).to_string());
        let mut err = BedrockError::new(name, message);
        err.extra = Box::new(extra);
        err
    }

    /// A ValidationException.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationException", message)
    }

    /// The error as a restJson1 response: status, `X-Amzn-ErrorType` and
    /// `{"message": ...}` plus extra members.
    pub fn to_response(&self, request_id: &str) -> FakeResponse {
        let response = FakeResponse::json(self.status, &self.body());
        let response = match self.name.is_empty() {
            true => response,
            false => response.with_header(
                "x-amzn-ErrorType",
                format!(
                    "{}:http://internal.amazon.com/coral/com.amazon.bedrock/",
                    self.name
                ),
            ),
        };
        response.with_header("x-amzn-RequestId", request_id)
    }

    /// The JSON body: `message` (`Message` for an unnamed error) and extra
    /// members.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        let key = if self.name.is_empty() {
            "Message"
        } else {
            "message"
        };
        body.insert(key.into(), json!(self.message));
        body.extend(self.extra.as_ref().clone());
        Value::Object(body)
    }

    /// The event-stream `:exception-type` of this error (`modelStreamErrorException`).
    pub fn exception_type(&self) -> String {
        let mut chars = self.name.chars();
        match chars.next() {
            Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
            None => String::new(),
        }
    }
}
