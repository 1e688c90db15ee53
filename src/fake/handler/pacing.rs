//! How long a call's answer takes: a rule's pacing, or under `--latency
//! realistic` the model's published figures, and the invocation metrics
//! that report the times applied.

use super::{Call, InvocationMetrics, Rule};
use serde_json::Value;
use std::time::Duration;

impl Call<'_> {
    /// Under `--latency realistic`, the model's published latency figures,
    /// unless a rule paces the call (the rule's pacing wins).
    pub(super) fn published_latency(&self) -> Option<&crate::fake::latency::Figures> {
        if self.state.config.latency != crate::fake::latency::LatencyMode::Realistic {
            return None;
        }
        if self.rule.is_some_and(Rule::paces) {
            return None;
        }
        self.state
            .latency
            .figures(self.model(), self.latency_optimized())
    }

    /// Whether the call asks for latency-optimized inference: InvokeModel's
    /// `X-Amzn-Bedrock-PerformanceConfig-Latency` header, or Converse's
    /// `performanceConfig.latency`.
    fn latency_optimized(&self) -> bool {
        let header = self
            .request
            .header("x-amzn-bedrock-performanceconfig-latency");
        let body = || {
            self.parsed
                .as_ref()
                .ok()
                .and_then(|v| v.pointer("/performanceConfig/latency"))
                .and_then(Value::as_str)
        };
        header.or_else(body) == Some("optimized")
    }

    /// How long an answer that is not streamed waits under `--latency
    /// realistic`: the whole call, which its metrics report.
    pub(super) fn whole_answer_delay(&self, metrics: InvocationMetrics) -> Option<Duration> {
        self.published_latency()
            .map(|_| Duration::from_millis(metrics.invocation_latency))
    }

    /// The rule's pacing of a stream of `frames` frames carrying
    /// `output_tokens`, if it paces it: the wait before the first frame and
    /// between two frames (`tokens_per_second` spreads the tokens evenly
    /// over the gaps).
    pub(super) fn pacing(&self, output_tokens: u32, frames: usize) -> Option<(Duration, Duration)> {
        if let Some(figures) = self.published_latency() {
            let gaps = frames.saturating_sub(1).max(1) as u32;
            return Some((
                figures.first_byte(),
                figures.generating(output_tokens) / gaps,
            ));
        }
        let rule = self.rule?;
        let ms = |v: Option<u64>| Duration::from_millis(v.unwrap_or_default());
        let interval = match (rule.chunk_interval_ms, rule.tokens_per_second) {
            (Some(ms), _) => Duration::from_millis(ms),
            (None, Some(rate)) if rate > 0.0 => {
                let gaps = frames.saturating_sub(1).max(1) as f64;
                Duration::try_from_secs_f64(f64::from(output_tokens) / rate / gaps)
                    .unwrap_or_default()
            }
            _ if rule.first_byte_ms.is_some() => Duration::ZERO,
            _ => return None,
        };
        Some((ms(rule.first_byte_ms), interval))
    }
}

/// The invocation metrics of a stream of `frames` frames written with
/// `pacing`: the latencies it gives.
pub(super) fn paced_metrics(
    metrics: InvocationMetrics,
    pacing: Option<(Duration, Duration)>,
    frames: usize,
) -> Option<InvocationMetrics> {
    let (first_byte, interval) = pacing?;
    let gaps = frames.saturating_sub(1) as u32;
    let total = first_byte + interval * gaps;
    Some(InvocationMetrics {
        first_byte_latency: first_byte.as_millis() as u64,
        invocation_latency: total.as_millis() as u64,
        ..metrics
    })
}
