//! ApplyGuardrail (`POST /guardrail/{id}/version/{version}/apply`) and the
//! guardrail a Converse call names in `guardrailConfig`: the body checked
//! against the service model, the guardrail looked up among the fake's
//! (`FakeConfig::guardrails`), its answer in the service model's shape.

use super::{BedrockError, Call, FakeResponse, FakeState};
use crate::fake::guardrails::{Guardrail, UNKNOWN_GUARDRAIL};
use crate::schema::parse_body;
use serde_json::Value;

/// The fake's guardrail `identifier` (an id or an ARN) at `version`, or
/// Bedrock's refusal.
pub(super) fn find<'s>(
    state: &'s FakeState,
    identifier: &str,
    version: &str,
) -> Result<&'s Guardrail, BedrockError> {
    state
        .config
        .guardrails
        .iter()
        .find(|g| g.answers_to(identifier, version))
        .ok_or_else(|| BedrockError::validation(UNKNOWN_GUARDRAIL))
}

/// Answers ApplyGuardrail.
pub(super) fn apply(
    state: &FakeState,
    identifier: &str,
    version: &str,
    body: &[u8],
    rid: &str,
) -> Result<FakeResponse, BedrockError> {
    let decode = |label: &str| {
        percent_encoding::percent_decode_str(label)
            .decode_utf8_lossy()
            .into_owned()
    };
    let (identifier, version) = (decode(identifier), decode(version));
    let body = parse_body(body).map_err(|r| BedrockError::validation(r.message()))?;
    let model = crate::service_model::ServiceModel::embedded();
    model
        .validate_headers("ApplyGuardrail", |_| None)
        .and_then(|()| model.validate("ApplyGuardrail", &body))
        .map_err(|v| BedrockError::validation(v.to_string()))?;
    let guardrail = find(state, &identifier, &version)?;
    let source = body
        .get("source")
        .and_then(Value::as_str)
        .unwrap_or("INPUT");
    let texts: Vec<&str> = body
        .get("content")
        .and_then(Value::as_array)
        .map(|blocks| {
            blocks
                .iter()
                .filter_map(|b| b.pointer("/text/text").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    Ok(FakeResponse::json(200, &guardrail.apply(source, &texts))
        .with_header("x-amzn-RequestId", rid))
}

impl Call<'_> {
    /// The guardrail a Converse `guardrailConfig` names, and whether its
    /// trace is asked for (`"trace": "enabled"`).
    pub(super) fn guardrail(&self, config: &Value) -> Result<(&Guardrail, bool), BedrockError> {
        let text = |key: &str| config.get(key).and_then(Value::as_str).unwrap_or_default();
        let guardrail = find(
            self.state,
            text("guardrailIdentifier"),
            text("guardrailVersion"),
        )?;
        Ok((
            guardrail,
            matches!(text("trace"), "enabled" | "enabled_full"),
        ))
    }
}
