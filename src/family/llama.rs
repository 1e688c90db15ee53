//! Meta Llama: legacy Llama 2 chat (`meta.llama2-13b-chat-v1`,
//! `-70b-chat-v1`), Llama 3 (`meta.llama3-8b|70b-instruct-v1:0`), 3.1
//! (`meta.llama3-1-8b|70b|405b-instruct-v1:0`), 3.2
//! (`meta.llama3-2-1b|3b|11b|90b-instruct-v1:0`), 3.3
//! (`meta.llama3-3-70b-instruct-v1:0`) and Llama 4
//! (`meta.llama4-scout|maverick-17b-instruct-v1:0`).
//!
//! The body is one `prompt` rendered with the generation's chat template
//! (see [`LlamaTemplate`]), plus `temperature`, `top_p`, `max_gen_len` and,
//! for the vision models (3.2 11B/90B and Llama 4), base64 `images`. Shapes
//! from the AWS user guide page "Meta Llama models"; templates from Meta's
//! model cards and tokenizer chat templates.

use super::codec::Codec;
use super::model_family::{text_pieces, RenderContext};
use super::prompt_template::{
    messages_from_turns, parse_inst, refuse_tools, render_inst, stop_or_length,
    stop_or_length_name, text_conversation, TextTurn, LLAMA2_INST,
};
use super::refusals::{refuse_stop_sequences_over, refuse_top_k};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::model_info::ModelInfo;
use crate::portable::{
    InferenceParams, PortableRequest, PortableResponse, Role, StopReason, StreamEvent, Usage,
};
use serde::{Deserialize, Serialize};

const NAME: &str = "llama";

/// Where an image goes in the prompt of the vision models.
pub const IMAGE_MARKER: &str = "<|image|>";

/// The Meta Llama family.
#[derive(Debug, Clone, Copy, Default)]
pub struct Llama;

/// Llama's InvokeModel request body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlamaRequest {
    /// The conversation rendered with the model's chat template.
    pub prompt: String,
    /// 0–1, default 0.5.
    pub temperature: Option<f32>,
    /// 0–1, default 0.9.
    pub top_p: Option<f32>,
    /// The most tokens to generate; default 512.
    pub max_gen_len: Option<u32>,
    /// Base64 images, vision models only; each is an `<|image|>` in the prompt.
    pub images: Option<Vec<String>>,
}

/// Llama's InvokeModel response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LlamaResponse {
    /// The generated text.
    pub generation: String,
    /// Tokens in the prompt.
    pub prompt_token_count: Option<u32>,
    /// Tokens generated.
    pub generation_token_count: Option<u32>,
    /// `stop` or `length`.
    pub stop_reason: Option<String>,
}

/// One chunk of Llama's response stream: the response's shape, with the
/// counts and stop reason null until they are known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LlamaChunk {
    /// The text of this chunk.
    pub generation: Option<String>,
    /// Tokens in the prompt, on the first chunk.
    pub prompt_token_count: Option<u32>,
    /// Tokens generated so far.
    pub generation_token_count: Option<u32>,
    /// Why generation stopped, on the last chunk.
    pub stop_reason: Option<String>,
}

/// The chat template of one Llama generation, chosen from the model id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LlamaTemplate {
    /// Llama 2 chat: `<s>[INST] <<SYS>>\n...\n<</SYS>>\n\n... [/INST]`.
    Llama2,
    /// Llama 3.x: `<|begin_of_text|><|start_header_id|>...<|end_header_id|>\n\n...<|eot_id|>`.
    Llama3,
    /// Llama 4: `<|begin_of_text|><|header_start|>...<|header_end|>\n\n...<|eot|>`.
    Llama4,
}

impl LlamaTemplate {
    /// The template of model `id`, `None` for an id of no known generation.
    pub fn for_model(id: &str) -> Option<Self> {
        let rest = id.strip_prefix("meta.llama")?;
        match rest.chars().next()? {
            '2' => Some(LlamaTemplate::Llama2),
            '3' => Some(LlamaTemplate::Llama3),
            '4' => Some(LlamaTemplate::Llama4),
            _ => None,
        }
    }

