//! Schema violations in the words of Anthropic's validator (pydantic), for
//! the models whose refusals Bedrock hands on from Anthropic
//! ([`RefusalStyle::Anthropic`](crate::RefusalStyle::Anthropic)).
//!
//! Only the first violation in document order is given, as
//! `path.to.field: text`, the path dotted with array indices and, inside a
//! tagged union (content blocks, `thinking`, `tool_choice`), the member's
//! tag: `messages.27.content.0.text.citations: Extra inputs are not
//! permitted` (anthropics/claude-code#146), `reasoning: Extra inputs are not
//! permitted` (BerriAI/litellm#13609, Opus 4.1), `thinking: Input tag
//! 'adaptive' found using 'type' does not match any of the expected tags:
//! 'disabled', 'enabled'` (strands-agents/harness-sdk#1856). The other texts
//! (`Field required`, `Input should be a valid integer`, `Input should be
//! less than or equal to 1`, list lengths) are pydantic's own messages for
//! those checks; no source quotes Bedrock giving each of them.

use super::{node, plain, position, steps};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

/// The first violation of `body`, in pydantic's words; `None` if it is
/// valid.
pub(super) fn first_violation(validator: &jsonschema::Validator, body: &Value) -> Option<String> {
    let mut found: Vec<(Vec<usize>, String)> = Vec::new();
    for err in validator.iter_errors(body) {
        let path = err.instance_path().as_str().to_string();
        match err.kind() {
            // Bedrock's everit-era alternative ("not required messages") has
            // no counterpart in Anthropic's validator.
            ValidationErrorKind::Not { .. } if path.is_empty() => {}
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                // Only the first extra key in the object's order is told: one
                // pass over the object, whatever the number of extra keys.
                let Some(Value::Object(object)) = node(body, &path) else {
                    continue;
                };
                let Some((index, key)) = object
                    .keys()
                    .enumerate()
                    .find(|(_, k)| unexpected.iter().any(|u| u == *k))
                else {
                    continue;
                };
                let child = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
                let mut at = position(body, &path);
                at.push(index);
                found.push((
                    at,
                    format!("{}: Extra inputs are not permitted", dotted(body, &child)),
                ));
            }
            ValidationErrorKind::Required { property } => {
                let key = property.as_str().unwrap_or_default();
                let mut at = position(body, &path);
                at.push(usize::MAX);
                let child = format!("{path}/{key}");
                found.push((at, format!("{}: Field required", dotted(body, &child))));
            }
            _ => found.push((position(body, &path), located(body, &path, &err))),
        }
    }
    found
        .into_iter()
        .min_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, text)| text)
}

/// The text of a violation other than extra or missing keys, with its path.
fn located(body: &Value, path: &str, err: &ValidationError<'_>) -> String {
    let instance = err.instance();
    let text = match err.kind() {
        ValidationErrorKind::Enum { options } if is_tag(path) => {
            let parent = &path[..path.len() - "/type".len()];
            let expected: Vec<String> = options
                .as_array()
                .map(|items| items.iter().map(plain).collect())
                .unwrap_or_default();
            return tag_mismatch(&dotted(body, parent), &plain(instance), &expected);
        }
        ValidationErrorKind::Enum { options } => {
            let choices: Vec<String> = options
                .as_array()
                .map(|items| items.iter().map(plain).collect())
                .unwrap_or_default();
            format!("Input should be {}", pydantic_choices(&choices))
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!("Input should be '{}'", plain(expected_value))
        }
        ValidationErrorKind::Type { kind } => {
            format!("Input should be a valid {}", expected(kind))
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("Input should be less than or equal to {limit}")
        }
        ValidationErrorKind::Minimum { limit } => {
            format!("Input should be greater than or equal to {limit}")
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("Input should be less than {limit}")
        }
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("Input should be greater than {limit}")
        }
        ValidationErrorKind::MinItems { limit } => format!(
            "List should have at least {limit} item{} after validation, not {}",
            if *limit == 1 { "" } else { "s" },
            instance.as_array().map_or(0, Vec::len)
        ),
        ValidationErrorKind::MaxItems { limit } => format!(
            "List should have at most {limit} item{} after validation, not {}",
            if *limit == 1 { "" } else { "s" },
            instance.as_array().map_or(0, Vec::len)
        ),
        _ => super::describe(err),
    };
    format!("{}: {text}", dotted(body, path))
}

/// Whether `path` is the `type` of a tagged union member.
fn is_tag(path: &str) -> bool {
    path.strip_suffix("/type")
        .is_some_and(|parent| is_union_member(&steps(parent).collect::<Vec<_>>()))
}

