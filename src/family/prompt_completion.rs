//! The prompt-completion answer that Mistral AI's text models and DeepSeek
//! share: a list (`outputs` for Mistral, `choices` for DeepSeek) of one
//! `{text, stop_reason}`, stream chunks repeating that shape with
//! `stop_reason` null until the last, and no token counts. Each family
//! keeps its own request and prompt template and names its list.

use super::model_family::text_chunks;
use super::prompt_template::{stop_or_length, stop_or_length_name};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::portable::{PortableResponse, StreamEvent};
use serde::{Deserialize, Serialize};

/// One entry of the list: the text (of this chunk, when streaming) and
/// the stop reason (`stop` or `length`; null on all but the last chunk).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    /// The generated text.
    pub text: String,
    /// `stop` or `length`, where the answer ended.
    #[serde(default)]
    pub stop_reason: Option<String>,
}

/// A family's answer body: one list of [`Completion`]s under the family's
/// key. Stream chunks have the same shape.
pub(crate) trait CompletionList: Sized {
    /// The family's name, for errors.
    const FAMILY: &'static str;
    /// The key of the list: `outputs` or `choices`.
    const KEY: &'static str;
    /// The body holding `items`.
    fn new(items: Vec<Completion>) -> Self;
    /// The list's entries.
    fn items(self) -> Vec<Completion>;
}

/// The portable response of an answer (its first entry).
pub(crate) fn portable<L: CompletionList>(answer: L) -> Result<PortableResponse, Error> {
    let first = answer
        .items()
        .into_iter()
        .next()
        .ok_or_else(|| Error::parse(L::FAMILY, "response", format!("`{}` is empty", L::KEY)))?;
    Ok(PortableResponse {
        stop_reason: first.stop_reason.as_deref().map(stop_or_length),
        text: first.text,
        ..Default::default()
    })
}

/// Pushes one stream chunk's entries into `acc`.
pub(crate) fn push_chunk<L: CompletionList>(chunk: L, acc: &mut StreamAccumulator) {
    for item in chunk.items() {
        if !item.text.is_empty() {
            acc.push(StreamEvent::TextDelta {
                index: 0,
                text: item.text,
            });
        }
        if let Some(reason) = item.stop_reason {
            acc.push(StreamEvent::Stop(stop_or_length(&reason)));
        }
    }
}

/// The answer body of `resp`: `resp.usage` has no place in it.
pub(crate) fn native<L: CompletionList>(resp: &PortableResponse) -> L {
    L::new(vec![Completion {
        text: resp.text.clone(),
        stop_reason: Some(stop_or_length_name(resp.stop_reason.as_ref()).to_string()),
    }])
}

/// The stream chunks of `resp`, the stop reason on the last.
pub(crate) fn native_chunks<L: CompletionList>(resp: &PortableResponse) -> Vec<L> {
    text_chunks(&resp.text, |piece, at| {
        L::new(vec![Completion {
            text: piece.to_string(),
            stop_reason: at
                .last
                .then(|| stop_or_length_name(resp.stop_reason.as_ref()).to_string()),
        }])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portable::StopReason;

    #[derive(Serialize, Deserialize)]
    struct Outputs {
        outputs: Vec<Completion>,
    }

    impl CompletionList for Outputs {
        const FAMILY: &'static str = "mistral";
        const KEY: &'static str = "outputs";
        fn new(outputs: Vec<Completion>) -> Self {
            Outputs { outputs }
        }
        fn items(self) -> Vec<Completion> {
            self.outputs
        }
    }

    fn value(answer: &Outputs) -> serde_json::Value {
        serde_json::to_value(answer).unwrap()
    }

    #[test]
    fn answers_render_and_read_back() {
        let resp = PortableResponse {
            text: "Hello there, how are you today?".into(),
            stop_reason: Some(StopReason::MaxTokens),
            ..Default::default()
        };
        let body: Outputs = native(&resp);
        assert_eq!(
            value(&body).to_string(),
            r#"{"outputs":[{"text":"Hello there, how are you today?","stop_reason":"length"}]}"#
        );
        assert_eq!(
            portable(body).unwrap().stop_reason,
            Some(StopReason::MaxTokens)
        );
        let chunks: Vec<Outputs> = native_chunks(&resp);
        assert!(chunks.len() > 1);
        assert!(value(&chunks[0])["outputs"][0]["stop_reason"].is_null());
        assert_eq!(
            value(chunks.last().unwrap())["outputs"][0]["stop_reason"],
            "length"
        );
    }

    #[test]
    fn an_empty_list_names_its_key() {
        let err = portable(Outputs::new(Vec::new())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "mistral: cannot parse response: `outputs` is empty"
        );
    }
}
