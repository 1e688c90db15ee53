//! The facts of one model, as `fixtures/<family>/models.json` and
//! `fixtures/pending.json` carry them: what it produces, its limits, its
//! Converse features, its inference-profile rule and its lifecycle.

use crate::lifecycle::{Date, Lifecycle, LifecycleState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a model produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// Text (and tool calls).
    Text,
    /// Embedding vectors.
    Embedding,
    /// Images.
    Image,
    /// A ranking of documents against a query.
    Rerank,
}

/// Which Converse features a model supports, from AWS's "Supported models
/// and model features" table and the feature pages (reasoning, citations,
/// video and audio understanding).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConverseSupport {
    /// Converse works with the model at all.
    pub converse: bool,
    /// System prompts.
    pub system: bool,
    /// Tool use.
    pub tools: bool,
    /// Tool use in ConverseStream.
    pub streaming_tools: bool,
    /// Image content blocks.
    pub images: bool,
    /// Document content blocks.
    pub documents: bool,
    /// Video content blocks.
    #[serde(default)]
    pub video: bool,
    /// Audio content blocks.
    #[serde(default)]
    pub audio: bool,
    /// Citations in answers about documents.
    #[serde(default)]
    pub citations: bool,
    /// `searchResult` content blocks, cited when they ask for citations.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub search_results: bool,
    /// Web grounding: the `nova_grounding` system tool.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub web_grounding: bool,
    /// Reasoning (extended thinking) content.
    #[serde(default)]
    pub reasoning: bool,
}

/// How a model takes prompt caching's `cachePoint` blocks (AWS's "Prompt
/// caching for faster model inference" table).
///
/// ```
/// use bedrock_harness::PromptCacheRules;
///
/// let rules: PromptCacheRules = serde_json::from_str(r#"{"min_tokens": 1024, "one_hour": true}"#).unwrap();
/// assert!(rules.tools);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptCacheRules {
    /// The fewest tokens before a checkpoint for it to cache anything.
    pub min_tokens: u32,
    /// Whether the `1h` TTL is taken (`5m` always is).
    #[serde(default)]
    pub one_hour: bool,
    /// Whether `toolConfig.tools` may hold checkpoints.
    #[serde(default = "yes")]
    pub tools: bool,
}

fn yes() -> bool {
    true
}

