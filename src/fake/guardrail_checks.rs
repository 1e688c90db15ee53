//! InvokeGuardrailChecks (`POST /guardrail-checks/invoke`, new on
//! 2026-06-15): the checks a request names run against its messages, with
//! no guardrail resource behind them.
//!
//! The answer's shape is the service model's and the AWS user guide's
//! ("Use the InvokeGuardrailChecks API", "Example configurations, results,
//! and scores"): only the checks asked for appear under `results` and
//! `usage`; content filter and prompt attack give one entry per requested
//! category with a `severityScore` from 0.0 to 1.0; sensitive information
//! gives one entry per entity found, with its `messageIndex`,
//! `contentIndex` and character offsets in that block, at most 1,000 of
//! them (`truncated` says whether more were found); `textUnits` counts the
//! text each check read, in units of up to 1,000 characters.
//!
//! What the fake finds: the kinds of personal information
//! [`Guardrail`](super::Guardrail) finds (simple patterns; other requested
//! kinds are never found), each with `confidenceScore` 1.0 and an
//! `endOffset` one past its last character (inferred: the guide's example
//! does not show its text). Content and prompt-attack scores are the
//! scenario's: a [`CheckScore`] scores its category when one of its
//! keywords is in a message; every other category scores 0.0.

use super::guardrails::{contains_phrase, pii_regex, text_units};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The most sensitive-information entries one answer holds (the guide's
/// "service-defined maximum of 1000 entities").
pub const MAX_SENSITIVE_RESULTS: usize = 1000;

/// The categories a content filter check scores.
pub const CONTENT_CATEGORIES: [&str; 5] = ["VIOLENCE", "HATE", "SEXUAL", "MISCONDUCT", "INSULTS"];

/// The categories a prompt attack check scores.
pub const PROMPT_ATTACK_CATEGORIES: [&str; 3] = ["JAILBREAK", "PROMPT_INJECTION", "PROMPT_LEAKAGE"];

/// A scripted score: the category scores `score` for messages holding
/// one of the keywords (whole words, any case).
///
/// ```
/// use bedrock_harness::fake::CheckScore;
///
/// let score: CheckScore = serde_json::from_value(serde_json::json!(
///     {"category": "JAILBREAK", "keywords": ["ignore your instructions"], "score": 0.9}
/// )).unwrap();
/// assert!(score.check().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckScore {
    /// A content filter or prompt attack category (`VIOLENCE`,
    /// `JAILBREAK`, ...).
    pub category: String,
    /// The phrases that raise the score.
    pub keywords: Vec<String>,
    /// The score they raise it to (1.0 unless given).
    #[serde(default = "full_score")]
    pub score: f64,
}

fn full_score() -> f64 {
    1.0
}

impl CheckScore {
    /// Why the score cannot be used, if it cannot: an unknown category or
    /// a score outside 0.0..=1.0.
    pub fn check(&self) -> Result<(), String> {
        let known = CONTENT_CATEGORIES
            .iter()
            .chain(&PROMPT_ATTACK_CATEGORIES)
            .any(|c| *c == self.category);
        if !known {
            return Err(format!(
                "check score: unknown category {:?}; InvokeGuardrailChecks scores {} and {}",
                self.category,
                CONTENT_CATEGORIES.join(", "),
                PROMPT_ATTACK_CATEGORIES.join(", ")
            ));
        }
        if !(0.0..=1.0).contains(&self.score) {
            return Err(format!(
                "check score {}: {} is not between 0.0 and 1.0",
                self.category, self.score
            ));
        }
        Ok(())
    }
}

/// The refusal of a request whose `checks` names none (the guide: "At
/// least one check field must be set"; Bedrock's own words for it are not
/// published).
pub const NO_CHECKS: &str = "bedrock-harness: `checks` must set at least one of contentFilter, promptAttack and sensitiveInformation";

