"""The `bedrock_fake` fixture through boto3: every call a user makes."""

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError

import bedrock_harness
from bedrock_harness import error, stream_error, text, tool_call

NOVA = "amazon.nova-micro-v1:0"
CLAUDE = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
NO_RETRIES = Config(retries={"total_max_attempts": 1})


def converse(client, words="Hi", model=NOVA, **extra):
    return client.converse(modelId=model, messages=[{"role": "user", "content": [{"text": words}]}], **extra)


def test_the_environment_points_boto3_at_the_fake(bedrock_fake):
    client = boto3.client("bedrock-runtime")
    assert client.meta.endpoint_url == bedrock_fake.url
    assert client.meta.region_name == "us-east-1"
    answer = converse(client)
    assert answer["stopReason"] == "end_turn"
    assert answer["output"]["message"]["role"] == "assistant"


def test_invoke_model_answers_in_the_models_own_shape(bedrock_fake):
    bedrock_fake.rule(text("Native Claude", times=1))
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "Hi"}],
    }
    raw = bedrock_fake.client().invoke_model(modelId=CLAUDE, body=json.dumps(body))
    answer = json.loads(raw["body"].read())
    assert answer["type"] == "message"
    assert answer["content"] == [{"type": "text", "text": "Native Claude"}]
    assert answer["stop_reason"] == "end_turn"


def test_invoke_model_with_response_stream_sends_chunks(bedrock_fake):
    bedrock_fake.rule(text("Streamed words arrive in pieces", times=1))
    body = {"messages": [{"role": "user", "content": [{"text": "Hi"}]}]}
    stream = bedrock_fake.client().invoke_model_with_response_stream(modelId=NOVA, body=json.dumps(body))
    chunks = [json.loads(event["chunk"]["bytes"]) for event in stream["body"]]
    said = "".join(
        chunk["contentBlockDelta"]["delta"]["text"] for chunk in chunks if "contentBlockDelta" in chunk
    )
    assert said == "Streamed words arrive in pieces"
    assert "messageStop" in chunks[-2] or "messageStop" in chunks[-1]


def test_converse_stream_and_a_scripted_tool_call(bedrock_fake):
    bedrock_fake.rule(tool_call("get_weather", {"city": "Oslo"}, operation="converse-stream"))
    tools = {
        "tools": [
            {
                "toolSpec": {
                    "name": "get_weather",
                    "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}}},
                }
            }
        ]
    }
    events = list(
        bedrock_fake.client().converse_stream(
            modelId=NOVA, messages=[{"role": "user", "content": [{"text": "Weather?"}]}], toolConfig=tools
        )["stream"]
    )
    start = next(e["contentBlockStart"] for e in events if "contentBlockStart" in e)
    assert start["start"]["toolUse"]["name"] == "get_weather"
    arguments = "".join(
        e["contentBlockDelta"]["delta"]["toolUse"]["input"]
        for e in events
        if "contentBlockDelta" in e and "toolUse" in e["contentBlockDelta"]["delta"]
    )
    assert json.loads(arguments) == {"city": "Oslo"}
    assert next(e["messageStop"] for e in events if "messageStop" in e)["stopReason"] == "tool_use"


def test_a_scripted_error_then_an_answer(bedrock_fake):
    bedrock_fake.rule(error("ThrottlingException", times=1))
    client = bedrock_fake.client(config=NO_RETRIES)
    with pytest.raises(ClientError) as refused:
        converse(client)
    assert refused.value.response["Error"]["Code"] == "ThrottlingException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert converse(client)["stopReason"] == "end_turn"


def test_a_stream_error_after_two_events(bedrock_fake):
    bedrock_fake.rule(stream_error(after=2, operation="converse-stream"))
    stream = bedrock_fake.client().converse_stream(
        modelId=NOVA, messages=[{"role": "user", "content": [{"text": "Hi"}]}]
    )["stream"]
    seen = []
    with pytest.raises(EventStreamError) as broken:
        for event in stream:
            seen.append(event)  # noqa: PERF402 (the events before the error are kept)
    assert len(seen) == 2
    assert broken.value.response["Error"]["Code"] == "modelStreamErrorException"


def test_the_journal_keeps_every_call_with_its_body_and_status(bedrock_fake):
    client = bedrock_fake.client(config=NO_RETRIES)
    converse(client, "first")
    with pytest.raises(ClientError) as refused:
        client.converse(modelId=NOVA, messages=[{"role": "robot", "content": [{"text": "x"}]}])
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    calls = bedrock_fake.journal()
    assert [call["operation"] for call in calls] == ["converse", "converse"]
    assert calls[0]["model"] == NOVA
    assert calls[0]["body"]["messages"][0]["content"][0]["text"] == "first"
    assert [call["status"] for call in calls] == [200, 400]


def test_the_control_plane_lists_models(bedrock_fake):
    models = bedrock_fake.client("bedrock").list_foundation_models(byProvider="Amazon")
    ids = [summary["modelId"] for summary in models["modelSummaries"]]
    assert NOVA in ids


def test_a_rule_the_fake_cannot_follow_is_refused_with_its_reason(bedrock_fake):
    with pytest.raises(bedrock_harness.HarnessError) as refused:
        bedrock_fake.rule(text("no words for an embedding", model="amazon.titan-embed-text-v2:0"))
    assert "400" in str(refused.value)
    assert "embed" in str(refused.value)


def test_rules_in_order_form_a_sequence(bedrock_fake):
    bedrock_fake.rules([text("one", times=1), text("two", times=1)])
    client = bedrock_fake.client()
    said = [converse(client)["output"]["message"]["content"][0]["text"] for _ in range(2)]
    assert said == ["one", "two"]
    assert bedrock_fake.active_rules() == []
