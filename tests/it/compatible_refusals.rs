//! The compatible APIs' refusals, one case a file in
//! `fixtures/compatible/refusals/`: each is sent to a fake standing for its
//! endpoint, and answers its status with an error body holding every field
//! the case expects. A new file is a new case, with no code.

use bedrock_harness::fake::{FakeConfig, FakeRequest, FakeState};
use bedrock_harness::{fixture_layout, Endpoint, FixtureStore};
use serde::Deserialize;
use serde_json::Value;

/// `fixtures/compatible/refusals/<case>.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RefusalCase {
    /// `runtime` or `mantle`.
    endpoint: Endpoint,
    path: String,
    body: Value,
    status: u16,
    /// The fields the error body must hold (others may be there too).
    error: Value,
    /// Where the answer comes from.
    note: String,
}

/// Whether every field of `expected` is in `actual` with the same value.
fn holds(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|got| holds(got, v))),
        _ => actual == expected,
    }
}

#[test]
fn every_compatible_api_refusal_case_is_answered_as_it_expects() {
    let store = FixtureStore::embedded();
    let files = store.list(fixture_layout::COMPATIBLE_REFUSALS);
    assert!(files.len() >= 8, "{files:?}");
    let state = |endpoint| {
        FakeState::new(FakeConfig {
            endpoint,
            ..crate::support::pinned()
        })
        .unwrap()
    };
    let (runtime, mantle) = (state(Endpoint::Runtime), state(Endpoint::Mantle));
    for file in files {
        let path = format!("{}/{file}", fixture_layout::COMPATIBLE_REFUSALS);
        let case: RefusalCase = store.read_json(&path).unwrap().unwrap();
        assert!(!case.note.is_empty(), "{path} says where it comes from");
        let fake = match case.endpoint {
            Endpoint::Runtime => &runtime,
            Endpoint::Mantle => &mantle,
        };
        let answer = fake.handle(&FakeRequest::post(
            &case.path,
            case.body.to_string().into_bytes(),
        ));
        let body: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        assert_eq!(answer.status, case.status, "{path}: {body}");
        assert!(
            holds(&body, &case.error),
            "{path}: got {body}, want {}",
            case.error
        );
    }
}

#[test]
fn a_case_that_does_not_hold_is_seen() {
    let actual = serde_json::json!({"error": {"code": "a", "message": "m", "param": null}});
    assert!(holds(&actual, &serde_json::json!({"error": {"code": "a"}})));
    assert!(!holds(
        &actual,
        &serde_json::json!({"error": {"code": "b"}})
    ));
    assert!(!holds(
        &actual,
        &serde_json::json!({"error": {"type": "x"}})
    ));
}
