//! Round-trip properties: a native body read back builds the same body; an
//! event stream survives any split and refuses any corruption; the fake's
//! answers parse and its token counts agree across headers, bodies and
//! stream metrics.

use crate::properties::request;
use crate::support::{callable_id, first_model};
use bedrock_harness::eventstream::{chunk_message, encode, padding, Frame, FrameDecoder};
use bedrock_harness::fake::{FakeConfig, FakeRequest, FakeResponse, FakeState};
use bedrock_harness::{
    families, family_by_name, Catalog, ContentBlock, Error, ImageFormat, Message, ModelFamily,
    ModelId, ModelInfo, Output, PortableRequest, Role, StreamAccumulator, ToolResultContent,
};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::json;
use std::sync::OnceLock;

/// The first bytes of an image of `format`, then `tail`: enough for
/// families that tell the format from the bytes.
fn image_bytes(format: ImageFormat, tail: &[u8]) -> Vec<u8> {
    let mut data = match format {
        ImageFormat::Png => b"\x89PNG\r\n\x1a\n".to_vec(),
        ImageFormat::Jpeg => vec![0xFF, 0xD8, 0xFF, 0xE0],
        ImageFormat::Gif => b"GIF89a".to_vec(),
        ImageFormat::Webp => b"RIFF\x1a\0\0\0WEBPVP8 ".to_vec(),
    };
    data.extend_from_slice(tail);
    data
}

/// A request of [`request`], with or without an image in its first turn,
/// and, when it has tools, with or without a finished tool call: the
/// assistant's call and the user's result after the last user turn.
fn rich_request() -> impl Strategy<Value = PortableRequest> {
    let image = (
        prop::sample::select(vec![
            ImageFormat::Png,
            ImageFormat::Jpeg,
            ImageFormat::Gif,
            ImageFormat::Webp,
        ]),
        prop::collection::vec(any::<u8>(), 0..24),
    );
    let exchange = (
        "[a-zA-Z0-9_]{1,16}",
        "[a-zA-Z0-9 ,.]{1,30}",
        any::<bool>(),
        any::<bool>(),
    );
    (
        request(),
        prop::option::of(image),
        prop::option::of(exchange),
    )
        .prop_map(|(mut req, image, exchange)| {
            if let Some((format, tail)) = image {
                req.messages[0]
                    .content
                    .insert(0, ContentBlock::image(format, image_bytes(format, &tail)));
            }
            if let (Some((id, result, as_json, is_error)), Some(tool)) =
                (exchange, req.tools.first())
            {
                req.messages.push(Message::new(
                    Role::Assistant,
                    vec![ContentBlock::tool_use(
                        id.clone(),
                        tool.name.clone(),
                        json!({"q": result}),
                    )],
                ));
                let content = if as_json {
                    ToolResultContent::Json(json!({"result": result}))
                } else {
                    ToolResultContent::Text(result)
                };
                req.messages.push(Message {
                    role: Role::User,
                    content: vec![ContentBlock::ToolResult {
                        tool_use_id: id,
                        content: vec![content],
                        is_error,
                    }],
                });
            }
            req
        })
}

/// The ways a request is cut down, one after the other, until a model's
/// family can build it: first what the model's kind of output cannot use,
/// then one feature at a time. Each step keeps the ones before it.
const RELAXATIONS: &[fn(&mut PortableRequest, Output)] = &[
    |_, _| {},
    |r, output| match output {
        Output::Text => {
            r.embedding = Default::default();
            r.image = Default::default();
            r.rerank = Default::default();
        }
        Output::Rerank => {
            r.system = None;
            r.params = Default::default();
            r.tools.clear();
            r.tool_choice = None;
            r.embedding = Default::default();
            r.image = Default::default();
            r.thinking = None;
            r.effort = None;
        }
        Output::Embedding | Output::Image => {
            r.rerank = Default::default();
            r.system = None;
            r.params = Default::default();
            r.tools.clear();
            r.tool_choice = None;
            if output == Output::Embedding {
                r.image = Default::default();
            } else {
                r.embedding = Default::default();
            }
        }
    },
    |r, _| r.tool_choice = None,
    |r, _| {
        r.tools.clear();
        r.messages.retain(|m| {
            !m.content.iter().any(|b| {
                matches!(
                    b,
                    ContentBlock::ToolUse { .. } | ContentBlock::ToolResult { .. }
                )
            })
        });
    },
    |r, _| {
        for m in &mut r.messages {
            m.content
                .retain(|b| !matches!(b, ContentBlock::Image { .. }));
        }
        r.messages.retain(|m| !m.content.is_empty());
    },
    |r, _| r.params.top_k = None,
    |r, _| r.params.stop_sequences.clear(),
    |r, _| r.system = None,
    |r, _| {
        let last = r.messages.pop();
        r.messages.clear();
        r.messages.extend(last);
    },
    |r, _| {
        r.params.top_p = None;
        r.params.temperature = None;
    },
    |r, _| r.params.max_tokens = None,
    |r, _| {
        r.thinking = None;
        r.effort = None;
    },
    |r, _| r.embedding = Default::default(),
    |r, _| r.image = Default::default(),
];

