//! Comparing a live catalog with a known one, and writing the overlay.

use super::{LiveCatalog, LiveModel};
use crate::catalog::Catalog;
use crate::catalog::PENDING_PATH;
use crate::error::Error;
use crate::lifecycle::{format_date, Date, Lifecycle, LifecycleState};
use crate::model_info::{Endpoint, ModelInfo, Output, PendingModel};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What happened to one model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Listed live, unknown to the catalog.
    Added,
    /// Known, with facts the live list states differently.
    Changed,
    /// Known and not end-of-life, absent from the live list.
    Removed,
}

impl ChangeKind {
    /// `added`, `changed` or `removed`.
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Changed => "changed",
            ChangeKind::Removed => "removed",
        }
    }
}

/// One difference between the catalog and the live list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Added, changed or removed.
    pub kind: ChangeKind,
    /// The model id.
    pub id: String,
    /// What differs, in words.
    pub detail: String,
}

/// The differences, and the catalog files that carry them.
#[derive(Debug, Clone)]
pub struct SyncPlan {
    /// Every difference, added first, then changed, then removed.
    pub changes: Vec<Change>,
    families: BTreeMap<String, Vec<ModelInfo>>,
    pending: Option<Vec<PendingModel>>,
}

/// Compares `catalog` with `live` on `day`. Facts the control plane states
/// (lifecycle, streaming, whether the region needs an inference profile)
/// are taken from it; modalities are reported but not written, since the
/// Converse flags they would touch need a source of their own. A model
/// the live list lacks gets its end of life on `day`; a model the catalog
/// lacks joins `pending.json` with an unknown wire format.
pub fn plan(catalog: &Catalog, live: &LiveCatalog, day: Date) -> SyncPlan {
    let stamp = format!("models sync of {} on {}", live.region, format_date(day));
    let mut changes = Vec::new();
    let mut families: BTreeMap<String, Vec<ModelInfo>> = BTreeMap::new();
    let mut changed_families = std::collections::BTreeSet::new();
    for model in catalog.models() {
        let mut updated = model.clone();
        let found = live.models.iter().find(|l| l.id == model.id);
        let details = match found {
            Some(l) => compare_known(&mut updated, l, &live.region, day),
            None if model.state(day) != LifecycleState::EndOfLife => {
                updated.lifecycle.end_of_life = Some(day);
                changes.push(removed(&model.id, &live.region));
                Vec::new()
            }
            None => Vec::new(),
        };
        if !details.is_empty() {
            changes.push(Change {
                kind: ChangeKind::Changed,
                id: model.id.clone(),
                detail: details.join("; "),
            });
        }
        if updated != *model {
            updated.source = format!("{}; {stamp}", updated.source);
            changed_families.insert(model.family.clone());
        }
        families
            .entry(model.family.clone())
            .or_default()
            .push(updated);
    }
    families.retain(|family, _| changed_families.contains(family));

    let mut pending = Vec::new();
    let mut pending_changed = false;
    for model in catalog.pending() {
        let mut updated = model.clone();
        if model.endpoint == Endpoint::Runtime {
            match live.models.iter().find(|l| l.id == model.id) {
                Some(l) => {
                    let details = compare_lifecycle(&mut updated.lifecycle, l, day);
                    if !details.is_empty() {
                        changes.push(Change {
                            kind: ChangeKind::Changed,
                            id: model.id.clone(),
                            detail: details.join("; "),
                        });
                    }
                }
                None if model.lifecycle.state(day) != LifecycleState::EndOfLife => {
                    updated.lifecycle.end_of_life = Some(day);
                    changes.push(removed(&model.id, &live.region));
                }
                None => {}
            }
        }
        if updated != *model {
            updated.source = format!("{}; {stamp}", updated.source);
            pending_changed = true;
        }
        pending.push(updated);
    }
    for l in &live.models {
        let known = catalog.model(&l.id).is_some() || catalog.pending_model(&l.id).is_some();
        // Provisioned-throughput variants (`...:0:200k`) are not called by
        // on-demand code.
        let callable = l.inference_types.is_empty()
            || l.inference_types
                .iter()
                .any(|t| t == "ON_DEMAND" || t == "INFERENCE_PROFILE");
        if known || !callable {
            continue;
        }
        changes.push(Change {
            kind: ChangeKind::Added,
            id: l.id.clone(),
            detail: format!(
                "{} by {}; wire format unknown, listed in {PENDING_PATH}",
                l.name, l.provider
            ),
        });
        pending.push(PendingModel {
            id: l.id.clone(),
            name: l.name.clone(),
            provider: l.provider.clone(),
            wire: None,
            endpoint: Endpoint::Runtime,
            lifecycle: live_lifecycle(l, day),
            source: format!("listed by ListFoundationModels; {stamp}"),
        });
        pending_changed = true;
    }
    changes.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    SyncPlan {
        changes,
        families,
        pending: pending_changed.then_some(pending),
    }
}

