//! Asynchronous invocations through the Rust SDK: StartAsyncInvoke checks
//! the model's input, GetAsyncInvoke and ListAsyncInvokes follow the job to
//! `Completed` (or `Failed` by rule), and the output is written under the
//! fake's S3 folder in the layout Bedrock writes.

use aws_sdk_bedrockruntime::types::{
    AsyncInvokeOutputDataConfig, AsyncInvokeS3OutputDataConfig, AsyncInvokeStatus, SortOrder,
};
use bedrock_harness::fake::{FakeBedrock, FakeConfig, Rule};
use bedrock_harness::to_document;
use serde_json::{json, Value};
use std::time::Duration;

const NOVA_EMBED: &str = "amazon.nova-2-multimodal-embeddings-v1:0";
const MARENGO: &str = "twelvelabs.marengo-embed-3-0-v1:0";

async fn fake(s3: &std::path::Path, runs_for: Duration) -> FakeBedrock {
    FakeBedrock::start_with(FakeConfig {
        s3_dir: Some(s3.to_path_buf()),
        async_duration: runs_for,
        ..crate::support::pinned()
    })
    .await
    .unwrap()
}

fn output(uri: &str) -> AsyncInvokeOutputDataConfig {
    AsyncInvokeOutputDataConfig::S3OutputDataConfig(
        AsyncInvokeS3OutputDataConfig::builder()
            .s3_uri(uri)
            .build()
            .unwrap(),
    )
}

fn segmented_text(text: &str, max_chars: u32) -> Value {
    json!({"taskType": "SEGMENTED_EMBEDDING", "segmentedEmbeddingParams": {
        "embeddingPurpose": "GENERIC_INDEX", "embeddingDimension": 256,
        "text": {"truncationMode": "END", "value": text,
                 "segmentationConfig": {"maxLengthChars": max_chars}}}})
}

async fn start(fake: &FakeBedrock, model: &str, input: Value, uri: &str) -> String {
    fake.client()
        .start_async_invoke()
        .model_id(model)
        .model_input(to_document(&input))
        .output_data_config(output(uri))
        .send()
        .await
        .unwrap()
        .invocation_arn()
        .to_string()
}

