//! Prompt caching in Converse: the `cachePoint` blocks of a body's `tools`,
//! `system` and `messages` (processed in that order) mark prefixes the
//! fake remembers for their TTL (`5m` unless `1h`), per model. A later call
//! whose prefix up to a checkpoint is remembered reads those tokens from
//! the cache; the tokens after the last remembered checkpoint, up to the
//! last checkpoint, are written. `inputTokens` then counts only the rest,
//! as AWS's "Prompt caching for faster model inference" page says (total
//! input = `inputTokens` + `cacheReadInputTokens` +
//! `cacheWriteInputTokens`), and `cacheDetails` splits the writes by TTL,
//! `1h` first (the service model's `TokenUsage`).
//!
//! A checkpoint before the model's minimum of tokens is ignored, as the
//! page says ("your inference will still succeed, but your prefix will not
//! be cached"). The refusals, in Bedrock's words as public reports quote
//! them:
//! - a model without prompt caching: `AccessDeniedException` `You invoked
//!   an unsupported model, or your request did not allow prompt caching.
//!   See the documentation for more information.` (posit-dev/positron
//!   #12142, strands-agents #1807);
//! - more than four checkpoints: `A maximum of 4 blocks with cache_control
//!   may be provided. Found 5.` (Bike4Mind #2208, as a ValidationException);
//! - a `1h` checkpoint after a `5m` one (Claude): `... a ttl='1h'
//!   cache_control block must not come after a ttl='5m' cache_control
//!   block. ...` (Portkey-AI/gateway #1762);
//! - `1h` where the model has no such TTL: `Extended TTL prompt caching is
//!   only supported for Anthropic models` (Nova, timothy-agent #756), or
//!   Claude's `Extra inputs are not permitted` (earendil-works/pi #1570);
//! - a checkpoint in Nova's tools: its schema's `extraneous key
//!   [cachePoint]` (LibreChat #13838);
//! - a checkpoint right after a reasoning block: `Cache point cannot be
//!   inserted after reasoning block. Please remove the invalid cache point
//!   and try again.` (anomalyco/opencode #36517).
//!
//! The native paths in Claude's refusals (`messages.3.content.0`) are the
//! Converse positions mapped to the native body's (the block before the
//! checkpoint), inferred.

use super::errors::BedrockError;
use super::ids::stable_hash;
use super::synth::count_tokens;
use crate::model_info::ModelInfo;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The most checkpoints one request may hold.
pub const MAX_CHECKPOINTS: usize = 4;

/// The most prefixes the fake remembers at once (expired ones are dropped
/// first; past this, the oldest).
pub const MAX_REMEMBERED: usize = 10_000;

/// Bedrock's refusal of a cache point on a model without prompt caching.
pub const UNSUPPORTED: &str = "You invoked an unsupported model, or your request did not allow prompt caching. See the documentation for more information.";

/// Bedrock's refusal of a cache point after a reasoning block.
pub const AFTER_REASONING: &str =
    "Cache point cannot be inserted after reasoning block. Please remove the invalid cache point and try again.";

/// One checkpoint of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The tokens before it, counted over tools, system and messages.
    pub tokens: u32,
    /// `5m` or `1h`.
    pub ttl: &'static str,
    /// The prefix's identity (model and content).
    pub prefix: u64,
    /// Where the native body puts it (`messages.3.content.0`).
    pub native_path: String,
    /// Where it stands in Converse's sections (`tools`, `system`,
    /// `messages`) and at which index there.
    section: &'static str,
    index: usize,
}

impl Checkpoint {
    fn lifetime(&self) -> Duration {
        match self.ttl {
            "1h" => Duration::from_secs(3600),
            _ => Duration::from_secs(300),
        }
    }
}

/// What a call read from and wrote to the cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheUsage {
    /// Tokens read from the cache.
    pub read: u32,
    /// Tokens written to it.
    pub written: u32,
    /// The writes by TTL, `1h` first.
    pub details: Vec<(&'static str, u32)>,
    /// The request's tokens as the checkpoints' walk counts them: the
    /// input is at least this.
    pub covered: u32,
}

impl CacheUsage {
    /// Rewrites a Claude answer's `usage` (InvokeModel's body, or a
    /// stream's `message_start` message): `input_tokens` without the
    /// cached tokens, and `cache_creation_input_tokens` and
    /// `cache_read_input_tokens`, as Claude's API reports them.
    pub fn apply_claude(&self, usage: &mut Value) {
        let input = usage["input_tokens"].as_u64().unwrap_or(0) as u32;
        let total_input = input.max(self.covered);
        usage["input_tokens"] = json!(total_input - self.read - self.written);
        usage["cache_creation_input_tokens"] = json!(self.written);
        usage["cache_read_input_tokens"] = json!(self.read);
    }

