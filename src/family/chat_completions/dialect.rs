//! [`ChatDialect`]: one provider's way of speaking the chat-completions
//! wire, as constants and hooks; every dialect is a [`Codec`] (and so a
//! [`ModelFamily`](crate::ModelFamily)) through one blanket
//! implementation.

use super::render::{native_chunks, native_response};
use super::{
    chat_messages, chat_tool_choice, chat_tools, finish_reason_name, is_done_marker,
    portable_response, push_chunk, read_chat_messages, read_chat_tools, read_tool_choice,
    ChatInputs, OpenAiChatChunk, OpenAiChatResponse, OpenAiMessage, OpenAiTool, OpenAiToolChoice,
};
use crate::accumulator::StreamAccumulator;
use crate::error::Error;
use crate::family::codec::Codec;
use crate::family::model_family::RenderContext;
use crate::media::MediaKind;
use crate::model_info::ModelInfo;
use crate::portable::{InferenceParams, PortableRequest, PortableResponse, StopReason, ToolChoice};
use crate::reasoning::{Effort, Thinking};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::Value;

/// What a message that only calls tools has as its `content`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyContent {
    /// Left out of a request, `null` in a response (OpenAI).
    Null,
    /// `""` (Mistral).
    Empty,
}

/// How a stream carries the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamShape {
    /// `chat.completion.chunk` objects whose choices carry a `delta`: the
    /// role, pieces of text, each tool call as its id and name then two
    /// argument fragments, and an empty delta with the finish reason.
    Deltas,
    /// Objects of the response's shape whose choices carry a `message`: one
    /// per piece of text, then every tool call whole in a last message.
    Messages,
}

/// The shape of a provider's bodies where providers differ. Start from
/// [`ChatStyle::OPENAI`] and change what differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatStyle {
    /// The response and chunks have `object`, `created` and `model`.
    pub header: bool,
    /// The stop reason's key: `finish_reason` (`false`: `stop_reason`).
    pub finish_reason_key: bool,
    /// A tools-only message's content.
    pub empty_content: EmptyContent,
    /// A request's tool calls have `"type": "function"`.
    pub request_tool_call_type: bool,
    /// The response has `usage`.
    pub usage: bool,
    /// The last stream chunk has `usage` (and a delta of empty content).
    pub usage_in_last_chunk: bool,
    /// How a stream carries the answer.
    pub stream: StreamShape,
    /// The stream ends with a `[DONE]` chunk.
    pub done_marker: bool,
    /// The response message has `reasoning_content` (`null`).
    pub reasoning_content: bool,
    /// An answer's content may open with the model's reasoning in
    /// `<reasoning>` tags (OpenAI's models on InvokeModel), read as
    /// reasoning rather than text.
    pub reasoning_tags: bool,
}

impl ChatStyle {
    /// OpenAI's own shape.
    pub const OPENAI: ChatStyle = ChatStyle {
        header: true,
        finish_reason_key: true,
        empty_content: EmptyContent::Null,
        request_tool_call_type: true,
        usage: true,
        usage_in_last_chunk: false,
        stream: StreamShape::Deltas,
        done_marker: false,
        reasoning_content: false,
        reasoning_tags: true,
    };
}

/// What every chat body has, apart from the provider's own fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatParts {
    /// The conversation, system message first.
    pub messages: Vec<OpenAiMessage>,
    /// Function tools.
    pub tools: Option<Vec<OpenAiTool>>,
    /// How the model must choose tools.
    pub tool_choice: Option<OpenAiToolChoice>,
    /// The sampling parameters and the limit.
    pub params: InferenceParams,
    /// The JSON Schema the answer follows (`response_format`), for the
    /// dialects whose bodies say so ([`ChatDialect::STRUCTURED`]).
    pub output_schema: Option<crate::OutputSchema>,
    /// How hard the model reasons (`reasoning_effort`), for the dialects
    /// whose bodies say so ([`ChatDialect::REASONING`]).
    pub effort: Option<Effort>,
    /// The thinking setting, for the dialects whose bodies say so: only
    /// [`Thinking::Disabled`] has a chat form (`reasoning_effort: "none"`).
    pub thinking: Option<Thinking>,
}

/// A stream chunk of a chat dialect: an object, or the `[DONE]` marker
/// some providers end with (as a JSON string).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ChatStreamChunk {
    /// A chunk object.
    Chunk(OpenAiChatChunk),
    /// The end marker.
    Marker(String),
}

