//! Snapshots of what the families write and read: the native body each
//! family builds from a fixed set of portable requests, and the portable
//! form of every recorded response and every example request under
//! `fixtures/`. A new fixture file is a new snapshot, with no code.
//!
//! Snapshots live in `tests/it/snapshots/`; review a change with
//! `cargo insta review`, or rerun with `INSTA_UPDATE=always` and read the
//! diff of the `.snap` files.

use crate::support::{in_service_model, request_model};
use bedrock_harness::fake::synth::png;
use bedrock_harness::family::RenderContext;
use bedrock_harness::{
    families, family_by_name, Catalog, ContentBlock, Error, ImageFormat, Message, ModelFamily,
    ModelInfo, PortableRequest, PortableResponse, Role, StopReason, StreamAccumulator, ToolCall,
    ToolChoice, ToolSpec, Usage,
};
use insta::internals::{Content, ContentPath};
use serde_json::{json, Value};
use std::path::Path;

fn weather_tool() -> ToolSpec {
    ToolSpec::new(
        "get_weather",
        json!({
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"]
        }),
    )
    .description("The current weather of a city.")
}

/// The portable requests every family is snapshotted with, by name.
fn portable_requests() -> Vec<(&'static str, PortableRequest)> {
    vec![
        (
            "plain_prompt",
            PortableRequest::prompt("Explain quantum physics in 2 sentences."),
        ),
        (
            "system_multi_turn",
            PortableRequest::prompt("What is the capital of France?")
                .system("Answer in one word.")
                .message(Message::assistant("Paris."))
                .message(Message::user("And of Italy?")),
        ),
        (
            "all_inference_params",
            PortableRequest::prompt("Write a haiku about the sea.")
                .max_tokens(256)
                .temperature(0.5)
                .top_p(0.9)
                .top_k(40)
                .stop_sequence("END"),
        ),
        (
            "common_inference_params",
            PortableRequest::prompt("Write a haiku about the sea.")
                .max_tokens(256)
                .temperature(0.5)
                .top_p(0.9)
                .stop_sequence("END"),
        ),
        (
            "tools_auto_choice",
            PortableRequest::prompt("What is the weather in Paris?")
                .tool(weather_tool())
                .tool_choice(ToolChoice::Auto),
        ),
        (
            "forced_tool",
            PortableRequest::prompt("What is the weather in Paris?")
                .tool(weather_tool())
                .tool_choice(ToolChoice::Tool("get_weather".into())),
        ),
        (
            "image",
            PortableRequest {
                messages: vec![Message {
                    role: Role::User,
                    content: vec![
                        ContentBlock::image(ImageFormat::Png, png(1, 1, [200, 30, 30])),
                        ContentBlock::Text("What colour is this image?".into()),
                    ],
                }],
                ..Default::default()
            },
        ),
    ]
}

/// The model a case is built for: the family's first model in service, or
/// for the image case its first in service that reads images, if any.
fn case_model(family: &str, case: &str) -> &'static ModelInfo {
    let default = in_service_model(family);
    if case != "image" {
        return default;
    }
    Catalog::embedded()
        .models()
        .iter()
        .find(|m| m.family == family && crate::support::in_service(m) && m.converse.images)
        .unwrap_or(default)
}

/// `value` without nulls, empty arrays and empty objects: the request as a
/// reader would write it.
fn compact(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, compact(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(compact).collect()),
        other => other,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// For every family and every request: the pretty-printed native body, or
/// the text of the family's refusal. The portable request is in the
/// snapshot's `info`.
#[test]
fn native_bodies_built_from_portable_requests() {
    for family in families() {
        for (case, req) in portable_requests() {
            let model = case_model(family.name(), case);
            let name = format!("native_body__{}__{case}", family.name());
            let mut settings = insta::Settings::clone_current();
            settings.set_description(format!(
                "{} ({}): the native body built from the portable `{case}` request",
                family.title(),
                model.id
            ));
            settings.set_info(&compact(as_json(&req)));
            settings.bind(|| match family.build(&req, model) {
                Ok(body) => insta::assert_json_snapshot!(name, body),
                // A feature the family cannot express, or a request the
                // model's own rules refuse as Bedrock would.
                Err(err @ (Error::Unsupported { .. } | Error::Refused { .. })) => {
                    insta::assert_snapshot!(name, format!("refused: {err}"))
                }
                Err(other) => panic!("{}: {case}: {other}", family.name()),
            });
        }
    }
}

/// `fixtures/<family>/<kind>/<file>` → the family and the file name.
fn fixture_family(path: &Path) -> (&'static dyn ModelFamily, String) {
    let file = path.file_name().unwrap().to_str().unwrap().to_string();
    let family = path
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .unwrap();
    let family = family_by_name(family).unwrap_or_else(|| panic!("no family {family}"));
    (family, file)
}

/// Replaces a non-empty id with `[id]`; an empty or missing one stays, so
/// it shows.
fn redact_id(value: Content, _path: ContentPath<'_>) -> Content {
    match value.as_str() {
        Some(id) if !id.is_empty() => Content::from("[id]"),
        _ => value,
    }
}

/// Bytes of one recorded stream chunk: JSON serialised, a string (`[DONE]`)
/// as is.
fn chunk_bytes(chunk: &Value) -> Vec<u8> {
    match chunk {
        Value::String(raw) => raw.clone().into_bytes(),
        other => serde_json::to_vec(other).unwrap(),
    }
}

/// `value` as JSON through its text, so `f32`s read as written (`0.0321`,
/// not `0.032099999487400055`).
fn as_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
}