fn removed(id: &str, region: &str) -> Change {
    Change {
        kind: ChangeKind::Removed,
        id: id.to_string(),
        detail: format!("absent from ListFoundationModels and GetFoundationModel in {region}"),
    }
}

/// The lifecycle the live record states, read on `day`.
fn live_lifecycle(l: &LiveModel, day: Date) -> Lifecycle {
    Lifecycle {
        legacy: l.legacy_since.or(l.legacy.then_some(day)),
        extended_access: l.extended_access,
        end_of_life: l.end_of_life,
        end_of_life_not_before: None,
    }
}

/// Takes the live lifecycle into `lifecycle`; says what changed.
fn compare_lifecycle(lifecycle: &mut Lifecycle, l: &LiveModel, day: Date) -> Vec<String> {
    let mut details = Vec::new();
    let before = lifecycle.state(day);
    let live = live_lifecycle(l, day);
    // A LEGACY status without `legacyTime` keeps a known Legacy date.
    let legacy = l
        .legacy_since
        .or(live.legacy.filter(|_| lifecycle.legacy.is_none()));
    let dates = [
        ("legacy", &mut lifecycle.legacy, legacy),
        (
            "extended access",
            &mut lifecycle.extended_access,
            live.extended_access,
        ),
    ];
    for (what, known, stated) in dates {
        if stated.is_some() && *known != stated {
            details.push(format!("{what} {} -> {}", show(*known), show(stated)));
            *known = stated;
        }
    }
    // A listed model is not end-of-life: its end of life is the one the
    // list states, or none yet.
    let eol_passed = lifecycle.end_of_life.is_some_and(|d| d <= day);
    if (live.end_of_life.is_some() || eol_passed) && lifecycle.end_of_life != live.end_of_life {
        details.push(format!(
            "end of life {} -> {}",
            show(lifecycle.end_of_life),
            show(live.end_of_life)
        ));
        lifecycle.end_of_life = live.end_of_life;
    }
    let after = lifecycle.state(day);
    if before != after {
        details.insert(0, format!("state {} -> {}", before.label(), after.label()));
    }
    details
}

fn show(date: Option<Date>) -> String {
    date.map(format_date).unwrap_or_else(|| "none".into())
}

/// Takes what the live record states into `model`; says what changed.
fn compare_known(model: &mut ModelInfo, l: &LiveModel, region: &str, day: Date) -> Vec<String> {
    let mut details = compare_lifecycle(&mut model.lifecycle, l, day);
    if let Some(streaming) = l.streaming.filter(|&s| s != model.streaming) {
        details.push(format!("streaming {} -> {streaming}", model.streaming));
        model.streaming = streaming;
    }
    let profile_only = l.profile_only();
    if profile_only != model.requires_profile(region) {
        details.push(format!(
            "inference profile only in {region}: {} -> {profile_only}",
            model.requires_profile(region)
        ));
        model
            .profile_only_by_region
            .insert(region.to_string(), profile_only);
    }
    let output = match model.output {
        Output::Text => "TEXT",
        Output::Embedding => "EMBEDDING",
        Output::Image => "IMAGE",
        Output::Rerank => "TEXT",
    };
    if !l.output_modalities.is_empty() && !l.output_modalities.iter().any(|o| o == output) {
        details.push(format!(
            "output modalities {:?}, catalog says {output} (not written)",
            l.output_modalities
        ));
    }
    let image_input = l.input_modalities.iter().any(|i| i == "IMAGE");
    if model.output == Output::Text
        && !l.input_modalities.is_empty()
        && image_input != model.converse.images
    {
        details.push(format!(
            "input modalities {:?}, catalog images {} (not written)",
            l.input_modalities, model.converse.images
        ));
    }
    details
}

