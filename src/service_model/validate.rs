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
pub(super) fn validate_at(
    model: &ServiceModel,
    shape: &str,
    value: &Value,
    path: &str,
) -> Result<(), Violations> {
    let mut walk = Walk {
        model,
        found: Vec::new(),
    };
    walk.value(shape, value, path, false);
    match walk.found.is_empty() {
        true => Ok(()),
        false => Err(Violations(walk.found)),
    }
}

struct Walk<'m> {
    model: &'m ServiceModel,
    found: Vec<Violation>,
}

impl Walk<'_> {
    fn value(&mut self, name: &str, value: &Value, path: &str, sensitive: bool) {
        let Some(shape) = self.model.shape(name) else {
            return;
        };
        let sensitive = sensitive || shape.sensitive;
        match (shape.kind.as_str(), value) {
            ("structure", Value::Object(members)) => {
                self.structure(shape, members, path, sensitive)
            }
            ("list", Value::Array(items)) => {
                let shown = match sensitive {
                    true => Shown::Hidden,
                    false => list_shown(items),
                };
                self.length(shape, items.len(), path, &shown);
                if let Some(member) = &shape.member {
                    for (i, item) in items.iter().enumerate() {
                        let at = format!("{path}.{}.member", i + 1);
                        self.value(&member.shape, item, &at, sensitive);
                    }
                }
            }
            ("map", Value::Object(entries)) => {
                let shown = match sensitive {
                    true => Shown::Hidden,
                    false => map_shown(entries),
                };
                self.length(shape, entries.len(), path, &shown);
                self.map_entries(shape, entries, path, &shown);
            }
            ("string", Value::String(text)) => {
                let shown = match sensitive {
                    true => Shown::Hidden,
                    false => Shown::Value(text.clone()),
                };
                self.string(name, shape, text, path, shown);
            }
            ("integer" | "long" | "float" | "double", Value::Number(n)) => {
                let floating = matches!(shape.kind.as_str(), "float" | "double");
                let shown = match sensitive {
                    true => Shown::Hidden,
                    false => Shown::Value(java_number(n, floating)),
                };
                if let Some(x) = n.as_f64() {
                    self.range(shape, x, path, &shown);
                }
            }
            _ => {}
        }
    }

    fn structure(
        &mut self,
        shape: &Shape,
        members: &serde_json::Map<String, Value>,
        path: &str,
        sensitive: bool,
    ) {
        for (name, member) in &shape.members {
            if member.location.is_some() {
                continue;
            }
            let at = match path {
                "" => name.clone(),
                _ => format!("{path}.{name}"),
            };
            match members.get(name) {
                None | Some(Value::Null) => {
                    if shape.required.iter().any(|r| r == name) {
                        self.found.push(Violation {
                            path: at,
                            shown: Shown::Null,
                            constraint: "Member must not be null".into(),
                        });
                    }
                }
                Some(value) => self.value(&member.shape, value, &at, sensitive),
            }
        }
    }

    fn string(&mut self, name: &str, shape: &Shape, text: &str, path: &str, shown: Shown) {
        if let Some(pattern) = &shape.pattern {
            if self
                .model
                .pattern(name)
                .is_some_and(|re| !re.is_match(text))
            {
                self.push(
                    path,
                    &shown,
                    format!("Member must satisfy regular expression pattern: {pattern}"),
                );
            }
        }
        self.length(shape, text.chars().count(), path, &shown);
        if let Some(values) = &shape.values {
            if !values.iter().any(|v| v == text) {
                let set = values.join(", ");
                self.push(
                    path,
                    &shown,
                    format!("Member must satisfy enum value set: [{set}]"),
                );
            }
        }
    }

    fn length(&mut self, shape: &Shape, len: usize, path: &str, shown: &Shown) {
        let len = len as f64;
        if let Some(min) = shape.min.filter(|min| len < *min) {
            let text = format!(
                "Member must have length greater than or equal to {}",
                number(min)
            );
            self.push(path, shown, text);
        }
        if let Some(max) = shape.max.filter(|max| len > *max) {
            let text = format!(
                "Member must have length less than or equal to {}",
                number(max)
            );
            self.push(path, shown, text);
        }
    }

    fn range(&mut self, shape: &Shape, x: f64, path: &str, shown: &Shown) {
        if let Some(min) = shape.min.filter(|min| x < *min) {
            let text = format!(
                "Member must have value greater than or equal to {}",
                number(min)
            );
            self.push(path, shown, text);
        }
        if let Some(max) = shape.max.filter(|max| x > *max) {
            let text = format!(
                "Member must have value less than or equal to {}",
                number(max)
            );
            self.push(path, shown, text);
        }
    }

    /// A map's keys and values against their shapes: one violation for
    /// the keys and one for the values, each listing every constraint of
    /// the shape, as AWS does (`Map value must satisfy constraint: [Member
    /// must have length less than or equal to 25, Member must have length
    /// greater than or equal to 1]`).
    fn map_entries(
        &mut self,
        shape: &Shape,
        entries: &serde_json::Map<String, Value>,
        path: &str,
        shown: &Shown,
    ) {
        let breaks = |walk: &Self, name: &str, value: &Value| {
            validate_at(walk.model, name, value, path).is_err()
        };
        if let Some(key) = &shape.key {
            if entries
                .keys()
                .any(|k| breaks(self, &key.shape, &Value::String(k.clone())))
            {
                let list = constraint_list(self.model.shape(&key.shape));
                self.push(
                    path,
                    shown,
                    format!("Map keys must satisfy constraint: [{list}]"),
                );
            }
        }
        if let Some(value) = &shape.value {
            if entries.values().any(|v| breaks(self, &value.shape, v)) {
                let list = constraint_list(self.model.shape(&value.shape));
                self.push(
                    path,
                    shown,
                    format!("Map value must satisfy constraint: [{list}]"),
                );
            }
        }
    }

    fn push(&mut self, path: &str, shown: &Shown, constraint: String) {
        self.found.push(Violation {
            path: path.to_string(),
            shown: shown.clone(),
            constraint,
        });
    }
}

/// A list as Java prints a list of strings (`[a, b]`); hidden when it holds
/// anything else.
fn list_shown(items: &[Value]) -> Shown {
    let texts: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
    match texts {
        Some(texts) => Shown::Value(format!("[{}]", texts.join(", "))),
        None => Shown::Hidden,
    }
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