/// The facts of one model, from its family's `models.json`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelInfo {
    /// The base model id.
    pub id: String,
    /// The model's product name.
    pub name: String,
    /// The family's name (filled in from the folder).
    #[serde(default)]
    pub family: String,
    /// What the model produces.
    pub output: Output,
    /// The most output tokens one call may ask for, where there is a limit.
    pub max_output_tokens: Option<u32>,
    /// InvokeModelWithResponseStream works with the model.
    pub streaming: bool,
    /// Converse feature support.
    pub converse: ConverseSupport,
    /// The length of the vectors an embedding model returns by default.
    pub embedding_dimensions: Option<u32>,
    /// The model can only be called through an inference profile, in every
    /// region not named in `profile_only_by_region`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub profile_only: bool,
    /// Regions where the profile rule differs from `profile_only`: Llama 3.1
    /// 8B needs a profile in `us-east-1` but not in `us-west-2`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub profile_only_by_region: BTreeMap<String, bool>,
    /// Legacy and end-of-life dates.
    #[serde(default, skip_serializing_if = "Lifecycle::is_empty")]
    pub lifecycle: Lifecycle,
    /// Where the facts come from: keys of `fixtures/sources.json` in
    /// brackets, with the facts they back.
    pub source: String,
    /// A JSON merge patch (RFC 7386) applied to the family's schema for this
    /// model: per-model limits such as a lower `maximum` for max tokens.
    pub schema_patch: Option<serde_json::Value>,
    /// How Bedrock words this model's refusals of a body that breaks its
    /// schema.
    #[serde(default, skip_serializing_if = "RefusalStyle::is_everit")]
    pub refusals: RefusalStyle,
    /// Claude's rules for this model's bodies (Anthropic models only).
    pub anthropic: Option<ClaudeRules>,
    /// Prompt caching: the fewest tokens a checkpoint must follow and the
    /// TTLs taken; `None` where no source gives them.
    pub prompt_cache: Option<PromptCacheRules>,
    /// The rules of a chat-completions model's bodies beyond its family's
    /// schema.
    pub chat: Option<ChatRules>,
    /// What one of Stability's image services takes and makes.
    pub image_service: Option<ImageService>,
    /// The model's answers show its reasoning only as `[REDACTED]`, though
    /// it counts the tokens (Nova 2 Lite).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reasoning_redacted: bool,
    /// The model always reasons before it answers (DeepSeek-R1).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reasons_by_default: bool,
    /// The APIs the bedrock-mantle endpoint serves the model on (AWS's
    /// "Endpoint availability by models"); empty for a model it does not
    /// serve. There the model goes by its [`mantle_id`](Self::mantle_id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mantle: Vec<MantleApi>,
    /// `mantle` for a model only bedrock-mantle serves: bedrock-runtime
    /// answers that its identifier is invalid, and the catalog keeps it
    /// apart ([`Catalog::mantle_only`](crate::Catalog::mantle_only)).
    #[serde(default, skip_serializing_if = "Endpoint::is_runtime")]
    pub endpoint: Endpoint,
    /// bedrock-mantle serves the model's OpenAI APIs under `/openai/v1`
    /// rather than `/v1` (GPT-5.x, Gemma 4, Grok: "the path prefix varies by
    /// model. Most models are served under /v1 … some are served under
    /// /openai/v1", AWS's Responses API page).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mantle_openai_root: bool,
}

/// An API of the bedrock-mantle endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MantleApi {
    /// OpenAI's Chat Completions, `POST /v1/chat/completions`.
    ChatCompletions,
    /// OpenAI's Responses, `POST /v1/responses`.
    Responses,
    /// Anthropic's Messages, `POST /anthropic/v1/messages`.
    Messages,
}

impl ModelInfo {
    /// The id bedrock-mantle knows the model by: the base id without its
    /// version suffix (`-1:0`, `-v1:0`; "no version suffix (-v1:0)", the
    /// Bifrost gateway's Mantle docs) and without a Claude model's date
    /// stamp (`anthropic.claude-haiku-4-5` in a public capture of Mantle's
    /// `GET /v1/models`, next to `openai.gpt-oss-120b`).
    ///
    /// ```
    /// use bedrock_harness::Catalog;
    ///
    /// let catalog = Catalog::embedded();
    /// let id = |model: &str| catalog.model(model).unwrap().mantle_id();
    /// assert_eq!(id("openai.gpt-oss-120b-1:0"), "openai.gpt-oss-120b");
    /// assert_eq!(id("anthropic.claude-haiku-4-5-20251001-v1:0"), "anthropic.claude-haiku-4-5");
    /// assert_eq!(id("anthropic.claude-opus-4-7"), "anthropic.claude-opus-4-7");
    /// ```
    pub fn mantle_id(&self) -> String {
        let id = self.id.as_str();
        let unversioned = match id.rsplit_once('-') {
            Some((head, tail))
                if tail.contains(':')
                    && tail
                        .trim_start_matches('v')
                        .split(':')
                        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) =>
            {
                head
            }
            _ => id,
        };
        match unversioned.rsplit_once('-') {
            Some((head, date)) if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) => {
                head.to_string()
            }
            _ => unversioned.to_string(),
        }
    }

    /// Whether bedrock-mantle serves the model on `api`.
    pub fn on_mantle(&self, api: MantleApi) -> bool {
        self.mantle.contains(&api)
    }
}