/// `req`, cut down until `model`'s family builds it: the request and its
/// body, or `None` when even the barest prompt is refused. Only
/// `Error::Unsupported` (a feature the family cannot express) and
/// `Error::Refused` (a setting the model's own rules refuse, such as a
/// thinking type or a sampling parameter) count as refusals.
fn fit(
    family: &dyn ModelFamily,
    model: &ModelInfo,
    req: &PortableRequest,
) -> Result<Option<(PortableRequest, Vec<u8>)>, TestCaseError> {
    let mut req = req.clone();
    for relax in RELAXATIONS {
        relax(&mut req, model.output);
        match family.build_bytes(&req, model) {
            Ok(body) => return Ok(Some((req, body))),
            Err(Error::Unsupported { .. }) => {}
            Err(Error::Refused { .. }) => {}
            Err(other) => {
                return Err(TestCaseError::fail(format!(
                    "{}: building {req:?} failed: {other}",
                    model.id
                )))
            }
        }
    }
    Ok(None)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// For every model: whatever the family builds, it reads back into a
    /// request that builds the very same body, byte for byte. Lossy
    /// families may read back less than was asked, but never something
    /// that builds differently.
    #[test]
    fn build_read_build_is_build(req in rich_request()) {
        for model in Catalog::embedded().models() {
            let family = family_by_name(&model.family).unwrap();
            let Some((req, first)) = fit(family, model, &req)? else { continue };
            let read = family.read_request(&first, model).map_err(|e| {
                TestCaseError::fail(format!(
                    "{}: cannot read back its own body {}: {e}",
                    model.id,
                    String::from_utf8_lossy(&first)
                ))
            })?;
            let second = family.build_bytes(&read, model).map_err(|e| {
                TestCaseError::fail(format!("{}: cannot build what it read back ({read:?}): {e}", model.id))
            })?;
            prop_assert_eq!(
                String::from_utf8_lossy(&first),
                String::from_utf8_lossy(&second),
                "{}: {:?} read back as {:?} builds differently",
                model.id,
                req,
                read
            );
        }
    }
}

/// The frames of `chunks`, concatenated, as the fake sends them.
fn encode_chunks(chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        bytes.extend(encode(&chunk_message(chunk, &padding(i))).unwrap());
    }
    bytes
}

/// `bytes` cut at the positions `cuts` pick.
fn split<'a>(bytes: &'a [u8], cuts: &[Index]) -> Vec<&'a [u8]> {
    let mut at: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
    at.push(0);
    at.push(bytes.len());
    at.sort_unstable();
    at.dedup();
    at.windows(2).map(|w| &bytes[w[0]..w[1]]).collect()
}

/// Feeds `pieces` in order until the decoder fails: the frames decoded and
/// the error, if any.
fn feed_all(decoder: &mut FrameDecoder, pieces: &[&[u8]]) -> (Vec<Frame>, Option<Error>) {
    let mut frames = Vec::new();
    for piece in pieces {
        match decoder.feed(piece) {
            Ok(more) => frames.extend(more),
            Err(e) => return (frames, Some(e)),
        }
    }
    (frames, None)
}

