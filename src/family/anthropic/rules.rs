//! Claude's per-model rules, checked after the family's schema passes: the
//! `anthropic_version`, thinking types, effort, sampling parameters,
//! forced tool use, the thinking budget and, for models that Bedrock hands
//! to Anthropic's own validator, the output-token limit. The model's facts
//! are its [`ClaudeRules`] in `models.json`.
//!
//! Where each text comes from (Bedrock's answers, HTTP 400
//! `ValidationException`, quoted in public reports; InvokeModel answers the
//! bare text, Converse prefixes it with "The model returned the following
//! errors: "):
//! - `Invalid API version: claude-3-sonnet-20240229-v1:0`: boto/boto3#4218
//!   (2024-07-26), a wrong `anthropic_version` on InvokeModel. No source
//!   quotes Bedrock's answer to `2026-10-21` on the ARN-versioned models
//!   (Anthropic's page says only that such requests "can return a 400
//!   error"); the fake answers the same text, named after the model.
//! - `"thinking.type.enabled" is not supported for this model. Use
//!   "thinking.type.adaptive" and "output_config.effort" to control thinking
//!   behavior.`: aws-samples/amazon-bedrock-client-for-mac#129 (Opus 4.7,
//!   2026-04-17), Kilo-Org/kilocode#10732 (Opus 4.8, with the status and
//!   header), anthropics/claude-code#63546 (InvokeModel), earendil-works/pi#7081
//!   (Opus 5). The same sentence for `disabled` on models whose thinking is
//!   always on is inferred from it; Sonnet 5.5's `disabled` refusal naming
//!   `between_tools` is quoted (cut short) by third-party code.
//! - `thinking: Input tag 'adaptive' found using 'type' does not match any of
//!   the expected tags: 'disabled', 'enabled'`: strands-agents/harness-sdk#1856
//!   (Sonnet 4.5, 2026-03-11).
//! - `output_config.effort: Extra inputs are not permitted`:
//!   anthropics/claude-code#51377 (2026-04-20). The refusal of an effort
//!   value the model lacks is in pydantic's words, inferred.
//! - `` `temperature` is deprecated for this model.``: Mintplex-Labs/anything-llm#5461
//!   (Opus 4.7), promptfoo/promptfoo#10307 (Opus 5, InvokeModel); the same
//!   sentence for `top_p` and `top_k` is inferred (Anthropic's pages say any
//!   non-default value is a 400). `temperature: 1` passes (third-party live
//!   tests).
//! - `` `temperature` and `top_p` cannot both be specified for this model.
//!   Please use only one.``: aws-samples/bedrock-access-gateway#191 (Haiku
//!   4.5), BoltAI/BoltAI#399 (Sonnet 4.5, Haiku 4.5, Opus 4.1).
//! - `temperature: Extra inputs are not permitted` under `anthropic_version`
//!   `2026-10-21`, which removes the sampling parameters: Anthropic's
//!   versioning page and first-party reports.
//! - `tool_choice: type "tool" and "any" are not supported for this model.`:
//!   third-party code that tested Opus 5.5, Fable 5.1 and Sonnet 5.5 live
//!   (2026-09-29); Anthropic's migration guides say forced tool use is a 400.
//! - `max_tokens: N > M, which is the maximum allowed number of output tokens
//!   for claude-...`: Anthropic's validator, quoted by many clients; the
//!   fake gives it for models whose refusals are Anthropic's.
//! - Mid-conversation system messages (`role: "system"` in `messages`): the
//!   AWS page "Mid-conversation system messages" gives the rules (not
//!   first; right after a user message; last, or followed by an assistant
//!   message; text only) and says a break is "a 400 invalid_request_error",
//!   quoting no text. The fake's texts name the rule broken, in the
//!   validator's `messages.N...` form: inferred. A model without them
//!   refuses the role in its schema's words (its `models.json` line adds
//!   `system` to the roles only where it takes them).

use super::{response_model_name, ANTHROPIC_VERSION};
use crate::model_info::{ClaudeRules, ModelInfo, RefusalStyle, Sampling};
use crate::schema::{pydantic_choices, tag_mismatch};
use serde_json::Value;

