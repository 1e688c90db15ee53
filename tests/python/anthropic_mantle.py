"""The `anthropic` SDK's Bedrock Mantle client (`AnthropicBedrockMantle`)
against `bedrock-harness serve`'s Messages API, pointed at it as a user
points it at bedrock-mantle: ANTHROPIC_BEDROCK_MANTLE_BASE_URL ending in
`/anthropic`, and a Bedrock API key."""

import anthropic
from anthropic import AnthropicBedrockMantle

from checks import check, finish

client = AnthropicBedrockMantle(api_key="ABSKYmVkcm9jay1oYXJuZXNzLXRlc3Q=", max_retries=0)
OPUS_5 = "us.anthropic.claude-opus-5"
hello = [{"role": "user", "content": "Hello, Claude"}]

msg = client.messages.create(model=OPUS_5, max_tokens=256, messages=hello)
check("messages.create answers a message", msg.type == "message" and msg.content[0].type == "text", msg)
check("with usage", msg.usage.input_tokens > 0 and msg.usage.output_tokens > 0, msg.usage)

with client.messages.stream(model=OPUS_5, max_tokens=256, messages=hello) as stream:
    text = "".join(stream.text_stream)
    final = stream.get_final_message()
check("a stream's events build the same message", text == msg.content[0].text and final.stop_reason == "end_turn", (text, final))

try:
    client.messages.create(model="openai.gpt-oss-20b-1:0", max_tokens=16, messages=hello)
    check("a model that is not Claude is refused", False, "no error")
except anthropic.NotFoundError as err:
    check("a model that is not Claude is refused (not_found_error)", err.body["error"]["type"] == "not_found_error", err.body)

try:
    client.messages.create(model=OPUS_5, max_tokens=0, messages=hello)
    check("a bad body is refused", False, "no error")
except anthropic.BadRequestError as err:
    check(
        "a bad body is refused in the Messages API's error shape",
        err.body == {"type": "error", "error": {"type": "invalid_request_error",
                                                 "message": "max_tokens: Input should be greater than or equal to 1"}},
        err.body,
    )

finish()