fn payloads() -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..96), 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Chunks encoded, concatenated and cut anywhere come back whole, in
    /// order, with nothing left over.
    #[test]
    fn chunks_survive_any_split(chunks in payloads(), cuts in prop::collection::vec(any::<Index>(), 0..10)) {
        let bytes = encode_chunks(&chunks);
        let mut decoder = FrameDecoder::new();
        let (frames, error) = feed_all(&mut decoder, &split(&bytes, &cuts));
        prop_assert!(error.is_none(), "{:?}", error);
        let expected: Vec<Frame> = chunks.into_iter().map(Frame::Chunk).collect();
        prop_assert_eq!(frames, expected);
        prop_assert!(!decoder.has_partial_frame());
    }

    /// One flipped byte anywhere: the decoder gives the chunks before the
    /// damaged frame and then an `Error::EventStream` (a checksum, or a
    /// header that no longer parses, which is read before the message
    /// checksum is checked), or (when the flip
    /// lengthens a frame's prelude length) waits for bytes that never come,
    /// with a partial frame buffered. Never a panic, never a damaged chunk,
    /// never the whole original list.
    #[test]
    fn a_flipped_byte_never_passes(
        chunks in payloads(),
        at in any::<Index>(),
        mask in 1u8..=255,
        cuts in prop::collection::vec(any::<Index>(), 0..10),
    ) {
        let mut bytes = encode_chunks(&chunks);
        let at = at.index(bytes.len());
        bytes[at] ^= mask;
        let mut decoder = FrameDecoder::new();
        let (frames, error) = feed_all(&mut decoder, &split(&bytes, &cuts));
        let expected: Vec<Frame> = chunks.into_iter().map(Frame::Chunk).collect();
        prop_assert!(
            expected.starts_with(&frames),
            "byte {} ^ {:#04x}: decoded {:?}, not a prefix of the original",
            at, mask, frames
        );
        prop_assert!(frames.len() < expected.len(), "byte {} ^ {:#04x}: every chunk came back", at, mask);
        match error {
            Some(Error::EventStream(_)) => {}
            Some(other) => prop_assert!(false, "byte {} ^ {:#04x}: {:?}", at, mask, other),
            None => prop_assert!(
                decoder.has_partial_frame(),
                "byte {} ^ {:#04x}: no error and nothing pending",
                at, mask
            ),
        }
    }
}

/// A fake that serves every model, end-of-life ones included.
fn fake() -> &'static FakeState {
    static FAKE: OnceLock<FakeState> = OnceLock::new();
    FAKE.get_or_init(|| {
        FakeState::new(FakeConfig {
            serve_end_of_life: true,
            ..crate::support::pinned()
        })
        .unwrap()
    })
}

/// The models the fake is checked with: each family's first model, and the
/// first profile-only model of each family that has one.
fn fake_models() -> &'static [&'static ModelInfo] {
    static MODELS: OnceLock<Vec<&'static ModelInfo>> = OnceLock::new();
    MODELS.get_or_init(|| {
        let mut models = Vec::new();
        for family in families() {
            models.push(first_model(family.name()));
            if let Some(profiled) = Catalog::embedded()
                .models()
                .iter()
                .find(|m| m.family == family.name() && m.profile_only)
            {
                if !models.iter().any(|m| m.id == profiled.id) {
                    models.push(profiled);
                }
            }
        }
        models
    })
}

fn call(model: &ModelInfo, operation: &str, body: &[u8]) -> FakeResponse {
    let label = ModelId::parse(&callable_id(model)).unwrap().to_path_label();
    fake().handle(&FakeRequest::post(
        &format!("/model/{label}/{operation}"),
        body.to_vec(),
    ))
}

fn count_header(resp: &FakeResponse, name: &str) -> Option<u32> {
    resp.header(name).map(|v| {
        v.parse()
            .unwrap_or_else(|_| panic!("{name} is not a count: {v}"))
    })
}

