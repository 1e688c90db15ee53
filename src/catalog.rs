//! The model catalog: every model id and its facts, read from
//! `fixtures/<family>/models.json`, and resolution of a [`ModelId`] to its
//! family and [`ModelInfo`].

use crate::family::{families, family_by_name, ModelFamily};
use crate::fixtures::FixtureStore;
use crate::lifecycle::{Date, Lifecycle, LifecycleState};
use crate::model_id::ModelId;
use crate::Error;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// What a model produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// Text (and tool calls).
    Text,
    /// Embedding vectors.
    Embedding,
    /// Images.
    Image,
}

/// Which Converse features a model supports, from AWS's "Supported models
/// and model features" table and the feature pages (reasoning, citations,
/// video and audio understanding).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConverseSupport {
    /// Converse works with the model at all.
    pub converse: bool,
    /// System prompts.
    pub system: bool,
    /// Tool use.
    pub tools: bool,
    /// Tool use in ConverseStream.
    pub streaming_tools: bool,
    /// Image content blocks.
    pub images: bool,
    /// Document content blocks.
    pub documents: bool,
    /// Video content blocks.
    #[serde(default)]
    pub video: bool,
    /// Audio content blocks.
    #[serde(default)]
    pub audio: bool,
    /// Citations in answers about documents.
    #[serde(default)]
    pub citations: bool,
    /// Reasoning (extended thinking) content.
    #[serde(default)]
    pub reasoning: bool,
}

/// The facts of one model, from its family's `models.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelInfo {
    /// The base model id.
    pub id: String,
    /// The model's product name.
    pub name: String,
    /// The family's name (filled in from the folder).
    #[serde(default)]
    pub family: String,
    /// What the model produces.
    pub output: Output,
    /// The most output tokens one call may ask for, where there is a limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    /// InvokeModelWithResponseStream works with the model.
    pub streaming: bool,
    /// Converse feature support.
    pub converse: ConverseSupport,
    /// The length of the vectors an embedding model returns by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedding_dimensions: Option<u32>,
    /// The model can only be called through an inference profile, in every
    /// region not named in `profile_only_by_region`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub profile_only: bool,
    /// Regions where the profile rule differs from `profile_only`: Llama 3.1
    /// 8B needs a profile in `us-east-1` but not in `us-west-2`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub profile_only_by_region: BTreeMap<String, bool>,
    /// Legacy and end-of-life dates.
    #[serde(default, skip_serializing_if = "Lifecycle::is_empty")]
    pub lifecycle: Lifecycle,
    /// Where the facts come from: keys of `fixtures/sources.json` in
    /// brackets, with the facts they back.
    pub source: String,
    /// A JSON merge patch (RFC 7386) applied to the family's schema for this
    /// model: per-model limits such as a lower `maximum` for max tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_patch: Option<serde_json::Value>,
}

impl ModelInfo {
    /// The model's lifecycle state on `day`.
    pub fn state(&self, day: Date) -> LifecycleState {
        self.lifecycle.state(day)
    }

    /// Whether a bare foundation-model id is refused in `region` for
    /// inference, so that the call needs an inference profile.
    ///
    /// ```
    /// use bedrock_harness::Catalog;
    ///
    /// let llama = Catalog::embedded().model("meta.llama3-1-8b-instruct-v1:0").unwrap();
    ///
    /// assert!(llama.requires_profile("us-east-1"));
    /// assert!(!llama.requires_profile("us-west-2"));
    /// ```
    pub fn requires_profile(&self, region: &str) -> bool {
        self.profile_only_by_region
            .get(region)
            .copied()
            .unwrap_or(self.profile_only)
    }
}

/// Which Bedrock endpoint serves a model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `bedrock-runtime`: InvokeModel, Converse and the other operations.
    #[default]
    Runtime,
    /// `bedrock-mantle` only (Responses, Chat Completions, Messages APIs);
    /// bedrock-runtime answers that the identifier is invalid.
    Mantle,
}

/// A model Bedrock lists whose wire format no family of this crate speaks
/// yet, from `fixtures/pending.json`. The fake refuses it with a message
/// that names the missing wire format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PendingModel {
    /// The base model id.
    pub id: String,
    /// The model's product name.
    pub name: String,
    /// The model's provider.
    pub provider: String,
    /// The wire format its InvokeModel body takes, when it is on
    /// bedrock-runtime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wire: Option<String>,
    /// The endpoint that serves it.
    #[serde(default)]
    pub endpoint: Endpoint,
    /// Legacy and end-of-life dates.
    #[serde(default, skip_serializing_if = "Lifecycle::is_empty")]
    pub lifecycle: Lifecycle,
    /// Where the facts come from.
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelsFile {
    models: Vec<ModelInfo>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PendingFile {
    models: Vec<PendingModel>,
}

/// Where the list of models without a family lives.
pub const PENDING_PATH: &str = "pending.json";

/// A model id resolved to its family and facts.
#[derive(Clone, Copy)]
pub struct Resolved<'a> {
    /// The model's family.
    pub family: &'static dyn ModelFamily,
    /// The model's facts.
    pub model: &'a ModelInfo,
}

