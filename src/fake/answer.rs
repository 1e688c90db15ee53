//! What the fake answers: a recording that fits the request, or a
//! synthesized answer; and its native body, stream chunks and frames.

use super::errors::BedrockError;
use super::ids::{hex_id, stable_hash};
use super::rules::{Action, Operation};
use super::synth::{count_tokens, input_tokens, synthesize_with};
use super::tool_policy::{step as tool_step, ToolPolicy, ToolStep};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::eventstream::{chunk_message, encode, event_message, exception_message, padding};
use crate::family::{ModelFamily, RenderContext};
use crate::fixtures::FixtureStore;
use crate::model_info::{ModelInfo, Output};
use crate::portable::{
    InvocationMetrics, PortableRequest, PortableResponse, StopReason, ToolCall, Usage,
};
use crate::recording::Recording;
use base64::Engine as _;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

/// The member Bedrock merges into the last chunk of a response stream.
const INVOCATION_METRICS: &str = "amazon-bedrock-invocationMetrics";

/// An answer: always its portable form; the recording when it came from
/// one (its native body and chunks are sent as recorded, but for the fields
/// that name the call).
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub portable: PortableResponse,
    recorded: Option<Arc<Prepared>>,
    /// The recorded tool-call ids and the ids this call gives them.
    renamed: Vec<(String, String)>,
}

impl Answer {
    /// An answer made for this call, from no recording.
    pub(crate) fn made(portable: PortableResponse) -> Self {
        Answer {
            portable,
            recorded: None,
            renamed: Vec::new(),
        }
    }

    /// Gives the answer's tool calls the ids of this call (`tooluse_` and
    /// 22 hex digits from the call's `seed`), so two calls never share one;
    /// a recording's own ids are replaced wherever its body names them.
    pub(crate) fn renew_tool_ids(&mut self, seed: u64) {
        for (i, call) in self.portable.tool_calls.iter_mut().enumerate() {
            let hash = stable_hash(&[&seed.to_be_bytes(), &i.to_be_bytes()]);
            let fresh = format!("tooluse_{}", &hex_id(hash)[..22]);
            let old = std::mem::replace(&mut call.id, fresh.clone());
            if self.recorded.is_some() && !old.is_empty() {
                self.renamed.push((old, fresh));
            }
        }
    }

    /// Whether a recorded body must be rewritten for this call.
    fn rewrites(&self, family: &dyn ModelFamily) -> bool {
        !family.identity_fields().is_empty() || !self.renamed.is_empty()
    }

    fn recorded_chunks(&self) -> Option<&[Value]> {
        self.recorded.as_ref()?.recording.stream.as_deref()
    }
}

/// A recording made ready to answer with, once: its InvokeModel body
/// serialised, and its family's readings of it kept, so that a call
/// answered with it copies bytes instead of cloning and reading JSON.
#[derive(Debug)]
struct Prepared {
    recording: Recording,
    invoke_bytes: Option<Vec<u8>>,
    read_invoke: OnceLock<Option<PortableResponse>>,
    read_stream: OnceLock<Option<PortableResponse>>,
    frames: OnceLock<Result<RecordedFrames, String>>,
}

/// A recorded stream's frames, made once: the same on every call but the
/// last JSON chunk's, into which each call merges its own metrics.
#[derive(Debug)]
struct RecordedFrames {
    frames: Vec<Vec<u8>>,
    /// The chunk that takes the call's metrics, when the recording has none.
    metrics_at: Option<usize>,
}

impl Prepared {
    fn new(recording: Recording) -> Self {
        let invoke_bytes = recording
            .invoke
            .as_ref()
            .and_then(|native| serde_json::to_vec(native).ok());
        Prepared {
            recording,
            invoke_bytes,
            read_invoke: OnceLock::new(),
            read_stream: OnceLock::new(),
            frames: OnceLock::new(),
        }
    }

    /// The recorded stream's frames, `None` when it has no stream.
    fn frames(&self) -> Option<Result<&RecordedFrames, BedrockError>> {
        let chunks = self.recording.stream.as_deref()?;
        let made = self.frames.get_or_init(|| {
            let last = chunks.iter().rposition(Value::is_object);
            Ok(RecordedFrames {
                frames: chunk_frames(chunks).map_err(|e| e.message)?,
                metrics_at: last.filter(|&at| chunks[at].get(INVOCATION_METRICS).is_none()),
            })
        });
        Some(
            made.as_ref()
                .map_err(|e| BedrockError::new("InternalServerException", e.clone())),
        )
    }

