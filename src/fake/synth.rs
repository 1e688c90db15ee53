//! Deterministic synthesis of an answer that honours the request: max
//! tokens, stop sequences, the tool calls the tool policy chooses (a forced
//! one always), embedding dimensions and normalisation, the number and size
//! of images. Same request, same answer.

use super::ids::stable_hash;
pub use super::schema_value::value_for;
use super::tool_policy::{self, ToolPolicy, ToolStep};
use crate::model_info::{ModelInfo, Output};
use crate::portable::{
    ContentBlock, ImageFormat, PortableRequest, PortableResponse, StopReason, ToolCall,
    ToolResultContent, ToolSpec, Usage,
};
use crate::ranking::Ranking;
use crate::reasoning::{Reasoning, Thinking};
use base64::Engine as _;
use serde_json::Value;

/// Vector length used when neither the request nor the catalog gives one.
const FALLBACK_DIMENSIONS: u32 = 1024;

/// Largest side of a synthesized image, in pixels: four times the largest
/// side Stability's Fast Upscale takes (1,536).
const MAX_IMAGE_SIDE: u32 = 6144;

/// Side of a synthesized image when the request gives none.
const DEFAULT_IMAGE_SIDE: u32 = 512;

/// Approximate tokens in `text`: one per four characters, at least one for
/// non-empty text. Used for every count the fake reports, so counts agree.
pub fn count_tokens(text: &str) -> u32 {
    let chars = text.chars().count() as u32;
    chars.div_ceil(4)
}

/// Tokens the request reads: system, every turn's text, tool definitions.
pub fn input_tokens(req: &PortableRequest) -> u32 {
    let mut total = req.system.as_deref().map_or(0, count_tokens);
    for m in &req.messages {
        total += count_tokens(&m.text());
    }
    for tool in &req.tools {
        total += count_tokens(&tool.name) + count_tokens(&tool.input_schema.to_string());
    }
    total.max(1)
}

/// The answer the fake gives when no recording fits, calling tools only
/// when the request forces one ([`ToolPolicy::Never`]).
pub fn synthesize(req: &PortableRequest, model: &ModelInfo) -> PortableResponse {
    synthesize_with(req, model, ToolPolicy::Never)
}

/// The answer the fake gives when no recording fits, its tool calls chosen
/// by `policy` (see [`ToolPolicy`]).
pub fn synthesize_with(
    req: &PortableRequest,
    model: &ModelInfo,
    policy: ToolPolicy,
) -> PortableResponse {
    let seed = stable_hash(&[
        model.id.as_bytes(),
        serde_json::to_string(req).unwrap_or_default().as_bytes(),
    ]);
    match model.output {
        Output::Text => text_answer(req, model, policy),
        Output::Embedding => embedding_answer(req, model, seed),
        Output::Image => image_answer(req, seed),
        Output::Rerank => rerank_answer(req),
    }
}

/// Whether the answer to `req` carries reasoning: the request turns
/// thinking on, or the model reasons unasked
/// ([`ModelInfo::reasons_unasked`]) and the request does not turn it off.
pub(crate) fn reasons(req: &PortableRequest, model: &ModelInfo) -> bool {
    req.thinks() || (model.reasons_unasked() && req.thinking != Some(Thinking::Disabled))
}

/// The reasoning of a request that turned thinking on: one readable block,
/// signed with a deterministic signature (base64, as Claude's are), so code
/// that reads thinking blocks and sends them back has one to handle.
fn reasoning(req: &PortableRequest, model: &ModelInfo) -> Thoughts {
    if !reasons(req, model) {
        return Thoughts::default();
    }
    let excerpt: String = req.last_user_text().chars().take(60).collect();
    let text = format!(
        "The user asks: \"{}\". {} answers with a synthesized, deterministic text.",
        excerpt.trim(),
        model.name
    );
    let tokens = count_tokens(&text);
    if model.reasoning_redacted {
        return Thoughts {
            blocks: vec![Reasoning::text(REDACTED, None)],
            tokens,
        };
    }
    let seed = stable_hash(&[model.id.as_bytes(), text.as_bytes()]);
    let signature = base64::engine::general_purpose::STANDARD.encode(super::ids::hex_id(seed));
    Thoughts {
        blocks: vec![Reasoning::text(text, Some(signature))],
        tokens,
    }
}

