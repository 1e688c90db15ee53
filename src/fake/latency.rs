//! `serve --latency realistic`: answers that take as long as Bedrock's
//! published figures say, from `fixtures/latency.json`.
//!
//! Each figure is a time to first token and an output rate, per model, or
//! per family where a source covers one model of it; every line says where
//! its numbers come from. A call's whole latency is AWS's
//! `TimeToFirstToken + OutputTokenCount / OTPS * 1000` (Amazon Bedrock
//! User Guide, "monitoring-runtime-otps"). A model with no figure, and no
//! figure for its family, answers without delay. The profile is
//! deterministic: the same answer always takes the same time.

use crate::fixtures::FixtureStore;
use crate::model_info::ModelInfo;
use crate::Error;
use serde::Deserialize;
use std::time::Duration;

/// How long the fake takes to answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LatencyMode {
    /// At once (the default), unless a rule paces the call.
    #[default]
    Fast,
    /// As Bedrock's published latencies say (see [`LatencyProfile`]).
    Realistic,
}

impl std::str::FromStr for LatencyMode {
    type Err = String;

    /// `fast` or `realistic`.
    ///
    /// ```
    /// use bedrock_harness::fake::LatencyMode;
    /// assert_eq!("realistic".parse(), Ok(LatencyMode::Realistic));
    /// assert!("slow".parse::<LatencyMode>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "fast" => Ok(LatencyMode::Fast),
            "realistic" => Ok(LatencyMode::Realistic),
            other => Err(format!("unknown latency {other:?} (fast or realistic)")),
        }
    }
}

/// The published latencies of `fixtures/latency.json` (and an overlay's).
///
/// ```
/// use bedrock_harness::fake::LatencyProfile;
/// use bedrock_harness::{Catalog, FixtureStore};
///
/// let profile = LatencyProfile::load(&FixtureStore::embedded()).unwrap();
/// let catalog = Catalog::embedded();
/// let haiku = catalog.model("anthropic.claude-3-5-haiku-20241022-v1:0").unwrap();
/// let figures = profile.figures(haiku, false).unwrap();
/// assert_eq!(figures.first_byte_ms, 1100);
/// // Latency-optimized inference has its own published figures.
/// assert_eq!(profile.figures(haiku, true).unwrap().first_byte_ms, 600);
/// // 100 tokens at 48.4 a second after 1.1 s.
/// assert_eq!(figures.whole(100).as_millis(), 3166);
/// ```
#[derive(Debug, Clone, Default)]
pub struct LatencyProfile {
    profiles: Vec<Figures>,
}

/// One line of `latency.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figures {
    /// The model these figures were published for.
    #[serde(default)]
    pub model: Option<String>,
    /// The family they stand for, where no figure of its own model exists.
    #[serde(default)]
    pub family: Option<String>,
    /// `standard` or `optimized` (latency-optimized inference).
    pub latency: String,
    /// Time to first token, in milliseconds (P50).
    pub first_byte_ms: u64,
    /// Output tokens per second (P50); without it the whole answer comes
    /// with the first byte.
    #[serde(default)]
    pub tokens_per_second: Option<f64>,
    /// Where the numbers come from.
    pub source: String,
}

#[derive(Deserialize)]
struct LatencyFile {
    #[allow(dead_code)]
    about: String,
    profiles: Vec<Figures>,
}

/// `latency.json`, the published latencies.
pub const LATENCY_FILE: &str = "latency.json";

impl LatencyProfile {
    /// The profile in `store`; an empty one when the store has none.
    pub fn load(store: &FixtureStore) -> Result<Self, Error> {
        let file: Option<LatencyFile> = store.read_json(LATENCY_FILE)?;
        let profiles = file.map(|f| f.profiles).unwrap_or_default();
        for figures in &profiles {
            figures.check().map_err(|reason| Error::Fixture {
                path: LATENCY_FILE.into(),
                reason,
            })?;
        }
        Ok(LatencyProfile { profiles })
    }

