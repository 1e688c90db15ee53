//! The input checks of the service model's constraints, worded as AWS's
//! services word them (the same text across services, quoted in public bug
//! reports and emulators of DynamoDB, Cognito, IAM and Bedrock):
//!
//! - `Value null at 'path' failed to satisfy constraint: Member must not be null`
//! - `Value 'x' at 'path' failed to satisfy constraint: Member must satisfy enum value set: [a, b]`
//! - `... Member must have length greater than or equal to N` (and `less than`)
//! - `... Member must have value greater than or equal to N` (and `less than`)
//! - `... Member must satisfy regular expression pattern: P`
//!
//! joined as `N validation errors detected: A; B` (`1 validation error
//! detected: A` for one). A list's element is at `list.I.member` (I from
//! 1), as Bedrock's own `messages.1.member.role` refusal shows. A sensitive
//! value is not repeated (`Value at 'path'`); a list of strings prints as
//! Java prints it (`[a, b]`); other lists, maps and structures are not
//! printed either, since no source shows how AWS prints them.
//!
//! A map breaks once for its keys and once for its values, each listing
//! the shape's constraints (`Map value must satisfy constraint: [...]`, as
//! DynamoDB, Lambda and Cognito word it); a float repeats as Java prints it
//! (`'99.0'`, as Bedrock repeats a temperature of 99).
//!
//! Out of scope, each left to the operation's own code: a value of the
//! wrong JSON type (AWS answers it as a serialization error, whose words no
//! source gives for Bedrock), a union with no member or several set, and
//! path members.

use super::{ServiceModel, Shape};
use serde_json::Value;
use std::fmt;

/// One broken constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where, as AWS writes it (`messages.1.member.role`).
    pub path: String,
    /// The value as the message repeats it; `None` prints `null`.
    pub shown: Shown,
    /// What the member must do (`Member must not be null`).
    pub constraint: String,
}

/// How a violation repeats the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// `Value 'x' at`.
    Value(String),
    /// `Value null at`: the member is missing or null.
    Null,
    /// `Value at`: a sensitive or unprintable value.
    Hidden,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.shown {
            Shown::Value(v) => write!(f, "Value '{v}' at ")?,
            Shown::Null => write!(f, "Value null at ")?,
            Shown::Hidden => write!(f, "Value at ")?,
        }
        write!(
            f,
            "'{}' failed to satisfy constraint: {}",
            self.path, self.constraint
        )
    }
}

/// Every broken constraint of one input, in the order found (members in
/// name order, depth first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violations(pub Vec<Violation>);

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.len() {
            1 => write!(f, "1 validation error detected: ")?,
            n => write!(f, "{n} validation errors detected: ")?,
        }
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                write!(f, "; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

/// Checks `value` against the shape `shape`.
pub(super) fn validate(model: &ServiceModel, shape: &str, value: &Value) -> Result<(), Violations> {
    validate_at(model, shape, value, "")
}

/// Checks `value`, found at `path`, against the shape `shape`.
pub(super) fn validate_at<'a>(
    model: &'a ServiceModel,
    shape: &'a str,
    value: &Value,
    path: &'a str,
) -> Result<(), Violations> {
    let mut walk = Walk {
        model,
        found: Vec::new(),
        path: Vec::new(),
    };
    if !path.is_empty() {
        walk.path.push(Step::Member(path));
    }
    walk.value(shape, value, false);
    match walk.found.is_empty() {
        true => Ok(()),
        false => Err(Violations(walk.found)),
    }
}

/// One step of the path to a value: a member, or a list's element.
#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Member(&'a str),
    Element(usize),
}

/// The walk over one value: where it is (written out only for a violation)
/// and what it found.
struct Walk<'a> {
    model: &'a ServiceModel,
    found: Vec<Violation>,
    path: Vec<Step<'a>>,
}

