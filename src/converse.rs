//! The Converse API on the wire (JSON), translated to and from the portable
//! forms. The fake runs Converse the way Bedrock does: Converse request →
//! portable request → the family's native body → native response →
//! portable response → Converse response.

use crate::media::{AwsMedia, MediaKind, MediaSource};
use crate::model_info::ModelInfo;
use crate::portable::{
    ContentBlock, ImageFormat, InferenceParams, Message, PortableRequest, PortableResponse, Role,
    StopReason, ToolChoice, ToolResultContent, ToolSpec,
};
use crate::reasoning::{Effort, Reasoning, Thinking};
use base64::Engine as _;
use serde_json::{json, Map, Value};

/// A Converse request Bedrock refuses, with Bedrock's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConverseRefusal(pub String);

fn refuse<T>(message: impl Into<String>) -> Result<T, ConverseRefusal> {
    Err(ConverseRefusal(message.into()))
}

/// Bedrock's message for a Converse feature the model does not support.
pub mod messages {
    /// A system prompt sent to a model without system prompts.
    pub const NO_SYSTEM: &str = "This model doesn't support system messages. Try again without a system message or use a model that supports system messages.";
    /// Tools sent to a model without tool use.
    pub const NO_TOOLS: &str = "This model doesn't support tool use.";
    /// Tools sent to ConverseStream for a model without streaming tool use.
    pub const NO_STREAMING_TOOLS: &str = "This model doesn't support tool use in streaming mode.";
    /// A reasoning signature sent back to a model whose reasoning has none
    /// (quoted for gpt-oss in strands-agents/sdk-python#682 and
    /// laravel/ai#785).
    pub const NO_SIGNATURE: &str = "This model doesn't support the reasoningContent.reasoningText.signature field. Remove reasoningContent.reasoningText.signature and try again.";
    /// Images sent to a model without vision, as Bedrock answers it
    /// (quoted whole in aws-samples' Converse troubleshooting table and in
    /// public logs of Converse calls to text-only models).
    pub const NO_IMAGES: &str = "This model doesn't support the image content block that you provided. Update the content block and try again.";
    /// Documents sent to a model without document chat: public quotes stop
    /// after "that you provided."; the end is the image text's.
    pub const NO_DOCUMENTS: &str = "This model doesn't support the document content block that you provided. Update the content block and try again.";
    /// Video sent to a model that does not watch it: the image text's
    /// pattern, inferred (no source quotes it).
    pub const NO_VIDEO: &str = "This model doesn't support the video content block that you provided. Update the content block and try again.";
    /// Audio sent to a model that does not hear it: the same pattern,
    /// inferred.
    pub const NO_AUDIO: &str = "This model doesn't support the audio content block that you provided. Update the content block and try again.";
    /// A model that does not work with Converse at all.
    pub const NO_CONVERSE: &str = "This action doesn't support the model that you provided. Try again with a supported text or chat model.";
}

