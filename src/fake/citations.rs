//! Citations in Converse: for each document a request sends with
//! `"citations": {"enabled": true}` to a model that cites
//! (`converse.citations` in its `models.json` line), the answer gains a
//! `citationsContent` block quoting the document's first sentence, located
//! by character (`documentChar`: the document's index among the request's
//! documents, and the quote's start and end, end one past its last
//! character); a stream sends the quote as a `text` delta and the citation
//! as a `citation` delta of that block.
//!
//!
//! A `searchResult` block (in a message or a tool result) asking for
//! citations is cited the same way, by `searchResultLocation` (the result's
//! index among the request's search results, and the cited content's
//! blocks, `start` to one past `end`, inferred), with its `source`, for the
//! models the service model names for the block (`converse.search_results`).
//!
//! Shapes from the service model (`CitationsContentBlock`, `Citation`,
//! `CitationLocation`, `CitationsDelta`) and a public capture of a stream's
//! `citation` delta (vercel/ai PR #15501). The fake reads a document's text
//! from `source.text`, `source.content` or the bytes of a text format (txt,
//! md, csv, html); a PDF or an office document, which it cannot read, is
//! not cited.

use base64::Engine as _;
use serde_json::{json, Value};

/// One document or search result a request asks citations for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedDocument {
    /// Its index among the request's documents (or search results).
    pub index: usize,
    /// Its `name` (or `title`).
    pub title: String,
    /// Its text.
    pub text: String,
    /// A search result's `source` or a web page's URL; `None` for a
    /// document.
    pub source: Option<String>,
    /// A web page's domain (web grounding's citations).
    pub domain: Option<String>,
}

impl CitedDocument {
    /// The quote: the text up to the end of its first sentence (at most
    /// 200 characters).
    pub fn quote(&self) -> &str {
        let limit = self
            .text
            .char_indices()
            .nth(200)
            .map_or(self.text.len(), |(i, _)| i);
        let head = &self.text[..limit];
        let end = head.find(". ").map_or(head.len(), |i| i + 1);
        head[..end].trim_end()
    }

    /// The answer's `citationsContent` block quoting it.
    pub fn block(&self) -> Value {
        json!({"citationsContent": {
            "content": [{"text": self.quote()}],
            "citations": [self.citation()]
        }})
    }

    /// The citation of the quote.
    pub fn citation(&self) -> Value {
        let quote = self.quote();
        let start = self.text.find(quote).unwrap_or(0);
        let (start, end) = (
            self.text[..start].chars().count(),
            self.text[..start].chars().count() + quote.chars().count(),
        );
        if let (Some(url), Some(domain)) = (&self.source, &self.domain) {
            return json!({"location": {"web": {"url": url, "domain": domain}}});
        }
        match &self.source {
            None => json!({
                "title": self.title,
                "sourceContent": [{"text": quote}],
                "location": {"documentChar": {"documentIndex": self.index, "start": start, "end": end}}
            }),
            Some(source) => json!({
                "title": self.title,
                "source": source,
                "sourceContent": [{"text": quote}],
                "location": {"searchResultLocation": {"searchResultIndex": self.index, "start": 0, "end": 1}}
            }),
        }
    }
}

/// The search results of a Converse body (in messages and tool results)
/// that ask for citations.
pub fn cited_search_results(body: &Value) -> Vec<CitedDocument> {
    let blocks = content_blocks(body);
    let nested = blocks
        .iter()
        .filter_map(|b| b.pointer("/toolResult/content").and_then(Value::as_array))
        .flatten();
    let results = blocks
        .iter()
        .copied()
        .chain(nested)
        .filter_map(|block| block.get("searchResult"));
    results
        .enumerate()
        .filter(|(_, r)| r.pointer("/citations/enabled") == Some(&Value::Bool(true)))
        .filter_map(|(index, r)| {
            let text = r
                .pointer("/content/0/text")
                .and_then(Value::as_str)?
                .to_string();
            let field = |key: &str| r.get(key).and_then(Value::as_str).unwrap_or_default();
            Some(CitedDocument {
                index,
                title: field("title").to_string(),
                text,
                source: Some(field("source").to_string()),
                domain: None,
            })
        })
        .collect()
}

