//! Per family, over the registry: build, parse, stream parsing and
//! validation, each next to a serde_json baseline on the same bytes.
//!
//! Run: `cargo bench --bench families`.

use bedrock_harness::{
    families, parse_body, Catalog, FixtureStore, ModelInfo, Output, PortableRequest, Recording,
    SchemaValidator, StreamAccumulator,
};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde_json::{json, Value};
use std::hint::black_box;

fn model_of(family: &str) -> &'static ModelInfo {
    let models = Catalog::embedded().models();
    models
        .iter()
        .find(|m| m.family == family && m.lifecycle.end_of_life.is_none() && !m.profile_only)
        .or_else(|| models.iter().find(|m| m.family == family))
        .expect("every family lists a model")
}

fn request_for(model: &ModelInfo) -> PortableRequest {
    match model.output {
        Output::Text => PortableRequest::prompt("Explain quantum physics in 2 sentences.")
            .system("You are a physics teacher.")
            .max_tokens(512)
            .temperature(0.5),
        _ => PortableRequest::prompt("A lighthouse at dawn"),
    }
}

fn recording(family: &str) -> Recording {
    Recording::read(&FixtureStore::embedded(), family, "default")
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("build");
    for family in families() {
        let model = model_of(family.name());
        let mut req = request_for(model);
        if family.build_bytes(&req, model).is_err() {
            req.system = None;
        }
        let Ok(value) = family.build(&req, model) else {
            continue;
        };
        group.bench_function(BenchmarkId::new("build_bytes", family.name()), |b| {
            b.iter(|| family.build_bytes(black_box(&req), model).unwrap())
        });
        group.bench_function(
            BenchmarkId::new("serde_to_vec_baseline", family.name()),
            |b| b.iter(|| serde_json::to_vec(black_box(&value)).unwrap()),
        );
    }
    group.finish();
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for family in families() {
        let rec = recording(family.name());
        let Some(invoke) = rec.invoke.as_ref() else {
            continue;
        };
        let bytes = serde_json::to_vec(invoke).unwrap();
        group.bench_function(BenchmarkId::new("parse", family.name()), |b| {
            b.iter(|| family.parse(black_box(&bytes)).unwrap())
        });
        group.bench_function(
            BenchmarkId::new("serde_from_slice_baseline", family.name()),
            |b| b.iter(|| serde_json::from_slice::<Value>(black_box(&bytes)).unwrap()),
        );
    }
    group.finish();
}

fn parse_stream(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_stream");
    for family in families() {
        let rec = recording(family.name());
        let Some(chunks) = rec.stream.as_ref() else {
            continue;
        };
        let chunks: Vec<Vec<u8>> = chunks
            .iter()
            .map(|c| match c {
                Value::String(raw) => raw.clone().into_bytes(),
                other => serde_json::to_vec(other).unwrap(),
            })
            .collect();
        group.bench_function(BenchmarkId::new("accumulate", family.name()), |b| {
            b.iter(|| {
                let mut acc = StreamAccumulator::new();
                for chunk in &chunks {
                    acc.feed(*family, black_box(chunk)).unwrap();
                }
                acc.finish().unwrap()
            })
        });
    }
    group.finish();
}

fn validate(c: &mut Criterion) {
    let validator = SchemaValidator::embedded();
    let mut group = c.benchmark_group("validate");
    for family in families() {
        let model = model_of(family.name());
        let Some(body) = FixtureStore::embedded().read(&bedrock_harness::fixture_layout::request(
            family.name(),
            "documented",
        )) else {
            continue;
        };
        if validator.validate(model, &body).is_err() {
            continue;
        }
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(BenchmarkId::new("validate", family.name()), |b| {
            b.iter(|| validator.validate(model, black_box(&body)).unwrap())
        });
        group.bench_function(
            BenchmarkId::new("parse_only_baseline", family.name()),
            |b| b.iter(|| parse_body(black_box(&body)).unwrap()),
        );
    }
    group.finish();
}

/// A typical body of about 1 KB and a large one of about 1 MB of messages.
fn validate_sizes(c: &mut Criterion) {
    let validator = SchemaValidator::embedded();
    let titan = Catalog::embedded()
        .model("amazon.titan-text-express-v1")
        .unwrap();
    let claude = Catalog::embedded()
        .model("anthropic.claude-3-haiku-20240307-v1:0")
        .unwrap();
    let sentence = "The quick brown fox jumps over the lazy dog and keeps running. ";
    let kb = serde_json::to_vec(&json!({
        "inputText": sentence.repeat(15),
        "textGenerationConfig": {"maxTokenCount": 512, "temperature": 0.5, "topP": 0.9, "stopSequences": ["User:"]}
    }))
    .unwrap();
    let turns: Vec<Value> = (0..2000)
        .map(|i| json!({"role": if i % 2 == 0 { "user" } else { "assistant" }, "content": sentence.repeat(8)}))
        .collect();
    let mb = serde_json::to_vec(&json!({
        "anthropic_version": "bedrock-2023-05-31", "max_tokens": 1024, "messages": turns
    }))
    .unwrap();
    let mut group = c.benchmark_group("validate_size");
    for (name, model, body) in [
        ("1KB_titan_text", titan, &kb),
        ("1MB_claude_messages", claude, &mb),
    ] {
        if validator.validate(model, body).is_err() {
            eprintln!("skipping {name}: the body is not valid for {}", model.id);
            continue;
        }
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(BenchmarkId::new("validate", name), |b| {
            b.iter(|| validator.validate(model, black_box(body)).unwrap())
        });
        group.bench_function(BenchmarkId::new("parse_only_baseline", name), |b| {
            b.iter(|| parse_body(black_box(body)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    build,
    parse,
    parse_stream,
    validate,
    validate_sizes
);
criterion_main!(benches);
