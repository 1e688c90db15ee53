//! The model catalog: every model id and its facts ([`ModelInfo`]), read
//! from `fixtures/<family>/models.json` and `fixtures/pending.json`, and
//! resolution of a [`ModelId`] to its family and facts.

use crate::error::Error;
use crate::family::{families, family_by_name, ModelFamily};
use crate::fixtures::FixtureStore;
use crate::model_id::ModelId;
use crate::model_info::{Endpoint, ModelInfo, PendingModel};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

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
pub const PENDING_PATH: &str = crate::fixture_layout::PENDING;

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
    mantle_only: Vec<ModelInfo>,
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
        let mut mantle_only: Vec<ModelInfo> = Vec::new();
        let mut by_id = HashMap::new();
        for family in families() {
            let path = crate::fixture_layout::models(family.name());
            let file: ModelsFile = store.read_json(&path)?.ok_or_else(|| Error::Fixture {
                path: path.clone(),
                reason: "missing".into(),
            })?;
            for mut model in file.models {
                model.family = family.name().to_string();
                if model.endpoint == Endpoint::Mantle {
                    if by_id.contains_key(&model.id) || mantle_only.iter().any(|m| m.id == model.id)
                    {
                        return Err(listed_twice(&path, &model.id));
                    }
                    mantle_only.push(model);
                    continue;
                }
                if by_id.insert(model.id.clone(), models.len()).is_some()
                    || mantle_only.iter().any(|m| m.id == model.id)
                {
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
            let served =
                by_id.contains_key(&model.id) || mantle_only.iter().any(|m| m.id == model.id);
            if served || !pending_ids.insert(model.id.as_str()) {
                return Err(listed_twice(PENDING_PATH, &model.id));
            }
        }
        Ok(Catalog {
            models,
            by_id,
            pending,
            mantle_only,
        })
    }

    /// The models only bedrock-mantle serves (their lines say `"endpoint":
    /// "mantle"`): not among [`models`](Self::models), and unknown to
    /// [`resolve`](Self::resolve), as bedrock-runtime does not know them.
    ///
    /// ```
    /// use bedrock_harness::Catalog;
    ///
    /// let catalog = Catalog::embedded();
    /// assert!(catalog.mantle_only().iter().any(|m| m.id == "openai.gpt-5.5"));
    /// assert!(catalog.resolve_str("openai.gpt-5.5").is_err());
    /// assert!(catalog.resolve_mantle_only("openai.gpt-5.5").is_some());
    /// ```
    pub fn mantle_only(&self) -> &[ModelInfo] {
        &self.mantle_only
    }

    /// Every model bedrock-mantle serves: bedrock-runtime's that it serves
    /// too ([`ModelInfo::mantle`] not empty), then its own.
    pub fn mantle_models(&self) -> impl Iterator<Item = &ModelInfo> {
        let shared = self.models.iter().filter(|m| !m.mantle.is_empty());
        shared.chain(&self.mantle_only)
    }

    /// The model bedrock-mantle calls `id` ([`ModelInfo::mantle_id`]).
    ///
    /// ```
    /// use bedrock_harness::Catalog;
    ///
    /// let catalog = Catalog::embedded();
    /// let id = |m: &str| catalog.by_mantle_id(m).map(|m| m.id.as_str());
    /// assert_eq!(id("openai.gpt-oss-120b"), Some("openai.gpt-oss-120b-1:0"));
    /// assert_eq!(id("openai.gpt-5.5"), Some("openai.gpt-5.5"));
    /// assert_eq!(id("amazon.nova-micro"), None);
    /// ```
    pub fn by_mantle_id(&self, id: &str) -> Option<&ModelInfo> {
        self.mantle_models().find(|m| m.mantle_id() == id)
    }

    /// A bedrock-mantle-only model with its family, by base id.
    pub fn resolve_mantle_only(&self, id: &str) -> Option<Resolved<'_>> {
        let model = self.mantle_only.iter().find(|m| m.id == id)?;
        let family = family_by_name(&model.family)?;
        Some(Resolved { family, model })
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