fn content_blocks(body: &Value) -> Vec<&Value> {
    body.get("messages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("content").and_then(Value::as_array))
        .flatten()
        .collect()
}

/// The documents of a Converse body that ask for citations, and how many
/// of them the fake cannot read.
pub fn cited_documents(body: &Value) -> (Vec<CitedDocument>, usize) {
    let mut cited = Vec::new();
    let mut unreadable = 0;
    let documents = content_blocks(body)
        .into_iter()
        .filter_map(|block| block.get("document"));
    for (index, doc) in documents.enumerate() {
        if doc.pointer("/citations/enabled") != Some(&Value::Bool(true)) {
            continue;
        }
        match document_text(doc) {
            Some(text) if !text.trim().is_empty() => cited.push(CitedDocument {
                index,
                title: doc
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("document")
                    .to_string(),
                text,
                source: None,
                domain: None,
            }),
            _ => unreadable += 1,
        }
    }
    (cited, unreadable)
}

fn document_text(doc: &Value) -> Option<String> {
    let source = doc.get("source")?;
    if let Some(text) = source.get("text").and_then(Value::as_str) {
        return Some(text.to_string());
    }
    if let Some(parts) = source.get("content").and_then(Value::as_array) {
        let texts: Vec<&str> = parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect();
        return Some(texts.join("\n"));
    }
    let format = doc.get("format").and_then(Value::as_str)?;
    if !["txt", "md", "csv", "html"].contains(&format) {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(source.get("bytes")?.as_str()?)
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// Web grounding's citation of an answer: its first sentence, cited to a
/// page the fake names after the question (`https://example.com/search?q=`
/// and the question's first words): the fake searches nothing.
pub fn web(answer: &str, question: &str) -> CitedDocument {
    let words: Vec<&str> = question
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .collect();
    CitedDocument {
        index: 0,
        title: String::new(),
        text: answer.to_string(),
        source: Some(format!(
            "https://example.com/search?q={}",
            words.join("+").to_lowercase()
        )),
        domain: Some("example.com".into()),
    }
}

/// The stream events of the citation blocks, numbered from `first_index`.
pub fn stream_events(cited: &[CitedDocument], first_index: usize) -> Vec<(&'static str, Value)> {
    let mut events = Vec::new();
    for (i, doc) in cited.iter().enumerate() {
        let index = first_index + i;
        events.push((
            "contentBlockDelta",
            json!({"contentBlockIndex": index, "delta": {"text": doc.quote()}}),
        ));
        events.push((
            "contentBlockDelta",
            json!({"contentBlockIndex": index, "delta": {"citation": doc.citation()}}),
        ));
        events.push(("contentBlockStop", json!({ "contentBlockIndex": index })));
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_documents_asking_for_citations_are_quoted_by_character() {
        let body = json!({"messages": [{"role": "user", "content": [
            {"document": {"name": "plain", "format": "txt", "source": {"bytes": "Tm8gY2l0YXRpb25zLg=="}}},
            {"document": {"name": "policy", "format": "txt", "citations": {"enabled": true},
                "source": {"text": "Refunds take five days. Shipping is free."}}},
            {"document": {"name": "scan", "format": "pdf", "citations": {"enabled": true},
                "source": {"bytes": "JVBERi0="}}},
            {"text": "How long do refunds take?"}
        ]}]});
        let (cited, unreadable) = cited_documents(&body);
        assert_eq!(unreadable, 1);
        assert_eq!(cited.len(), 1);
        let results = json!({"messages": [{"role": "user", "content": [
            {"searchResult": {"source": "https://example.com/a", "title": "A", "content": [{"text": "Alpha."}]}},
            {"searchResult": {"source": "https://example.com/b", "title": "B", "content": [{"text": "Beta. More."}],
                "citations": {"enabled": true}}}
        ]}]});
        let found = cited_search_results(&results);
        assert_eq!(
            found[0].citation(),
            json!({"title": "B", "source": "https://example.com/b", "sourceContent": [{"text": "Beta."}],
                "location": {"searchResultLocation": {"searchResultIndex": 1, "start": 0, "end": 1}}})
        );
        assert_eq!(
            cited[0].block(),
            json!({"citationsContent": {
                "content": [{"text": "Refunds take five days."}],
                "citations": [{"title": "policy", "sourceContent": [{"text": "Refunds take five days."}],
                    "location": {"documentChar": {"documentIndex": 1, "start": 0, "end": 23}}}]
            }})
        );
    }
}
