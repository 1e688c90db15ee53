//! The crate's one error type.

/// Everything that can go wrong in bedrock-harness.
///
/// Messages name the family, the model and, where there is one, the JSON
/// pointer of the offending value, so a failure reads on its own.
///
/// # Example
///
/// ```
/// use bedrock_harness::{Error, ModelId};
///
/// // Arrange: an id that is empty.
/// let bad = "";
///
/// // Act
/// let err = ModelId::parse(bad).unwrap_err();
///
/// // Assert
/// assert!(matches!(err, Error::InvalidModelId { .. }));
/// assert!(err.to_string().contains("empty"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The model id is not of a form Bedrock accepts (empty, too long, a
    /// malformed ARN, a bad percent-encoding).
    #[error("invalid model id {id:?}: {reason}")]
    InvalidModelId {
        /// The id as given.
        id: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The model id is well formed but names no model this harness knows.
    /// The message is Bedrock's own text for this case.
    #[error("The provided model identifier is invalid.")]
    UnknownModel {
        /// The id as given.
        id: String,
    },

    /// The model is one Bedrock serves, but its wire format is one this
    /// version of the harness cannot speak yet.
    #[error("bedrock-harness: {id} is a Bedrock model, but its wire format ({wire}) is not implemented in this version of bedrock-harness")]
    UnimplementedWireFormat {
        /// The id as given.
        id: String,
        /// The wire format's name, as `fixtures/pending.json` gives it.
        wire: String,
    },

    /// A date is not of the form `YYYY-MM-DD`.
    #[error("invalid date {text:?}: {reason} (expected YYYY-MM-DD)")]
    InvalidDate {
        /// The text as given.
        text: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The portable request uses a feature the family's native body cannot
    /// express. Nothing is dropped silently.
    #[error("{family}: {feature} is not supported by this model family")]
    Unsupported {
        /// The family's name (`fixtures/<name>/`).
        family: &'static str,
        /// The feature, in words.
        feature: String,
    },

    /// The body breaks a rule of the model that Bedrock refuses it for (a
    /// sampling parameter or a thinking setting the model does not take),
    /// found before anything was sent. `message` is Bedrock's refusal, as
    /// the fake answers it; some rules are inferred (their sources say
    /// which), so a live call is the final word.
    #[error("{family}: Bedrock refuses this body for {model}: {message}")]
    Refused {
        /// The family's name.
        family: &'static str,
        /// The model the body was built for.
        model: String,
        /// Bedrock's refusal text.
        message: String,
    },

    /// A native response body or stream chunk could not be read.
    #[error("{family}: cannot parse {what}: {reason}")]
    Parse {
        /// The family's name.
        family: &'static str,
        /// What was being parsed (`response`, `stream chunk`, ...).
        what: &'static str,
        /// Why it failed, with the serde path where there is one.
        reason: String,
    },

    /// An error answered by Bedrock (or by the fake): Bedrock's error name,
    /// HTTP status and message, kept as they came.
    #[error("{name} (HTTP {status}): {message}")]
    Service {
        /// Bedrock's error name, e.g. `ValidationException`.
        name: String,
        /// The HTTP status code, 0 when the error came inside a stream.
        status: u16,
        /// Bedrock's message text.
        message: String,
    },

    /// A call failed before Bedrock answered: connection, timeout, signing.
    #[error("transport: {0}")]
    Transport(String),

    /// An event-stream frame was malformed (bad CRC, truncated, bad headers).
    #[error("event stream: {0}")]
    EventStream(String),

    /// A fixture file is missing or malformed.
    #[error("fixture {path}: {reason}")]
    Fixture {
        /// The fixture's path relative to the fixtures root.
        path: String,
        /// What is wrong with it.
        reason: String,
    },

    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The path that was being read or written.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl Error {
    /// A parse error for `family`, from anything that displays: what a
    /// family answers for a body it cannot read.
    ///
    /// ```
    /// use bedrock_harness::Error;
    /// let err = Error::parse("parrot", "response", "`choices` is empty");
    /// assert_eq!(err.to_string(), "parrot: cannot parse response: `choices` is empty");
    /// ```
    pub fn parse(family: &'static str, what: &'static str, reason: impl ToString) -> Self {
        Error::Parse {
            family,
            what,
            reason: reason.to_string(),
        }
    }

    /// An unsupported-feature error for `family`: what a family answers
    /// for a portable request it cannot express.
    ///
    /// ```
    /// use bedrock_harness::Error;
    /// let err = Error::unsupported("parrot", "tool use");
    /// assert!(err.to_string().starts_with("parrot: tool use is not supported"));
    /// ```
    pub fn unsupported(family: &'static str, feature: impl Into<String>) -> Self {
        Error::Unsupported {
            family,
            feature: feature.into(),
        }
    }
}