    /// Renders the system prompt and turns; a conversation ending with a
    /// user turn ends with the assistant's opening, one ending with an
    /// assistant turn leaves it open for the model to continue.
    fn render(self, system: Option<&str>, turns: &[TextTurn]) -> Result<String, Error> {
        match self {
            LlamaTemplate::Llama2 => template::llama2(system, turns),
            LlamaTemplate::Llama3 => Ok(template::headers(&template::LLAMA3, system, turns)),
            LlamaTemplate::Llama4 => Ok(template::headers(&template::LLAMA4, system, turns)),
        }
    }
}

/// Whether model `id` takes `images`: Llama 3.2 11B and 90B, and Llama 4.
fn takes_images(id: &str) -> bool {
    id.starts_with("meta.llama3-2-11b")
        || id.starts_with("meta.llama3-2-90b")
        || id.starts_with("meta.llama4-")
}

/// Reads a prompt back into the system prompt and turns, whatever the
/// model: by the template whose markers it has (Llama 3 headers, Llama 4
/// headers, Llama 2 `[INST]`), one user turn when it has none.
fn read_prompt(prompt: &str) -> (Option<String>, Vec<TextTurn>) {
    if prompt.contains(template::LLAMA3.header_start) {
        template::parse_headers(&template::LLAMA3, prompt)
    } else if prompt.contains(template::LLAMA4.header_start) {
        template::parse_headers(&template::LLAMA4, prompt)
    } else if let Some(turns) = parse_inst(prompt, LLAMA2_INST) {
        template::unfold_llama2_system(turns)
    } else {
        (
            None,
            vec![TextTurn {
                role: Role::User,
                text: prompt.to_string(),
            }],
        )
    }
}

mod template {
    use super::{render_inst, Error, Role, TextTurn, LLAMA2_INST, NAME};

    const SYS_OPEN: &str = "<<SYS>>";
    const SYS_CLOSE: &str = "<</SYS>>";

    /// Llama 2: the system prompt is folded into the first user turn.
    pub(super) fn llama2(system: Option<&str>, turns: &[TextTurn]) -> Result<String, Error> {
        let mut turns = turns.to_vec();
        if let (Some(system), Some(first)) = (system, turns.first_mut()) {
            first.text = format!("{SYS_OPEN}\n{system}\n{SYS_CLOSE}\n\n{}", first.text);
        }
        render_inst(NAME, &turns, LLAMA2_INST)
    }

    /// Takes the `<<SYS>>` block out of the first user turn of a Llama 2
    /// conversation: the inverse of the folding in [`llama2`].
    pub(super) fn unfold_llama2_system(
        mut turns: Vec<TextTurn>,
    ) -> (Option<String>, Vec<TextTurn>) {
        let Some(first) = turns.first_mut() else {
            return (None, turns);
        };
        let Some(rest) = first.text.strip_prefix(SYS_OPEN) else {
            return (None, turns);
        };
        let Some(end) = rest.find(SYS_CLOSE) else {
            return (None, turns);
        };
        let system = &rest[..end];
        let system = system.strip_prefix('\n').unwrap_or(system);
        let system = system.strip_suffix('\n').unwrap_or(system).to_string();
        let text = &rest[end + SYS_CLOSE.len()..];
        first.text = text.strip_prefix("\n\n").unwrap_or(text).to_string();
        (Some(system), turns)
    }

    /// The special tokens of a header-style template.
    pub(super) struct HeaderTokens {
        pub begin: &'static str,
        pub header_start: &'static str,
        pub header_end: &'static str,
        pub end_of_turn: &'static str,
    }

    /// Llama 3, 3.1, 3.2 and 3.3.
    pub(super) const LLAMA3: HeaderTokens = HeaderTokens {
        begin: "<|begin_of_text|>",
        header_start: "<|start_header_id|>",
        header_end: "<|end_header_id|>",
        end_of_turn: "<|eot_id|>",
    };

    /// Llama 4.
    pub(super) const LLAMA4: HeaderTokens = HeaderTokens {
        begin: "<|begin_of_text|>",
        header_start: "<|header_start|>",
        header_end: "<|header_end|>",
        end_of_turn: "<|eot|>",
    };

