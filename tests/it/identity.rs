//! Identity: every answer names the model called, and its ids are unique
//! per call and the same for the same sequence of calls and seed.

use crate::support::pinned;
use bedrock_harness::fake::{FakeConfig, FakeRequest, FakeState};
use bedrock_harness::{family_by_name, Catalog};
use serde_json::{json, Value};

fn fake(seed: u64) -> FakeState {
    FakeState::new(FakeConfig { seed, ..pinned() }).unwrap()
}

fn invoke(state: &FakeState, model: &str, body: &Value) -> Value {
    let label = model.replace(':', "%3A");
    let resp = state.handle(&FakeRequest::post(
        &format!("/model/{label}/invoke"),
        serde_json::to_vec(body).unwrap(),
    ));
    assert_eq!(
        resp.status,
        200,
        "{model}: {}",
        String::from_utf8_lossy(&resp.body)
    );
    serde_json::from_slice(&resp.body).unwrap()
}

fn claude(text: &str) -> Value {
    json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 512,
           "messages": [{"role": "user", "content": text}]})
}

#[test]
fn a_claude_answer_names_the_model_called_even_from_the_default_recording() {
    let state = fake(0);
    for (id, name) in [
        (
            "us.anthropic.claude-haiku-4-5-20251001-v1:0",
            "claude-haiku-4-5-20251001",
        ),
        ("us.anthropic.claude-opus-5", "claude-opus-5"),
    ] {
        let answer = invoke(
            &state,
            id,
            &claude("Explain quantum physics in 2 sentences."),
        );
        assert_eq!(answer["model"], name, "{id}");
        assert!(
            answer["id"].as_str().unwrap().starts_with("msg_bdrk_"),
            "{answer}"
        );
    }
}

#[test]
fn two_calls_never_share_an_id_and_the_same_sequence_repeats_them() {
    let body = claude("Hello");
    let first = fake(0);
    let (a, b) = (
        invoke(&first, "anthropic.claude-3-haiku-20240307-v1:0", &body),
        invoke(&first, "anthropic.claude-3-haiku-20240307-v1:0", &body),
    );
    assert_ne!(a["id"], b["id"]);
    assert_eq!(a["content"], b["content"], "the text stays the recording's");
    let again = fake(0);
    assert_eq!(
        invoke(&again, "anthropic.claude-3-haiku-20240307-v1:0", &body)["id"],
        a["id"]
    );
    let seeded = fake(7);
    assert_ne!(
        invoke(&seeded, "anthropic.claude-3-haiku-20240307-v1:0", &body)["id"],
        a["id"]
    );
}

#[test]
fn chat_completions_name_the_model_and_recorded_tool_ids_are_renewed() {
    let state = fake(0);
    let documented: Value = serde_json::from_str(
        &std::fs::read_to_string("fixtures/openai_chat/requests/documented.json").unwrap(),
    )
    .unwrap();
    for id in [
        "openai.gpt-oss-120b-1:0",
        "mistral.devstral-2-123b",
        "qwen.qwen3-32b-v1:0",
    ] {
        let answer = invoke(&state, id, &documented);
        assert_eq!(answer["model"], id, "{answer}");
        assert!(
            answer["id"].as_str().unwrap().starts_with("chatcmpl-"),
            "{answer}"
        );
    }
    let tools: Value = serde_json::from_str(
        &std::fs::read_to_string("fixtures/openai_chat/requests/tool_use.json").unwrap(),
    )
    .unwrap();
    let first = invoke(&state, "openai.gpt-oss-20b-1:0", &tools);
    let second = invoke(&state, "openai.gpt-oss-20b-1:0", &tools);
    let call_id = |v: &Value| v["choices"][0]["message"]["tool_calls"][0]["id"].clone();
    assert!(call_id(&first).is_string(), "{first}");
    assert_ne!(call_id(&first), call_id(&second));
}

#[test]
fn every_family_that_names_its_answers_renders_the_fields_it_rewrites() {
    let catalog = Catalog::embedded();
    for family in bedrock_harness::families() {
        if family.identity_fields().is_empty() {
            continue;
        }
        let model = catalog
            .models()
            .iter()
            .find(|m| m.family == family.name())
            .unwrap();
        let ctx = bedrock_harness::RenderContext {
            model,
            response_id: "0123456789abcdef0123456789abcdef",
            request: None,
        };
        let answer = bedrock_harness::PortableResponse {
            text: "Hi".into(),
            embeddings: vec![vec![0.5; 4]],
            ..Default::default()
        };
        let body = family.render_response(&answer, &ctx).unwrap();
        let named = family
            .identity_fields()
            .iter()
            .filter(|p| body.pointer(p).is_some())
            .count();
        assert!(
            named > 0,
            "{}: renders none of {:?}",
            family.name(),
            family.identity_fields()
        );
        assert!(family_by_name(family.name()).is_some());
    }
}

/// Every text family whose answers carry ids: two calls of its documented
/// request get different ids, and a `model` field names the model called.
#[test]
fn every_text_family_with_ids_gives_each_call_its_own() {
    let state = fake(0);
    let mut checked = 0;
    for family in bedrock_harness::families() {
        let fields = family.identity_fields();
        let model = crate::support::request_model(family.name(), "documented.json");
        if fields.is_empty() || model.output != bedrock_harness::Output::Text {
            continue;
        }
        let body: Value = bedrock_harness::FixtureStore::embedded()
            .read_json(&bedrock_harness::fixture_layout::request(
                family.name(),
                "documented",
            ))
            .unwrap()
            .unwrap();
        let id = crate::support::callable_id(model);
        let (a, b) = (invoke(&state, &id, &body), invoke(&state, &id, &body));
        let mut ids = 0;
        for pointer in fields {
            let (Some(x), Some(y)) = (a.pointer(pointer), b.pointer(pointer)) else {
                continue;
            };
            if pointer.ends_with("model") {
                assert_eq!(x, y, "{}: {pointer}", family.name());
                let named = x.as_str().unwrap_or_default();
                let base = model.id.trim_start_matches("anthropic.");
                assert!(
                    named == model.id || base.starts_with(named),
                    "{}: {named} for {}",
                    family.name(),
                    model.id
                );
            } else {
                assert_ne!(x, y, "{}: {pointer} repeats", family.name());
                ids += 1;
            }
        }
        assert!(ids > 0, "{}: no id in {a}", family.name());
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} families checked");
}
