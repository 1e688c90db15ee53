//! The fake's asynchronous invocations (StartAsyncInvoke, GetAsyncInvoke,
//! ListAsyncInvokes): each job is `InProgress` until its time is up, then
//! `Completed` (or `Failed`, when a rule says so), and its output files
//! are written under the fake's S3 folder when it completes.
//!
//! Shapes from Bedrock Runtime's service model: the invocation ARN
//! `arn:aws:bedrock:{region}:{account}:async-invoke/{12 lowercase letters
//! or digits}`, statuses `InProgress`, `Completed` and `Failed`, ISO 8601
//! times. The output goes to a folder named after the invocation id under
//! the caller's `s3Uri` ("Amazon Nova creates a folder for each invocation
//! ID", AWS Nova user guide), and GetAsyncInvoke names that folder as the
//! `s3Uri` (inferred from public Nova embeddings samples that append the
//! file name to the returned `s3Uri`; no AWS page says it). Without
//! `maxResults`, ListAsyncInvokes
//! answers at most 1,000 (the service model's largest page; Bedrock's
//! default is not published), newest first (the SDKs' default order).

use super::ids::stable_hash;
use crate::model_info::ModelInfo;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// The most jobs one fake keeps.
pub const MAX_ASYNC_JOBS: usize = 10_000;

/// The largest page ListAsyncInvokes answers.
pub const MAX_PAGE: usize = 1000;

/// A job's status at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    /// Still running.
    InProgress,
    /// Done, with its output written.
    Completed,
    /// Done without output (a rule's failure).
    Failed,
}

impl JobStatus {
    /// The status as the service model spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::InProgress => "InProgress",
            JobStatus::Completed => "Completed",
            JobStatus::Failed => "Failed",
        }
    }
}

/// One asynchronous invocation.
#[derive(Debug, Clone)]
pub struct AsyncJob {
    /// The 12-character invocation id.
    pub id: String,
    /// Its ARN.
    pub arn: String,
    /// The model, as the catalog has it.
    pub model: ModelInfo,
    /// `arn:aws:bedrock:{region}::foundation-model/{id}`.
    pub model_arn: String,
    /// The caller's idempotency token.
    pub token: Option<String>,
    /// The request, for telling a retry from a conflicting reuse of the
    /// token.
    pub request: Value,
    /// `s3://.../{id}`: where the output goes.
    pub output_uri: String,
    /// When it was started.
    pub submitted: OffsetDateTime,
    /// When it is done.
    pub done: OffsetDateTime,
    /// The failure a rule scripted for it.
    pub failure: Option<String>,
    /// Whether its output files have been written.
    pub written: bool,
}

impl AsyncJob {
    /// The status at `now`.
    pub fn status(&self, now: OffsetDateTime) -> JobStatus {
        match (now >= self.done, &self.failure) {
            (false, _) => JobStatus::InProgress,
            (true, None) => JobStatus::Completed,
            (true, Some(_)) => JobStatus::Failed,
        }
    }

    /// The job as GetAsyncInvoke and ListAsyncInvokes answer it.
    pub fn to_wire(&self, now: OffsetDateTime) -> Value {
        let status = self.status(now);
        let mut out = Map::new();
        out.insert("invocationArn".into(), json!(self.arn));
        out.insert("modelArn".into(), json!(self.model_arn));
        if let Some(token) = &self.token {
            out.insert("clientRequestToken".into(), json!(token));
        }
        out.insert("status".into(), json!(status.as_str()));
        if let (JobStatus::Failed, Some(message)) = (status, &self.failure) {
            out.insert("failureMessage".into(), json!(message));
        }
        out.insert("submitTime".into(), json!(iso8601(self.submitted)));
        let finished = status != JobStatus::InProgress;
        let modified = if finished { self.done } else { self.submitted };
        out.insert("lastModifiedTime".into(), json!(iso8601(modified)));
        if finished {
            out.insert("endTime".into(), json!(iso8601(self.done)));
        }
        let mut s3 = self
            .request
            .pointer("/outputDataConfig/s3OutputDataConfig")
            .cloned()
            .unwrap_or_else(|| json!({}));
        s3["s3Uri"] = json!(self.output_uri);
        out.insert(
            "outputDataConfig".into(),
            json!({ "s3OutputDataConfig": s3 }),
        );
        Value::Object(out)
    }
}

