//! Translation between the portable forms and the SDK's Converse types.

use super::document::{to_document, to_value};
use crate::error::Error;
use crate::media::{Media, MediaKind, MediaSource};
use crate::portable::{
    ContentBlock, Message, PortableRequest, PortableResponse, Role, StopReason, StreamEvent,
    ToolCall, ToolChoice, ToolResultContent, Usage,
};
use crate::reasoning::Reasoning;
use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types as sdk;

/// The parts of a Converse request built from a portable request.
pub(crate) struct ConverseParts {
    pub messages: Vec<sdk::Message>,
    pub system: Option<Vec<sdk::SystemContentBlock>>,
    pub inference: Option<sdk::InferenceConfiguration>,
    pub tools: Option<sdk::ToolConfiguration>,
    /// Claude's thinking setting, which Converse takes in
    /// `additionalModelRequestFields`.
    pub additional: Option<aws_smithy_types::Document>,
    /// The effort, in `outputConfig`.
    pub output: Option<sdk::OutputConfig>,
}

fn build_error(e: impl std::fmt::Display) -> Error {
    Error::Transport(format!("building the Converse request: {e}"))
}

/// Renders a portable request as Converse request parts.
pub(crate) fn converse_parts(req: &PortableRequest) -> Result<ConverseParts, Error> {
    let messages = req
        .messages
        .iter()
        .map(message)
        .collect::<Result<Vec<_>, _>>()?;
    let system = req
        .system
        .as_ref()
        .map(|s| vec![sdk::SystemContentBlock::Text(s.clone())]);
    let p = &req.params;
    let inference = (p.max_tokens.is_some()
        || p.temperature.is_some()
        || p.top_p.is_some()
        || !p.stop_sequences.is_empty())
    .then(|| {
        sdk::InferenceConfiguration::builder()
            .set_max_tokens(p.max_tokens.map(|n| n.min(i32::MAX as u32) as i32))
            .set_temperature(p.temperature)
            .set_top_p(p.top_p)
            .set_stop_sequences(p.stop_list())
            .build()
    });
    if p.top_k.is_some() {
        return Err(Error::unsupported(
            "converse",
            "top_k (send it in additionalModelRequestFields with invoke_raw instead)",
        ));
    }
    let tools = if req.tools.is_empty() {
        None
    } else {
        let specs = req
            .tools
            .iter()
            .map(|t| {
                sdk::ToolSpecification::builder()
                    .name(&t.name)
                    .set_description(t.description.clone())
                    .input_schema(sdk::ToolInputSchema::Json(to_document(&t.input_schema)))
                    .build()
                    .map(sdk::Tool::ToolSpec)
                    .map_err(build_error)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let choice = match &req.tool_choice {
            None => None,
            Some(ToolChoice::Auto) => Some(sdk::ToolChoice::Auto(
                sdk::AutoToolChoice::builder().build(),
            )),
            Some(ToolChoice::Any) => {
                Some(sdk::ToolChoice::Any(sdk::AnyToolChoice::builder().build()))
            }
            Some(ToolChoice::Tool(name)) => Some(sdk::ToolChoice::Tool(
                sdk::SpecificToolChoice::builder()
                    .name(name)
                    .build()
                    .map_err(build_error)?,
            )),
            Some(ToolChoice::None) => {
                return Err(Error::unsupported("converse", "tool choice `none`"))
            }
        };
        Some(
            sdk::ToolConfiguration::builder()
                .set_tools(Some(specs))
                .set_tool_choice(choice)
                .build()
                .map_err(build_error)?,
        )
    };
    let additional = req.thinking.map(|t| {
        let mut thinking = serde_json::json!({"type": t.wire_name()});
        if let crate::reasoning::Thinking::Enabled { budget_tokens } = t {
            thinking["budget_tokens"] = budget_tokens.into();
        }
        to_document(&serde_json::json!({ "thinking": thinking }))
    });
    let text_format = req
        .output_schema
        .as_ref()
        .map(|o| {
            let definition = sdk::JsonSchemaDefinition::builder()
                .schema(o.schema.to_string())
                .set_name(o.name.clone())
                .set_description(o.description.clone())
                .build()
                .map_err(build_error)?;
            sdk::OutputFormat::builder()
                .r#type(sdk::OutputFormatType::JsonSchema)
                .structure(sdk::OutputFormatStructure::JsonSchema(definition))
                .build()
                .map_err(build_error)
        })
        .transpose()?;
    let output = (req.effort.is_some() || text_format.is_some()).then(|| {
        sdk::OutputConfig::builder()
            .set_effort(req.effort.map(|e| e.as_str().to_string()))
            .set_text_format(text_format)
            .build()
    });
    Ok(ConverseParts {
        messages,
        system,
        inference,
        tools,
        additional,
        output,
    })
}

fn message(m: &Message) -> Result<sdk::Message, Error> {
    let role = match m.role {
        Role::User => sdk::ConversationRole::User,
        Role::Assistant => sdk::ConversationRole::Assistant,
        Role::System => {
            return Err(Error::unsupported(
                "converse",
                "a system message mid-conversation",
            ))
        }
    };
    let content = m.content.iter().map(block).collect::<Result<Vec<_>, _>>()?;
    sdk::Message::builder()
        .role(role)
        .set_content(Some(content))
        .build()
        .map_err(build_error)
}

fn block(b: &ContentBlock) -> Result<sdk::ContentBlock, Error> {
    Ok(match b {
        ContentBlock::Text(text) => sdk::ContentBlock::Text(text.clone()),
        ContentBlock::Image { format, data } => sdk::ContentBlock::Image(
            sdk::ImageBlock::builder()
                .format(sdk::ImageFormat::from(format.as_str()))
                .source(sdk::ImageSource::Bytes(Blob::new(data.clone())))
                .build()
                .map_err(build_error)?,
        ),
        ContentBlock::ToolUse { id, name, input } => sdk::ContentBlock::ToolUse(
            sdk::ToolUseBlock::builder()
                .tool_use_id(id)
                .name(name)
                .input(to_document(input))
                .build()
                .map_err(build_error)?,
        ),
        ContentBlock::ToolResult {
            tool_use_id,
            content,
            is_error,
        } => sdk::ContentBlock::ToolResult(
            sdk::ToolResultBlock::builder()
                .tool_use_id(tool_use_id)
                .set_content(Some(
                    content
                        .iter()
                        .map(|c| match c {
                            ToolResultContent::Text(t) => {
                                sdk::ToolResultContentBlock::Text(t.clone())
                            }
                            ToolResultContent::Json(v) => {
                                sdk::ToolResultContentBlock::Json(to_document(v))
                            }
                        })
                        .collect(),
                ))
                .set_status(is_error.then_some(sdk::ToolResultStatus::Error))
                .build()
                .map_err(build_error)?,
        ),
        ContentBlock::Reasoning(Reasoning::Text { text, signature }) => {
            sdk::ContentBlock::ReasoningContent(sdk::ReasoningContentBlock::ReasoningText(
                sdk::ReasoningTextBlock::builder()
                    .text(text)
                    .set_signature(signature.clone())
                    .build()
                    .map_err(build_error)?,
            ))
        }
        ContentBlock::Reasoning(Reasoning::Redacted { data }) => {
            sdk::ContentBlock::ReasoningContent(sdk::ReasoningContentBlock::RedactedContent(
                Blob::new(data.as_bytes()),
            ))
        }
        ContentBlock::Media(media) => media_block(media)?,
    })
}

/// An audio, video or image block, its bytes inline or in S3.
fn media_block(media: &Media) -> Result<sdk::ContentBlock, Error> {
    let s3 = |uri: &String, owner: &Option<String>| {
        sdk::S3Location::builder()
            .uri(uri)
            .set_bucket_owner(owner.clone())
            .build()
            .map_err(build_error)
    };
    // The SDK has a block, format and source type per kind, alike but for
    // their names.
    macro_rules! block {
        ($variant:ident, $block:ident, $format:ident, $source:ident) => {
            sdk::ContentBlock::$variant(
                sdk::$block::builder()
                    .format(sdk::$format::from(media.format.as_str()))
                    .source(match &media.source {
                        MediaSource::Bytes(data) => sdk::$source::Bytes(Blob::new(data.clone())),
                        MediaSource::S3 { uri, bucket_owner } => {
                            sdk::$source::S3Location(s3(uri, bucket_owner)?)
                        }
                    })
                    .build()
                    .map_err(build_error)?,
            )
        };
    }
    Ok(match media.kind {
        MediaKind::Audio => block!(Audio, AudioBlock, AudioFormat, AudioSource),
        MediaKind::Video => block!(Video, VideoBlock, VideoFormat, VideoSource),
        MediaKind::Image => block!(Image, ImageBlock, ImageFormat, ImageSource),
    })
}

/// Reads a Converse response's parts into the portable response.
pub(crate) fn portable_response(
    output: Option<&sdk::ConverseOutput>,
    stop_reason: &sdk::StopReason,
    usage: Option<&sdk::TokenUsage>,
) -> PortableResponse {
    let mut resp = PortableResponse {
        stop_reason: Some(StopReason::from_converse_name(stop_reason.as_str())),
        usage: usage.map(token_usage),
        ..Default::default()
    };
    if let Some(sdk::ConverseOutput::Message(message)) = output {
        for block in message.content() {
            match block {
                sdk::ContentBlock::Text(text) => resp.text.push_str(text),
                sdk::ContentBlock::ToolUse(tool) => resp.tool_calls.push(ToolCall {
                    id: tool.tool_use_id().to_string(),
                    name: tool.name().to_string(),
                    input: to_value(tool.input()),
                }),
                sdk::ContentBlock::ReasoningContent(sdk::ReasoningContentBlock::ReasoningText(
                    r,
                )) => resp
                    .reasoning
                    .push(Reasoning::text(r.text(), r.signature().map(str::to_string))),
                sdk::ContentBlock::ReasoningContent(
                    sdk::ReasoningContentBlock::RedactedContent(blob),
                ) => resp.reasoning.push(Reasoning::Redacted {
                    data: String::from_utf8_lossy(blob.as_ref()).into_owned(),
                }),
                _ => {}
            }
        }
    }
    resp
}

fn token_usage(u: &sdk::TokenUsage) -> Usage {
    Usage {
        input_tokens: u.input_tokens().max(0) as u32,
        output_tokens: u.output_tokens().max(0) as u32,
    }
}

/// Reads one ConverseStream event as portable events.
pub(crate) fn stream_events(event: sdk::ConverseStreamOutput) -> Vec<StreamEvent> {
    let index = |i: i32| i.max(0) as u32;
    match event {
        sdk::ConverseStreamOutput::ContentBlockStart(e) => match e.start() {
            Some(sdk::ContentBlockStart::ToolUse(start)) => vec![StreamEvent::ToolUseStart {
                index: index(e.content_block_index()),
                id: start.tool_use_id().to_string(),
                name: start.name().to_string(),
            }],
            _ => vec![],
        },
        sdk::ConverseStreamOutput::ContentBlockDelta(e) => match e.delta() {
            Some(sdk::ContentBlockDelta::Text(text)) => vec![StreamEvent::TextDelta {
                index: index(e.content_block_index()),
                text: text.clone(),
            }],
            Some(sdk::ContentBlockDelta::ToolUse(delta)) => vec![StreamEvent::ToolInputDelta {
                index: index(e.content_block_index()),
                json: delta.input().to_string(),
            }],
            Some(sdk::ContentBlockDelta::ReasoningContent(delta)) => {
                let index = index(e.content_block_index());
                match delta {
                    sdk::ReasoningContentBlockDelta::Text(text) => {
                        vec![StreamEvent::ReasoningDelta {
                            index,
                            text: text.clone(),
                        }]
                    }
                    sdk::ReasoningContentBlockDelta::Signature(signature) => {
                        vec![StreamEvent::ReasoningSignature {
                            index,
                            signature: signature.clone(),
                        }]
                    }
                    sdk::ReasoningContentBlockDelta::RedactedContent(blob) => {
                        vec![StreamEvent::RedactedReasoning {
                            index,
                            data: String::from_utf8_lossy(blob.as_ref()).into_owned(),
                        }]
                    }
                    _ => vec![],
                }
            }
            _ => vec![],
        },
        sdk::ConverseStreamOutput::MessageStop(e) => vec![StreamEvent::Stop(
            StopReason::from_converse_name(e.stop_reason().as_str()),
        )],
        sdk::ConverseStreamOutput::Metadata(e) => e
            .usage()
            .map(token_usage)
            .map(StreamEvent::Usage)
            .into_iter()
            .collect(),
        _ => vec![],
    }
}
