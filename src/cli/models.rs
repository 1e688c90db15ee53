//! `bedrock-harness models`: the catalog, with each model's lifecycle state
//! on a day, and `models sync` to refresh it from the live control plane.

use super::sync::{self, SyncArgs};
use bedrock_harness::fake::DEFAULT_REGION;
use bedrock_harness::lifecycle::{format_date, parse_date, Date};
use bedrock_harness::{Endpoint, Error, LifecycleState, ModelInfo, PendingModel};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `models`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ModelsArgs {
    #[command(subcommand)]
    command: Option<ModelsCommand>,
    #[command(flatten)]
    list: ListArgs,
}

#[derive(Debug, clap::Subcommand)]
enum ModelsCommand {
    /// Read the live catalog (ListFoundationModels, GetFoundationModel,
    /// ListInferenceProfiles) and write an overlay for `serve --fixtures`.
    Sync(SyncArgs),
}

/// Arguments of the listing.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Only this family (its fixtures folder name, e.g. `anthropic`).
    #[arg(long)]
    family: Option<String>,
    /// Only models in this lifecycle state.
    #[arg(long, value_enum)]
    state: Option<StateFilter>,
    /// Read lifecycle dates as of this day (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
    as_of: Option<Date>,
    /// The region whose inference-profile rules the notes show.
    #[arg(long, default_value = DEFAULT_REGION)]
    region: String,
    /// A fixtures directory that adds to or overrides the embedded one
    /// (e.g. what `models sync` wrote).
    #[arg(long)]
    fixtures: Option<PathBuf>,
}

/// A lifecycle state on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum StateFilter {
    Active,
    Legacy,
    EndOfLife,
}

impl StateFilter {
    fn matches(self, state: LifecycleState) -> bool {
        matches!(
            (self, state),
            (StateFilter::Active, LifecycleState::Active)
                | (StateFilter::Legacy, LifecycleState::Legacy)
                | (StateFilter::EndOfLife, LifecycleState::EndOfLife)
        )
    }
}

/// Parses `--as-of` for clap.
pub fn parse_as_of(text: &str) -> Result<Date, String> {
    parse_date(text).map_err(|e| e.to_string())
}

pub async fn run(args: ModelsArgs) -> Result<ExitCode, Error> {
    match args.command {
        Some(ModelsCommand::Sync(sync_args)) => sync::run(sync_args).await,
        None => list(&args.list),
    }
}

/// One row of the listing: a model with a family, or one without.
enum Row<'a> {
    Known(&'a ModelInfo),
    Pending(&'a PendingModel),
}

impl Row<'_> {
    fn id(&self) -> &str {
        match self {
            Row::Known(m) => &m.id,
            Row::Pending(m) => &m.id,
        }
    }

    fn state(&self, day: Date) -> LifecycleState {
        match self {
            Row::Known(m) => m.state(day),
            Row::Pending(m) => m.lifecycle.state(day),
        }
    }

    fn json(&self, day: Date) -> Value {
        let mut value = match self {
            Row::Known(m) => json!(m),
            // No family speaks it: `family` is null.
            Row::Pending(m) => {
                let mut value = json!(m);
                value["family"] = Value::Null;
                value
            }
        };
        value["state"] = json!(self.state(day));
        value
    }
}

