//! Cohere's finish reasons, which its Generate body (legacy Command) and
//! its v1 Chat body (Command R) share: `COMPLETE`, `MAX_TOKENS` and
//! `ERROR_TOXIC`, and in Chat `STOP_SEQUENCE` too.

use crate::portable::StopReason;

/// The finish reasons one Cohere body knows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FinishReasons {
    /// Whether the body has `STOP_SEQUENCE`; without it a stop sequence
    /// ends an answer as `COMPLETE`.
    pub(crate) stop_sequence: bool,
}

impl FinishReasons {
    /// The portable stop reason of the body's `reason`.
    pub(crate) fn stop_reason(self, reason: &str) -> StopReason {
        match reason {
            "COMPLETE" => StopReason::EndTurn,
            "MAX_TOKENS" => StopReason::MaxTokens,
            "STOP_SEQUENCE" if self.stop_sequence => StopReason::StopSequence,
            "ERROR_TOXIC" => StopReason::ContentFiltered,
            other => StopReason::Other(other.to_string()),
        }
    }

    /// The body's finish reason for a portable stop reason (tool use is a
    /// `COMPLETE` answer that carries tool calls).
    pub(crate) fn name(self, reason: Option<&StopReason>) -> &str {
        match reason {
            Some(StopReason::MaxTokens) => "MAX_TOKENS",
            Some(StopReason::StopSequence) if self.stop_sequence => "STOP_SEQUENCE",
            Some(StopReason::ContentFiltered) => "ERROR_TOXIC",
            Some(StopReason::Other(other)) => other,
            _ => "COMPLETE",
        }
    }
}
