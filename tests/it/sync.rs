//! `models sync` against the fake's own control plane: a fake whose catalog
//! differs from the embedded one stands for a Bedrock that moved on.

use crate::support::{as_of, pinned};
use bedrock_harness::fake::{FakeBedrock, FakeConfig, FakeRequest, FakeState};
use bedrock_harness::sync::{endpoint_client, plan, read_live, ChangeKind};
use bedrock_harness::{Catalog, FixtureStore, LifecycleState};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bh-sync-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn edit_models(dir: &Path, file: &str, edit: impl FnOnce(&mut Vec<Value>)) {
    let mut doc: Value = FixtureStore::embedded().read_json(file).unwrap().unwrap();
    edit(doc["models"].as_array_mut().unwrap());
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
}

/// A catalog where Bedrock dropped Nova Lite, stopped streaming Nova Micro,
/// put Sonnet 4.6 in Legacy and added a model.
fn moved_on(dir: &Path) {
    edit_models(dir, "nova/models.json", |models| {
        models.retain(|m| m["id"] != "amazon.nova-lite-v1:0");
        for m in models
            .iter_mut()
            .filter(|m| m["id"] == "amazon.nova-micro-v1:0")
        {
            m["streaming"] = json!(false);
        }
    });
    edit_models(dir, "anthropic/models.json", |models| {
        for m in models
            .iter_mut()
            .filter(|m| m["id"] == "anthropic.claude-sonnet-4-6")
        {
            m["lifecycle"] = json!({"legacy": "2026-11-01", "end_of_life": "2027-05-01"});
        }
    });
    edit_models(dir, "pending.json", |models| {
        models.push(json!({
            "id": "acme.rocket-v1:0",
            "name": "Rocket",
            "provider": "Acme",
            "wire": "rocket",
            "source": "a test's invention"
        }));
    });
}

async fn moved_on_fake(dir: &Path) -> FakeBedrock {
    FakeBedrock::start_with(FakeConfig {
        fixtures: FixtureStore::with_overlay(dir).unwrap(),
        ..pinned()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn sync_reports_added_changed_and_removed_models_and_writes_an_overlay() {
    // Arrange
    let live_dir = temp_dir("live");
    moved_on(&live_dir);
    let fake = moved_on_fake(&live_dir).await;
    let client = endpoint_client(&fake.uri(), "us-east-1");
    let embedded = Catalog::embedded();

    // Act
    let live = read_live(&client, "us-east-1", embedded, as_of())
        .await
        .unwrap();
    let sync = plan(embedded, &live, as_of());
    let out = temp_dir("out");
    let written = sync.write(&out).unwrap();

    // Assert: the report.
    let find = |kind, id: &str| {
        sync.changes
            .iter()
            .find(|c| c.kind == kind && c.id == id)
            .unwrap_or_else(|| panic!("no {kind:?} {id} in {:#?}", sync.changes))
    };
    assert!(find(ChangeKind::Added, "acme.rocket-v1:0")
        .detail
        .contains("Rocket by Acme"));
    find(ChangeKind::Removed, "amazon.nova-lite-v1:0");
    assert_eq!(
        find(ChangeKind::Changed, "amazon.nova-micro-v1:0").detail,
        "streaming true -> false"
    );
    assert!(find(ChangeKind::Changed, "anthropic.claude-sonnet-4-6")
        .detail
        .starts_with("state active -> legacy; legacy none -> 2026-11-01"));
    assert_eq!(sync.changes.len(), 4, "{:#?}", sync.changes);
    assert_eq!(written.len(), 3, "{written:?}");

    // The overlay, loaded back, carries the live facts.
    let synced = Catalog::load(&FixtureStore::with_overlay(&out).unwrap()).unwrap();
    let day = as_of();
    assert_eq!(
        synced.model("amazon.nova-lite-v1:0").unwrap().state(day),
        LifecycleState::EndOfLife
    );
    assert!(!synced.model("amazon.nova-micro-v1:0").unwrap().streaming);
    assert_eq!(
        synced
            .model("anthropic.claude-sonnet-4-6")
            .unwrap()
            .state(day),
        LifecycleState::Legacy
    );
    assert!(synced.pending_model("acme.rocket-v1:0").is_some());

    // And a fake serving it answers accordingly.
    let served = FakeState::new(FakeConfig {
        fixtures: FixtureStore::with_overlay(&out).unwrap(),
        serve_end_of_life: false,
        ..pinned()
    })
    .unwrap();
    let body = br#"{"messages":[{"role":"user","content":[{"text":"Hi"}]}]}"#.to_vec();
    let lite = served.handle(&FakeRequest::post(
        "/model/amazon.nova-lite-v1%3A0/converse",
        body.clone(),
    ));
    assert_eq!(lite.status, 404);
    let rocket = served.handle(&FakeRequest::post(
        "/model/acme.rocket-v1%3A0/converse",
        body,
    ));
    assert_eq!(rocket.status, 400);
    assert!(String::from_utf8_lossy(&rocket.body).contains("wire format (not yet known)"));

    std::fs::remove_dir_all(&live_dir).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
}

fn sync_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bedrock-harness"));
    command
        .args(["models", "sync"])
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        // A home without ~/.aws: no profile to read.
        .env("HOME", std::env::temp_dir().join("bh-sync-empty-home"));
    command
}

#[tokio::test]
async fn the_sync_command_writes_an_overlay_serve_loads() {
    let live_dir = temp_dir("cli-live");
    moved_on(&live_dir);
    let fake = moved_on_fake(&live_dir).await;
    let out = temp_dir("cli-out");
    let uri = fake.uri();
    let out_arg = out.clone();
    let output = tokio::task::spawn_blocking(move || {
        sync_command(&[
            "--endpoint",
            &uri,
            "--region",
            "us-east-1",
            "--as-of",
            crate::support::AS_OF,
            "--out",
        ])
        .arg(&out_arg)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .output()
        .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("added    acme.rocket-v1:0: Rocket by Acme"),
        "{stdout}"
    );
    assert!(
        stdout.contains("removed  amazon.nova-lite-v1:0"),
        "{stdout}"
    );
    assert!(
        stdout.contains("changed  amazon.nova-micro-v1:0: streaming true -> false"),
        "{stdout}"
    );

    assert!(
        stdout.contains("bedrock-harness: wrote 3 file(s)"),
        "{stdout}"
    );
    assert!(out.join("pending.json").is_file());

    // `serve --fixtures` loads the overlay: Nova Lite is gone there.
    let out_arg = out.to_str().unwrap();
    let serve =
        crate::support::Serve::start(&["--as-of", crate::support::AS_OF, "--fixtures", out_arg]);
    let uri = serve.uri.clone();
    let prompt = bedrock_harness::PortableRequest::prompt("Hi");
    let lite = bedrock_harness::Invoker::for_endpoint(&uri)
        .invoke("amazon.nova-lite-v1:0", &prompt)
        .await
        .unwrap_err();
    assert!(
        lite.to_string()
            .starts_with("ResourceNotFoundException (HTTP 404)"),
        "{lite}"
    );
    drop(serve);
    std::fs::remove_dir_all(&live_dir).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn sync_without_credentials_is_one_clear_line_and_exit_2() {
    let output = sync_command(&["--endpoint", "http://127.0.0.1:9", "--dry-run"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: models sync needs AWS credentials"),
        "{stderr}"
    );
}
