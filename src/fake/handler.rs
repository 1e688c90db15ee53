//! The fake's logic: a plain function from a request to a response, with no
//! transport in it.

use super::answer::{
    apply_stream_fault, default_answer, event_frames, native_body, native_frames, recorded_answer,
    scripted_answer, Answer,
};
use super::errors::BedrockError;
use super::http::{FakeRequest, FakeResponse, Pacing};
use super::ids::{hex_id, latency_ms, request_id};
use super::journal::CallRecord;
use super::rules::{Action, Operation, Rule};
use super::synth::input_tokens;
use super::FakeState;

mod anthropic_messages;
mod async_invoke;
pub(crate) mod bidirectional;
mod converse;
mod guardrail;
mod mantle;
mod mantle_bridge;
mod openai_compat;
mod pacing;
use pacing::paced_metrics;
mod responses_api;
mod responses_stream;
use crate::catalog::Resolved;
use crate::error::Error;
use crate::family::RenderContext;
use crate::lifecycle::{format_date, LifecycleState};
use crate::model_id::{ModelId, ModelIdKind};
use crate::model_info::{ModelInfo, Output};
use crate::portable::{InvocationMetrics, PortableRequest};
use crate::schema::{parse_body, Rejection, MAX_BODY_BYTES};
use base64::Engine as _;
use serde_json::{json, Value};
use std::time::Duration;

/// `body` parsed, and checked against `operation`'s input shape in the
/// service model (for the operations that name no model in their path).
fn checked_body(operation: &str, body: &[u8]) -> Result<Value, BedrockError> {
    let body = parse_body(body).map_err(|r| BedrockError::validation(r.message()))?;
    crate::service_model::ServiceModel::embedded()
        .validate(operation, &body)
        .map_err(|v| BedrockError::validation(v.to_string()))?;
    Ok(body)
}

/// A Claude stream's `message_start` with the call's cache use in its
/// message's `usage`.
fn with_claude_cache_usage(frames: &mut [Vec<u8>], cache: &super::prompt_cache::CacheUsage) {
    use crate::eventstream::{chunk_message, decode, encode, padding, Frame};
    for (i, frame) in frames.iter_mut().enumerate() {
        let Ok(Frame::Chunk(bytes)) = decode(frame) else {
            continue;
        };
        let Ok(mut chunk) = serde_json::from_slice::<Value>(&bytes) else {
            continue;
        };
        if chunk["type"] != "message_start" {
            continue;
        }
        cache.apply_claude(&mut chunk["message"]["usage"]);
        let json = serde_json::to_vec(&chunk).unwrap_or_default();
        if let Ok(encoded) = encode(&chunk_message(&json, &padding(i))) {
            *frame = encoded;
        }
        return;
    }
}

/// Bedrock's text for an id that names no model.
const INVALID_MODEL: &str = "The provided model identifier is invalid.";

/// Bedrock's text for streaming a model that cannot stream.
const UNSUPPORTED_STREAMING: &str = "The model is unsupported for streaming.";

/// Answers one request.
pub(crate) fn handle(state: &FakeState, req: &FakeRequest) -> FakeResponse {
    answer(state, req, false)
}