/// Reads a Converse request body into the portable request, refusing what
/// `model` does not support (per `models.json`'s Converse features).
///
/// # Example
///
/// ```
/// use bedrock_harness::converse::to_portable;
/// use bedrock_harness::Catalog;
/// use serde_json::json;
///
/// let titan = Catalog::embedded().model("amazon.titan-text-express-v1").unwrap();
/// let body = json!({
///     "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
///     "inferenceConfig": {"maxTokens": 20}
/// });
/// let req = to_portable(&body, titan, false).unwrap();
/// assert_eq!(req.params.max_tokens, Some(20));
///
/// let with_system = json!({"messages": body["messages"], "system": [{"text": "Be brief."}]});
/// let refusal = to_portable(&with_system, titan, false).unwrap_err();
/// assert!(refusal.0.starts_with("This model doesn't support system messages."));
/// ```
pub fn to_portable(
    body: &Value,
    model: &ModelInfo,
    streaming: bool,
) -> Result<PortableRequest, ConverseRefusal> {
    let Some(obj) = body.as_object() else {
        return refuse("bedrock-harness: the request body must be a JSON object.");
    };
    let operation = match streaming {
        true => "ConverseStream",
        false => "Converse",
    };
    crate::service_model::ServiceModel::embedded()
        .validate(operation, body)
        .map_err(|violations| ConverseRefusal(violations.to_string()))?;
    let features = model.converse;
    if !features.converse {
        return refuse(messages::NO_CONVERSE);
    }
    let mut req = PortableRequest::default();

    let mut system_texts = Vec::new();
    for block in array(obj, "system")? {
        if let Some(text) = block.get("text").and_then(Value::as_str) {
            system_texts.push(text.to_string());
        }
    }
    if !system_texts.is_empty() {
        if !features.system {
            return refuse(messages::NO_SYSTEM);
        }
        req.system = Some(system_texts.join("\n"));
    }

    for (i, m) in array(obj, "messages")?.iter().enumerate() {
        req.messages.push(message(m, i, model)?);
    }
    if req.messages.is_empty() {
        return refuse("A conversation must start with a user message. Try again with a conversation that starts with a user message.");
    }

    if let Some(cfg) = obj.get("inferenceConfig") {
        req.params = inference(cfg)?;
    }

    if let Some(tool_config) = obj.get("toolConfig") {
        if !features.tools {
            return refuse(messages::NO_TOOLS);
        }
        if streaming && !features.streaming_tools {
            return refuse(messages::NO_STREAMING_TOOLS);
        }
        let (tools, choice) = tools(tool_config)?;
        let removed = removed_tools(array(obj, "messages")?)?;
        req.tools = tools
            .into_iter()
            .filter(|t| !removed.contains(&t.name))
            .collect();
        req.tool_choice = choice;
    } else if req.has_tool_blocks() {
        return refuse("The toolConfig field must be defined when using toolUse and toolResult content blocks.");
    }

    if takes_reasoning(model) {
        reasoning_settings(obj, model, &mut req)?;
    }
    if let Some(format) = obj.get("outputConfig").and_then(|c| c.get("textFormat")) {
        req.output_schema = Some(text_format(format)?);
    }
    // `additionalModelRequestFields` (top_k, ...) go into the native body
    // as sent: the fake merges them there, where the model's schema checks
    // them.
    Ok(req)
}

