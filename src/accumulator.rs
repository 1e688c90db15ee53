//! Turns a family's stream chunks into portable events and a final response.

use crate::error::Error;
use crate::portable::{InvocationMetrics, PortableResponse, StreamEvent, ToolCall, Usage};
use crate::reasoning::Reasoning;
use serde::Deserialize;

/// The key Bedrock merges into the last chunk of a response stream.
const METRICS_KEY: &[u8] = b"amazon-bedrock-invocationMetrics";

/// Collects the events of one streamed response.
///
/// A family's [`ModelFamily::parse_chunk`] pushes [`StreamEvent`]s; the
/// accumulator queues them for [`drain`](Self::drain) and folds them into
/// the [`PortableResponse`] that [`finish`](Self::finish) returns.
///
/// Usage events may be partial (one chunk gives the input count, a later one
/// the output count): the accumulator keeps the largest count of each.
///
/// # Example
///
/// ```
/// use bedrock_harness::{family_by_name, StopReason, StreamAccumulator};
///
/// // Arrange: two Titan Text chunks as Bedrock streams them.
/// let titan = family_by_name("titan_text").unwrap();
/// let chunks: [&[u8]; 2] = [
///     br#"{"outputText":"Hello","index":0,"totalOutputTextTokenCount":null,"completionReason":null,"inputTextTokenCount":3}"#,
///     br#"{"outputText":" world","index":0,"totalOutputTextTokenCount":2,"completionReason":"FINISH","inputTextTokenCount":null,
///          "amazon-bedrock-invocationMetrics":{"inputTokenCount":3,"outputTokenCount":2,"invocationLatency":120,"firstByteLatency":80}}"#,
/// ];
///
/// // Act
/// let mut acc = StreamAccumulator::new();
/// for chunk in chunks {
///     acc.feed(titan, chunk).unwrap();
/// }
/// let resp = acc.finish().unwrap();
///
/// // Assert
/// assert_eq!(resp.text, "Hello world");
/// assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
/// assert_eq!(resp.metrics.unwrap().invocation_latency, 120);
/// ```
#[derive(Debug, Default)]
pub struct StreamAccumulator {
    pending: Vec<StreamEvent>,
    response: PortableResponse,
    tool_inputs: Vec<(u32, String)>,
    /// The content-block index of each entry of the response's reasoning.
    reasoning_blocks: Vec<u32>,
    /// Where a stream that may open with `<reasoning>` tags stands.
    pub(crate) tagged_reasoning: TaggedReasoning,
}

/// Where a chat stream stands with reasoning sent in `<reasoning>` tags at
/// the start of its content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum TaggedReasoning {
    /// No content yet.
    #[default]
    Before,
    /// The opening tag came, the closing one has not.
    Open,
    /// Past the reasoning, or there was none.
    Done,
}

#[derive(Deserialize)]
struct MetricsOnly {
    #[serde(rename = "amazon-bedrock-invocationMetrics")]
    metrics: Option<InvocationMetrics>,
}

impl StreamAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Picks up Bedrock's invocation metrics if `chunk` carries them (the
    /// second half of [`feed`](Self::feed), which lives beside the family
    /// trait it takes).
    pub(crate) fn take_metrics(&mut self, chunk: &[u8]) {
        if contains(chunk, METRICS_KEY) {
            if let Ok(MetricsOnly {
                metrics: Some(metrics),
            }) = serde_json::from_slice(chunk)
            {
                self.push(StreamEvent::Metrics(metrics));
            }
        }
    }

    /// Records one event.
    pub fn push(&mut self, event: StreamEvent) {
        self.apply(&event);
        self.pending.push(event);
    }

    /// Takes the events recorded since the last call.
    pub fn drain(&mut self) -> Vec<StreamEvent> {
        std::mem::take(&mut self.pending)
    }

    /// The number of tool calls started so far (families that number their
    /// own content blocks use it to pick the next index).
    pub fn tool_calls_started(&self) -> usize {
        self.response.tool_calls.len()
    }

    /// The response so far, with each tool call's input parsed from its
    /// JSON fragments (an empty input is `{}`).
    pub fn finish(mut self) -> Result<PortableResponse, Error> {
        for (call, (_, json)) in self
            .response
            .tool_calls
            .iter_mut()
            .zip(self.tool_inputs.iter())
        {
            call.input = if json.trim().is_empty() {
                serde_json::json!({})
            } else {
                serde_json::from_str(json).map_err(|e| {
                    Error::parse(
                        "stream",
                        "tool input",
                        format!("tool {}: {e}: {json}", call.name),
                    )
                })?
            };
        }
        if self.response.usage.is_none() {
            if let Some(m) = self.response.metrics {
                self.response.usage = Some(Usage {
                    input_tokens: m.input_token_count,
                    output_tokens: m.output_token_count,
                });
            }
        }
        Ok(self.response)
    }

    fn apply(&mut self, event: &StreamEvent) {
        let resp = &mut self.response;
        match event {
            StreamEvent::TextDelta { text, .. } => resp.text.push_str(text),
            StreamEvent::ToolUseStart { index, id, name } => {
                resp.tool_calls.push(ToolCall {
                    id: id.clone(),
                    name: name.clone(),
                    input: serde_json::Value::Null,
                });
                self.tool_inputs.push((*index, String::new()));
            }
            StreamEvent::ToolInputDelta { index, json } => {
                if let Some((_, buf)) = self.tool_inputs.iter_mut().rev().find(|(i, _)| i == index)
                {
                    buf.push_str(json);
                }
            }
            StreamEvent::Stop(reason) => resp.stop_reason = Some(reason.clone()),
            StreamEvent::Usage(usage) => {
                let old = resp.usage.unwrap_or_default();
                resp.usage = Some(Usage {
                    input_tokens: old.input_tokens.max(usage.input_tokens),
                    output_tokens: old.output_tokens.max(usage.output_tokens),
                });
            }
            StreamEvent::Metrics(m) => resp.metrics = Some(*m),
            StreamEvent::ReasoningDelta { index, text } => match self.reasoning_at(*index) {
                Some(Reasoning::Text { text: so_far, .. }) => so_far.push_str(text),
                _ => self.start_reasoning(*index, Reasoning::text(text.clone(), None)),
            },
            StreamEvent::ReasoningSignature { index, signature } => {
                match self.reasoning_at(*index) {
                    Some(Reasoning::Text { signature: s, .. }) => {
                        s.get_or_insert_with(String::new).push_str(signature)
                    }
                    _ => self.start_reasoning(
                        *index,
                        Reasoning::text(String::new(), Some(signature.clone())),
                    ),
                }
            }
            StreamEvent::RedactedReasoning { index, data } => {
                self.start_reasoning(*index, Reasoning::Redacted { data: data.clone() })
            }
        }
    }

    fn reasoning_at(&mut self, index: u32) -> Option<&mut Reasoning> {
        let at = self.reasoning_blocks.iter().rposition(|i| *i == index)?;
        self.response.reasoning.get_mut(at)
    }

    fn start_reasoning(&mut self, index: u32, reasoning: Reasoning) {
        self.reasoning_blocks.push(index);
        self.response.reasoning.push(reasoning);
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