/// Every recording, its invoke body and its stream, in portable form.
#[test]
fn recorded_responses_in_portable_form() {
    insta::glob!("../../fixtures", "*/responses/*.json", |path| {
        let (family, file) = fixture_family(path);
        let recording: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let invoke = match recording.get("invoke") {
            Some(body) if !body.is_null() => {
                let bytes = serde_json::to_vec(body).unwrap();
                let resp = family
                    .parse(&bytes)
                    .unwrap_or_else(|e| panic!("{}/{file}: invoke: {e}", family.name()));
                as_json(&resp)
            }
            _ => Value::Null,
        };
        let stream = match recording.get("stream").and_then(Value::as_array) {
            Some(chunks) => {
                let mut acc = StreamAccumulator::new();
                for (i, chunk) in chunks.iter().enumerate() {
                    acc.feed(family, &chunk_bytes(chunk))
                        .unwrap_or_else(|e| panic!("{}/{file}: chunk {i}: {e}", family.name()));
                }
                let resp = acc
                    .finish()
                    .unwrap_or_else(|e| panic!("{}/{file}: stream: {e}", family.name()));
                as_json(&resp)
            }
            None => Value::Null,
        };
        insta::assert_json_snapshot!(json!({"invoke": invoke, "stream": stream}), {
            ".*.tool_calls[].id" => insta::dynamic_redaction(redact_id),
        });
    });
}

/// Every example request read back into the portable form, with the model
/// `requests/index.json` names for it (else the family's first in service).
#[test]
fn example_requests_read_back() {
    insta::glob!("../../fixtures", "*/requests/*.json", |path| {
        let (family, file) = fixture_family(path);
        if file == "index.json" {
            return;
        }
        let model = request_model(family.name(), &file);
        let body = std::fs::read(path).unwrap();
        insta::with_settings!({description => format!("read back as {}", model.id)}, {
            match family.read_request(&body, model) {
                Ok(req) => insta::assert_json_snapshot!(compact(as_json(&req)), {
                    ".messages[].content[].tool_use.id" => insta::dynamic_redaction(redact_id),
                    ".messages[].content[].tool_result.tool_use_id" => insta::dynamic_redaction(redact_id),
                }),
                // What the portable form cannot hold (documents, masks...).
                Err(err) => insta::assert_snapshot!(format!("refused: {err}")),
            }
        });
    });
}

/// A response that calls a tool after a sentence: the shape every chat
/// family renders with `tool_calls`.
fn tool_call_answer() -> PortableResponse {
    PortableResponse {
        text: "Let me look that up for you.".into(),
        tool_calls: vec![ToolCall {
            id: "tooluse_0123456789abcdef".into(),
            name: "get_weather".into(),
            input: json!({"city": "Paris", "unit": "celsius"}),
        }],
        stop_reason: Some(StopReason::ToolUse),
        usage: Some(Usage {
            input_tokens: 42,
            output_tokens: 17,
        }),
        ..Default::default()
    }
}

/// What the fake sends for every recording's portable form and for a tool
/// call with and without text, as the family renders it: the invoke body and, for a model that
/// streams, the chunks. These pin the rendered bytes.
#[test]
fn rendered_answers() {
    const RESPONSE_ID: &str = "0123456789abcdef0123456789abcdef";
    for family in families() {
        let model = in_service_model(family.name());
        let ctx = RenderContext {
            model,
            response_id: RESPONSE_ID,
            request: None,
        };
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(family.name())
            .join("responses");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let mut answers: Vec<(String, PortableResponse)> = files
            .iter()
            .filter_map(|path| {
                let recording: Value =
                    serde_json::from_slice(&std::fs::read(path).unwrap()).ok()?;
                let body = recording.get("invoke").filter(|b| !b.is_null())?;
                let resp = family.parse(&serde_json::to_vec(body).unwrap()).ok()?;
                let stem = path.file_stem()?.to_str()?.to_string();
                Some((stem, resp))
            })
            .collect();
        answers.push(("tool_call".into(), tool_call_answer()));
        let only_calls = PortableResponse {
            text: String::new(),
            ..tool_call_answer()
        };
        answers.push(("tool_call_only".into(), only_calls));
        for (case, resp) in answers {
            let invoke = match family.render_response(&resp, &ctx) {
                Ok(body) => body,
                Err(err) => json!(format!("refused: {err}")),
            };
            let stream = match model.streaming {
                false => Value::Null,
                true => match family.render_chunks(&resp, &ctx) {
                    Ok(chunks) => Value::Array(chunks),
                    Err(err) => json!(format!("refused: {err}")),
                },
            };
            let name = format!("rendered__{}__{case}", family.name());
            insta::assert_json_snapshot!(name, json!({"invoke": invoke, "stream": stream}));
        }
    }
}