/// One provider's chat-completions bodies: its request type and the hooks
/// and [`ChatStyle`] for what differs from OpenAI's. The messages, tools,
/// responses, chunks and stop reasons are the shared wire's.
///
/// # Example
///
/// A provider that takes OpenAI's messages with a plain `max_tokens`, and
/// no tools:
///
/// ```
/// use bedrock_harness::family::chat_completions::{ChatDialect, ChatParts, OpenAiMessage};
/// use bedrock_harness::{Catalog, Error, InferenceParams, ModelFamily, ModelInfo, PortableRequest};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize)]
/// struct ParrotRequest {
///     messages: Vec<OpenAiMessage>,
///     #[serde(skip_serializing_if = "Option::is_none")]
///     max_tokens: Option<u32>,
/// }
///
/// struct Parrot;
///
/// impl ChatDialect for Parrot {
///     const NAME: &'static str = "parrot";
///     const TITLE: &'static str = "Parrot chat";
///     type Request = ParrotRequest;
///
///     fn check(&self, req: &PortableRequest, _: &ModelInfo) -> Result<(), Error> {
///         match req.tools.is_empty() {
///             true => Ok(()),
///             false => Err(Error::unsupported(Self::NAME, "tool use")),
///         }
///     }
///     fn body(&self, chat: ChatParts, _: &ModelInfo) -> Result<ParrotRequest, Error> {
///         Ok(ParrotRequest { messages: chat.messages, max_tokens: chat.params.max_tokens })
///     }
///     fn parts(&self, body: ParrotRequest) -> Result<ChatParts, Error> {
///         let params = InferenceParams { max_tokens: body.max_tokens, ..Default::default() };
///         Ok(ChatParts { messages: body.messages, params, ..Default::default() })
///     }
/// }
///
/// // Arrange
/// let model = Catalog::embedded().model("openai.gpt-oss-20b-1:0").unwrap();
/// let req = PortableRequest::prompt("Hi").system("Be brief.").max_tokens(64);
///
/// // Act
/// let body = Parrot.build(&req, model).unwrap();
///
/// // Assert
/// assert_eq!(body["messages"][0]["role"], "system");
/// assert_eq!(body["messages"][1]["content"], "Hi");
/// assert_eq!(body["max_tokens"], 64);
/// assert_eq!(Parrot.read_request(body.to_string().as_bytes(), model).unwrap(), req);
/// ```
pub trait ChatDialect: Send + Sync + 'static {
    /// The family's name, equal to its folder under `fixtures/`.
    const NAME: &'static str;
    /// A human title.
    const TITLE: &'static str;
    /// Where the provider's bodies differ from OpenAI's.
    const STYLE: ChatStyle = ChatStyle::OPENAI;
    /// The fields that name a completion (see [`Codec::IDENTITY`]): its id
    /// and model, in the body and every chunk.
    const IDENTITY: &'static [&'static str] = &["/id", "/model"];
    /// Whether the body asks for structured output (`response_format`).
    const STRUCTURED: bool = false;
    /// Whether the body sets how the model reasons (`reasoning_effort`).
    const REASONING: bool = false;

    /// The provider's request body.
    type Request: Serialize + DeserializeOwned;

    /// Refuses what the provider cannot express, before the body is built.
    /// The default refuses nothing.
    fn check(&self, req: &PortableRequest, model: &ModelInfo) -> Result<(), Error> {
        let _ = (req, model);
        Ok(())
    }

    /// The provider's body from the shared parts.
    fn body(&self, chat: ChatParts, model: &ModelInfo) -> Result<Self::Request, Error>;

    /// The shared parts of a provider's body: the inverse of
    /// [`body`](Self::body).
    fn parts(&self, body: Self::Request) -> Result<ChatParts, Error>;

    /// Whether `model` takes images in its InvokeModel body. The default:
    /// none does.
    fn takes_images(&self, model: &ModelInfo) -> bool {
        let _ = model;
        false
    }

    /// Whether `model` takes audio (`input_audio` parts) in its InvokeModel
    /// body. The default: none does.
    fn takes_audio(&self, model: &ModelInfo) -> bool {
        let _ = model;
        false
    }

    /// The body's `tool_choice` for a portable one. The default is
    /// OpenAI's (`auto`, `required`, `none`, one function).
    fn tool_choice(&self, choice: &ToolChoice) -> Result<Option<OpenAiToolChoice>, Error> {
        Ok(Some(chat_tool_choice(choice)))
    }

    /// The response's id, or `None` for a provider whose bodies have none.
    /// The default is `chatcmpl-` and 16 hex digits of the response id.
    fn completion_id(&self, ctx: &RenderContext<'_>) -> Option<String> {
        let id = ctx.response_id;
        Some(format!("chatcmpl-{}", id.get(..16).unwrap_or(id)))
    }

    /// The finish reason written for a portable stop reason. The default is
    /// OpenAI's.
    fn finish_reason<'a>(&self, reason: Option<&'a StopReason>) -> &'a str {
        finish_reason_name(reason)
    }

    /// A rule of `model`'s bodies that the schema cannot state (a field the
    /// model refuses, a value it does not take): `Some` is the refusal
    /// text. The default has none.
    fn body_rule(&self, body: &Value, model: &ModelInfo) -> Option<String> {
        let _ = (body, model);
        None
    }
}

