//! The prompt-completion shape that Mistral AI's text models and DeepSeek
//! share: a request of one `prompt` (each provider renders the
//! conversation with its own template) and an answer of one list
//! (`outputs` for Mistral, `choices` for DeepSeek) of `{text,
//! stop_reason}`, stream chunks repeating that shape with `stop_reason`
//! null until the last, and no token counts.
//!
//! A provider is a [`PromptDialect`]: its request type, the list's key and
//! the two translations of its request; [`PromptCompletion`] makes any
//! dialect a [`Codec`] (and so a model family).

use super::codec::{first_entry, Codec};
use super::model_family::{text_chunks, RenderContext};
use super::prompt_template::{messages_from_turns, stop_or_length, stop_or_length_name, TextTurn};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{InferenceParams, PortableRequest, PortableResponse, StreamEvent};
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// One entry of the list: the text (of this chunk, when streaming) and
/// the stop reason (`stop` or `length`; null on all but the last chunk).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    /// The generated text.
    pub text: String,
    /// `stop` or `length`, where the answer ended.
    pub stop_reason: Option<String>,
}

/// One provider's prompt-completion bodies: what differs between them.
///
/// # Example
///
/// A provider whose body is `{"prompt": ...}` and whose answer lists
/// `completions`:
///
/// ```
/// use bedrock_harness::family::prompt_completion::{PromptCompletion, PromptDialect};
/// use bedrock_harness::{Catalog, Error, ModelFamily, ModelInfo, PortableRequest};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize)]
/// struct PlainRequest { prompt: String }
///
/// struct Plain;
///
/// impl PromptDialect for Plain {
///     const NAME: &'static str = "plain";
///     const TITLE: &'static str = "Plain prompts";
///     const LIST_KEY: &'static str = "completions";
///     type Request = PlainRequest;
///
///     fn request(&self, req: &PortableRequest, _: &ModelInfo) -> Result<PlainRequest, Error> {
///         Ok(PlainRequest { prompt: req.last_user_text() })
///     }
///     fn portable_request(&self, body: PlainRequest, _: &ModelInfo) -> Result<PortableRequest, Error> {
///         Ok(PortableRequest::prompt(body.prompt))
///     }
/// }
///
/// // Arrange
/// let family = PromptCompletion(Plain);
/// let model = Catalog::embedded().model("mistral.mistral-7b-instruct-v0:2").unwrap();
///
/// // Act
/// let body = family.build(&PortableRequest::prompt("Hi"), model).unwrap();
/// let answer = family.parse(br#"{"completions": [{"text": "Hello", "stop_reason": "stop"}]}"#).unwrap();
///
/// // Assert
/// assert_eq!(body["prompt"], "Hi");
/// assert_eq!(answer.text, "Hello");
/// ```
pub trait PromptDialect: Send + Sync + 'static {
    /// The family's name, equal to its folder under `fixtures/`.
    const NAME: &'static str;
    /// A human title.
    const TITLE: &'static str;
    /// The key of the answer's list: `outputs` or `choices`.
    const LIST_KEY: &'static str;
    /// The marker that ends reasoning written before the answer in the
    /// text (DeepSeek-R1's `</think>`): parsed answers split there.
    const REASONING_CLOSER: Option<&'static str> = None;
    /// The InvokeModel request body.
    type Request: Serialize + DeserializeOwned;

    /// The request for a portable one, its conversation rendered with the
    /// model's template.
    fn request(&self, req: &PortableRequest, model: &ModelInfo) -> Result<Self::Request, Error>;

    /// A request body back in portable form.
    fn portable_request(
        &self,
        native: Self::Request,
        model: &ModelInfo,
    ) -> Result<PortableRequest, Error>;

    /// The text an answer body carries for `resp`: its text, by default;
    /// a dialect whose text carries the reasoning too says how.
    fn answer_text(&self, resp: &PortableResponse) -> String {
        resp.text.clone()
    }
}