/// The `anthropic_version` that removes the sampling parameters.
const MESSAGES_API_VERSION: &str = "2026-10-21";

/// The first rule of `model` that `body` breaks, in Bedrock's words.
pub(super) fn check(body: &Value, model: &ModelInfo) -> Option<String> {
    let name = model.id.strip_prefix("anthropic.").unwrap_or(&model.id);
    let versions = model.anthropic.as_ref().map(|r| r.versions.as_slice());
    let known = |v: &str| versions.map_or(v == ANTHROPIC_VERSION, |vs| vs.iter().any(|k| k == v));
    if str_at(body, "/anthropic_version").is_some_and(|v| !known(v)) {
        return Some(format!("Invalid API version: {name}"));
    }
    if let Some(text) = thinking_conflicts(body) {
        return Some(text);
    }
    if let Some(text) = system_messages(body, model) {
        return Some(text);
    }
    if let Some(rules) = &model.anthropic {
        let checks: [Check; 4] = [thinking, effort, sampling, forced_tools];
        if let Some(text) = checks.iter().find_map(|check| check(body, rules, model)) {
            return Some(text);
        }
    }
    if model.refusals == RefusalStyle::Anthropic {
        if let Some(text) = output_limit(body, model) {
            return Some(text);
        }
    }
    thinking_budget(body)
}

type Check = fn(&Value, &ClaudeRules, &ModelInfo) -> Option<String>;

fn str_at<'a>(body: &'a Value, pointer: &str) -> Option<&'a str> {
    body.pointer(pointer).and_then(Value::as_str)
}

fn thinking(body: &Value, rules: &ClaudeRules, _: &ModelInfo) -> Option<String> {
    let kind = str_at(body, "/thinking/type")?;
    if rules.thinking.iter().any(|t| t == kind) {
        return None;
    }
    let adaptive_era = rules.thinking.iter().any(|t| t == "adaptive");
    if !adaptive_era {
        return Some(tag_mismatch("thinking", kind, &rules.thinking));
    }
    let instead = match kind == "disabled" && rules.thinking.iter().any(|t| t == "between_tools") {
        true => "Use \"thinking.type.between_tools\" for the lowest thinking setting.",
        false => "Use \"thinking.type.adaptive\" and \"output_config.effort\" to control thinking behavior.",
    };
    Some(format!(
        "\"thinking.type.{kind}\" is not supported for this model. {instead}"
    ))
}

fn effort(body: &Value, rules: &ClaudeRules, _: &ModelInfo) -> Option<String> {
    let effort = body.pointer("/output_config/effort")?;
    if rules.effort.is_empty() {
        return Some("output_config.effort: Extra inputs are not permitted".into());
    }
    let known = effort
        .as_str()
        .is_some_and(|e| rules.effort.iter().any(|v| v == e));
    (!known).then(|| {
        format!(
            "output_config.effort: Input should be {}",
            pydantic_choices(&rules.effort)
        )
    })
}

fn sampling(body: &Value, rules: &ClaudeRules, _: &ModelInfo) -> Option<String> {
    let set = |key: &str| body.get(key).is_some_and(|v| !v.is_null());
    let keys = ["temperature", "top_p", "top_k"];
    if str_at(body, "/anthropic_version") == Some(MESSAGES_API_VERSION) {
        if let Some(key) = keys.iter().find(|k| set(k)) {
            return Some(format!("{key}: Extra inputs are not permitted"));
        }
    }
    match rules.sampling {
        Sampling::Any => None,
        Sampling::OneOf => (set("temperature") && set("top_p")).then(|| {
            "`temperature` and `top_p` cannot both be specified for this model. Please use only one."
                .to_string()
        }),
        Sampling::DefaultOnly => {
            let default = |key: &str| key == "temperature" && body[key].as_f64() == Some(1.0);
            keys.iter()
                .find(|k| set(k) && !default(k))
                .map(|key| format!("`{key}` is deprecated for this model."))
        }
    }
}

fn forced_tools(body: &Value, rules: &ClaudeRules, _: &ModelInfo) -> Option<String> {
    let choice = str_at(body, "/tool_choice/type")?;
    let forced = choice == "any" || choice == "tool";
    (forced && !rules.forced_tools)
        .then(|| "tool_choice: type \"tool\" and \"any\" are not supported for this model.".into())
}

