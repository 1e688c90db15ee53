//! Server CPU per call: `bedrock-harness serve` beside a bare hyper server
//! that answers the same bytes without looking at the request (the stub),
//! both driven by the same raw hyper clients in one run, over HTTP/1.1 and
//! HTTP/2, for InvokeModel and for a streamed InvokeModelWithResponseStream.
//! It reports server CPU µs per call (the server process's own CPU time,
//! summed over its threads from `/proc/PID/task/*/schedstat`, with its
//! user-space and kernel shares from `/proc/PID/stat`), req/s,
//! p50/p99, errors and peak RSS for both, and the ratio; and serve's RSS
//! after each measurement with the calls it has answered so far, which
//! shows whether its memory stays flat over millions of calls.
//!
//! Two processes sharing a 2-core machine with their clients vary by about
//! 20% from one run to the next, so each measurement is taken in rounds,
//! serve and stub one after the other, and the median round of each is
//! reported (with the spread of the ratios).
//!
//! Run: `cargo bench --bench serve_cpu` (32 connections, 3 rounds of 4 s;
//! set `BH_CPU_CONNECTIONS`, `BH_CPU_ROUNDS` and `BH_CPU_SECONDS`).
//! `BH_CPU_RATE=N` drives both servers at N calls a second in all instead
//! of as fast as they answer, so that both are measured at one load.
//! `BH_CPU_INSTRUCTIONS=1` counts instead of timing: each server runs under
//! callgrind while one keep-alive connection makes `BH_CPU_CALLS` calls
//! (3,000) after 300, and the report is user-space instructions per call,
//! the same on any machine however busy (the kernel's share, which the
//! timed runs include, is not counted).
//! `BH_CPU_PIN=1` runs the servers on CPU 0 and the clients on CPU 1 (with
//! `taskset`), so that neither waits for the other's core: on a 2-core
//! machine the rounds then agree far more closely. Without
//! `--bench` (under `cargo test --benches`) it runs a short smoke version.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const INVOKE: &str = "/model/amazon.nova-micro-v1:0/invoke";
const STREAM: &str = "/model/amazon.nova-micro-v1:0/invoke-with-response-stream";
const BODY: &str = r#"{"messages":[{"role":"user","content":[{"text":"Hello"}]}],"inferenceConfig":{"maxTokens":64}}"#;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The CPU time the process `pid` has used, over all its threads.
fn cpu_time(pid: u32) -> Duration {
    let mut total = 0u64;
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for task in tasks.flatten() {
            let stat = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
            total += stat
                .split_whitespace()
                .next()
                .and_then(|ns| ns.parse::<u64>().ok())
                .unwrap_or_default();
        }
    }
    Duration::from_nanos(total)
}

/// The user and system CPU time the process `pid` has used, over all its
/// threads (from `/proc/PID/stat`, in clock ticks of `getconf CLK_TCK`).
fn cpu_split(pid: u32) -> (Duration, Duration) {
    static TICKS_PER_SECOND: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let ticks_per_second = *TICKS_PER_SECOND.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok()?.trim().parse().ok())
            .unwrap_or(100)
    });
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // After the command's name (in parentheses): state is field 3, utime 14.
    let fields: Vec<u64> = stat
        .rsplit_once(')')
        .map(|(_, rest)| {
            rest.split_whitespace()
                .map(|f| f.parse().unwrap_or(0))
                .collect()
        })
        .unwrap_or_default();
    let ticks = |at: usize| fields.get(at).copied().unwrap_or_default();
    let time = |t: u64| Duration::from_secs_f64(t as f64 / ticks_per_second as f64);
    (time(ticks(11)), time(ticks(12)))
}

/// Peak resident set size of `pid` in MiB.
fn peak_rss_mib(pid: u32) -> f64 {
    status_mib(pid, "VmHWM:")
}

/// Resident set size of `pid` now, in MiB.
fn rss_mib(pid: u32) -> f64 {
    status_mib(pid, "VmRSS:")
}

/// A size line (`VmHWM:`, `VmRSS:`) of `/proc/PID/status`, in MiB.
fn status_mib(pid: u32, key: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    kib / 1024.0
}

/// A server process and the address it listens on.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(mut command: Command) -> Server {
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines
            .next()
            .and_then(Result::ok)
            .expect("it prints its URL");
        let addr = first.rsplit("://").next().unwrap().to_string();
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, addr }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One POST, by either HTTP version.
enum Sender {
    Http1(http1::SendRequest<Full<Bytes>>),
    Http2(http2::SendRequest<Full<Bytes>>),
}

impl Sender {
    async fn open(addr: &str, h2: bool) -> Sender {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        let io = TokioIo::new(stream);
        if h2 {
            let (send, conn) = http2::handshake(TokioExecutor::new(), io).await.unwrap();
            tokio::spawn(conn);
            Sender::Http2(send)
        } else {
            let (send, conn) = http1::handshake(io).await.unwrap();
            tokio::spawn(conn);
            Sender::Http1(send)
        }
    }

