//! A streamed Responses API call (`"stream": true`): the call runs as its
//! model's InvokeModelWithResponseStream, and each chat-completion chunk
//! becomes the Responses events it stands for, as server-sent events
//! (`event: <type>` and `data: <event>` lines, OpenAI's API reference).
//!
//! The events are the ones a public capture of bedrock-mantle's stream for
//! gpt-oss-120b shows, in its order: `response.created`,
//! `response.in_progress`, `response.output_item.added`,
//! `response.output_text.delta` (one per piece of text),
//! `response.output_text.done` and `response.completed`, whose `response`
//! is the whole answer (its reasoning and function-call items among its
//! `output`). No capture shows a `[DONE]` line after them, and the fake
//! sends none. gpt-oss's reasoning, inline in `<reasoning>` tags on
//! InvokeModel, is kept out of the text deltas: it is the `reasoning` item
//! of the completed response. Each chunk's events are written when the
//! chunk would have been, so pacing applies as to the stream it runs as.

use super::openai_compat::server_sent_groups;
use super::responses_api::response_object;
use super::FakeResponse;
use crate::eventstream::{Frame, FrameDecoder};
use serde_json::{json, Value};

/// The Responses events of a streamed `answer` (InvokeModelWithResponseStream
/// of a chat-completions model) to `request`.
pub(super) fn events(request: &Value, answer: FakeResponse) -> FakeResponse {
    let chunks = chunks(&answer);
    let completion = completion(&chunks);
    let done = response_object(request, &completion);
    let message = done["output"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .find(|(_, item)| item["type"] == "message");
    let mut sequence = 0u64;
    let mut event = |kind: &str, mut body: Value| {
        body["type"] = json!(kind);
        body["sequence_number"] = json!(sequence);
        sequence += 1;
        format!("event: {kind}\ndata: {body}\n\n")
    };
    let mut started = done.clone();
    started["status"] = json!("in_progress");
    started["output"] = json!([]);
    started["usage"] = Value::Null;
    let mut reasoning = Reasoning::default();
    let mut groups = Vec::with_capacity(chunks.len());
    for (i, chunk) in chunks.iter().enumerate() {
        let mut group = String::new();
        if i == 0 {
            group += &event("response.created", json!({"response": started}));
            group += &event("response.in_progress", json!({"response": started}));
            if let Some((index, item)) = message {
                let mut added = item.clone();
                added["status"] = json!("in_progress");
                added["content"] = json!([]);
                group += &event(
                    "response.output_item.added",
                    json!({"output_index": index, "item": added}),
                );
            }
        }
        let piece = chunk
            .pointer("/choices/0/delta/content")
            .and_then(Value::as_str)
            .map(|text| reasoning.visible(text))
            .unwrap_or_default();
        if let (Some((index, item)), false) = (message, piece.is_empty()) {
            group += &event(
                "response.output_text.delta",
                json!({"item_id": item["id"], "output_index": index, "content_index": 0, "delta": piece}),
            );
        }
        if i + 1 == chunks.len() {
            if let Some((index, item)) = message {
                group += &event(
                    "response.output_text.done",
                    json!({"item_id": item["id"], "output_index": index, "content_index": 0,
                           "text": item["content"][0]["text"]}),
                );
            }
            group += &event("response.completed", json!({"response": done}));
        }
        groups.push(group);
    }
    server_sent_groups(answer, groups)
}

/// The stream's chat-completion chunks, Bedrock's metrics kept (they carry
/// the token counts).
fn chunks(answer: &FakeResponse) -> Vec<Value> {
    FrameDecoder::new()
        .feed(&answer.body)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|frame| match frame {
            Frame::Chunk(bytes) => serde_json::from_slice(&bytes).ok(),
            _ => None,
        })
        .collect()
}

