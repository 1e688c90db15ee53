//! The four catalog reads of the Bedrock control plane (`bedrock`, not
//! `bedrock-runtime`), answered from the fake's catalog, so code that
//! discovers models (`boto3.client("bedrock")`, `models sync`) runs offline.
//!
//! | operation | method and path |
//! |---|---|
//! | ListFoundationModels | `GET /foundation-models` (`byProvider`, `byOutputModality`, `byInferenceType`) |
//! | GetFoundationModel | `GET /foundation-models/{modelIdentifier}` |
//! | ListInferenceProfiles | `GET /inference-profiles` (`maxResults`, `nextToken`, `type`) |
//! | GetInferenceProfile | `GET /inference-profiles/{inferenceProfileIdentifier}` |
//!
//! Shapes follow the `bedrock` service model (2023-04-20): summaries carry
//! `modelLifecycle` with `status` `ACTIVE` or `LEGACY` and the Legacy,
//! extended-access and end-of-life times (ISO 8601, as the model's
//! `Timestamp` shape says); an end-of-life model is absent, as it is from
//! Bedrock's list. A model that needs an inference profile in the fake's
//! region lists `INFERENCE_PROFILE` instead of `ON_DEMAND`, as Bedrock does,
//! and has a system-defined profile of the region's geography whose only
//! destination is the fake's region.

use super::errors::BedrockError;
use super::http::{FakeRequest, FakeResponse};
use super::FakeState;
use crate::lifecycle::{format_date, Date, Lifecycle, LifecycleState};
use crate::model_info::{Endpoint, ModelInfo, Output, PendingModel};
use serde_json::{json, Map, Value};

/// The account the fake's ARNs carry.
const ACCOUNT: &str = "000000000000";

/// The most profiles one ListInferenceProfiles page holds by default.
const DEFAULT_PAGE: usize = 1000;

/// Whether `path` is one of the control-plane reads.
pub(crate) fn serves(path: &str) -> bool {
    path == "/foundation-models"
        || path.starts_with("/foundation-models/")
        || path == "/inference-profiles"
        || path.starts_with("/inference-profiles/")
}

/// Answers a control-plane read.
pub(crate) fn handle(state: &FakeState, req: &FakeRequest) -> Result<FakeResponse, BedrockError> {
    super::auth::check(state, req)?;
    let view = View::new(state);
    let segments: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    match (req.method.as_str(), segments.as_slice()) {
        ("GET", ["foundation-models"]) => Ok(view.list_models(&req.query_pairs())),
        ("GET", ["foundation-models", id]) => view.get_model(&decode(id)),
        ("GET", ["inference-profiles"]) => view.list_profiles(&req.query_pairs()),
        ("GET", ["inference-profiles", id]) => view.get_profile(&decode(id)),
        _ => Err(BedrockError {
            name: "UnknownOperationException".into(),
            status: 404,
            message: format!(
                "bedrock-harness: no Bedrock control-plane read at {} {}",
                req.method, req.path
            ),
            extra: Default::default(),
        }),
    }
}

/// The catalog as the control plane shows it on the fake's day, in its
/// region.
struct View<'a> {
    state: &'a FakeState,
    day: Date,
    region: &'a str,
}

impl<'a> View<'a> {
    fn new(state: &'a FakeState) -> Self {
        View {
            state,
            day: state.config.today(),
            region: &state.config.region,
        }
    }

    fn live(&self, lifecycle: &Lifecycle) -> bool {
        lifecycle.state(self.day) != LifecycleState::EndOfLife
    }

    fn summaries(&self) -> Vec<Value> {
        let catalog = &self.state.catalog;
        let known = catalog
            .models()
            .iter()
            .filter(|m| self.live(&m.lifecycle))
            .map(|m| self.known_summary(m));
        let pending = catalog
            .pending()
            .iter()
            .filter(|m| m.endpoint == Endpoint::Runtime && self.live(&m.lifecycle))
            .map(|m| self.pending_summary(m));
        known.chain(pending).collect()
    }

    fn known_summary(&self, m: &ModelInfo) -> Value {
        // Embedding models that take images: the multimodal family's.
        let image_input = m.converse.images || m.family == "titan_multimodal_embed";
        let (input, output): (&[&str], &str) = match (m.output, image_input) {
            (Output::Text, true) => (&["TEXT", "IMAGE"], "TEXT"),
            (Output::Text, false) => (&["TEXT"], "TEXT"),
            (Output::Embedding, true) => (&["TEXT", "IMAGE"], "EMBEDDING"),
            (Output::Embedding, false) => (&["TEXT"], "EMBEDDING"),
            (Output::Image, _) => (&["TEXT", "IMAGE"], "IMAGE"),
            // No source gives a rerank model's modalities; its answer is
            // text (JSON scores).
            (Output::Rerank, _) => (&["TEXT"], "TEXT"),
        };
        let inference = if m.requires_profile(self.region) {
            "INFERENCE_PROFILE"
        } else {
            "ON_DEMAND"
        };
        json!({
            "modelArn": self.model_arn(&m.id),
            "modelId": m.id,
            "modelName": m.name,
            "providerName": provider_name(&m.id),
            "inputModalities": input,
            "outputModalities": [output],
            "responseStreamingSupported": m.streaming,
            "inferenceTypesSupported": [inference],
            "modelLifecycle": self.lifecycle(&m.lifecycle),
        })
    }

