//! Nova 2's extended thinking: `reasoningConfig` (`{"type": "enabled",
//! "maxReasoningEffort": "low"}`, at the top of the body or inside
//! `inferenceConfig`) and `reasoningContent` blocks before the answer
//! (AWS Nova 2 user guide, "Extended thinking" and "Reasoning
//! capabilities": Nova 2 Lite shows its reasoning as `[REDACTED]`).
//!
//! In the portable form, `enabled` is [`Thinking::Adaptive`] (the model
//! decides how much to think, within the effort) and `disabled` is
//! [`Thinking::Disabled`]; `maxReasoningEffort` is the [`Effort`]. An
//! effort alone turns thinking on.

use super::types::{
    NovaContentBlock, NovaReasoningConfig, NovaReasoningContent, NovaReasoningText,
};
use super::NAME;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::PortableRequest;
use crate::reasoning::{Effort, Reasoning, Thinking};
use base64::Engine as _;

/// The `reasoningConfig` of a portable request, refused for a model that
/// does not reason and for settings Nova has no words for.
pub(super) fn config(
    req: &PortableRequest,
    model: &ModelInfo,
) -> Result<Option<NovaReasoningConfig>, Error> {
    if req.thinking.is_none() && req.effort.is_none() {
        return Ok(None);
    }
    if !model.converse.reasoning {
        return Err(Error::unsupported(
            NAME,
            format!("reasoning on {}", model.name),
        ));
    }
    let effort = match req.effort {
        None => None,
        Some(e @ (Effort::Low | Effort::Medium | Effort::High)) => Some(e.as_str().to_string()),
        Some(other) => {
            let what = format!("effort {} (low, medium or high)", other.as_str());
            return Err(Error::unsupported(NAME, what));
        }
    };
    let kind = match req.thinking {
        None | Some(Thinking::Adaptive) => "enabled",
        Some(Thinking::Disabled) if effort.is_none() => "disabled",
        Some(other) => {
            let what = format!("thinking {} with this effort", other.wire_name());
            return Err(Error::unsupported(NAME, what));
        }
    };
    Ok(Some(NovaReasoningConfig {
        kind: kind.to_string(),
        max_reasoning_effort: effort,
    }))
}

/// The portable thinking setting and effort of a `reasoningConfig`.
pub(super) fn settings(config: Option<NovaReasoningConfig>) -> (Option<Thinking>, Option<Effort>) {
    let Some(config) = config else {
        return (None, None);
    };
    let thinking = match config.kind.as_str() {
        "disabled" => Thinking::Disabled,
        _ => Thinking::Adaptive,
    };
    let effort = config
        .max_reasoning_effort
        .as_deref()
        .and_then(Effort::from_name);
    (Some(thinking), effort)
}

/// A portable thought as a `reasoningContent` block.
pub(super) fn block(thought: &Reasoning) -> NovaContentBlock {
    NovaContentBlock::ReasoningContent(match thought {
        Reasoning::Text { text, signature } => NovaReasoningContent {
            reasoning_text: Some(NovaReasoningText {
                text: text.clone(),
                signature: signature.clone(),
            }),
            redacted_content: None,
        },
        Reasoning::Redacted { data } => NovaReasoningContent {
            reasoning_text: None,
            redacted_content: Some(base64::engine::general_purpose::STANDARD.encode(data)),
        },
    })
}

/// A `reasoningContent` block as a portable thought; `None` for one that
/// holds neither form.
pub(super) fn thought(content: &NovaReasoningContent) -> Option<Reasoning> {
    if let Some(text) = &content.reasoning_text {
        return Some(Reasoning::text(text.text.clone(), text.signature.clone()));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content.redacted_content.as_ref()?)
        .ok()?;
    Some(Reasoning::Redacted {
        data: String::from_utf8(bytes).ok()?,
    })
}
