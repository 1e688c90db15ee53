//! The fake's own bounded journal of the calls it received (wiremock's
//! recording is off in long-lived fakes: it keeps every request forever).

use super::rules::Operation;
use serde::Serialize;
use serde_json::Value;
use std::collections::VecDeque;

/// Calls kept by default.
pub const DEFAULT_JOURNAL_CAPACITY: usize = 1000;

/// One call the fake received.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalEntry {
    /// The call's number since the fake started (or was reset), from 1.
    pub seq: u64,
    /// The operation, when the path named one.
    pub operation: Option<Operation>,
    /// The model id as the path gave it, decoded.
    pub model: Option<String>,
    /// The request body, parsed when it is JSON, else as text.
    pub body: Value,
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

/// A ring buffer of the last `capacity` calls.
#[derive(Debug)]
pub(crate) struct Journal {
    entries: VecDeque<JournalEntry>,
    capacity: usize,
    next_seq: u64,
}

impl Journal {
    pub(crate) fn new(capacity: usize) -> Self {
        Journal {
            entries: VecDeque::with_capacity(capacity.min(1024)),
            capacity,
            next_seq: 1,
        }
    }

    /// Keeps `entry` and returns its sequence number.
    pub(crate) fn record(&mut self, mut entry: JournalEntry) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.capacity == 0 {
            return seq;
        }
        entry.seq = seq;
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
        seq
    }

    /// Adds `note` to the entry `seq`, if it is still kept.
    pub(crate) fn annotate(&mut self, seq: u64, note: &str) {
        if let Some(entry) = self.entries.iter_mut().rev().find(|e| e.seq == seq) {
            entry.note = Some(match entry.note.take() {
                Some(earlier) => format!("{earlier}; {note}"),
                None => note.to_string(),
            });
        }
    }

    pub(crate) fn entries(&self) -> Vec<JournalEntry> {
        self.entries.iter().cloned().collect()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.next_seq = 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> JournalEntry {
        JournalEntry {
            seq: 0,
            operation: None,
            model: None,
            body: Value::Null,
            status: 200,
            error: None,
            note: None,
        }
    }

    #[test]
    fn keeps_only_the_last_calls() {
        let mut journal = Journal::new(2);
        for _ in 0..5 {
            journal.record(entry());
        }
        let seqs: Vec<u64> = journal.entries().iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![4, 5]);
        journal.clear();
        assert!(journal.entries().is_empty());
    }

    #[test]
    fn a_kept_entry_can_be_annotated() {
        let mut journal = Journal::new(2);
        let first = journal.record(entry());
        let second = journal.record(entry());
        journal.annotate(second, "cut");
        journal.annotate(second, "again");
        journal.record(entry());
        journal.annotate(first, "gone");
        let notes: Vec<Option<String>> = journal.entries().into_iter().map(|e| e.note).collect();
        assert_eq!(notes, vec![Some("cut; again".into()), None]);
    }
}
