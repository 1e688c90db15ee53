//! bedrock-mantle's Chat Completions for a model whose bedrock-runtime
//! wire is not chat completions (DeepSeek V3.1 and V3.2: a prompt; Writer's
//! Palmyra: its own chat shape): Mantle takes OpenAI's body for every model
//! it serves there. The body is read as the chat-completions family reads
//! it, built into the model's own InvokeModel body, run as that call, and
//! the model's answer is written back as a `chat.completion` (or its
//! chunks, as server-sent events ending in `[DONE]`).

use super::openai_compat::{refusal_message, run_as_invoke, server_sent_groups};
use super::{FakeRequest, FakeResponse, FakeState};
use crate::eventstream::{Frame, FrameDecoder};
use crate::family::{family_by_name, ModelFamily, RenderContext};
use crate::model_info::ModelInfo;
use crate::StreamAccumulator;
use serde_json::{json, Value};

/// The family whose wire Mantle's Chat Completions speaks.
const CHAT: &str = "openai_chat";

/// Answers `body` (OpenAI's request, `model` already the runtime id) for
/// `model`, asked for as `asked`.
pub(super) fn chat_completions(
    state: &FakeState,
    req: &FakeRequest,
    model: &ModelInfo,
    runtime_id: &str,
    asked: &str,
    body: &Value,
) -> FakeResponse {
    let (Some(chat), Some(reader), Some(family)) = (
        family_by_name(CHAT),
        state.catalog.models().iter().find(|m| m.family == CHAT),
        family_by_name(&model.family),
    ) else {
        return error(
            500,
            "bedrock-harness: the chat-completions family is missing",
        );
    };
    let request = match chat.read_request_value(body, reader) {
        Ok(request) => request,
        Err(e) => return error(400, &e.to_string()),
    };
    let native = match family.build_bytes(&request, model) {
        Ok(native) => native,
        Err(e) => return error(400, &e.to_string()),
    };
    let streaming = body.get("stream") == Some(&Value::Bool(true));
    let answer = run_as_invoke(state, req, runtime_id, streaming, native);
    if answer.status != 200 {
        return error(answer.status, &refusal_message(&answer));
    }
    let response = match streaming {
        true => accumulated(family, &answer.body),
        false => family.parse(&answer.body),
    };
    let response = match response {
        Ok(response) => response,
        Err(e) => return error(500, &format!("bedrock-harness: {e}")),
    };
    let id = format!("{:016x}", crate::fake::ids::stable_hash(&[&answer.body]));
    let ctx = RenderContext {
        model,
        response_id: &id,
        request: Some(&request),
    };
    let named = |mut value: Value| {
        if value.get("model").is_some() {
            value["model"] = json!(asked);
        }
        value
    };
    if !streaming {
        return match chat.render_response(&response, &ctx) {
            Ok(rendered) => {
                let mut out = FakeResponse::json(200, &named(rendered));
                out.headers.extend(request_id(&answer));
                out
            }
            Err(e) => error(500, &format!("bedrock-harness: {e}")),
        };
    }
    let chunks = chat.render_chunks(&response, &ctx).unwrap_or_default();
    let mut groups: Vec<String> = chunks
        .into_iter()
        .map(|chunk| format!("data: {}\n\n", named(chunk)))
        .collect();
    groups.push("data: [DONE]\n\n".into());
    server_sent_groups(answer, groups)
}

/// The answer a native stream adds up to.
fn accumulated(
    family: &dyn ModelFamily,
    body: &[u8],
) -> Result<crate::PortableResponse, crate::Error> {
    let mut acc = StreamAccumulator::new();
    for frame in FrameDecoder::new().feed(body)? {
        if let Frame::Chunk(bytes) = frame {
            family.parse_chunk(&bytes, &mut acc)?;
        }
    }
    acc.finish()
}

fn request_id(answer: &FakeResponse) -> Vec<(String, String)> {
    answer
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("x-amzn-requestid"))
        .cloned()
        .collect()
}

/// An error in Mantle's OpenAI envelope.
fn error(status: u16, message: &str) -> FakeResponse {
    let code = match status {
        400 => "validation_error",
        _ => "server_error",
    };
    super::mantle::refusal(
        crate::model_info::MantleApi::ChatCompletions,
        status,
        code,
        message,
    )
}
