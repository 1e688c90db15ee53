//! Guardrails the fake knows: each defined by an id, a version, the words
//! it blocks and the topics it denies (by keywords), with the messages it
//! answers blocked input and output with. `FakeConfig::guardrails` and the
//! scenario file's `guardrails` define them.
//!
//! ApplyGuardrail answers in the service model's shape (`action`,
//! `outputs`, `assessments` with `wordPolicy` and `topicPolicy`, `usage` in
//! text units of up to 1,000 characters, as AWS's pricing counts them);
//! Converse's `guardrailConfig` checks the input and the answer. A
//! guardrail the fake does not know is refused as Bedrock refuses it: `The
//! guardrail identifier or version provided in the request does not
//! exist.` (ValidationException, quoted in public reports of calls with a
//! wrong id or version).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The message Bedrock's console fills in for blocked input and output.
pub const DEFAULT_BLOCKED_MESSAGE: &str = "Sorry, the model cannot answer this question.";

/// Bedrock's refusal of a guardrail id or version that does not exist.
pub const UNKNOWN_GUARDRAIL: &str =
    "The guardrail identifier or version provided in the request does not exist.";

/// One guardrail.
///
/// ```
/// use bedrock_harness::fake::Guardrail;
///
/// let guardrail: Guardrail = serde_json::from_value(serde_json::json!({
///     "id": "gr0example", "version": "1",
///     "words": ["classified"],
///     "topics": [{"name": "Investment advice", "keywords": ["stocks", "crypto"]}]
/// })).unwrap();
/// assert!(guardrail.assess("Which stocks should I buy?").intervened());
/// assert!(!guardrail.assess("What is Amazon S3?").intervened());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guardrail {
    /// Its identifier (`gr0example`); calls may name it by its ARN too.
    pub id: String,
    /// `DRAFT` or a version number.
    #[serde(default = "draft")]
    pub version: String,
    /// Words and phrases it blocks, matched whole and case-insensitively.
    #[serde(default)]
    pub words: Vec<String>,
    /// Topics it denies.
    #[serde(default)]
    pub topics: Vec<DeniedTopic>,
    /// The answer to blocked input.
    #[serde(default = "blocked")]
    pub blocked_input_message: String,
    /// The answer that replaces a blocked output.
    #[serde(default = "blocked")]
    pub blocked_output_message: String,
}

/// A topic a guardrail denies, found by its keywords.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeniedTopic {
    /// The topic's name, as assessments report it.
    pub name: String,
    /// Words or phrases that bring the topic up.
    pub keywords: Vec<String>,
}

fn draft() -> String {
    "DRAFT".into()
}

fn blocked() -> String {
    DEFAULT_BLOCKED_MESSAGE.into()
}

/// What a guardrail found in a text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assessment {
    /// The blocked words found.
    pub words: Vec<String>,
    /// The denied topics found.
    pub topics: Vec<String>,
}

impl Assessment {
    /// Whether the guardrail blocks the text.
    pub fn intervened(&self) -> bool {
        !self.words.is_empty() || !self.topics.is_empty()
    }

    /// The assessment as the service model writes it (`wordPolicy`,
    /// `topicPolicy`), with only the policies that found something.
    pub fn to_wire(&self) -> Value {
        let mut out = serde_json::Map::new();
        if !self.words.is_empty() {
            let words: Vec<Value> = self
                .words
                .iter()
                .map(|w| json!({"match": w, "action": "BLOCKED", "detected": true}))
                .collect();
            out.insert(
                "wordPolicy".into(),
                json!({"customWords": words, "managedWordLists": []}),
            );
        }
        if !self.topics.is_empty() {
            let topics: Vec<Value> = self
                .topics
                .iter()
                .map(|t| json!({"name": t, "type": "DENY", "action": "BLOCKED", "detected": true}))
                .collect();
            out.insert("topicPolicy".into(), json!({"topics": topics}));
        }
        Value::Object(out)
    }
}

