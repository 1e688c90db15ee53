//! The fake's own bounded journal of the calls it received (wiremock's
//! recording is off in long-lived fakes: it keeps every request forever).
//!
//! The journal keeps each body's bytes, not its parsed JSON (a JSON tree
//! of small numbers costs some forty times its text), at most
//! [`JOURNAL_BODY_LIMIT`] bytes of one body and [`JOURNAL_TOTAL_LIMIT`]
//! bytes in all; a body is parsed only when the journal is read.

use super::rules::Operation;
use serde::Serialize;
use serde_json::Value;
use std::collections::VecDeque;

/// Calls kept by default.
pub const DEFAULT_JOURNAL_CAPACITY: usize = 1000;

/// Bytes of one request body the journal keeps: a longer body is cut
/// there, and its entry says so ([`JournalEntry::body_truncated`]).
pub const JOURNAL_BODY_LIMIT: usize = 256 * 1024;

/// Bytes of request bodies the whole journal keeps: past it, the oldest
/// entries are dropped first.
pub const JOURNAL_TOTAL_LIMIT: usize = 32 * 1024 * 1024;

/// One call the fake received.
///
/// ```
/// use bedrock_harness::fake::{FakeConfig, FakeRequest, FakeState};
///
/// let fake = FakeState::new(FakeConfig::default()).unwrap();
/// let body = br#"{"inputText":"hi"}"#.to_vec();
/// let path = "/model/amazon.titan-embed-text-v2:0/invoke";
/// fake.handle(&FakeRequest::post(path, body));
/// let entry = &fake.journal()[0];
/// assert_eq!(entry.body["inputText"], "hi");
/// assert_eq!(entry.body_bytes, 18);
/// assert!(!entry.body_truncated);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalEntry {
    /// The call's number since the fake started (or was reset), from 1.
    pub seq: u64,
    /// The operation, when the path named one.
    pub operation: Option<Operation>,
    /// The model id as the path gave it, decoded.
    pub model: Option<String>,
    /// The request body, parsed when it is JSON, else as text; a body cut
    /// at [`JOURNAL_BODY_LIMIT`] is the text of its first bytes.
    pub body: Value,
    /// The size of the body as received, in bytes.
    pub body_bytes: usize,
    /// Whether `body` holds only the first [`JOURNAL_BODY_LIMIT`] bytes.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub body_truncated: bool,
    /// The status the fake answered with.
    pub status: u16,
    /// The Bedrock error name, for refused calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// How the fake answered, where that is worth knowing: a body that
    /// passed the schema but that the family could not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What the handler knows of a call when it journals it.
#[derive(Debug, Default)]
pub(crate) struct CallRecord {
    pub operation: Option<Operation>,
    pub model: Option<String>,
    pub status: u16,
    pub error: Option<String>,
    pub note: Option<String>,
    /// Whether the call got past authentication (else its body is not kept).
    pub authenticated: bool,
}

/// A call as kept: its record and the first bytes of its body.
#[derive(Debug)]
struct Kept {
    seq: u64,
    call: CallRecord,
    body: Box<[u8]>,
    body_bytes: usize,
}

impl Kept {
    fn entry(&self) -> JournalEntry {
        let body_truncated = self.body.len() < self.body_bytes;
        let body = if body_truncated {
            None
        } else {
            serde_json::from_slice(&self.body).ok()
        };
        JournalEntry {
            seq: self.seq,
            operation: self.call.operation,
            model: self.call.model.clone(),
            body: body
                .unwrap_or_else(|| Value::String(String::from_utf8_lossy(&self.body).into_owned())),
            body_bytes: self.body_bytes,
            body_truncated,
            status: self.call.status,
            error: self.call.error.clone(),
            note: self.call.note.clone(),
        }
    }
}

/// A ring buffer of the last `capacity` calls, within the byte limits.
#[derive(Debug)]
pub(crate) struct Journal {
    entries: VecDeque<Kept>,
    capacity: usize,
    kept_bytes: usize,
    next_seq: u64,
}

