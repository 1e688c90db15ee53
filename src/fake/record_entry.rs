//! What one upstream answer adds to a recording, scrubbed: the body of an
//! InvokeModel answer, the decoded chunks of a stream, or an error's
//! status, name, message and extra members.

use super::http::FakeResponse;
use super::rules::Operation;
use super::scrub::Scrubber;
use crate::error::Error;
use crate::eventstream::{Frame, FrameDecoder};
use crate::recording::RecordedError;
use serde_json::{Map, Value};

/// What one answer adds to a recording.
pub(super) enum Entry {
    Invoke(Value),
    Stream(Vec<Value>),
    Error(RecordedError),
}

/// What an answer of `operation` adds to a recording, scrubbed; `None`
/// for answers that are not recorded.
pub(super) fn entry(
    operation: Operation,
    response: &FakeResponse,
    scrubber: &Scrubber,
) -> Result<Option<Entry>, Error> {
    if response.status != 200 {
        return Ok(error_entry(response, scrubber).map(Entry::Error));
    }
    if operation == Operation::Invoke {
        let mut body: Value =
            serde_json::from_slice(&response.body).map_err(|e| Error::Fixture {
                path: "the upstream's InvokeModel answer".into(),
                reason: format!("not JSON: {e}"),
            })?;
        scrubber.value(&mut body);
        return Ok(Some(Entry::Invoke(body)));
    }
    let mut decoder = FrameDecoder::new();
    let mut chunks = Vec::new();
    for frame in decoder.feed(&response.body)? {
        match frame {
            Frame::Chunk(bytes) => {
                let mut chunk = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                    Value::String(String::from_utf8_lossy(&bytes).into_owned())
                });
                scrubber.value(&mut chunk);
                chunks.push(chunk);
            }
            Frame::Event { .. } => {}
            Frame::Exception { exception_type, .. } => {
                tracing::info!(%exception_type, "a stream that ends in an exception: not recorded");
                return Ok(None);
            }
            Frame::Error { code, .. } => {
                tracing::info!(%code, "a stream that ends in an error: not recorded");
                return Ok(None);
            }
        }
    }
    if decoder.has_partial_frame() {
        return Err(Error::EventStream(
            "the upstream's stream ended inside a frame".into(),
        ));
    }
    Ok(Some(Entry::Stream(chunks)))
}

/// The recorded form of an error answer: `{"status", "name", "message",
/// "extra"?}`; `None` for a ValidationException.
fn error_entry(response: &FakeResponse, scrubber: &Scrubber) -> Option<RecordedError> {
    let body: Map<String, Value> = serde_json::from_slice(&response.body).unwrap_or_default();
    let from_header = response
        .header("x-amzn-errortype")
        .map(|t| t.split(':').next().unwrap_or(t).to_string());
    let from_body = || {
        ["__type", "code", "Code"]
            .iter()
            .find_map(|k| body.get(*k).and_then(Value::as_str))
            .map(|t| t.rsplit('#').next().unwrap_or(t).to_string())
    };
    let name = from_header
        .or_else(from_body)
        .unwrap_or_else(|| format!("HTTP{}", response.status));
    if name == "ValidationException" {
        tracing::info!("a ValidationException: forwarded, not recorded");
        return None;
    }
    let message = ["message", "Message"]
        .iter()
        .find_map(|k| body.get(*k).and_then(Value::as_str))
        .unwrap_or_default();
    let mut extra: Map<String, Value> = body
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "message" | "Message" | "__type" | "code" | "Code"
            )
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for value in extra.values_mut() {
        scrubber.error_member(value);
    }
    Some(RecordedError {
        status: response.status,
        name,
        message: scrubber.message(message),
        extra,
    })
}

/// The model operation a call of a compatible API records as, with the
/// model it names: Chat Completions (on bedrock-runtime's
/// `/openai/v1/chat/completions` or bedrock-mantle's `/v1/chat/completions`)
/// and the Messages API answer with their model's own InvokeModel bodies,
/// and stream its chunks, so their answers are that model's recording,
/// which replays on every path. The Responses API's answers are of another
/// shape, and are forwarded without being recorded.
pub(super) fn compatible_call(path: &str, body: &[u8]) -> Option<(Operation, String)> {
    let compatible = matches!(
        path,
        "/openai/v1/chat/completions" | "/v1/chat/completions" | "/anthropic/v1/messages"
    );
    if !compatible {
        return None;
    }
    let body: Value = serde_json::from_slice(body).ok()?;
    let model = body.get("model")?.as_str()?.to_string();
    let operation = match body.get("stream") == Some(&Value::Bool(true)) {
        true => Operation::InvokeWithResponseStream,
        false => Operation::Invoke,
    };
    Some((operation, model))
}

