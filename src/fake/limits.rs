//! Bounds on the connections the fake's own server holds: no client can
//! keep a connection, a worker or a file descriptor by sending slowly or
//! not at all.

use std::time::Duration;

/// How long and how many connections the server holds.
///
/// # Example
///
/// ```
/// use bedrock_harness::fake::{ConnectionLimits, FakeConfig};
/// use std::time::Duration;
///
/// let config = FakeConfig {
///     limits: ConnectionLimits { header_timeout: Duration::from_secs(5), ..Default::default() },
///     ..Default::default()
/// };
/// assert_eq!(config.limits.max_connections, ConnectionLimits::default().max_connections);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// How long an HTTP/1.1 client may take to send a request's headers,
    /// and an idle kept-alive connection to start its next request.
    pub header_timeout: Duration,
    /// How long a client may take to send a request's body.
    pub body_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}

/// The pause after a failed `accept` (such as EMFILE at the descriptor
/// limit): doubling from 10 ms to 1 s, so the loop waits for descriptors
/// to free up instead of spinning; the first failure of a run is logged.
#[derive(Debug, Default)]
pub(crate) struct AcceptBackoff {
    failures: u32,
}

impl AcceptBackoff {
    /// Waits after a failure.
    pub(crate) async fn wait(&mut self, error: &std::io::Error) {
        if self.failures == 0 {
            tracing::warn!(%error, "accept failed; waiting for connections to close");
        }
        let pause =
            Duration::from_millis(10u64 << self.failures.min(7)).min(Duration::from_secs(1));
        self.failures = self.failures.saturating_add(1);
        tokio::time::sleep(pause).await;
    }

    /// Forgets the failures after an accept succeeds.
    pub(crate) fn reset(&mut self) {
        if self.failures > 0 {
            tracing::info!(failures = self.failures, "accepting again");
        }
        self.failures = 0;
    }
}