impl<'a> Walk<'a> {
    /// The path as AWS writes it (`messages.1.member.role`).
    fn here(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            if !out.is_empty() {
                out.push('.');
            }
            match step {
                Step::Member(name) => out.push_str(name),
                Step::Element(i) => {
                    out.push_str(&(i + 1).to_string());
                    out.push_str(".member");
                }
            }
        }
        out
    }

    fn value(&mut self, name: &'a str, value: &Value, sensitive: bool) {
        let Some(shape) = self.model.shape(name) else {
            return;
        };
        let sensitive = sensitive || shape.sensitive;
        let shown = |floating| match sensitive {
            true => Shown::Hidden,
            false => shown(value, floating),
        };
        match (shape.kind.as_str(), value) {
            ("structure", Value::Object(members)) => self.structure(shape, members, sensitive),
            ("list", Value::Array(items)) => {
                if let Some(constraint) = length_broken(shape, items.len()) {
                    self.push(shown(false), constraint);
                }
                if let Some(member) = &shape.member {
                    for (i, item) in items.iter().enumerate() {
                        self.path.push(Step::Element(i));
                        self.value(&member.shape, item, sensitive);
                        self.path.pop();
                    }
                }
            }
            ("map", Value::Object(entries)) => {
                if let Some(constraint) = length_broken(shape, entries.len()) {
                    self.push(shown(false), constraint);
                }
                for constraint in self.map_entries(shape, entries) {
                    self.push(shown(false), constraint);
                }
            }
            ("string", Value::String(text)) => {
                for constraint in self.string(name, shape, text) {
                    self.push(shown(false), constraint);
                }
            }
            ("integer" | "long" | "float" | "double", Value::Number(n)) => {
                let floating = matches!(shape.kind.as_str(), "float" | "double");
                let x = n.as_f64().unwrap_or_default();
                if let Some(constraint) = range_broken(shape, x) {
                    self.push(shown(floating), constraint);
                }
            }
            _ => {}
        }
    }

    fn structure(
        &mut self,
        shape: &'a Shape,
        members: &serde_json::Map<String, Value>,
        sensitive: bool,
    ) {
        for (name, member) in &shape.members {
            if member.location.is_some() {
                continue;
            }
            self.path.push(Step::Member(name));
            match members.get(name) {
                None | Some(Value::Null) => {
                    if shape.required.iter().any(|r| r == name) {
                        self.push(Shown::Null, "Member must not be null".into());
                    }
                }
                Some(value) => self.value(&member.shape, value, sensitive),
            }
            self.path.pop();
        }
    }

    /// A string's broken constraints: its pattern, length, then values.
    fn string(&self, name: &str, shape: &Shape, text: &str) -> Vec<String> {
        let mut broken = Vec::new();
        if let Some(pattern) = &shape.pattern {
            if self
                .model
                .pattern(name)
                .is_some_and(|re| !re.is_match(text))
            {
                broken.push(format!(
                    "Member must satisfy regular expression pattern: {pattern}"
                ));
            }
        }
        broken.extend(length_broken(shape, text.chars().count()));
        if let Some(values) = &shape.values {
            if !values.iter().any(|v| v == text) {
                let set = values.join(", ");
                broken.push(format!("Member must satisfy enum value set: [{set}]"));
            }
        }
        broken
    }

    /// A map's keys and values against their shapes: one violation for
    /// the keys and one for the values, each listing every constraint of
    /// the shape, as AWS does (`Map value must satisfy constraint: [Member
    /// must have length less than or equal to 25, Member must have length
    /// greater than or equal to 1]`).
    fn map_entries(&self, shape: &Shape, entries: &serde_json::Map<String, Value>) -> Vec<String> {
        let breaks = |name: &str, value: &Value| validate(self.model, name, value).is_err();
        let mut broken = Vec::new();
        if let Some(key) = &shape.key {
            if entries
                .keys()
                .any(|k| breaks(&key.shape, &Value::String(k.clone())))
            {
                let list = constraint_list(self.model.shape(&key.shape));
                broken.push(format!("Map keys must satisfy constraint: [{list}]"));
            }
        }
        if let Some(value) = &shape.value {
            if entries.values().any(|v| breaks(&value.shape, v)) {
                let list = constraint_list(self.model.shape(&value.shape));
                broken.push(format!("Map value must satisfy constraint: [{list}]"));
            }
        }
        broken
    }

    fn push(&mut self, shown: Shown, constraint: String) {
        self.found.push(Violation {
            path: self.here(),
            shown,
            constraint,
        });
    }
}