/// Answers one request, its caller already authenticated when
/// `authenticated` (a call another API runs as a model operation).
fn answer(state: &FakeState, req: &FakeRequest, authenticated: bool) -> FakeResponse {
    // bedrock-mantle serves its own paths; a call it runs as a model's
    // InvokeModel comes back here authenticated.
    let journaled = |api: fn(&FakeState, &FakeRequest) -> FakeResponse| {
        openai_compat::journaled(state, req, || api(state, req))
    };
    if mantle::is_mantle(state) && !authenticated && !req.path.starts_with(super::control::PREFIX) {
        return journaled(mantle::answer);
    }
    // Chat Completions and the Messages API run as InvokeModel, which
    // journals them (and a refusal before that, `journaled`).
    if req.method == "POST" && req.path == openai_compat::CHAT_COMPLETIONS {
        return journaled(openai_compat::chat_completions);
    }
    if req.method == "POST" && req.path == anthropic_messages::MESSAGES {
        return journaled(anthropic_messages::messages);
    }
    if req.method == "POST" && req.path == responses_api::RESPONSES {
        return journaled(responses_api::responses);
    }
    if req.path.starts_with(super::control::PREFIX) {
        return super::control::handle(state, req);
    }

    let seed = state.call_seed(&[req.method.as_bytes(), req.path.as_bytes(), &req.body]);
    let rid = request_id(seed);
    if super::catalog_api::serves(&req.path) {
        let response = super::catalog_api::handle(state, req)
            .map(|mut r| {
                r.headers.push(("x-amzn-RequestId".into(), rid.clone()));
                r
            })
            .unwrap_or_else(|err| err.to_response(&rid));
        tracing::info!(path = %super::scrub::text(&req.path), status = response.status, "control-plane read");
        return response;
    }
    let mut entry = CallRecord {
        authenticated,
        ..Default::default()
    };
    let response = match route(state, req, seed, &rid, &mut entry) {
        Ok(response) => response,
        Err(err) => {
            entry.error = Some(err.name.clone());
            err.to_response(&rid)
        }
    };
    entry.status = response.status;
    tracing::info!(
        operation = ?entry.operation,
        // An inference profile's ARN names the caller's account: the log
        // does not.
        model = %super::scrub::text(entry.model.as_deref().unwrap_or("-")),
        status = response.status,
        error = entry.error.as_deref().unwrap_or(""),
        "call"
    );
    // A call refused before it was authenticated keeps no body.
    let body = if entry.authenticated {
        &req.body[..]
    } else {
        &[]
    };
    let mut response = response;
    if let Ok(mut journal) = state.journal.lock() {
        let seq = journal.record(entry, body);
        if let Some(pacing) = response.pacing.as_mut() {
            pacing.call = seq;
        }
    }
    response
}

fn route(
    state: &FakeState,
    req: &FakeRequest,
    seed: u64,
    rid: &str,
    entry: &mut CallRecord,
) -> Result<FakeResponse, BedrockError> {
    let unknown_operation = || BedrockError {
        name: "UnknownOperationException".into(),
        status: 404,
        message: format!(
            "bedrock-harness: no Bedrock Runtime operation at {} {}",
            req.method, req.path
        ),
        extra: Default::default(),
    };
    let segments: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    let (label, op) = match segments.as_slice() {
        ["model", label, op] => (*label, *op),
        ["guardrail", id, "version", version, "apply"] if req.method == "POST" => {
            super::auth::check(state, req)?;
            entry.authenticated = true;
            return guardrail::apply(state, id, version, &req.body, rid);
        }
        ["async-invoke"] | ["async-invoke", _] => {
            super::auth::check(state, req)?;
            entry.authenticated = true;
            return match (req.method.as_str(), segments.as_slice()) {
                ("POST", [_]) => async_invoke::start(state, req, seed, rid, entry),
                ("GET", [_]) => async_invoke::list(state, req, rid),
                ("GET", [_, arn]) => async_invoke::get(state, arn, rid),
                _ => Err(unknown_operation()),
            };
        }
        ["guardrail-checks", "invoke"] if req.method == "POST" => {
            super::auth::check(state, req)?;
            entry.authenticated = true;
            return guardrail::invoke_checks(state, &req.body, rid);
        }
        _ => return Err(unknown_operation()),
    };
    let operation = Operation::from_segment(op).ok_or_else(unknown_operation)?;
    if req.method != "POST" {
        return Err(unknown_operation());
    }
    entry.operation = Some(operation);

    if !entry.authenticated {
        super::auth::check(state, req)?;
        entry.authenticated = true;
    }

    let id =
        ModelId::from_path_label(label).map_err(|_| BedrockError::validation(INVALID_MODEL))?;
    entry.model = Some(id.as_str().to_string());
    if operation == Operation::InvokeWithBidirectionalStream {
        let mut session = bidirectional::open(state, &id, seed, rid)?;
        return bidirectional::answer_whole(&mut session, &req.body, rid);
    }
    let resolved = match state.catalog.resolve(&id) {
        Ok(resolved) => resolved,
        // A model only bedrock-mantle serves, called through one of its
        // APIs.
        Err(_) if mantle::is_mantle(state) => mantle::resolve_own(state, &id)
            .ok_or_else(|| BedrockError::validation(INVALID_MODEL))?,
        Err(err @ Error::UnimplementedWireFormat { .. }) => {
            return Err(unimplemented_wire(state, &id, &err))
        }
        Err(_) => return Err(BedrockError::validation(INVALID_MODEL)),
    };
    check_model_status(state, &id, resolved.model, operation)?;
    check_headers(req, operation)?;
    if req.body.len() > MAX_BODY_BYTES {
        return Err(BedrockError::validation(format!(
            "1 validation error detected: Value at 'body' failed to satisfy constraint: Member must have length less than or equal to {MAX_BODY_BYTES}"
        )));
    }

    // The body is parsed once, and only for a call that got this far:
    // the schema check and the family's reading share it.
    let parsed = &parse_body(&req.body);
    let rule = state
        .rules
        .lock()
        .ok()
        .and_then(|mut book| book.take(operation, |wanted| same_model(wanted, &id)));
    let delay = rule
        .as_ref()
        .and_then(|r| r.delay_ms)
        .map(Duration::from_millis);
    let call = Call {
        state,
        resolved,
        operation,
        seed,
        rid,
        rule: rule.as_ref(),
        parsed,
        note: std::cell::RefCell::new(None),
        request: req,
    };
    let answered = match operation {
        Operation::Invoke | Operation::InvokeWithResponseStream => call.invoke(),
        Operation::Converse | Operation::ConverseStream => call.converse(),
        Operation::CountTokens => call.count_tokens(),
        // Served at `/async-invoke`, never at a model's path.
        Operation::StartAsyncInvoke => Err(unknown_operation()),
        // Answered before the model is resolved (see above).
        Operation::InvokeWithBidirectionalStream => Err(unknown_operation()),
    };
    entry.note = call.note.into_inner();
    let mut response = answered?;
    // InvokeModel's answer names the tier and latency setting it ran
    // under, as asked (the service model's response headers).
    if matches!(
        operation,
        Operation::Invoke | Operation::InvokeWithResponseStream
    ) {
        for (sent, name) in [
            ("x-amzn-bedrock-service-tier", "X-Amzn-Bedrock-Service-Tier"),
            (
                "x-amzn-bedrock-performanceconfig-latency",
                "X-Amzn-Bedrock-PerformanceConfig-Latency",
            ),
        ] {
            if let Some(value) = req.header(sent) {
                response = response.with_header(name, value);
            }
        }
    }
    // An answer that is not streamed comes whole after the first byte.
    let first_byte = rule
        .as_ref()
        .and_then(|r| r.first_byte_ms)
        .filter(|_| response.pacing.is_none())
        .map(Duration::from_millis);
    response.delay = match (delay, first_byte) {
        // Under `--latency realistic`, the published latency.
        (None, None) => response.delay,
        (a, b) => Some(a.unwrap_or_default() + b.unwrap_or_default()),
    };
    Ok(response)
}