    fn pending_summary(&self, m: &PendingModel) -> Value {
        json!({
            "modelArn": self.model_arn(&m.id),
            "modelId": m.id,
            "modelName": m.name,
            "providerName": m.provider,
            "modelLifecycle": self.lifecycle(&m.lifecycle),
        })
    }

    fn lifecycle(&self, lifecycle: &Lifecycle) -> Value {
        let status = match lifecycle.state(self.day) {
            LifecycleState::Legacy => "LEGACY",
            _ => "ACTIVE",
        };
        let mut out = Map::new();
        out.insert("status".into(), json!(status));
        for (key, date) in [
            ("legacyTime", lifecycle.legacy),
            ("publicExtendedAccessTime", lifecycle.extended_access),
            ("endOfLifeTime", lifecycle.end_of_life),
        ] {
            if let Some(date) = date {
                out.insert(
                    key.into(),
                    json!(format!("{}T00:00:00Z", format_date(date))),
                );
            }
        }
        Value::Object(out)
    }

    fn model_arn(&self, id: &str) -> String {
        format!("arn:aws:bedrock:{}::foundation-model/{id}", self.region)
    }

    fn list_models(&self, query: &[(String, String)]) -> FakeResponse {
        let wanted = |key: &str| {
            query
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let summaries: Vec<Value> = self
            .summaries()
            .into_iter()
            .filter(|s| {
                wanted("byProvider").is_none_or(|p| {
                    s["providerName"]
                        .as_str()
                        .is_some_and(|n| n.eq_ignore_ascii_case(p))
                        || s["modelId"]
                            .as_str()
                            .is_some_and(|id| id.split('.').next() == Some(&p.to_lowercase()))
                })
            })
            .filter(|s| {
                wanted("byOutputModality").is_none_or(|o| listed(&s["outputModalities"], o))
            })
            .filter(|s| {
                wanted("byInferenceType").is_none_or(|t| listed(&s["inferenceTypesSupported"], t))
            })
            .filter(|_| wanted("byCustomizationType").is_none())
            .collect();
        FakeResponse::json(200, &json!({"modelSummaries": summaries}))
    }

    fn get_model(&self, identifier: &str) -> Result<FakeResponse, BedrockError> {
        let id = identifier
            .rsplit_once("foundation-model/")
            .map_or(identifier, |(_, id)| id);
        self.summaries()
            .into_iter()
            .find(|s| s["modelId"] == id)
            .map(|details| FakeResponse::json(200, &json!({"modelDetails": details})))
            .ok_or_else(|| {
                not_found(format!(
                    "bedrock-harness: no foundation model {identifier} in the catalog"
                ))
            })
    }

    fn profiles(&self) -> Vec<Value> {
        let geo = geography(self.region);
        self.state
            .catalog
            .models()
            .iter()
            .filter(|m| self.live(&m.lifecycle))
            .filter(|m| m.profile_only || m.profile_only_by_region.values().any(|&p| p))
            .map(|m| {
                let id = format!("{geo}.{}", m.id);
                json!({
                    "inferenceProfileName": format!("{} {} {}", geo.to_uppercase(), provider_name(&m.id), m.name),
                    "description": format!("Routes requests to {} in {}.", m.name, self.region),
                    "inferenceProfileArn": format!("arn:aws:bedrock:{}:{ACCOUNT}:inference-profile/{id}", self.region),
                    "models": [{"modelArn": self.model_arn(&m.id)}],
                    "inferenceProfileId": id,
                    "status": "ACTIVE",
                    "type": "SYSTEM_DEFINED",
                })
            })
            .collect()
    }

    fn list_profiles(&self, query: &[(String, String)]) -> Result<FakeResponse, BedrockError> {
        let value = |key: &str| {
            query
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        if value("type") == Some("APPLICATION") {
            return Ok(FakeResponse::json(
                200,
                &json!({"inferenceProfileSummaries": []}),
            ));
        }
        let page = match value("maxResults") {
            None => DEFAULT_PAGE,
            Some(n) => match n.parse::<usize>() {
                Ok(n @ 1..=1000) => n,
                _ => {
                    return Err(BedrockError::validation(format!(
                        "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000"
                    )))
                }
            },
        };
        let start = match value("nextToken") {
            None => 0,
            Some(token) => token.parse::<usize>().map_err(|_| {
                BedrockError::validation(format!(
                    "bedrock-harness: nextToken {token:?} is not one this fake gave"
                ))
            })?,
        };
        let profiles = self.profiles();
        let end = start.saturating_add(page).min(profiles.len());
        let mut body =
            json!({"inferenceProfileSummaries": profiles.get(start..end).unwrap_or_default()});
        if end < profiles.len() {
            body["nextToken"] = json!(end.to_string());
        }
        Ok(FakeResponse::json(200, &body))
    }

    fn get_profile(&self, identifier: &str) -> Result<FakeResponse, BedrockError> {
        self.profiles()
            .into_iter()
            .find(|p| {
                p["inferenceProfileId"] == identifier || p["inferenceProfileArn"] == identifier
            })
            .map(|p| FakeResponse::json(200, &p))
            .ok_or_else(|| {
                not_found(format!(
                    "bedrock-harness: no inference profile {identifier} in the catalog"
                ))
            })
    }
}

fn listed(list: &Value, wanted: &str) -> bool {
    list.as_array()
        .is_some_and(|items| items.iter().any(|i| i.as_str() == Some(wanted)))
}

fn not_found(message: String) -> BedrockError {
    BedrockError::new("ResourceNotFoundException", message)
}

/// The provider name Bedrock's summaries give, from the id's provider part.
fn provider_name(id: &str) -> &str {
    match id.split('.').next().unwrap_or_default() {
        "amazon" => "Amazon",
        "anthropic" => "Anthropic",
        "ai21" => "AI21 Labs",
        "cohere" => "Cohere",
        "deepseek" => "DeepSeek",
        "meta" => "Meta",
        "mistral" => "Mistral AI",
        "openai" => "OpenAI",
        "qwen" => "Qwen",
        "stability" => "Stability AI",
        "writer" => "Writer",
        other => other,
    }
}

/// The geographic prefix of a region's system-defined profiles.
pub(crate) fn geography(region: &str) -> &'static str {
    match region.split('-').next().unwrap_or_default() {
        _ if region.starts_with("us-gov-") => "us-gov",
        "us" => "us",
        "eu" => "eu",
        "ap" => "apac",
        "ca" => "ca",
        _ => "global",
    }
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::FakeConfig;
    use crate::lifecycle::parse_date;

    fn state(as_of: &str) -> FakeState {
        FakeState::new(FakeConfig {
            as_of: Some(parse_date(as_of).unwrap()),
            ..FakeConfig::default()
        })
        .unwrap()
    }

    fn get(state: &FakeState, path: &str) -> (u16, Value) {
        let resp = state.handle(&FakeRequest::get(path));
        (resp.status, serde_json::from_slice(&resp.body).unwrap())
    }

    #[test]
    fn end_of_life_models_leave_the_list_on_their_day() {
        let id = "anthropic.claude-3-haiku-20240307-v1:0";
        let listed_on = |day| {
            let (_, body) = get(&state(day), "/foundation-models?byProvider=Anthropic");
            body["modelSummaries"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["modelId"] == id)
        };
        assert!(listed_on("2026-09-09"));
        assert!(!listed_on("2026-09-10"));
    }

    #[test]
    fn legacy_models_carry_their_dates() {
        let (status, body) = get(
            &state("2026-12-02"),
            "/foundation-models/anthropic.claude-sonnet-4-5-20250929-v1%3A0",
        );
        assert_eq!(status, 200);
        assert_eq!(
            body["modelDetails"]["modelLifecycle"],
            json!({
                "status": "LEGACY",
                "legacyTime": "2026-10-08T00:00:00Z",
                "publicExtendedAccessTime": "2027-01-08T00:00:00Z",
                "endOfLifeTime": "2027-04-08T00:00:00Z",
            })
        );
    }

    #[test]
    fn unknown_models_and_profiles_are_not_found() {
        let s = state("2026-12-02");
        assert_eq!(get(&s, "/foundation-models/amazon.nope-v1").0, 404);
        assert_eq!(get(&s, "/inference-profiles/us.amazon.nope-v1").0, 404);
    }

    #[test]
    fn profiles_page_with_next_tokens() {
        let s = state("2026-12-02");
        let (_, first) = get(&s, "/inference-profiles?maxResults=2");
        assert_eq!(
            first["inferenceProfileSummaries"].as_array().unwrap().len(),
            2
        );
        let token = first["nextToken"].as_str().unwrap().to_string();
        let (_, second) = get(
            &s,
            &format!("/inference-profiles?maxResults=2&nextToken={token}"),
        );
        assert_ne!(
            first["inferenceProfileSummaries"][0],
            second["inferenceProfileSummaries"][0]
        );
        assert_eq!(get(&s, "/inference-profiles?maxResults=0").0, 400);
        assert_eq!(get(&s, "/inference-profiles?nextToken=zz").0, 400);
        let (status, past_the_end) = get(&s, "/inference-profiles?nextToken=18446744073709551615");
        assert_eq!(status, 200);
        assert_eq!(past_the_end["inferenceProfileSummaries"], json!([]));
    }
}