    /// `{begin}` then one `{header_start}role{header_end}\n\ntext{end_of_turn}`
    /// per turn (the system prompt first), then the assistant's header.
    pub(super) fn headers(
        tokens: &HeaderTokens,
        system: Option<&str>,
        turns: &[TextTurn],
    ) -> String {
        // One allocation of about the right size, and no `format!` per
        // header: template rendering is most of a Llama build.
        let text_len: usize =
            turns.iter().map(|t| t.text.len()).sum::<usize>() + system.map_or(0, str::len);
        let mut prompt = String::with_capacity(text_len + 64 * (turns.len() + 2));
        let header = |prompt: &mut String, role: &str| {
            prompt.push_str(tokens.header_start);
            prompt.push_str(role);
            prompt.push_str(tokens.header_end);
            prompt.push_str("\n\n");
        };
        prompt.push_str(tokens.begin);
        if let Some(system) = system {
            header(&mut prompt, "system");
            prompt.push_str(system);
            prompt.push_str(tokens.end_of_turn);
        }
        for (i, turn) in turns.iter().enumerate() {
            let role = match turn.role {
                Role::User => "user",
                Role::Assistant => "assistant",
                // Refused before the body is built (`Codec::SYSTEM_TURNS`).
                Role::System => "system",
            };
            header(&mut prompt, role);
            prompt.push_str(&turn.text);
            let open = i + 1 == turns.len() && turn.role == Role::Assistant;
            if !open {
                prompt.push_str(tokens.end_of_turn);
            }
        }
        if turns.last().map(|t| t.role) != Some(Role::Assistant) {
            header(&mut prompt, "assistant");
        }
        prompt
    }

    /// Reads a header-style prompt back: the inverse of [`headers`].
    ///
    /// A `system` turn becomes the system prompt (several are joined by a
    /// blank line); `assistant` turns are the assistant's; any other role
    /// (`user`, `ipython`, `tool`) is a user turn. A final assistant header
    /// with no text and no end of turn is the request for the answer, not a
    /// turn. Text before the first header is a user turn.
    pub(super) fn parse_headers(
        tokens: &HeaderTokens,
        prompt: &str,
    ) -> (Option<String>, Vec<TextTurn>) {
        let body = prompt.strip_prefix(tokens.begin).unwrap_or(prompt);
        let mut segments = body.split(tokens.header_start);
        let head = segments.next().unwrap_or_default();
        let segments: Vec<&str> = segments.collect();
        let mut system: Option<String> = None;
        let mut turns = Vec::new();
        if !head.is_empty() {
            turns.push(TextTurn {
                role: Role::User,
                text: head.to_string(),
            });
        }
        for (i, segment) in segments.iter().enumerate() {
            let (role, rest) = segment
                .split_once(tokens.header_end)
                .unwrap_or(("user", segment));
            let rest = rest.strip_prefix("\n\n").unwrap_or(rest);
            let (text, closed) = match rest.find(tokens.end_of_turn) {
                Some(at) => (&rest[..at], true),
                None => (rest, false),
            };
            let role = match role.trim() {
                "system" => {
                    match &mut system {
                        Some(s) => {
                            s.push_str("\n\n");
                            s.push_str(text);
                        }
                        None => system = Some(text.to_string()),
                    }
                    continue;
                }
                "assistant" if i + 1 == segments.len() && !closed && text.is_empty() => continue,
                "assistant" => Role::Assistant,
                _ => Role::User,
            };
            turns.push(TextTurn {
                role,
                text: text.to_string(),
            });
        }
        (system, turns)
    }
}

impl Codec for Llama {
    const NAME: &'static str = NAME;
    const TITLE: &'static str = "Meta Llama";
    type Request = LlamaRequest;
    type Response = LlamaResponse;
    type Chunk = LlamaChunk;

    /// The typed request, rendering the conversation with the
    /// template of `model`'s generation.
    fn request(&self, req: &PortableRequest, model: &ModelInfo) -> Result<LlamaRequest, Error> {
        refuse_tools(NAME, req)?;
        refuse_top_k(NAME, &req.params)?;
        refuse_stop_sequences_over(NAME, &req.params, 0)?;
        let template = LlamaTemplate::for_model(&model.id).ok_or_else(|| {
            Error::unsupported(NAME, format!("model {} (no known chat template)", model.id))
        })?;
        let marker = takes_images(&model.id).then_some(IMAGE_MARKER);
        let conversation = text_conversation(NAME, req, marker)?;
        let p = &req.params;
        Ok(LlamaRequest {
            prompt: template.render(req.system.as_deref(), &conversation.turns)?,
            temperature: p.temperature,
            top_p: p.top_p,
            max_gen_len: p.max_tokens,
            images: (!conversation.images.is_empty()).then_some(conversation.images),
        })
    }