/// A JSON body with `fields` added at its top (an answer that is not an
/// object is left as it is).
fn with_fields(body: Vec<u8>, fields: serde_json::Map<String, Value>) -> Vec<u8> {
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(mut object)) => {
            object.extend(fields);
            serde_json::to_vec(&Value::Object(object)).unwrap_or(body)
        }
        _ => body,
    }
}

/// Whether a rule's model id names the same model as the call's.
fn same_model(wanted: &str, called: &ModelId) -> bool {
    if wanted == called.as_str() {
        return true;
    }
    match (ModelId::parse(wanted), called.base_id()) {
        (Ok(w), Some(base)) => w.base_id() == Some(base),
        _ => false,
    }
}

/// Bedrock's answer for a model past its end-of-life date.
fn end_of_life() -> BedrockError {
    BedrockError::new(
        "ResourceNotFoundException",
        "This model version has reached the end of its life. Please refer to the AWS documentation for more details.",
    )
}

/// The refusal for a model Bedrock serves in a wire format this crate
/// lacks: end of life first, as for any model, then the missing format.
fn unimplemented_wire(state: &FakeState, id: &ModelId, err: &Error) -> BedrockError {
    let pending = id.base_id().and_then(|b| state.catalog.pending_model(b));
    // The speech models take only their bidirectional stream.
    if pending.is_some_and(|m| m.wire.as_deref() == Some(bidirectional::SONIC_WIRE)) {
        return BedrockError::validation(bidirectional::UNSUPPORTED_ACTION);
    }
    let eol = pending
        .is_some_and(|m| m.lifecycle.state(state.config.today()) == LifecycleState::EndOfLife);
    if eol && !state.config.serve_end_of_life {
        return end_of_life();
    }
    BedrockError::validation(err.to_string())
}