/// What a model that redacts its reasoning shows of it (Nova 2 Lite).
const REDACTED: &str = "[REDACTED]";

/// The reasoning of an answer and the tokens it took, which a model that
/// redacts it still counts.
#[derive(Debug, Default)]
struct Thoughts {
    blocks: Vec<Reasoning>,
    tokens: u32,
}

fn text_answer(req: &PortableRequest, model: &ModelInfo, policy: ToolPolicy) -> PortableResponse {
    let input_tokens = input_tokens(req);
    let reasoning = reasoning(req, model);
    let mut text = match tool_policy::step(req, policy) {
        ToolStep::Call(tools) => return tool_calls(req, &tools, reasoning, input_tokens),
        _ if req.output_schema.is_some() => structured_text(req),
        ToolStep::UseResults => results_text(req),
        ToolStep::Text => {
            let excerpt: String = req.last_user_text().chars().take(60).collect();
            format!(
                "This is a synthesized answer from {} to \"{}\". It is deterministic: the same request \
                 always gets the same text, so tests that snapshot it stay stable. The harness counts \
                 one token for every four characters.",
                model.name,
                excerpt.trim()
            )
        }
    };
    let mut stop = StopReason::EndTurn;
    if let Some((at, _)) = req
        .params
        .stop_sequences
        .iter()
        .filter(|s| !s.is_empty())
        .filter_map(|s| text.find(s.as_str()).map(|at| (at, s)))
        .min_by_key(|(at, _)| *at)
    {
        text.truncate(at);
        stop = StopReason::StopSequence;
    }
    // Thinking counts against the limit, as Claude's `max_tokens` does.
    let limit = req
        .params
        .max_tokens
        .or(model.max_output_tokens)
        .map(|limit| limit.saturating_sub(reasoning.tokens));
    if let Some(limit) = limit {
        if count_tokens(&text) > limit {
            text = text.chars().take(limit as usize * 4).collect();
            stop = StopReason::MaxTokens;
        }
    }
    PortableResponse {
        usage: Some(Usage {
            input_tokens,
            output_tokens: count_tokens(&text) + reasoning.tokens,
        }),
        reasoning: reasoning.blocks,
        text,
        stop_reason: Some(stop),
        ..Default::default()
    }
}

/// An answer that calls `tools`, each with an input its schema takes (the
/// handler gives the calls this call's ids).
fn tool_calls(
    req: &PortableRequest,
    tools: &[&ToolSpec],
    reasoning: Thoughts,
    input_tokens: u32,
) -> PortableResponse {
    let topic = req.last_user_text();
    let calls: Vec<ToolCall> = tools
        .iter()
        .enumerate()
        .map(|(i, tool)| {
            let input = value_for(&tool.input_schema, &topic);
            let id_seed = stable_hash(&[tool.name.as_bytes(), input.to_string().as_bytes()]);
            ToolCall {
                id: format!("tooluse_{}", &super::ids::hex_id(id_seed ^ i as u64)[..22]),
                name: tool.name.clone(),
                input,
            }
        })
        .collect();
    let output_tokens = calls
        .iter()
        .map(|c| count_tokens(&c.input.to_string()) + count_tokens(&c.name))
        .sum::<u32>()
        + reasoning.tokens;
    PortableResponse {
        reasoning: reasoning.blocks,
        tool_calls: calls,
        stop_reason: Some(StopReason::ToolUse),
        usage: Some(Usage {
            input_tokens,
            output_tokens,
        }),
        ..Default::default()
    }
}

/// The text of a structured-output answer: JSON its schema accepts, its
/// words drawn from the prompt.
fn structured_text(req: &PortableRequest) -> String {
    let schema = req.output_schema.as_ref().map(|o| &o.schema);
    let value = schema.map_or(Value::Null, |s| value_for(s, &req.last_user_text()));
    value.to_string()
}

