//! Unit tests of the `nova` family.

use super::*;
use crate::family::test_support::{
    answer, assert_reads_back, assert_recorded_turn, assert_refuses, assert_renders_back,
    assert_request_errors, assert_streams_back, call, ctx, documented_request, model, recorded,
    recorded_chunk_values, recorded_chunks, recorded_chunks_in, recorded_in, request_fixture,
    text_answers, tool_answer, usage,
};
use crate::family::ModelFamily;
use crate::portable::{ImageFormat, ToolSpec};
use serde_json::json;

const LITE: &str = "amazon.nova-lite-v1:0";
const MICRO: &str = "amazon.nova-micro-v1:0";
const SONG_ID: &str = "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q";

fn top_song() -> ToolSpec {
    ToolSpec::new("top_song", json!({
            "type": "object",
            "properties": {"sign": {"type": "string", "description": "The call sign for the radio station for which you want the most popular song. Example calls signs are WZPZ and WKRP."}},
            "required": ["sign"]
        })).description("Get the most popular song played on a radio station.")
}

#[test]
fn builds_a_tool_round_trip() {
    let req = PortableRequest::prompt("What is the most popular song on WZPZ?")
        .message(Message::new(
            Role::Assistant,
            vec![ContentBlock::tool_use(
                SONG_ID,
                "top_song",
                json!({"sign": "WZPZ"}),
            )],
        ))
        .message(Message {
            role: Role::User,
            content: vec![ContentBlock::ToolResult {
                tool_use_id: SONG_ID.into(),
                content: vec![ToolResultContent::Json(
                    json!({"song": "Elemental Hotel", "artist": "8 Storey Hike"}),
                )],
                is_error: false,
            }],
        })
        .tool(top_song())
        .tool_choice(ToolChoice::Auto)
        .max_tokens(1000)
        .temperature(0.0);
    let body = Nova.build(&req, model(MICRO)).unwrap();
    assert_eq!(body, request_fixture(NAME, "tool_use"));
}

#[test]
fn images_errors_and_forced_tools_render_as_converse_blocks() {
    let req = PortableRequest::default()
        .message(Message {
            role: Role::User,
            content: vec![
                ContentBlock::image(ImageFormat::Jpeg, vec![1, 2, 3]),
                ContentBlock::Text("What is this?".into()),
            ],
        })
        .message(Message {
            role: Role::User,
            content: vec![ContentBlock::ToolResult {
                tool_use_id: "t1".into(),
                content: vec![ToolResultContent::Text("boom".into())],
                is_error: true,
            }],
        })
        .tool(top_song())
        .tool_choice(ToolChoice::Tool("top_song".into()))
        .stop_sequence("END");
    let body = Nova.build(&req, model(LITE)).unwrap();
    assert_eq!(
        body["messages"][0]["content"][0],
        json!({"image": {"format": "jpeg", "source": {"bytes": "AQID"}}})
    );
    assert_eq!(
        body["messages"][1]["content"][0]["toolResult"],
        json!({"toolUseId": "t1", "content": [{"text": "boom"}], "status": "error"})
    );
    assert_eq!(
        body["toolConfig"]["toolChoice"],
        json!({"tool": {"name": "top_song"}})
    );
    assert_eq!(body["inferenceConfig"], json!({"stopSequences": ["END"]}));
    assert!(body.get("system").is_none());
    let any = PortableRequest::prompt("x")
        .tool(top_song())
        .tool_choice(ToolChoice::Any);
    let body = Nova.build(&any, model(LITE)).unwrap();
    assert_eq!(body["toolConfig"]["toolChoice"], json!({"any": {}}));
}

