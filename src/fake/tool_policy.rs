//! When the fake calls a tool the model may choose: the tool policy.
//!
//! With tools offered and the choice left to the model (`auto`, or no
//! choice), [`ToolPolicy::Auto`] answers the way an agent loop needs: a
//! call of the tools the user's last words are about (a word of a tool's
//! name, description or parameters), and, once the last turn holds tool
//! results, a text that uses them. [`ToolPolicy::Always`] calls a tool on
//! every user turn (the best match, else the first tool);
//! [`ToolPolicy::Never`] answers in text unless the request forces a tool.
//! A forced choice (`any`, a named tool) is always honoured; `none` never
//! calls.

use crate::portable::{ContentBlock, PortableRequest, Role, ToolChoice, ToolSpec};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How the fake answers a request whose tools the model may choose.
///
/// ```
/// use bedrock_harness::fake::ToolPolicy;
/// assert_eq!("auto".parse::<ToolPolicy>(), Ok(ToolPolicy::Auto));
/// assert_eq!(ToolPolicy::default(), ToolPolicy::Auto);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToolPolicy {
    /// Call the tools the user's last turn is about; answer tool results
    /// in text.
    #[default]
    Auto,
    /// Never call a tool the request does not force.
    Never,
    /// Call a tool on every user turn that holds no tool results.
    Always,
}

impl std::str::FromStr for ToolPolicy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(ToolPolicy::Auto),
            "never" => Ok(ToolPolicy::Never),
            "always" => Ok(ToolPolicy::Always),
            other => Err(format!(
                "unknown tool policy {other:?} (auto, never or always)"
            )),
        }
    }
}

/// The most tools one answer calls at once.
const MAX_PARALLEL: usize = 3;

/// Words too common to tie a request to a tool.
const STOPWORDS: [&str; 24] = [
    "the", "and", "for", "with", "this", "that", "what", "from", "get", "set", "you", "your",
    "are", "was", "how", "can", "use", "tool", "call", "give", "tell", "please", "into", "about",
];

/// What the model does with the tools of `req` under `policy`.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolStep<'a> {
    /// Call these tools, in this order.
    Call(Vec<&'a ToolSpec>),
    /// Answer the tool results of the last turn in text.
    UseResults,
    /// Answer in text.
    Text,
}

/// The step `policy` takes for `req`.
pub fn step(req: &PortableRequest, policy: ToolPolicy) -> ToolStep<'_> {
    let forced = match &req.tool_choice {
        Some(ToolChoice::Any) => req.tools.first(),
        Some(ToolChoice::Tool(name)) => req.tools.iter().find(|t| &t.name == name),
        _ => None,
    };
    if let Some(tool) = forced {
        return ToolStep::Call(vec![tool]);
    }
    if req.tools.is_empty() || req.tool_choice == Some(ToolChoice::None) {
        return ToolStep::Text;
    }
    let Some(last) = req.messages.last().filter(|m| m.role == Role::User) else {
        return ToolStep::Text;
    };
    let has_results = last
        .content
        .iter()
        .any(|b| matches!(b, ContentBlock::ToolResult { .. }));
    match (policy, has_results) {
        (ToolPolicy::Never, _) => ToolStep::Text,
        (_, true) => ToolStep::UseResults,
        (ToolPolicy::Auto, false) => {
            let matched = matching(req, &last.text());
            if matched.is_empty() {
                ToolStep::Text
            } else {
                ToolStep::Call(matched)
            }
        }
        (ToolPolicy::Always, false) => {
            let matched = matching(req, &last.text());
            let best = matched.first().copied().or(req.tools.first());
            ToolStep::Call(best.into_iter().collect())
        }
    }
}

/// The tools whose words the text shares, best first (most shared words),
/// at most [`MAX_PARALLEL`].
fn matching<'a>(req: &'a PortableRequest, text: &str) -> Vec<&'a ToolSpec> {
    let asked = words(text);
    let mut scored: Vec<(usize, usize, &ToolSpec)> = req
        .tools
        .iter()
        .enumerate()
        .filter_map(|(i, tool)| {
            let score = tool_words(tool).intersection(&asked).count();
            (score > 0).then_some((score, i, tool))
        })
        .collect();
    scored.sort_by_key(|&(score, i, _)| (std::cmp::Reverse(score), i));
    scored
        .into_iter()
        .take(MAX_PARALLEL)
        .map(|(_, _, tool)| tool)
        .collect()
}

