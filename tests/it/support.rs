//! Shared helpers: recorded fixtures and plain wiremock stubs of Bedrock's
//! four operations.

use bedrock_harness::eventstream::{chunk_message, encode, event_message, padding};
use bedrock_harness::fake::{FakeBedrock, FakeConfig};
use bedrock_harness::lifecycle::{parse_date, Date};
use bedrock_harness::{Catalog, FixtureStore, LifecycleState, ModelInfo, Recording};
use serde_json::Value;
use std::collections::HashMap;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The day the tests read lifecycle dates on, so that they do not change
/// when an end-of-life date passes.
pub const AS_OF: &str = "2026-12-02";

/// [`AS_OF`] as a date.
pub fn as_of() -> Date {
    parse_date(AS_OF).unwrap()
}

/// The suite's fake configuration: the lifecycle day pinned, and
/// end-of-life models served, since most tests are about wire formats,
/// rules and transport, and speak Titan Text or Claude 3 Haiku (end-of-life
/// since 2025-12 and 2026-09). The lifecycle tests (`lifecycle.rs`) turn
/// serving them off.
pub fn pinned() -> FakeConfig {
    FakeConfig {
        as_of: Some(as_of()),
        serve_end_of_life: true,
        ..FakeConfig::default()
    }
}

/// A fake on a free port with the suite's configuration ([`pinned`]).
pub async fn start() -> FakeBedrock {
    FakeBedrock::start_with(pinned()).await.unwrap()
}

/// Whether Bedrock still serves `model` on [`AS_OF`].
pub fn in_service(model: &ModelInfo) -> bool {
    model.state(as_of()) != LifecycleState::EndOfLife
}

/// `fixtures/<family>/responses/default.json`.
pub fn recording(family: &str) -> Recording {
    Recording::read(&FixtureStore::embedded(), family, "default")
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("{family} has no default recording"))
}

/// The first model of `family` in the catalog, preferring one that is
/// neither end-of-life nor profile-only.
pub fn first_model(family: &str) -> &'static ModelInfo {
    let models: Vec<_> = Catalog::embedded()
        .models()
        .iter()
        .filter(|m| m.family == family)
        .collect();
    models
        .iter()
        .find(|m| in_service(m) && !m.profile_only)
        .or(models.first())
        .copied()
        .unwrap_or_else(|| panic!("{family} has no model"))
}

fn operation_path(operation: &str) -> String {
    format!("^/model/[^/]+/{operation}$")
}

/// Answers every `operation` call with `status` and JSON `body`.
pub async fn stub_json(server: &MockServer, operation: &str, status: u16, body: &Value) {
    Mock::given(method("POST"))
        .and(path_regex(operation_path(operation)))
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("content-type", "application/json")
                .insert_header("x-amzn-RequestId", "11111111-2222-3333-4444-555555555555")
                .set_body_bytes(serde_json::to_vec(body).unwrap()),
        )
        .mount(server)
        .await;
}

/// Answers InvokeModelWithResponseStream with `chunks` as real event-stream
/// `chunk` frames.
pub async fn stub_invoke_stream(server: &MockServer, chunks: &[Value]) {
    let mut bytes = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let native = serde_json::to_vec(chunk).unwrap();
        bytes.extend(encode(&chunk_message(&native, &padding(i))).unwrap());
    }
    stub_stream_bytes(server, "invoke-with-response-stream", bytes).await;
}

/// Answers ConverseStream with `(event type, payload)` frames.
pub async fn stub_converse_stream(server: &MockServer, events: &[(&str, Value)]) {
    let mut bytes = Vec::new();
    for (name, payload) in events {
        bytes.extend(encode(&event_message(name, serde_json::to_vec(payload).unwrap())).unwrap());
    }
    stub_stream_bytes(server, "converse-stream", bytes).await;
}

async fn stub_stream_bytes(server: &MockServer, operation: &str, bytes: Vec<u8>) {
    Mock::given(method("POST"))
        .and(path_regex(operation_path(operation)))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/vnd.amazon.eventstream")
                .insert_header("x-amzn-bedrock-content-type", "application/json")
                .set_body_bytes(bytes),
        )
        .mount(server)
        .await;
}

/// The id to call `model` by: profile-only models through the `us.`
/// inference profile, as Bedrock requires.
pub fn callable_id(model: &ModelInfo) -> String {
    if model.profile_only {
        format!("us.{}", model.id)
    } else {
        model.id.clone()
    }
}

/// The model a request file is checked against: `requests/index.json` may
/// name one per file; otherwise the family's first model still in service.
pub fn request_model(family: &str, file: &str) -> &'static ModelInfo {
    let index: HashMap<String, String> = FixtureStore::embedded()
        .read_json(&bedrock_harness::fixture_layout::request(family, "index"))
        .unwrap()
        .unwrap_or_default();
    let catalog = Catalog::embedded();
    match index.get(file) {
        Some(id) => catalog
            .model(id)
            .unwrap_or_else(|| panic!("{family}/requests/index.json names unknown model {id}")),
        None => in_service_model(family),
    }
}