    /// The family's reading of the invoke body, `None` if it has none or
    /// the family cannot read it.
    fn read_invoke(&self, family: &dyn ModelFamily) -> Option<PortableResponse> {
        self.read_invoke
            .get_or_init(|| family.parse(self.invoke_bytes.as_deref()?).ok())
            .clone()
    }

    /// The family's reading of the recorded stream.
    fn read_stream(&self, family: &dyn ModelFamily) -> Option<PortableResponse> {
        self.read_stream
            .get_or_init(|| {
                let mut acc = StreamAccumulator::new();
                for chunk in self.recording.stream.as_deref()? {
                    acc.feed(family, &chunk_bytes(chunk)).ok()?;
                }
                acc.finish().ok()
            })
            .clone()
    }
}

/// The most recording paths (found or not) a fake keeps read.
const MAX_CACHED_RECORDINGS: usize = 4096;

/// Recording files read once and kept, prepared, by path.
#[derive(Debug, Default)]
pub(crate) struct Recordings {
    store: FixtureStore,
    parsed: RwLock<HashMap<String, Option<Arc<Prepared>>>>,
    /// Each model's own recording and its family's default, by model id:
    /// what every call without a rule answers from, found with one lookup.
    by_model: RwLock<HashMap<String, ModelRecordings>>,
}

/// A model's own recording and its family's `default`, either absent.
type ModelRecordings = [Option<Arc<Prepared>>; 2];

impl Recordings {
    pub(crate) fn new(store: FixtureStore) -> Self {
        Recordings {
            store,
            parsed: RwLock::default(),
            by_model: RwLock::default(),
        }
    }

    /// `model`'s own recording, then `family`'s default.
    fn for_model(&self, family: &dyn ModelFamily, model: &ModelInfo) -> ModelRecordings {
        if let Some(hit) = self
            .by_model
            .read()
            .ok()
            .and_then(|m| m.get(&model.id).cloned())
        {
            return hit;
        }
        let found = [recording_name(&model.id), "default".to_string()]
            .map(|name| self.get(&crate::fixture_layout::recording(family.name(), &name)));
        if let Ok(mut map) = self.by_model.write() {
            if map.len() < MAX_CACHED_RECORDINGS {
                map.insert(model.id.clone(), found.clone());
            }
        }
        found
    }

    /// Reads every recording of every family once: a file that is not a
    /// recording, or whose answer its family cannot read, is a fixture
    /// error naming the file, as a malformed `models.json` is.
    pub(crate) fn check(&self) -> Result<(), Error> {
        for family in crate::family::families() {
            let dir = crate::fixture_layout::responses(family.name());
            for name in self.store.list(&dir) {
                if !name.ends_with(".json") {
                    continue;
                }
                let path = format!("{dir}/{name}");
                let fixture = |reason: String| Error::Fixture {
                    path: path.clone(),
                    reason,
                };
                let recording: Recording = self
                    .store
                    .read_json(&path)?
                    .ok_or_else(|| fixture("missing".into()))?;
                // The readings made here are the ones calls answer with.
                let prepared = Prepared::new(recording);
                if let Some(bytes) = &prepared.invoke_bytes {
                    let read = family.parse(bytes).map_err(|e| {
                        fixture(format!("its invoke answer does not read back: {e}"))
                    })?;
                    let _ = prepared.read_invoke.set(Some(read));
                }
                if let Some(chunks) = prepared.recording.stream.as_deref() {
                    let mut acc = StreamAccumulator::new();
                    for chunk in chunks {
                        acc.feed(*family, &chunk_bytes(chunk))
                            .map_err(|e| fixture(format!("its stream does not read back: {e}")))?;
                    }
                    let _ = prepared.read_stream.set(acc.finish().ok());
                }
                if let Ok(mut map) = self.parsed.write() {
                    map.insert(path, Some(Arc::new(prepared)));
                }
            }
        }
        Ok(())
    }

