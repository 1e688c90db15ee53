//! Event-stream frames of Bedrock's two streaming operations, written and
//! read with `aws-smithy-eventstream` (framing and CRCs are never hand-rolled).
//!
//! InvokeModelWithResponseStream sends `chunk` events whose payload is
//! `{"bytes":"<base64 of one native chunk>","p":"<padding>"}`; ConverseStream
//! sends one event per Converse event name with the event JSON as payload;
//! both send `exception` messages for errors.

use crate::error::Error;
use aws_smithy_eventstream::frame::MessageFrameDecoder;
use aws_smithy_eventstream::frame::{read_message_from, write_message_to, DecodedFrame};
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use base64::Engine as _;
use bytes::{Buf, Bytes, BytesMut};
use serde::{Deserialize, Serialize};

/// Letters Bedrock-style padding is drawn from.
const PADDING_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Deterministic padding for the `p` field: Bedrock pads payloads with
/// random characters so their length does not leak the text's; this
/// harness derives the padding from `seed` so the same response always has
/// the same bytes.
///
/// ```
/// use bedrock_harness::eventstream::padding;
/// assert_eq!(padding(3), padding(3));
/// assert!(!padding(3).is_empty());
/// ```
pub fn padding(seed: usize) -> String {
    let len = 1 + seed % 23;
    (0..len)
        .map(|i| PADDING_ALPHABET[(seed * 7 + i * 13) % PADDING_ALPHABET.len()] as char)
        .collect()
}

#[derive(Serialize, Deserialize)]
struct PayloadPart<'a> {
    #[serde(borrow)]
    bytes: std::borrow::Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    p: Option<std::borrow::Cow<'a, str>>,
}

fn string(value: &str) -> HeaderValue {
    HeaderValue::String(value.to_string().into())
}

/// An InvokeModelWithResponseStream `chunk` event carrying one native chunk.
///
/// # Example
///
/// ```
/// use bedrock_harness::eventstream::{chunk_message, encode, Frame, FrameDecoder};
///
/// // Arrange
/// let message = chunk_message(br#"{"outputText":"Hi"}"#, "abc");
///
/// // Act
/// let bytes = encode(&message).unwrap();
/// let frames = FrameDecoder::new().feed(&bytes).unwrap();
///
/// // Assert
/// assert_eq!(frames, vec![Frame::Chunk(br#"{"outputText":"Hi"}"#.to_vec())]);
/// ```
pub fn chunk_message(native_chunk: &[u8], padding: &str) -> Message {
    let part = PayloadPart {
        bytes: base64::engine::general_purpose::STANDARD
            .encode(native_chunk)
            .into(),
        p: Some(padding.into()),
    };
    let payload = serde_json::to_vec(&part).expect("a payload part serialises");
    event_message("chunk", payload)
}

/// A ConverseStream event (`messageStart`, `contentBlockDelta`, ...) whose
/// payload is the event's JSON.
pub fn event_message(event_type: &str, payload: impl Into<Bytes>) -> Message {
    Message::new_from_parts(
        vec![
            Header::new(":event-type", string(event_type)),
            Header::new(":content-type", string("application/json")),
            Header::new(":message-type", string("event")),
        ],
        payload,
    )
}

/// A bidirectional stream's `chunk` event (InvokeModelWithBidirectionalStream,
/// both ways): the payload is `{"bytes":"<base64 of the event's JSON>"}`,
/// as the service model's `BidirectionalInputPayloadPart` and
/// `BidirectionalOutputPayloadPart` serialise under restJson1.
///
/// ```
/// use bedrock_harness::eventstream::{bidirectional_chunk, encode, Frame, FrameDecoder};
///
/// let bytes = encode(&bidirectional_chunk(br#"{"event":{"sessionEnd":{}}}"#)).unwrap();
/// let frames = FrameDecoder::new().feed(&bytes).unwrap();
/// assert_eq!(frames, vec![Frame::Chunk(br#"{"event":{"sessionEnd":{}}}"#.to_vec())]);
/// ```
pub fn bidirectional_chunk(event_json: &[u8]) -> Message {
    let part = PayloadPart {
        bytes: base64::engine::general_purpose::STANDARD
            .encode(event_json)
            .into(),
        p: None,
    };
    let payload = serde_json::to_vec(&part).expect("a payload part serialises");
    event_message("chunk", payload)
}