impl<D: ChatDialect> Codec for D {
    const NAME: &'static str = D::NAME;
    const TITLE: &'static str = D::TITLE;
    /// Audio, for the models whose dialect says they take it.
    const MEDIA: &'static [MediaKind] = &[MediaKind::Audio];
    const IDENTITY: &'static [&'static str] = D::IDENTITY;
    const STRUCTURED: bool = D::STRUCTURED;
    const REASONING: bool = D::REASONING;
    type Request = D::Request;
    type Response = OpenAiChatResponse;
    type Chunk = ChatStreamChunk;

    fn request(&self, req: &PortableRequest, model: &ModelInfo) -> Result<D::Request, Error> {
        self.check(req, model)?;
        let inputs = ChatInputs {
            images: self.takes_images(model),
            audio: self.takes_audio(model),
        };
        let messages = chat_messages(D::NAME, req, inputs, &D::STYLE)?;
        let tool_choice = match &req.tool_choice {
            Some(choice) => self.tool_choice(choice)?,
            None => None,
        };
        let chat = ChatParts {
            messages,
            tools: chat_tools(req),
            tool_choice,
            params: req.params.clone(),
            output_schema: req.output_schema.clone(),
            effort: req.effort,
            thinking: req.thinking,
        };
        self.body(chat, model)
    }

    fn portable_request(
        &self,
        native: D::Request,
        _model: &ModelInfo,
    ) -> Result<PortableRequest, Error> {
        let parts = self.parts(native)?;
        let (system, messages) = read_chat_messages(D::NAME, &parts.messages)?;
        Ok(PortableRequest {
            system,
            messages,
            params: parts.params,
            tools: read_chat_tools(parts.tools),
            tool_choice: parts
                .tool_choice
                .map(|c| read_tool_choice(D::NAME, c))
                .transpose()?,
            output_schema: parts.output_schema,
            effort: parts.effort,
            thinking: parts.thinking,
            ..Default::default()
        })
    }

    fn portable(&self, native: OpenAiChatResponse) -> Result<PortableResponse, Error> {
        portable_response(D::NAME, &native, D::STYLE.reasoning_tags)
    }

    fn native(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<OpenAiChatResponse, Error> {
        Ok(native_response(self, resp, ctx))
    }

    fn chunk(&self, chunk: ChatStreamChunk, acc: &mut StreamAccumulator) -> Result<(), Error> {
        match chunk {
            ChatStreamChunk::Chunk(chunk) => {
                push_chunk(acc, chunk, D::STYLE.reasoning_tags);
                Ok(())
            }
            ChatStreamChunk::Marker(other) => Err(Error::parse(
                D::NAME,
                "stream chunk",
                format!("a string chunk {other:?} that is not the [DONE] marker"),
            )),
        }
    }

    fn native_chunks(
        &self,
        resp: &PortableResponse,
        ctx: &RenderContext<'_>,
    ) -> Result<Vec<ChatStreamChunk>, Error> {
        Ok(native_chunks(self, resp, ctx))
    }

    fn is_end_marker(&self, chunk: &[u8]) -> bool {
        is_done_marker(chunk)
    }

    fn body_rule(&self, body: &Value, model: &ModelInfo) -> Option<String> {
        ChatDialect::body_rule(self, body, model)
    }
}