/// The answer to a request the service model accepted, or the refusal of
/// one that asks for no check.
///
/// ```
/// use bedrock_harness::fake::guardrail_checks::evaluate;
/// use serde_json::json;
///
/// let request = json!({
///     "messages": [{"role": "user", "content": [{"text": "Mail me at ana@example.com"}]}],
///     "checks": {"sensitiveInformation": {"entities": [{"type": "EMAIL"}]}}
/// });
/// let answer = evaluate(&request, &[]).unwrap();
/// let found = &answer["results"]["sensitiveInformation"]["results"][0];
/// assert_eq!((found["beginOffset"].as_u64(), found["endOffset"].as_u64()), (Some(11), Some(26)));
/// assert_eq!(answer["usage"]["sensitiveInformation"]["textUnits"], 1);
/// ```
pub fn evaluate(request: &Value, scores: &[CheckScore]) -> Result<Value, &'static str> {
    let blocks = text_blocks(request);
    let units: u64 = blocks.iter().map(|(_, _, text)| text_units(text)).sum();
    let checks = request.get("checks").cloned().unwrap_or_default();
    let mut results = Map::new();
    let mut usage = Map::new();
    for (check, list) in [
        ("contentFilter", "categories"),
        ("promptAttack", "categories"),
    ] {
        let Some(categories) = checks.pointer(&format!("/{check}/{list}")) else {
            continue;
        };
        let entries: Vec<Value> = names(categories, "category")
            .map(|category| json!({"category": category, "severityScore": severity(category, &blocks, scores)}))
            .collect();
        results.insert(check.into(), json!({ "results": entries }));
        usage.insert(check.into(), json!({ "textUnits": units }));
    }
    if let Some(entities) = checks.pointer("/sensitiveInformation/entities") {
        let kinds: Vec<&str> = names(entities, "type").collect();
        let found = sensitive(&kinds, &blocks);
        let truncated = found.len() > MAX_SENSITIVE_RESULTS;
        let found: Vec<Value> = found.into_iter().take(MAX_SENSITIVE_RESULTS).collect();
        results.insert(
            "sensitiveInformation".into(),
            json!({"results": found, "truncated": truncated}),
        );
        usage.insert("sensitiveInformation".into(), json!({ "textUnits": units }));
    }
    if results.is_empty() {
        return Err(NO_CHECKS);
    }
    Ok(json!({"results": results, "usage": usage}))
}

/// Each text block with its message and content indexes.
fn text_blocks(request: &Value) -> Vec<(usize, usize, &str)> {
    let messages = request.get("messages").and_then(Value::as_array);
    messages
        .into_iter()
        .flatten()
        .enumerate()
        .flat_map(|(m, message)| {
            let content = message.get("content").and_then(Value::as_array);
            content
                .into_iter()
                .flatten()
                .enumerate()
                .filter_map(move |(c, block)| {
                    block.get("text").and_then(Value::as_str).map(|t| (m, c, t))
                })
        })
        .collect()
}

/// The `key` of each entry of a list of objects.
fn names<'v>(list: &'v Value, key: &'v str) -> impl Iterator<Item = &'v str> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(move |entry| entry.get(key).and_then(Value::as_str))
}

/// The highest scripted score of `category` whose keyword a block holds.
fn severity(category: &str, blocks: &[(usize, usize, &str)], scores: &[CheckScore]) -> f64 {
    scores
        .iter()
        .filter(|s| s.category == category)
        .filter(|s| {
            s.keywords
                .iter()
                .any(|k| blocks.iter().any(|(_, _, text)| contains_phrase(text, k)))
        })
        .map(|s| s.score)
        .fold(0.0, f64::max)
}

