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
//!
//! Who may call it: with a control token set
//! ([`FakeConfig::control_token`](super::FakeConfig::control_token)), every
//! call needs `Authorization: Bearer TOKEN`; a call whose `Host` is not
//! `localhost`, an IP address or one of
//! [`FakeConfig::control_hosts`](super::FakeConfig::control_hosts), or
//! that carries a browser's `Origin`, is refused (so a web page cannot
//! script the fake, even through DNS rebinding); a `POST` needs
//! `Content-Type: application/json` (which a cross-site form cannot send).

use super::http::{FakeRequest, FakeResponse};
use super::rules::{Rule, MAX_RULES};
use super::FakeState;
use serde_json::{json, Value};

/// Where the control API lives.
pub const PREFIX: &str = "/_harness/";

pub(crate) fn handle(state: &FakeState, req: &FakeRequest) -> FakeResponse {
    if let Err((status, message)) = admit(&state.config, req) {
        tracing::warn!(method = %req.method, path = %req.path, status, "control call refused: {message}");
        return FakeResponse::json(status, &json!({ "message": message }));
    }
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
        ("POST", "rules") => match parse_rules(&req.body).and_then(|rules| {
            for (i, rule) in rules.iter().enumerate() {
                super::rule_fit::check_rule(&state.catalog, rule)
                    .map_err(|e| format!("rule {i}: {e}"))?;
            }
            Ok(rules)
        }) {
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

/// Whether `req` may use the control API under `config`: `Err` holds the
/// status and the reason.
fn admit(config: &super::FakeConfig, req: &FakeRequest) -> Result<(), (u16, String)> {
    if let Some(origin) = req.header("origin") {
        return Err((
            403,
            format!("bedrock-harness: the control API refuses calls from a browser page (Origin: {origin})"),
        ));
    }
    if let Some(host) = req.header("host") {
        if !host_allowed(host, &config.control_hosts) {
            return Err((
                403,
                format!("bedrock-harness: the control API answers only to Host localhost, an IP address or a --control-host name, not {host}"),
            ));
        }
    }
    if let Some(token) = &config.control_token {
        let given = req
            .header("authorization")
            .and_then(|a| a.strip_prefix("Bearer "));
        if given != Some(token.as_str()) {
            return Err((
                401,
                "bedrock-harness: the control API needs `Authorization: Bearer <control token>` (the token `serve` printed at start, or --control-token)".into(),
            ));
        }
    }
    let json = req
        .header("content-type")
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if req.method == "POST" && !json {
        return Err((
            415,
            "bedrock-harness: a POST to the control API needs `Content-Type: application/json`"
                .into(),
        ));
    }
    Ok(())
}

/// Whether a `Host` header names this machine as a local client would:
/// `localhost` (or a name under it), an IP address, or one of `extra`.
///
/// ```
/// use bedrock_harness::fake::control::host_allowed;
///
/// assert!(host_allowed("127.0.0.1:4599", &[]));
/// assert!(host_allowed("[::1]:4599", &[]));
/// assert!(host_allowed("localhost:4599", &[]));
/// assert!(host_allowed("harness:4599", &["harness".to_string()]));
/// assert!(!host_allowed("attacker.example:4599", &[]));
/// ```
pub fn host_allowed(host: &str, extra: &[String]) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.trim_end_matches('.');
    name.eq_ignore_ascii_case("localhost")
        || name.to_ascii_lowercase().ends_with(".localhost")
        || name.parse::<std::net::IpAddr>().is_ok()
        || extra.iter().any(|e| e.eq_ignore_ascii_case(name))
}

/// The guardrails of a scenario (`{"rules": [...], "guardrails": [...]}`);
/// none for a scenario that is a list of rules.
///
/// ```
/// use bedrock_harness::fake::control::parse_guardrails;
///
/// let scenario = br#"{"guardrails": [{"id": "gr0example", "words": ["falcon"]}]}"#;
/// let guardrails = parse_guardrails(scenario).unwrap();
/// assert_eq!((guardrails[0].id.as_str(), guardrails[0].version.as_str()), ("gr0example", "DRAFT"));
/// ```
pub fn parse_guardrails(body: &[u8]) -> Result<Vec<super::Guardrail>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let guardrails: Vec<super::Guardrail> = match value.get("guardrails") {
        None => return Ok(Vec::new()),
        Some(list) => {
            serde_json::from_value(list.clone()).map_err(|e| format!("guardrails: {e}"))?
        }
    };
    for guardrail in &guardrails {
        guardrail.check()?;
    }
    Ok(guardrails)
}

/// The scripted InvokeGuardrailChecks scores of a scenario
/// (`{"checks": [...]}`); none for a scenario without them.
///
/// ```
/// use bedrock_harness::fake::control::parse_check_scores;
///
/// let scenario = br#"{"checks": [{"category": "JAILBREAK", "keywords": ["DAN"]}]}"#;
/// assert_eq!(parse_check_scores(scenario).unwrap()[0].score, 1.0);
/// ```
pub fn parse_check_scores(body: &[u8]) -> Result<Vec<super::CheckScore>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let scores: Vec<super::CheckScore> = match value.get("checks") {
        None => return Ok(Vec::new()),
        Some(list) => serde_json::from_value(list.clone()).map_err(|e| format!("checks: {e}"))?,
    };
    for score in &scores {
        score.check()?;
    }
    Ok(scores)
}

/// The keys of a scenario object besides `rules`.
const SCENARIO_KEYS: [&str; 2] = ["guardrails", "checks"];

/// One rule or a list of rules, as JSON (a scenario's `rules`; a scenario
/// with only `guardrails` or `checks` has none).
pub fn parse_rules(body: &[u8]) -> Result<Vec<Rule>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let rules = match value {
        Value::Object(ref obj)
            if !obj.contains_key("rules") && SCENARIO_KEYS.iter().any(|k| obj.contains_key(*k)) =>
        {
            Vec::new()
        }
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