#[test]
fn reads_both_parameter_spellings_and_writes_camel_case() {
    let typed: NovaRequest =
        serde_json::from_value(request_fixture(NAME, "legacy_spelling")).unwrap();
    let config = typed.inference_config.clone().unwrap();
    assert_eq!(config.max_tokens, Some(300));
    assert_eq!(config.top_p, Some(0.8));
    assert_eq!(config.top_k, Some(40));
    let written = serde_json::to_value(&typed).unwrap();
    assert_eq!(written["inferenceConfig"]["maxTokens"], 300);
    assert_eq!(written["inferenceConfig"]["topK"], 40);
    assert!(written["inferenceConfig"].get("max_new_tokens").is_none());
    let documented: NovaRequest = serde_json::from_value(documented_request(NAME)).unwrap();
    assert_eq!(documented.inference_config.unwrap().top_k, Some(20));
    let tools: NovaRequest = serde_json::from_value(request_fixture(NAME, "tool_use")).unwrap();
    assert_eq!(
        tools.tool_config.unwrap().tool_choice,
        Some(NovaToolChoice::Auto {})
    );
    let unknown = serde_json::from_value::<NovaRequest>(json!({
        "messages": [], "inferenceConfig": {"maxTokens": 1, "beams": 2}
    }));
    assert!(unknown.is_err());
}

#[test]
fn refuses_what_nova_cannot_express() {
    let image = PortableRequest::default().message(Message {
        role: Role::User,
        content: vec![ContentBlock::image(ImageFormat::Png, vec![0])],
    });
    let mut embed = PortableRequest::prompt("x");
    embed.embedding.dimensions = Some(256);
    let mut draw = PortableRequest::prompt("x");
    draw.image.count = Some(2);
    assert_refuses(
        &Nova,
        model(MICRO),
        [
            (image, "image content on Nova Micro"),
            (PortableRequest::default(), "no messages"),
            (
                PortableRequest::prompt("x").tool_choice(ToolChoice::Auto),
                "tool choice without tools",
            ),
            (
                PortableRequest::prompt("x")
                    .tool(top_song())
                    .tool_choice(ToolChoice::None),
                "tool choice `none`",
            ),
            (embed, "embedding options"),
            (draw, "image generation options"),
        ],
    );
}

#[test]
fn parses_the_recorded_response() {
    let resp = assert_recorded_turn(&Nova, "The tent went up", usage(31, 52));
    assert!(resp.text.starts_with("The tent went up"));
    assert!(resp.tool_calls.is_empty());
}

#[test]
fn parses_a_recorded_tool_call() {
    let resp = Nova.parse(&recorded_in(NAME, "tool_use")).unwrap();
    assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
    assert!(resp.text.starts_with("<thinking>"));
    assert_eq!(
        resp.tool_calls,
        vec![ToolCall {
            id: SONG_ID.into(),
            name: "top_song".into(),
            input: json!({"sign": "WZPZ"}),
        }]
    );
    assert_eq!(resp.usage.unwrap().input_tokens, 412);
}

#[test]
fn parses_the_recorded_stream() {
    let mut acc = StreamAccumulator::new();
    for chunk in recorded_chunks(NAME) {
        acc.feed(&Nova, &chunk).unwrap();
    }
    let events = acc.drain();
    assert!(matches!(
        events.first(),
        Some(StreamEvent::TextDelta { index: 0, .. })
    ));
    let resp = acc.finish().unwrap();
    let invoke = Nova.parse(&recorded(NAME)).unwrap();
    assert_eq!(resp.text, invoke.text);
    assert_eq!(resp.stop_reason, Some(StopReason::EndTurn));
    assert_eq!(resp.usage, invoke.usage);
    assert_eq!(resp.metrics.unwrap().invocation_latency, 1104);
}