/// The first model of `family` still in service, else the one that was
/// served longest (the family's newest).
pub fn in_service_model(family: &str) -> &'static ModelInfo {
    let catalog = Catalog::embedded();
    catalog
        .models()
        .iter()
        .find(|m| m.family == family && in_service(m))
        .or_else(|| {
            catalog
                .models()
                .iter()
                .filter(|m| m.family == family)
                .max_by_key(|m| m.lifecycle.end_of_life)
        })
        .unwrap_or_else(|| panic!("{family} has no model"))
}

/// A `bedrock-harness serve --port 0` child, killed when dropped.
pub struct Serve {
    /// The process.
    pub child: std::process::Child,
    /// The URL it printed.
    pub uri: String,
}

impl Serve {
    /// Starts `serve --port 0` with `args`, its log on the test's stderr.
    pub fn start(args: &[&str]) -> Serve {
        Serve::spawn(args, std::process::Stdio::inherit())
    }

    /// Starts `serve --port 0` with `args`, keeping its log for [`stop`](Self::stop).
    pub fn start_logging(args: &[&str]) -> Serve {
        Serve::spawn(args, std::process::Stdio::piped())
    }

    /// Starts `serve --port 0` with `args` in a shell that allows it only
    /// `limit` open file descriptors.
    pub fn start_with_fd_limit(limit: u32, args: &[&str]) -> Serve {
        let mut command = std::process::Command::new("sh");
        command
            .args(["-c", &format!("ulimit -n {limit} && exec \"$@\""), "sh"])
            .arg(env!("CARGO_BIN_EXE_bedrock-harness"));
        Serve::spawn_command(command, args, std::process::Stdio::inherit())
    }

    fn spawn(args: &[&str], stderr: std::process::Stdio) -> Serve {
        let command = std::process::Command::new(env!("CARGO_BIN_EXE_bedrock-harness"));
        Serve::spawn_command(command, args, stderr)
    }

    fn spawn_command(
        mut command: std::process::Command,
        args: &[&str],
        stderr: std::process::Stdio,
    ) -> Serve {
        use std::io::{BufRead, BufReader};
        let mut child = command
            .args(["serve", "--port", "0"])
            .args(args)
            .env_remove("RUST_LOG")
            .stdout(std::process::Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let uri = first.rsplit(' ').next().unwrap().to_string();
        // Keep reading, so the server's later lines find a reader.
        std::thread::spawn(move || lines.for_each(drop));
        Serve { child, uri }
    }

    /// Sends the server SIGTERM, without waiting for it to exit.
    pub fn terminate(&self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
    }

    /// Stops the server with SIGTERM; its log, when it was kept.
    pub fn stop(mut self) -> String {
        use std::io::Read;
        self.terminate();
        let mut log = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut log);
        }
        let _ = self.child.wait();
        log
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request an image service takes: the prompt where the service takes
/// one, and its images (64x64 PNGs, the smallest every service takes).
pub fn image_service_request(model: &ModelInfo) -> bedrock_harness::PortableRequest {
    use bedrock_harness::{ContentBlock, ImageFormat, Message, Role};
    let service = model.image_service.as_ref().expect("an image service");
    let mut content = Vec::new();
    if service.fields.iter().any(|f| f == "prompt") {
        content.push(ContentBlock::text("A lighthouse at dawn"));
    }
    for _ in &service.images {
        content.push(ContentBlock::image(
            ImageFormat::Png,
            bedrock_harness::fake::synth::png(64, 64, [90, 120, 150]),
        ));
    }
    bedrock_harness::PortableRequest::default().message(Message::new(Role::User, content))
}

/// A question about a video in S3, as Pegasus takes it.
pub fn video_question() -> bedrock_harness::PortableRequest {
    use bedrock_harness::{ContentBlock, Media, MediaKind, MediaSource, Message, Role};
    let clip = Media::new(
        MediaKind::Video,
        "mp4",
        MediaSource::s3("s3://amzn-s3-demo-bucket/clip.mp4"),
    );
    bedrock_harness::PortableRequest::default().message(Message::new(
        Role::User,
        vec![
            ContentBlock::Media(clip),
            ContentBlock::text("What happens in this video?"),
        ],
    ))
}

/// A blocking HTTP/1.1 call of `method` to `path` at `uri` with an API
/// key (and `body`, if any): the status line and the body.
pub fn http(uri: &str, method: &str, path: &str, body: Option<&Value>) -> (String, String) {
    use std::io::{Read, Write};
    let addr = uri.trim_start_matches("http://");
    let body = body.map(Value::to_string).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer ABSKdGVzdA==\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}