impl Journal {
    pub(crate) fn new(capacity: usize) -> Self {
        Journal {
            entries: VecDeque::with_capacity(capacity.min(1024)),
            capacity,
            kept_bytes: 0,
            next_seq: 1,
        }
    }

    /// Keeps `call` with the first bytes of `body` and returns its
    /// sequence number.
    pub(crate) fn record(&mut self, call: CallRecord, body: &[u8]) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.capacity == 0 {
            return seq;
        }
        let kept: Box<[u8]> = body[..body.len().min(JOURNAL_BODY_LIMIT)].into();
        while self.entries.len() >= self.capacity
            || (!self.entries.is_empty() && self.kept_bytes + kept.len() > JOURNAL_TOTAL_LIMIT)
        {
            if let Some(old) = self.entries.pop_front() {
                self.kept_bytes -= old.body.len();
            }
        }
        self.kept_bytes += kept.len();
        self.entries.push_back(Kept {
            seq,
            call,
            body: kept,
            body_bytes: body.len(),
        });
        seq
    }

    /// Adds `note` to the entry `seq`, if it is still kept.
    pub(crate) fn annotate(&mut self, seq: u64, note: &str) {
        if let Some(entry) = self.entries.iter_mut().rev().find(|e| e.seq == seq) {
            entry.call.note = Some(match entry.call.note.take() {
                Some(earlier) => format!("{earlier}; {note}"),
                None => note.to_string(),
            });
        }
    }

    pub(crate) fn entries(&self) -> Vec<JournalEntry> {
        self.entries.iter().map(Kept::entry).collect()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.kept_bytes = 0;
        self.next_seq = 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> CallRecord {
        CallRecord {
            status: 200,
            ..Default::default()
        }
    }

    #[test]
    fn keeps_only_the_last_calls() {
        let mut journal = Journal::new(2);
        for _ in 0..5 {
            journal.record(call(), b"{}");
        }
        let seqs: Vec<u64> = journal.entries().iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![4, 5]);
        journal.clear();
        assert!(journal.entries().is_empty());
    }

    #[test]
    fn a_kept_entry_can_be_annotated() {
        let mut journal = Journal::new(2);
        let first = journal.record(call(), b"");
        let second = journal.record(call(), b"");
        journal.annotate(second, "cut");
        journal.annotate(second, "again");
        journal.record(call(), b"");
        journal.annotate(first, "gone");
        let notes: Vec<Option<String>> = journal.entries().into_iter().map(|e| e.note).collect();
        assert_eq!(notes, vec![Some("cut; again".into()), None]);
    }

    #[test]
    fn a_long_body_is_cut_and_marked() {
        let mut journal = Journal::new(10);
        let body = vec![b'['; JOURNAL_BODY_LIMIT + 10];
        journal.record(call(), &body);
        let entry = &journal.entries()[0];
        assert!(entry.body_truncated);
        assert_eq!(entry.body_bytes, JOURNAL_BODY_LIMIT + 10);
        assert_eq!(entry.body.as_str().map(str::len), Some(JOURNAL_BODY_LIMIT));
    }

    #[test]
    fn the_total_kept_stays_under_the_limit() {
        let mut journal = Journal::new(100_000);
        let body = vec![b' '; JOURNAL_BODY_LIMIT];
        let calls = JOURNAL_TOTAL_LIMIT / JOURNAL_BODY_LIMIT + 5;
        for _ in 0..calls {
            journal.record(call(), &body);
        }
        assert!(journal.kept_bytes <= JOURNAL_TOTAL_LIMIT);
        let entries = journal.entries();
        assert_eq!(entries.len(), JOURNAL_TOTAL_LIMIT / JOURNAL_BODY_LIMIT);
        assert_eq!(entries.last().map(|e| e.seq), Some(calls as u64));
    }
}