    /// Rewrites a Converse `usage` object: `inputTokens` without the
    /// cached tokens, and the cache fields.
    pub fn apply(&self, usage: &mut Value) {
        let input = usage["inputTokens"].as_u64().unwrap_or(0) as u32;
        let output = usage["outputTokens"].as_u64().unwrap_or(0) as u32;
        let total_input = input.max(self.covered);
        let uncached = total_input - self.read - self.written;
        usage["inputTokens"] = json!(uncached);
        usage["cacheReadInputTokens"] = json!(self.read);
        usage["cacheWriteInputTokens"] = json!(self.written);
        usage["totalTokens"] = json!(total_input + output);
        if !self.details.is_empty() {
            let details: Vec<Value> = self
                .details
                .iter()
                .map(|(ttl, tokens)| json!({"ttl": ttl, "inputTokens": tokens}))
                .collect();
            usage["cacheDetails"] = Value::Array(details);
        }
    }
}

/// The checkpoints of a Converse body for `model`, in processing order
/// (tools, system, messages), or the refusal of a body whose checkpoints
/// the model does not take. `Ok(None)`: the body has none.
pub fn checkpoints(body: &Value, model: &ModelInfo) -> Result<Option<Checkpoints>, BedrockError> {
    let mut walk = Walk::new(model);
    walk.section(list(body.pointer("/toolConfig/tools")), "tools", "tools");
    walk.section(list(body.get("system")), "system", "system");
    for (m, message) in list(body.get("messages")).iter().enumerate() {
        // A checkpoint follows a block of its own message.
        walk.after_reasoning = false;
        let path = format!("messages.{m}.content");
        walk.section(list(message.get("content")), "messages", &path);
    }
    walk.finish(model)
}

/// The checkpoints of a Claude InvokeModel body: each block (a tool, a
/// system block, a message's content block) with a `cache_control` ends a
/// cached prefix, in the order `tools`, `system`, `messages`; refused as
/// [`checkpoints`] refuses Converse's. `Ok(None)`: the body has none.
pub fn claude_checkpoints(
    body: &Value,
    model: &ModelInfo,
) -> Result<Option<Checkpoints>, BedrockError> {
    let mut walk = Walk::new(model);
    walk.marked(list(body.get("tools")), "tools", "tools");
    match body.get("system") {
        Some(Value::String(text)) => walk.count(&json!({ "text": text })),
        system => walk.marked(list(system), "system", "system"),
    }
    for (m, message) in list(body.get("messages")).iter().enumerate() {
        match message.get("content") {
            Some(Value::String(text)) => walk.count(&json!({ "text": text })),
            content => walk.marked(list(content), "messages", &format!("messages.{m}.content")),
        }
    }
    walk.finish(model)
}

/// A request's checkpoints, and the tokens of all its blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoints {
    /// In processing order.
    pub points: Vec<Checkpoint>,
    /// Every block's tokens, as the walk counts them.
    pub total_tokens: u32,
}