/// A tool's words: its name split at `_`, `-` and case changes, its
/// description, and its parameters' names and descriptions.
fn tool_words(tool: &ToolSpec) -> HashSet<String> {
    let mut text = split_identifier(&tool.name);
    text.push(' ');
    text.push_str(tool.description.as_deref().unwrap_or_default());
    if let Some(props) = tool
        .input_schema
        .get("properties")
        .and_then(serde_json::Value::as_object)
    {
        for (name, prop) in props {
            text.push(' ');
            text.push_str(&split_identifier(name));
            if let Some(d) = prop.get("description").and_then(serde_json::Value::as_str) {
                text.push(' ');
                text.push_str(d);
            }
        }
    }
    words(&text)
}

/// `get_weatherForecast` as `get weather Forecast`.
fn split_identifier(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == '.' {
            out.push(' ');
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            out.push(' ');
        }
        previous_lower = c.is_lowercase();
        out.push(c);
    }
    out
}

/// The distinct lower-case words of three letters or more, without common
/// ones, a trailing `s` dropped (`cities` stays, `forecasts` is `forecast`).
fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !STOPWORDS.contains(&w.as_str()))
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.chars().count() >= 3 && !stem.ends_with('s') => stem.to_string(),
            _ => w,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portable::{Message, ToolResultContent};
    use serde_json::json;

    fn tools() -> PortableRequest {
        PortableRequest::default()
            .tool(
                ToolSpec::new(
                    "get_weather",
                    json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
                )
                .description("Current weather for a city"),
            )
            .tool(
                ToolSpec::new(
                    "send_email",
                    json!({"type": "object", "properties": {"to": {"type": "string"}}}),
                )
                .description("Send an email to someone"),
            )
    }

    fn names(step: ToolStep<'_>) -> Vec<String> {
        match step {
            ToolStep::Call(tools) => tools.iter().map(|t| t.name.clone()).collect(),
            other => vec![format!("{other:?}")],
        }
    }

    #[test]
    fn auto_calls_the_tools_the_user_asks_about() {
        let req = tools().message(Message::user("What's the weather in Paris?"));
        assert_eq!(names(step(&req, ToolPolicy::Auto)), ["get_weather"]);
        let both = tools().message(Message::user("Email me the weather in Paris"));
        assert_eq!(
            names(step(&both, ToolPolicy::Auto)),
            ["get_weather", "send_email"]
        );
        let unrelated = tools().message(Message::user("Tell me a joke"));
        assert_eq!(step(&unrelated, ToolPolicy::Auto), ToolStep::Text);
        assert_eq!(names(step(&unrelated, ToolPolicy::Always)), ["get_weather"]);
        assert_eq!(step(&req, ToolPolicy::Never), ToolStep::Text);
    }

    #[test]
    fn tool_results_are_answered_in_text_and_none_never_calls() {
        let results = tools()
            .message(Message::user("What's the weather in Paris?"))
            .message(Message::new(
                Role::Assistant,
                vec![ContentBlock::tool_use(
                    "t1",
                    "get_weather",
                    json!({"city": "Paris"}),
                )],
            ))
            .message(Message::new(
                Role::User,
                vec![ContentBlock::ToolResult {
                    tool_use_id: "t1".into(),
                    content: vec![ToolResultContent::Text("18°C, sunny".into())],
                    is_error: false,
                }],
            ));
        assert_eq!(step(&results, ToolPolicy::Auto), ToolStep::UseResults);
        assert_eq!(step(&results, ToolPolicy::Always), ToolStep::UseResults);
        let mut none = tools().message(Message::user("What's the weather?"));
        none.tool_choice = Some(ToolChoice::None);
        assert_eq!(step(&none, ToolPolicy::Always), ToolStep::Text);
    }

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(
            split_identifier("getWeatherForecast"),
            "get Weather Forecast"
        );
        assert!(words("Forecasts for cities").contains("forecast"));
    }
}