/// The portable request of a prompt read back into `system` and `turns`
/// (one user turn holding the whole prompt when its markers were not
/// found), with the body's parameters.
pub(crate) fn portable_request(
    family: &'static str,
    read: Option<(Option<String>, Vec<TextTurn>)>,
    prompt: String,
    params: InferenceParams,
) -> Result<PortableRequest, Error> {
    let (system, turns) = read.unwrap_or_else(|| {
        let role = crate::portable::Role::User;
        (None, vec![TextTurn { role, text: prompt }])
    });
    Ok(PortableRequest {
        system,
        messages: messages_from_turns(family, turns, None, &[])?,
        params,
        ..Default::default()
    })
}

/// A prompt-completion family: the shared answer shape spoken in dialect
/// `D`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PromptCompletion<D>(pub D);

/// An answer body (and each stream chunk) of dialect `D`: one list of
/// [`Completion`]s under `D::LIST_KEY`; other members are read past.
pub struct CompletionAnswer<D> {
    /// The list's entries.
    pub items: Vec<Completion>,
    dialect: PhantomData<fn() -> D>,
}

impl<D> CompletionAnswer<D> {
    fn new(items: Vec<Completion>) -> Self {
        CompletionAnswer {
            items,
            dialect: PhantomData,
        }
    }
}

impl<D: PromptDialect> Serialize for CompletionAnswer<D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(D::LIST_KEY, &self.items)?;
        map.end()
    }
}

impl<'de, D: PromptDialect> Deserialize<'de> for CompletionAnswer<D> {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        struct ListVisitor<D>(PhantomData<fn() -> D>);
        impl<'de, D: PromptDialect> Visitor<'de> for ListVisitor<D> {
            type Value = CompletionAnswer<D>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "an object with `{}`", D::LIST_KEY)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut items = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == D::LIST_KEY {
                        items = Some(map.next_value()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                let items = items.ok_or_else(|| de::Error::missing_field(D::LIST_KEY))?;
                Ok(CompletionAnswer::new(items))
            }
        }
        deserializer.deserialize_map(ListVisitor(PhantomData))
    }
}

impl<D: PromptDialect> Codec for PromptCompletion<D> {
    const NAME: &'static str = D::NAME;
    const TITLE: &'static str = D::TITLE;
    type Request = D::Request;
    type Response = CompletionAnswer<D>;
    type Chunk = CompletionAnswer<D>;

    fn request(&self, req: &PortableRequest, model: &ModelInfo) -> Result<D::Request, Error> {
        self.0.request(req, model)
    }

    fn portable_request(
        &self,
        native: D::Request,
        model: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        self.0.portable_request(native, model)
    }

    /// The first entry's text and stop reason; reasoning the text carries
    /// before [`PromptDialect::REASONING_CLOSER`] is split off.
    fn portable(&self, answer: CompletionAnswer<D>) -> Result<PortableResponse, Error> {
        let first = first_entry(D::NAME, D::LIST_KEY, answer.items)?;
        let (reasoning, text) = match D::REASONING_CLOSER {
            Some(closer) => split_reasoning(first.text, closer),
            None => (None, first.text),
        };
        Ok(PortableResponse {
            stop_reason: first.stop_reason.as_deref().map(stop_or_length),
            text,
            reasoning: reasoning.into_iter().collect(),
            ..Default::default()
        })
    }