#[test]
fn streams_a_tool_call_in_fragments() {
    let mut acc = StreamAccumulator::new();
    for chunk in recorded_chunks_in(NAME, "tool_use") {
        acc.feed(&Nova, &chunk).unwrap();
    }
    let events = acc.drain();
    assert!(events.contains(&StreamEvent::ToolUseStart {
        index: 1,
        id: SONG_ID.into(),
        name: "top_song".into(),
    }));
    let resp = acc.finish().unwrap();
    assert_eq!(resp.stop_reason, Some(StopReason::ToolUse));
    assert_eq!(resp.tool_calls.len(), 1);
    assert_eq!(resp.tool_calls[0].input, json!({"sign": "WZPZ"}));
    assert!(resp.text.contains("top_song"));
    assert_eq!(resp.usage.unwrap().output_tokens, 58);
}

fn image_turn() -> Message {
    Message {
        role: Role::User,
        content: vec![
            ContentBlock::image(ImageFormat::Webp, vec![1, 2, 3]),
            ContentBlock::Text("What is this?".into()),
            ContentBlock::image(ImageFormat::Gif, vec![4, 5]),
        ],
    }
}

#[test]
fn read_request_inverts_build() {
    let documented = PortableRequest::prompt("A camping trip")
        .system("Act as a creative writing assistant.")
        .max_tokens(500)
        .top_p(0.9)
        .top_k(20)
        .temperature(0.7)
        .stop_sequence("THE END")
        .stop_sequence("\n\nUser:");
    let conversation = PortableRequest::prompt("Hi")
        .message(Message::assistant("Hello! How can I help?"))
        .message(Message::user("Tell me a joke."));
    let tools = PortableRequest::prompt("What is the most popular song on WZPZ?")
        .system("Use tools.")
        .message(Message::new(
            Role::Assistant,
            vec![
                ContentBlock::Text("<thinking>Calling top_song.</thinking>".into()),
                ContentBlock::tool_use(SONG_ID, "top_song", json!({"sign": "WZPZ"})),
            ],
        ))
        .message(Message {
            role: Role::User,
            content: vec![
                ContentBlock::ToolResult {
                    tool_use_id: SONG_ID.into(),
                    content: vec![
                        ToolResultContent::Json(json!({"song": "Elemental Hotel"})),
                        ToolResultContent::Text("from the charts".into()),
                    ],
                    is_error: false,
                },
                ContentBlock::ToolResult {
                    tool_use_id: "tooluse_2".into(),
                    content: vec![ToolResultContent::Text("boom".into())],
                    is_error: true,
                },
            ],
        })
        .tool(top_song())
        .tool(ToolSpec::new("no_description", json!({"type": "object"})))
        .tool_choice(ToolChoice::Auto)
        .max_tokens(1000)
        .temperature(0.0);
    let images = PortableRequest::default()
        .message(image_turn())
        .tool(top_song())
        .tool_choice(ToolChoice::Tool("top_song".into()));
    let any = PortableRequest::prompt("x")
        .tool(top_song())
        .tool_choice(ToolChoice::Any);
    let no_choice = PortableRequest::prompt("x").tool(top_song());
    assert_reads_back(
        &Nova,
        model(LITE),
        [documented, conversation, tools, images, any, no_choice],
    );
}