/// Calls `model` with `req` through invoke and, where the model streams,
/// through invoke-with-response-stream, and checks the answers agree.
fn check_fake(
    family: &dyn ModelFamily,
    model: &ModelInfo,
    req: &PortableRequest,
) -> Result<(), TestCaseError> {
    let Some((req, body)) = fit(family, model, req)? else {
        return Ok(());
    };
    let shown = String::from_utf8_lossy(&body);
    let resp = call(model, "invoke", &body);
    prop_assert_eq!(
        resp.status,
        200,
        "{}: invoke {} answered {}",
        model.id,
        shown,
        String::from_utf8_lossy(&resp.body)
    );
    let parsed = family.parse(&resp.body).map_err(|e| {
        TestCaseError::fail(format!(
            "{}: the fake's answer does not parse: {e}",
            model.id
        ))
    })?;
    let input = count_header(&resp, "X-Amzn-Bedrock-Input-Token-Count")
        .ok_or_else(|| TestCaseError::fail(format!("{}: no input token count", model.id)))?;
    let output = count_header(&resp, "X-Amzn-Bedrock-Output-Token-Count");
    prop_assert_eq!(
        output.is_none(),
        matches!(model.output, Output::Embedding | Output::Rerank),
        "{}: output token count header {:?}",
        model.id,
        output
    );
    if let Some(usage) = parsed.usage {
        prop_assert_eq!(
            usage.input_tokens,
            input,
            "{}: input tokens, body vs header",
            &model.id
        );
        if let Some(output) = output {
            prop_assert_eq!(
                usage.output_tokens,
                output,
                "{}: output tokens, body vs header",
                &model.id
            );
        }
    }
    match model.output {
        Output::Text => prop_assert!(
            // A small limit can be spent on reasoning alone.
            !parsed.text.is_empty()
                || !parsed.tool_calls.is_empty()
                || !parsed.reasoning.is_empty()
                || output == Some(0),
            "{}: an empty answer",
            model.id
        ),
        Output::Embedding => prop_assert_eq!(parsed.embeddings.len(), req.user_texts().len()),
        Output::Image => prop_assert_eq!(
            parsed.images.len(),
            req.image.count.unwrap_or(1) as usize,
            "{}: images",
            &model.id
        ),
        Output::Rerank => {
            prop_assert_eq!(
                parsed.rankings.len(),
                req.rerank.results(),
                "{}: rankings",
                &model.id
            );
        }
    }
    if !model.streaming {
        return Ok(());
    }

    let resp = call(model, "invoke-with-response-stream", &body);
    prop_assert_eq!(
        resp.status,
        200,
        "{}: stream answered {}",
        model.id,
        String::from_utf8_lossy(&resp.body)
    );
    let mut decoder = FrameDecoder::new();
    let frames = decoder
        .feed(&resp.body)
        .map_err(|e| TestCaseError::fail(format!("{}: stream frames: {e}", model.id)))?;
    prop_assert!(
        !decoder.has_partial_frame(),
        "{}: a truncated stream",
        model.id
    );
    let mut acc = StreamAccumulator::new();
    for frame in frames {
        let Frame::Chunk(chunk) = frame else {
            return Err(TestCaseError::fail(format!(
                "{}: not a chunk: {frame:?}",
                model.id
            )));
        };
        acc.feed(family, &chunk).map_err(|e| {
            TestCaseError::fail(format!(
                "{}: chunk {}: {e}",
                model.id,
                String::from_utf8_lossy(&chunk)
            ))
        })?;
    }
    let streamed = acc
        .finish()
        .map_err(|e| TestCaseError::fail(format!("{}: stream: {e}", model.id)))?;
    let metrics = streamed
        .metrics
        .ok_or_else(|| TestCaseError::fail(format!("{}: no invocation metrics", model.id)))?;
    // The same answer must report the same counts whether it was invoked
    // or streamed. A recording may hold an invoke answer and a stream
    // answer recorded separately (different texts): then the metrics must
    // agree with the stream's own usage.
    if streamed.text == parsed.text && streamed.tool_calls == parsed.tool_calls {
        prop_assert_eq!(
            metrics.input_token_count,
            input,
            "{}: input tokens, stream vs invoke",
            &model.id
        );
        if let Some(output) = output {
            prop_assert_eq!(
                metrics.output_token_count,
                output,
                "{}: output tokens, stream vs invoke",
                &model.id
            );
        }
    } else if let Some(usage) = streamed.usage {
        prop_assert_eq!(
            (metrics.input_token_count, metrics.output_token_count),
            (usage.input_tokens, usage.output_tokens),
            "{}: stream metrics vs the stream's usage",
            &model.id
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// The fake answers every valid request of a sample of models with a
    /// body the family parses, and its token counts agree: headers with the
    /// body's usage, the stream's invocation metrics with the headers.
    #[test]
    fn the_fake_answers_parse_and_counts_agree(req in rich_request()) {
        for model in fake_models() {
            let family = family_by_name(&model.family).unwrap();
            check_fake(family, model, &req)?;
        }
    }
}
