//! InvokeModelWithBidirectionalStream (`POST
//! /model/{id}/invoke-with-bidirectional-stream`) for the Nova Sonic
//! models: the input event stream read (each message out of its SigV4
//! envelope, each `chunk` a `{"bytes": base64}` part holding one event's
//! JSON), run through a [`SonicSession`], and its output events written as
//! `chunk` events; an error ends the stream with its exception event.
//!
//! This reads the whole input before answering: a client that sends its
//! events and ends its input gets every answer. `serve` and
//! [`FakeBedrock`](crate::fake::FakeBedrock)'s server answer each event as
//! it arrives instead (see the server's bidirectional path).

use super::{BedrockError, FakeResponse, FakeState, INVALID_MODEL};
use crate::eventstream::{
    bidirectional_chunk, encode, exception_message, unwrap_signed, FrameDecoder, InputMessage,
};
use crate::fake::rules::{Action, Operation};
use crate::fake::sonic::{SonicError, SonicSession};
use crate::model_id::ModelId;
use serde_json::Value;

/// The wire of the models this operation serves (their `pending.json`
/// entries: they take no InvokeModel body).
pub const SONIC_WIRE: &str = "nova_sonic_bidirectional_stream";

/// Bedrock's refusal of an operation a model does not take (a third-party
/// probe of Converse with Nova 2 Sonic quotes it; for the other pairs it
/// is inferred).
pub const UNSUPPORTED_ACTION: &str = "This action doesn't support the model that you provided.";

/// Opens a session for the model `id` names, or refuses the call: an id
/// that names no model, a model the stream does not serve, or a rule's
/// error.
pub(crate) fn open(
    state: &FakeState,
    id: &ModelId,
    seed: u64,
    rid: &str,
) -> Result<SonicSession, BedrockError> {
    let base = id.base_id().unwrap_or(id.as_str());
    let sonic = state
        .catalog
        .pending_model(base)
        .filter(|m| m.wire.as_deref() == Some(SONIC_WIRE));
    if sonic.is_none() {
        return Err(match state.catalog.resolve(id) {
            Ok(_) => BedrockError::validation(UNSUPPORTED_ACTION),
            Err(_) => BedrockError::validation(INVALID_MODEL),
        });
    }
    let rule = state.rules.lock().ok().and_then(|mut book| {
        book.take(Operation::InvokeWithBidirectionalStream, |wanted| {
            super::same_model(wanted, id)
        })
    });
    let scripted = match rule.map(|r| r.action) {
        Some(Action::Error {
            name,
            message,
            extra,
        }) => return Err(BedrockError::scripted(&name, message, extra)),
        Some(Action::Text { text, .. }) => vec![text],
        _ => Vec::new(),
    };
    Ok(SonicSession::new(seed, rid, scripted))
}

/// Opens a session for a bidirectional call whose input is still to come
/// (the served transports): the call authenticated, its model checked and
/// journaled, or its refusal.
pub(crate) fn open_streaming(
    state: &FakeState,
    req: &crate::fake::http::FakeRequest,
) -> Result<(SonicSession, String), Box<FakeResponse>> {
    let seed = state.call_seed(&[req.method.as_bytes(), req.path.as_bytes()]);
    let rid = crate::fake::ids::request_id(seed);
    let mut entry = crate::fake::journal::CallRecord {
        operation: Some(Operation::InvokeWithBidirectionalStream),
        ..Default::default()
    };
    let opened = (|| {
        crate::fake::auth::check(state, req)?;
        entry.authenticated = true;
        let label = req.path.split('/').nth(2).unwrap_or_default();
        let id =
            ModelId::from_path_label(label).map_err(|_| BedrockError::validation(INVALID_MODEL))?;
        entry.model = Some(id.as_str().to_string());
        open(state, &id, seed, &rid)
    })();
    let response = match &opened {
        Ok(_) => 200,
        Err(err) => {
            entry.error = Some(err.name.clone());
            err.status
        }
    };
    entry.status = response;
    if let Ok(mut journal) = state.journal.lock() {
        journal.record(entry, &[]);
    }
    match opened {
        Ok(session) => Ok((session, rid)),
        Err(err) => Err(Box::new(err.to_response(&rid))),
    }
}

/// The frames a session answers one client message with: its output
/// events, or the exception that ends the stream (`Err`, with the frames
/// before it). `Ok(None)`: the input has ended.
pub fn answer_message(
    session: &mut SonicSession,
    message: aws_smithy_types::event_stream::Message,
) -> Result<Option<Vec<Vec<u8>>>, Vec<Vec<u8>>> {
    let message = match unwrap_signed(message) {
        Ok(InputMessage::End) => return Ok(None),
        Ok(InputMessage::Message(m)) => m,
        Err(_) => return Err(vec![error_frame(&invalid())]),
    };
    let event = match crate::eventstream::Frame::from_message(&message) {
        Ok(crate::eventstream::Frame::Chunk(bytes)) => bytes,
        _ => return Err(vec![error_frame(&invalid())]),
    };
    match session.on_event(&event) {
        Ok(events) => Ok(Some(events.iter().map(event_frame).collect())),
        Err(e) => Err(vec![error_frame(&e)]),
    }
}

fn invalid() -> SonicError {
    SonicError {
        exception: "validationException",
        message: crate::fake::sonic::INVALID_INPUT.into(),
    }
}

fn event_frame(event: &Value) -> Vec<u8> {
    let json = serde_json::to_vec(event).unwrap_or_default();
    encode(&bidirectional_chunk(&json)).unwrap_or_default()
}

/// An exception event: `{"message": ...}` under its `:exception-type`.
pub fn error_frame(error: &SonicError) -> Vec<u8> {
    let payload =
        serde_json::to_vec(&serde_json::json!({ "message": error.message })).unwrap_or_default();
    encode(&exception_message(error.exception, payload)).unwrap_or_default()
}

/// Answers a whole input stream at once.
pub(super) fn answer_whole(
    session: &mut SonicSession,
    body: &[u8],
    rid: &str,
) -> Result<FakeResponse, BedrockError> {
    let mut frames = Vec::new();
    let messages = FrameDecoder::new().feed_messages(body).map_err(|e| {
        BedrockError::validation(format!(
            "bedrock-harness: the input event stream could not be read: {e}"
        ))
    })?;
    for message in messages {
        match answer_message(session, message) {
            Ok(Some(more)) => frames.extend(more),
            Ok(None) => break,
            Err(last) => {
                frames.extend(last);
                break;
            }
        }
    }
    Ok(FakeResponse {
        status: 200,
        headers: vec![
            (
                "content-type".into(),
                "application/vnd.amazon.eventstream".into(),
            ),
            ("x-amzn-RequestId".into(), rid.to_string()),
        ],
        body: frames.concat(),
        ..Default::default()
    })
}