    /// The recording at `path`, if it exists and parses.
    fn get(&self, path: &str) -> Option<Arc<Prepared>> {
        if let Some(hit) = self.parsed.read().ok().and_then(|m| m.get(path).cloned()) {
            return hit;
        }
        let loaded: Option<Arc<Prepared>> = self
            .store
            .read_json(path)
            .ok()
            .flatten()
            .map(|recording| Arc::new(Prepared::new(recording)));
        // Names come from calls and rules: past the bound, what is read is
        // not kept, so the cache cannot grow with the names clients send.
        if let Ok(mut map) = self.parsed.write() {
            if map.len() < MAX_CACHED_RECORDINGS {
                map.insert(path.to_string(), loaded.clone());
            }
        }
        loaded
    }
}

/// The file name of a model's own recording: the id with `:` as `_`.
pub fn recording_name(model_id: &str) -> String {
    model_id
        .chars()
        .map(|c| if matches!(c, ':' | '/') { '_' } else { c })
        .collect()
}

/// Recording `name` of `family`, when it has what `operation` answers
/// with: an error, or an `invoke` body (InvokeModel), or chunks or a body
/// (the other operations).
fn load(
    recordings: &Recordings,
    family: &dyn ModelFamily,
    name: &str,
    operation: Operation,
) -> Option<Result<Answer, BedrockError>> {
    let path = crate::fixture_layout::recording(family.name(), name);
    answer_from(recordings.get(&path)?, family, operation)
}

/// What `prepared` answers `operation` with, if it holds that.
fn answer_from(
    prepared: Arc<Prepared>,
    family: &dyn ModelFamily,
    operation: Operation,
) -> Option<Result<Answer, BedrockError>> {
    let recording = &prepared.recording;
    if let Some(error) = &recording.error {
        return Some(Err(BedrockError {
            name: error.name.clone(),
            status: error.status,
            message: error.message.clone(),
            extra: Box::new(error.extra.clone()),
        }));
    }
    let portable = match (&recording.invoke, &recording.stream) {
        (Some(_), _) => prepared.read_invoke(family)?,
        (None, Some(_)) if operation != Operation::Invoke => prepared.read_stream(family)?,
        _ => return None,
    };
    Some(Ok(Answer {
        portable,
        recorded: Some(prepared),
        renamed: Vec::new(),
    }))
}

/// Whether a recorded base64 image has the size and format asked for
/// (any, where the request names none).
fn image_fits(image: &str, req: &PortableRequest) -> bool {
    let asked = &req.image;
    if asked.width.is_none() && asked.height.is_none() && asked.format.is_none() {
        return true;
    }
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(image) else {
        return false;
    };
    let size = crate::pictures::image_size(&bytes);
    asked
        .width
        .is_none_or(|w| size.is_some_and(|(got, _)| got == w))
        && asked
            .height
            .is_none_or(|h| size.is_some_and(|(_, got)| got == h))
        && asked
            .format
            .is_none_or(|f| crate::portable::ImageFormat::sniff(&bytes) == Some(f))
}

/// Whether a recorded answer honours what the request asks for: within
/// its token limit and stop sequences, calling a tool when one is forced
/// and only tools offered, reasoning exactly when the model would reason;
/// never for an embedding.
fn fits(
    answer: &PortableResponse,
    req: &PortableRequest,
    model: &ModelInfo,
    policy: ToolPolicy,
) -> bool {
    match model.output {
        Output::Text => {
            let output = answer
                .usage
                .map_or_else(|| count_tokens(&answer.text), |u| u.output_tokens);
            let step_fits = match tool_step(req, policy) {
                // The calls the policy chooses, by name, and no others.
                ToolStep::Call(tools) => {
                    !answer.tool_calls.is_empty()
                        && answer
                            .tool_calls
                            .iter()
                            .all(|c| tools.iter().any(|t| t.name == c.name))
                }
                // A recording cannot know what the tools returned.
                ToolStep::UseResults => false,
                ToolStep::Text => answer.tool_calls.is_empty(),
            };
            req.params.max_tokens.is_none_or(|max| output <= max)
                && !req
                    .params
                    .stop_sequences
                    .iter()
                    .any(|s| !s.is_empty() && answer.text.contains(s.as_str()))
                && step_fits
                && super::synth::reasons(req, model) != answer.reasoning.is_empty()
                // A recording cannot know the schema asked for.
                && req.output_schema.is_none()
        }
        Output::Embedding => false,
        Output::Image => {
            answer.images.len() == req.image.count.unwrap_or(1) as usize
                && answer.images.iter().all(|image| image_fits(image, req))
        }
        Output::Rerank => {
            let documents = req.rerank.documents.len();
            answer.rankings.len() == req.rerank.results()
                && answer
                    .rankings
                    .iter()
                    .all(|r| (r.index as usize) < documents)
        }
    }
}