/// A time as the service model's `iso8601` timestamps travel
/// (milliseconds, UTC).
pub fn iso8601(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// The invocation id for a job's seed: 12 lowercase letters and digits.
pub fn invocation_id(seed: u64) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut state = stable_hash(&[&seed.to_be_bytes(), b"async-invoke"]);
    (0..12)
        .map(|_| {
            let c = ALPHABET[(state % 36) as usize] as char;
            state /= 36;
            c
        })
        .collect()
}

/// The folder under `root` that stands for `uri` (`s3://bucket/key`):
/// `root/bucket/key`, with empty, `.` and `..` segments left out so that
/// nothing is written outside `root`.
pub fn local_folder(root: &Path, uri: &str) -> PathBuf {
    let rest = uri.strip_prefix("s3://").unwrap_or(uri);
    rest.split('/')
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .fold(root.to_path_buf(), |path, segment| path.join(segment))
}

/// What a filter of ListAsyncInvokes keeps.
#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    /// `statusEquals`.
    pub status: Option<String>,
    /// `submitTimeAfter`.
    pub after: Option<OffsetDateTime>,
    /// `submitTimeBefore`.
    pub before: Option<OffsetDateTime>,
    /// `sortOrder` is `Ascending`.
    pub ascending: bool,
}

/// Every job the fake has started, oldest first.
#[derive(Debug, Default)]
pub struct AsyncJobs {
    jobs: Vec<AsyncJob>,
}

impl AsyncJobs {
    /// The job started with `token`, if any.
    pub fn by_token(&self, token: &str) -> Option<&AsyncJob> {
        self.jobs.iter().find(|j| j.token.as_deref() == Some(token))
    }

    /// The job with this ARN.
    pub fn by_arn(&self, arn: &str) -> Option<&AsyncJob> {
        self.jobs.iter().find(|j| j.arn == arn)
    }

    /// Whether another job can be kept.
    pub fn has_room(&self) -> bool {
        self.jobs.len() < MAX_ASYNC_JOBS
    }

    /// Keeps a new job.
    pub fn push(&mut self, job: AsyncJob) {
        self.jobs.push(job);
    }

    /// The jobs `filter` keeps, in its order.
    pub fn matching(&self, filter: &JobFilter, now: OffsetDateTime) -> Vec<&AsyncJob> {
        let mut kept: Vec<&AsyncJob> = self
            .jobs
            .iter()
            .filter(|j| {
                filter
                    .status
                    .as_deref()
                    .is_none_or(|s| j.status(now).as_str() == s)
            })
            .filter(|j| filter.after.is_none_or(|t| j.submitted > t))
            .filter(|j| filter.before.is_none_or(|t| j.submitted < t))
            .collect();
        if !filter.ascending {
            kept.reverse();
        }
        kept
    }

    /// Marks the job `arn` failed with `why`.
    pub fn fail(&mut self, arn: &str, why: String) {
        if let Some(job) = self.jobs.iter_mut().find(|j| j.arn == arn) {
            job.failure = Some(why);
        }
    }

    /// The jobs done by `now` whose output is not written yet, marked
    /// written.
    pub fn newly_completed(&mut self, now: OffsetDateTime) -> Vec<AsyncJob> {
        self.jobs
            .iter_mut()
            .filter(|j| !j.written && j.status(now) == JobStatus::Completed)
            .map(|j| {
                j.written = true;
                j.clone()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_fit_the_service_models_arn_pattern() {
        let id = invocation_id(7);
        assert_eq!(id.len(), 12);
        assert!(id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert_ne!(id, invocation_id(8));
    }

    #[test]
    fn folders_stay_under_the_root() {
        let root = Path::new("/tmp/s3");
        assert_eq!(
            local_folder(root, "s3://bucket/a/../b/./c//d"),
            Path::new("/tmp/s3/bucket/a/b/c/d")
        );
    }

    #[test]
    fn times_travel_with_milliseconds() {
        let at = time::macros::datetime!(2026-12-07 13:22:37.123456 UTC);
        assert_eq!(iso8601(at), "2026-12-07T13:22:37.123Z");
    }
}