impl std::fmt::Debug for Resolved<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolved")
            .field("family", &self.family.name())
            .field("model", &self.model.id)
            .finish()
    }
}

/// Every known model, by id.
///
/// # Example
///
/// ```
/// use bedrock_harness::{Catalog, ModelId};
///
/// // Arrange
/// let catalog = Catalog::embedded();
/// let id = ModelId::parse("us.anthropic.claude-3-5-haiku-20241022-v1:0").unwrap();
///
/// // Act
/// let resolved = catalog.resolve(&id).unwrap();
///
/// // Assert
/// assert_eq!(resolved.family.name(), "anthropic");
/// assert!(resolved.model.streaming);
/// ```
#[derive(Debug, Clone)]
pub struct Catalog {
    models: Vec<ModelInfo>,
    by_id: HashMap<String, usize>,
    pending: Vec<PendingModel>,
}

impl Catalog {
    /// The catalog of the embedded fixtures, loaded once.
    ///
    /// # Panics
    ///
    /// If the embedded `models.json` files are malformed: a build defect
    /// that the crate's own tests catch.
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            Catalog::load(&FixtureStore::embedded())
                .unwrap_or_else(|e| panic!("the embedded model catalog is malformed: {e}"))
        })
    }

    /// Reads every family's `models.json` from `store`.
    pub fn load(store: &FixtureStore) -> Result<Catalog, Error> {
        let mut models = Vec::new();
        let mut by_id = HashMap::new();
        for family in families() {
            let path = format!("{}/models.json", family.name());
            let file: ModelsFile = store.read_json(&path)?.ok_or_else(|| Error::Fixture {
                path: path.clone(),
                reason: "missing".into(),
            })?;
            for mut model in file.models {
                model.family = family.name().to_string();
                if by_id.insert(model.id.clone(), models.len()).is_some() {
                    return Err(listed_twice(&path, &model.id));
                }
                models.push(model);
            }
        }
        let pending = match store.read_json::<PendingFile>(PENDING_PATH)? {
            Some(file) => file.models,
            None => Vec::new(),
        };
        let mut pending_ids = std::collections::HashSet::new();
        for model in &pending {
            if by_id.contains_key(&model.id) || !pending_ids.insert(model.id.as_str()) {
                return Err(listed_twice(PENDING_PATH, &model.id));
            }
        }
        Ok(Catalog {
            models,
            by_id,
            pending,
        })
    }

    /// Every model, in family order.
    pub fn models(&self) -> &[ModelInfo] {
        &self.models
    }

    /// The model with base id `id`.
    pub fn model(&self, id: &str) -> Option<&ModelInfo> {
        self.by_id.get(id).map(|&i| &self.models[i])
    }

    /// The models Bedrock lists whose wire format no family speaks yet.
    pub fn pending(&self) -> &[PendingModel] {
        &self.pending
    }

    /// The pending model with base id `id`.
    pub fn pending_model(&self, id: &str) -> Option<&PendingModel> {
        self.pending.iter().find(|m| m.id == id)
    }

    /// Resolves a model id to its family and facts. An id that names no
    /// known model is [`Error::UnknownModel`], whose text is Bedrock's; a
    /// model whose wire format is not implemented yet is
    /// [`Error::UnimplementedWireFormat`].
    pub fn resolve(&self, id: &ModelId) -> Result<Resolved<'_>, Error> {
        let unknown = || Error::UnknownModel {
            id: id.as_str().to_string(),
        };
        let base = id.base_id().ok_or_else(unknown)?;
        let model = match self.model(base) {
            Some(model) => model,
            None => {
                return Err(match self.pending_model(base) {
                    Some(PendingModel {
                        endpoint: Endpoint::Runtime,
                        wire,
                        ..
                    }) => Error::UnimplementedWireFormat {
                        id: id.as_str().to_string(),
                        wire: wire.clone().unwrap_or_else(|| "not yet known".into()),
                    },
                    _ => unknown(),
                })
            }
        };
        let family = family_by_name(&model.family).ok_or_else(unknown)?;
        Ok(Resolved { family, model })
    }

    /// Parses and resolves `id` in one step.
    pub fn resolve_str(&self, id: &str) -> Result<Resolved<'_>, Error> {
        self.resolve(&ModelId::parse(id)?)
    }
}

fn listed_twice(path: &str, id: &str) -> Error {
    Error::Fixture {
        path: path.to_string(),
        reason: format!("model {id} is listed twice"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_loads_every_family() {
        let catalog = Catalog::load(&FixtureStore::embedded()).unwrap();
        for family in families() {
            assert!(
                catalog.models().iter().any(|m| m.family == family.name()),
                "{} lists no model",
                family.name()
            );
        }
    }

    #[test]
    fn unknown_models_get_bedrocks_text() {
        let err = Catalog::embedded()
            .resolve_str("amazon.not-a-model-v9")
            .unwrap_err();
        assert_eq!(err.to_string(), "The provided model identifier is invalid.");
    }

    #[test]
    fn opaque_arns_are_unknown_models() {
        let err = Catalog::embedded()
            .resolve_str("arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc")
            .unwrap_err();
        assert!(matches!(err, Error::UnknownModel { .. }));
    }
}
