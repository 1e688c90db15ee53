//! The files an asynchronous invocation writes to its S3 folder, per
//! family, with synthesized vectors (deterministic, unit length, at the
//! model's length). The fake never reads S3 and cannot measure media, so
//! an input in S3 is one text segment, and a clip without `endSec` is one
//! segment long.
//!
//! - **Nova Multimodal Embeddings** (`SEGMENTED_EMBEDDING`, AWS Nova user
//!   guide "Embeddings request and response schema"):
//!   `segmented-embedding-result.json` (`sourceFileUri` for an input in S3,
//!   `embeddingDimension`, `embeddingResults` with `embeddingType`,
//!   `status` and `outputFileUri`) and one `embedding-{modality}.jsonl` per
//!   result, a line per segment (`embedding`, `segmentMetadata`, `status`).
//!   Text splits every `maxLengthChars` characters (32,000 by default; the
//!   end position is one past the last character, inferred); audio and
//!   video segments last `durationSeconds` (5 by default). A combined video
//!   writes `embedding-audio-video.jsonl` (public samples read that name;
//!   the page's listing omits it). `manifest.json` is not written: no
//!   source shows what it holds.
//! - **TwelveLabs Marengo Embed 3.0** (AWS user guide page): `output.json`
//!   holding `data`, a list of `{embedding}` for text and images, and for
//!   audio and video an entry per embedding option and segment with
//!   `embeddingOption`, `embeddingScope`, `startSec` and `endSec` (clips
//!   of `segmentation.fixed.durationSec`, 6 by default, or of
//!   `dynamic.minDurationSec`, 4 by default; `clip` scope when none is
//!   asked, inferred).

use super::async_jobs::AsyncJob;
use super::ids::stable_hash;
use super::synth::vector;
use serde_json::{json, Value};

/// The most segments a Nova text input makes (AWS: "you cannot have more
/// than 1900 segments").
pub const MAX_TEXT_SEGMENTS: usize = 1900;

/// The most segments an audio or video input makes (1434, as AWS says).
pub const MAX_MEDIA_SEGMENTS: usize = 1434;

/// One output file: its name in the job's folder and its bytes.
pub type OutputFile = (String, Vec<u8>);

/// The files `job` writes, or why it fails (a refusal the fake words).
pub fn files(job: &AsyncJob) -> Result<Vec<OutputFile>, String> {
    let input = job.request.get("modelInput").cloned().unwrap_or_default();
    match job.model.family.as_str() {
        "nova_embed" => nova_segmented(job, &input),
        "twelvelabs_marengo" => Ok(vec![marengo(job, &input)]),
        other => Err(format!(
            "bedrock-harness: no asynchronous output is modelled for the {other} family"
        )),
    }
}

/// A unit vector of `dims` values for segment `index` of `part`.
fn embedding(job: &AsyncJob, part: &str, index: usize, dims: usize) -> Vec<f32> {
    let seed = stable_hash(&[job.id.as_bytes(), part.as_bytes(), &index.to_be_bytes()]);
    vector(seed | 1, dims, true)
}