/// `outputConfig.textFormat`: `{"type": "json_schema", "structure":
/// {"jsonSchema": {"schema": "<JSON text>", "name", "description"}}}` (the
/// service model). The refusal of a schema that is not JSON is the fake's
/// own words: no source quotes Bedrock's.
fn text_format(format: &Value) -> Result<crate::OutputSchema, ConverseRefusal> {
    let definition = format.pointer("/structure/jsonSchema");
    let text = definition
        .and_then(|d| d.get("schema"))
        .and_then(Value::as_str);
    let (Some(definition), Some(text)) = (definition, text) else {
        return refuse(
            "bedrock-harness: outputConfig.textFormat needs structure.jsonSchema.schema, a JSON schema as a string.",
        );
    };
    let schema: Value = serde_json::from_str(text).map_err(|e| {
        ConverseRefusal(format!(
            "bedrock-harness: the JSON schema in outputConfig.textFormat is not valid JSON: {e}"
        ))
    })?;
    let string = |key: &str| {
        definition
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    Ok(crate::OutputSchema {
        name: string("name"),
        description: string("description"),
        schema,
    })
}

/// Whether the model reasons and its family's native body carries it
/// (Claude); other models' reasoning blocks and settings are left out, as
/// their bodies have no place for them.
fn takes_reasoning(model: &ModelInfo) -> bool {
    model.converse.reasoning
        && crate::family::family_by_name(&model.family).is_some_and(|f| f.takes_reasoning())
}

/// A reasoning model's thinking setting, from `additionalModelRequestFields`
/// (`{"thinking": {"type": "adaptive"}}`, as Claude takes it), and its
/// effort, from `outputConfig.effort`.
fn reasoning_settings(
    obj: &Map<String, Value>,
    model: &ModelInfo,
    req: &mut PortableRequest,
) -> Result<(), ConverseRefusal> {
    if let Some(thinking) = obj
        .get("additionalModelRequestFields")
        .and_then(|f| f.get("thinking"))
    {
        let budget = thinking.get("budget_tokens").and_then(Value::as_u64);
        req.thinking = Some(match (thinking.get("type").and_then(Value::as_str), budget) {
            (Some("enabled"), Some(n)) => Thinking::Enabled {
                budget_tokens: n.min(u32::MAX as u64) as u32,
            },
            (Some("enabled"), None) => {
                return refuse(
                    "The model returned the following errors: thinking.enabled.budget_tokens: Field required",
                )
            }
            (Some("disabled"), _) => Thinking::Disabled,
            (Some("adaptive"), _) => Thinking::Adaptive,
            (Some("between_tools"), _) => Thinking::BetweenTools,
            (found, _) => {
                let known = ["enabled", "disabled", "adaptive", "between_tools"].map(String::from);
                let expected = model.anthropic.as_ref().map_or(&known[..], |r| &r.thinking[..]);
                return refuse(format!(
                    "The model returned the following errors: {}",
                    crate::schema::tag_mismatch("thinking", found.unwrap_or("null"), expected)
                ));
            }
        });
    }
    // Nova 2's form: `{"reasoningConfig": {"type": "enabled",
    // "maxReasoningEffort": "low"}}`, as its user guide sends it.
    if let Some(config) = obj
        .get("additionalModelRequestFields")
        .and_then(|f| f.get("reasoningConfig"))
    {
        req.thinking = Some(match config.get("type").and_then(Value::as_str) {
            Some("disabled") => Thinking::Disabled,
            _ => Thinking::Adaptive,
        });
        req.effort = config
            .get("maxReasoningEffort")
            .and_then(Value::as_str)
            .and_then(Effort::from_name);
    }
    if let Some(effort) = obj.get("outputConfig").and_then(|c| c.get("effort")) {
        let name = effort.as_str().unwrap_or_default();
        req.effort = Some(Effort::from_name(name).ok_or_else(|| {
            ConverseRefusal(format!(
                "1 validation error detected: Value '{name}' at 'outputConfig.effort' failed to satisfy constraint: Member must satisfy enum value set: [low, medium, high, xhigh, max]"
            ))
        })?);
    }
    Ok(())
}

/// A `reasoningContent` block: readable text with its signature, or
/// redacted content (base64 bytes on the JSON wire).
fn reasoning_block(r: &Value) -> Result<Reasoning, ConverseRefusal> {
    if let Some(text) = r.get("reasoningText") {
        return Ok(Reasoning::text(
            str_field(text, "text"),
            text.get("signature")
                .and_then(Value::as_str)
                .map(str::to_string),
        ));
    }
    let data = r
        .get("redactedContent")
        .and_then(Value::as_str)
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| {
            ConverseRefusal(
                "The reasoningContent block must carry reasoningText or base64 redactedContent."
                    .into(),
            )
        })?;
    Ok(Reasoning::Redacted { data })
}

/// A reasoning block as Converse writes it.
fn reasoning_json(r: &Reasoning) -> Value {
    match r {
        Reasoning::Text { text, signature } => {
            let mut block = json!({"text": text});
            if let Some(s) = signature {
                block["signature"] = json!(s);
            }
            json!({"reasoningContent": {"reasoningText": block}})
        }
        Reasoning::Redacted { data } => json!({"reasoningContent": {
            "redactedContent": base64::engine::general_purpose::STANDARD.encode(data)
        }}),
    }
}

fn array<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], ConverseRefusal> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => refuse(format!("1 validation error detected: Value at '{key}' failed to satisfy constraint: Member must be a list")),
    }
}

fn message(m: &Value, i: usize, model: &ModelInfo) -> Result<Message, ConverseRefusal> {
    // The service model has checked the role against its enum.
    let role = match m.get("role").and_then(Value::as_str) {
        Some("assistant") => Role::Assistant,
        Some("system") => Role::System,
        _ => Role::User,
    };
    let Some(blocks) = m.get("content").and_then(Value::as_array) else {
        return refuse(format!("1 validation error detected: Value at 'messages.{}.member.content' failed to satisfy constraint: Member must not be null", i + 1));
    };
    let mut content = Vec::new();
    for b in blocks {
        if let Some(block) = content_block(b, model)? {
            content.push(block);
        }
    }
    Ok(Message { role, content })
}

