//! Reasoning in the portable forms: how much a model may think
//! ([`Thinking`], [`Effort`]) and what it thought ([`Reasoning`]).
//!
//! Claude's extended and adaptive thinking (`thinking`, `output_config.effort`,
//! `thinking` and `redacted_thinking` blocks with their signatures) and
//! Converse's `reasoningContent` carry the same facts; a family that cannot
//! express them refuses a request that sets them, naming the feature.

use serde::{Deserialize, Serialize};

/// How a model may think before it answers (Claude's `thinking.type`).
///
/// ```
/// use bedrock_harness::{PortableRequest, Thinking};
///
/// let req = PortableRequest::prompt("Plan a trip").thinking(Thinking::Enabled { budget_tokens: 2048 });
/// assert_eq!(req.thinking, Some(Thinking::Enabled { budget_tokens: 2048 }));
/// assert_eq!(Thinking::Adaptive.wire_name(), "adaptive");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Thinking {
    /// No thinking.
    Disabled,
    /// Thinking within a token budget (Claude 3.7 to 4.6).
    Enabled {
        /// The most tokens to think with (at least 1,024, below `max_tokens`).
        budget_tokens: u32,
    },
    /// The model decides how much to think, steered by [`Effort`] (Claude
    /// Opus 4.6, Sonnet 4.6 and later).
    Adaptive,
    /// Thinking only between tool calls, Claude Sonnet 5.5's lowest setting.
    BetweenTools,
}

impl Thinking {
    /// The `type` the wire gives this setting (`enabled`, `adaptive`, ...).
    pub fn wire_name(self) -> &'static str {
        match self {
            Thinking::Disabled => "disabled",
            Thinking::Enabled { .. } => "enabled",
            Thinking::Adaptive => "adaptive",
            Thinking::BetweenTools => "between_tools",
        }
    }
}

/// How hard a model works on its answer (`output_config.effort`).
///
/// ```
/// use bedrock_harness::Effort;
///
/// assert_eq!(Effort::from_name("xhigh"), Some(Effort::XHigh));
/// assert_eq!(Effort::Max.as_str(), "max");
/// assert_eq!(Effort::from_name("extreme"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effort {
    /// The least.
    Low,
    /// The default of most models.
    Medium,
    /// More.
    High,
    /// More still (Claude Opus 5.5).
    XHigh,
    /// The most.
    Max,
}

impl Effort {
    /// The wire name (`low`, `medium`, `high`, `xhigh`, `max`).
    pub fn as_str(self) -> &'static str {
        match self {
            Effort::Low => "low",
            Effort::Medium => "medium",
            Effort::High => "high",
            Effort::XHigh => "xhigh",
            Effort::Max => "max",
        }
    }

    /// Reads a wire name; `None` for anything else.
    pub fn from_name(name: &str) -> Option<Effort> {
        [
            Effort::Low,
            Effort::Medium,
            Effort::High,
            Effort::XHigh,
            Effort::Max,
        ]
        .into_iter()
        .find(|e| e.as_str() == name)
    }
}

/// What a model thought: a block of its answer, or of an assistant turn
/// sent back to it (Claude requires the signature to be returned as it
/// came).
///
/// ```
/// use bedrock_harness::Reasoning;
///
/// let thought = Reasoning::text("The user wants a haiku.", Some("EqQBCkYIARgCIkD".into()));
/// assert_eq!(thought.visible_text(), "The user wants a haiku.");
/// assert_eq!(Reasoning::Redacted { data: "EmwKAhgBEgy".into() }.visible_text(), "");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reasoning {
    /// Readable reasoning (Claude's `thinking` block, Converse's
    /// `reasoningText`).
    Text {
        /// The reasoning.
        text: String,
        /// The provider's signature over it, where it sends one.
        signature: Option<String>,
    },
    /// Reasoning the provider encrypted (Claude's `redacted_thinking`,
    /// Converse's `redactedContent`), as the opaque text it sent.
    Redacted {
        /// The opaque data.
        data: String,
    },
}

impl Reasoning {
    /// Readable reasoning with an optional signature.
    pub fn text(text: impl Into<String>, signature: Option<String>) -> Self {
        Reasoning::Text {
            text: text.into(),
            signature,
        }
    }

    /// The readable text; empty for redacted reasoning.
    pub fn visible_text(&self) -> &str {
        match self {
            Reasoning::Text { text, .. } => text,
            Reasoning::Redacted { .. } => "",
        }
    }
}
