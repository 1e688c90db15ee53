//! Keeping the catalog up to date: read the live Bedrock control plane
//! (ListFoundationModels with `modelLifecycle`, GetFoundationModel,
//! ListInferenceProfiles, through `aws-sdk-bedrock`), compare it with a
//! catalog and write an overlay that [`FixtureStore::with_overlay`] (and so
//! `serve --fixtures DIR`) loads over the embedded fixtures.
//!
//! [`FixtureStore::with_overlay`]: crate::FixtureStore::with_overlay
//!
//! # Example
//!
//! ```
//! use bedrock_harness::fake::{FakeBedrock, FakeConfig};
//! use bedrock_harness::lifecycle::parse_date;
//! use bedrock_harness::sync::{plan, read_live};
//! use bedrock_harness::Catalog;
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! // Arrange: the fake serves the control plane from the embedded catalog,
//! // with its dates read on a pinned day.
//! let day = parse_date("2026-12-02").unwrap();
//! let config = FakeConfig { as_of: Some(day), ..FakeConfig::default() };
//! let fake = FakeBedrock::start_with(config).await.unwrap();
//! let client = bedrock_harness::sync::endpoint_client(&fake.uri(), "us-east-1");
//!
//! // Act
//! let live = read_live(&client, "us-east-1", Catalog::embedded(), day).await.unwrap();
//! let sync = plan(Catalog::embedded(), &live, day);
//!
//! // Assert: the embedded catalog agrees with itself.
//! assert!(!live.models.is_empty());
//! assert!(sync.changes.is_empty(), "{:?}", sync.changes);
//! # });
//! ```

mod plan;

pub use plan::{plan, Change, ChangeKind, SyncPlan};

use crate::catalog::Catalog;
use crate::error::Error;
use crate::lifecycle::{Date, LifecycleState};
use aws_sdk_bedrock::types::{
    FoundationModelDetails, FoundationModelLifecycleStatus, FoundationModelSummary,
};

/// One model as the live control plane lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveModel {
    /// The base model id.
    pub id: String,
    /// The product name.
    pub name: String,
    /// The provider's name.
    pub provider: String,
    /// Input modalities (`TEXT`, `IMAGE`, ...).
    pub input_modalities: Vec<String>,
    /// Output modalities (`TEXT`, `EMBEDDING`, `IMAGE`).
    pub output_modalities: Vec<String>,
    /// Whether InvokeModelWithResponseStream works, when the list says.
    pub streaming: Option<bool>,
    /// `ON_DEMAND`, `INFERENCE_PROFILE`, `PROVISIONED`.
    pub inference_types: Vec<String>,
    /// Whether `modelLifecycle.status` is `LEGACY`.
    pub legacy: bool,
    /// `modelLifecycle.legacyTime`.
    pub legacy_since: Option<Date>,
    /// `modelLifecycle.publicExtendedAccessTime`.
    pub extended_access: Option<Date>,
    /// `modelLifecycle.endOfLifeTime`.
    pub end_of_life: Option<Date>,
}

impl LiveModel {
    /// Whether the model needs an inference profile in the region read.
    pub fn profile_only(&self) -> bool {
        !self.inference_types.iter().any(|t| t == "ON_DEMAND")
            && self
                .inference_types
                .iter()
                .any(|t| t == "INFERENCE_PROFILE")
    }
}

/// What the control plane of one region holds.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveCatalog {
    /// The region read.
    pub region: String,
    /// Every foundation model listed (plus those GetFoundationModel found
    /// though the list left them out).
    pub models: Vec<LiveModel>,
    /// The ids of the system-defined inference profiles.
    pub profiles: Vec<String>,
}