/// Where a system message may stand in `messages`, and what it holds; a
/// model without them refuses the role as its schema does.
fn system_messages(body: &Value, model: &ModelInfo) -> Option<String> {
    let messages = body.get("messages")?.as_array()?;
    let role = |i: usize| {
        messages
            .get(i)
            .and_then(|m| m.get("role"))
            .and_then(Value::as_str)
    };
    let i = (0..messages.len()).find(|&i| role(i) == Some("system"))?;
    let takes = model.anthropic.as_ref().is_some_and(|r| r.system_messages);
    if !takes {
        return Some(match model.refusals {
            RefusalStyle::Anthropic => format!(
                "messages.{i}.role: Input should be {}",
                pydantic_choices(&["user".to_string(), "assistant".to_string()])
            ),
            RefusalStyle::Everit => format!(
                "Malformed input request: #: subject must not be valid against schema {{\"required\":[\"messages\"]}}#/messages/{i}/role: system is not a valid enum value, please reformat your input and try again."
            ),
        });
    }
    for i in (0..messages.len()).filter(|&i| role(i) == Some("system")) {
        if i == 0 {
            return Some("messages.0.role: a system message cannot be the first message".into());
        }
        if role(i - 1) != Some("user") {
            return Some(format!(
                "messages.{i}.role: a system message must follow a user message"
            ));
        }
        if !matches!(role(i + 1), None | Some("assistant")) {
            return Some(format!("messages.{i}.role: a system message must be the last message or be followed by an assistant message"));
        }
        let content = &messages[i]["content"];
        let text_only = content.is_string()
            || content.as_array().is_some_and(|blocks| {
                blocks
                    .iter()
                    .all(|b| b.get("type").and_then(Value::as_str) == Some("text"))
            });
        if !text_only {
            return Some(format!(
                "messages.{i}.content: a system message takes only text"
            ));
        }
    }
    None
}

/// What thinking cannot go with, in Anthropic's words: a forced tool
/// ("Thinking may not be enabled when tool_choice forces tool use.",
/// quoted from Bedrock in strands-agents/harness-sdk#1495 and
/// pydantic/pydantic-ai#3092 on Sonnet 4.5), and a temperature other than
/// 1 ("`temperature` may only be set to 1 when thinking is enabled.", the
/// provider's text quoted in a relay's issue, one-hub#529; Bedrock's own
/// is not quoted).
fn thinking_conflicts(body: &Value) -> Option<String> {
    if str_at(body, "/thinking/type") != Some("enabled") {
        return None;
    }
    let choice = str_at(body, "/tool_choice/type");
    if matches!(choice, Some("any" | "tool")) {
        return Some("Thinking may not be enabled when tool_choice forces tool use.".into());
    }
    let temperature = body.get("temperature").and_then(Value::as_f64);
    temperature
        .is_some_and(|t| t != 1.0)
        .then(|| "`temperature` may only be set to 1 when thinking is enabled.".into())
}

/// Anthropic's refusal of a `max_tokens` over the model's output limit.
fn output_limit(body: &Value, model: &ModelInfo) -> Option<String> {
    let limit = model.max_output_tokens?;
    let asked = body.get("max_tokens").and_then(Value::as_u64)?;
    (asked > u64::from(limit)).then(|| {
        format!(
            "max_tokens: {asked} > {limit}, which is the maximum allowed number of output tokens for {}",
            response_model_name(&model.id)
        )
    })
}

