//! Rerank models over InvokeModel: Amazon Rerank 1.0 (`amazon.rerank-v1:0`)
//! and Cohere Rerank 3.5 (`cohere.rerank-v3-5:0`). The body is a `query`,
//! the `documents` to rank (strings) and an optional `top_n`; Cohere also
//! requires `api_version` 2 or more, which Amazon refuses. The answer is
//! `results`, each a document's `index` and `relevance_score`, best first.
//!
//! Shapes from calls against Bedrock in OpenSearch's ml-commons tutorials
//! ("Rerank pipeline with Amazon Rerank model on Amazon Bedrock", and the
//! Cohere one, 2024-12: the bodies sent and the `results` printed) and
//! Cohere's v2 rerank reference; the required keys and the refusals of
//! `api_version` from Bedrock's answers quoted in langgenius/dify#12640,
//! genkit-ai/aws-bedrock-go-plugin#190 and cohere-ai/cohere-python#613.
//! AWS's model-parameter pages for rerank were not found. No streaming.

use super::codec::{Codec, NoStream};
use super::model_family::RenderContext;
use super::refusals::refuse_generation_options;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{Message, PortableRequest, PortableResponse, Role};
use crate::ranking::{Ranking, RerankOptions};
use serde::{Deserialize, Serialize};

const NAME: &str = "rerank";

/// The `api_version` Cohere's Bedrock rerank requires (at least 2).
pub const COHERE_API_VERSION: u32 = 2;

/// The rerank family.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rerank;

/// The InvokeModel request body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RerankRequest {
    /// The query the documents are ranked against.
    pub query: String,
    /// The documents, as text.
    pub documents: Vec<String>,
    /// How many results to return (all by default).
    pub top_n: Option<u32>,
    /// Cohere's API version (2); Amazon Rerank refuses the key.
    pub api_version: Option<u32>,
}

/// The InvokeModel response body. Other members (Cohere's `id`, where
/// sent) are not read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RerankResponse {
    /// The ranked documents, best first.
    pub results: Vec<RerankResult>,
}

/// One ranked document.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RerankResult {
    /// The document's index in the request.
    pub index: u32,
    /// Its relevance to the query, 0 to 1.
    pub relevance_score: f64,
}

/// Cohere's models need `api_version`; Amazon's refuse it.
fn api_version(model: &ModelInfo) -> Option<u32> {
    model
        .id
        .starts_with("cohere.")
        .then_some(COHERE_API_VERSION)
}

/// Refuses what a rerank body has no place for: everything but one user
/// turn (the query) and the documents.
fn refuse_other_features(req: &PortableRequest) -> Result<String, Error> {
    refuse_generation_options(NAME, req)?;
    if req.has_images() {
        return Err(Error::unsupported(NAME, "image content"));
    }
    if req.rerank.documents.is_empty() {
        return Err(Error::unsupported(
            NAME,
            "a rerank request with no documents",
        ));
    }
    match req.messages.as_slice() {
        [only] if only.role == Role::User => Ok(only.text()),
        [] => Err(Error::unsupported(NAME, "a request with no query")),
        _ => Err(Error::unsupported(NAME, "more than one turn (one query)")),
    }
}

impl Codec for Rerank {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Rerank (Amazon Rerank, Cohere Rerank)";
    const RERANK: bool = true;
    type Request = RerankRequest;
    type Response = RerankResponse;
    type Chunk = NoStream;

    fn request(&self, req: &PortableRequest, model: &ModelInfo) -> Result<RerankRequest, Error> {
        let query = refuse_other_features(req)?;
        if req.embedding != Default::default() {
            return Err(Error::unsupported(NAME, "embedding options"));
        }
        Ok(RerankRequest {
            query,
            documents: req.rerank.documents.clone(),
            top_n: req.rerank.top_n,
            api_version: api_version(model),
        })
    }

    fn portable_request(
        &self,
        native: RerankRequest,
        _model: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        Ok(PortableRequest {
            messages: vec![Message::user(native.query)],
            rerank: RerankOptions {
                documents: native.documents,
                top_n: native.top_n,
            },
            ..Default::default()
        })
    }

    fn portable(&self, native: RerankResponse) -> Result<PortableResponse, Error> {
        Ok(PortableResponse {
            rankings: native
                .results
                .into_iter()
                .map(|r| Ranking {
                    index: r.index,
                    relevance_score: r.relevance_score,
                })
                .collect(),
            ..Default::default()
        })
    }

    /// A response without rankings (text, tool calls) has no rerank form.
    fn native(
        &self,
        resp: &PortableResponse,
        _ctx: &RenderContext<'_>,
    ) -> Result<RerankResponse, Error> {
        if resp.rankings.is_empty() {
            return Err(Error::unsupported(NAME, "a response with no rankings"));
        }
        Ok(RerankResponse {
            results: resp
                .rankings
                .iter()
                .map(|r| RerankResult {
                    index: r.index,
                    relevance_score: r.relevance_score,
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::test_support::{model, recorded};
    use crate::family::ModelFamily;
    use serde_json::json;

    const AMAZON: &str = "amazon.rerank-v1:0";
    const COHERE: &str = "cohere.rerank-v3-5:0";

    fn request() -> PortableRequest {
        PortableRequest::prompt("What is the capital of France?").rerank(
            RerankOptions::documents(["Berlin is in Germany.", "Paris is the capital of France."])
                .top_n(1),
        )
    }

    #[test]
    fn cohere_gets_its_api_version_and_amazon_none() {
        let cohere = Rerank.build(&request(), model(COHERE)).unwrap();
        assert_eq!(cohere["api_version"], 2);
        assert_eq!(cohere["top_n"], 1);
        let amazon = Rerank.build(&request(), model(AMAZON)).unwrap();
        assert_eq!(
            amazon,
            json!({"query": "What is the capital of France?",
                   "documents": ["Berlin is in Germany.", "Paris is the capital of France."],
                   "top_n": 1})
        );
    }

    #[test]
    fn a_body_reads_back_as_the_request_it_was_built_from() {
        for id in [AMAZON, COHERE] {
            let body = Rerank.build_bytes(&request(), model(id)).unwrap();
            assert_eq!(Rerank.read_request(&body, model(id)).unwrap(), request());
        }
    }

    #[test]
    fn the_recorded_answer_reads_as_rankings_best_first() {
        let resp = Rerank.parse(&recorded(NAME)).unwrap();
        let indices: Vec<u32> = resp.rankings.iter().map(|r| r.index).collect();
        assert_eq!(indices, [2, 0, 1, 3]);
        assert_eq!(resp.rankings[0].relevance_score, 0.7711548724998493);
    }

    #[test]
    fn what_a_rerank_body_cannot_carry_is_refused() {
        let amazon = model(AMAZON);
        let no_documents = PortableRequest::prompt("Hi");
        let with_system = request().system("Be brief.");
        let two_turns = request().message(Message::user("again"));
        for (req, why) in [
            (no_documents, "no documents"),
            (with_system, "system prompt"),
            (two_turns, "one query"),
        ] {
            let err = Rerank.build(&req, amazon).unwrap_err();
            assert!(err.to_string().contains(why), "{err}");
        }
        let err = crate::family::family_by_name("titan_text")
            .unwrap()
            .build(&request(), model("amazon.titan-text-express-v1"))
            .unwrap_err();
        assert!(err.to_string().contains("documents to rerank"), "{err}");
    }
}