#[test]
fn read_request_reads_both_spellings_and_skips_what_has_no_portable_form() {
    let legacy = serde_json::to_vec(&request_fixture(NAME, "legacy_spelling")).unwrap();
    let read = Nova.read_request(&legacy, model(LITE)).unwrap();
    assert_eq!(
        read.params,
        InferenceParams {
            max_tokens: Some(300),
            temperature: Some(0.2),
            top_p: Some(0.8),
            top_k: Some(40),
            stop_sequences: vec!["THE END".into()],
        }
    );
    let body = json!({
        "system": [{"text": "One."}, {"cachePoint": {"type": "default"}}, {"text": "Two."}],
        "messages": [{"role": "user", "content": [
            {"video": {"format": "mp4", "source": {"bytes": "AA=="}}},
            {"text": "Describe."},
            {"cachePoint": {"type": "default"}},
        ]}, {"role": "assistant", "content": [
            {"reasoningContent": {"reasoningText": {"text": "hm"}}},
            {"text": "A cat."},
        ]}, {"role": "user", "content": [
            {"toolResult": {"toolUseId": "t", "status": "success", "content": [
                {"image": {"format": "png", "source": {"bytes": "AA=="}}},
                {"text": "ok"},
            ]}},
        ]}],
        "reasoningConfig": {"type": "enabled"},
    });
    let read = Nova
        .read_request(body.to_string().as_bytes(), model(LITE))
        .unwrap();
    assert_eq!(read.system.as_deref(), Some("One.\nTwo."));
    assert_eq!(
        read.messages[0].content,
        vec![
            ContentBlock::Media(crate::Media::new(
                crate::MediaKind::Video,
                "mp4",
                crate::MediaSource::Bytes(vec![0])
            )),
            ContentBlock::text("Describe.")
        ]
    );
    assert_eq!(
        read.messages[1].content,
        vec![
            ContentBlock::Reasoning(crate::Reasoning::text("hm", None)),
            ContentBlock::text("A cat.")
        ]
    );
    assert_eq!(read.thinking, Some(crate::Thinking::Adaptive));
    assert_eq!(
        read.messages[2].content,
        vec![ContentBlock::tool_result("t", "ok")]
    );
    let only_cache = json!({"system": [{"cachePoint": {}}], "messages": []});
    let read = Nova
        .read_request(only_cache.to_string().as_bytes(), model(LITE))
        .unwrap();
    assert_eq!(read, PortableRequest::default());
}

#[test]
fn read_request_refuses_odd_bodies() {
    let cases = [
        (
            json!({"messages": [{"role": "system", "content": [{"text": "x"}]}]}),
            "unknown role \"system\"",
        ),
        (
            json!({"messages": [{"role": "user", "content": [{"image": {"format": "tiff", "source": {"bytes": "AA=="}}}]}]}),
            "unknown image format \"tiff\"",
        ),
        (
            json!({"messages": [{"role": "user", "content": [{"image": {"format": "png", "source": {"bytes": "%%"}}}]}]}),
            "image: media bytes",
        ),
        (
            json!({"messages": [{"role": "user", "content": [{"sound": 1}]}]}),
            "cannot parse request",
        ),
        (json!({"prompt": "x"}), "cannot parse request"),
        (json!(["x"]), "cannot parse request"),
    ];
    assert_request_errors(&Nova, model(LITE), cases);
}