/// Every entity of `kinds` found, in block order then by position.
fn sensitive(kinds: &[&str], blocks: &[(usize, usize, &str)]) -> Vec<Value> {
    let mut found = Vec::new();
    for (message, content, text) in blocks {
        let mut in_block: Vec<(usize, usize, &str)> = kinds
            .iter()
            .filter_map(|kind| pii_regex(kind).map(|re| (kind, re)))
            .flat_map(|(kind, re)| {
                re.find_iter(text).map(|m| {
                    let begin = text[..m.start()].chars().count();
                    (begin, begin + m.as_str().chars().count(), *kind)
                })
            })
            .collect();
        in_block.sort();
        found.extend(in_block.into_iter().map(|(begin, end, kind)| {
            json!({
                "type": kind,
                "confidenceScore": 1.0,
                "messageIndex": message,
                "contentIndex": content,
                "beginOffset": begin,
                "endOffset": end
            })
        }));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(texts: &[&str], checks: Value) -> Value {
        let content: Vec<Value> = texts.iter().map(|t| json!({ "text": t })).collect();
        json!({"messages": [{"role": "user", "content": content}], "checks": checks})
    }

    #[test]
    fn only_the_checks_asked_for_answer_each_category_once() {
        let scores = [CheckScore {
            category: "VIOLENCE".into(),
            keywords: vec!["punch".into()],
            score: 0.8,
        }];
        let checks = json!({"contentFilter": {"categories": [{"category": "VIOLENCE"}, {"category": "HATE"}]}});
        let answer = evaluate(&request(&["I will punch the wall"], checks), &scores).unwrap();
        assert_eq!(
            answer["results"],
            json!({"contentFilter": {"results": [
                {"category": "VIOLENCE", "severityScore": 0.8},
                {"category": "HATE", "severityScore": 0.0}
            ]}})
        );
        assert_eq!(answer["usage"], json!({"contentFilter": {"textUnits": 1}}));
        let calm = evaluate(
            &request(
                &["A quiet day"],
                json!({"contentFilter": {"categories": [{"category": "VIOLENCE"}]}}),
            ),
            &scores,
        )
        .unwrap();
        assert_eq!(
            calm["results"]["contentFilter"]["results"][0]["severityScore"],
            0.0
        );
    }

    #[test]
    fn entities_are_found_per_block_with_character_offsets() {
        let checks = json!({"sensitiveInformation": {"entities": [{"type": "EMAIL"}, {"type": "PHONE"}, {"type": "NAME"}]}});
        let answer = evaluate(
            &request(
                &["nothing here", "Été: call 555-010-4477 or ana@example.org"],
                checks,
            ),
            &[],
        )
        .unwrap();
        let found = &answer["results"]["sensitiveInformation"];
        assert_eq!(found["truncated"], false);
        let spans: Vec<(String, u64, u64, u64)> = found["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["type"].as_str().unwrap().to_string(),
                    r["contentIndex"].as_u64().unwrap(),
                    r["beginOffset"].as_u64().unwrap(),
                    r["endOffset"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            spans,
            [("PHONE".into(), 1, 10, 22), ("EMAIL".into(), 1, 26, 41)]
        );
    }

    #[test]
    fn more_than_the_cap_is_truncated() {
        let text = "a@b.io ".repeat(MAX_SENSITIVE_RESULTS + 1);
        let checks = json!({"sensitiveInformation": {"entities": [{"type": "EMAIL"}]}});
        let answer = evaluate(&request(&[&text], checks), &[]).unwrap();
        let found = &answer["results"]["sensitiveInformation"];
        assert_eq!(found["truncated"], true);
        assert_eq!(
            found["results"].as_array().unwrap().len(),
            MAX_SENSITIVE_RESULTS
        );
        assert_eq!(answer["usage"]["sensitiveInformation"]["textUnits"], 8);
    }

    #[test]
    fn no_check_is_refused_and_bad_scores_are_caught() {
        assert_eq!(evaluate(&request(&["hi"], json!({})), &[]), Err(NO_CHECKS));
        let bad = |category: &str, score: f64| CheckScore {
            category: category.into(),
            keywords: vec![],
            score,
        };
        assert!(bad("VIOLENCE", 1.5).check().is_err());
        assert!(bad("PROFANITY", 0.5).check().is_err());
        assert!(bad("PROMPT_LEAKAGE", 0.5).check().is_ok());
    }
}
