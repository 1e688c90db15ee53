//! Values a JSON Schema accepts, made deterministically: the inputs of the
//! tool calls the fake makes and the answers to structured-output requests.
//!
//! The walk follows `$ref` (`#/definitions/...`, `#/$defs/...`), `allOf`
//! (every part's properties and requirements), `anyOf` and `oneOf` (the
//! first branch), `enum` and `const` (the first value), the types and their
//! bounds (`minimum`/`maximum` and their exclusive forms, `multipleOf`,
//! `minLength`/`maxLength`, `minItems`/`maxItems`, `uniqueItems`), the
//! string formats `date`, `date-time`, `time`, `email`, `uri`, `uuid` and
//! `ipv4`, and a few simple `pattern`s (a character class with a count).
//! Text is plausible rather than a placeholder: it comes from the property's
//! name (`city` is a city, `email` an address, `summary` a sentence about
//! the prompt).

use serde_json::{json, Map, Value};

/// How deep the walk goes before it stops at an empty value.
const MAX_DEPTH: usize = 12;

/// A value `schema` accepts; `topic` (the prompt's words) shapes its text.
///
/// ```
/// use bedrock_harness::fake::synth::value_for;
/// let schema = serde_json::json!({"type": "object", "required": ["city"],
///     "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1, "maximum": 7}}});
/// let value = value_for(&schema, "weather in Paris");
/// assert!(value["city"].is_string());
/// assert!((1..=7).contains(&value["days"].as_i64().unwrap()));
/// ```
pub fn value_for(schema: &Value, topic: &str) -> Value {
    Walk {
        root: schema,
        topic,
    }
    .value(schema, "value", 0)
}

struct Walk<'a> {
    root: &'a Value,
    topic: &'a str,
}

impl<'a> Walk<'a> {
    /// `schema`, or what its `$ref` points at in the root.
    fn resolve<'s>(&self, schema: &'s Value) -> &'s Value
    where
        'a: 's,
    {
        let mut at = schema;
        for _ in 0..MAX_DEPTH {
            let Some(reference) = at.get("$ref").and_then(Value::as_str) else {
                return at;
            };
            match reference
                .strip_prefix('#')
                .and_then(|pointer| self.root.pointer(pointer))
            {
                Some(target) => at = target,
                None => return at,
            }
        }
        at
    }

    fn value(&self, schema: &Value, name: &str, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        if let Some(c) = schema.get("const") {
            return c.clone();
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return first.clone();
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(first) = schema
                .get(key)
                .and_then(Value::as_array)
                .and_then(|b| b.first())
            {
                let mut merged = without(schema, key);
                merge_into(&mut merged, self.resolve(first));
                return self.value(&merged, name, depth + 1);
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = without(schema, "allOf");
            for part in parts {
                merge_into(&mut merged, self.resolve(part));
            }
            return self.value(&merged, name, depth + 1);
        }
        match kind(schema) {
            "object" => self.object(schema, depth),
            "array" => self.array(schema, name, depth),
            "integer" => integer(schema),
            "number" => number(schema),
            "boolean" => Value::Bool(true),
            "null" => Value::Null,
            _ => Value::String(self.string(schema, name)),
        }
    }

    /// Every property, the required ones first.
    fn object(&self, schema: &Value, depth: usize) -> Value {
        let props = schema.get("properties").and_then(Value::as_object);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut out = Map::new();
        let empty = json!({});
        for name in &required {
            let sub = props.and_then(|p| p.get(*name)).unwrap_or(&empty);
            out.insert((*name).to_string(), self.value(sub, name, depth + 1));
        }
        for (name, sub) in props.into_iter().flatten() {
            if !out.contains_key(name) {
                out.insert(name.clone(), self.value(sub, name, depth + 1));
            }
        }
        Value::Object(out)
    }

    /// `minItems` items (at least one, at most `maxItems` and eight), each
    /// unlike the others.
    fn array(&self, schema: &Value, name: &str, depth: usize) -> Value {
        let bound = |key: &str| schema.get(key).and_then(Value::as_u64);
        let min = bound("minItems").unwrap_or(0);
        let max = bound("maxItems").unwrap_or(8);
        let count = min.max(1).min(max).max(min) as usize;
        let empty = json!({});
        let items = schema.get("items").unwrap_or(&empty);
        let singular = name.strip_suffix('s').unwrap_or(name);
        let unique = schema.get("uniqueItems") == Some(&Value::Bool(true));
        (0..count)
            .map(|i| {
                let mut v = self.value(items, singular, depth + 1);
                if unique {
                    vary(&mut v, i, items);
                }
                v
            })
            .collect()
    }

    fn string(&self, schema: &Value, name: &str) -> String {
        let text = match schema.get("format").and_then(Value::as_str) {
            Some("date") => "2026-12-07".to_string(),
            Some("date-time") => "2026-12-07T09:30:00Z".to_string(),
            Some("time") => "09:30:00".to_string(),
            Some("email") => "ada@example.com".to_string(),
            Some("uri" | "url") => "https://example.com/".to_string(),
            Some("uuid") => "3f1c9a7e-5b2d-4c6e-8a1b-2d3e4f5a6b7c".to_string(),
            Some("ipv4") => "192.0.2.1".to_string(),
            _ => match schema
                .get("pattern")
                .and_then(Value::as_str)
                .and_then(simple_pattern)
            {
                Some(text) => return text,
                None => plausible(name, self.topic),
            },
        };
        fit_length(text, schema)
    }
}