/// What one of Stability's image services takes and makes: its line's
/// `image_service` in `fixtures/stability_services/models.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageService {
    /// Its name in its refusals (`control-sketch`).
    pub slug: String,
    /// Every field it takes, in the order its refusals list them.
    pub fields: Vec<String>,
    /// The fields it requires (images and texts).
    pub required: Vec<String>,
    /// The images it reads, in the order of the portable turn, with their
    /// limits.
    pub images: Vec<(String, ImageLimits)>,
    /// The size of the image it answers.
    pub output: OutputSize,
}

/// The limits of an image service's input image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageLimits {
    /// Every side at least 64 pixels, at most 9,437,184 pixels, an aspect
    /// ratio between 1:2.5 and 2.5:1.
    Standard,
    /// Creative Upscale's: every side at least 64 pixels, 4,096 to
    /// 1,048,576 pixels.
    Small,
    /// Fast Upscale's: sides of 32 to 1,536 pixels, 1,024 to 1,048,576
    /// pixels.
    Tiny,
    /// A mask: any size (it is resized to the image).
    Mask,
}

/// The size of the image an image service answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputSize {
    /// The input's.
    Same,
    /// Four times the input's sides.
    FourTimes,
    /// The input's aspect at this many pixels.
    Pixels(u64),
    /// The input's grown by `left`, `right`, `up` and `down`.
    Outpainted,
    /// One megapixel in the body's `aspect_ratio` (1:1 by default).
    AspectRatio,
}

/// What one chat-completions model refuses beyond its family's schema,
/// with the source of each fact in the model's `source`.
///
/// ```
/// use bedrock_harness::Catalog;
///
/// let gpt = Catalog::embedded().model("openai.gpt-5.6-sol").unwrap();
/// let rules = gpt.chat.as_ref().unwrap();
/// assert!(rules.unsupported.iter().any(|f| f == "max_tokens"));
/// assert!(rules.reasoning_efforts.iter().any(|e| e == "xhigh"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatRules {
    /// Request fields the model refuses although the wire has them
    /// (`max_tokens` and `top_p` on OpenAI's GPT-5.6).
    #[serde(default)]
    pub unsupported: Vec<String>,
    /// The `reasoning_effort` values it takes; empty: those of the schema.
    #[serde(default)]
    pub reasoning_efforts: Vec<String>,
    /// The model reasons unless told not to (`reasoning_effort: "none"`),
    /// and its InvokeModel answer opens with that reasoning in
    /// `<reasoning>` tags, before the text (OpenAI's models).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reasoning_in_tags: bool,
}

/// How Bedrock words the refusal of a body that breaks a model's schema.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalStyle {
    /// Bedrock's own validator (the Java everit library): every violation,
    /// `Malformed input request: #/path: ..., please reformat your input
    /// and try again.`
    #[default]
    Everit,
    /// The provider's validator as Anthropic's API words it: the first
    /// violation, `path.to.field: Input should be ...` (Claude 4 and later).
    Anthropic,
}

impl RefusalStyle {
    /// Whether this is the default, Bedrock's own wording.
    pub fn is_everit(&self) -> bool {
        *self == RefusalStyle::Everit
    }
}

/// Which sampling parameters a Claude model takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sampling {
    /// `temperature`, `top_p` and `top_k`, in any combination.
    #[default]
    Any,
    /// `temperature` or `top_p`, not both (Sonnet 4.5, Haiku 4.5, ...).
    OneOf,
    /// None but their defaults (`temperature` 1; Opus 4.7 and later).
    DefaultOnly,
}

