//! The `bedrock-harness` binary, run as a user runs it.

use crate::support::{recording, stub_invoke_stream, stub_json};
use bedrock_harness::Catalog;
use serde_json::Value;
use std::process::{Command, Output};
use wiremock::MockServer;

fn harness(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bedrock-harness"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn models_json_lists_the_whole_catalog() {
    let out = harness(&["models", "--json"]);
    assert!(out.status.success());
    let listed: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let catalog = Catalog::embedded();
    assert_eq!(
        listed.len(),
        catalog.models().len() + catalog.mantle_only().len() + catalog.pending().len()
    );
    assert!(listed
        .iter()
        .any(|m| m["id"] == "openai.gpt-5.5" && m["endpoint"] == "mantle"));
    assert!(listed
        .iter()
        .any(|m| m["id"] == "amazon.titan-text-express-v1" && m["family"] == "titan_text"));
    assert!(listed.iter().any(|m| m["id"] == "amazon.nova-2-sonic-v1:0"
        && m["family"].is_null()
        && m["wire"] == "nova_sonic_bidirectional_stream"));
    assert!(listed
        .iter()
        .any(|m| m["id"] == "cohere.rerank-v3-5:0" && m["family"] == "rerank"));
}

#[test]
fn models_show_and_filter_lifecycle_states() {
    let out = harness(&[
        "models",
        "--json",
        "--as-of",
        "2026-12-02",
        "--state",
        "legacy",
    ]);
    assert!(out.status.success());
    let listed: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = listed.iter().filter_map(|m| m["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "anthropic.claude-opus-4-1-20250805-v1:0",
            "anthropic.claude-sonnet-4-5-20250929-v1:0"
        ]
    );
    assert_eq!(listed[1]["state"], "legacy");
    assert_eq!(listed[1]["lifecycle"]["end_of_life"], "2027-04-08");

    let before = harness(&[
        "models",
        "--as-of",
        "2026-09-09",
        "--state",
        "end-of-life",
        "--family",
        "anthropic",
    ]);
    let after = harness(&[
        "models",
        "--as-of",
        "2026-09-10",
        "--state",
        "end-of-life",
        "--family",
        "anthropic",
    ]);
    assert!(!stdout(&before).contains("anthropic.claude-3-haiku-20240307-v1:0"));
    let after = stdout(&after);
    let row = after
        .lines()
        .find(|l| l.starts_with("anthropic.claude-3-haiku-20240307-v1:0 "))
        .unwrap_or_else(|| panic!("{after}"));
    assert!(row.contains("end-of-life  2026-09-10"), "{row}");
}