/// `schema` without `key`.
fn without(schema: &Value, key: &str) -> Value {
    let mut copy = schema.clone();
    if let Some(obj) = copy.as_object_mut() {
        obj.remove(key);
    }
    copy
}

/// Adds `part`'s keywords to `target`: properties and requirements joined,
/// any other keyword kept where `target` has none.
fn merge_into(target: &mut Value, part: &Value) {
    let (Some(target), Some(part)) = (target.as_object_mut(), part.as_object()) else {
        return;
    };
    for (key, value) in part {
        match (key.as_str(), target.get_mut(key)) {
            ("properties", Some(Value::Object(props))) => {
                if let Some(more) = value.as_object() {
                    for (k, v) in more {
                        props.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
            ("required", Some(Value::Array(required))) => {
                for r in value.as_array().into_iter().flatten() {
                    if !required.contains(r) {
                        required.push(r.clone());
                    }
                }
            }
            (_, Some(_)) => {}
            (_, None) => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

/// The schema's type: its `type` (the first that is not `null`), else what
/// its keywords imply.
fn kind(schema: &Value) -> &str {
    match schema.get("type") {
        Some(Value::String(t)) => t,
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() || schema.get("required").is_some() => "object",
        _ if schema.get("items").is_some() => "array",
        _ if schema.get("minimum").is_some() || schema.get("maximum").is_some() => "number",
        _ => "string",
    }
}

/// The bounds of a number: at least `minimum` (above `exclusiveMinimum`),
/// at most `maximum` (below `exclusiveMaximum`).
fn bounds(schema: &Value) -> (Option<f64>, bool, Option<f64>, bool) {
    let num = |key: &str| schema.get(key).and_then(Value::as_f64);
    let (low, low_open) = match (num("minimum"), num("exclusiveMinimum")) {
        (_, Some(x)) => (Some(x), true),
        (Some(x), None) => (Some(x), false),
        _ => (None, false),
    };
    let (high, high_open) = match (num("maximum"), num("exclusiveMaximum")) {
        (_, Some(x)) => (Some(x), true),
        (Some(x), None) => (Some(x), false),
        _ => (None, false),
    };
    (low, low_open, high, high_open)
}

fn integer(schema: &Value) -> Value {
    let (low, low_open, high, high_open) = bounds(schema);
    let low = low.map(|l| {
        if low_open {
            l.floor() as i64 + 1
        } else {
            l.ceil() as i64
        }
    });
    let high = high.map(|h| {
        if high_open {
            h.ceil() as i64 - 1
        } else {
            h.floor() as i64
        }
    });
    let step = schema
        .get("multipleOf")
        .and_then(Value::as_f64)
        .filter(|m| *m >= 1.0 && m.fract() == 0.0)
        .map(|m| m as i64)
        .unwrap_or(1);
    let mut n = match (low, high) {
        (Some(l), Some(h)) => l + (h - l) / 2,
        (Some(l), None) => l.max(1),
        (None, Some(h)) => h.min(1),
        (None, None) => 1,
    };
    if step > 1 {
        n = (n / step) * step;
        if low.is_some_and(|l| n < l) {
            n += step;
        }
    }
    json!(n)
}

fn number(schema: &Value) -> Value {
    if schema.get("multipleOf").is_some() {
        return integer(schema);
    }
    let (low, _, high, _) = bounds(schema);
    let n = match (low, high) {
        (Some(l), Some(h)) => l + (h - l) / 2.0,
        (Some(l), None) => l + 1.0,
        (None, Some(h)) => h - 1.0,
        (None, None) => 1.5,
    };
    json!(n)
}

/// Makes the `index`th item of an array differ from the first (for
/// `uniqueItems`) where its schema leaves room.
fn vary(value: &mut Value, index: usize, items: &Value) {
    if index == 0 || items.get("enum").is_some() || items.get("const").is_some() {
        return;
    }
    match value {
        Value::String(s) if items.get("format").is_none() && items.get("pattern").is_none() => {
            let more = format!(" {}", index + 1);
            let room = items
                .get("maxLength")
                .and_then(Value::as_u64)
                .is_none_or(|max| (s.chars().count() + more.len()) as u64 <= max);
            if room {
                s.push_str(&more);
            }
        }
        Value::Number(n)
            if items.get("maximum").is_none() && items.get("exclusiveMaximum").is_none() =>
        {
            if let Some(i) = n.as_i64() {
                *n = (i + index as i64).into();
            }
        }
        _ => {}
    }
}

/// Text for a property named `name`: its kind of thing where the name says
/// (a city, a name, a country), else the prompt's words or the name's.
fn plausible(name: &str, topic: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let known = [
        ("city", "Paris"),
        ("country", "France"),
        ("location", "Paris, France"),
        ("email", "ada@example.com"),
        ("phone", "+1 555 0100"),
        ("language", "English"),
        ("currency", "EUR"),
        ("unit", "celsius"),
        ("name", "Ada Lovelace"),
        ("title", "A short title"),
        ("url", "https://example.com/"),
        ("date", "2026-12-07"),
        ("id", "item-1"),
    ];
    if let Some((_, text)) = known.iter().find(|(key, _)| lower.contains(key)) {
        return (*text).to_string();
    }
    let long = [
        "summary",
        "description",
        "answer",
        "reason",
        "text",
        "content",
        "message",
    ];
    let topic = topic.trim();
    if long.iter().any(|k| lower.contains(k)) && !topic.is_empty() {
        let excerpt: String = topic.chars().take(80).collect();
        return format!("About {excerpt}.");
    }
    let words = name.replace(['_', '-'], " ");
    if words.trim().is_empty() || words == "value" {
        "example".to_string()
    } else {
        words.trim().to_string()
    }
}

/// `text` cut to `maxLength` and padded to `minLength`.
fn fit_length(mut text: String, schema: &Value) -> String {
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
        text = text.chars().take(max as usize).collect();
    }
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    while text.chars().count() < min {
        text.push('x');
    }
    text
}

/// A string for a pattern of one character class with a count and anchors
/// (`^[A-Z]{3}$`, `^[0-9]+$`, `^\d{5}$`); `None` for any other.
fn simple_pattern(pattern: &str) -> Option<String> {
    let inner = pattern.strip_prefix('^')?.strip_suffix('$')?;
    let (class, count) = if let Some(rest) = inner.strip_prefix("\\d") {
        ("0-9", rest)
    } else {
        let close = inner.find(']')?;
        (
            inner.strip_prefix('[')?.get(..close - 1)?,
            &inner[close + 1..],
        )
    };
    let first = match class {
        c if c.starts_with("A-Z") => 'A',
        c if c.starts_with("a-z") => 'a',
        c if c.starts_with("0-9") => '1',
        _ => return None,
    };
    let n = match count {
        "+" => 1,
        "*" => 0,
        c => c
            .strip_prefix('{')?
            .strip_suffix('}')?
            .split(',')
            .next()?
            .parse()
            .ok()?,
    };
    Some(std::iter::repeat_n(first, n).collect())
}