/// The text of an answer to tool results: what they returned, quoted.
fn results_text(req: &PortableRequest) -> String {
    let results: Vec<String> = req
        .messages
        .last()
        .into_iter()
        .flat_map(|m| &m.content)
        .filter_map(|b| match b {
            ContentBlock::ToolResult { content, .. } => Some(
                content
                    .iter()
                    .map(ToolResultContent::to_text)
                    .collect::<String>(),
            ),
            _ => None,
        })
        .collect();
    let quoted: String = results.join("; ").chars().take(300).collect();
    format!("Based on the tool results: {quoted}")
}

fn embedding_answer(req: &PortableRequest, model: &ModelInfo, seed: u64) -> PortableResponse {
    let dims = req
        .embedding
        .dimensions
        .or(model.embedding_dimensions)
        .unwrap_or(FALLBACK_DIMENSIONS) as usize;
    let normalize = req.embedding.normalize.unwrap_or(true);
    let inputs = req.user_texts();
    let embeddings = inputs
        .iter()
        .zip(req.vectors_per_input())
        .enumerate()
        .flat_map(|(i, (text, count))| {
            (0..count).map(move |part| {
                // The first vector of an input keeps the key of a single one.
                let mut key = i.to_be_bytes().to_vec();
                if part > 0 {
                    key.extend(part.to_be_bytes());
                }
                vector(
                    stable_hash(&[&seed.to_be_bytes(), text.as_bytes(), &key]),
                    dims,
                    normalize,
                )
            })
        })
        .collect();
    let input_tokens = inputs.iter().map(|t| count_tokens(t)).sum::<u32>().max(1);
    PortableResponse {
        embeddings,
        usage: Some(Usage {
            input_tokens,
            output_tokens: 0,
        }),
        ..Default::default()
    }
}

/// A pseudo-random vector in [-1, 1], unit length when `normalize`.
/// The documents ranked by the share of the query's words each holds (ties
/// by order), best first: plausible and deterministic. Scores stay within
/// (0, 1), a document sharing no word with the query scoring lowest.
fn rerank_answer(req: &PortableRequest) -> PortableResponse {
    let words = |text: &str| -> std::collections::BTreeSet<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let query = words(&req.last_user_text());
    let mut rankings: Vec<Ranking> = req
        .rerank
        .documents
        .iter()
        .enumerate()
        .map(|(index, doc)| {
            let shared = words(doc).intersection(&query).count();
            let share = shared as f32 / query.len().max(1) as f32;
            Ranking {
                index: index as u32,
                relevance_score: 0.001 + 0.998 * f64::from(share),
            }
        })
        .collect();
    rankings.sort_by(|a, b| b.relevance_score.total_cmp(&a.relevance_score));
    if let Some(n) = req.rerank.top_n {
        rankings.truncate(n as usize);
    }
    PortableResponse {
        rankings,
        usage: Some(Usage {
            input_tokens: input_tokens(req)
                + req
                    .rerank
                    .documents
                    .iter()
                    .map(|d| count_tokens(d))
                    .sum::<u32>(),
            output_tokens: 0,
        }),
        ..Default::default()
    }
}

pub(crate) fn vector(mut state: u64, dims: usize, normalize: bool) -> Vec<f32> {
    let mut v: Vec<f32> = (0..dims)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect();
    if normalize {
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|x| *x /= norm);
        }
    }
    v
}

