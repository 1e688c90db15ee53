//! Scripted answers and faults: for a model (or any), answer this text,
//! this tool call, this fixture or this error, once, n times or always.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The operations of Bedrock Runtime the fake serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    /// `POST /model/{id}/invoke`.
    Invoke,
    /// `POST /model/{id}/invoke-with-response-stream`.
    InvokeWithResponseStream,
    /// `POST /model/{id}/converse`.
    Converse,
    /// `POST /model/{id}/converse-stream`.
    ConverseStream,
    /// `POST /model/{id}/count-tokens`.
    CountTokens,
    /// `POST /async-invoke`: a rule refuses the call (`error`) or fails
    /// the job it starts (`job_failure`).
    StartAsyncInvoke,
    /// `POST /model/{id}/invoke-with-bidirectional-stream` (Nova Sonic): a
    /// rule refuses the call (`error`) or scripts the first answer's words
    /// (`text`).
    InvokeWithBidirectionalStream,
}

impl Operation {
    /// Every operation the fake serves at `/model/{id}/...`.
    pub const ALL: [Operation; 6] = [
        Operation::Invoke,
        Operation::InvokeWithResponseStream,
        Operation::Converse,
        Operation::ConverseStream,
        Operation::CountTokens,
        Operation::InvokeWithBidirectionalStream,
    ];

    /// The operations the fake serves apart from the model operations
    /// (they name no model, and rules do not script them).
    pub const SERVED_APART: [&'static str; 5] = [
        "ApplyGuardrail",
        "InvokeGuardrailChecks",
        "StartAsyncInvoke",
        "GetAsyncInvoke",
        "ListAsyncInvokes",
    ];

    /// The operations of Bedrock Runtime's service model the fake does not
    /// serve yet, each with why; it answers them
    /// `UnknownOperationException`.
    pub const NOT_SERVED: [(&'static str, &'static str); 0] = [];

    /// The operation's name in the service model (`InvokeModel`, ...).
    ///
    /// ```
    /// use bedrock_harness::fake::Operation;
    ///
    /// assert_eq!(Operation::Invoke.name(), "InvokeModel");
    /// assert_eq!(Operation::from_segment("converse-stream").unwrap().name(), "ConverseStream");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Operation::Invoke => "InvokeModel",
            Operation::InvokeWithResponseStream => "InvokeModelWithResponseStream",
            Operation::Converse => "Converse",
            Operation::ConverseStream => "ConverseStream",
            Operation::CountTokens => "CountTokens",
            Operation::StartAsyncInvoke => "StartAsyncInvoke",
            Operation::InvokeWithBidirectionalStream => "InvokeModelWithBidirectionalStream",
        }
    }

    /// The operation for a path's last segment.
    pub fn from_segment(segment: &str) -> Option<Self> {
        Some(match segment {
            "invoke" => Operation::Invoke,
            "invoke-with-response-stream" => Operation::InvokeWithResponseStream,
            "converse" => Operation::Converse,
            "converse-stream" => Operation::ConverseStream,
            "count-tokens" => Operation::CountTokens,
            "invoke-with-bidirectional-stream" => Operation::InvokeWithBidirectionalStream,
            _ => return None,
        })
    }

    /// Whether the answer is an event stream.
    pub fn is_stream(self) -> bool {
        matches!(
            self,
            Operation::InvokeWithResponseStream | Operation::ConverseStream
        )
    }
}

/// What a rule makes the fake do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Answer with this text (in the model's native shape), ending for
    /// `stop_reason` when given (a Converse stop reason:
    /// `malformed_model_output`, `model_context_window_exceeded`, ...).
    Text {
        /// The text.
        text: String,
        /// Why generation stopped; `end_turn` when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stop_reason: Option<String>,
    },
    /// Answer with a call of tool `name` with `input`.
    ToolCall {
        /// The tool's name.
        name: String,
        /// Its arguments.
        input: Value,
    },
    /// Answer with `fixtures/<family>/responses/<name>.json`.
    Fixture {
        /// The recording's file name without `.json`.
        name: String,
    },
    /// Refuse with a Bedrock error. The status is Bedrock's for the name.
    Error {
        /// The error name, e.g. `ThrottlingException`.
        name: String,
        /// The message; Bedrock's usual text for the name when absent.
        message: Option<String>,
        /// Extra members, e.g. `{"originalStatusCode": 500}`.
        #[serde(default)]
        extra: serde_json::Map<String, Value>,
    },
    /// Stream `after` events, then an exception frame.
    StreamError {
        /// Events sent before the exception.
        after: usize,
        /// The error name, e.g. `ModelStreamErrorException`.
        name: String,
        /// The message.
        message: Option<String>,
    },
    /// Stream `after` whole frames, then half a frame, then end.
    TruncateStream {
        /// Whole frames sent first.
        after: usize,
    },
    /// Corrupt one byte of frame `frame` (0-based), so its CRC fails.
    BadCrc {
        /// The frame to corrupt.
        frame: usize,
    },
    /// Answer as the fake does, but choose tool calls by `policy` instead
    /// of the fake's [`ToolPolicy`](super::ToolPolicy).
    ToolPolicy {
        /// `auto`, `never` or `always`.
        policy: super::ToolPolicy,
    },
    /// Start the asynchronous job, then let it end `Failed` with
    /// `message` as its `failureMessage` (StartAsyncInvoke only).
    JobFailure {
        /// The failure message; a content-filter text when absent.
        message: Option<String>,
    },
}

