//! Conformance of every family's fixtures: each body in `requests/` passes
//! the model's schema, and each case in `invalid/` is refused with exactly
//! the message it expects. A new fixture file is a new case, with no code.

use crate::support::request_model;
use bedrock_harness::{families, Catalog, FixtureStore, SchemaValidator};
use serde::Deserialize;
use serde_json::Value;

/// `fixtures/<family>/invalid/<case>.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InvalidCase {
    /// The model the body is sent to.
    model: String,
    /// The body, as JSON...
    #[serde(default)]
    body: Option<Value>,
    /// ...or as raw text, for bodies that are not JSON.
    #[serde(default)]
    body_raw: Option<String>,
    /// The exact ValidationException message.
    message: String,
    /// Why the case matters; where the message comes from.
    #[serde(default)]
    note: Option<String>,
}

fn store() -> FixtureStore {
    FixtureStore::embedded()
}

fn json_files(dir: &str) -> Vec<String> {
    store()
        .list(dir)
        .into_iter()
        .filter(|f| f.ends_with(".json") && f != "index.json")
        .collect()
}

#[test]
fn every_example_request_passes_its_schema() {
    let validator = SchemaValidator::embedded();
    let mut failures = Vec::new();
    let mut checked = 0;
    for family in families() {
        // A family without a schema is reported by the test below.
        if store()
            .read(&bedrock_harness::fixture_layout::schema(family.name()))
            .is_none()
        {
            continue;
        }
        let dir = bedrock_harness::fixture_layout::requests(family.name());
        for file in json_files(&dir) {
            let model = request_model(family.name(), &file);
            let body = store().read(&format!("{dir}/{file}")).unwrap();
            if let Err(rejection) = validator.validate(model, &body) {
                failures.push(format!("{dir}/{file} ({}): {rejection}", model.id));
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} refused:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        checked >= families().len(),
        "only {checked} example requests"
    );
}

#[test]
fn every_invalid_case_gets_its_exact_message() {
    let validator = SchemaValidator::embedded();
    let mut failures = Vec::new();
    let mut checked = 0;
    for family in families() {
        let dir = bedrock_harness::fixture_layout::invalid(family.name());
        for file in json_files(&dir) {
            let path = format!("{dir}/{file}");
            let case: InvalidCase = match store().read_json(&path) {
                Ok(Some(case)) => case,
                other => {
                    failures.push(format!("{path}: unreadable case: {other:?}"));
                    continue;
                }
            };
            let _ = &case.note;
            let model = Catalog::embedded()
                .model(&case.model)
                .unwrap_or_else(|| panic!("{path}: unknown model {}", case.model));
            assert_eq!(
                model.family,
                family.name(),
                "{path}: model of another family"
            );
            let body = match (&case.body, &case.body_raw) {
                (Some(v), None) => serde_json::to_vec(v).unwrap(),
                (None, Some(raw)) => raw.clone().into_bytes(),
                _ => panic!("{path}: give exactly one of body and body_raw"),
            };
            match validator.validate(model, &body) {
                Ok(()) => failures.push(format!("{path}: accepted, expected {}", case.message)),
                Err(rejection) if rejection.message() != case.message => failures.push(format!(
                    "{path}:\n  expected {}\n  got      {}",
                    case.message,
                    rejection.message()
                )),
                Err(_) => {}
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 0, "no invalid cases");
}

#[test]
fn every_family_has_a_schema_and_at_least_six_invalid_cases() {
    let missing: Vec<String> = families()
        .iter()
        .filter_map(|f| {
            let schema = store()
                .read(&bedrock_harness::fixture_layout::schema(f.name()))
                .is_some();
            let cases = json_files(&bedrock_harness::fixture_layout::invalid(f.name())).len();
            (!schema || cases < 6)
                .then(|| format!("{}: schema {schema}, {cases} invalid cases", f.name()))
        })
        .collect();
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
