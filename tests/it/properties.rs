//! Properties over arbitrary portable requests and arbitrary input.

use bedrock_harness::{
    families, Catalog, Effort, EmbeddingOptions, ImageOptions, InferenceParams, Message, ModelId,
    PortableRequest, RerankOptions, SchemaValidator, StreamAccumulator, Thinking, ToolChoice,
    ToolSpec,
};
use proptest::prelude::*;
use serde_json::json;

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,.?!]{1,40}"
}

fn conversation() -> impl Strategy<Value = Vec<Message>> {
    prop::collection::vec((text(), text()), 0..3).prop_flat_map(|pairs| {
        text().prop_map(move |last| {
            let mut turns = Vec::new();
            for (q, a) in &pairs {
                turns.push(Message::user(q.clone()));
                turns.push(Message::assistant(a.clone()));
            }
            turns.push(Message::user(last));
            turns
        })
    })
}

fn params() -> impl Strategy<Value = InferenceParams> {
    (
        prop::option::of(1u32..=2048),
        prop::option::of(0.0f32..=1.0),
        prop::option::of(0.0f32..=1.0),
        prop::option::of(1u32..=200),
        prop::collection::vec("[a-z]{1,8}", 0..3),
    )
        .prop_map(
            |(max_tokens, temperature, top_p, top_k, stop_sequences)| InferenceParams {
                max_tokens,
                temperature,
                top_p,
                top_k,
                stop_sequences,
            },
        )
}

fn tools() -> impl Strategy<Value = (Vec<ToolSpec>, Option<ToolChoice>)> {
    prop::collection::vec("[a-z_]{1,12}", 0..3).prop_flat_map(|names| {
        let mut names = names;
        names.sort();
        names.dedup();
        let specs: Vec<ToolSpec> = names
            .iter()
            .map(|n| ToolSpec {
                name: n.clone(),
                description: Some(format!("The {n} tool")),
                input_schema: json!({"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}),
            })
            .collect();
        let choices = if names.is_empty() {
            Just(None).boxed()
        } else {
            prop_oneof![
                Just(None),
                Just(Some(ToolChoice::Auto)),
                Just(Some(ToolChoice::Any)),
                Just(Some(ToolChoice::Tool(names[0].clone()))),
            ]
            .boxed()
        };
        choices.prop_map(move |c| (specs.clone(), c))
    })
}

/// An arbitrary portable request: system prompt, turns, parameters, tools,
/// embedding and image options, each present or not.
pub(crate) fn request() -> impl Strategy<Value = PortableRequest> {
    (
        prop::option::of(text()),
        conversation(),
        params(),
        tools(),
        prop::option::of(prop::sample::select(vec![256u32, 512, 1024])),
        prop::option::of(any::<bool>()),
        prop::option::of(1u32..=5),
        prop::option::of(prop::sample::select(vec![512u32, 768, 1024])),
        prop::option::of(0u64..=100_000),
        prop::option::of(prop::sample::select(vec![
            Thinking::Disabled,
            Thinking::Adaptive,
            Thinking::Enabled {
                budget_tokens: 1024,
            },
        ])),
        prop::option::of(prop::sample::select(vec![Effort::Low, Effort::High])),
        prop::option::of((
            prop::collection::vec(text(), 1..4),
            prop::option::of(1u32..=3),
        )),
    )
        .prop_map(
            |(
                system,
                messages,
                params,
                (tools, tool_choice),
                dims,
                normalize,
                count,
                side,
                seed,
                thinking,
                effort,
                rerank,
            )| {
                PortableRequest {
                    system,
                    messages,
                    params,
                    tools,
                    tool_choice,
                    embedding: EmbeddingOptions {
                        dimensions: dims,
                        normalize,
                        input_type: None,
                        ..Default::default()
                    },
                    image: ImageOptions {
                        count,
                        width: side,
                        height: side,
                        seed,
                        negative_prompt: None,
                        ..Default::default()
                    },
                    thinking,
                    effort,
                    rerank: rerank
                        .map(|(documents, top_n)| RerankOptions { documents, top_n })
                        .unwrap_or_default(),
                    output_schema: None,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every body a family builds for a model passes that model's schema:
    /// the builders and the schemas are two statements of one contract.
    #[test]
    fn every_built_body_passes_its_schema(req in request()) {
        let validator = SchemaValidator::embedded();
        // Families without a schema are reported by the conformance tests.
        let store = bedrock_harness::FixtureStore::embedded();
        for model in Catalog::embedded().models() {
            if store.read(&bedrock_harness::fixture_layout::schema(&model.family)).is_none() {
                continue;
            }
            let family = bedrock_harness::family_by_name(&model.family).unwrap();
            let Ok(body) = family.build(&req, model) else { continue };
            if let Err(rejection) = validator.validate_value(model, &body) {
                prop_assert!(false, "{}: {} refused its own body {}: {}", model.family, model.id, body, rejection);
            }
        }
    }

    /// Validation never panics, whatever the JSON.
    #[test]
    fn validation_never_panics(body in arb_json()) {
        let validator = SchemaValidator::embedded();
        let bytes = serde_json::to_vec(&body).unwrap();
        for family in families() {
            let model = Catalog::embedded().models().iter().find(|m| m.family == family.name()).unwrap();
            let _ = validator.validate(model, &bytes);
        }
    }

    /// Parsers never panic on arbitrary bytes or arbitrary JSON.
    #[test]
    fn parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256), value in arb_json()) {
        let json_bytes = serde_json::to_vec(&value).unwrap();
        for family in families() {
            for input in [&bytes, &json_bytes] {
                let _ = family.parse(input);
                let _ = family.parse_chunk(input, &mut StreamAccumulator::new());
            }
        }
    }

    /// Model ids: any string gives a value or an error, and a parsed id
    /// survives display and percent-encoding.
    #[test]
    fn model_ids_round_trip(raw in "\\PC{0,80}", id in "(us\\.|global\\.)?[a-z]{2,8}\\.[a-z0-9-]{1,20}(:[0-9])?") {
        let _ = ModelId::parse(&raw);
        let _ = ModelId::from_path_label(&raw);
        let parsed = ModelId::parse(&id).unwrap();
        prop_assert_eq!(ModelId::parse(&parsed.to_string()).unwrap(), parsed.clone());
        prop_assert_eq!(ModelId::from_path_label(&parsed.to_path_label()).unwrap(), parsed);
    }
}

/// Arbitrary JSON with the member names Bedrock bodies use.
pub fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        (-1e6f64..1e6).prop_map(serde_json::Value::from),
        "[a-zA-Z_]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::hash_map(
                prop::sample::select(vec![
                    "inputText",
                    "prompt",
                    "messages",
                    "role",
                    "content",
                    "text",
                    "type",
                    "max_tokens",
                    "temperature",
                    "choices",
                    "results",
                    "outputs",
                    "generation",
                    "embedding",
                    "images",
                    "output",
                    "message",
                    "delta",
                    "index",
                    "usage",
                ])
                .prop_map(str::to_string),
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
