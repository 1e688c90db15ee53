//! The prompt-completion answer that Mistral AI's text models and DeepSeek
//! share: a list (`outputs` for Mistral, `choices` for DeepSeek) of one
//! `{text, stop_reason}`, stream chunks repeating that shape with
//! `stop_reason` null until the last, and no token counts. Each family
//! keeps its own request and prompt template and names its list.

use super::model_family::text_pieces;
use super::prompt_template::{stop_or_length, stop_or_length_name};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::portable::{PortableResponse, StreamEvent};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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

/// How one family names the list of its answer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CompletionShape {
    /// The family's name, for errors.
    pub family: &'static str,
    /// The key of the list: `outputs` or `choices`.
    pub list: &'static str,
}

impl CompletionShape {
    /// The portable response of an answer's list (its first entry).
    pub(crate) fn portable(&self, items: &[Completion]) -> Result<PortableResponse, Error> {
        let first = items.first().ok_or_else(|| {
            Error::parse(self.family, "response", format!("`{}` is empty", self.list))
        })?;
        Ok(PortableResponse {
            text: first.text.clone(),
            stop_reason: first.stop_reason.as_deref().map(stop_or_length),
            ..Default::default()
        })
    }

    /// Pushes one stream chunk's entries into `acc`.
    pub(crate) fn push_chunk(&self, items: Vec<Completion>, acc: &mut StreamAccumulator) {
        for item in items {
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
    pub(crate) fn render(&self, resp: &PortableResponse) -> Result<Value, Error> {
        self.body(Completion {
            text: resp.text.clone(),
            stop_reason: Some(stop_or_length_name(resp.stop_reason.as_ref()).to_string()),
        })
    }

    /// The stream chunks of `resp`, the stop reason on the last.
    pub(crate) fn render_chunks(&self, resp: &PortableResponse) -> Result<Vec<Value>, Error> {
        let pieces = text_pieces(&resp.text);
        let last = pieces.len() - 1;
        pieces
            .iter()
            .enumerate()
            .map(|(i, piece)| {
                self.body(Completion {
                    text: piece.to_string(),
                    stop_reason: (i == last)
                        .then(|| stop_or_length_name(resp.stop_reason.as_ref()).to_string()),
                })
            })
            .collect()
    }

    fn body(&self, item: Completion) -> Result<Value, Error> {
        let item = serde_json::to_value([item])
            .map_err(|e| Error::parse(self.family, "rendered answer", e))?;
        let mut body = Map::new();
        body.insert(self.list.to_string(), item);
        Ok(Value::Object(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portable::StopReason;

    const SHAPE: CompletionShape = CompletionShape {
        family: "mistral",
        list: "outputs",
    };

    #[test]
    fn answers_render_and_read_back() {
        let resp = PortableResponse {
            text: "Hello there, how are you today?".into(),
            stop_reason: Some(StopReason::MaxTokens),
            ..Default::default()
        };
        let body = SHAPE.render(&resp).unwrap();
        assert_eq!(
            body.to_string(),
            r#"{"outputs":[{"text":"Hello there, how are you today?","stop_reason":"length"}]}"#
        );
        let items: Vec<Completion> = serde_json::from_value(body["outputs"].clone()).unwrap();
        assert_eq!(
            SHAPE.portable(&items).unwrap().stop_reason,
            Some(StopReason::MaxTokens)
        );
        let chunks = SHAPE.render_chunks(&resp).unwrap();
        assert!(chunks.len() > 1);
        assert!(chunks[0]["outputs"][0]["stop_reason"].is_null());
        assert_eq!(
            chunks.last().unwrap()["outputs"][0]["stop_reason"],
            "length"
        );
    }

    #[test]
    fn an_empty_list_names_its_key() {
        let err = SHAPE.portable(&[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "mistral: cannot parse response: `outputs` is empty"
        );
    }
}