/// Lifecycle and profile rules: end-of-life models answer 404, Legacy ones
/// answer with a warning in the log, and a bare id of a model that needs an
/// inference profile in the fake's region is refused for inference
/// (CountTokens takes the foundation model's own id).
fn check_model_status(
    state: &FakeState,
    id: &ModelId,
    model: &ModelInfo,
    operation: Operation,
) -> Result<(), BedrockError> {
    match model.state(state.config.today()) {
        LifecycleState::EndOfLife if !state.config.serve_end_of_life => return Err(end_of_life()),
        LifecycleState::Legacy if state.first_legacy_call(&model.id) => tracing::warn!(
            model = %model.id,
            end_of_life = %model.lifecycle.end_of_life.map(format_date).unwrap_or_else(|| "not announced".into()),
            "model is Legacy on Bedrock; it stops answering on its end-of-life date"
        ),
        _ => {}
    }
    // CountTokens runs nothing; StartAsyncInvoke takes base models (the
    // model pages list it for base models only).
    if matches!(
        operation,
        Operation::CountTokens | Operation::StartAsyncInvoke
    ) {
        return Ok(());
    }
    let bare = match id.kind() {
        ModelIdKind::Base => true,
        ModelIdKind::Arn { resource_type, .. } => resource_type == "foundation-model",
        ModelIdKind::InferenceProfile { .. } => false,
    };
    if model.requires_profile(&state.config.region) && bare {
        return Err(BedrockError::validation(format!(
            "Invocation of model ID {} with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
            model.id
        )));
    }
    Ok(())
}

/// Guardrail headers: an identifier needs a version, digits or `DRAFT`.
/// The operation's header members checked against the service model
/// (`X-Amzn-Bedrock-Service-Tier`, the guardrail headers, ...), then the
/// guardrail pair, which must come together.
fn check_headers(req: &FakeRequest, operation: Operation) -> Result<(), BedrockError> {
    crate::service_model::ServiceModel::embedded()
        .validate_headers(operation.name(), |name| req.header(name))
        .map_err(|v| BedrockError::validation(v.to_string()))?;
    let id = req.header("x-amzn-bedrock-guardrailidentifier");
    let version = req.header("x-amzn-bedrock-guardrailversion");
    match (id, version) {
        (Some(_), None) => Err(BedrockError::validation(
            "bedrock-harness: a guardrail version is required when a guardrail identifier is provided (Bedrock's words for this are not published).",
        )),
        (None, Some(_)) => Err(BedrockError::validation(
            "bedrock-harness: a guardrail identifier is required when a guardrail version is provided (Bedrock's words for this are not published).",
        )),
        _ => Ok(()),
    }
}

struct Call<'a> {
    state: &'a FakeState,
    resolved: Resolved<'a>,
    operation: Operation,
    seed: u64,
    rid: &'a str,
    rule: Option<&'a Rule>,
    /// The body, parsed once for the whole call.
    parsed: &'a Result<Value, Rejection>,
    /// What the journal should know about how the call was answered.
    note: std::cell::RefCell<Option<String>>,
    /// The request, for its headers.
    request: &'a FakeRequest,
}

