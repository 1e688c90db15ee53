//! Whether a rule's scripted answer is one a model can give: text and tool
//! calls only from text models, tool calls only where the operation's wire
//! format carries them. A rule that cannot be kept is refused (when added,
//! if it names its model; else when it would answer) with a message that
//! names the model and its family, never answered as empty text.

use super::errors::BedrockError;
use super::rules::{Action, Operation, Rule};
use crate::catalog::{Catalog, Resolved};
use crate::family::{ModelFamily, RenderContext};
use crate::model_info::{ModelInfo, Output};
use crate::portable::{PortableResponse, ToolCall};

/// Whether `family`'s own InvokeModel answers can carry a tool call: one
/// rendered and read back is still there.
pub(crate) fn native_tool_calls(family: &dyn ModelFamily, model: &ModelInfo) -> bool {
    let probe = PortableResponse {
        tool_calls: vec![ToolCall {
            id: "probe".into(),
            name: "probe".into(),
            input: serde_json::json!({}),
        }],
        ..Default::default()
    };
    let ctx = RenderContext {
        model,
        response_id: "00000000000000000000000000000000",
        request: None,
    };
    family
        .render_response_bytes(&probe, &ctx)
        .and_then(|bytes| family.parse(&bytes))
        .is_ok_and(|read| read.tool_calls.len() == 1)
}

/// Why `action` cannot answer `operation` on `resolved`'s model, if it
/// cannot.
pub(crate) fn misfit(
    action: &Action,
    resolved: &Resolved<'_>,
    operation: Option<Operation>,
) -> Option<String> {
    let model = resolved.model;
    if let Some(why) = unknown_stop_reason(action) {
        return Some(why);
    }
    let scripted = matches!(action, Action::Text { .. } | Action::ToolCall { .. });
    if scripted && model.output != Output::Text {
        let output = match model.output {
            Output::Embedding => "embeddings",
            Output::Rerank => "rankings",
            _ => "images",
        };
        return Some(format!(
            "bedrock-harness: a text or tool_call rule cannot answer {}, a model whose output is {output}; script a fixture or an error for it",
            model.id
        ));
    }
    if !matches!(action, Action::ToolCall { .. }) {
        return None;
    }
    let converse = || model.converse.converse && model.converse.tools;
    let native = || native_tool_calls(resolved.family, model);
    let fits = match operation {
        Some(Operation::Converse | Operation::ConverseStream) => converse(),
        Some(Operation::Invoke | Operation::InvokeWithResponseStream) => native(),
        Some(
            Operation::CountTokens
            | Operation::StartAsyncInvoke
            | Operation::InvokeWithBidirectionalStream,
        ) => true,
        None => converse() || native(),
    };
    (!fits).then(|| {
        format!(
            "bedrock-harness: a tool_call rule cannot answer {} ({} family){}: {}; script text, a fixture or an error for it",
            model.id,
            resolved.family.name(),
            operation.map(|op| format!(" on {}", op.name())).unwrap_or_default(),
            match operation {
                Some(Operation::Converse | Operation::ConverseStream) => "the model takes no tools in Converse",
                Some(Operation::Invoke | Operation::InvokeWithResponseStream) => "the family's InvokeModel answers have no tool calls",
                _ => "its answers carry no tool calls",
            }
        )
    })
}

/// Why a text rule's `stop_reason` is not one of Converse's stop reasons
/// (the service model's `StopReason` enum), if it is not.
fn unknown_stop_reason(action: &Action) -> Option<String> {
    let Action::Text {
        stop_reason: Some(reason),
        ..
    } = action
    else {
        return None;
    };
    let known = crate::service_model::ServiceModel::embedded()
        .shape("StopReason")
        .and_then(|s| s.values.clone())
        .unwrap_or_default();
    (!known.contains(reason)).then(|| {
        format!(
            "bedrock-harness: a text rule's stop_reason must be one of Converse's: {}",
            known.join(", ")
        )
    })
}

/// A rule refused when added: a stop reason Converse lacks, or a model it
/// cannot answer.
pub(crate) fn check_rule(catalog: &Catalog, rule: &Rule) -> Result<(), String> {
    if let Some(why) = unknown_stop_reason(&rule.action) {
        return Err(why);
    }
    let Some(id) = &rule.model else {
        return Ok(());
    };
    match catalog.resolve_str(id) {
        Ok(resolved) => match misfit(&rule.action, &resolved, rule.operation) {
            Some(why) => Err(why),
            None => Ok(()),
        },
        // A model the catalog does not know is refused by the call itself.
        Err(_) => Ok(()),
    }
}

/// [`misfit`] as the call's refusal.
pub(crate) fn refuse(
    action: &Action,
    resolved: &Resolved<'_>,
    operation: Operation,
) -> Result<(), BedrockError> {
    match misfit(action, resolved, Some(operation)) {
        Some(why) => Err(BedrockError::validation(why)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_families_whose_answers_carry_tool_calls_are_found_by_their_own_codecs() {
        let catalog = Catalog::embedded();
        let mut carries = std::collections::BTreeMap::new();
        for model in catalog.models() {
            if let Ok(resolved) = catalog.resolve_str(&model.id) {
                carries
                    .entry(resolved.family.name())
                    .or_insert_with(|| native_tool_calls(resolved.family, model));
            }
        }
        let with: Vec<&str> = carries
            .iter()
            .filter(|(_, c)| **c)
            .map(|(f, _)| *f)
            .collect();
        assert_eq!(
            with,
            [
                "anthropic",
                "cohere_command_r",
                "jamba",
                "mistral_chat",
                "nova",
                "openai_chat",
                "palmyra"
            ]
        );
        for without in [
            "titan_text",
            "llama",
            "mistral",
            "deepseek",
            "cohere_command",
        ] {
            assert_eq!(carries.get(without), Some(&false), "{without}");
        }
    }
}