fn keys(v: &Value) -> Vec<String> {
    let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

/// The event keys of a stream, each once, without the invocation metrics.
fn event_keys(chunks: &[Value]) -> Vec<String> {
    let mut all: Vec<String> = chunks
        .iter()
        .flat_map(keys)
        .filter(|k| k != "amazon-bedrock-invocationMetrics")
        .collect();
    all.sort();
    all.dedup();
    all
}

#[test]
fn rendered_responses_and_chunks_parse_back() {
    let usage = usage(31, 52);
    let song = call(
        SONG_ID,
        "top_song",
        json!({"sign": "WZPZ", "nested": {"list": [1, 2.5, "ünïcode"]}}),
    );
    let [whole, cut] = text_answers(
        "The tent went up just as the sun slipped behind the pines.",
        "The tent went",
        usage,
    );
    let answers = [
        whole,
        cut,
        tool_answer(
            "<thinking>I will call top_song.</thinking>",
            vec![song.clone()],
            usage,
        ),
        tool_answer("", vec![song, call("tooluse_2", "now", json!({}))], usage),
        answer(
            "",
            StopReason::Other("malformed_model_output".into()),
            usage,
        ),
    ];
    assert_streams_back(&Nova, &ctx(LITE), answers, |_, body, chunks| {
        assert_eq!(body["usage"]["totalTokens"], 83);
        assert_eq!(chunks[0], json!({"messageStart": {"role": "assistant"}}));
    });
}

#[test]
fn rendered_bodies_and_streams_have_the_recorded_shape() {
    let ctx = ctx(LITE);
    for file in ["default", "tool_use"] {
        let recorded_body: Value = serde_json::from_slice(&recorded_in(NAME, file)).unwrap();
        let resp = Nova.parse(&recorded_in(NAME, file)).unwrap();
        let body = Nova.render_response(&resp, &ctx).unwrap();
        assert_eq!(body, recorded_body, "{file}");
        assert_eq!(keys(&body), keys(&recorded_body), "{file}");

        let recorded_chunks: Vec<Value> = recorded_chunk_values(NAME, file);
        let chunks = Nova.render_chunks(&resp, &ctx).unwrap();
        assert_eq!(event_keys(&chunks), event_keys(&recorded_chunks), "{file}");
        // Everything but the text pieces and tool-input fragments
        // matches the recording, in order.
        let skeleton = |chunks: &[Value]| -> Vec<Value> {
            chunks
                .iter()
                .filter(|c| c.get("contentBlockDelta").is_none())
                .cloned()
                .collect()
        };
        assert_eq!(skeleton(&chunks), skeleton(&recorded_chunks), "{file}");
    }
}

#[test]
fn nova_specific_stop_reasons_are_kept() {
    assert_eq!(stop_reason("max_tokens"), StopReason::MaxTokens);
    assert_eq!(
        stop_reason("malformed_tool_use"),
        StopReason::Other("malformed_tool_use".into())
    );
}

#[test]
fn malformed_bodies_and_chunks_are_errors() {
    let err = Nova.parse(br#"{"output":{}}"#).unwrap_err();
    assert!(err.to_string().starts_with("nova: cannot parse response"));
    let mut acc = StreamAccumulator::new();
    let err = Nova
        .parse_chunk(br#"{"surprise":{}}"#, &mut acc)
        .unwrap_err();
    assert!(err.to_string().contains("no known event key"), "{err}");
    let err = Nova
        .parse_chunk(br#"{"contentBlockDelta":{"delta":5}}"#, &mut acc)
        .unwrap_err();
    assert!(err
        .to_string()
        .starts_with("nova: cannot parse stream chunk"));
}

#[test]
fn nova_2_reasoning_is_built_read_and_rendered_back() {
    use crate::reasoning::{Effort, Reasoning, Thinking};
    let nova_2 = model("amazon.nova-2-lite-v1:0");
    let req = PortableRequest::prompt("Is 2^61 - 1 prime?").effort(Effort::Low);
    let body = Nova.build(&req, nova_2).unwrap();
    assert_eq!(
        body["reasoningConfig"],
        json!({"type": "enabled", "maxReasoningEffort": "low"})
    );
    let read = Nova
        .read_request(body.to_string().as_bytes(), nova_2)
        .unwrap();
    assert_eq!(
        (read.thinking, read.effort),
        (Some(Thinking::Adaptive), Some(Effort::Low))
    );
    let off = PortableRequest::prompt("Hi").thinking(Thinking::Disabled);
    assert_eq!(
        Nova.build(&off, nova_2).unwrap()["reasoningConfig"],
        json!({"type": "disabled"})
    );
    let err = Nova
        .build(&PortableRequest::prompt("Hi").effort(Effort::Max), nova_2)
        .unwrap_err();
    assert!(err.to_string().contains("effort max"), "{err}");

    let ctx = ctx("amazon.nova-2-lite-v1:0");
    let resp = PortableResponse {
        text: "Yes.".into(),
        reasoning: vec![Reasoning::text("[REDACTED]", None)],
        stop_reason: Some(StopReason::EndTurn),
        usage: usage(9, 40),
        ..Default::default()
    };
    let rendered = Nova.render_response(&resp, &ctx).unwrap();
    assert_eq!(
        rendered["output"]["message"]["content"][0],
        json!({"reasoningContent": {"reasoningText": {"text": "[REDACTED]"}}})
    );
    assert_renders_back(&Nova, &ctx, [resp]);
}