impl Call<'_> {
    fn model(&self) -> &ModelInfo {
        self.resolved.model
    }

    /// The parsed body, or Bedrock's refusal of an unreadable one.
    fn body(&self) -> Result<&Value, BedrockError> {
        self.parsed
            .as_ref()
            .map_err(|r| BedrockError::validation(r.message()))
    }

    /// What the family reads from a body that passed the schema. A body it
    /// cannot read is answered with the model's recording as recorded,
    /// with a warning and a journal note, so that a gap between the schema
    /// and the family is seen, not hidden.
    fn read_request(&self, body: &Value) -> PortableRequest {
        let family = self.resolved.family;
        match family.read_request_value(body, self.model()) {
            Ok(req) => req,
            Err(e) => {
                let note = format!(
                    "bedrock-harness could not read this body as a {} request ({e}); it answered with the recording as recorded",
                    family.name()
                );
                tracing::warn!(model = %self.model().id, "{note}");
                *self.note.borrow_mut() = Some(note);
                PortableRequest::default()
            }
        }
    }

    fn check_streaming(&self) -> Result<(), BedrockError> {
        if self.operation.is_stream() && !self.model().streaming {
            return Err(BedrockError::validation(UNSUPPORTED_STREAMING));
        }
        Ok(())
    }

    /// The answer, its tool calls named for this call.
    fn answer(&self, req: &PortableRequest) -> Result<Answer, BedrockError> {
        let mut answer = self.chosen_answer(req)?;
        answer.renew_tool_ids(self.seed);
        Ok(answer)
    }

    /// The answer: the rule's, else the default.
    fn chosen_answer(&self, req: &PortableRequest) -> Result<Answer, BedrockError> {
        let family = self.resolved.family;
        if let Some(rule) = self.rule {
            super::rule_fit::refuse(&rule.action, &self.resolved, self.operation)?;
            if let Some(answer) = scripted_answer(
                &rule.action,
                &self.state.recordings,
                family,
                req,
                self.operation,
            )? {
                return Ok(answer);
            }
        }
        if self.note.borrow().is_some() {
            let recorded =
                recorded_answer(&self.state.recordings, family, self.model(), self.operation);
            if let Some(answer) = recorded {
                return answer;
            }
        }
        default_answer(
            &self.state.recordings,
            family,
            self.model(),
            req,
            self.operation,
            match self.rule.map(|r| &r.action) {
                Some(Action::ToolPolicy { policy }) => *policy,
                _ => self.state.config.tool_policy,
            },
        )
    }

    fn stream_fault(&self) -> Option<&Action> {
        self.rule.map(|r| &r.action).filter(|a| a.is_stream_fault())
    }

    fn metrics(&self, answer: &Answer) -> InvocationMetrics {
        let usage = answer.portable.usage.unwrap_or_default();
        let (invocation_latency, first_byte_latency) = match self.published_latency() {
            Some(figures) => (
                figures.whole(usage.output_tokens).as_millis() as u64,
                figures.first_byte_ms,
            ),
            None => {
                let latency = latency_ms(self.seed, usage.output_tokens);
                (latency, latency / 3)
            }
        };
        InvocationMetrics {
            input_token_count: usage.input_tokens,
            output_token_count: usage.output_tokens,
            invocation_latency,
            first_byte_latency,
        }
    }

    /// A scripted error is answered before the body is read, as throttling
    /// and access errors are.
    fn scripted_error(&self) -> Result<(), BedrockError> {
        match self.rule.map(|r| &r.action) {
            Some(action @ Action::Error { .. }) => {
                scripted_answer(
                    action,
                    &self.state.recordings,
                    self.resolved.family,
                    &PortableRequest::default(),
                    self.operation,
                )?;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn invoke(&self) -> Result<FakeResponse, BedrockError> {
        self.scripted_error()?;
        self.check_streaming()?;
        let value = self.body()?;
        // Under a guardrail the body may carry the guardrail's own
        // settings, which the model never sees.
        let (value, asynchronous) = match self.guardrail_body_config(value) {
            Some((stripped, asynchronous)) => (std::borrow::Cow::Owned(stripped), asynchronous),
            None => (std::borrow::Cow::Borrowed(value), false),
        };
        let value = value.as_ref();
        self.state
            .validator
            .validate_value(self.model(), value)
            .map_err(|r| BedrockError::validation(r.message()))?;
        let family = self.resolved.family;
        let checkpoints = match self.model().family.as_str() {
            "anthropic" => super::prompt_cache::claude_checkpoints(value, self.model())?,
            _ => None,
        };
        let req = self.read_request(value);
        let (answer, guarded) = self.guard_invoke(&req, asynchronous, || self.answer(&req))?;
        let cache = checkpoints.and_then(|points| self.cache_usage(&points));
        let response_id = hex_id(self.seed);
        let ctx = RenderContext {
            model: self.model(),
            response_id: &response_id,
            request: Some(&req),
        };
        let metrics = self.metrics(&answer);
        if self.operation == Operation::InvokeWithResponseStream {
            // The guardrail's fields ride on the last chunk.
            let extra = guarded.clone().unwrap_or_default();
            let mut frames = native_frames(&answer, family, &ctx, metrics, &extra)?;
            let pacing = self.pacing(metrics.output_token_count, frames.len());
            if let Some(paced) = paced_metrics(metrics, pacing, frames.len()) {
                frames = native_frames(&answer, family, &ctx, paced, &extra)?;
            }
            if let Some(cache) = &cache {
                with_claude_cache_usage(&mut frames, cache);
            }
            let frames = apply_stream_fault(frames, self.stream_fault());
            return Ok(self.stream_response(frames, pacing));
        }
        let mut native = native_body(&answer, family, &ctx)?;
        if let Some(cache) = &cache {
            if let Ok(mut body) = serde_json::from_slice::<Value>(&native) {
                cache.apply_claude(&mut body["usage"]);
                native = serde_json::to_vec(&body).unwrap_or(native);
            }
        }
        if let Some(fields) = guarded {
            native = with_fields(native, fields);
        }
        let mut response = FakeResponse::json_bytes(200, native)
            .with_header("x-amzn-RequestId", self.rid)
            .with_header(
                "X-Amzn-Bedrock-Invocation-Latency",
                metrics.invocation_latency.to_string(),
            )
            .with_header(
                "X-Amzn-Bedrock-Input-Token-Count",
                metrics.input_token_count.to_string(),
            );
        // Embedding and rerank models generate no tokens; no source shows
        // the header for a rerank answer either way.
        if !matches!(self.model().output, Output::Embedding | Output::Rerank) {
            response = response.with_header(
                "X-Amzn-Bedrock-Output-Token-Count",
                metrics.output_token_count.to_string(),
            );
        }
        response.delay = self.whole_answer_delay(metrics);
        Ok(response)
    }

    fn count_tokens(&self) -> Result<FakeResponse, BedrockError> {
        let value = self.body()?;
        crate::service_model::ServiceModel::embedded()
            .validate(Operation::CountTokens.name(), value)
            .map_err(|v| BedrockError::validation(v.to_string()))?;
        let input = value.get("input");
        let tokens = if let Some(encoded) = input
            .and_then(|i| i.pointer("/invokeModel/body"))
            .and_then(Value::as_str)
        {
            let native = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map_err(|_| {
                    BedrockError::validation(
                        "bedrock-harness: the input.invokeModel.body field must be base64-encoded JSON.",
                    )
                })?;
            let parsed = parse_body(&native).map_err(|r| BedrockError::validation(r.message()))?;
            self.state
                .validator
                .validate_value(self.model(), &parsed)
                .map_err(|r| BedrockError::validation(r.message()))?;
            let req = self
                .resolved
                .family
                .read_request_value(&parsed, self.model())
                .ok();
            req.map_or_else(
                || super::synth::count_tokens(&String::from_utf8_lossy(&native)),
                |r| input_tokens(&r),
            )
        } else if let Some(converse) = input.and_then(|i| i.get("converse")) {
            let req = crate::converse::to_portable(converse, self.model(), false)
                .map_err(|r| BedrockError::validation(r.0))?;
            input_tokens(&req)
        } else {
            return Err(BedrockError::validation(
                "bedrock-harness: the input field must hold exactly one of invokeModel and converse.",
            ));
        };
        Ok(FakeResponse::json(200, &json!({"inputTokens": tokens}))
            .with_header("x-amzn-RequestId", self.rid))
    }

    fn stream_response(
        &self,
        frames: Vec<Vec<u8>>,
        pacing: Option<(Duration, Duration)>,
    ) -> FakeResponse {
        let pacing = pacing.map(|(first_byte, interval)| Pacing {
            first_byte,
            interval,
            call: 0,
            frame_ends: frames
                .iter()
                .scan(0, |end, frame| {
                    *end += frame.len();
                    Some(*end)
                })
                .collect(),
        });
        let body = frames.concat();
        FakeResponse {
            status: 200,
            headers: vec![
                (
                    "content-type".into(),
                    "application/vnd.amazon.eventstream".into(),
                ),
                ("x-amzn-RequestId".into(), self.rid.to_string()),
                (
                    "X-Amzn-Bedrock-Content-Type".into(),
                    "application/json".into(),
                ),
            ],
            body,
            delay: None,
            pacing,
        }
    }
}

/// How Converse passes on the model's own refusal of the native body it
/// built: "The model returned the following errors: Malformed input
/// request: ..." (zed-industries/zed#31815, Nova), "... `temperature` and
/// `top_p` cannot both be specified ..." (aws-samples/bedrock-access-gateway#191,
/// Claude Haiku 4.5).
const MODEL_ERRORS: &str = "The model returned the following errors: ";

/// Bedrock's message for a Converse request the family cannot express, or
/// that the model's own rules refuse.
fn converse_refusal(err: &Error) -> String {
    match err {
        Error::Unsupported { feature, .. } => {
            format!("This model doesn't support {feature}. Try again without it or use a model that supports it.")
        }
        Error::Service { message, .. } | Error::Refused { message, .. } => {
            format!("{MODEL_ERRORS}{message}")
        }
        other => other.to_string(),
    }
}
