//! The catalog against Bedrock's model list of December 2026: every model
//! AWS's lifecycle, model-card and endpoint pages (and the probes recorded
//! in `fixtures/sources.json`) show, with the state it is in on the tests'
//! pinned day. A model whose wire format no family speaks must be listed in
//! `fixtures/pending.json`; a bedrock-mantle-only model must be listed
//! there as such.

use crate::support::as_of;
use bedrock_harness::{Catalog, Endpoint, FixtureStore, LifecycleState};
use serde_json::Value;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Active,
    Legacy,
    EndOfLife,
    Mantle,
}

/// Bedrock's models on 2026-12-02 and their states.
const BEDROCK_2026_12: &[(&str, Expect)] = &[
    ("anthropic.claude-3-haiku-20240307-v1:0", Expect::EndOfLife),
    ("anthropic.claude-3-sonnet-20240229-v1:0", Expect::EndOfLife),
    ("anthropic.claude-3-opus-20240229-v1:0", Expect::EndOfLife),
    (
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        Expect::EndOfLife,
    ),
    (
        "anthropic.claude-3-5-sonnet-20241022-v2:0",
        Expect::EndOfLife,
    ),
    (
        "anthropic.claude-3-5-haiku-20241022-v1:0",
        Expect::EndOfLife,
    ),
    (
        "anthropic.claude-3-7-sonnet-20250219-v1:0",
        Expect::EndOfLife,
    ),
    ("anthropic.claude-opus-4-20250514-v1:0", Expect::EndOfLife),
    ("anthropic.claude-sonnet-4-20250514-v1:0", Expect::EndOfLife),
    ("anthropic.claude-opus-4-1-20250805-v1:0", Expect::Legacy),
    ("anthropic.claude-sonnet-4-5-20250929-v1:0", Expect::Legacy),
    ("anthropic.claude-haiku-4-5-20251001-v1:0", Expect::Active),
    ("anthropic.claude-opus-4-5-20251101-v1:0", Expect::Active),
    ("anthropic.claude-opus-4-6-v1", Expect::Active),
    ("anthropic.claude-sonnet-4-6", Expect::Active),
    ("anthropic.claude-opus-4-7", Expect::Active),
    ("anthropic.claude-opus-4-8", Expect::Active),
    ("anthropic.claude-fable-5", Expect::Active),
    ("anthropic.claude-sonnet-5", Expect::Active),
    ("anthropic.claude-opus-5", Expect::Active),
    ("anthropic.claude-fable-5-1", Expect::Active),
    ("anthropic.claude-opus-5-5", Expect::Active),
    ("anthropic.claude-sonnet-5-5", Expect::Active),
    ("anthropic.claude-haiku-5-5", Expect::Active),
    ("anthropic.claude-mythos-5", Expect::Mantle),
    ("anthropic.claude-mythos-5-1", Expect::Mantle),
    ("anthropic.claude-mythos-preview", Expect::Mantle),
    ("anthropic.claude-v2", Expect::EndOfLife),
    ("anthropic.claude-v2:1", Expect::EndOfLife),
    ("anthropic.claude-instant-v1", Expect::EndOfLife),
    ("amazon.nova-micro-v1:0", Expect::Active),
    ("amazon.nova-lite-v1:0", Expect::Active),
    ("amazon.nova-pro-v1:0", Expect::Active),
    ("amazon.nova-premier-v1:0", Expect::EndOfLife),
    ("amazon.nova-2-lite-v1:0", Expect::Active),
    ("amazon.nova-2-pro-preview-20251202-v1:0", Expect::Active),
    ("amazon.nova-2-sonic-v1:0", Expect::Active),
    ("amazon.nova-2-5-sonic", Expect::Active),
    ("amazon.nova-2-multimodal-embeddings-v1:0", Expect::Active),
    ("amazon.nova-canvas-v1:0", Expect::EndOfLife),
    ("amazon.rerank-v1:0", Expect::Active),
    ("amazon.titan-embed-text-v1", Expect::Active),
    ("amazon.titan-embed-text-v2:0", Expect::Active),
    ("amazon.titan-embed-image-v1", Expect::Active),
    ("amazon.titan-image-generator-v1", Expect::EndOfLife),
    ("amazon.titan-image-generator-v2:0", Expect::EndOfLife),
    ("amazon.titan-text-lite-v1", Expect::EndOfLife),
    ("amazon.titan-text-express-v1", Expect::EndOfLife),
    ("amazon.titan-text-premier-v1:0", Expect::EndOfLife),
    ("ai21.jamba-1-5-large-v1:0", Expect::EndOfLife),
    ("ai21.jamba-1-5-mini-v1:0", Expect::EndOfLife),
    ("ai21.jamba-instruct-v1:0", Expect::EndOfLife),
    ("ai21.j2-mid-v1", Expect::EndOfLife),
    ("ai21.j2-ultra-v1", Expect::EndOfLife),
    ("cohere.command-r-v1:0", Expect::EndOfLife),
    ("cohere.command-r-plus-v1:0", Expect::EndOfLife),
    ("cohere.command-text-v14", Expect::EndOfLife),
    ("cohere.command-light-text-v14", Expect::EndOfLife),
    ("cohere.embed-english-v3", Expect::Active),
    ("cohere.embed-multilingual-v3", Expect::Active),
    ("cohere.embed-v4:0", Expect::Active),
    ("cohere.rerank-v3-5:0", Expect::Active),
    ("meta.llama3-8b-instruct-v1:0", Expect::Active),
    ("meta.llama3-70b-instruct-v1:0", Expect::Active),
    ("meta.llama3-1-8b-instruct-v1:0", Expect::Active),
    ("meta.llama3-1-70b-instruct-v1:0", Expect::Active),
    ("meta.llama3-1-405b-instruct-v1:0", Expect::EndOfLife),
    ("meta.llama3-2-1b-instruct-v1:0", Expect::EndOfLife),
    ("meta.llama3-2-3b-instruct-v1:0", Expect::EndOfLife),
    ("meta.llama3-2-11b-instruct-v1:0", Expect::EndOfLife),
    ("meta.llama3-2-90b-instruct-v1:0", Expect::EndOfLife),
    ("meta.llama3-3-70b-instruct-v1:0", Expect::Active),
    ("meta.llama4-scout-17b-instruct-v1:0", Expect::Active),
    ("meta.llama4-maverick-17b-instruct-v1:0", Expect::Active),
    ("meta.llama2-13b-chat-v1", Expect::EndOfLife),
    ("meta.llama2-70b-chat-v1", Expect::EndOfLife),
    ("mistral.mistral-7b-instruct-v0:2", Expect::Active),
    ("mistral.mixtral-8x7b-instruct-v0:1", Expect::Active),
    ("mistral.mistral-large-2402-v1:0", Expect::Active),
    ("mistral.mistral-small-2402-v1:0", Expect::Active),
    ("mistral.mistral-large-2407-v1:0", Expect::Active),
    ("mistral.pixtral-large-2502-v1:0", Expect::Active),
    ("mistral.mistral-large-3-675b-instruct", Expect::Active),
    ("mistral.devstral-2-123b", Expect::Active),
    ("mistral.magistral-small-2509", Expect::Active),
    ("mistral.ministral-3-3b-instruct", Expect::Active),
    ("mistral.ministral-3-8b-instruct", Expect::Active),
    ("mistral.ministral-3-14b-instruct", Expect::Active),
    ("mistral.voxtral-mini-3b-2507", Expect::Active),
    ("mistral.voxtral-small-24b-2507", Expect::Active),
    ("deepseek.r1-v1:0", Expect::Active),
    ("deepseek.v3-v1:0", Expect::Active),
    ("deepseek.v3.2", Expect::Active),
    ("google.gemma-3-4b-it", Expect::Active),
    ("google.gemma-3-12b-it", Expect::Active),
    ("google.gemma-3-27b-it", Expect::Active),
    ("google.gemma-4-31b", Expect::Mantle),
    ("google.gemma-4-26b-a4b", Expect::Mantle),
    ("google.gemma-4-e2b", Expect::Mantle),
    ("minimax.minimax-m2", Expect::Active),
    ("minimax.minimax-m2.1", Expect::Active),
    ("minimax.minimax-m2.5", Expect::Active),
    ("moonshot.kimi-k2-thinking", Expect::Active),
    ("moonshotai.kimi-k2.5", Expect::Active),
    ("moonshotai.kimi-k3", Expect::Active),
    ("nvidia.nemotron-nano-9b-v2", Expect::Active),
    ("nvidia.nemotron-nano-12b-v2", Expect::Active),
    ("nvidia.nemotron-nano-3-30b", Expect::Active),
    ("nvidia.nemotron-super-3-120b", Expect::Active),
    ("zai.glm-4.7", Expect::Active),
    ("zai.glm-4.7-flash", Expect::Active),
    ("zai.glm-5", Expect::Active),
    ("xai.grok-4.6", Expect::Active),
    ("xai.grok-4.7", Expect::Active),
    ("xai.grok-4.3", Expect::Mantle),
    ("openai.gpt-oss-20b-1:0", Expect::Active),
    ("openai.gpt-oss-120b-1:0", Expect::Active),
    ("openai.gpt-oss-safeguard-20b", Expect::Active),
    ("openai.gpt-oss-safeguard-120b", Expect::Active),
    ("openai.gpt-5.4", Expect::Mantle),
    ("openai.gpt-5.5", Expect::Mantle),
    ("openai.gpt-5.6-sol", Expect::Active),
    ("openai.gpt-5.6-terra", Expect::Active),
    ("openai.gpt-5.6-luna", Expect::Active),
    ("openai.gpt-6-astra", Expect::Active),
    ("openai.gpt-6-sol", Expect::Active),
    ("openai.gpt-6-luna", Expect::Active),
    ("openai.gpt-6.1-sol", Expect::Active),
    ("qwen.qwen3-32b-v1:0", Expect::Active),
    ("qwen.qwen3-235b-a22b-2507-v1:0", Expect::Active),
    ("qwen.qwen3-coder-30b-a3b-v1:0", Expect::Active),
    ("qwen.qwen3-coder-480b-a35b-v1:0", Expect::Active),
    ("qwen.qwen3-coder-next", Expect::Active),
    ("qwen.qwen3-next-80b-a3b", Expect::Active),
    ("qwen.qwen3-vl-235b-a22b", Expect::Active),
    ("writer.palmyra-x4-v1:0", Expect::Active),
    ("writer.palmyra-x5-v1:0", Expect::Active),
    ("writer.palmyra-vision-7b", Expect::Active),
    ("stability.stable-diffusion-xl-v1", Expect::EndOfLife),
    ("stability.stable-conservative-upscale-v1:0", Expect::Active),
    ("stability.stable-creative-upscale-v1:0", Expect::Active),
    ("stability.stable-fast-upscale-v1:0", Expect::Active),
    ("stability.stable-image-control-sketch-v1:0", Expect::Active),
    (
        "stability.stable-image-control-structure-v1:0",
        Expect::Active,
    ),
    ("stability.stable-image-erase-object-v1:0", Expect::Active),
    ("stability.stable-image-inpaint-v1:0", Expect::Active),
    ("stability.stable-outpaint-v1:0", Expect::Active),
    (
        "stability.stable-image-remove-background-v1:0",
        Expect::Active,
    ),
    ("stability.stable-image-search-recolor-v1:0", Expect::Active),
    ("stability.stable-image-search-replace-v1:0", Expect::Active),
    ("stability.stable-image-style-guide-v1:0", Expect::Active),
    ("stability.stable-style-transfer-v1:0", Expect::Active),
    ("twelvelabs.marengo-embed-3-0-v1:0", Expect::Active),
    ("twelvelabs.pegasus-1-2-v1:0", Expect::Active),
];