/// A message a client sent on an input event stream, out of its SigV4
/// envelope.
#[derive(Debug, Clone, PartialEq)]
pub enum InputMessage {
    /// An event (its `:event-type`, `:message-type` and payload).
    Message(Message),
    /// The signed empty message that ends the input.
    End,
}

/// A client message with its SigV4 envelope taken off: an envelope
/// (`:chunk-signature` and `:date` headers) carries the encoded message as
/// its payload, and an empty one ends the stream (aws-sigv4's
/// `event_stream` signing). An unsigned message is its own content.
pub fn unwrap_signed(message: Message) -> Result<InputMessage, Error> {
    let signed = message
        .headers()
        .iter()
        .any(|h| h.name().as_str() == ":chunk-signature");
    if !signed {
        return Ok(InputMessage::Message(message));
    }
    if message.payload().is_empty() {
        return Ok(InputMessage::End);
    }
    let mut inner = message.payload().clone();
    read_message_from(&mut inner)
        .map(InputMessage::Message)
        .map_err(|e| Error::EventStream(e.to_string()))
}

/// An exception message, e.g. `modelStreamErrorException` with
/// `{"message":"...","originalStatusCode":500}`.
pub fn exception_message(exception_type: &str, payload: impl Into<Bytes>) -> Message {
    Message::new_from_parts(
        vec![
            Header::new(":exception-type", string(exception_type)),
            Header::new(":content-type", string("application/json")),
            Header::new(":message-type", string("exception")),
        ],
        payload,
    )
}

/// Writes one message as a frame: prelude, headers, payload and CRCs.
pub fn encode(message: &Message) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(message.payload().len() + 128);
    write_message_to(message, &mut out).map_err(|e| Error::EventStream(e.to_string()))?;
    Ok(out)
}

/// Reads one whole frame.
pub fn decode(frame: &[u8]) -> Result<Frame, Error> {
    let message = read_message_from(frame).map_err(|e| Error::EventStream(e.to_string()))?;
    Frame::from_message(&message)
}

/// One decoded frame, read for what it means to a Bedrock client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// An InvokeModelWithResponseStream chunk: the decoded native chunk bytes.
    Chunk(Vec<u8>),
    /// Any other event: its `:event-type` and payload (ConverseStream events).
    Event {
        /// The `:event-type` header.
        event_type: String,
        /// The payload.
        payload: Vec<u8>,
    },
    /// An exception: its `:exception-type` and payload (`{"message":...}`).
    Exception {
        /// The `:exception-type` header, e.g. `modelStreamErrorException`.
        exception_type: String,
        /// The payload.
        payload: Vec<u8>,
    },
    /// A protocol error message (`:message-type` `error`).
    Error {
        /// The `:error-code` header.
        code: String,
        /// The `:error-message` header.
        message: String,
    },
}

impl Frame {
    /// Interprets a decoded message.
    pub fn from_message(message: &Message) -> Result<Frame, Error> {
        let header = |name: &str| -> Option<String> {
            message
                .headers()
                .iter()
                .find(|h| h.name().as_str() == name)
                .and_then(|h| h.value().as_string().ok())
                .map(|s| s.as_str().to_string())
        };
        let payload = message.payload();
        match header(":message-type").as_deref() {
            Some("event") => {
                let event_type = header(":event-type")
                    .ok_or_else(|| Error::EventStream("an event without :event-type".into()))?;
                if event_type == "chunk" {
                    let part: PayloadPart<'_> = serde_json::from_slice(payload).map_err(|e| {
                        Error::EventStream(format!("chunk payload is not a PayloadPart: {e}"))
                    })?;
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(part.bytes.as_bytes())
                        .map_err(|e| Error::EventStream(format!("chunk bytes: {e}")))?;
                    Ok(Frame::Chunk(bytes))
                } else {
                    Ok(Frame::Event {
                        event_type,
                        payload: payload.to_vec(),
                    })
                }
            }
            Some("exception") => Ok(Frame::Exception {
                exception_type: header(":exception-type").unwrap_or_default(),
                payload: payload.to_vec(),
            }),
            Some("error") => Ok(Frame::Error {
                code: header(":error-code").unwrap_or_default(),
                message: header(":error-message").unwrap_or_default(),
            }),
            other => Err(Error::EventStream(format!(
                "unknown :message-type {other:?}"
            ))),
        }
    }
}