#[tokio::test]
async fn a_segmented_nova_embedding_runs_then_writes_its_segments() {
    let s3 = tempfile::tempdir().unwrap();
    let fake = fake(s3.path(), Duration::from_millis(300)).await;
    let arn = start(
        &fake,
        NOVA_EMBED,
        segmented_text(&"a".repeat(2000), 800),
        "s3://my-bucket/runs",
    )
    .await;
    let id = arn.rsplit('/').next().unwrap().to_string();
    assert!(arn.starts_with("arn:aws:bedrock:us-east-1:000000000000:async-invoke/"));

    let get = || fake.client().get_async_invoke().invocation_arn(&arn).send();
    let running = get().await.unwrap();
    assert_eq!(running.status(), &AsyncInvokeStatus::InProgress);
    assert!(running.end_time().is_none());
    let folder = s3.path().join("my-bucket/runs").join(&id);
    assert!(
        !folder.exists(),
        "nothing is written before the job is done"
    );

    tokio::time::sleep(Duration::from_millis(400)).await;
    let done = get().await.unwrap();
    assert_eq!(done.status(), &AsyncInvokeStatus::Completed);
    assert_eq!(
        done.model_arn(),
        format!("arn:aws:bedrock:us-east-1::foundation-model/{NOVA_EMBED}")
    );
    let AsyncInvokeOutputDataConfig::S3OutputDataConfig(s3_config) =
        done.output_data_config().unwrap()
    else {
        panic!("no S3 output");
    };
    assert_eq!(s3_config.s3_uri(), format!("s3://my-bucket/runs/{id}"));

    let summary: Value = serde_json::from_slice(
        &std::fs::read(folder.join("segmented-embedding-result.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(summary["embeddingDimension"], 256);
    assert_eq!(
        summary["embeddingResults"][0]["outputFileUri"],
        format!("s3://my-bucket/runs/{id}/embedding-text.jsonl")
    );
    let lines: Vec<Value> = std::fs::read_to_string(folder.join("embedding-text.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "2,000 characters in segments of 800");
    assert_eq!(
        lines[2]["segmentMetadata"]["segmentStartCharPosition"],
        1600
    );
    assert_eq!(lines[2]["segmentMetadata"]["segmentEndCharPosition"], 2000);
    assert_eq!(lines[0]["embedding"].as_array().unwrap().len(), 256);
    let journal = fake.journal();
    let started = journal
        .iter()
        .find(|e| e.operation == Some(bedrock_harness::fake::Operation::StartAsyncInvoke))
        .unwrap();
    let note = started.note.clone();
    assert_eq!(
        note.as_deref(),
        Some(format!("output: s3://my-bucket/runs/{id}").as_str())
    );
}

#[tokio::test]
async fn marengo_video_clips_follow_the_segmentation_asked_for() {
    let s3 = tempfile::tempdir().unwrap();
    let fake = fake(s3.path(), Duration::ZERO).await;
    let input = json!({"inputType": "video", "video": {
        "mediaSource": {"s3Location": {"uri": "s3://media/clip.mp4", "bucketOwner": "123456789012"}},
        "startSec": 0, "endSec": 12,
        "segmentation": {"method": "fixed", "fixed": {"durationSec": 5}},
        "embeddingOption": ["visual", "audio"], "embeddingScope": ["clip", "asset"]}});
    let arn = start(&fake, MARENGO, input, "s3://my-bucket/marengo").await;
    let id = arn.rsplit('/').next().unwrap();
    let output: Value = serde_json::from_slice(
        &std::fs::read(
            s3.path()
                .join("my-bucket/marengo")
                .join(id)
                .join("output.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let entries: Vec<(String, String, f64, f64)> = output["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["embedding"].as_array().unwrap().len(), 512);
            (
                d["embeddingScope"].as_str().unwrap().into(),
                d["embeddingOption"].as_str().unwrap().into(),
                d["startSec"].as_f64().unwrap(),
                d["endSec"].as_f64().unwrap(),
            )
        })
        .collect();
    let clip =
        |option: &str, from: f64, to: f64| ("clip".to_string(), option.to_string(), from, to);
    assert_eq!(
        entries,
        [
            clip("visual", 0.0, 5.0),
            clip("visual", 5.0, 10.0),
            clip("visual", 10.0, 12.0),
            clip("audio", 0.0, 5.0),
            clip("audio", 5.0, 10.0),
            clip("audio", 10.0, 12.0),
            ("asset".into(), "visual".into(), 0.0, 12.0),
            ("asset".into(), "audio".into(), 0.0, 12.0),
        ]
    );
}

#[tokio::test]
async fn inputs_and_models_are_refused_as_bedrock_refuses_them() {
    let s3 = tempfile::tempdir().unwrap();
    let fake = fake(s3.path(), Duration::ZERO).await;
    let refusal = |model: &'static str, input: Value| {
        let client = fake.client();
        async move {
            let err = client
                .start_async_invoke()
                .model_id(model)
                .model_input(to_document(&input))
                .output_data_config(output("s3://my-bucket/x"))
                .send()
                .await
                .unwrap_err()
                .into_service_error();
            assert!(err.is_validation_exception(), "{err:?}");
            err.meta().message().unwrap().to_string()
        }
    };
    assert_eq!(
        refusal(
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
            json!({"messages": []})
        )
        .await,
        "The provided request is not valid"
    );
    let single = json!({"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {
        "embeddingPurpose": "GENERIC_INDEX", "text": {"truncationMode": "END", "value": "hi"}}});
    assert!(refusal(NOVA_EMBED, single)
        .await
        .starts_with("Malformed input request: "));
    let too_short = segmented_text("hi", 100);
    assert!(refusal(NOVA_EMBED, too_short)
        .await
        .contains("maxLengthChars"));
    assert!(std::fs::read_dir(s3.path()).unwrap().next().is_none());
}

#[tokio::test]
async fn retries_are_idempotent_and_rules_fail_jobs() {
    let s3 = tempfile::tempdir().unwrap();
    let fake = fake(s3.path(), Duration::ZERO).await;
    let send = |token: &str, text: &str| {
        fake.client()
            .start_async_invoke()
            .client_request_token(token)
            .model_id(NOVA_EMBED)
            .model_input(to_document(&segmented_text(text, 800)))
            .output_data_config(output("s3://my-bucket/retry"))
            .send()
    };
    let first = send("token-1", "hello").await.unwrap();
    let again = send("token-1", "hello").await.unwrap();
    assert_eq!(first.invocation_arn(), again.invocation_arn());
    let conflict = send("token-1", "other")
        .await
        .unwrap_err()
        .into_service_error();
    assert!(conflict.is_conflict_exception(), "{conflict:?}");

    let failing: Rule = serde_json::from_value(json!({
        "operation": "start-async-invoke",
        "action": {"type": "job_failure", "message": "Input file is corrupt."},
        "times": 1
    }))
    .unwrap();
    fake.rule(failing);
    let failed = send("token-2", "hello").await.unwrap();
    let got = fake
        .client()
        .get_async_invoke()
        .invocation_arn(failed.invocation_arn())
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), &AsyncInvokeStatus::Failed);
    assert_eq!(got.failure_message(), Some("Input file is corrupt."));
    let id = failed.invocation_arn().rsplit('/').next().unwrap();
    assert!(!s3.path().join("my-bucket/retry").join(id).exists());

    fake.rule(Rule::error("ThrottlingException").times(1));
    let throttled = send("token-3", "hello")
        .await
        .unwrap_err()
        .into_service_error();
    assert!(throttled.is_throttling_exception(), "{throttled:?}");

    let pages: Vec<Vec<String>> = {
        let mut pages = Vec::new();
        let mut token = None;
        loop {
            let page = fake
                .client()
                .list_async_invokes()
                .max_results(1)
                .sort_order(SortOrder::Ascending)
                .set_next_token(token)
                .send()
                .await
                .unwrap();
            pages.push(
                page.async_invoke_summaries()
                    .iter()
                    .map(|s| s.invocation_arn().to_string())
                    .collect(),
            );
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        pages
    };
    assert_eq!(
        pages,
        [
            vec![first.invocation_arn().to_string()],
            vec![failed.invocation_arn().to_string()]
        ]
    );
    let failed_only = fake
        .client()
        .list_async_invokes()
        .status_equals(AsyncInvokeStatus::Failed)
        .send()
        .await
        .unwrap();
    assert_eq!(failed_only.async_invoke_summaries().len(), 1);
}