/// The `chat.completion` the chunks add up to: their text, tool calls,
/// finish reason, and the token counts of Bedrock's invocation metrics.
fn completion(chunks: &[Value]) -> Value {
    let mut text = String::new();
    let mut calls: Vec<Value> = Vec::new();
    let mut finish = Value::Null;
    let mut usage = json!({});
    for chunk in chunks {
        let choice = &chunk["choices"][0];
        if let Some(piece) = choice.pointer("/delta/content").and_then(Value::as_str) {
            text.push_str(piece);
        }
        for call in choice
            .pointer("/delta/tool_calls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let index = call["index"].as_u64().unwrap_or(0) as usize;
            if calls.len() <= index {
                calls.resize(index + 1, json!({"function": {"arguments": ""}}));
            }
            let merged = &mut calls[index];
            for key in ["id", "type"] {
                if let Some(value) = call.get(key) {
                    merged[key] = value.clone();
                }
            }
            if let Some(name) = call.pointer("/function/name") {
                merged["function"]["name"] = name.clone();
            }
            if let Some(part) = call.pointer("/function/arguments").and_then(Value::as_str) {
                let so_far = merged["function"]["arguments"].as_str().unwrap_or_default();
                merged["function"]["arguments"] = json!(format!("{so_far}{part}"));
            }
        }
        if !choice["finish_reason"].is_null() {
            finish = choice["finish_reason"].clone();
        }
        if let Some(metrics) = chunk.get("amazon-bedrock-invocationMetrics") {
            usage = json!({"prompt_tokens": metrics["inputTokenCount"],
                           "completion_tokens": metrics["outputTokenCount"]});
        }
    }
    let first = chunks.first().cloned().unwrap_or(Value::Null);
    let mut message = json!({"role": "assistant", "content": text});
    if !calls.is_empty() {
        message["tool_calls"] = Value::Array(calls);
    }
    json!({"id": first["id"], "created": first["created"],
           "choices": [{"message": message, "finish_reason": finish}], "usage": usage})
}

/// Where a stream of text pieces is inside gpt-oss's `<reasoning>` tags.
#[derive(Default)]
struct Reasoning {
    inside: bool,
    /// Whether any text has been seen: only the answer's start opens the
    /// reasoning.
    seen: bool,
}

impl Reasoning {
    /// The part of `piece` outside the reasoning.
    fn visible(&mut self, piece: &str) -> String {
        let mut out = String::new();
        let mut rest = piece;
        loop {
            if self.inside {
                match rest.split_once("</reasoning>") {
                    Some((_, after)) => {
                        self.inside = false;
                        rest = after;
                    }
                    None => return out,
                }
            } else if !self.seen && rest.starts_with("<reasoning>") {
                self.inside = true;
                self.seen = true;
                rest = &rest["<reasoning>".len()..];
            } else {
                self.seen |= !rest.is_empty();
                out.push_str(rest);
                return out;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasoning_in_its_own_pieces_or_mixed_is_kept_out_of_the_text() {
        let mut split = Reasoning::default();
        let pieces = ["<reasoning>", "think", "</reasoning>", "Hello", " there"];
        let shown: String = pieces.iter().map(|p| split.visible(p)).collect();
        assert_eq!(shown, "Hello there");
        let mut mixed = Reasoning::default();
        assert_eq!(mixed.visible("<reasoning>a</reasoning>Hi"), "Hi");
        assert_eq!(mixed.visible(" <reasoning>stays"), " <reasoning>stays");
    }

    #[test]
    fn tool_call_pieces_add_up_to_one_call() {
        let chunks = [
            json!({"id": "chatcmpl-1", "choices": [{"delta": {"tool_calls": [
                {"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{\"a\""}}]}}]}),
            json!({"choices": [{"delta": {"tool_calls": [{"index": 0, "function": {"arguments": ":1}"}}]},
                   "finish_reason": "tool_calls"}],
                   "amazon-bedrock-invocationMetrics": {"inputTokenCount": 3, "outputTokenCount": 4}}),
        ];
        let done = completion(&chunks);
        let call = &done["choices"][0]["message"]["tool_calls"][0];
        assert_eq!(call["function"]["arguments"], "{\"a\":1}");
        assert_eq!(call["id"], "call_1");
        assert_eq!(done["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(done["usage"]["completion_tokens"], 4);
    }
}