/// A `bedrock` control-plane client for `endpoint` with static test
/// credentials, for reading a fake's control plane.
pub fn endpoint_client(endpoint: &str, region: &str) -> aws_sdk_bedrock::Client {
    let credentials =
        aws_credential_types::Credentials::new("AKIDEXAMPLE", "secret", None, None, "static");
    let config = aws_sdk_bedrock::Config::builder()
        .behavior_version(aws_sdk_bedrock::config::BehaviorVersion::latest())
        .region(aws_sdk_bedrock::config::Region::new(region.to_string()))
        .credentials_provider(credentials)
        .endpoint_url(endpoint)
        .build();
    aws_sdk_bedrock::Client::from_conf(config)
}

/// Reads the live catalog of `region` through `client`. Models of `known`
/// that are not end-of-life on `today` but absent from the list are asked for one
/// by one with GetFoundationModel, so a filtered list does not read as a
/// removal.
pub async fn read_live(
    client: &aws_sdk_bedrock::Client,
    region: &str,
    known: &Catalog,
    today: Date,
) -> Result<LiveCatalog, Error> {
    let listed = client
        .list_foundation_models()
        .send()
        .await
        .map_err(|e| service_error("ListFoundationModels", e))?;
    let mut models: Vec<LiveModel> = listed.model_summaries().iter().map(live_model).collect();
    let missing: Vec<String> = known
        .models()
        .iter()
        .filter(|m| m.state(today) != LifecycleState::EndOfLife)
        .filter(|m| !models.iter().any(|l| l.id == m.id))
        .map(|m| m.id.clone())
        .collect();
    for id in missing {
        match client
            .get_foundation_model()
            .model_identifier(&id)
            .send()
            .await
        {
            Ok(found) => {
                if let Some(details) = found.model_details() {
                    models.push(live_details(details));
                }
            }
            // Absent from the region: not found, or (for an id the region
            // does not know at all) a validation error.
            Err(e)
                if e.as_service_error().is_some_and(|s| {
                    s.is_resource_not_found_exception() || s.is_validation_exception()
                }) => {}
            Err(e) => return Err(service_error("GetFoundationModel", e)),
        }
    }
    let mut profiles = Vec::new();
    let mut pages = client.list_inference_profiles().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| service_error("ListInferenceProfiles", e))?;
        profiles.extend(
            page.inference_profile_summaries()
                .iter()
                .map(|p| p.inference_profile_id().to_string()),
        );
    }
    Ok(LiveCatalog {
        region: region.to_string(),
        models,
        profiles,
    })
}

fn service_error<E, R>(operation: &str, err: aws_sdk_bedrock::error::SdkError<E, R>) -> Error
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    use aws_sdk_bedrock::error::DisplayErrorContext;
    Error::Transport(format!("{operation}: {}", DisplayErrorContext(&err)))
}

fn day(time: Option<&aws_smithy_types::DateTime>) -> Option<Date> {
    let secs = time?.secs();
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .map(|t| t.date())
}

/// Reads a summary or a details record: the two shapes carry the same
/// getters.
macro_rules! live_from {
    ($s:expr) => {{
        let s = $s;
        let lifecycle = s.model_lifecycle();
        LiveModel {
            id: s.model_id().to_string(),
            name: s.model_name().unwrap_or_default().to_string(),
            provider: s.provider_name().unwrap_or_default().to_string(),
            input_modalities: s
                .input_modalities()
                .iter()
                .map(|m| m.as_str().to_string())
                .collect(),
            output_modalities: s
                .output_modalities()
                .iter()
                .map(|m| m.as_str().to_string())
                .collect(),
            streaming: s.response_streaming_supported(),
            inference_types: s
                .inference_types_supported()
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
            legacy: lifecycle
                .is_some_and(|l| *l.status() == FoundationModelLifecycleStatus::Legacy),
            legacy_since: day(lifecycle.and_then(|l| l.legacy_time())),
            extended_access: day(lifecycle.and_then(|l| l.public_extended_access_time())),
            end_of_life: day(lifecycle.and_then(|l| l.end_of_life_time())),
        }
    }};
}

fn live_model(s: &FoundationModelSummary) -> LiveModel {
    live_from!(s)
}

fn live_details(d: &FoundationModelDetails) -> LiveModel {
    live_from!(d)
}