/// What a compatible API's answer adds to its model's recording: the body
/// of a plain answer, the `data:` events of a server-sent stream as its
/// chunks (`[DONE]` left out); `None` for a refusal, whose body is in the
/// API's shape rather than Bedrock's.
pub(super) fn compatible_entry(
    operation: Operation,
    response: &FakeResponse,
    scrubber: &Scrubber,
) -> Option<Entry> {
    if response.status != 200 {
        tracing::info!(
            status = response.status,
            "a compatible API's refusal: forwarded, not recorded"
        );
        return None;
    }
    if operation == Operation::Invoke {
        let mut body: Value = serde_json::from_slice(&response.body).ok()?;
        scrubber.value(&mut body);
        return Some(Entry::Invoke(body));
    }
    let text = String::from_utf8_lossy(&response.body);
    let chunks = text
        .lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(str::trim)
        .filter(|data| *data != "[DONE]")
        .filter_map(|data| serde_json::from_str::<Value>(data).ok())
        .map(|mut chunk| {
            scrubber.value(&mut chunk);
            chunk
        })
        .collect::<Vec<_>>();
    (!chunks.is_empty()).then_some(Entry::Stream(chunks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn response(status: u16, error_type: Option<&str>, body: Value) -> FakeResponse {
        let mut r = FakeResponse::json(status, &body);
        if let Some(t) = error_type {
            r = r.with_header("x-amzn-ErrorType", t);
        }
        r
    }

    #[test]
    fn errors_keep_status_name_message_and_extra_members_scrubbed() {
        let r = response(
            403,
            Some("AccessDeniedException:http://internal.amazon.com/coral/com.amazon.bedrock/"),
            json!({"message": "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized"}),
        );
        assert_eq!(
            serde_json::to_value(error_entry(&r, &Scrubber::default()).unwrap()).unwrap(),
            json!({"status": 403, "name": "AccessDeniedException", "message": "User: arn:aws:sts::000000000000:assumed-role/r/s is not authorized"})
        );
        let r = response(
            424,
            None,
            json!({"__type": "com.amazon#ModelErrorException", "message": "boom", "originalStatusCode": 500, "resourceName": "arn:aws:bedrock:us-east-1:123456789012:x"}),
        );
        assert_eq!(
            serde_json::to_value(error_entry(&r, &Scrubber::default()).unwrap()).unwrap(),
            json!({"status": 424, "name": "ModelErrorException", "message": "boom",
                   "extra": {"originalStatusCode": 500, "resourceName": "arn:aws:bedrock:us-east-1:000000000000:x"}})
        );
    }

    #[test]
    fn validation_errors_are_not_recorded() {
        let r = response(
            400,
            Some("ValidationException:x"),
            json!({"message": "Malformed input request: #: required key [inputText] not found, please reformat your input and try again."}),
        );
        assert!(error_entry(&r, &Scrubber::default()).is_none());
    }

    #[test]
    fn streams_are_recorded_as_decoded_chunks_unless_they_end_in_an_exception() {
        use crate::eventstream::{chunk_message, encode, exception_message};
        let mut body = encode(&chunk_message(br#"{"a":1,"requestId":"x"}"#, "pad")).unwrap();
        body.extend(encode(&chunk_message(b"[DONE]", "p")).unwrap());
        let ok = FakeResponse {
            status: 200,
            body: body.clone(),
            ..Default::default()
        };
        let Some(Entry::Stream(chunks)) = entry(
            Operation::InvokeWithResponseStream,
            &ok,
            &Scrubber::default(),
        )
        .unwrap() else {
            panic!("not a stream entry")
        };
        assert_eq!(
            chunks,
            vec![
                json!({"a": 1, "requestId": super::super::scrub::ZERO_REQUEST_ID}),
                json!("[DONE]")
            ]
        );

        body.extend(encode(&exception_message("modelStreamErrorException", &b"{}"[..])).unwrap());
        let failed = FakeResponse {
            status: 200,
            body,
            ..Default::default()
        };
        assert!(entry(
            Operation::InvokeWithResponseStream,
            &failed,
            &Scrubber::default()
        )
        .unwrap()
        .is_none());

        let cut = FakeResponse {
            status: 200,
            body: ok.body[..ok.body.len() - 3].to_vec(),
            ..Default::default()
        };
        assert!(entry(
            Operation::InvokeWithResponseStream,
            &cut,
            &Scrubber::default()
        )
        .is_err());
    }
}
