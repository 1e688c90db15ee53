//! Embeddings of the real length: every embedding model, called with its
//! family's documented request through `aws-sdk-bedrockruntime`, answers
//! vectors of its own default length (or the length asked for), whether the
//! answer is recorded or synthesized.

use crate::support::{callable_id, start};
use bedrock_harness::{Catalog, Invoker, Output, PortableRequest};

#[tokio::test]
async fn every_embedding_model_answers_vectors_of_its_real_length() {
    let fake = start().await;
    let invoker = Invoker::for_endpoint(&fake.uri());
    let mut checked = 0;
    for model in Catalog::embedded().models() {
        if model.output != Output::Embedding {
            continue;
        }
        let Some(length) = model.embedding_dimensions else {
            continue;
        };
        let req = PortableRequest::prompt("A lighthouse at dawn");
        let resp = invoker
            .invoke(&callable_id(model), &req)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", model.id));
        assert_eq!(resp.embeddings.len(), 1, "{}", model.id);
        assert_eq!(resp.embeddings[0].len(), length as usize, "{}", model.id);
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} embedding models checked");
}

#[tokio::test]
async fn a_length_asked_for_is_the_length_answered() {
    let fake = start().await;
    let invoker = Invoker::for_endpoint(&fake.uri());
    let mut req = PortableRequest::prompt("A lighthouse at dawn");
    req.embedding.dimensions = Some(256);

    let resp = invoker
        .invoke("amazon.titan-embed-text-v2:0", &req)
        .await
        .unwrap();

    assert_eq!(resp.embeddings[0].len(), 256);
}