impl Guardrail {
    /// Whether a call's identifier (the id or an ARN ending in it) and
    /// version name this guardrail.
    pub fn answers_to(&self, identifier: &str, version: &str) -> bool {
        let id = identifier.rsplit('/').next().unwrap_or(identifier);
        id == self.id && version == self.version
    }

    /// What the guardrail finds in `text`.
    pub fn assess(&self, text: &str) -> Assessment {
        let words = self
            .words
            .iter()
            .filter(|w| contains_phrase(text, w))
            .cloned()
            .collect();
        let topics = self
            .topics
            .iter()
            .filter(|t| t.keywords.iter().any(|k| contains_phrase(text, k)))
            .map(|t| t.name.clone())
            .collect();
        Assessment { words, topics }
    }

    /// ApplyGuardrail's answer for `texts` from `source` (`INPUT` or
    /// `OUTPUT`).
    pub fn apply(&self, source: &str, texts: &[&str]) -> Value {
        let joined = texts.join("\n");
        let found = self.assess(&joined);
        let message = match source {
            "OUTPUT" => &self.blocked_output_message,
            _ => &self.blocked_input_message,
        };
        let units = |on: bool| match on {
            true => texts.iter().map(|t| text_units(t)).sum::<u64>(),
            false => 0,
        };
        json!({
            "usage": {
                "topicPolicyUnits": units(!self.topics.is_empty()),
                "contentPolicyUnits": 0,
                "wordPolicyUnits": units(!self.words.is_empty()),
                "sensitiveInformationPolicyUnits": 0,
                "sensitiveInformationPolicyFreeUnits": 0,
                "contextualGroundingPolicyUnits": 0
            },
            "action": if found.intervened() { "GUARDRAIL_INTERVENED" } else { "NONE" },
            "outputs": if found.intervened() { json!([{"text": message}]) } else { json!([]) },
            "assessments": [found.to_wire()]
        })
    }
}

/// Text units of `text`: one per 1,000 characters or part of them.
fn text_units(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(1000)
}

/// Whether `text` holds `phrase` as whole words, ignoring case.
fn contains_phrase(text: &str, phrase: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (text, phrase) = (words(text), words(phrase));
    !phrase.is_empty() && text.windows(phrase.len()).any(|w| w == phrase.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guardrail() -> Guardrail {
        serde_json::from_value(json!({
            "id": "gr0example",
            "words": ["project falcon"],
            "topics": [{"name": "Investment advice", "keywords": ["stocks"]}],
            "blocked_input_message": "Not here."
        }))
        .unwrap()
    }

    #[test]
    fn phrases_match_whole_words_in_any_case() {
        let g = guardrail();
        assert_eq!(
            g.assess("Tell me about PROJECT Falcon.").words,
            ["project falcon"]
        );
        assert!(!g.assess("falconry projects").intervened());
        assert_eq!(g.assess("Which stocks?").topics, ["Investment advice"]);
    }

    #[test]
    fn apply_answers_in_the_service_models_shape() {
        let g = guardrail();
        let blocked = g.apply("INPUT", &["Which stocks should I buy?"]);
        assert_eq!(blocked["action"], "GUARDRAIL_INTERVENED");
        assert_eq!(blocked["outputs"][0]["text"], "Not here.");
        assert_eq!(
            blocked["assessments"][0]["topicPolicy"]["topics"][0]["name"],
            "Investment advice"
        );
        assert_eq!(blocked["usage"]["topicPolicyUnits"], 1);
        let passed = g.apply("OUTPUT", &["Hello"]);
        assert_eq!(passed["action"], "NONE");
        assert_eq!(passed["outputs"], json!([]));
        assert!(g.answers_to(
            "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr0example",
            "DRAFT"
        ));
        assert!(!g.answers_to("gr0example", "1"));
    }
}