fn nova_segmented(job: &AsyncJob, input: &Value) -> Result<Vec<OutputFile>, String> {
    let params = input
        .get("segmentedEmbeddingParams")
        .cloned()
        .unwrap_or_default();
    let dims = params
        .get("embeddingDimension")
        .and_then(Value::as_u64)
        .unwrap_or(3072) as usize;
    let uri_of = |media: &Value| {
        media
            .pointer("/source/s3Location/uri")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    // (embeddingType, file suffix, segment metadata per line)
    let mut results: Vec<(&str, &str, Vec<Value>)> = Vec::new();
    let mut source = None;
    if let Some(text) = params.get("text") {
        source = uri_of(text);
        let step = text
            .pointer("/segmentationConfig/maxLengthChars")
            .and_then(Value::as_u64)
            .unwrap_or(32_000) as usize;
        let length = text
            .get("value")
            .and_then(Value::as_str)
            .map(|t| t.chars().count());
        let segments: Vec<Value> = match length {
            Some(length) => {
                let count = length.div_ceil(step).max(1);
                if count > MAX_TEXT_SEGMENTS {
                    return Err(format!("bedrock-harness: the text makes {count} segments of {step} characters; the model makes at most {MAX_TEXT_SEGMENTS}"));
                }
                (0..count)
                    .map(|i| json!({"segmentIndex": i, "segmentStartCharPosition": i * step, "segmentEndCharPosition": ((i + 1) * step).min(length)}))
                    .collect()
            }
            None => vec![json!({"segmentIndex": 0, "segmentStartCharPosition": 0})],
        };
        results.push(("TEXT", "text", segments));
    } else if let Some(image) = params.get("image") {
        source = uri_of(image);
        results.push(("IMAGE", "image", vec![Value::Null]));
    } else {
        for kind in ["audio", "video"] {
            let Some(media) = params.get(kind) else {
                continue;
            };
            source = uri_of(media);
            let seconds = media
                .pointer("/segmentationConfig/durationSeconds")
                .and_then(Value::as_u64)
                .unwrap_or(5);
            let segment = vec![
                json!({"segmentIndex": 0, "segmentStartSeconds": 0, "segmentEndSeconds": seconds}),
            ];
            match (kind, media.get("embeddingMode").and_then(Value::as_str)) {
                ("audio", _) => results.push(("AUDIO", "audio", segment)),
                (_, Some("AUDIO_VIDEO_SEPARATE")) => {
                    results.push(("VIDEO", "video", segment.clone()));
                    results.push(("AUDIO", "audio", segment));
                }
                _ => results.push(("AUDIO_VIDEO_COMBINED", "audio-video", segment)),
            }
        }
    }
    let mut files = Vec::new();
    let mut entries = Vec::new();
    for (kind, suffix, segments) in &results {
        let name = format!("embedding-{suffix}.jsonl");
        let mut lines = Vec::new();
        for (i, metadata) in segments.iter().enumerate() {
            let mut line = json!({"embedding": embedding(job, suffix, i, dims)});
            if !metadata.is_null() {
                line["segmentMetadata"] = metadata.clone();
            }
            line["status"] = json!("SUCCESS");
            lines.extend(serde_json::to_vec(&line).unwrap_or_default());
            lines.push(b'\n');
        }
        entries.push(json!({
            "embeddingType": kind,
            "status": "SUCCESS",
            "outputFileUri": format!("{}/{name}", job.output_uri)
        }));
        files.push((name, lines));
    }
    let mut result = serde_json::Map::new();
    if let Some(source) = source {
        result.insert("sourceFileUri".into(), json!(source));
    }
    result.insert("embeddingDimension".into(), json!(dims));
    result.insert("embeddingResults".into(), Value::Array(entries));
    let summary = serde_json::to_vec_pretty(&Value::Object(result)).unwrap_or_default();
    files.insert(0, ("segmented-embedding-result.json".into(), summary));
    Ok(files)
}

fn marengo(job: &AsyncJob, input: &Value) -> OutputFile {
    let dims = job.model.embedding_dimensions.unwrap_or(512) as usize;
    let kind = input
        .get("inputType")
        .and_then(Value::as_str)
        .unwrap_or("text");
    let data: Vec<Value> = match input
        .get(kind)
        .filter(|_| kind == "audio" || kind == "video")
    {
        None => vec![json!({"embedding": embedding(job, kind, 0, dims)})],
        Some(media) => marengo_clips(job, kind, media, dims),
    };
    let body = serde_json::to_vec(&json!({ "data": data })).unwrap_or_default();
    ("output.json".into(), body)
}

fn marengo_clips(job: &AsyncJob, kind: &str, media: &Value, dims: usize) -> Vec<Value> {
    let strings = |key: &str, default: &[&str]| -> Vec<String> {
        match media.get(key).and_then(Value::as_array) {
            Some(list) => list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            None => default.iter().map(|s| s.to_string()).collect(),
        }
    };
    let default_options: &[&str] = match kind {
        "video" => &["visual", "audio", "transcription"],
        _ => &["audio", "transcription"],
    };
    let mut options = strings("embeddingOption", default_options);
    if strings("embeddingType", &["separate_embedding"]).contains(&"fused_embedding".to_string()) {
        options.push("fused".into());
    }
    let scopes = strings("embeddingScope", &["clip"]);
    let step = match media
        .pointer("/segmentation/method")
        .and_then(Value::as_str)
    {
        Some("dynamic") => media.pointer("/segmentation/dynamic/minDurationSec"),
        _ => media.pointer("/segmentation/fixed/durationSec"),
    }
    .and_then(Value::as_f64)
    .unwrap_or(
        if media
            .pointer("/segmentation/method")
            .and_then(Value::as_str)
            == Some("dynamic")
        {
            4.0
        } else {
            6.0
        },
    )
    .max(1.0);
    let start = media.get("startSec").and_then(Value::as_f64).unwrap_or(0.0);
    let end = media
        .get("endSec")
        .and_then(Value::as_f64)
        .filter(|e| *e > start)
        .unwrap_or(start + step);
    let clips = (((end - start) / step).ceil() as usize).clamp(1, MAX_MEDIA_SEGMENTS);
    let mut data = Vec::new();
    for scope in &scopes {
        let spans: Vec<(f64, f64)> = match scope.as_str() {
            "asset" => vec![(start, end)],
            _ => (0..clips)
                .map(|i| {
                    let from = start + step * i as f64;
                    (from, (from + step).min(end))
                })
                .collect(),
        };
        for option in &options {
            for (i, (from, to)) in spans.iter().enumerate() {
                data.push(json!({
                    "embedding": embedding(job, &format!("{scope}/{option}"), i, dims),
                    "embeddingOption": option,
                    "embeddingScope": scope,
                    "startSec": from,
                    "endSec": to
                }));
            }
        }
    }
    data
}
