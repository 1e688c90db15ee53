//! Where each kind of fixture lives in a fixtures tree, embedded or
//! overlay: the one place that spells the layout out.
//!
//! ```text
//! <family>/models.json           the family's models
//! <family>/schema.json           its request schema
//! <family>/async_schema.json     its StartAsyncInvoke modelInput schema
//! <family>/requests/<name>.json  example requests (index.json names models)
//! <family>/invalid/<name>.json   refused requests with Bedrock's texts
//! <family>/responses/<name>.json recordings: default, or a model's own
//! pending.json                   models whose wire format is missing
//! sources.json                   the sources the facts cite
//! latency.json                   published latencies (serve --latency realistic)
//! compatible/refusals/<name>.json  refusals of the compatible APIs
//! ```
//!
//! ```
//! use bedrock_harness::fixture_layout;
//!
//! assert_eq!(fixture_layout::models("nova"), "nova/models.json");
//! assert_eq!(fixture_layout::recording("nova", "default"), "nova/responses/default.json");
//! ```

/// `<family>/models.json`.
pub fn models(family: &str) -> String {
    format!("{family}/models.json")
}

/// `<family>/schema.json`.
pub fn schema(family: &str) -> String {
    format!("{family}/schema.json")
}

/// `<family>/async_schema.json`: the schema of StartAsyncInvoke's
/// `modelInput` for the family's models; a family without one takes no
/// asynchronous invocations.
pub fn async_schema(family: &str) -> String {
    format!("{family}/async_schema.json")
}

/// `<family>/requests`, the folder of example requests.
pub fn requests(family: &str) -> String {
    format!("{family}/requests")
}

/// `<family>/requests/<name>.json`.
pub fn request(family: &str, name: &str) -> String {
    format!("{family}/requests/{name}.json")
}

/// `<family>/invalid`, the folder of refused requests.
pub fn invalid(family: &str) -> String {
    format!("{family}/invalid")
}

/// `<family>/responses`, the folder of recordings.
pub fn responses(family: &str) -> String {
    format!("{family}/responses")
}

/// `<family>/responses/<name>.json`: `default`, a model's own (see
/// [`recording_name`](crate::fake::recording_name)) or a named one.
pub fn recording(family: &str, name: &str) -> String {
    format!("{family}/responses/{name}.json")
}

/// `<family>/responses/<model id with : and / as _>.json`: the model's own
/// recording, where record mode writes it.
///
/// ```
/// use bedrock_harness::fixture_layout;
///
/// assert_eq!(
///     fixture_layout::model_recording("nova", "amazon.nova-micro-v1:0"),
///     "nova/responses/amazon.nova-micro-v1_0.json"
/// );
/// ```
pub fn model_recording(family: &str, model_id: &str) -> String {
    recording(family, &crate::fake::recording_name(model_id))
}

/// `pending.json`.
pub const PENDING: &str = "pending.json";

/// `sources.json`.
pub const SOURCES: &str = "sources.json";

/// `compatible/refusals`: the compatible APIs' refusals (Chat Completions,
/// Responses, Messages, on bedrock-runtime or bedrock-mantle), one case a
/// file: the endpoint, path and body, and the status and error body
/// expected, with where they come from.
pub const COMPATIBLE_REFUSALS: &str = "compatible/refusals";