impl Action {
    /// Whether a rule with this action may answer `operation`: stream
    /// faults only streams; StartAsyncInvoke only errors and job failures,
    /// and job failures nothing else.
    pub fn applies_to(&self, operation: Operation) -> bool {
        match (self, operation) {
            (Action::Error { .. } | Action::JobFailure { .. }, Operation::StartAsyncInvoke) => true,
            (
                Action::Error { .. } | Action::Text { .. },
                Operation::InvokeWithBidirectionalStream,
            ) => true,
            (_, Operation::StartAsyncInvoke | Operation::InvokeWithBidirectionalStream)
            | (Action::JobFailure { .. }, _) => false,
            _ => operation.is_stream() || !self.is_stream_fault(),
        }
    }

    /// Whether the action only makes sense on an event stream.
    pub fn is_stream_fault(&self) -> bool {
        matches!(
            self,
            Action::StreamError { .. } | Action::TruncateStream { .. } | Action::BadCrc { .. }
        )
    }
}

/// How many times a rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Times {
    /// Every matching call.
    #[default]
    Always,
    /// The next `n` matching calls.
    #[serde(untagged)]
    Count(u32),
}

/// One scripted rule: which calls it matches, what it does, how often.
///
/// Rules are tried in the order they were added; a rule that has been used
/// up is passed over, so several `times: 1` rules form a sequence.
///
/// # Example
///
/// ```
/// use bedrock_harness::fake::{Action, Rule};
///
/// let rule: Rule = serde_json::from_str(r#"{
///     "model": "amazon.titan-text-express-v1",
///     "action": {"type": "error", "name": "ThrottlingException"},
///     "times": 2
/// }"#).unwrap();
/// assert_eq!(rule, Rule::error("ThrottlingException").for_model("amazon.titan-text-express-v1").times(2));
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The model id the call names (any form that resolves to the same
    /// base model matches); `None` matches every model.
    pub model: Option<String>,
    /// The operation; `None` matches every operation.
    pub operation: Option<Operation>,
    /// What to do.
    pub action: Action,
    /// How many times.
    #[serde(default)]
    pub times: Times,
    /// Milliseconds to wait before answering.
    pub delay_ms: Option<u64>,
    /// For a streamed answer: milliseconds before the first frame (for an
    /// answer that is not streamed, before the answer).
    pub first_byte_ms: Option<u64>,
    /// For a streamed answer: milliseconds between two frames.
    pub chunk_interval_ms: Option<u64>,
    /// For a streamed answer without `chunk_interval_ms`: the rate its
    /// output tokens arrive at, spread evenly between the frames.
    pub tokens_per_second: Option<f64>,
}

impl Rule {
    /// A rule that does `action` for every call, always.
    pub fn new(action: Action) -> Self {
        Rule {
            model: None,
            operation: None,
            action,
            times: Times::Always,
            delay_ms: None,
            first_byte_ms: None,
            chunk_interval_ms: None,
            tokens_per_second: None,
        }
    }

    /// Answer with `text`.
    pub fn text(text: impl Into<String>) -> Self {
        Self::new(Action::Text {
            text: text.into(),
            stop_reason: None,
        })
    }

    /// Answer with `text`, stopping for `reason`, one of Converse's stop
    /// reasons (`malformed_model_output`, `malformed_tool_use`,
    /// `model_context_window_exceeded`, ...).
    ///
    /// ```
    /// use bedrock_harness::fake::{Action, Rule};
    ///
    /// let rule = Rule::text_stopping("Partial", "model_context_window_exceeded");
    /// assert!(matches!(rule.action, Action::Text { stop_reason: Some(_), .. }));
    /// ```
    pub fn text_stopping(text: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::new(Action::Text {
            text: text.into(),
            stop_reason: Some(reason.into()),
        })
    }