#[test]
fn bad_dates_and_overlays_are_usage_errors() {
    let bad_date = harness(&["models", "--as-of", "2026-13-01"]);
    assert_eq!(bad_date.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad_date.stderr);
    assert!(stderr.contains("invalid date \"2026-13-01\""), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for command in [
        vec!["serve", "--port", "0", "--as-of", "yesterday"],
        vec![
            "validate",
            "--model",
            "amazon.nova-micro-v1:0",
            "--as-of",
            "2026-02-30",
            "-",
        ],
    ] {
        let out = harness(&command);
        assert_eq!(out.status.code(), Some(2), "{command:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).lines().count(),
            1,
            "{command:?}"
        );
    }

    let dir = std::env::temp_dir().join(format!("bh-bad-overlay-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("nova")).unwrap();
    std::fs::write(
        dir.join("nova/models.json"),
        r#"{"models": [{"id": "amazon.nova-micro-v1:0"}]}"#,
    )
    .unwrap();
    for args in [
        vec!["models", "--fixtures", dir.to_str().unwrap()],
        vec!["serve", "--port", "0", "--fixtures", dir.to_str().unwrap()],
    ] {
        let out = harness(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: fixture nova/models.json: "),
            "{stderr}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn validate_warns_for_legacy_and_fails_for_end_of_life_models() {
    let dir = std::env::temp_dir().join(format!("bh-validate-life-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let titan = dir.join("titan.json");
    std::fs::write(&titan, r#"{"inputText":"Hi"}"#).unwrap();
    let claude = dir.join("claude.json");
    std::fs::write(&claude, r#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":16,"messages":[{"role":"user","content":"Hi"}]}"#).unwrap();

    let dead = harness(&[
        "validate",
        "--as-of",
        "2026-12-02",
        "--model",
        "amazon.titan-text-lite-v1",
        titan.to_str().unwrap(),
    ]);
    assert_eq!(dead.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&dead.stderr)
        .contains("This model version has reached the end of its life."));

    let earlier = harness(&[
        "validate",
        "--as-of",
        "2025-06-01",
        "--model",
        "amazon.titan-text-lite-v1",
        titan.to_str().unwrap(),
    ]);
    assert_eq!(earlier.status.code(), Some(0));

    let legacy = harness(&[
        "validate",
        "--as-of",
        "2026-12-02",
        "--model",
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        claude.to_str().unwrap(),
    ]);
    assert_eq!(legacy.status.code(), Some(0));
    let warning = String::from_utf8_lossy(&legacy.stderr);
    assert!(warning.contains("warning: anthropic.claude-sonnet-4-5-20250929-v1:0 is Legacy on Bedrock since 2026-10-08; it reaches end of life on 2027-04-08"), "{warning}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn models_with_an_unknown_family_is_a_usage_error() {
    let out = harness(&["models", "--family", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no family named"));
}

#[tokio::test]
async fn invoke_prints_the_answer_text() {
    let server = MockServer::start().await;
    stub_json(
        &server,
        "invoke",
        200,
        &recording("titan_text").invoke.expect("an invoke body"),
    )
    .await;
    let uri = server.uri();

    let out = tokio::task::spawn_blocking(move || {
        harness(&[
            "invoke",
            "--endpoint",
            &uri,
            "--model",
            "amazon.titan-text-express-v1",
            "--prompt",
            "Explain quantum physics in 2 sentences.",
            "--max-tokens",
            "512",
        ])
    })
    .await
    .unwrap();

    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("superposition"));
    let sent: Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(sent["textGenerationConfig"]["maxTokenCount"], 512);
}

#[tokio::test]
async fn invoke_stream_prints_text_as_it_arrives() {
    let server = MockServer::start().await;
    let chunks = recording("titan_text").stream.expect("a stream");
    stub_invoke_stream(&server, &chunks).await;
    let uri = server.uri();

    let out = tokio::task::spawn_blocking(move || {
        harness(&[
            "invoke",
            "--endpoint",
            &uri,
            "--model",
            "amazon.titan-text-express-v1",
            "--prompt",
            "Hi",
            "--stream",
        ])
    })
    .await
    .unwrap();

    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(text.contains("describes how matter") && text.contains("classical physics cannot."));
}

#[tokio::test]
async fn invoke_reports_service_errors_and_fails() {
    let server = MockServer::start().await;
    stub_json(
        &server,
        "invoke",
        404,
        &serde_json::json!({"message": "no"}),
    )
    .await;
    let uri = server.uri();

    let out = tokio::task::spawn_blocking(move || {
        harness(&[
            "invoke",
            "--endpoint",
            &uri,
            "--model",
            "amazon.titan-text-lite-v1",
            "--prompt",
            "x",
        ])
    })
    .await
    .unwrap();

    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HTTP 404"));
}

#[test]
fn invoke_refuses_an_unknown_model_with_bedrocks_text() {
    let out = harness(&[
        "invoke",
        "--endpoint",
        "http://127.0.0.1:9",
        "--model",
        "amazon.nope-v1",
        "--prompt",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("The provided model identifier is invalid.")
    );
}

#[test]
fn validate_gates_bodies_with_exit_codes() {
    let dir = std::env::temp_dir().join(format!("bh-validate-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    std::fs::write(dir.join("good.json"), r#"{"inputText":"Hi"}"#).unwrap();
    std::fs::write(
        dir.join("nested/bad.json"),
        r#"{"inputText":"Hi","top_p":1}"#,
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "not a body").unwrap();
    let model = ["validate", "--model", "amazon.titan-embed-text-v2:0"];

    let good = harness(&[&model[..], &[dir.join("good.json").to_str().unwrap()]].concat());
    assert_eq!(good.status.code(), Some(0));

    let all = harness(&[&model[..], &[dir.to_str().unwrap()]].concat());
    assert_eq!(all.status.code(), Some(1));
    let out = stdout(&all);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains(
        "nested/bad.json: Malformed input request: #: extraneous key [top_p] is not permitted"
    ));

    let json = harness(&[&model[..], &[dir.to_str().unwrap(), "--format", "json"]].concat());
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        (report["checked"].as_u64(), report["invalid"].as_u64()),
        (Some(2), Some(1))
    );

    let unknown = harness(&[
        "validate",
        "--model",
        "amazon.nope-v1",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr)
        .contains("The provided model identifier is invalid."));

    let missing = harness(&[&model[..], &["/no/such/path.json"]].concat());
    assert_eq!(missing.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn validate_reads_stdin() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedrock-harness"))
        .args(["validate", "--model", "amazon.titan-text-express-v1", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"inputText\": 3}")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains(
        "-: Malformed input request: #/inputText: expected type: String, found: Integer"
    ));
}

#[tokio::test]
async fn serve_prints_its_url_answers_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedrock-harness"))
        .args(["serve", "--port", "0", "--as-of", "2026-12-02"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let uri = first.rsplit(' ').next().unwrap().to_string();
    assert!(uri.starts_with("http://127.0.0.1:"), "{first}");
    let export = lines.next().unwrap().unwrap();
    assert_eq!(
        export,
        format!("export AWS_ENDPOINT_URL_BEDROCK_RUNTIME={uri}")
    );
    let control_plane = lines.next().unwrap().unwrap();
    assert_eq!(
        control_plane,
        format!("export AWS_ENDPOINT_URL_BEDROCK={uri}")
    );
    let anthropic_bedrock = lines.next().unwrap().unwrap();
    assert_eq!(
        anthropic_bedrock,
        format!("export ANTHROPIC_BEDROCK_BASE_URL={uri}")
    );
    let compatible: Vec<String> = (0..2).map(|_| lines.next().unwrap().unwrap()).collect();
    assert_eq!(
        compatible,
        [
            format!("export OPENAI_BASE_URL={uri}/openai/v1"),
            format!("export ANTHROPIC_BEDROCK_MANTLE_BASE_URL={uri}/anthropic")
        ]
    );

    let invoker = bedrock_harness::Invoker::for_endpoint(&uri);
    let body = serde_json::json!({"inputText": "Hi"});
    let resp = invoker
        .invoke_raw("amazon.titan-embed-text-v2:0", &body)
        .await
        .unwrap();
    assert!(resp["embedding"].is_array());
    // Titan Text Express is end-of-life on Bedrock today.
    let eol = invoker
        .invoke_raw("amazon.titan-text-express-v1", &body)
        .await
        .unwrap_err();
    assert!(
        eol.to_string()
            .starts_with("ResourceNotFoundException (HTTP 404)"),
        "{eol}"
    );

    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn serve_warns_once_when_a_legacy_model_is_called() {
    let serve = crate::support::Serve::start_logging(&["--as-of", "2026-12-02"]);
    let uri = serve.uri.clone();
    let invoker = bedrock_harness::Invoker::for_endpoint(&uri);
    let prompt = bedrock_harness::PortableRequest::prompt("Hi").max_tokens(8);
    for _ in 0..2 {
        invoker
            .invoke("us.anthropic.claude-sonnet-4-5-20250929-v1:0", &prompt)
            .await
            .unwrap();
    }
    let stderr = serve.stop();
    assert_eq!(
        stderr.matches("model is Legacy on Bedrock").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("end_of_life=2027-04-08"), "{stderr}");
}

#[tokio::test]
async fn serve_loads_a_scenario_and_answers_the_control_api() {
    use std::io::{BufRead, BufReader};
    let scenario = std::env::temp_dir().join(format!("bh-scenario-{}.json", std::process::id()));
    std::fs::write(
        &scenario,
        r#"{"rules": [{"action": {"type": "error", "name": "ThrottlingException"}, "times": 1}]}"#,
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedrock-harness"))
        .args([
            "serve",
            "--port",
            "0",
            "--scenario",
            scenario.to_str().unwrap(),
            // Titan Text Express was still served then.
            "--as-of",
            "2025-06-01",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let uri = lines
        .next()
        .unwrap()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string();
    let invoker = bedrock_harness::Invoker::for_endpoint(&uri);
    let body = serde_json::json!({"inputText": "Hi"});

    let first = invoker
        .invoke_raw("amazon.titan-text-express-v1", &body)
        .await
        .unwrap_err();
    assert!(
        first
            .to_string()
            .starts_with("ThrottlingException (HTTP 429)"),
        "{first}"
    );
    invoker
        .invoke_raw("amazon.titan-text-express-v1", &body)
        .await
        .unwrap();

    let control = |method: &'static str, path: &'static str, payload: &'static str| {
        let addr = uri.trim_start_matches("http://").to_string();
        async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
            let req = format!(
                "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
                payload.len()
            );
            s.write_all(req.as_bytes()).await.unwrap();
            let mut raw = String::new();
            s.read_to_string(&mut raw).await.unwrap();
            let body = raw.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
            serde_json::from_str::<Value>(&body).unwrap()
        }
    };
    let journal = control("GET", "/_harness/journal", "").await;
    assert_eq!(journal.as_array().unwrap().len(), 2);
    assert_eq!(journal[0]["error"], "ThrottlingException");
    assert_eq!(journal[1]["status"], 200);
    let added = control(
        "POST",
        "/_harness/rules",
        r#"{"action":{"type":"text","text":"From the control API."}}"#,
    )
    .await;
    assert_eq!(added["added"], 1);
    let resp = invoker
        .invoke_raw("amazon.titan-text-express-v1", &body)
        .await
        .unwrap();
    assert_eq!(resp["results"][0]["outputText"], "From the control API.");
    control("POST", "/_harness/reset", "").await;
    assert_eq!(
        control("GET", "/_harness/journal", "").await,
        serde_json::json!([])
    );

    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    std::fs::remove_file(&scenario).unwrap();
}
