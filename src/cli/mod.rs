//! Subcommands of the `bedrock-harness` binary.

mod drift;
mod invoke;
mod models;
mod serve;
mod sync;
mod validate;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Test software that talks to Amazon Bedrock Runtime, offline.
#[derive(Debug, Parser)]
#[command(name = "bedrock-harness", version, about)]
pub struct Cli {
    /// More logging (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every model the harness knows, with its facts and lifecycle (`models sync` refreshes them).
    Models(models::ModelsArgs),
    /// Call a model through the SDK (real Bedrock, the fake, or any endpoint).
    Invoke(invoke::InvokeArgs),
    /// Check native request bodies against a model's schema (exit 1 if any is invalid).
    Validate(validate::ValidateArgs),
    /// Serve the fake Bedrock Runtime for any client (boto3, the JS SDK, the AWS CLI).
    Serve(Box<serve::ServeArgs>),
    /// Compare the shapes of a model's answers (real Bedrock or --endpoint) with the recorded fixtures (exit 1 on drift).
    Drift(drift::DriftArgs),
}

/// Runs the parsed command; the exit code is the command's verdict.
pub async fn run(cli: Cli) -> Result<ExitCode, bedrock_harness::Error> {
    match cli.command {
        Command::Models(args) => models::run(args).await,
        Command::Invoke(args) => invoke::run(args).await,
        Command::Serve(args) => serve::run(*args).await,
        Command::Validate(args) => validate::run(&args),
        Command::Drift(args) => drift::run(args).await,
    }
}

/// The fixtures of `--fixtures DIR` (over the embedded ones) and their
/// catalog; a missing directory or a malformed catalog is one line on
/// stderr and the usage exit code.
pub fn load_fixtures(
    dir: Option<&std::path::Path>,
) -> Result<(bedrock_harness::FixtureStore, bedrock_harness::Catalog), ExitCode> {
    let store = match dir {
        Some(dir) => bedrock_harness::FixtureStore::with_overlay(dir),
        None => Ok(bedrock_harness::FixtureStore::embedded()),
    };
    store
        .and_then(|store| bedrock_harness::Catalog::load(&store).map(|c| (store, c)))
        .map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::from(2)
        })
}

/// Logs to stderr at a level from `-v` flags, unless RUST_LOG is set.
pub fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