    /// Answer with a tool call.
    pub fn tool_call(name: impl Into<String>, input: Value) -> Self {
        Self::new(Action::ToolCall {
            name: name.into(),
            input,
        })
    }

    /// Answer with a recorded fixture.
    pub fn fixture(name: impl Into<String>) -> Self {
        Self::new(Action::Fixture { name: name.into() })
    }

    /// Answer as the fake does, choosing tool calls by `policy`.
    ///
    /// ```
    /// use bedrock_harness::fake::{Rule, ToolPolicy};
    /// let rule = Rule::tool_policy(ToolPolicy::Never).for_model("amazon.nova-lite-v1:0");
    /// assert!(rule.check().is_ok());
    /// ```
    pub fn tool_policy(policy: super::ToolPolicy) -> Self {
        Rule::new(Action::ToolPolicy { policy })
    }

    /// Refuse with Bedrock error `name` and its usual message.
    pub fn error(name: impl Into<String>) -> Self {
        Self::new(Action::Error {
            name: name.into(),
            message: None,
            extra: Default::default(),
        })
    }

    /// Only for `model`.
    pub fn for_model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Only for `operation`.
    pub fn for_operation(mut self, operation: Operation) -> Self {
        self.operation = Some(operation);
        self
    }

    /// Apply `n` times, then stop applying.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Times::Count(n);
        self
    }

    /// Apply once.
    pub fn once(self) -> Self {
        self.times(1)
    }

    /// Wait before answering.
    pub fn delay_ms(mut self, ms: u64) -> Self {
        self.delay_ms = Some(ms);
        self
    }

    /// Writes a streamed answer over time: its first frame after
    /// `first_byte_ms`, each next one `interval_ms` later. The stream's
    /// invocation metrics report the same times.
    ///
    /// ```
    /// use bedrock_harness::fake::Rule;
    /// let rule = Rule::text("slowly").paced(200, 50);
    /// assert_eq!((rule.first_byte_ms, rule.chunk_interval_ms), (Some(200), Some(50)));
    /// ```
    pub fn paced(mut self, first_byte_ms: u64, interval_ms: u64) -> Self {
        self.first_byte_ms = Some(first_byte_ms);
        self.chunk_interval_ms = Some(interval_ms);
        self
    }

    /// Whether the rule sets the pacing of its calls (`first_byte_ms`,
    /// `chunk_interval_ms` or `tokens_per_second`), which then takes the
    /// place of `--latency realistic`'s figures.
    ///
    /// ```
    /// use bedrock_harness::fake::Rule;
    /// assert!(Rule::text("slowly").paced(200, 50).paces());
    /// assert!(!Rule::text("at once").paces());
    /// ```
    pub fn paces(&self) -> bool {
        self.first_byte_ms.is_some()
            || self.chunk_interval_ms.is_some()
            || self.tokens_per_second.is_some()
    }
}

/// The longest wait a rule may ask for (`delay_ms`, `first_byte_ms`,
/// `chunk_interval_ms`): ten minutes.
pub const MAX_RULE_WAIT_MS: u64 = 10 * 60 * 1000;

/// The most rules one fake keeps; used-up rules do not count.
pub const MAX_RULES: usize = 10_000;

