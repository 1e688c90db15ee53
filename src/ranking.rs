//! Reranking in the portable forms: the documents a query is ranked
//! against ([`RerankOptions`]) and the ranking that comes back
//! ([`Ranking`]). The query is the text of the request's last user turn.

use serde::{Deserialize, Serialize};

/// What a rerank model ranks: the documents, and how many results to keep.
///
/// ```
/// use bedrock_harness::{PortableRequest, RerankOptions};
///
/// let req = PortableRequest::prompt("Which city is the capital of France?")
///     .rerank(RerankOptions::documents(["Paris is the capital of France.", "Berlin is in Germany."]).top_n(1));
/// assert_eq!(req.rerank.documents.len(), 2);
/// assert_eq!(req.rerank.top_n, Some(1));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RerankOptions {
    /// The documents to rank, as text.
    pub documents: Vec<String>,
    /// How many of the best results to return (all when `None`).
    pub top_n: Option<u32>,
}

impl RerankOptions {
    /// Options ranking `documents`, keeping every result.
    pub fn documents<S: Into<String>>(documents: impl IntoIterator<Item = S>) -> Self {
        RerankOptions {
            documents: documents.into_iter().map(Into::into).collect(),
            top_n: None,
        }
    }

    /// Keeps only the `n` best results.
    pub fn top_n(mut self, n: u32) -> Self {
        self.top_n = Some(n);
        self
    }

    /// How many results an answer holds: every document, or the `top_n`
    /// best where fewer.
    ///
    /// ```
    /// use bedrock_harness::RerankOptions;
    /// assert_eq!(RerankOptions::documents(["a", "b", "c"]).top_n(2).results(), 2);
    /// assert_eq!(RerankOptions::documents(["a"]).top_n(5).results(), 1);
    /// ```
    pub fn results(&self) -> usize {
        let documents = self.documents.len();
        self.top_n.map_or(documents, |n| documents.min(n as usize))
    }

    /// Whether no documents are given.
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty() && self.top_n.is_none()
    }
}

/// One document's place in a ranking.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// The document's index in the request's documents.
    pub index: u32,
    /// How relevant the document is to the query, from 0 to 1.
    pub relevance_score: f64,
}