/// The default answer: the model's own recording, else the family's
/// default recording, when it fits (a recorded error always does);
/// otherwise a synthesized one.
pub(crate) fn default_answer(
    recordings: &Recordings,
    family: &dyn ModelFamily,
    model: &ModelInfo,
    req: &PortableRequest,
    operation: Operation,
    policy: ToolPolicy,
) -> Result<Answer, BedrockError> {
    for prepared in recordings.for_model(family, model).into_iter().flatten() {
        match answer_from(prepared, family, operation) {
            Some(Ok(answer)) if fits(&answer.portable, req, model, policy) => {
                return Ok(with_usage(answer, req))
            }
            Some(Err(error)) => return Err(error),
            _ => {}
        }
    }
    Ok(Answer::made(synthesize_with(req, model, policy)))
}

/// The model's recording (else the family's default), as recorded: the
/// answer to a request the family could not read, whose options are
/// unknown.
pub(crate) fn recorded_answer(
    recordings: &Recordings,
    family: &dyn ModelFamily,
    model: &ModelInfo,
    operation: Operation,
) -> Option<Result<Answer, BedrockError>> {
    recordings
        .for_model(family, model)
        .into_iter()
        .flatten()
        .find_map(|prepared| answer_from(prepared, family, operation))
}

/// The answer a rule scripts, or `Err` with the error it scripts.
pub(crate) fn scripted_answer(
    action: &Action,
    recordings: &Recordings,
    family: &dyn ModelFamily,
    req: &PortableRequest,
    operation: Operation,
) -> Result<Option<Answer>, BedrockError> {
    let usage = |output: &str| Usage {
        input_tokens: input_tokens(req),
        output_tokens: count_tokens(output),
    };
    Ok(Some(match action {
        Action::Text { text, stop_reason } => Answer::made(PortableResponse {
            text: text.clone(),
            stop_reason: Some(
                stop_reason
                    .as_deref()
                    .map_or(StopReason::EndTurn, StopReason::from_converse_name),
            ),
            usage: Some(usage(text)),
            ..Default::default()
        }),
        Action::ToolCall { name, input } => Answer::made(PortableResponse {
            tool_calls: vec![ToolCall {
                id: format!(
                    "tooluse_{}",
                    &super::ids::hex_id(super::ids::stable_hash(&[
                        name.as_bytes(),
                        input.to_string().as_bytes()
                    ]))[..22]
                ),
                name: name.clone(),
                input: input.clone(),
            }],
            stop_reason: Some(StopReason::ToolUse),
            usage: Some(usage(&input.to_string())),
            ..Default::default()
        }),
        Action::Fixture { name } => {
            let answer = load(recordings, family, name, operation).ok_or_else(|| {
                BedrockError::validation(format!(
                    "bedrock-harness: no recording {}/responses/{name}.json for this model's family",
                    family.name()
                ))
            })??;
            with_usage(answer, req)
        }
        Action::Error {
            name,
            message,
            extra,
        } => return Err(BedrockError::scripted(name, message.clone(), extra.clone())),
        Action::StreamError { .. }
        | Action::TruncateStream { .. }
        | Action::BadCrc { .. }
        | Action::ToolPolicy { .. }
        | Action::JobFailure { .. } => return Ok(None),
    }))
}

/// Fills usage where the recording's body has none, so headers and stream
/// metrics always have counts.
fn with_usage(mut answer: Answer, req: &PortableRequest) -> Answer {
    if answer.portable.usage.is_none() {
        answer.portable.usage = Some(recorded_metrics(&answer).unwrap_or_else(|| Usage {
            input_tokens: input_tokens(req),
            output_tokens: count_tokens(&answer.portable.text),
        }));
    }
    answer
}