/// Content blocks of a turn or a tool result, `thinking` and `tool_choice`
/// are tagged by their `type`.
fn is_union_member(steps: &[String]) -> bool {
    let names: Vec<&str> = steps
        .iter()
        .map(|s| match s.parse::<usize>() {
            Ok(_) => "#",
            Err(_) => s.as_str(),
        })
        .collect();
    matches!(
        names.as_slice(),
        ["thinking"]
            | ["tool_choice"]
            | ["messages", "#", "content", "#"]
            | ["messages", "#", "content", "#", "content", "#"]
    )
}

/// `path` dotted as pydantic writes it, with union members' tags.
fn dotted(body: &Value, path: &str) -> String {
    let all: Vec<String> = steps(path).collect();
    let mut out: Vec<String> = Vec::new();
    for (i, step) in all.iter().enumerate() {
        out.push(step.clone());
        let prefix = &all[..=i];
        if i + 1 < all.len() && is_union_member(prefix) {
            let at = format!("/{}", prefix.join("/"));
            if let Some(tag) = node(body, &at).and_then(|n| n.get("type")?.as_str()) {
                out.push(tag.to_string());
            }
        }
    }
    out.join(".")
}

/// Pydantic's list of literal choices: `'a', 'b' or 'c'`.
pub(crate) fn pydantic_choices(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Pydantic's refusal of a tagged union member whose `type` is none of
/// the `expected` tags (listed in order of name).
pub(crate) fn tag_mismatch(path: &str, found: &str, expected: &[String]) -> String {
    let mut names: Vec<&str> = expected.iter().map(String::as_str).collect();
    names.sort_unstable();
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    format!(
        "{path}: Input tag '{found}' found using 'type' does not match any of the expected tags: {}",
        quoted.join(", ")
    )
}

fn expected(kind: &TypeKind) -> &'static str {
    let first = match kind {
        TypeKind::Single(t) => *t,
        TypeKind::Multiple(set) => set.iter().next().unwrap_or(JsonType::Object),
    };
    match first {
        JsonType::Array => "list",
        JsonType::Boolean => "boolean",
        JsonType::Integer => "integer",
        JsonType::Null => "null",
        JsonType::Number => "number",
        JsonType::Object => "dictionary",
        JsonType::String => "string",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn first(schema: Value, body: Value) -> Option<String> {
        let validator = jsonschema::validator_for(&schema).unwrap();
        first_violation(&validator, &body)
    }

    #[test]
    fn an_extra_key_inside_a_block_is_dotted_with_the_blocks_tag() {
        let schema = json!({"properties": {"messages": {"items": {"properties": {"content": {"items": {
            "properties": {"type": {"enum": ["text"]}, "text": {}}, "additionalProperties": false
        }}}}}}});
        let body = json!({"messages": [{"content": [{"type": "text", "text": "Hi", "foo": 1}]}]});
        assert_eq!(
            first(schema, body).as_deref(),
            Some("messages.0.content.0.text.foo: Extra inputs are not permitted")
        );
    }

    #[test]
    fn a_wrong_tag_lists_the_expected_tags() {
        let schema = json!({"properties": {"thinking": {"properties": {"type": {"enum": ["enabled", "disabled"]}}}}});
        assert_eq!(
            first(schema, json!({"thinking": {"type": "adaptive"}})).as_deref(),
            Some("thinking: Input tag 'adaptive' found using 'type' does not match any of the expected tags: 'disabled', 'enabled'")
        );
    }

    #[test]
    fn the_first_violation_in_document_order_is_given() {
        let schema = json!({
            "required": ["max_tokens"],
            "properties": {"temperature": {"maximum": 1}, "role": {"enum": ["user", "assistant"]}}
        });
        let body = json!({"role": "system", "temperature": 2});
        assert_eq!(
            first(schema.clone(), body).as_deref(),
            Some("role: Input should be 'user' or 'assistant'")
        );
        assert_eq!(
            first(schema, json!({})).as_deref(),
            Some("max_tokens: Field required")
        );
    }

    #[test]
    fn pydantic_choices_join_with_or() {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(pydantic_choices(&list(&["a"])), "'a'");
        assert_eq!(pydantic_choices(&list(&["a", "b", "c"])), "'a', 'b' or 'c'");
    }

    #[test]
    fn a_valid_body_has_no_violation() {
        assert_eq!(first(json!({"type": "object"}), json!({})), None);
    }
}
