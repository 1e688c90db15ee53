//! StartAsyncInvoke (`POST /async-invoke`), GetAsyncInvoke (`GET
//! /async-invoke/{invocationArn}`) and ListAsyncInvokes (`GET
//! /async-invoke`): the request checked against the service model, the
//! model's input against its family's asynchronous schema, the job kept
//! in the fake's state (see [`async_jobs`](crate::fake::async_jobs)).
//!
//! Bedrock's words: a model without asynchronous invocation is refused
//! `The provided request is not valid` (ValidationException, quoted in
//! boto/boto3#4382 for a text model). No source quotes the refusal of an
//! unknown invocation ARN, of a reused `clientRequestToken` with another
//! request, or of a `nextToken` not given: those texts are the fake's.

use super::{check_model_status, BedrockError, FakeResponse, FakeState, INVALID_MODEL};
use crate::fake::async_jobs::{invocation_id, local_folder, AsyncJob, JobFilter, MAX_PAGE};
use crate::fake::http::FakeRequest;
use crate::fake::journal::CallRecord;
use crate::fake::rules::{Action, Operation};
use crate::model_id::ModelId;
use crate::service_model::ServiceModel;
use serde_json::{json, Value};
use time::OffsetDateTime;

/// Bedrock's refusal of StartAsyncInvoke for a model that has none.
pub const NOT_ASYNC: &str = "The provided request is not valid";

/// The failure message of a `job_failure` rule without one (the text AWS's
/// Nova user guide gives for an output its filters blocked).
pub const DEFAULT_JOB_FAILURE: &str =
    "The generated video has been blocked by our content filters.";

/// The fake's account in the ARNs it makes.
const ACCOUNT: &str = "000000000000";

/// Answers StartAsyncInvoke.
pub(super) fn start(
    state: &FakeState,
    req: &FakeRequest,
    seed: u64,
    rid: &str,
    entry: &mut CallRecord,
) -> Result<FakeResponse, BedrockError> {
    entry.operation = Some(Operation::StartAsyncInvoke);
    let body = super::checked_body("StartAsyncInvoke", &req.body)?;
    let text = |pointer: &str| body.pointer(pointer).and_then(Value::as_str);
    let token = text("/clientRequestToken").map(str::to_string);
    state.advance_async_jobs();
    if let Some(token) = &token {
        let jobs = state.async_jobs.lock().map_err(|_| poisoned())?;
        if let Some(job) = jobs.by_token(token) {
            if job.request != body {
                return Err(BedrockError::new(
                    "ConflictException",
                    "bedrock-harness: this clientRequestToken started another invocation with a different request",
                ));
            }
            return Ok(started(&job.arn, rid));
        }
    }

    let label = text("/modelId").unwrap_or_default();
    entry.model = Some(label.to_string());
    let id = ModelId::parse(label).map_err(|_| BedrockError::validation(INVALID_MODEL))?;
    let resolved = state
        .catalog
        .resolve(&id)
        .map_err(|_| BedrockError::validation(INVALID_MODEL))?;
    let model = resolved.model;
    check_model_status(state, &id, model, Operation::StartAsyncInvoke)?;
    if !state.validator.takes_async(model) {
        return Err(BedrockError::validation(NOT_ASYNC));
    }
    let input = body.get("modelInput").cloned().unwrap_or_default();
    state
        .validator
        .validate_async(model, &input)
        .map_err(|r| BedrockError::validation(r.message()))?;

    let rule = state.rules.lock().ok().and_then(|mut book| {
        book.take(Operation::StartAsyncInvoke, |wanted| {
            super::same_model(wanted, &id)
        })
    });
    let failure = match rule.map(|r| r.action) {
        Some(Action::Error {
            name,
            message,
            extra,
        }) => return Err(BedrockError::scripted(&name, message, extra)),
        Some(Action::JobFailure { message }) => {
            Some(message.unwrap_or_else(|| DEFAULT_JOB_FAILURE.into()))
        }
        _ => None,
    };

    let mut jobs = state.async_jobs.lock().map_err(|_| poisoned())?;
    if !jobs.has_room() {
        return Err(BedrockError::new(
            "ServiceQuotaExceededException",
            format!(
                "bedrock-harness: the fake keeps at most {} asynchronous invocations",
                crate::fake::async_jobs::MAX_ASYNC_JOBS
            ),
        ));
    }
    let invocation = invocation_id(seed);
    let region = &state.config.region;
    let base = text("/outputDataConfig/s3OutputDataConfig/s3Uri").unwrap_or_default();
    let now = OffsetDateTime::now_utc();
    let job = AsyncJob {
        arn: format!("arn:aws:bedrock:{region}:{ACCOUNT}:async-invoke/{invocation}"),
        model_arn: format!("arn:aws:bedrock:{region}::foundation-model/{}", model.id),
        model: model.clone(),
        token,
        output_uri: format!("{}/{invocation}", base.trim_end_matches('/')),
        submitted: now,
        done: now + state.config.async_duration,
        failure,
        written: false,
        request: body,
        id: invocation,
    };
    entry.note = Some(format!("output: {}", job.output_uri));
    let response = started(&job.arn, rid);
    jobs.push(job);
    drop(jobs);
    state.advance_async_jobs();
    Ok(response)
}

