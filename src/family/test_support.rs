//! Helpers for the families' unit tests: models and fixtures by name.

use crate::catalog::Catalog;
use crate::fixtures::FixtureStore;
use crate::model_info::ModelInfo;
use serde_json::Value;

/// The catalog entry of `id`; panics with the id if it is missing.
pub(crate) fn model(id: &str) -> &'static ModelInfo {
    Catalog::embedded()
        .model(id)
        .unwrap_or_else(|| panic!("{id} is not in the catalog"))
}

/// `fixtures/<family>/requests/<name>.json`.
pub(crate) fn request_fixture(family: &str, name: &str) -> Value {
    let path = crate::fixture_layout::request(family, name);
    FixtureStore::embedded()
        .read_json(&path)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("{path} is missing"))
}

/// `fixtures/<family>/requests/documented.json`: the AWS documentation's example body.
pub(crate) fn documented_request(family: &str) -> Value {
    request_fixture(family, "documented")
}

fn recording(family: &str, name: &str) -> Value {
    let path = crate::fixture_layout::recording(family, name);
    FixtureStore::embedded()
        .read_json(&path)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("{path} is missing"))
}

/// The `invoke` body of `fixtures/<family>/responses/default.json`, as bytes.
/// `part` is the key inside the file (`invoke`).
pub(crate) fn recorded(family: &str, part: &str) -> Vec<u8> {
    recorded_in(family, "default", part)
}

/// The `part` key of `fixtures/<family>/responses/<file>.json`, as bytes.
pub(crate) fn recorded_in(family: &str, file: &str, part: &str) -> Vec<u8> {
    let value = recording(family, file);
    let body = value
        .get(part)
        .unwrap_or_else(|| panic!("{family}/responses/{file}.json has no `{part}`"));
    serde_json::to_vec(body).expect("a JSON value serialises")
}

/// The `stream` chunks of `fixtures/<family>/responses/default.json`, each as bytes.
pub(crate) fn recorded_chunks(family: &str) -> Vec<Vec<u8>> {
    recorded_chunks_in(family, "default")
}

/// The `stream` chunks of `fixtures/<family>/responses/<file>.json`, each as bytes.
pub(crate) fn recorded_chunks_in(family: &str, file: &str) -> Vec<Vec<u8>> {
    let value = recording(family, file);
    value["stream"]
        .as_array()
        .unwrap_or_else(|| panic!("{family}/responses/{file}.json has no `stream` list"))
        .iter()
        .map(|c| serde_json::to_vec(c).expect("a JSON value serialises"))
        .collect()
}