#[test]
fn every_bedrock_model_is_listed_with_its_state() {
    let catalog = Catalog::embedded();
    let day = as_of();
    let mut wrong = Vec::new();
    for &(id, expect) in BEDROCK_2026_12 {
        let state = match (catalog.model(id), catalog.pending_model(id)) {
            (Some(model), _) => Some((model.state(day), Endpoint::Runtime)),
            (None, Some(pending)) => Some((pending.lifecycle.state(day), pending.endpoint)),
            (None, None) => catalog
                .mantle_only()
                .iter()
                .find(|m| m.id == id)
                .map(|m| (m.state(day), m.endpoint)),
        };
        let ok = matches!(
            (expect, state),
            (
                Expect::Active,
                Some((LifecycleState::Active, Endpoint::Runtime))
            ) | (
                Expect::Legacy,
                Some((LifecycleState::Legacy, Endpoint::Runtime))
            ) | (Expect::EndOfLife, Some((LifecycleState::EndOfLife, _)))
                | (Expect::Mantle, Some((_, Endpoint::Mantle)))
        );
        if !ok {
            wrong.push(format!("{id}: expected {expect:?}, catalog has {state:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_model_cites_known_sources() {
    let sources: Value = FixtureStore::embedded()
        .read_json(bedrock_harness::fixture_layout::SOURCES)
        .unwrap()
        .expect("fixtures/sources.json");
    let keys: BTreeSet<&str> = sources["sources"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let catalog = Catalog::embedded();
    let cited = catalog
        .models()
        .iter()
        .map(|m| (m.id.as_str(), m.source.as_str()))
        .chain(
            catalog
                .pending()
                .iter()
                .map(|m| (m.id.as_str(), m.source.as_str())),
        )
        .chain(
            catalog
                .mantle_only()
                .iter()
                .map(|m| (m.id.as_str(), m.source.as_str())),
        );
    let mut used = BTreeSet::new();
    for (id, source) in cited {
        let refs: Vec<&str> = source
            .split('[')
            .skip(1)
            .filter_map(|s| s.split(']').next())
            .collect();
        assert!(!refs.is_empty(), "{id} cites no source: {source:?}");
        for key in refs {
            assert!(keys.contains(key), "{id} cites unknown source [{key}]");
            used.insert(key);
        }
    }
    let unused: Vec<_> = keys.difference(&used).collect();
    assert!(unused.is_empty(), "sources nobody cites: {unused:?}");
    for (key, entry) in sources["sources"].as_object().unwrap() {
        let third_party = entry["title"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Third-party:");
        assert!(
            third_party
                || entry["url"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("https://")),
            "{key} needs an https URL"
        );
    }
}

#[test]
fn the_fixed_flags_hold() {
    let catalog = Catalog::embedded();
    let model = |id| catalog.model(id).unwrap_or_else(|| panic!("{id} missing"));
    assert!(!model("amazon.nova-micro-v1:0").converse.documents);
    assert!(
        !model("anthropic.claude-3-5-haiku-20241022-v1:0")
            .converse
            .images
    );
    assert!(!model("amazon.titan-text-premier-v1:0").converse.documents);
    assert!(model("deepseek.v3-v1:0").converse.streaming_tools);
    assert!(model("qwen.qwen3-vl-235b-a22b").converse.images);
    assert!(model("writer.palmyra-vision-7b").converse.images);
    for id in [
        "openai.gpt-oss-20b-1:0",
        "openai.gpt-oss-120b-1:0",
        "openai.gpt-oss-safeguard-20b",
        "openai.gpt-oss-safeguard-120b",
    ] {
        assert_eq!(model(id).max_output_tokens, Some(16384), "{id}");
    }
    for id in [
        "anthropic.claude-opus-4-6-v1",
        "anthropic.claude-opus-4-7",
        "anthropic.claude-opus-4-8",
        "anthropic.claude-sonnet-5",
        "anthropic.claude-opus-5",
        "anthropic.claude-fable-5",
        "anthropic.claude-fable-5-1",
        "anthropic.claude-opus-5-5",
        "anthropic.claude-sonnet-5-5",
        "anthropic.claude-haiku-5-5",
    ] {
        let m = model(id);
        assert_eq!(m.max_output_tokens, Some(128_000), "{id}");
        assert!(m.requires_profile("us-east-1"), "{id}");
    }
}