impl Rule {
    /// Why this rule cannot be kept, if it cannot: an error name that is
    /// not a Bedrock-style name (letters and digits, from a letter), a
    /// fixture name that is not a plain file name, a wait over
    /// [`MAX_RULE_WAIT_MS`], a token rate that is not a positive number.
    /// The control API refuses such a rule with this text.
    ///
    /// ```
    /// use bedrock_harness::fake::Rule;
    /// assert!(Rule::error("ThrottlingException").check().is_ok());
    /// assert!(Rule::error("Throttling\nException").check().is_err());
    /// assert!(Rule::fixture("../../etc/secret").check().is_err());
    /// assert!(Rule::text("late").delay_ms(u64::MAX).check().is_err());
    /// ```
    pub fn check(&self) -> Result<(), String> {
        match &self.action {
            Action::Error { name, .. } | Action::StreamError { name, .. } => {
                let plain = name.len() <= 128
                    && name.starts_with(|c: char| c.is_ascii_alphabetic())
                    && name.chars().all(|c| c.is_ascii_alphanumeric());
                if !plain {
                    return Err(format!(
                        "error name {name:?} is not an error name: letters and digits, starting with a letter (e.g. ThrottlingException)"
                    ));
                }
            }
            Action::Fixture { name } => {
                let plain = !name.is_empty()
                    && name.len() <= 200
                    && !name.starts_with('.')
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
                if !plain {
                    return Err(format!(
                        "fixture name {name:?} is not a recording's file name: letters, digits, '.', '_' and '-', not starting with '.'"
                    ));
                }
            }
            Action::JobFailure { .. } if self.operation != Some(Operation::StartAsyncInvoke) => {
                return Err(
                    "a job_failure rule needs \"operation\": \"start-async-invoke\"".into(),
                );
            }
            _ => {}
        }
        let waits = [
            ("delay_ms", self.delay_ms),
            ("first_byte_ms", self.first_byte_ms),
            ("chunk_interval_ms", self.chunk_interval_ms),
        ];
        for (field, wait) in waits {
            if wait.is_some_and(|ms| ms > MAX_RULE_WAIT_MS) {
                return Err(format!(
                    "{field} is over {MAX_RULE_WAIT_MS} ms (ten minutes)"
                ));
            }
        }
        if self
            .tokens_per_second
            .is_some_and(|rate| !rate.is_finite() || rate <= 0.0)
        {
            return Err("tokens_per_second must be a positive number".into());
        }
        Ok(())
    }
}

/// The rules of one fake, with their remaining counts.
#[derive(Debug, Default)]
pub(crate) struct RuleBook {
    rules: Vec<Rule>,
}

impl RuleBook {
    pub(crate) fn add(&mut self, rule: Rule) {
        self.rules.push(rule);
    }

    /// How many more rules the book takes before [`MAX_RULES`].
    pub(crate) fn room(&self) -> usize {
        MAX_RULES.saturating_sub(self.rules.len())
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    pub(crate) fn list(&self) -> Vec<Rule> {
        self.rules.clone()
    }

    /// The first live rule matching the call, used up by one. Stream faults
    /// match only streaming operations.
    pub(crate) fn take(
        &mut self,
        operation: Operation,
        model_matches: impl Fn(&str) -> bool,
    ) -> Option<Rule> {
        let index = self.rules.iter().position(|r| {
            r.times != Times::Count(0)
                && r.operation.is_none_or(|op| op == operation)
                && r.action.applies_to(operation)
                && r.model.as_deref().is_none_or(&model_matches)
        })?;
        let rule = &mut self.rules[index];
        if let Times::Count(n) = &mut rule.times {
            *n -= 1;
        }
        let taken = rule.clone();
        // A used-up rule is dropped, so that the book stays short however
        // many counted rules a long run adds.
        if taken.times == Times::Count(0) {
            self.rules.remove(index);
        }
        Some(taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_rules_form_a_sequence() {
        let mut book = RuleBook::default();
        book.add(Rule::error("ThrottlingException").once());
        book.add(Rule::text("second").once());
        let any = |_: &str| true;
        assert!(matches!(
            book.take(Operation::Invoke, any).unwrap().action,
            Action::Error { .. }
        ));
        assert!(matches!(
            book.take(Operation::Invoke, any).unwrap().action,
            Action::Text { .. }
        ));
        assert!(book.take(Operation::Invoke, any).is_none());
    }

    #[test]
    fn rules_match_operation_and_model() {
        let mut book = RuleBook::default();
        book.add(
            Rule::text("x")
                .for_operation(Operation::Converse)
                .for_model("a.b"),
        );
        assert!(book.take(Operation::Invoke, |_| true).is_none());
        assert!(book.take(Operation::Converse, |m| m == "c.d").is_none());
        assert!(book.take(Operation::Converse, |m| m == "a.b").is_some());
        assert!(
            book.take(Operation::Converse, |m| m == "a.b").is_some(),
            "always"
        );
    }

    #[test]
    fn rules_read_from_json() {
        let rule: Rule = serde_json::from_str(r#"{"action":{"type":"stream_error","after":2,"name":"ModelStreamErrorException"},"operation":"invoke-with-response-stream"}"#).unwrap();
        assert_eq!(rule.operation, Some(Operation::InvokeWithResponseStream));
        assert_eq!(rule.times, Times::Always);
        let bad = serde_json::from_str::<Rule>(r#"{"action":{"type":"nope"}}"#);
        assert!(bad.is_err());
    }
}