    fn portable(&self, resp: LlamaResponse) -> Result<PortableResponse, Error> {
        let usage = match (resp.prompt_token_count, resp.generation_token_count) {
            (None, None) => None,
            (input, output) => Some(Usage {
                input_tokens: input.unwrap_or(0),
                output_tokens: output.unwrap_or(0),
            }),
        };
        Ok(PortableResponse {
            text: resp.generation,
            stop_reason: resp.stop_reason.as_deref().map(stop_reason),
            usage,
            ..Default::default()
        })
    }

    /// The prompt is read by the template its markers show (not the
    /// model's): a Llama 3 prompt sent to a Llama 4 model reads the same.
    /// Images are told PNG, JPEG, GIF or WebP by their first bytes.
    fn portable_request(&self, req: LlamaRequest, _: &ModelInfo) -> Result<PortableRequest, Error> {
        let (system, turns) = read_prompt(&req.prompt);
        let images = req.images.unwrap_or_default();
        Ok(PortableRequest {
            system,
            messages: messages_from_turns(NAME, turns, Some(IMAGE_MARKER), &images)?,
            params: InferenceParams {
                max_tokens: req.max_gen_len,
                temperature: req.temperature,
                top_p: req.top_p,
                top_k: None,
                stop_sequences: Vec::new(),
            },
            ..Default::default()
        })
    }

    fn native(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<LlamaResponse, Error> {
        let usage = resp.usage.unwrap_or_default();
        Ok(LlamaResponse {
            generation: resp.text.clone(),
            prompt_token_count: Some(usage.input_tokens),
            generation_token_count: Some(usage.output_tokens),
            stop_reason: Some(stop_or_length_name(resp.stop_reason.as_ref()).to_string()),
        })
    }

    /// Every chunk has the response's four fields: the prompt count on the
    /// first only, the generated count so far on each (spread evenly over
    /// the pieces, exact on the last), the stop reason on the last.
    fn native_chunks(
        &self,
        resp: &PortableResponse,
        _: &RenderContext<'_>,
    ) -> Result<Vec<LlamaChunk>, Error> {
        let usage = resp.usage.unwrap_or_default();
        let pieces = text_pieces(&resp.text);
        let count = pieces.len() as u64;
        Ok(pieces
            .iter()
            .enumerate()
            .map(|(i, piece)| {
                let last = i as u64 + 1 == count;
                let so_far = u64::from(usage.output_tokens) * (i as u64 + 1) / count;
                LlamaChunk {
                    generation: Some(piece.to_string()),
                    prompt_token_count: (i == 0).then_some(usage.input_tokens),
                    generation_token_count: Some(so_far as u32),
                    stop_reason: last
                        .then(|| stop_or_length_name(resp.stop_reason.as_ref()).to_string()),
                }
            })
            .collect())
    }

    fn chunk(&self, chunk: LlamaChunk, acc: &mut StreamAccumulator) -> Result<(), Error> {
        if let Some(text) = chunk.generation.filter(|t| !t.is_empty()) {
            acc.push(StreamEvent::TextDelta { index: 0, text });
        }
        if chunk.prompt_token_count.is_some() || chunk.generation_token_count.is_some() {
            acc.push(StreamEvent::Usage(Usage {
                input_tokens: chunk.prompt_token_count.unwrap_or(0),
                output_tokens: chunk.generation_token_count.unwrap_or(0),
            }));
        }
        if let Some(reason) = chunk.stop_reason {
            acc.push(StreamEvent::Stop(stop_reason(&reason)));
        }
        Ok(())
    }
}

/// Maps Llama's stop reason (`stop`, `length`).
pub(crate) fn stop_reason(reason: &str) -> StopReason {
    stop_or_length(reason)
}

#[cfg(test)]
mod tests;