/// What one Claude model accepts beyond its family's schema, each rule
/// with the source of its facts in the model's `source`.
///
/// ```
/// use bedrock_harness::{Catalog, Sampling};
///
/// let opus = Catalog::embedded().model("anthropic.claude-opus-5").unwrap();
/// let rules = opus.anthropic.as_ref().unwrap();
/// assert!(rules.versions.iter().any(|v| v == "2026-10-21"));
/// assert_eq!(rules.sampling, Sampling::DefaultOnly);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaudeRules {
    /// The `anthropic_version` values the model accepts.
    #[serde(default = "ClaudeRules::bedrock_version")]
    pub versions: Vec<String>,
    /// The `thinking.type` values it accepts (`enabled`, `disabled`,
    /// `adaptive`, `between_tools`).
    #[serde(default)]
    pub thinking: Vec<String>,
    /// The `output_config.effort` values it accepts; empty when it takes
    /// no effort.
    #[serde(default)]
    pub effort: Vec<String>,
    /// Which sampling parameters it takes.
    #[serde(default)]
    pub sampling: Sampling,
    /// Whether it takes a forced `tool_choice` (`any` or `tool`).
    #[serde(default = "ClaudeRules::yes")]
    pub forced_tools: bool,
    /// Whether it takes system messages between turns (`role: "system"`
    /// in `messages`, Opus 4.8's mid-conversation system messages).
    #[serde(default)]
    pub system_messages: bool,
}

impl ClaudeRules {
    fn bedrock_version() -> Vec<String> {
        vec!["bedrock-2023-05-31".to_string()]
    }

    fn yes() -> bool {
        true
    }
}

impl ModelInfo {
    /// The model's lifecycle state on `day`.
    pub fn state(&self, day: Date) -> LifecycleState {
        self.lifecycle.state(day)
    }

    /// Whether a bare foundation-model id is refused in `region` for
    /// inference, so that the call needs an inference profile.
    ///
    /// ```
    /// use bedrock_harness::Catalog;
    ///
    /// let llama = Catalog::embedded().model("meta.llama3-1-8b-instruct-v1:0").unwrap();
    ///
    /// assert!(llama.requires_profile("us-east-1"));
    /// assert!(!llama.requires_profile("us-west-2"));
    /// ```
    pub fn requires_profile(&self, region: &str) -> bool {
        self.profile_only_by_region
            .get(region)
            .copied()
            .unwrap_or(self.profile_only)
    }

    /// Whether the model reasons before it answers when the request does
    /// not say: DeepSeek-R1, and OpenAI's models, whose InvokeModel answers
    /// carry the reasoning in `<reasoning>` tags.
    ///
    /// ```
    /// use bedrock_harness::Catalog;
    ///
    /// let catalog = Catalog::embedded();
    /// assert!(catalog.model("openai.gpt-oss-20b-1:0").unwrap().reasons_unasked());
    /// assert!(catalog.model("deepseek.r1-v1:0").unwrap().reasons_unasked());
    /// assert!(!catalog.model("qwen.qwen3-32b-v1:0").unwrap().reasons_unasked());
    /// ```
    pub fn reasons_unasked(&self) -> bool {
        self.reasons_by_default || self.chat.as_ref().is_some_and(|c| c.reasoning_in_tags)
    }
}

/// Which Bedrock endpoint serves a model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `bedrock-runtime`: InvokeModel, Converse and the other operations.
    #[default]
    Runtime,
    /// `bedrock-mantle` only (Responses, Chat Completions, Messages APIs);
    /// bedrock-runtime answers that the identifier is invalid.
    Mantle,
}

impl Endpoint {
    /// Whether this is bedrock-runtime.
    pub fn is_runtime(&self) -> bool {
        *self == Endpoint::Runtime
    }
}

/// A model Bedrock lists whose wire format no family of this crate speaks
/// yet, from `fixtures/pending.json`. The fake refuses it with a message
/// that names the missing wire format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PendingModel {
    /// The base model id.
    pub id: String,
    /// The model's product name.
    pub name: String,
    /// The model's provider.
    pub provider: String,
    /// The wire format its InvokeModel body takes, when it is on
    /// bedrock-runtime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wire: Option<String>,
    /// The endpoint that serves it.
    #[serde(default)]
    pub endpoint: Endpoint,
    /// Legacy and end-of-life dates.
    #[serde(default, skip_serializing_if = "Lifecycle::is_empty")]
    pub lifecycle: Lifecycle,
    /// Where the facts come from.
    pub source: String,
}