/// The token counts of the recorded stream's invocation metrics, so a
/// recording whose body has none reports the same counts in headers as its
/// stream does.
fn recorded_metrics(answer: &Answer) -> Option<Usage> {
    let metrics: InvocationMetrics = answer
        .recorded_chunks()?
        .iter()
        .rev()
        .find_map(|c| c.get(INVOCATION_METRICS))
        .and_then(|m| serde_json::from_value(m.clone()).ok())?;
    Some(Usage {
        input_tokens: metrics.input_token_count,
        output_tokens: metrics.output_token_count,
    })
}

/// The bytes of the native InvokeModel body of an answer.
pub(crate) fn native_body(
    answer: &Answer,
    family: &dyn ModelFamily,
    ctx: &RenderContext<'_>,
) -> Result<Vec<u8>, BedrockError> {
    let cannot = |e: Error| {
        BedrockError::new(
            "InternalServerException",
            format!("bedrock-harness cannot render this answer: {e}"),
        )
    };
    let recorded = answer.recorded.as_ref();
    if let Some(prepared) = recorded {
        match (&prepared.recording.invoke, &prepared.invoke_bytes) {
            (Some(body), _) if answer.rewrites(family) => {
                let fresh = family
                    .render_response(&answer.portable, ctx)
                    .map_err(cannot)?;
                let mut body = body.clone();
                identify(
                    &mut body,
                    &[fresh],
                    family.identity_fields(),
                    &answer.renamed,
                );
                return serde_json::to_vec(&body)
                    .map_err(|e| cannot(Error::parse("fake", "answer", e)));
            }
            (_, Some(bytes)) => return Ok(bytes.clone()),
            _ => {}
        }
    }
    family
        .render_response_bytes(&answer.portable, ctx)
        .map_err(cannot)
}

/// Rewrites the fields at `pointers` in a recorded body or chunk with the
/// values the family renders for this call (from the first of `fresh` that
/// has each), and the recorded tool-call ids with this call's.
fn identify(
    recorded: &mut Value,
    fresh: &[Value],
    pointers: &[&str],
    renamed: &[(String, String)],
) {
    for pointer in pointers {
        let Some(slot) = recorded.pointer_mut(pointer) else {
            continue;
        };
        if let Some(value) = fresh.iter().find_map(|f| f.pointer(pointer)) {
            *slot = value.clone();
        }
    }
    if !renamed.is_empty() {
        rename_strings(recorded, renamed);
    }
}