fn content_block(b: &Value, model: &ModelInfo) -> Result<Option<ContentBlock>, ConverseRefusal> {
    if let Some(text) = b.get("text").and_then(Value::as_str) {
        return Ok(Some(ContentBlock::Text(text.to_string())));
    }
    if let Some(image) = b.get("image") {
        if !model.converse.images {
            return refuse(messages::NO_IMAGES);
        }
        let format = image
            .get("format")
            .and_then(Value::as_str)
            .and_then(ImageFormat::from_name)
            .ok_or_else(|| {
                ConverseRefusal(
                    "bedrock-harness: the image format must be one of png, jpeg, gif or webp."
                        .into(),
                )
            })?;
        // An image in S3 is named, not read: the model's family takes it
        // (Nova) or refuses it.
        if let Some(uri) = image
            .pointer("/source/s3Location/uri")
            .and_then(Value::as_str)
        {
            let owner = image
                .pointer("/source/s3Location/bucketOwner")
                .and_then(Value::as_str)
                .map(str::to_string);
            let source = MediaSource::S3 {
                uri: uri.to_string(),
                bucket_owner: owner,
            };
            let media = crate::Media::new(MediaKind::Image, format.as_str(), source);
            return Ok(Some(ContentBlock::Media(media)));
        }
        let data = image
            .pointer("/source/bytes")
            .and_then(Value::as_str)
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .ok_or_else(|| {
                ConverseRefusal(
                    "bedrock-harness: the image source must carry base64 bytes or an s3Location."
                        .into(),
                )
            })?;
        return Ok(Some(ContentBlock::Image { format, data }));
    }
    for (key, kind, takes, refusal) in [
        (
            "video",
            MediaKind::Video,
            model.converse.video,
            messages::NO_VIDEO,
        ),
        (
            "audio",
            MediaKind::Audio,
            model.converse.audio,
            messages::NO_AUDIO,
        ),
    ] {
        let Some(block) = b.get(key) else { continue };
        if !takes {
            return refuse(refusal);
        }
        // The fake's own words: the service model's checks of these
        // blocks are not quoted anywhere.
        let media = serde_json::from_value::<AwsMedia>(block.clone())
            .map_err(|e| e.to_string())
            .and_then(|m| m.portable(kind))
            .map_err(|e| {
                ConverseRefusal(format!(
                    "bedrock-harness: the {key} block is malformed: {e}"
                ))
            })?;
        return Ok(Some(ContentBlock::Media(media)));
    }
    if let Some(doc) = b.get("document") {
        if !model.converse.documents {
            return refuse(messages::NO_DOCUMENTS);
        }
        let name = doc
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("document");
        let text = doc
            .pointer("/source/text")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("[document {name}]"));
        return Ok(Some(ContentBlock::Text(text)));
    }
    if let Some(result) = b.get("searchResult") {
        // The model reads a search result's text.
        let texts: Vec<&str> = result
            .get("content")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| c.get("text").and_then(Value::as_str))
            .collect();
        return Ok(Some(ContentBlock::Text(texts.join("\n"))));
    }
    if let Some(tool) = b.get("toolUse") {
        return Ok(Some(ContentBlock::tool_use(
            str_field(tool, "toolUseId"),
            str_field(tool, "name"),
            tool.get("input").cloned().unwrap_or_else(|| json!({})),
        )));
    }
    if let Some(result) = b.get("toolResult") {
        let content = result
            .get("content")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|c| {
                        if let Some(t) = c.get("text").and_then(Value::as_str) {
                            Some(ToolResultContent::Text(t.to_string()))
                        } else {
                            c.get("json").cloned().map(ToolResultContent::Json)
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        return Ok(Some(ContentBlock::ToolResult {
            tool_use_id: str_field(result, "toolUseId"),
            content,
            is_error: result.get("status").and_then(Value::as_str) == Some("error"),
        }));
    }
    if let Some(r) = b.get("reasoningContent") {
        // The chat-completions models' reasoning carries no signature, and
        // one sent back is refused (Bedrock's words, quoted for gpt-oss in
        // strands-agents/sdk-python#682 and laravel/ai#785; pi-mono: "Other
        // models (OpenAI, Qwen, Minimax, Moonshot, etc.) reject it"); their
        // bodies have no place for the reasoning itself.
        if model.family == "openai_chat" {
            return match r.pointer("/reasoningText/signature") {
                Some(_) => refuse(messages::NO_SIGNATURE),
                None => Ok(None),
            };
        }
        if takes_reasoning(model) {
            return Ok(Some(ContentBlock::Reasoning(reasoning_block(r)?)));
        }
    }
    // cachePoint, guardContent, a reasoningContent block for a model without
    // reasoning and the like carry nothing the native bodies take.
    Ok(None)
}

fn str_field(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn inference(cfg: &Value) -> Result<InferenceParams, ConverseRefusal> {
    let number = |key: &str| cfg.get(key).and_then(Value::as_f64);
    let max_tokens = match cfg.get("maxTokens") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 => Some(n.min(u32::MAX as u64) as u32),
            _ => return refuse(format!("1 validation error detected: Value '{v}' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1")),
        },
    };
    for key in ["temperature", "topP"] {
        if let Some(x) = number(key) {
            if !(0.0..=1.0).contains(&x) {
                return refuse(format!("1 validation error detected: Value '{x}' at 'inferenceConfig.{key}' failed to satisfy constraint: Member must have value less than or equal to 1"));
            }
        }
    }
    Ok(InferenceParams {
        max_tokens,
        temperature: number("temperature").map(|x| x as f32),
        top_p: number("topP").map(|x| x as f32),
        top_k: None,
        stop_sequences: cfg
            .get("stopSequences")
            .and_then(Value::as_array)
            .map(|s| {
                s.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// The tools the conversation's `toolRemoval` blocks have taken out of the
/// available set and no later `toolAddition` has put back, in message
/// order (AWS's `ToolRemovalBlock` and `ToolAdditionBlock`: "Use within a
/// system role message"); such a block in another role is refused in the
/// fake's words, as no source gives Bedrock's.
fn removed_tools(messages: &[Value]) -> Result<Vec<String>, ConverseRefusal> {
    let mut removed: Vec<String> = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let system = m.get("role").and_then(Value::as_str) == Some("system");
        for block in m
            .get("content")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (change, adds) = match (block.get("toolAddition"), block.get("toolRemoval")) {
                (Some(change), _) => (change, true),
                (_, Some(change)) => (change, false),
                _ => continue,
            };
            if !system {
                return refuse(format!(
                    "bedrock-harness: messages.{}: toolAddition and toolRemoval blocks belong in a system-role message",
                    i + 1
                ));
            }
            let name = change
                .pointer("/tool/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            removed.retain(|r| *r != name);
            if !adds {
                removed.push(name);
            }
        }
    }
    Ok(removed)
}

fn tools(cfg: &Value) -> Result<(Vec<ToolSpec>, Option<ToolChoice>), ConverseRefusal> {
    let mut specs = Vec::new();
    for tool in cfg
        .get("tools")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        if let Some(spec) = tool.get("toolSpec") {
            specs.push(ToolSpec {
                name: str_field(spec, "name"),
                description: spec
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                input_schema: spec
                    .pointer("/inputSchema/json")
                    .cloned()
                    .unwrap_or_else(|| json!({"type": "object"})),
            });
        }
    }
    // A list of only system tools (web grounding) or cache points has no
    // specs; an empty list the service model has refused already.
    let choice = match cfg.get("toolChoice") {
        None | Some(Value::Null) => None,
        Some(c) if c.get("auto").is_some() => Some(ToolChoice::Auto),
        Some(c) if c.get("any").is_some() => Some(ToolChoice::Any),
        Some(c) => match c.pointer("/tool/name").and_then(Value::as_str) {
            Some(name) => Some(ToolChoice::Tool(name.to_string())),
            None => {
                return refuse(
                    "bedrock-harness: the toolChoice field must be one of auto, any or tool.",
                )
            }
        },
    };
    Ok((specs, choice))
}

/// The Converse response body for a portable response.
///
/// ```
/// use bedrock_harness::converse::response_body;
/// use bedrock_harness::{PortableResponse, StopReason, Usage};
///
/// let resp = PortableResponse {
///     text: "Hi".into(),
///     stop_reason: Some(StopReason::EndTurn),
///     usage: Some(Usage { input_tokens: 3, output_tokens: 1 }),
///     ..Default::default()
/// };
/// let body = response_body(&resp, 120);
/// assert_eq!(body["output"]["message"]["content"][0]["text"], "Hi");
/// assert_eq!(body["usage"]["totalTokens"], 4);
/// assert_eq!(body["metrics"]["latencyMs"], 120);
/// ```
pub fn response_body(resp: &PortableResponse, latency_ms: u64) -> Value {
    let usage = resp.usage.unwrap_or_default();
    json!({
        "output": {"message": {"role": "assistant", "content": output_blocks(resp)}},
        "stopReason": resp.stop_reason.as_ref().unwrap_or(&StopReason::EndTurn).converse_name(),
        "usage": {
            "inputTokens": usage.input_tokens,
            "outputTokens": usage.output_tokens,
            "totalTokens": usage.input_tokens + usage.output_tokens,
        },
        "metrics": {"latencyMs": latency_ms},
    })
}

fn output_blocks(resp: &PortableResponse) -> Vec<Value> {
    let mut blocks: Vec<Value> = resp.reasoning.iter().map(reasoning_json).collect();
    if !resp.text.is_empty() || resp.tool_calls.is_empty() {
        blocks.push(json!({"text": resp.text}));
    }
    for call in &resp.tool_calls {
        blocks.push(
            json!({"toolUse": {"toolUseId": call.id, "name": call.name, "input": call.input}}),
        );
    }
    blocks
}

/// The ConverseStream events for a portable response, as `(event type,
/// payload)` pairs in order: messageStart, content blocks, messageStop,
/// metadata.
pub fn stream_events(resp: &PortableResponse, latency_ms: u64) -> Vec<(&'static str, Value)> {
    let usage = resp.usage.unwrap_or_default();
    let mut events = vec![("messageStart", json!({"role": "assistant"}))];
    let mut index = 0;
    for r in &resp.reasoning {
        let deltas: Vec<Value> = match r {
            Reasoning::Text { text, signature } => crate::family::text_pieces(text)
                .into_iter()
                .map(|piece| json!({"text": piece}))
                .chain(signature.iter().map(|s| json!({"signature": s})))
                .collect(),
            Reasoning::Redacted { .. } => vec![reasoning_json(r)["reasoningContent"].clone()],
        };
        for delta in deltas {
            events.push((
                "contentBlockDelta",
                json!({"contentBlockIndex": index, "delta": {"reasoningContent": delta}}),
            ));
        }
        events.push(("contentBlockStop", json!({"contentBlockIndex": index})));
        index += 1;
    }
    if !resp.text.is_empty() || resp.tool_calls.is_empty() {
        for piece in crate::family::text_pieces(&resp.text) {
            events.push((
                "contentBlockDelta",
                json!({"contentBlockIndex": index, "delta": {"text": piece}}),
            ));
        }
        events.push(("contentBlockStop", json!({"contentBlockIndex": index})));
        index += 1;
    }
    for call in &resp.tool_calls {
        events.push((
            "contentBlockStart",
            json!({"contentBlockIndex": index,
            "start": {"toolUse": {"toolUseId": call.id, "name": call.name}}}),
        ));
        events.push((
            "contentBlockDelta",
            json!({"contentBlockIndex": index,
            "delta": {"toolUse": {"input": call.input.to_string()}}}),
        ));
        events.push(("contentBlockStop", json!({"contentBlockIndex": index})));
        index += 1;
    }
    events.push(("messageStop", json!({"stopReason": resp.stop_reason.as_ref().unwrap_or(&StopReason::EndTurn).converse_name()})));
    events.push((
        "metadata",
        json!({
            "usage": {"inputTokens": usage.input_tokens, "outputTokens": usage.output_tokens,
                      "totalTokens": usage.input_tokens + usage.output_tokens},
            "metrics": {"latencyMs": latency_ms},
        }),
    ));
    events
}

#[cfg(test)]
mod tests;