impl SyncPlan {
    /// The overlay files this plan writes, relative to its directory.
    pub fn files(&self) -> Vec<String> {
        let mut files: Vec<String> = self
            .families
            .keys()
            .map(|f| crate::fixture_layout::models(f))
            .collect();
        if self.pending.is_some() {
            files.push(PENDING_PATH.to_string());
        }
        files
    }

    /// Writes the overlay under `dir`: every family with a change (its whole
    /// `models.json`, one model per line) and `pending.json` when it
    /// changed. Returns the paths written.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, Error> {
        let mut written = Vec::new();
        for (family, models) in &self.families {
            let lines: Vec<String> = models
                .iter()
                .map(|m| {
                    let mut value = serde_json::to_value(m).unwrap_or_default();
                    if let Some(obj) = value.as_object_mut() {
                        obj.remove("family");
                    }
                    value.to_string()
                })
                .collect();
            written.push(write_file(
                dir,
                &crate::fixture_layout::models(family),
                &lines,
            )?);
        }
        if let Some(pending) = &self.pending {
            let lines: Vec<String> = pending
                .iter()
                .map(|m| serde_json::to_string(m).unwrap_or_default())
                .collect();
            written.push(write_file(dir, PENDING_PATH, &lines)?);
        }
        Ok(written)
    }
}

fn write_file(dir: &Path, relative: &str, lines: &[String]) -> Result<PathBuf, Error> {
    let path = dir.join(relative);
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let text = format!("{{\"models\": [\n  {}\n]}}\n", lines.join(",\n  "));
    std::fs::write(&path, text).map_err(io)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::parse_date;

    fn live(id: &str, legacy: bool, inference: &[&str]) -> LiveModel {
        LiveModel {
            id: id.into(),
            name: id.into(),
            provider: "Anthropic".into(),
            input_modalities: vec!["TEXT".into(), "IMAGE".into()],
            output_modalities: vec!["TEXT".into()],
            streaming: Some(true),
            inference_types: inference.iter().map(|t| t.to_string()).collect(),
            legacy,
            legacy_since: None,
            extended_access: None,
            end_of_life: None,
        }
    }

    #[test]
    fn a_legacy_status_without_its_time_keeps_the_known_date_and_variants_are_skipped() {
        let catalog = Catalog::embedded();
        let opus = "anthropic.claude-opus-4-1-20250805-v1:0";
        let mut models: Vec<LiveModel> = catalog
            .models()
            .iter()
            .filter(|m| m.state(parse_date("2026-12-02").unwrap()) != LifecycleState::EndOfLife)
            .map(|m| {
                let profile = if m.requires_profile("us-east-1") {
                    "INFERENCE_PROFILE"
                } else {
                    "ON_DEMAND"
                };
                let mut l = live(
                    &m.id,
                    m.id == opus || m.id.contains("sonnet-4-5"),
                    &[profile],
                );
                l.streaming = Some(m.streaming);
                l.input_modalities = vec!["TEXT".into()];
                l
            })
            .collect();
        models.push(live(
            "anthropic.claude-opus-4-1-20250805-v1:0:200k",
            false,
            &["PROVISIONED"],
        ));
        let live = LiveCatalog {
            region: "us-east-1".into(),
            models,
            profiles: Vec::new(),
        };
        let sync = plan(catalog, &live, parse_date("2026-12-02").unwrap());
        assert!(
            !sync
                .changes
                .iter()
                .any(|c| c.id == opus && c.detail.contains("legacy 2026-07-08 ->")),
            "{:#?}",
            sync.changes
        );
        assert!(
            !sync.changes.iter().any(|c| c.id.ends_with(":200k")),
            "{:#?}",
            sync.changes
        );
    }
}
