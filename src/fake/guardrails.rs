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
    /// Kinds of personal information it blocks or masks.
    #[serde(default)]
    pub pii: Vec<PiiFilter>,
    /// Patterns it blocks or masks.
    #[serde(default)]
    pub regexes: Vec<RegexFilter>,
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

/// What a sensitive-information filter does with a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SensitiveAction {
    /// Block the whole text.
    Block,
    /// Mask the match (`{EMAIL}`, `{name}`) and let the rest through.
    Anonymize,
}

impl SensitiveAction {
    /// The action as assessments report it (`BLOCKED`, `ANONYMIZED`).
    fn reported(self) -> &'static str {
        match self {
            SensitiveAction::Block => "BLOCKED",
            SensitiveAction::Anonymize => "ANONYMIZED",
        }
    }
}

/// A kind of personal information a guardrail filters (the service
/// model's `GuardrailPiiEntityType`), among those the fake can find:
/// `EMAIL`, `PHONE`, `US_SOCIAL_SECURITY_NUMBER`, `CREDIT_DEBIT_CARD_NUMBER`,
/// `IP_ADDRESS`, `URL`, `AWS_ACCESS_KEY`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PiiFilter {
    /// The kind, e.g. `EMAIL`.
    #[serde(rename = "type")]
    pub kind: String,
    /// What to do with a match.
    pub action: SensitiveAction,
}

/// A pattern a guardrail filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegexFilter {
    /// The filter's name, as assessments and masks name it.
    pub name: String,
    /// The regular expression.
    pub pattern: String,
    /// What to do with a match.
    pub action: SensitiveAction,
}

/// The patterns that find each kind of personal information the fake
/// knows (simple forms: a real guardrail finds more).
const PII_PATTERNS: [(&str, &str); 7] = [
    ("EMAIL", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    ("PHONE", r"\(?\b[0-9]{3}\)?[-. ][0-9]{3}[-. ][0-9]{4}\b"),
    (
        "US_SOCIAL_SECURITY_NUMBER",
        r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b",
    ),
    (
        "CREDIT_DEBIT_CARD_NUMBER",
        r"\b(?:[0-9]{4}[- ]?){3}[0-9]{1,7}\b",
    ),
    ("IP_ADDRESS", r"\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b"),
    ("URL", r"https?://[^\s]+"),
    ("AWS_ACCESS_KEY", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
];

/// The compiled pattern that finds `kind` (`EMAIL`, ...), if the fake
/// knows the kind; compiled once.
pub(crate) fn pii_regex(kind: &str) -> Option<&'static regex::Regex> {
    static COMPILED: std::sync::OnceLock<Vec<(&str, regex::Regex)>> = std::sync::OnceLock::new();
    COMPILED
        .get_or_init(|| {
            PII_PATTERNS
                .iter()
                .filter_map(|(k, p)| regex::Regex::new(p).ok().map(|re| (*k, re)))
                .collect()
        })
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, re)| re)
}

/// One sensitive match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SensitiveMatch {
    /// `EMAIL`, ... for personal information; the filter's name for a
    /// pattern.
    pub label: String,
    /// The pattern, for a regex filter.
    pub regex: Option<String>,
    /// The text matched.
    pub matched: String,
    /// What the filter does with it.
    pub action: SensitiveAction,
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
    /// The personal information and patterns found.
    pub sensitive: Vec<SensitiveMatch>,
}

impl Assessment {
    /// Whether the guardrail acts on the text (blocks or masks it).
    pub fn intervened(&self) -> bool {
        !self.words.is_empty() || !self.topics.is_empty() || !self.sensitive.is_empty()
    }

    /// Whether it blocks the text outright (masking alone lets it through).
    pub fn blocks(&self) -> bool {
        !self.words.is_empty()
            || !self.topics.is_empty()
            || self
                .sensitive
                .iter()
                .any(|m| m.action == SensitiveAction::Block)
    }