/// Replaces every string that is exactly an old id with its new one.
fn rename_strings(value: &mut Value, renamed: &[(String, String)]) {
    match value {
        Value::String(s) => {
            if let Some((_, new)) = renamed.iter().find(|(old, _)| old == s) {
                *s = new.clone();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_strings(v, renamed)),
        Value::Object(map) => map.values_mut().for_each(|v| rename_strings(v, renamed)),
        _ => {}
    }
}

/// The InvokeModelWithResponseStream frames of an answer: its native
/// chunks, the invocation metrics merged into the last JSON chunk unless a
/// recorded last chunk has its own. A recording's frames are made once;
/// a call makes only the frame its metrics go into.
pub(crate) fn native_frames(
    answer: &Answer,
    family: &dyn ModelFamily,
    ctx: &RenderContext<'_>,
    metrics: InvocationMetrics,
    extra: &serde_json::Map<String, Value>,
) -> Result<Vec<Vec<u8>>, BedrockError> {
    let recorded = answer.recorded.as_ref();
    let rewrites = answer.rewrites(family) || !extra.is_empty();
    if let (Some(chunks), true) = (answer.recorded_chunks(), rewrites) {
        let fresh = family
            .render_chunks(&answer.portable, ctx)
            .unwrap_or_default();
        let mut chunks = chunks.to_vec();
        for chunk in chunks.iter_mut().filter(|c| c.is_object()) {
            identify(chunk, &fresh, family.identity_fields(), &answer.renamed);
        }
        if let Some(last) = chunks.iter_mut().rev().find(|c| c.is_object()) {
            // The call's own metrics, as the other paths write them: they
            // agree with its pacing and its token counts.
            last[INVOCATION_METRICS] = json!(metrics);
            merge_into(last, extra);
        }
        return chunk_frames(&chunks);
    }
    if let Some(made) = recorded.and_then(|p| p.frames()) {
        let made = made?;
        let mut frames = made.frames.clone();
        if let (Some(at), Some(chunks)) = (made.metrics_at, answer.recorded_chunks()) {
            let mut last = chunks[at].clone();
            last[INVOCATION_METRICS] = json!(metrics);
            frames[at] = chunk_frame(at, &last)?;
        }
        return Ok(frames);
    }
    let mut chunks = family.render_chunks(&answer.portable, ctx).map_err(|e| {
        BedrockError::new(
            "InternalServerException",
            format!("bedrock-harness cannot stream this answer: {e}"),
        )
    })?;
    if let Some(last) = chunks.iter_mut().rev().find(|c| c.is_object()) {
        last[INVOCATION_METRICS] = json!(metrics);
        merge_into(last, extra);
    }
    chunk_frames(&chunks)
}

/// Adds `extra`'s fields to a chunk object (the guardrail's action on the
/// last chunk of a stream).
fn merge_into(chunk: &mut Value, extra: &serde_json::Map<String, Value>) {
    if let Value::Object(object) = chunk {
        object.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
}

/// One chunk's bytes: a JSON chunk serialised, a string chunk (`[DONE]`) as is.
fn chunk_bytes(chunk: &Value) -> Vec<u8> {
    match chunk {
        Value::String(raw) => raw.clone().into_bytes(),
        other => serde_json::to_vec(other).unwrap_or_default(),
    }
}

/// InvokeModelWithResponseStream frames for `chunks`.
fn chunk_frames(chunks: &[Value]) -> Result<Vec<Vec<u8>>, BedrockError> {
    chunks
        .iter()
        .enumerate()
        .map(|(i, c)| chunk_frame(i, c))
        .collect()
}

/// The frame of the `index`th chunk, padded as that frame is.
fn chunk_frame(index: usize, chunk: &Value) -> Result<Vec<u8>, BedrockError> {
    encode(&chunk_message(&chunk_bytes(chunk), &padding(index)))
        .map_err(|e| BedrockError::new("InternalServerException", e.to_string()))
}

/// ConverseStream frames for `(event, payload)` pairs, each payload padded.
pub(crate) fn event_frames(
    events: Vec<(&'static str, Value)>,
) -> Result<Vec<Vec<u8>>, BedrockError> {
    events
        .into_iter()
        .enumerate()
        .map(|(i, (name, mut payload))| {
            payload["p"] = json!(padding(i));
            encode(&event_message(
                name,
                serde_json::to_vec(&payload).unwrap_or_default(),
            ))
        })
        .collect::<Result<_, _>>()
        .map_err(|e| BedrockError::new("InternalServerException", e.to_string()))
}

/// Applies a stream fault to the frames: an exception after `after` frames,
/// a truncation, or a corrupted byte.
pub(crate) fn apply_stream_fault(mut frames: Vec<Vec<u8>>, fault: Option<&Action>) -> Vec<Vec<u8>> {
    match fault {
        Some(Action::StreamError {
            after,
            name,
            message,
        }) => {
            frames.truncate(*after);
            let err = BedrockError::new(
                name,
                message
                    .clone()
                    .unwrap_or_else(|| super::errors::default_message(name).to_string()),
            );
            let mut body = err.body();
            if name == "ModelStreamErrorException" {
                body["originalStatusCode"] = json!(500);
                body["originalMessage"] = json!(err.message);
            }
            if let Ok(frame) = encode(&exception_message(
                &err.exception_type(),
                serde_json::to_vec(&body).unwrap_or_default(),
            )) {
                frames.push(frame);
            }
        }
        Some(Action::TruncateStream { after }) if *after < frames.len() => {
            let half = frames[*after].len() / 2;
            frames[*after].truncate(half);
            frames.truncate(after + 1);
        }
        Some(Action::BadCrc { frame }) => {
            if let Some(f) = frames.get_mut(*frame) {
                let at = f.len().saturating_sub(5);
                f[at] ^= 0x5a;
            }
        }
        _ => {}
    }
    frames
}
