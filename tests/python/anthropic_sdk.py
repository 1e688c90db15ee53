"""The current `anthropic` SDK's Bedrock client against `bedrock-harness serve`.

`AnthropicBedrock` signs with SigV4 and sends the SDK's default
`anthropic_version` (2026-10-21 in the 2.x SDKs) in every body: the
Messages-API-era models (Claude Opus 4.7 and later) take it, the
ARN-versioned ones (Opus 4.6 and earlier) refuse it with a 400.

Run with AWS_ENDPOINT_URL_BEDROCK_RUNTIME pointing at the fake. Exits
non-zero on the first failed check.
"""

import os

import anthropic
from anthropic import AnthropicBedrock
from checks import check, finish

OPUS_5 = "us.anthropic.claude-opus-5"
SONNET_5_5 = "us.anthropic.claude-sonnet-5-5"
OPUS_4_6 = "us.anthropic.claude-opus-4-6-v1"

client = AnthropicBedrock(
    aws_access_key="test",
    aws_secret_key="test",
    aws_region="us-east-1",
    base_url=os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"],
    max_retries=0,
)

# A plain call with the SDK's default anthropic_version.
msg = client.messages.create(
    model=OPUS_5,
    max_tokens=256,
    messages=[{"role": "user", "content": "Hello, Claude"}],
)
check("Opus 5 answers the SDK's default anthropic_version", msg.content[0].type == "text", msg)
check("the usage counts tokens", msg.usage.input_tokens > 0 and msg.usage.output_tokens > 0, msg.usage)

# Adaptive thinking with an effort: a signed thinking block, then the text.
msg = client.messages.create(
    model=OPUS_5,
    max_tokens=2048,
    thinking={"type": "adaptive"},
    extra_body={"output_config": {"effort": "high"}},
    messages=[{"role": "user", "content": "Plan a weekend in Lisbon"}],
)
kinds = [block.type for block in msg.content]
check("adaptive thinking answers thinking then text", kinds == ["thinking", "text"], kinds)
check("the thinking block is signed", kinds[:1] == ["thinking"] and bool(msg.content[0].signature), msg.content)
check("a thinking answer names the model called", msg.model == "claude-opus-5", msg.model)

# The thinking block goes back in the next turn, as the SDK's users send it.
follow_up = client.messages.create(
    model=OPUS_5,
    max_tokens=2048,
    thinking={"type": "adaptive"},
    messages=[
        {"role": "user", "content": "Plan a weekend in Lisbon"},
        {"role": "assistant", "content": [block.model_dump() for block in msg.content]},
        {"role": "user", "content": "And a rainy day?"},
    ],
)
check("a signed thinking block is taken back", follow_up.content[-1].type == "text", follow_up)

# Streaming: thinking deltas, a signature, then text deltas.
events = []
with client.messages.stream(
    model=SONNET_5_5,
    max_tokens=1024,
    thinking={"type": "adaptive"},
    messages=[{"role": "user", "content": "Name three rivers"}],
) as stream:
    for event in stream:
        if event.type == "content_block_delta":
            events.append(event.delta.type)
    final = stream.get_final_message()
check("the stream sends thinking deltas first", events[:1] == ["thinking_delta"], events)
check("the stream signs its thinking", "signature_delta" in events, events)
check("the stream's final message has its text", final.content[-1].type == "text" and final.content[-1].text, final)


def refused(name, expected, **kwargs):
    try:
        client.messages.create(messages=[{"role": "user", "content": "Hi"}], **kwargs)
        check(name, False, "no error")
    except anthropic.BadRequestError as err:
        message = err.body.get("message", "") if isinstance(err.body, dict) else ""
        check(name, err.status_code == 400 and expected in message, str(err))


refused(
    "Opus 4.6 refuses the SDK's default anthropic_version",
    "Invalid API version: claude-opus-4-6-v1",
    model=OPUS_4_6,
    max_tokens=256,
)
refused(
    "manual thinking is refused on Opus 5",
    '"thinking.type.enabled" is not supported for this model.',
    model=OPUS_5,
    max_tokens=4096,
    thinking={"type": "enabled", "budget_tokens": 2048},
)
refused(
    "the 2026-10-21 version takes no temperature",
    "temperature: Extra inputs are not permitted",
    model=OPUS_5,
    max_tokens=256,
    # The 2.x SDKs take no temperature argument: the 2026-10-21 API has none.
    extra_body={"temperature": 0.5},
)
refused(
    "max_tokens above Opus 5's limit names the model",
    "max_tokens: 200000 > 128000, which is the maximum allowed number of output tokens for claude-opus-5",
    model=OPUS_5,
    max_tokens=200000,
    # The SDK insists on streaming for so long an answer unless told a timeout.
    timeout=60,
)

# Opus 4.8 takes a system message between turns; Opus 4.7 does not.
msg = client.messages.create(
    model="us.anthropic.claude-opus-4-8",
    max_tokens=256,
    messages=[
        {"role": "user", "content": "Plan a weekend in Lisbon."},
        {"role": "system", "content": "From now on, answer in French."},
    ],
)
check("Opus 4.8 answers after a mid-conversation system message", msg.content[-1].type == "text", msg)
try:
    client.messages.create(
        model="us.anthropic.claude-opus-4-7",
        max_tokens=256,
        messages=[{"role": "user", "content": "Hi"}, {"role": "system", "content": "Be brief."}],
    )
    check("Opus 4.7 refuses a system message between turns", False, "no error")
except anthropic.BadRequestError as err:
    message = err.body.get("message", "") if isinstance(err.body, dict) else ""
    check("Opus 4.7 refuses a system message between turns", "messages.1.role" in message, str(err))

# Prompt caching with Claude's own cache_control (Opus 5 caches from 512 tokens).
cached = dict(
    model=OPUS_5,
    max_tokens=64,
    system=[{"type": "text", "text": "policy " * 400, "cache_control": {"type": "ephemeral"}}],
    messages=[{"role": "user", "content": "Summarize."}],
)
first = client.messages.create(**cached).usage
again = client.messages.create(**cached).usage
check("cache_control writes its prefix once", first.cache_creation_input_tokens > 512 and first.cache_read_input_tokens == 0, first)
check("and reads it after", again.cache_read_input_tokens == first.cache_creation_input_tokens, again)

finish()