/// An incremental decoder: feed it bytes as they arrive, in pieces of any
/// size, and it returns every frame completed so far.
#[derive(Debug, Default)]
pub struct FrameDecoder {
    decoder: MessageFrameDecoder,
    buffer: BytesMut,
    /// The decoder has taken a frame's prelude out of `buffer`.
    mid_frame: bool,
}

impl FrameDecoder {
    /// A decoder with nothing buffered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `bytes` and returns the frames they complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<Frame>, Error> {
        self.feed_messages(bytes)?
            .iter()
            .map(Frame::from_message)
            .collect()
    }

    /// Adds `bytes` and returns the messages they complete, as sent (a
    /// client's signed envelopes included: see [`unwrap_signed`]).
    pub fn feed_messages(&mut self, bytes: &[u8]) -> Result<Vec<Message>, Error> {
        self.buffer.extend_from_slice(bytes);
        let mut messages = Vec::new();
        loop {
            let before = self.buffer.remaining();
            match self
                .decoder
                .decode_frame(&mut self.buffer)
                .map_err(|e| Error::EventStream(e.to_string()))?
            {
                DecodedFrame::Complete(message) => {
                    self.mid_frame = false;
                    messages.push(message);
                }
                DecodedFrame::Incomplete => {
                    self.mid_frame |= self.buffer.remaining() < before;
                    break;
                }
            }
        }
        Ok(messages)
    }

    /// Whether bytes of an unfinished frame are buffered (a stream that ends
    /// here was truncated).
    pub fn has_partial_frame(&self) -> bool {
        self.mid_frame || self.buffer.has_remaining()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converse_events_and_exceptions_round_trip() {
        let messages = [
            event_message("messageStart", &br#"{"role":"assistant","p":"ab"}"#[..]),
            exception_message(
                "modelStreamErrorException",
                &br#"{"message":"boom","originalStatusCode":500}"#[..],
            ),
        ];
        let mut bytes = Vec::new();
        for m in &messages {
            bytes.extend(encode(m).unwrap());
        }
        let frames = FrameDecoder::new().feed(&bytes).unwrap();
        assert_eq!(
            frames,
            vec![
                Frame::Event {
                    event_type: "messageStart".into(),
                    payload: br#"{"role":"assistant","p":"ab"}"#.to_vec()
                },
                Frame::Exception {
                    exception_type: "modelStreamErrorException".into(),
                    payload: br#"{"message":"boom","originalStatusCode":500}"#.to_vec()
                },
            ]
        );
    }

    #[test]
    fn frames_split_byte_by_byte_decode_once_complete() {
        let bytes = encode(&chunk_message(b"{\"a\":1}", "xyz")).unwrap();
        let mut decoder = FrameDecoder::new();
        for (i, b) in bytes.iter().enumerate() {
            let frames = decoder.feed(&[*b]).unwrap();
            if i + 1 < bytes.len() {
                assert!(frames.is_empty(), "frame completed early at byte {i}");
                assert!(decoder.has_partial_frame());
            } else {
                assert_eq!(frames, vec![Frame::Chunk(b"{\"a\":1}".to_vec())]);
            }
        }
        assert!(!decoder.has_partial_frame());
    }

    #[test]
    fn a_flipped_byte_is_a_crc_error() {
        let mut bytes = encode(&chunk_message(b"{}", "p")).unwrap();
        let last = bytes.len() - 6;
        bytes[last] ^= 0x55;
        assert!(matches!(decode(&bytes), Err(Error::EventStream(_))));
    }

    #[test]
    fn the_chunk_payload_has_bytes_and_padding() {
        let message = chunk_message(b"{\"x\":true}", "pad");
        let payload: serde_json::Value = serde_json::from_slice(message.payload()).unwrap();
        assert_eq!(payload["bytes"], "eyJ4Ijp0cnVlfQ==");
        assert_eq!(payload["p"], "pad");
    }
}
