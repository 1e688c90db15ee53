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

/// Nova Multimodal Embeddings answers audio and video read from S3 with
/// vectors of the length asked for, typed by what they embed: a video
/// embedded with `AUDIO_VIDEO_SEPARATE` gets the video's vector, then the
/// audio's.
#[tokio::test]
async fn nova_embeds_audio_and_video_with_their_types_and_lengths() {
    use aws_sdk_bedrockruntime::primitives::Blob;
    use serde_json::{json, Value};
    let fake = start().await;
    let client = bedrock_harness::endpoint_client(&fake.uri());
    let source = json!({"s3Location": {"uri": "s3://amzn-s3-demo-bucket/clip"}});
    for (input, types) in [
        (
            json!({"audio": {"format": "mp3", "source": source}}),
            vec!["AUDIO"],
        ),
        (
            json!({"video": {"format": "mp4", "embeddingMode": "AUDIO_VIDEO_SEPARATE", "source": source}}),
            vec!["VIDEO", "AUDIO"],
        ),
        (
            json!({"video": {"format": "mp4", "embeddingMode": "AUDIO_VIDEO_COMBINED", "source": source}}),
            vec!["AUDIO_VIDEO_COMBINED"],
        ),
    ] {
        let mut params = json!({"embeddingPurpose": "GENERIC_INDEX", "embeddingDimension": 384});
        params
            .as_object_mut()
            .unwrap()
            .extend(input.as_object().unwrap().clone());
        let body = json!({"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": params});
        let out = client
            .invoke_model()
            .model_id("amazon.nova-2-multimodal-embeddings-v1:0")
            .body(Blob::new(body.to_string()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{input}: {e:?}"));
        let answer: Value = serde_json::from_slice(out.body().as_ref()).unwrap();
        let embeddings = answer["embeddings"].as_array().unwrap();
        let got: Vec<&str> = embeddings
            .iter()
            .map(|e| e["embeddingType"].as_str().unwrap())
            .collect();
        assert_eq!(got, types, "{input}");
        for e in embeddings {
            assert_eq!(e["embedding"].as_array().unwrap().len(), 384, "{input}");
        }
    }
}
