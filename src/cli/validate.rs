//! `bedrock-harness validate`: the CI gate for native request bodies.

use bedrock_harness::lifecycle::{format_date, Date};
use bedrock_harness::{Error, LifecycleState, ModelInfo, SchemaValidator};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The model the bodies are for (id, inference profile or ARN).
    #[arg(long)]
    model: String,
    /// Body files, directories (every `*.json` inside, recursively) or `-` for stdin.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Read the model's lifecycle dates as of this day (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::models::parse_as_of)]
    as_of: Option<Date>,
    /// A fixtures directory over the embedded one (its models, such as a
    /// `models sync` overlay, and its schemas).
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// One line per invalid file.
    Text,
    /// A JSON report of every file.
    Json,
}

/// Exit code for invalid bodies.
const INVALID: u8 = 1;
/// Exit code for usage errors: unknown model, missing path.
const USAGE: u8 = 2;

pub fn run(args: &ValidateArgs) -> Result<ExitCode, Error> {
    let (store, catalog) = match super::load_fixtures(args.fixtures.as_deref()) {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let resolved = match catalog.resolve_str(&args.model) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: --model {}: {e}", args.model);
            return Ok(ExitCode::from(USAGE));
        }
    };
    let day = args.as_of.unwrap_or_else(bedrock_harness::lifecycle::today);
    let dead = lifecycle_verdict(resolved.model, day);
    let mut files = Vec::new();
    for path in &args.paths {
        if let Err(message) = collect(path, &mut files) {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(USAGE));
        }
    }
    let validator = SchemaValidator::new(store);
    let mut report = Vec::with_capacity(files.len());
    let mut invalid = 0usize;
    for file in &files {
        let outcome = read(file).and_then(|body| {
            validator
                .validate(resolved.model, &body)
                .map_err(|r| r.message())
        });
        let name = file.display().to_string();
        match outcome {
            Ok(()) => report.push(json!({"path": name, "valid": true})),
            Err(message) => {
                invalid += 1;
                if args.format == Format::Text {
                    println!("{name}: {message}");
                }
                report.push(json!({"path": name, "valid": false, "message": message}));
            }
        }
    }
    if args.format == Format::Json {
        let summary = json!({
            "model": resolved.model.id,
            "family": resolved.family.name(),
            "checked": files.len(),
            "invalid": invalid,
            "files": report,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&summary).unwrap_or_default()
        );
    } else if invalid == 0 {
        eprintln!("{} file(s) valid for {}", files.len(), resolved.model.id);
    }
    Ok(if invalid == 0 && !dead {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(INVALID)
    })
}

/// Prints what the model's lifecycle means for the bodies: a warning for a
/// Legacy model, Bedrock's refusal for an end-of-life one (then true).
fn lifecycle_verdict(model: &ModelInfo, day: Date) -> bool {
    let date = |d: Option<Date>| {
        d.map(format_date)
            .unwrap_or_else(|| "a date not announced".into())
    };
    match model.state(day) {
        LifecycleState::Active => false,
        LifecycleState::Legacy => {
            eprintln!(
                "warning: {} is Legacy on Bedrock since {}; it reaches end of life on {}",
                model.id,
                date(model.lifecycle.legacy),
                date(model.lifecycle.end_of_life)
            );
            false
        }
        LifecycleState::EndOfLife => {
            eprintln!(
                "error: {} reached end of life on {}: This model version has reached the end of its life. Please refer to the AWS documentation for more details.",
                model.id,
                date(model.lifecycle.end_of_life)
            );
            true
        }
    }
}

/// Adds `path` (a file, `-`, or a directory's `*.json` files, sorted) to `out`.
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if path.as_os_str() == "-" || path.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    if !path.is_dir() {
        return Err(format!("{}: no such file or directory", path.display()));
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect(&entry, out)?;
        } else if entry.extension().is_some_and(|e| e == "json") {
            out.push(entry);
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| format!("cannot read the file: {e}"))
}