/// Extended thinking's budget must stay below `max_tokens`, in Anthropic's
/// words.
fn thinking_budget(body: &Value) -> Option<String> {
    let enabled = str_at(body, "/thinking/type") == Some("enabled");
    let budget = body
        .pointer("/thinking/budget_tokens")
        .and_then(Value::as_u64)?;
    let max_tokens = body.get("max_tokens").and_then(Value::as_u64)?;
    (enabled && budget >= max_tokens)
        .then(|| "`max_tokens` must be greater than `thinking.budget_tokens`.".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Catalog;
    use serde_json::json;

    fn model(id: &str) -> &'static ModelInfo {
        Catalog::embedded().model(id).unwrap()
    }

    fn body(extra: Value) -> Value {
        let mut body = json!({
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 1024,
            "messages": [{"role": "user", "content": "Hi"}],
        });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    }

    #[test]
    fn the_messages_api_version_passes_on_opus_4_7_and_is_refused_on_opus_4_6() {
        let new = body(json!({"anthropic_version": "2026-10-21"}));
        assert_eq!(check(&new, model("anthropic.claude-opus-4-7")), None);
        assert_eq!(
            check(&new, model("anthropic.claude-opus-4-6-v1")).as_deref(),
            Some("Invalid API version: claude-opus-4-6-v1")
        );
    }

    #[test]
    fn temperature_one_passes_where_other_values_are_deprecated() {
        let opus = model("anthropic.claude-opus-5");
        assert_eq!(check(&body(json!({"temperature": 1})), opus), None);
        assert_eq!(
            check(&body(json!({"temperature": 0.2})), opus).as_deref(),
            Some("`temperature` is deprecated for this model.")
        );
        assert_eq!(
            check(&body(json!({"top_k": 5})), opus).as_deref(),
            Some("`top_k` is deprecated for this model.")
        );
    }

    #[test]
    fn thinking_refusals_differ_by_generation() {
        let enabled = body(
            json!({"thinking": {"type": "enabled", "budget_tokens": 2000}, "max_tokens": 4000}),
        );
        assert!(check(&enabled, model("anthropic.claude-sonnet-5"))
            .unwrap()
            .starts_with("\"thinking.type.enabled\" is not supported for this model."));
        assert_eq!(check(&enabled, model("anthropic.claude-opus-4-6-v1")), None);
        let adaptive = body(json!({"thinking": {"type": "adaptive"}}));
        assert_eq!(
            check(&adaptive, model("anthropic.claude-sonnet-4-5-20250929-v1:0")).as_deref(),
            Some("thinking: Input tag 'adaptive' found using 'type' does not match any of the expected tags: 'disabled', 'enabled'")
        );
        let disabled = body(json!({"thinking": {"type": "disabled"}}));
        assert!(check(&disabled, model("anthropic.claude-sonnet-5-5"))
            .unwrap()
            .ends_with("Use \"thinking.type.between_tools\" for the lowest thinking setting."));
    }

    #[test]
    fn system_messages_stand_where_the_page_says_on_the_models_that_take_them() {
        let turns = |roles: &[&str]| {
            let messages: Vec<Value> = roles
                .iter()
                .map(|r| json!({"role": r, "content": "x"}))
                .collect();
            body(json!({ "messages": messages }))
        };
        let opus = model("anthropic.claude-opus-4-8");
        assert_eq!(check(&turns(&["user", "system"]), opus), None);
        assert_eq!(
            check(&turns(&["user", "system", "assistant", "user"]), opus),
            None
        );
        assert_eq!(
            check(&turns(&["system", "user"]), opus).as_deref(),
            Some("messages.0.role: a system message cannot be the first message")
        );
        assert!(check(&turns(&["user", "assistant", "system"]), opus)
            .unwrap()
            .contains("must follow a user message"));
        assert!(check(&turns(&["user", "system", "user"]), opus)
            .unwrap()
            .contains("followed by an assistant message"));
        let image = body(
            json!({"messages": [{"role": "user", "content": "x"}, {"role": "system", "content": [
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AA=="}}]}]}),
        );
        assert!(check(&image, opus).unwrap().contains("only text"));
        assert_eq!(
            check(
                &turns(&["user", "system"]),
                model("anthropic.claude-opus-4-7")
            )
            .as_deref(),
            Some("messages.1.role: Input should be 'user' or 'assistant'")
        );
        assert!(check(
            &turns(&["user", "system"]),
            model("anthropic.claude-3-haiku-20240307-v1:0")
        )
        .unwrap()
        .contains("#/messages/1/role: system is not a valid enum value"));
    }

    #[test]
    fn max_tokens_over_the_limit_names_the_model() {
        let over = body(json!({"max_tokens": 200000}));
        assert_eq!(
            check(&over, model("anthropic.claude-opus-5")).as_deref(),
            Some("max_tokens: 200000 > 128000, which is the maximum allowed number of output tokens for claude-opus-5")
        );
    }
}
