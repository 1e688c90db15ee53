//! ApplyGuardrail (`POST /guardrail/{id}/version/{version}/apply`) and the
//! guardrail a Converse call names in `guardrailConfig`: the body checked
//! against the service model, the guardrail looked up among the fake's
//! (`FakeConfig::guardrails`), its answer in the service model's shape.

use super::{BedrockError, Call, FakeResponse, FakeState};
use crate::fake::answer::Answer;
use crate::fake::guardrails::{Guardrail, UNKNOWN_GUARDRAIL};
use crate::portable::{ContentBlock, PortableRequest};
use serde_json::{json, Value};

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
    let body = super::checked_body("ApplyGuardrail", body)?;
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

/// Answers InvokeGuardrailChecks.
pub(super) fn invoke_checks(
    state: &FakeState,
    body: &[u8],
    rid: &str,
) -> Result<FakeResponse, BedrockError> {
    let body = super::checked_body("InvokeGuardrailChecks", body)?;
    let answer = crate::fake::guardrail_checks::evaluate(&body, &state.config.check_scores)
        .map_err(BedrockError::validation)?;
    Ok(FakeResponse::json(200, &answer).with_header("x-amzn-RequestId", rid))
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

impl Call<'_> {
    /// InvokeModel under the guardrail its headers name: blocked input is
    /// answered with the guardrail's message without calling the model, a
    /// blocked answer is replaced; the body gets
    /// `amazon-bedrock-guardrailAction` (`INTERVENED` or `NONE`) and, with
    /// `X-Amzn-Bedrock-Trace` on, `amazon-bedrock-trace.guardrail` (the
    /// fields of the InvokeModel API reference's guardrail example).
    pub(super) fn guard_invoke(
        &self,
        req: &PortableRequest,
        asynchronous: bool,
        answer: impl FnOnce() -> Result<Answer, BedrockError>,
    ) -> Result<(Answer, Option<serde_json::Map<String, Value>>), BedrockError> {
        let (Some(id), Some(version)) = (
            self.request.header("x-amzn-bedrock-guardrailidentifier"),
            self.request.header("x-amzn-bedrock-guardrailversion"),
        ) else {
            return Ok((answer()?, None));
        };
        let guardrail = find(self.state, id, version)?;
        let input = guardrail.assess(&request_texts(req).join("\n"));
        let mut trace = serde_json::Map::new();
        trace.insert(
            "input".into(),
            json!({ guardrail.id.clone(): input.to_wire() }),
        );
        let (answer, intervened) = if input.blocks() {
            (blocked_answer(req, &guardrail.blocked_input_message), true)
        } else {
            let mut answer = answer()?;
            let output = guardrail.assess(&answer.portable.text);
            trace.insert(
                "outputs".into(),
                json!([{ guardrail.id.clone(): output.to_wire() }]),
            );
            let detected = guardrail.first_detection_end(&answer.portable.text);
            match (asynchronous, detected) {
                (true, Some(end)) => {
                    cut_at(&mut answer, end);
                    (answer, true)
                }
                _ if output.intervened() => (guarded_output(guardrail, &output, req, answer), true),
                _ => (answer, false),
            }
        };
        let mut fields = serde_json::Map::new();
        let action = if intervened { "INTERVENED" } else { "NONE" };
        fields.insert("amazon-bedrock-guardrailAction".into(), action.into());
        let traced = self
            .request
            .header("x-amzn-bedrock-trace")
            .is_some_and(|t| {
                t.eq_ignore_ascii_case("ENABLED") || t.eq_ignore_ascii_case("ENABLED_FULL")
            });
        if traced {
            fields.insert("amazon-bedrock-trace".into(), json!({"guardrail": trace}));
        }
        Ok((answer, Some(fields)))
    }
}

impl Call<'_> {
    /// A body under guardrail headers without its
    /// `amazon-bedrock-guardrailConfig` (the guardrail's settings, AWS's
    /// "Configure streaming response behavior"), and whether it asks a
    /// stream for `ASYNCHRONOUS` processing; `None` when there is nothing
    /// to take out.
    pub(super) fn guardrail_body_config(&self, body: &Value) -> Option<(Value, bool)> {
        const KEY: &str = "amazon-bedrock-guardrailConfig";
        self.request.header("x-amzn-bedrock-guardrailidentifier")?;
        let config = body.get(KEY)?;
        let asynchronous = self.operation == crate::fake::Operation::InvokeWithResponseStream
            && config.get("streamProcessingMode").and_then(Value::as_str) == Some("ASYNCHRONOUS");
        let mut stripped = body.clone();
        stripped.as_object_mut()?.remove(KEY);
        Some((stripped, asynchronous))
    }
}

/// What a stream in asynchronous mode has sent when its guardrail finds
/// something: the answer up to the end (`end`, a byte offset) of the
/// finding, unmasked, then `guardrail_intervened` (AWS: "As soon as
/// inappropriate content is identified, subsequent chunks will be
/// blocked"; masking is not supported in that mode).
pub(super) fn cut_at(answer: &mut Answer, end: usize) {
    answer.portable.text.truncate(end);
    answer.portable.stop_reason = Some(crate::portable::StopReason::GuardrailIntervened);
}

/// The texts of a request a guardrail checks: the system prompt's and the
/// messages'.
fn request_texts(req: &PortableRequest) -> Vec<&str> {
    let mut texts: Vec<&str> = req.system.as_deref().into_iter().collect();
    for message in &req.messages {
        for block in &message.content {
            if let ContentBlock::Text(text) = block {
                texts.push(text);
            }
        }
    }
    texts
}

/// The model's answer after a guardrail that acts on it: its blocked
/// message when it blocks, the answer masked when it only masks.
pub(super) fn guarded_output(
    guardrail: &Guardrail,
    found: &crate::fake::Assessment,
    req: &PortableRequest,
    mut answer: Answer,
) -> Answer {
    let text = guardrail.answer_for(found, &answer.portable.text, "OUTPUT");
    match found.blocks() {
        true => blocked_answer(req, &text),
        false => {
            answer.portable.text = text;
            answer.portable.stop_reason = Some(crate::portable::StopReason::GuardrailIntervened);
            answer
        }
    }
}

/// The answer a guardrail gives instead of the model's: its message, and
/// `guardrail_intervened`.
pub(super) fn blocked_answer(req: &PortableRequest, message: &str) -> Answer {
    Answer::made(crate::portable::PortableResponse {
        text: message.to_string(),
        stop_reason: Some(crate::portable::StopReason::GuardrailIntervened),
        usage: Some(crate::portable::Usage {
            input_tokens: crate::fake::synth::input_tokens(req),
            output_tokens: crate::fake::synth::count_tokens(message),
        }),
        ..Default::default()
    })
}