    /// The answer body: `resp.usage` has no place in it.
    fn native(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<CompletionAnswer<D>, Error> {
        Ok(CompletionAnswer::new(vec![Completion {
            text: self.0.answer_text(resp),
            stop_reason: Some(stop_or_length_name(resp.stop_reason.as_ref()).to_string()),
        }]))
    }

    /// The stream chunks, the stop reason on the last.
    fn native_chunks(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<Vec<CompletionAnswer<D>>, Error> {
        let stop = stop_or_length_name(resp.stop_reason.as_ref());
        Ok(text_chunks(&self.0.answer_text(resp), |piece, at| {
            CompletionAnswer::new(vec![Completion {
                text: piece.to_string(),
                stop_reason: at.last.then(|| stop.to_string()),
            }])
        }))
    }

    /// The text as it comes: a stream's events cannot tell reasoning from
    /// answer until the closer comes, so streamed text keeps both.
    fn chunk(&self, chunk: CompletionAnswer<D>, acc: &mut StreamAccumulator) -> Result<(), Error> {
        for item in chunk.items {
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
        Ok(())
    }
}
/// Splits text that carries reasoning ended by `closer` (R1's `</think>`,
/// with the blank lines around it) into the reasoning and the answer; text
/// without the marker is all answer.
///
/// ```text
/// "Plan it.\n</think>\n\nHello!" -> (Some("Plan it."), "Hello!")
/// ```
fn split_reasoning(text: String, closer: &str) -> (Option<crate::reasoning::Reasoning>, String) {
    match text.split_once(closer) {
        Some((thought, answer)) => (
            Some(crate::reasoning::Reasoning::text(
                thought.trim_end_matches('\n'),
                None,
            )),
            answer.trim_start_matches('\n').to_string(),
        ),
        None => (None, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::ModelFamily;

    struct Outputs;

    impl PromptDialect for Outputs {
        const NAME: &'static str = "outputs_dialect";
        const TITLE: &'static str = "Outputs";
        const LIST_KEY: &'static str = "outputs";
        type Request = serde_json::Value;
        fn request(&self, _: &PortableRequest, _: &ModelInfo) -> Result<Self::Request, Error> {
            Ok(serde_json::json!({}))
        }
        fn portable_request(
            &self,
            _: Self::Request,
            _: &ModelInfo,
        ) -> Result<PortableRequest, Error> {
            Ok(PortableRequest::default())
        }
    }

    #[test]
    fn the_list_is_read_under_its_key_and_other_members_are_read_past() {
        let chunk = br#"{"outputs":[{"text":"Hi","stop_reason":"length"}],"amazon-bedrock-invocationMetrics":{"inputTokenCount":3}}"#;
        let mut acc = StreamAccumulator::new();
        PromptCompletion(Outputs)
            .parse_chunk(chunk, &mut acc)
            .unwrap();
        let resp = acc.finish().unwrap();
        assert_eq!(resp.text, "Hi");
        assert_eq!(
            resp.stop_reason,
            Some(crate::portable::StopReason::MaxTokens)
        );
    }

    #[test]
    fn a_missing_or_empty_list_names_its_key() {
        let family = PromptCompletion(Outputs);
        let err = family.parse(br#"{"choices":[]}"#).unwrap_err().to_string();
        assert!(
            err.starts_with("outputs_dialect: cannot parse response"),
            "{err}"
        );
        assert!(err.contains("missing field `outputs`"), "{err}");
        let err = family.parse(br#"{"outputs":[]}"#).unwrap_err().to_string();
        assert_eq!(
            err,
            "outputs_dialect: cannot parse response: `outputs` is empty"
        );
    }

    #[test]
    fn answers_render_with_the_stop_reason_on_the_last_chunk() {
        let resp = PortableResponse {
            text: "Hello there, how are you today?".into(),
            stop_reason: Some(crate::portable::StopReason::MaxTokens),
            ..Default::default()
        };
        let model = crate::family::test_support::model("mistral.mistral-7b-instruct-v0:2");
        let ctx = RenderContext {
            model,
            response_id: "0",
            request: None,
        };
        let family = PromptCompletion(Outputs);
        let body = family.render_response(&resp, &ctx).unwrap();
        assert_eq!(
            body.to_string(),
            r#"{"outputs":[{"text":"Hello there, how are you today?","stop_reason":"length"}]}"#
        );
        let chunks = family.render_chunks(&resp, &ctx).unwrap();
        assert!(chunks.len() > 1);
        assert!(chunks[0]["outputs"][0]["stop_reason"].is_null());
        assert_eq!(
            chunks.last().unwrap()["outputs"][0]["stop_reason"],
            "length"
        );
    }
}
