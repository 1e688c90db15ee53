//! `bedrock-harness serve`: the fake Bedrock for any client.

use bedrock_harness::fake::{
    control::{parse_check_scores, parse_guardrails, parse_rules},
    FakeBedrock, FakeConfig, Recorder, SigV4Credentials, TlsIdentity, Upstream, DEFAULT_REGION,
};
use bedrock_harness::lifecycle::{format_date, Date};
use bedrock_harness::Error;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The port (0 picks a free one).
    #[arg(long, default_value_t = 4599)]
    port: u16,
    /// A fixtures directory that adds to or overrides the embedded one.
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// A JSON file of rules to load at start (one rule, a list, or {"rules": [...]}).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Check SigV4 signatures against ACCESS_KEY:SECRET.
    #[arg(long, value_name = "ACCESS_KEY:SECRET")]
    verify_sigv4: Option<SigV4Credentials>,
    /// Accept this Bedrock API key as an `Authorization: Bearer` token and
    /// refuse other tokens as Bedrock does (repeatable). Without it any
    /// token passes, unless SigV4 is checked.
    #[arg(long = "api-key", value_name = "KEY")]
    api_keys: Vec<String>,
    /// Require `Authorization: Bearer TOKEN` on every control API call
    /// (`/_harness/...`). Under --verify-sigv4 or --api-key a token is
    /// always required: one is made at start and printed unless given.
    #[arg(long, value_name = "TOKEN", env = "BEDROCK_HARNESS_CONTROL_TOKEN")]
    control_token: Option<String>,
    /// A host name, besides localhost and IP addresses, under which the
    /// control API answers (repeatable), such as a container's service name.
    #[arg(long = "control-host", value_name = "NAME")]
    control_hosts: Vec<String>,
    /// Accept calls without an Authorization header.
    #[arg(long)]
    no_auth: bool,
    /// Serve end-of-life models instead of refusing them as Bedrock does.
    #[arg(long)]
    serve_end_of_life: bool,
    /// Read model lifecycle dates as of this day instead of today (UTC), for
    /// runs that must not change when an end-of-life date passes.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::models::parse_as_of)]
    as_of: Option<Date>,
    /// The region the fake stands for: it decides which models need an
    /// inference profile, and the region of the ARNs it answers with.
    #[arg(long, default_value = DEFAULT_REGION)]
    region: String,
    /// Mixed into every id the fake makes: the same seed answers the same
    /// sequence of calls with the same ids.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    /// When a tool the model may choose is called: auto (the tools the
    /// user's words are about; tool results answered in text), never (only
    /// a forced tool), always (a tool on every user turn).
    #[arg(long, value_name = "POLICY", default_value = "auto")]
    tool_policy: bedrock_harness::fake::ToolPolicy,
    /// Serve HTTPS (HTTP/2 by ALPN, and HTTP/1.1) with a certificate made at
    /// start for localhost and 127.0.0.1, or --tls-cert/--tls-key.
    #[arg(long)]
    tls: bool,
    /// A PEM certificate chain to serve HTTPS with (implies --tls).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Where to write the certificate clients must trust (default: a file
    /// in the temporary directory named after the port).
    #[arg(long, value_name = "PATH")]
    tls_ca_out: Option<PathBuf>,
    /// On SIGTERM or Ctrl-C, how long calls in flight may take to finish
    /// before they are cut (the exit code is then 1).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    shutdown_grace: f64,
    /// Where asynchronous invocations write their output, as S3 would
    /// hold it: `s3://bucket/key` is DIR/bucket/key. Without it nothing is
    /// written (the jobs still complete).
    #[arg(long, value_name = "DIR")]
    s3_dir: Option<PathBuf>,
    /// How long answers take: fast (at once, unless a rule paces them) or
    /// realistic (Bedrock's published time to first token and output rate
    /// for the model or its family, from fixtures/latency.json; models
    /// with no published figure answer at once). A rule's pacing wins.
    #[arg(long, value_name = "PROFILE", default_value = "fast")]
    latency: bedrock_harness::fake::LatencyMode,
    /// Stand for the bedrock-mantle endpoint instead of bedrock-runtime:
    /// OpenAI's Chat Completions and Responses under /v1, the models list
    /// at GET /v1/models and Anthropic's Messages API under /anthropic/v1,
    /// models by their Mantle ids (openai.gpt-oss-120b,
    /// anthropic.claude-haiku-4-5); Bedrock Runtime's operations are not
    /// served. SigV4 scopes name bedrock-mantle.
    #[arg(long)]
    mantle: bool,
    /// How long an asynchronous invocation stays InProgress.
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    async_seconds: f64,
    /// Calls kept in the journal.
    #[arg(long, default_value_t = bedrock_harness::fake::DEFAULT_JOURNAL_CAPACITY)]
    journal_size: usize,
    /// Record mode: forward every call to --upstream and write the answers
    /// as fixtures under this directory (replay them with --fixtures DIR).
    #[arg(long, value_name = "DIR", requires = "upstream")]
    record_to: Option<PathBuf>,
    /// Where record mode forwards: `aws` (real Bedrock Runtime in AWS_REGION,
    /// signed with the AWS default chain's credentials) or a URL.
    #[arg(long, value_name = "aws|URL", requires = "record_to")]
    upstream: Option<String>,
}