fn list(args: &ListArgs) -> Result<ExitCode, Error> {
    let catalog = match super::load_fixtures(args.fixtures.as_deref()) {
        Ok((_, catalog)) => catalog,
        Err(code) => return Ok(code),
    };
    let day = args.as_of.unwrap_or_else(bedrock_harness::lifecycle::today);
    let known = catalog
        .models()
        .iter()
        .chain(catalog.mantle_only())
        .filter(|m| args.family.as_deref().is_none_or(|f| m.family == f))
        .map(Row::Known);
    let pending = catalog
        .pending()
        .iter()
        .filter(|_| args.family.is_none())
        .map(Row::Pending);
    let rows: Vec<Row> = known
        .chain(pending)
        .filter(|r| args.state.is_none_or(|s| s.matches(r.state(day))))
        .collect();
    if let Some(family) = &args.family {
        if !catalog.models().iter().any(|m| &m.family == family) {
            eprintln!("error: no family named {family:?}; `bedrock-harness models` lists them");
            return Ok(ExitCode::from(2));
        }
    }
    if args.json {
        let rows: Vec<Value> = rows.iter().map(|r| r.json(day)).collect();
        let json =
            serde_json::to_string_pretty(&rows).map_err(|e| Error::Transport(e.to_string()))?;
        emit(&format!("{json}\n"));
        return Ok(ExitCode::SUCCESS);
    }
    emit(&table(&rows, day, &args.region));
    Ok(ExitCode::SUCCESS)
}

/// Writes `text` to stdout; a reader that went away (`| head`) is not an
/// error.
fn emit(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn table(rows: &[Row], day: Date, region: &str) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let width = rows.iter().map(|r| r.id().len()).max().unwrap_or(8);
    let _ = writeln!(
        out,
        "{:width$}  {:22}  {:9}  {:6}  {:>7}  {:11}  {:10}  NOTES",
        "MODEL ID", "FAMILY", "OUTPUT", "STREAM", "MAX OUT", "STATE", "EOL"
    );
    for row in rows {
        let (family, output, stream, max_out, lifecycle, notes) = match row {
            Row::Known(m) => (
                m.family.clone(),
                format!("{:?}", m.output).to_lowercase(),
                if m.streaming { "yes" } else { "no" },
                m.max_output_tokens
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "-".into()),
                m.lifecycle,
                known_notes(m, region),
            ),
            Row::Pending(m) => (
                "-".into(),
                "-".into(),
                "-",
                "-".into(),
                m.lifecycle,
                pending_note(m),
            ),
        };
        let eol = lifecycle
            .end_of_life
            .map(format_date)
            .or_else(|| {
                lifecycle
                    .end_of_life_not_before
                    .map(|d| format!(">={}", format_date(d)))
            })
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "{:width$}  {:22}  {:9}  {:6}  {:>7}  {:11}  {:10}  {}",
            row.id(),
            family,
            output,
            stream,
            max_out,
            row.state(day).label(),
            eol,
            notes
        );
    }
    out
}

/// The Legacy and extended-access dates, for the notes.
fn lifecycle_notes(lifecycle: &bedrock_harness::Lifecycle) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(day) = lifecycle.legacy {
        notes.push(format!("legacy since {}", format_date(day)));
    }
    if let Some(day) = lifecycle.extended_access {
        notes.push(format!("extended access from {}", format_date(day)));
    }
    notes
}

fn known_notes(m: &ModelInfo, region: &str) -> String {
    let mut notes = lifecycle_notes(&m.lifecycle);
    if m.endpoint == Endpoint::Mantle {
        notes.push("bedrock-mantle only (serve --mantle)".into());
    }
    if m.requires_profile(region) {
        notes.push(format!("inference profile only in {region}"));
    }
    if m.converse.tools {
        notes.push("converse tools".into());
    }
    if m.converse.reasoning {
        notes.push("reasoning".into());
    }
    notes.join(", ")
}

fn pending_note(m: &PendingModel) -> String {
    let mut notes = lifecycle_notes(&m.lifecycle);
    notes.push(match (&m.endpoint, &m.wire) {
        (Endpoint::Mantle, _) => "bedrock-mantle only, not on bedrock-runtime".into(),
        (Endpoint::Runtime, Some(wire)) if wire == bedrock_harness::fake::SONIC_WIRE => {
            "speech: InvokeModelWithBidirectionalStream only".into()
        }
        (Endpoint::Runtime, Some(wire)) => format!("wire format {wire} not implemented yet"),
        (Endpoint::Runtime, None) => "wire format unknown".into(),
    });
    notes.join(", ")
}
