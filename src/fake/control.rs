//! The control API under `/_harness/`: read the journal, add rules, reset.
//!
//! | method and path | does |
//! |---|---|
//! | `GET /_harness/health` | `{"status":"ok"}` |
//! | `GET /_harness/journal` | the calls received, oldest first |
//! | `DELETE /_harness/journal` | forgets the calls |
//! | `GET /_harness/rules` | the rules, with their remaining counts |
//! | `POST /_harness/rules` | adds one rule or a list of rules |
//! | `DELETE /_harness/rules` | removes every rule |
//! | `POST /_harness/reset` | removes rules and journal |

use super::http::{FakeRequest, FakeResponse};
use super::rules::{Rule, MAX_RULES};
use super::FakeState;
use serde_json::{json, Value};

/// Where the control API lives.
pub const PREFIX: &str = "/_harness/";

pub(crate) fn handle(state: &FakeState, req: &FakeRequest) -> FakeResponse {
    let path = &req.path[PREFIX.len()..];
    match (req.method.as_str(), path.trim_end_matches('/')) {
        ("GET", "health") => FakeResponse::json(200, &json!({"status": "ok"})),
        ("GET", "journal") => FakeResponse::json(200, &json!(state.journal())),
        ("DELETE", "journal") => {
            if let Ok(mut j) = state.journal.lock() {
                j.clear();
            }
            FakeResponse::json(200, &json!({"cleared": "journal"}))
        }
        ("GET", "rules") => FakeResponse::json(200, &json!(state.rules())),
        ("POST", "rules") => match parse_rules(&req.body) {
            Ok(rules) => match state.rules.lock() {
                Ok(mut book) if rules.len() <= book.room() => {
                    let added = rules.len();
                    for rule in rules {
                        book.add(rule);
                    }
                    FakeResponse::json(200, &json!({"added": added}))
                }
                _ => FakeResponse::json(
                    400,
                    &json!({"message": format!("a fake keeps at most {MAX_RULES} rules; DELETE /_harness/rules first")}),
                ),
            },
            Err(message) => FakeResponse::json(400, &json!({"message": message})),
        },
        ("DELETE", "rules") => {
            if let Ok(mut r) = state.rules.lock() {
                r.clear();
            }
            FakeResponse::json(200, &json!({"cleared": "rules"}))
        }
        ("POST", "reset") => {
            state.reset();
            FakeResponse::json(200, &json!({"cleared": "all"}))
        }
        _ => FakeResponse::json(
            404,
            &json!({"message": format!("no control endpoint {} {}; see the README's control API table", req.method, req.path)}),
        ),
    }
}

/// One rule or a list of rules, as JSON.
pub fn parse_rules(body: &[u8]) -> Result<Vec<Rule>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let rules = match value {
        Value::Array(items) => items,
        Value::Object(ref obj) if obj.contains_key("rules") => match value.get("rules") {
            Some(Value::Array(items)) => items.clone(),
            _ => return Err("`rules` must be a list".into()),
        },
        other => vec![other],
    };
    rules
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let rule: Rule = serde_json::from_value(r).map_err(|e| format!("rule {i}: {e}"))?;
            rule.check().map_err(|e| format!("rule {i}: {e}"))?;
            Ok(rule)
        })
        .collect()
}