fn started(arn: &str, rid: &str) -> FakeResponse {
    FakeResponse::json(200, &json!({ "invocationArn": arn })).with_header("x-amzn-RequestId", rid)
}

fn poisoned() -> BedrockError {
    BedrockError::new(
        "InternalServerException",
        "bedrock-harness: the asynchronous jobs' lock was poisoned",
    )
}

/// Answers GetAsyncInvoke.
pub(super) fn get(state: &FakeState, label: &str, rid: &str) -> Result<FakeResponse, BedrockError> {
    let arn = percent_encoding::percent_decode_str(label)
        .decode_utf8_lossy()
        .into_owned();
    ServiceModel::embedded()
        .validate_uri_and_query("GetAsyncInvoke", |name| {
            (name == "invocationArn").then_some(arn.as_str())
        })
        .map_err(|v| BedrockError::validation(v.to_string()))?;
    state.advance_async_jobs();
    let jobs = state.async_jobs.lock().map_err(|_| poisoned())?;
    let job = jobs.by_arn(&arn).ok_or_else(|| {
        BedrockError::validation(format!(
            "bedrock-harness: no asynchronous invocation {arn} was started on this fake"
        ))
    })?;
    Ok(
        FakeResponse::json(200, &job.to_wire(OffsetDateTime::now_utc()))
            .with_header("x-amzn-RequestId", rid),
    )
}

/// Answers ListAsyncInvokes.
pub(super) fn list(
    state: &FakeState,
    req: &FakeRequest,
    rid: &str,
) -> Result<FakeResponse, BedrockError> {
    let pairs = req.query_pairs();
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    ServiceModel::embedded()
        .validate_uri_and_query("ListAsyncInvokes", param)
        .map_err(|v| BedrockError::validation(v.to_string()))?;
    let time = |name: &str| -> Result<Option<OffsetDateTime>, BedrockError> {
        param(name)
            .map(|t| {
                OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).map_err(
                    |_| {
                        BedrockError::validation(format!(
                            "bedrock-harness: {name} {t:?} is not an ISO 8601 time"
                        ))
                    },
                )
            })
            .transpose()
    };
    let filter = JobFilter {
        status: param("statusEquals").map(str::to_string),
        after: time("submitTimeAfter")?,
        before: time("submitTimeBefore")?,
        ascending: param("sortOrder") == Some("Ascending"),
    };
    let size = param("maxResults")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(MAX_PAGE);
    let start = match param("nextToken") {
        None => 0,
        Some(token) => token.parse::<usize>().map_err(|_| {
            BedrockError::validation(format!(
                "bedrock-harness: nextToken {token:?} is not one this fake gave"
            ))
        })?,
    };
    state.advance_async_jobs();
    let now = OffsetDateTime::now_utc();
    let jobs = state.async_jobs.lock().map_err(|_| poisoned())?;
    let kept = jobs.matching(&filter, now);
    let page: Vec<Value> = kept
        .iter()
        .skip(start)
        .take(size)
        .map(|j| j.to_wire(now))
        .collect();
    let mut body = json!({ "asyncInvokeSummaries": page });
    if start + size < kept.len() {
        body["nextToken"] = json!((start + size).to_string());
    }
    Ok(FakeResponse::json(200, &body).with_header("x-amzn-RequestId", rid))
}

impl FakeState {
    /// Writes the output of every job that has completed since the last
    /// look, under the fake's S3 folder (when it has one); a job whose
    /// output cannot be made fails instead.
    pub(crate) fn advance_async_jobs(&self) {
        let now = OffsetDateTime::now_utc();
        let done = match self.async_jobs.lock() {
            Ok(mut jobs) => jobs.newly_completed(now),
            Err(_) => return,
        };
        for job in done {
            let files = crate::fake::async_output::files(&job);
            let (Some(root), Ok(files)) = (&self.config.s3_dir, &files) else {
                if let Err(why) = files {
                    self.fail_job(&job.arn, why);
                }
                continue;
            };
            let folder = local_folder(root, &job.output_uri);
            let written = std::fs::create_dir_all(&folder).and_then(|()| {
                files
                    .iter()
                    .try_for_each(|(name, bytes)| std::fs::write(folder.join(name), bytes))
            });
            match written {
                Ok(()) => {
                    tracing::info!(folder = %folder.display(), files = files.len(), "asynchronous invocation written")
                }
                Err(e) => {
                    tracing::warn!(folder = %folder.display(), error = %e, "asynchronous invocation's output could not be written")
                }
            }
        }
    }

    fn fail_job(&self, arn: &str, why: String) {
        if let Ok(mut jobs) = self.async_jobs.lock() {
            jobs.fail(arn, why);
        }
    }
}