/// A value as a violation repeats it: a string as it is, a number as Java
/// prints it, a list of strings and a map as Java prints them; anything
/// else is not repeated.
fn shown(value: &Value, floating: bool) -> Shown {
    match value {
        Value::String(text) => Shown::Value(text.clone()),
        Value::Number(n) => Shown::Value(java_number(n, floating)),
        Value::Array(items) => list_shown(items),
        Value::Object(entries) => map_shown(entries),
        _ => Shown::Hidden,
    }
}

/// A list as Java prints a list of strings (`[a, b]`); not repeated when
/// it holds anything else.
fn list_shown(items: &[Value]) -> Shown {
    let texts: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
    match texts {
        Some(texts) => Shown::Value(format!("[{}]", texts.join(", "))),
        None => Shown::Hidden,
    }
}

/// A length out of the shape's bounds, as AWS words it.
fn length_broken(shape: &Shape, len: usize) -> Option<String> {
    let len = len as f64;
    if let Some(min) = shape.min.filter(|min| len < *min) {
        return Some(format!(
            "Member must have length greater than or equal to {}",
            number(min)
        ));
    }
    shape.max.filter(|max| len > *max).map(|max| {
        format!(
            "Member must have length less than or equal to {}",
            number(max)
        )
    })
}

/// A value out of the shape's range, as AWS words it.
fn range_broken(shape: &Shape, x: f64) -> Option<String> {
    if let Some(min) = shape.min.filter(|min| x < *min) {
        return Some(format!(
            "Member must have value greater than or equal to {}",
            number(min)
        ));
    }
    shape.max.filter(|max| x > *max).map(|max| {
        format!(
            "Member must have value less than or equal to {}",
            number(max)
        )
    })
}

/// Every constraint of a map's key or value shape, as AWS lists them:
/// the upper bound, the lower bound, then the pattern and the values.
fn constraint_list(shape: Option<&Shape>) -> String {
    let Some(shape) = shape else {
        return String::new();
    };
    let what = match shape.kind.as_str() {
        "string" | "list" | "map" | "blob" => "length",
        _ => "value",
    };
    let mut list = Vec::new();
    if let Some(max) = shape.max {
        list.push(format!(
            "Member must have {what} less than or equal to {}",
            number(max)
        ));
    }
    if let Some(min) = shape.min {
        list.push(format!(
            "Member must have {what} greater than or equal to {}",
            number(min)
        ));
    }
    if let Some(pattern) = &shape.pattern {
        list.push(format!(
            "Member must satisfy regular expression pattern: {pattern}"
        ));
    }
    if let Some(values) = &shape.values {
        list.push(format!(
            "Member must satisfy enum value set: [{}]",
            values.join(", ")
        ));
    }
    list.join(", ")
}

/// A map as Java prints it (`{k=v, k2=v2}`), its values printed plainly.
fn map_shown(entries: &serde_json::Map<String, Value>) -> Shown {
    let pairs: Vec<String> = entries
        .iter()
        .map(|(k, v)| match v {
            Value::String(text) => format!("{k}={text}"),
            other => format!("{k}={other}"),
        })
        .collect();
    Shown::Value(format!("{{{}}}", pairs.join(", ")))
}

/// A number as Java prints it: a float or double always with a decimal
/// point (`99.0`, as Bedrock repeats a temperature of 99).
fn java_number(n: &serde_json::Number, floating: bool) -> String {
    match n.as_f64() {
        Some(x) if floating && x.fract() == 0.0 && x.abs() < 1e7 => format!("{x:.1}"),
        _ => n.to_string(),
    }
}

/// A bound as the model gives it: `1`, not `1.0`.
fn number(x: f64) -> String {
    match x.fract() == 0.0 && x.abs() < 1e15 {
        true => format!("{}", x as i64),
        false => x.to_string(),
    }
}