/// Exit code for usage errors.
const USAGE: u8 = 2;

pub async fn run(args: ServeArgs) -> Result<ExitCode, Error> {
    let fixtures = match super::load_fixtures(args.fixtures.as_deref()) {
        Ok((fixtures, _)) => fixtures,
        Err(code) => return Ok(code),
    };
    let (rules, guardrails, check_scores) = match &args.scenario {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|source| Error::Io {
                path: path.display().to_string(),
                source,
            })?;
            let fixture = |reason: String| Error::Fixture {
                path: path.display().to_string(),
                reason,
            };
            (
                parse_rules(&bytes).map_err(fixture)?,
                parse_guardrails(&bytes).map_err(fixture)?,
                parse_check_scores(&bytes).map_err(fixture)?,
            )
        }
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let recorder = match (&args.record_to, &args.upstream) {
        (Some(dir), Some(upstream)) => {
            let upstream = match Upstream::parse(upstream).await {
                Ok(upstream) => upstream,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(ExitCode::from(USAGE));
                }
            };
            Some(Recorder::new(upstream, dir, &fixtures)?)
        }
        _ => None,
    };
    let listener =
        TcpListener::bind((args.host.as_str(), args.port)).map_err(|source| Error::Io {
            path: format!("{}:{}", args.host, args.port),
            source,
        })?;
    let config = FakeConfig {
        fixtures,
        journal_capacity: args.journal_size,
        require_auth: !args.no_auth,
        sigv4: args.verify_sigv4.clone(),
        api_keys: args.api_keys.clone(),
        wiremock_recording: false,
        serve_end_of_life: args.serve_end_of_life,
        as_of: args.as_of,
        region: args.region.clone(),
        limits: Default::default(),
        control_token: match &args.control_token {
            Some(token) => Some(token.clone()),
            None if args.verify_sigv4.is_some() || !args.api_keys.is_empty() => {
                Some(bedrock_harness::fake::random_token(16)?)
            }
            None => None,
        },
        control_hosts: args.control_hosts.clone(),
        seed: args.seed,
        tool_policy: args.tool_policy,
        guardrails,
        check_scores,
        async_duration: match std::time::Duration::try_from_secs_f64(args.async_seconds) {
            Ok(duration) => duration,
            Err(_) => {
                eprintln!("error: --async-seconds must be a number of seconds, 0 or more");
                return Ok(ExitCode::from(USAGE));
            }
        },
        s3_dir: args.s3_dir.clone(),
        latency: args.latency,
        endpoint: match args.mantle {
            true => bedrock_harness::Endpoint::Mantle,
            false => bedrock_harness::Endpoint::Runtime,
        },
    };
    let made_token = config
        .control_token
        .clone()
        .filter(|_| args.control_token.is_none());
    let recording = recorder.as_ref().map(|r| {
        format!(
            "bedrock-harness: recording calls to {} into {}",
            r.upstream().endpoint(),
            r.dir().display()
        )
    });
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(TlsIdentity::from_pem_files(cert, key)?),
        _ if args.tls => Some(TlsIdentity::generate()?),
        _ => None,
    };
    let trust = match &tls {
        Some(identity) => {
            let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
            Some(write_trust_file(&args, port, identity.ca_pem())?)
        }
        None => None,
    };
    let fake = FakeBedrock::start_serving(listener, config, recorder, tls).await?;
    let loaded = rules.len();
    for rule in rules {
        fake.rule(rule);
    }
    let uri = fake.uri();
    let endpoint = match args.mantle {
        true => "bedrock-mantle",
        false => "Bedrock Runtime",
    };
    println!("bedrock-harness: fake {endpoint} listening on {uri}");
    if loaded > 0 {
        println!("bedrock-harness: {loaded} rule(s) loaded from the scenario");
    }
    if !args.mantle {
        println!("export AWS_ENDPOINT_URL_BEDROCK_RUNTIME={uri}");
        println!("export AWS_ENDPOINT_URL_BEDROCK={uri}");
        // The anthropic SDK's `AnthropicBedrock` client reads this
        // (anthropic-sdk-python's `lib/bedrock/_client.py`).
        println!("export ANTHROPIC_BEDROCK_BASE_URL={uri}");
    }
    // The openai SDK reads OPENAI_BASE_URL; the anthropic SDK's Bedrock
    // Mantle client, ANTHROPIC_BEDROCK_MANTLE_BASE_URL. bedrock-runtime's
    // OpenAI root is /openai/v1, bedrock-mantle's /v1.
    let openai_root = match args.mantle {
        true => "v1",
        false => "openai/v1",
    };
    println!("export OPENAI_BASE_URL={uri}/{openai_root}");
    println!("export ANTHROPIC_BEDROCK_MANTLE_BASE_URL={uri}/anthropic");
    if let Some(path) = &trust {
        let path = path.display();
        println!("export AWS_CA_BUNDLE={path}");
        println!("export NODE_EXTRA_CA_CERTS={path}");
        println!("export SSL_CERT_FILE={path}");
    }
    match args.as_of {
        Some(day) => println!(
            "bedrock-harness: model lifecycle read as of {}, region {}",
            format_date(day),
            args.region
        ),
        None => println!(
            "bedrock-harness: model lifecycle read as of today, region {}",
            args.region
        ),
    }
    if let Some(line) = recording {
        println!("{line}");
    }
    if let Some(token) = made_token {
        println!("bedrock-harness: the control API needs this token (Authorization: Bearer)");
        println!("export BEDROCK_HARNESS_CONTROL_TOKEN={token}");
    }
    tracing::info!(%uri, "serving");
    shutdown_signal().await;
    let grace = Duration::try_from_secs_f64(args.shutdown_grace).unwrap_or_default();
    println!(
        "bedrock-harness: shutting down (calls in flight get {:.1} s)",
        grace.as_secs_f64()
    );
    match fake.shutdown(grace).await {
        0 => Ok(ExitCode::SUCCESS),
        cut => {
            eprintln!("bedrock-harness: {cut} connection(s) still busy after the grace were cut");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Writes the certificate clients must trust to `--tls-ca-out` or a file
/// named after `port` in the temporary directory, and returns its path.
fn write_trust_file(args: &ServeArgs, port: u16, pem: &str) -> Result<PathBuf, Error> {
    let path = args
        .tls_ca_out
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("bedrock-harness-ca-{port}.pem")));
    std::fs::write(&path, pem).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    Ok(path)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
