//! `bedrock-harness models sync`: the live catalog, as an overlay.

use bedrock_harness::fake::DEFAULT_REGION;
use bedrock_harness::sync::{plan, read_live};
use bedrock_harness::Error;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `models sync`.
#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// The region to read.
    #[arg(long, env = "AWS_REGION", default_value = DEFAULT_REGION)]
    region: String,
    /// Where to write the overlay (load it with `serve --fixtures DIR`).
    #[arg(long, value_name = "DIR", default_value = "bedrock-catalog")]
    out: PathBuf,
    /// The control-plane endpoint (default: AWS's, or AWS_ENDPOINT_URL_BEDROCK).
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// The catalog to compare with: a fixtures directory over the embedded one.
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
    /// Report the differences without writing the overlay.
    #[arg(long)]
    dry_run: bool,
    /// The day the sync is dated: lifecycle dates are read as of it and a
    /// model the live list lacks reaches its end of life on it (default:
    /// today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::models::parse_as_of)]
    as_of: Option<bedrock_harness::lifecycle::Date>,
}

/// Exit code for usage errors, missing credentials among them.
const USAGE: u8 = 2;

pub async fn run(args: SyncArgs) -> Result<ExitCode, Error> {
    let catalog = match super::load_fixtures(args.fixtures.as_deref()) {
        Ok((_, catalog)) => catalog,
        Err(code) => return Ok(code),
    };
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(args.region.clone()));
    if let Some(endpoint) = &args.endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    let sdk_config = loader.load().await;
    let Some(provider) = sdk_config.credentials_provider() else {
        eprintln!("error: models sync needs AWS credentials; the default chain has no provider");
        return Ok(ExitCode::from(USAGE));
    };
    if let Err(e) =
        aws_credential_types::provider::ProvideCredentials::provide_credentials(&provider).await
    {
        eprintln!("error: models sync needs AWS credentials (environment, profile, SSO or instance role): {e}");
        return Ok(ExitCode::from(USAGE));
    }
    let client = aws_sdk_bedrock::Client::new(&sdk_config);
    let today = args.as_of.unwrap_or_else(bedrock_harness::lifecycle::today);
    let live = read_live(&client, &args.region, &catalog, today).await?;
    println!(
        "bedrock-harness: {} foundation models and {} inference profiles in {}",
        live.models.len(),
        live.profiles.len(),
        args.region
    );
    let sync = plan(&catalog, &live, today);
    for change in &sync.changes {
        println!("{:8} {}: {}", change.kind.label(), change.id, change.detail);
    }
    if sync.changes.is_empty() {
        println!("bedrock-harness: the catalog agrees with {}", args.region);
        return Ok(ExitCode::SUCCESS);
    }
    if args.dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    let written = sync.write(&args.out)?;
    println!(
        "bedrock-harness: wrote {} file(s) under {}; serve them with `bedrock-harness serve --fixtures {}`",
        written.len(),
        args.out.display(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