fn list(value: Option<&Value>) -> &[Value] {
    value
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The walk through a body's blocks: the tokens and prefix so far, and
/// each checkpoint with whether it follows a reasoning block.
struct Walk {
    found: Vec<(bool, Checkpoint)>,
    tokens: u32,
    prefix: u64,
    after_reasoning: bool,
}

impl Walk {
    /// A walk from the start of `model`'s prompt.
    fn new(model: &ModelInfo) -> Self {
        Walk {
            found: Vec::new(),
            tokens: 0,
            prefix: stable_hash(&[model.id.as_bytes()]),
            after_reasoning: false,
        }
    }

    /// The checkpoints found, checked against what the model takes;
    /// `Ok(None)` when there are none.
    fn finish(self, model: &ModelInfo) -> Result<Option<Checkpoints>, BedrockError> {
        if self.found.is_empty() {
            return Ok(None);
        }
        check(&self.found, model)?;
        Ok(Some(Checkpoints {
            total_tokens: self.tokens,
            points: self.found.into_iter().map(|(_, c)| c).collect(),
        }))
    }

    /// Counts one block into the prefix.
    fn count(&mut self, block: &Value) {
        let text = block.to_string();
        self.tokens += match block.get("text").and_then(Value::as_str) {
            Some(words) => count_tokens(words),
            None => count_tokens(&text),
        };
        self.prefix = stable_hash(&[&self.prefix.to_be_bytes(), text.as_bytes()]);
    }

    /// A checkpoint here, its TTL from `point` (`5m` unless `1h`).
    fn mark(&mut self, point: &Value, native_path: String, section: &'static str, index: usize) {
        let ttl = match point.get("ttl").and_then(Value::as_str) {
            Some("1h") => "1h",
            _ => "5m",
        };
        let checkpoint = Checkpoint {
            tokens: self.tokens,
            ttl,
            prefix: self.prefix,
            native_path,
            section,
            index,
        };
        self.found.push((self.after_reasoning, checkpoint));
    }

    /// Native blocks: a block with `cache_control` ends a checkpoint after
    /// itself (`path.N`).
    fn marked(&mut self, blocks: &[Value], section: &'static str, path: &str) {
        for (index, block) in blocks.iter().enumerate() {
            let mut content = block.clone();
            let control = content
                .as_object_mut()
                .and_then(|b| b.remove("cache_control"));
            self.count(&content);
            if let Some(control) = control {
                self.mark(&control, format!("{path}.{index}"), section, index);
            }
        }
    }

    /// The blocks of one section; a checkpoint's native path is that of
    /// the block before it (`path.N`).
    fn section(&mut self, blocks: &[Value], section: &'static str, path: &str) {
        let mut native = 0usize;
        for (index, block) in blocks.iter().enumerate() {
            if let Some(point) = block.get("cachePoint") {
                let native_path = format!("{path}.{}", native.saturating_sub(1));
                self.mark(point, native_path, section, index);
                continue;
            }
            native += 1;
            self.after_reasoning = block.get("reasoningContent").is_some();
            self.count(block);
        }
    }
}

fn check(found: &[(bool, Checkpoint)], model: &ModelInfo) -> Result<(), BedrockError> {
    let anthropic = model.family == "anthropic";
    let Some(rules) = &model.prompt_cache else {
        return match anthropic || model.family == "nova" {
            // No source gives this model's minimum: accepted, not cached.
            true => Ok(()),
            false => Err(BedrockError::new("AccessDeniedException", UNSUPPORTED)),
        };
    };
    if found.len() > MAX_CHECKPOINTS {
        return Err(BedrockError::validation(format!(
            "A maximum of {MAX_CHECKPOINTS} blocks with cache_control may be provided. Found {}.",
            found.len()
        )));
    }
    if found.iter().any(|(after_reasoning, _)| *after_reasoning) {
        return Err(BedrockError::validation(AFTER_REASONING));
    }
    if let Some((_, tool_point)) = found
        .iter()
        .find(|(_, c)| c.section == "tools" && !rules.tools)
    {
        return Err(BedrockError::validation(format!(
            "Malformed input request: #/toolConfig/tools/{}: extraneous key [cachePoint] is not permitted, please reformat your input and try again.",
            tool_point.index
        )));
    }
    let errors = |path: &str, why: &str| {
        BedrockError::validation(format!(
            "The model returned the following errors: {path}.cache_control.ttl: {why}"
        ))
    };
    if let Some((_, long)) = found.iter().find(|(_, c)| c.ttl == "1h" && !rules.one_hour) {
        return Err(match anthropic {
            true => errors(&long.native_path, "Extra inputs are not permitted"),
            false => BedrockError::validation(
                "Extended TTL prompt caching is only supported for Anthropic models",
            ),
        });
    }
    let first_short = found.iter().position(|(_, c)| c.ttl == "5m");
    let late_long = found
        .iter()
        .enumerate()
        .find(|(i, (_, c))| c.ttl == "1h" && first_short.is_some_and(|s| s < *i));
    if let Some((_, (_, late))) = late_long {
        return Err(errors(
            &late.native_path,
            "a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: `tools`, `system`, `messages`.",
        ));
    }
    Ok(())
}

/// The prefixes the fake remembers, with when each is forgotten.
#[derive(Debug, Default)]
pub struct PromptCache {
    remembered: HashMap<u64, Instant>,
}

impl PromptCache {
    /// Reads and writes the cache for a request's checkpoints at `now`,
    /// with `min_tokens` the model's minimum per checkpoint.
    pub fn account(&mut self, request: &Checkpoints, min_tokens: u32, now: Instant) -> CacheUsage {
        let usable: Vec<&Checkpoint> = request
            .points
            .iter()
            .filter(|c| c.tokens >= min_tokens)
            .collect();
        let mut usage = CacheUsage {
            covered: request.total_tokens,
            ..Default::default()
        };
        let hit = usable.iter().rposition(|c| {
            self.remembered
                .get(&c.prefix)
                .is_some_and(|until| *until > now)
        });
        let mut before = 0;
        if let Some(hit) = hit {
            let point = usable[hit];
            usage.read = point.tokens;
            before = point.tokens;
            self.remembered.insert(point.prefix, now + point.lifetime());
        }
        let mut by_ttl: Vec<(&'static str, u32)> = Vec::new();
        for point in usable.iter().skip(hit.map_or(0, |h| h + 1)) {
            let tokens = point.tokens.saturating_sub(before);
            before = point.tokens;
            match by_ttl.iter_mut().find(|(ttl, _)| *ttl == point.ttl) {
                Some((_, sum)) => *sum += tokens,
                None => by_ttl.push((point.ttl, tokens)),
            }
            usage.written += tokens;
            self.remember(point.prefix, now + point.lifetime(), now);
        }
        by_ttl.retain(|(_, tokens)| *tokens > 0);
        by_ttl.sort_by_key(|(ttl, _)| *ttl != "1h");
        usage.details = by_ttl;
        usage
    }

    fn remember(&mut self, prefix: u64, until: Instant, now: Instant) {
        if self.remembered.len() >= MAX_REMEMBERED {
            self.remembered.retain(|_, until| *until > now);
        }
        if self.remembered.len() >= MAX_REMEMBERED {
            if let Some(oldest) = self
                .remembered
                .iter()
                .min_by_key(|(_, until)| **until)
                .map(|(k, _)| *k)
            {
                self.remembered.remove(&oldest);
            }
        }
        self.remembered.insert(prefix, until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(points: &[Checkpoint]) -> Checkpoints {
        Checkpoints {
            total_tokens: points.iter().map(|c| c.tokens).max().unwrap_or(0) + 10,
            points: points.to_vec(),
        }
    }

    fn point(tokens: u32, ttl: &'static str, prefix: u64) -> Checkpoint {
        Checkpoint {
            tokens,
            ttl,
            prefix,
            native_path: String::new(),
            section: "messages",
            index: 0,
        }
    }

    #[test]
    fn a_prefix_is_written_once_then_read_until_it_expires() {
        let mut cache = PromptCache::default();
        let now = Instant::now();
        let points = request(&[point(1500, "5m", 1)]);
        let first = cache.account(&points, 1024, now);
        assert_eq!((first.read, first.written), (0, 1500));
        assert_eq!(first.details, [("5m", 1500)]);
        let again = cache.account(&points, 1024, now + Duration::from_secs(60));
        assert_eq!((again.read, again.written), (1500, 0));
        let later = cache.account(&points, 1024, now + Duration::from_secs(1000));
        assert_eq!(
            (later.read, later.written),
            (0, 1500),
            "5 minutes after its last use"
        );
    }

    #[test]
    fn a_longer_conversation_reads_the_old_prefix_and_writes_the_rest() {
        let mut cache = PromptCache::default();
        let now = Instant::now();
        cache.account(&request(&[point(2000, "1h", 7)]), 1024, now);
        let grown = cache.account(
            &request(&[point(2000, "1h", 7), point(2600, "5m", 8)]),
            1024,
            now,
        );
        assert_eq!((grown.read, grown.written), (2000, 600));
        assert_eq!(grown.details, [("5m", 600)]);
        let short = cache.account(&request(&[point(900, "5m", 9)]), 1024, now);
        assert_eq!((short.read, short.written), (0, 0), "below the minimum");
    }

    #[test]
    fn usage_counts_only_uncached_input() {
        let usage = CacheUsage {
            read: 2000,
            written: 600,
            details: vec![("5m", 600)],
            covered: 2600,
        };
        let mut wire = json!({"inputTokens": 2610, "outputTokens": 5, "totalTokens": 2615});
        usage.apply(&mut wire);
        assert_eq!(
            wire,
            json!({"inputTokens": 10, "outputTokens": 5, "totalTokens": 2615,
                   "cacheReadInputTokens": 2000, "cacheWriteInputTokens": 600,
                   "cacheDetails": [{"ttl": "5m", "inputTokens": 600}]})
        );
    }
}