    /// `text` with each masked match replaced by `{LABEL}`, as Bedrock
    /// masks it.
    pub fn masked(&self, text: &str) -> String {
        self.sensitive
            .iter()
            .filter(|m| m.action == SensitiveAction::Anonymize)
            .fold(text.to_string(), |out, m| {
                out.replace(&m.matched, &format!("{{{}}}", m.label))
            })
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
        if !self.sensitive.is_empty() {
            let (mut pii, mut regexes) = (Vec::new(), Vec::new());
            for m in &self.sensitive {
                let action = m.action.reported();
                match &m.regex {
                    None => pii.push(json!({"match": m.matched, "type": m.label, "action": action, "detected": true})),
                    Some(regex) => regexes.push(json!({"name": m.label, "regex": regex, "match": m.matched, "action": action, "detected": true})),
                }
            }
            out.insert(
                "sensitiveInformationPolicy".into(),
                json!({"piiEntities": pii, "regexes": regexes}),
            );
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
        let mut sensitive = Vec::new();
        for filter in &self.pii {
            if let Some(re) = pii_regex(&filter.kind) {
                sensitive.extend(re.find_iter(text).map(|m| SensitiveMatch {
                    label: filter.kind.clone(),
                    regex: None,
                    matched: m.as_str().to_string(),
                    action: filter.action,
                }));
            }
        }
        for filter in &self.regexes {
            if let Ok(re) = regex::Regex::new(&filter.pattern) {
                sensitive.extend(re.find_iter(text).map(|m| SensitiveMatch {
                    label: filter.name.clone(),
                    regex: Some(filter.pattern.clone()),
                    matched: m.as_str().to_string(),
                    action: filter.action,
                }));
            }
        }
        Assessment {
            words,
            topics,
            sensitive,
        }
    }

    /// Where in `text` the guardrail first has something to act on: the end
    /// (a byte offset) of the earliest blocked word, denied topic keyword,
    /// or sensitive match; `None` when it finds nothing.
    ///
    /// ```
    /// use bedrock_harness::fake::Guardrail;
    ///
    /// let guardrail: Guardrail =
    ///     serde_json::from_value(serde_json::json!({"id": "g", "words": ["project falcon"]})).unwrap();
    /// let text = "Notes on Project  Falcon follow.";
    /// assert_eq!(guardrail.first_detection_end(text).map(|end| &text[..end]), Some("Notes on Project  Falcon"));
    /// ```
    pub fn first_detection_end(&self, text: &str) -> Option<usize> {
        let phrase = |p: &str| {
            let words: Vec<String> = p
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(regex::escape)
                .collect();
            (!words.is_empty())
                .then(|| regex::Regex::new(&format!(r"(?i)\b{}\b", words.join(r"\W+"))).ok())
                .flatten()
        };
        let keywords = self
            .words
            .iter()
            .chain(self.topics.iter().flat_map(|t| &t.keywords))
            .filter_map(|p| phrase(p));
        let pii = self.pii.iter().filter_map(|f| pii_regex(&f.kind).cloned());
        let patterns = self
            .regexes
            .iter()
            .filter_map(|f| regex::Regex::new(&f.pattern).ok());
        keywords
            .chain(pii)
            .chain(patterns)
            .filter_map(|re| re.find(text).map(|m| m.end()))
            .min()
    }

    /// Why the guardrail cannot be used, if it cannot: a kind of personal
    /// information the fake cannot find, or a pattern that does not
    /// compile.
    pub fn check(&self) -> Result<(), String> {
        for filter in &self.pii {
            if !PII_PATTERNS.iter().any(|(kind, _)| *kind == filter.kind) {
                let known: Vec<&str> = PII_PATTERNS.iter().map(|(kind, _)| *kind).collect();
                return Err(format!(
                    "guardrail {}: bedrock-harness finds only these kinds of personal information: {}",
                    self.id,
                    known.join(", ")
                ));
            }
        }
        for filter in &self.regexes {
            regex::Regex::new(&filter.pattern)
                .map_err(|e| format!("guardrail {}: regex {}: {e}", self.id, filter.name))?;
        }
        Ok(())
    }

    /// The text that stands for `text` after the guardrail: the blocked
    /// message, the text masked, or the text itself.
    pub fn answer_for(&self, found: &Assessment, text: &str, source: &str) -> String {
        match (found.blocks(), source) {
            (true, "OUTPUT") => self.blocked_output_message.clone(),
            (true, _) => self.blocked_input_message.clone(),
            (false, _) => found.masked(text),
        }
    }

    /// ApplyGuardrail's answer for `texts` from `source` (`INPUT` or
    /// `OUTPUT`).
    pub fn apply(&self, source: &str, texts: &[&str]) -> Value {
        let joined = texts.join("\n");
        let found = self.assess(&joined);
        let message = self.answer_for(&found, &joined, source);
        let units = |on: bool| match on {
            true => texts.iter().map(|t| text_units(t)).sum::<u64>(),
            false => 0,
        };
        json!({
            "usage": {
                "topicPolicyUnits": units(!self.topics.is_empty()),
                "contentPolicyUnits": 0,
                "wordPolicyUnits": units(!self.words.is_empty()),
                "sensitiveInformationPolicyUnits": units(!self.pii.is_empty() || !self.regexes.is_empty()),
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
pub(crate) fn text_units(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(1000)
}

/// Whether `text` holds `phrase` as whole words, ignoring case.
pub(crate) fn contains_phrase(text: &str, phrase: &str) -> bool {
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
    fn personal_information_is_masked_or_blocked_and_patterns_too() {
        let g: Guardrail = serde_json::from_value(json!({
            "id": "gr0pii",
            "pii": [{"type": "EMAIL", "action": "ANONYMIZE"}, {"type": "US_SOCIAL_SECURITY_NUMBER", "action": "BLOCK"}],
            "regexes": [{"name": "ticket", "pattern": "TCK-[0-9]+", "action": "ANONYMIZE"}]
        }))
        .unwrap();
        assert_eq!(g.check(), Ok(()));
        let masked = g.apply("OUTPUT", &["Write to ana@example.com about TCK-42."]);
        assert_eq!(masked["action"], "GUARDRAIL_INTERVENED");
        assert_eq!(
            masked["outputs"][0]["text"],
            "Write to {EMAIL} about {ticket}."
        );
        let pii = &masked["assessments"][0]["sensitiveInformationPolicy"];
        assert_eq!(pii["piiEntities"][0]["action"], "ANONYMIZED");
        assert_eq!(pii["regexes"][0]["match"], "TCK-42");
        let blocked = g.apply("INPUT", &["My SSN is 123-45-6789."]);
        assert_eq!(blocked["outputs"][0]["text"], DEFAULT_BLOCKED_MESSAGE);
        let unknown: Guardrail = serde_json::from_value(
            json!({"id": "g", "pii": [{"type": "NAME", "action": "BLOCK"}]}),
        )
        .unwrap();
        assert!(unknown.check().unwrap_err().contains("finds only"));
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