    /// The figures for `model` (latency-optimized when `optimized`): its
    /// own, else its family's; an optimized call on a model with no
    /// optimized figure takes the standard one.
    pub fn figures(&self, model: &ModelInfo, optimized: bool) -> Option<&Figures> {
        let modes: &[&str] = match optimized {
            true => &["optimized", "standard"],
            false => &["standard"],
        };
        modes.iter().find_map(|mode| {
            let of_mode = |f: &&Figures| f.latency == *mode;
            self.profiles
                .iter()
                .filter(of_mode)
                .find(|f| f.model.as_deref() == Some(model.id.as_str()))
                .or_else(|| {
                    self.profiles
                        .iter()
                        .filter(of_mode)
                        .find(|f| f.model.is_none() && f.family.as_deref() == Some(&model.family))
                })
        })
    }

    /// How many lines the profile has.
    pub fn len(&self) -> usize {
        self.profiles.len()
    }

    /// Whether the profile has no figures.
    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty()
    }
}

impl Figures {
    /// The time to first token.
    pub fn first_byte(&self) -> Duration {
        Duration::from_millis(self.first_byte_ms)
    }

    /// The whole call for `output_tokens` tokens: first token, then the
    /// tokens at the published rate.
    pub fn whole(&self, output_tokens: u32) -> Duration {
        self.first_byte() + self.generating(output_tokens)
    }

    /// The time to generate `output_tokens` tokens at the published rate.
    pub fn generating(&self, output_tokens: u32) -> Duration {
        self.tokens_per_second
            .and_then(|rate| Duration::try_from_secs_f64(f64::from(output_tokens) / rate).ok())
            .unwrap_or_default()
    }

    fn check(&self) -> Result<(), String> {
        if self.model.is_none() == self.family.is_none() {
            return Err(format!(
                "each line names exactly one of model and family: {:?}",
                self.source
            ));
        }
        if !matches!(self.latency.as_str(), "standard" | "optimized") {
            return Err(format!(
                "latency is standard or optimized, not {:?}",
                self.latency
            ));
        }
        if self
            .tokens_per_second
            .is_some_and(|r| !r.is_finite() || r <= 0.0)
        {
            return Err("tokens_per_second must be a positive number".into());
        }
        if self.source.trim().is_empty() {
            return Err("every line says where its numbers come from".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn every_figure_names_a_model_or_family_of_the_catalog() {
        let profile = LatencyProfile::load(&FixtureStore::embedded()).unwrap();
        let catalog = Catalog::embedded();
        assert!(!profile.is_empty());
        for figures in &profile.profiles {
            match (&figures.model, &figures.family) {
                (Some(model), None) => assert!(catalog.model(model).is_some(), "{model}"),
                (None, Some(family)) => assert!(
                    catalog.models().iter().any(|m| &m.family == family),
                    "{family}"
                ),
                _ => panic!("{figures:?}"),
            }
            assert!(figures.source.contains("https://"), "{figures:?}");
        }
    }

    #[test]
    fn a_model_without_figures_takes_its_familys_and_others_none() {
        let profile = LatencyProfile::load(&FixtureStore::embedded()).unwrap();
        let catalog = Catalog::embedded();
        let haiku_45 = catalog
            .model("anthropic.claude-haiku-4-5-20251001-v1:0")
            .unwrap();
        let family = profile.figures(haiku_45, false).unwrap();
        assert_eq!(family.family.as_deref(), Some("anthropic"));
        // No optimized figure for the family: the standard one.
        assert_eq!(profile.figures(haiku_45, true), Some(family));
        let titan = catalog.model("amazon.titan-embed-text-v2:0").unwrap();
        assert_eq!(profile.figures(titan, false), None);
    }

    #[test]
    fn a_figure_without_a_rate_sends_everything_with_the_first_byte() {
        let figures = Figures {
            model: Some("m".into()),
            family: None,
            latency: "standard".into(),
            first_byte_ms: 300,
            tokens_per_second: None,
            source: "s".into(),
        };
        assert_eq!(figures.whole(500), Duration::from_millis(300));
    }

    #[test]
    fn malformed_lines_are_fixture_errors() {
        let bad = Figures {
            model: None,
            family: None,
            latency: "fast".into(),
            first_byte_ms: 1,
            tokens_per_second: Some(0.0),
            source: String::new(),
        };
        assert!(bad.check().is_err());
        let rate = Figures {
            model: Some("m".into()),
            tokens_per_second: Some(-1.0),
            latency: "standard".into(),
            source: "s".into(),
            ..bad
        };
        assert!(rate.check().unwrap_err().contains("tokens_per_second"));
    }
}
