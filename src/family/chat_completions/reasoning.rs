//! Reasoning in `<reasoning>` tags: Bedrock's InvokeModel puts the
//! reasoning of OpenAI's models (gpt-oss, GPT-5.x) before the answer in the
//! message content, as `<reasoning>...</reasoning>` (AWS user guide,
//! "OpenAI models"; promptfoo/promptfoo#9587 for GPT-5.x). The stream form
//! is inferred from it: the same content, in pieces, the tags each a piece
//! of their own.

use crate::accumulator::{StreamAccumulator, TaggedReasoning};
use crate::portable::StreamEvent;

const OPEN: &str = "<reasoning>";
const CLOSE: &str = "</reasoning>";

/// Splits content that opens with `<reasoning>...</reasoning>` into the
/// reasoning and the text after it; other content is all text.
///
/// ```text
/// "<reasoning>Greet back.</reasoning>Hello!" -> (Some("Greet back."), "Hello!")
/// ```
pub(crate) fn split_tagged(content: String) -> (Option<String>, String) {
    let split = content
        .strip_prefix(OPEN)
        .and_then(|rest| rest.split_once(CLOSE));
    match split {
        Some((reasoning, text)) => (Some(reasoning.to_string()), text.to_string()),
        None => (None, content),
    }
}

/// The content of an answer with `reasoning` before `text`.
pub(crate) fn tagged(reasoning: &str, text: &str) -> String {
    format!("{OPEN}{reasoning}{CLOSE}{text}")
}

/// The pieces a stream sends for an answer with `reasoning` before `text`:
/// the opening tag, the reasoning's pieces, the closing tag.
pub(crate) fn tagged_pieces(reasoning: &str) -> Vec<&str> {
    let mut pieces = vec![OPEN];
    pieces.extend(crate::family::model_family::text_pieces(reasoning));
    pieces.push(CLOSE);
    pieces
}

/// Pushes a streamed piece of content: reasoning while the answer's
/// opening `<reasoning>` tag is open, text otherwise. A tag split across
/// two pieces is read as text.
pub(crate) fn push_tagged(acc: &mut StreamAccumulator, piece: &str) {
    let mut rest = piece;
    loop {
        match acc.tagged_reasoning {
            TaggedReasoning::Before => match rest.strip_prefix(OPEN) {
                Some(after) => {
                    acc.tagged_reasoning = TaggedReasoning::Open;
                    rest = after;
                }
                None => acc.tagged_reasoning = TaggedReasoning::Done,
            },
            TaggedReasoning::Open => {
                let (thought, after) = match rest.split_once(CLOSE) {
                    Some((thought, after)) => {
                        acc.tagged_reasoning = TaggedReasoning::Done;
                        (thought, Some(after))
                    }
                    None => (rest, None),
                };
                if !thought.is_empty() {
                    acc.push(StreamEvent::ReasoningDelta {
                        index: 0,
                        text: thought.to_string(),
                    });
                }
                match after {
                    Some(after) => rest = after,
                    None => return,
                }
            }
            TaggedReasoning::Done => {
                if !rest.is_empty() {
                    acc.push(StreamEvent::TextDelta {
                        index: 0,
                        text: rest.to_string(),
                    });
                }
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_takes_the_leading_reasoning_only() {
        let (reasoning, text) = split_tagged(tagged("Greet back.", "Hello!"));
        assert_eq!(reasoning.as_deref(), Some("Greet back."));
        assert_eq!(text, "Hello!");
        let plain = "Say <reasoning>x</reasoning>".to_string();
        assert_eq!(split_tagged(plain.clone()), (None, plain));
        let unclosed = "<reasoning>never closed".to_string();
        assert_eq!(split_tagged(unclosed.clone()), (None, unclosed));
    }

    #[test]
    fn stream_pieces_read_back_as_reasoning_then_text() {
        let mut acc = StreamAccumulator::new();
        let mut pieces = tagged_pieces("Plan the greeting first.");
        pieces.extend(["Hello", " there!"]);
        for piece in pieces {
            push_tagged(&mut acc, piece);
        }
        let resp = acc.finish().unwrap();
        assert_eq!(resp.reasoning.len(), 1);
        assert_eq!(resp.reasoning[0].visible_text(), "Plan the greeting first.");
        assert_eq!(resp.text, "Hello there!");
    }

    #[test]
    fn a_piece_holding_both_tags_and_text_is_split() {
        let mut acc = StreamAccumulator::new();
        push_tagged(&mut acc, "<reasoning>Short.</reasoning>Hi");
        push_tagged(&mut acc, " <reasoning>not at the start</reasoning>");
        let resp = acc.finish().unwrap();
        assert_eq!(resp.reasoning[0].visible_text(), "Short.");
        assert_eq!(resp.text, "Hi <reasoning>not at the start</reasoning>");
    }
}