fn image_answer(req: &PortableRequest, seed: u64) -> PortableResponse {
    let count = req.image.count.unwrap_or(1).max(1);
    let side = |asked: Option<u32>| asked.unwrap_or(DEFAULT_IMAGE_SIDE).clamp(1, MAX_IMAGE_SIDE);
    let (mut width, mut height) = (side(req.image.width), side(req.image.height));
    if u64::from(width) * u64::from(height) > crate::pictures::MAX_PIXELS {
        (width, height) =
            crate::pictures::scaled_to_pixels(width, height, crate::pictures::MAX_PIXELS);
    }
    let format = req.image.format.unwrap_or(ImageFormat::Png);
    let images = (0..count)
        .map(|i| {
            let colour = stable_hash(&[&seed.to_be_bytes(), &i.to_be_bytes()]).to_be_bytes();
            base64::engine::general_purpose::STANDARD.encode(crate::pictures::solid(
                format,
                width,
                height,
                [colour[0], colour[1], colour[2]],
            ))
        })
        .collect();
    PortableResponse {
        images,
        ..Default::default()
    }
}

/// A solid-colour RGB PNG.
///
/// ```
/// let png = bedrock_harness::fake::synth::png(2, 2, [255, 0, 0]);
/// assert_eq!(bedrock_harness::image_size(&png), Some((2, 2)));
/// ```
pub fn png(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    crate::pictures::png(width, height, rgb)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::portable::{ToolChoice, ToolSpec};
    use serde_json::json;

    fn model(id: &str) -> &'static ModelInfo {
        Catalog::embedded().model(id).unwrap()
    }

    #[test]
    fn a_small_limit_stops_at_max_tokens() {
        let resp = synthesize(
            &PortableRequest::prompt("Hi").max_tokens(5),
            model("amazon.titan-text-express-v1"),
        );
        assert_eq!(resp.stop_reason, Some(StopReason::MaxTokens));
        assert_eq!(resp.usage.unwrap().output_tokens, 5);
        assert_eq!(count_tokens(&resp.text), 5);
    }

    #[test]
    fn a_stop_sequence_cuts_the_text() {
        let resp = synthesize(
            &PortableRequest::prompt("Hi").stop_sequence("deterministic"),
            model("amazon.titan-text-express-v1"),
        );
        assert_eq!(resp.stop_reason, Some(StopReason::StopSequence));
        assert!(resp.text.ends_with("It is "), "{}", resp.text);
    }

    #[test]
    fn a_forced_tool_gets_an_input_its_schema_takes() {
        let req = PortableRequest::prompt("Weather?")
            .tool(ToolSpec::new("get_weather", json!({"type": "object", "required": ["city", "days"],
                    "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}, "unit": {"enum": ["c", "f"]}}})))
            .tool_choice(ToolChoice::Tool("get_weather".into()));
        let resp = synthesize(&req, model("anthropic.claude-3-haiku-20240307-v1:0"));
        assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
        assert_eq!(
            resp.tool_calls[0].input,
            json!({"city": "Paris", "days": 1, "unit": "c"})
        );
    }

    #[test]
    fn embeddings_honour_dimensions_normalisation_and_inputs() {
        let mut req = PortableRequest::prompt("one").message(crate::portable::Message::user("two"));
        req.embedding.dimensions = Some(256);
        let resp = synthesize(&req, model("amazon.titan-embed-text-v2:0"));
        assert_eq!(resp.embeddings.len(), 2);
        assert_eq!(resp.embeddings[0].len(), 256);
        let norm: f32 = resp.embeddings[0].iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4);
        assert_ne!(resp.embeddings[0], resp.embeddings[1]);
    }

    #[test]
    fn images_are_decodable_pngs_of_the_requested_size() {
        let mut req = PortableRequest::prompt("A lighthouse");
        req.image.count = Some(2);
        req.image.width = Some(64);
        req.image.height = Some(32);
        let resp = synthesize(&req, model("amazon.titan-image-generator-v2:0"));
        assert_eq!(resp.images.len(), 2);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&resp.images[0])
            .unwrap();
        let decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
        let info = decoder.read_info().unwrap();
        assert_eq!((info.info().width, info.info().height), (64, 32));
    }

    #[test]
    fn the_same_request_gets_the_same_answer() {
        let req = PortableRequest::prompt("Same?");
        let m = model("amazon.titan-text-express-v1");
        assert_eq!(synthesize(&req, m), synthesize(&req, m));
    }
}