    /// POSTs `BODY` to `path`; the answer's bytes, or `None` on any error.
    async fn post(&mut self, addr: &str, path: &str) -> Option<Bytes> {
        let request = hyper::Request::post(format!("http://{addr}{path}"))
            .header("host", addr)
            .header("authorization", "Bearer bench")
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from_static(BODY.as_bytes())))
            .ok()?;
        let response = match self {
            Sender::Http1(send) => {
                send.ready().await.ok()?;
                send.send_request(request).await.ok()?
            }
            Sender::Http2(send) => send.send_request(request).await.ok()?,
        };
        if !response.status().is_success() {
            return None;
        }
        Some(response.into_body().collect().await.ok()?.to_bytes())
    }
}

/// What one run measured.
struct Run {
    calls: u64,
    errors: u64,
    cpu_per_call: Duration,
    /// The user-space and kernel shares of `cpu_per_call`.
    user_per_call: Duration,
    system_per_call: Duration,
    rps: f64,
    p50: Duration,
    p99: Duration,
}

/// How hard the clients push.
#[derive(Clone, Copy)]
struct Load {
    connections: usize,
    seconds: u64,
    /// Calls per second over all connections; `None`: as fast as the
    /// server answers.
    rate: Option<u64>,
}

/// Drives `server` with `load.connections` connections POSTing to `path`
/// for `load.seconds`, each as fast as it is answered or, with a rate, at
/// its share of that rate.
async fn drive(server: &Server, path: &'static str, h2: bool, load: Load) -> Run {
    let Load {
        connections,
        seconds,
        rate,
    } = load;
    // Each connection's time between two calls it starts.
    let interval = rate.map(|r| Duration::from_secs_f64(connections as f64 / r.max(1) as f64));
    let before = cpu_time(server.pid());
    let (user_before, system_before) = cpu_split(server.pid());
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let addr = server.addr.clone();
        tasks.push(tokio::spawn(async move {
            let mut sender = Sender::open(&addr, h2).await;
            let (mut latencies, mut errors) = (Vec::new(), 0u64);
            let mut next = Instant::now();
            while Instant::now() < deadline {
                if let Some(interval) = interval {
                    tokio::time::sleep_until(next.into()).await;
                    next += interval;
                }
                let t = Instant::now();
                match sender.post(&addr, path).await {
                    Some(_) => latencies.push(t.elapsed()),
                    None => {
                        errors += 1;
                        sender = Sender::open(&addr, h2).await;
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for task in tasks {
        let (l, e) = task.await.unwrap();
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed();
    let cpu = cpu_time(server.pid()).saturating_sub(before);
    let (user, system) = cpu_split(server.pid());
    latencies.sort();
    let calls = latencies.len() as u64;
    let per_call = |d: Duration| d / calls.max(1) as u32;
    let at = |p: f64| {
        latencies
            .get(((calls.max(1) - 1) as f64 * p) as usize)
            .copied()
            .unwrap_or_default()
    };
    Run {
        calls,
        errors,
        cpu_per_call: per_call(cpu),
        user_per_call: per_call(user.saturating_sub(user_before)),
        system_per_call: per_call(system.saturating_sub(system_before)),
        rps: calls as f64 / elapsed.as_secs_f64(),
        p50: at(0.5),
        p99: at(0.99),
    }
}

/// Serve's CPU per call over the stub's.
fn ratio(fake: &Run, bare: &Run) -> f64 {
    fake.cpu_per_call.as_secs_f64() / bare.cpu_per_call.as_secs_f64().max(1e-9)
}

/// The run of median CPU per call; errors are summed over all runs, so
/// that one failed call in any round is seen.
fn median(mut runs: Vec<Run>) -> Run {
    let errors = runs.iter().map(|r| r.errors).sum();
    runs.sort_by_key(|r| r.cpu_per_call);
    let mut middle = runs.swap_remove(runs.len() / 2);
    middle.errors = errors;
    middle
}

fn report(label: &str, run: &Run) {
    println!(
        "  {label:<6} {:>5.1} µs CPU/call (user {:>4.1}, system {:>4.1})  {:>6.0} req/s  p50 {:>5.2} ms  p99 {:>5.2} ms  {} calls, {} errors",
        run.cpu_per_call.as_secs_f64() * 1e6,
        run.user_per_call.as_secs_f64() * 1e6,
        run.system_per_call.as_secs_f64() * 1e6,
        run.rps,
        run.p50.as_secs_f64() * 1e3,
        run.p99.as_secs_f64() * 1e3,
        run.calls,
        run.errors
    );
}

/// The stub: a bare hyper server (HTTP/1.1 and HTTP/2) answering every
/// request with the bytes of `STUB_BODY_FILE` and `STUB_CONTENT_TYPE`.
fn run_stub(body_file: &str, content_type: &str) {
    let body = Bytes::from(std::fs::read(body_file).unwrap());
    let content_type = content_type.to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!(
            "stub listening on http://{}",
            listener.local_addr().unwrap()
        );
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let (body, content_type) = (body.clone(), content_type.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    move |req: hyper::Request<hyper::body::Incoming>| {
                        let (body, content_type) = (body.clone(), content_type.clone());
                        async move {
                            let _ = req.into_body().collect().await;
                            hyper::Response::builder()
                                .header("content-type", content_type)
                                .body(Full::new(body))
                        }
                    },
                );
                // The transport settings serve runs with: an HTTP/1.1
                // request's headers must arrive within 30 s (a timer per
                // request), so the ratio is of the fake's own work.
                let mut builder =
                    hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                builder
                    .http1()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(30));
                let _ = builder
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

/// What is measured: each label's path, and the content type the stub
/// answers with.
const SCENARIOS: [(&str, &str, &str); 2] = [
    ("InvokeModel", INVOKE, "application/json"),
    (
        "InvokeModelWithResponseStream",
        STREAM,
        "application/vnd.amazon.eventstream",
    ),
];

/// `serve`'s command line, without the program.
const SERVE_ARGS: [&str; 7] = [
    "serve",
    "--port",
    "0",
    "--as-of",
    "2026-12-02",
    "--journal-size",
    "1000",
];

/// Writes the bytes `serve` answers `path` with to a file for the stub.
fn stub_answer_file(
    rt: &tokio::runtime::Runtime,
    serve: &Server,
    label: &str,
    path: &str,
) -> std::path::PathBuf {
    let answer = rt
        .block_on(async {
            Sender::open(&serve.addr, false)
                .await
                .post(&serve.addr, path)
                .await
        })
        .expect("serve answers");
    let file = std::env::temp_dir().join(format!("bh-stub-{}-{label}", std::process::id()));
    std::fs::write(&file, &answer).unwrap();
    file
}

/// The user-space instructions the server started by `argv` runs under
/// callgrind, from its start to its exit, when one connection makes
/// `calls` calls to `path` before it is sent SIGTERM.
fn callgrind_total(
    rt: &tokio::runtime::Runtime,
    argv: &[String],
    path: &'static str,
    h2: bool,
    calls: u64,
) -> u64 {
    let out = std::env::temp_dir().join(format!("bh-callgrind-{}-{calls}", std::process::id()));
    let mut command = Command::new("valgrind");
    command
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .args(argv)
        .stderr(Stdio::null());
    let mut server = Server::start(command);
    rt.block_on(async {
        let mut sender = Sender::open(&server.addr, h2).await;
        for _ in 0..calls {
            sender
                .post(&server.addr, path)
                .await
                .expect("every call is answered");
        }
    });
    let status = Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "the server takes SIGTERM");
    let _ = server.child.wait();
    let profile = std::fs::read_to_string(&out).expect("callgrind wrote its profile");
    let _ = std::fs::remove_file(&out);
    profile
        .lines()
        .find_map(|l| {
            l.strip_prefix("totals: ")
                .or_else(|| l.strip_prefix("summary: "))
        })
        .and_then(|n| n.trim().parse().ok())
        .expect("the profile has a total")
}

/// Instructions per call: the difference of two runs, 300 calls and
/// 300 + `calls`, so that start-up and first-call loading cancel out.
fn per_call_instructions(
    rt: &tokio::runtime::Runtime,
    argv: &[String],
    path: &'static str,
    h2: bool,
    calls: u64,
) -> f64 {
    const WARM: u64 = 300;
    let before = callgrind_total(rt, argv, path, h2, WARM);
    let after = callgrind_total(rt, argv, path, h2, WARM + calls);
    after.saturating_sub(before) as f64 / calls as f64
}

/// `BH_CPU_INSTRUCTIONS=1`: both servers' user-space instructions per call.
fn count_instructions(rt: &tokio::runtime::Runtime) {
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("BH_CPU_INSTRUCTIONS=1 needs valgrind on PATH; nothing counted");
        return;
    }
    let calls = env_or("BH_CPU_CALLS", 3000).max(1);
    println!("user-space instructions per call (callgrind; one keep-alive connection, {calls} calls after 300):");
    let serve_argv: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_bedrock-harness"))
        .chain(SERVE_ARGS)
        .map(String::from)
        .collect();
    let mut plain = Command::new(&serve_argv[0]);
    plain.args(&serve_argv[1..]);
    let serve = Server::start(plain);
    for (label, path, content_type) in SCENARIOS {
        let file = stub_answer_file(rt, &serve, label, path);
        let stub_argv: Vec<String> = vec![
            std::env::current_exe().unwrap().display().to_string(),
            "--stub-server".into(),
            file.display().to_string(),
            content_type.into(),
        ];
        for h2 in [false, true] {
            let version = if h2 { "HTTP/2" } else { "HTTP/1.1" };
            let fake = per_call_instructions(rt, &serve_argv, path, h2, calls);
            let bare = per_call_instructions(rt, &stub_argv, path, h2, calls);
            println!(
                "  {label} over {version}: serve {fake:.0}, stub {bare:.0}, ratio {:.2}×",
                fake / bare.max(1.0)
            );
        }
        let _ = std::fs::remove_file(file);
    }
}

/// The command that starts `program` as a server: on CPU 0 when `pin` is
/// set (`taskset`, from util-linux, which then runs it as itself).
fn server_command(program: impl AsRef<std::ffi::OsStr>, pin: bool) -> Command {
    match pin {
        true => {
            let mut command = Command::new("taskset");
            command.args(["-c", "0"]).arg(program);
            command
        }
        false => Command::new(program),
    }
}

/// Moves every thread of the process `pid` to CPU `cpu`.
fn pin_to(cpu: &str, pid: &str) {
    let status = Command::new("taskset")
        .args(["-a", "-p", "-c", cpu, pid])
        .stdout(Stdio::null())
        .status()
        .expect("BH_CPU_PIN=1 needs taskset (util-linux)");
    assert!(status.success(), "taskset could not pin {pid} to CPU {cpu}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--stub-server") {
        return run_stub(&args[at + 1], &args[at + 2]);
    }
    let full = args.iter().any(|a| a == "--bench");
    let connections = env_or("BH_CPU_CONNECTIONS", if full { 32 } else { 4 }) as usize;
    let seconds = env_or("BH_CPU_SECONDS", if full { 4 } else { 1 });
    let rounds = env_or("BH_CPU_ROUNDS", if full { 3 } else { 1 }).max(1) as usize;
    let rate = std::env::var("BH_CPU_RATE")
        .ok()
        .and_then(|r| r.parse().ok());
    let load = Load {
        connections,
        seconds,
        rate,
    };
    let pin = std::env::var("BH_CPU_PIN").is_ok_and(|v| v == "1");
    if pin {
        pin_to("1", &std::process::id().to_string());
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    if std::env::var("BH_CPU_INSTRUCTIONS").is_ok_and(|v| v == "1") {
        return count_instructions(&rt);
    }

    let mut serve_command = server_command(env!("CARGO_BIN_EXE_bedrock-harness"), pin);
    serve_command.args(SERVE_ARGS);
    let serve = Server::start(serve_command);

    let pace = match rate {
        Some(rate) => format!("{rate} calls/s in all"),
        None => "as fast as answered".into(),
    };
    println!(
        "serve vs a bare hyper stub: {connections} connections ({pace}), median of {rounds} rounds of {seconds} s"
    );
    let mut served = 0u64;
    for (label, path, content_type) in SCENARIOS {
        // The stub answers exactly what serve answers this request.
        let file = stub_answer_file(&rt, &serve, label, path);
        let mut stub_command = server_command(std::env::current_exe().unwrap(), pin);
        stub_command.args(["--stub-server", file.to_str().unwrap(), content_type]);
        let stub = Server::start(stub_command);
        for h2 in [false, true] {
            let version = if h2 { "HTTP/2" } else { "HTTP/1.1" };
            let (mut fakes, mut bares) = (Vec::new(), Vec::new());
            for _ in 0..rounds {
                fakes.push(rt.block_on(drive(&serve, path, h2, load)));
                bares.push(rt.block_on(drive(&stub, path, h2, load)));
            }
            let mut ratios: Vec<f64> = fakes.iter().zip(&bares).map(|(f, b)| ratio(f, b)).collect();
            ratios.sort_by(f64::total_cmp);
            served += fakes.iter().map(|r| r.calls).sum::<u64>();
            let (fake, bare) = (median(fakes), median(bares));
            println!("{label} over {version}:");
            report("serve", &fake);
            report("stub", &bare);
            println!(
                "  ratio: {:.2}× the stub's CPU per call (medians; rounds {:.2}–{:.2}×)",
                ratio(&fake, &bare),
                ratios[0],
                ratios[ratios.len() - 1]
            );
            println!(
                "  serve RSS {:.1} MiB after {served} calls",
                rss_mib(serve.pid())
            );
            assert_eq!(fake.errors, 0, "serve must answer every call");
        }
        println!("  stub peak RSS {:.1} MiB", peak_rss_mib(stub.pid()));
        drop(stub);
        let _ = std::fs::remove_file(file);
    }
    println!("serve peak RSS {:.1} MiB", peak_rss_mib(serve.pid()));
}
