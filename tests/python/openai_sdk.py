"""The official `openai` SDK against `bedrock-harness serve`'s
OpenAI-compatible Chat Completions and Responses, pointed at it as a user
points it at Bedrock Runtime: OPENAI_BASE_URL (`{endpoint}/openai/v1`, as
`serve` prints it) and a Bedrock API key."""

import openai

from checks import check, finish

client = openai.OpenAI(api_key="ABSKYmVkcm9jay1oYXJuZXNzLXRlc3Q=")
GPT_OSS = "openai.gpt-oss-120b-1:0"
messages = [{"role": "user", "content": "What is Amazon S3?"}]

done = client.chat.completions.create(model=GPT_OSS, messages=messages)
check("chat.completions answers a chat.completion", done.object == "chat.completion", done)
message = done.choices[0].message
check("with gpt-oss's reasoning inline in <reasoning> tags, as on Bedrock", message.content.startswith("<reasoning>") and "</reasoning>" in message.content, message)
check("and usage", done.usage.prompt_tokens > 0 and done.usage.completion_tokens > 0, done.usage)

text, chunks = "", 0
for chunk in client.chat.completions.create(model=GPT_OSS, messages=messages, stream=True):
    chunks += 1
    if chunk.choices:
        text += chunk.choices[0].delta.content or ""
check("a stream arrives as server-sent chunks with the same text", chunks > 1 and text == message.content, (chunks, text))

tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
called = client.chat.completions.create(
    model=GPT_OSS,
    messages=[{"role": "user", "content": "What's the weather in Oslo?"}],
    tools=tools,
    tool_choice={"type": "function", "function": {"name": "get_weather"}},
)
calls = called.choices[0].message.tool_calls or []
check("a forced tool is called", [c.function.name for c in calls] == ["get_weather"], called.choices[0])

try:
    client.chat.completions.create(model="us.anthropic.claude-sonnet-4-5-20250929-v1:0", messages=messages)
    check("Claude is not served on this path", False, "no error")
except openai.NotFoundError as err:
    check(
        "Claude is not served on this path, in Bedrock's words",
        err.body["message"] == "The model doesn't exist or doesn't support this API" and err.code == "model_not_found",
        err.body,
    )

try:
    client.chat.completions.create(model=GPT_OSS, messages=messages, temperature=5)
    check("a bad parameter is refused", False, "no error")
except openai.BadRequestError as err:
    check(
        "a bad parameter is refused as a 400 in OpenAI's envelope",
        err.status_code == 400 and err.code == "validation_error" and err.type == "invalid_request_error",
        err.body,
    )

schema = {"type": "object", "properties": {"name": {"type": "string"}, "population": {"type": "integer"}},
          "required": ["name", "population"], "additionalProperties": False}
shaped = client.chat.completions.create(
    model=GPT_OSS, messages=[{"role": "user", "content": "Give me a city"}],
    response_format={"type": "json_schema", "json_schema": {"name": "city", "strict": True, "schema": schema}},
)
answer = shaped.choices[0].message.content.split("</reasoning>")[-1]
import json
parsed = json.loads(answer)
check("response_format's JSON schema shapes the answer", set(parsed) == {"name", "population"} and isinstance(parsed["population"], int), answer)

pieces = {}
for chunk in client.chat.completions.create(
    model=GPT_OSS, messages=[{"role": "user", "content": "What's the weather in Oslo?"}], tools=tools,
    tool_choice={"type": "function", "function": {"name": "get_weather"}}, stream=True,
):
    for call in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
        entry = pieces.setdefault(call.index, {"name": "", "arguments": ""})
        entry["name"] += (call.function.name or "") if call.function else ""
        entry["arguments"] += (call.function.arguments or "") if call.function else ""
check("a streamed tool call arrives in pieces that add up to a call",
      [p["name"] for p in pieces.values()] == ["get_weather"] and isinstance(json.loads(pieces[0]["arguments"]), dict), pieces)

# The Responses API, for OpenAI's models.
r = client.responses.create(model=GPT_OSS, input="What is Amazon S3?", instructions="Be brief.")
check("responses.create answers a completed response", r.object == "response" and r.status == "completed", r)
check("with gpt-oss's reasoning as a reasoning item, then the message", [o.type for o in r.output] == ["reasoning", "message"] and bool(r.output_text), r.output)
called = client.responses.create(
    model=GPT_OSS,
    input="What's the weather in Oslo?",
    tools=[{"type": "function", "name": "get_weather", "description": "Weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}],
)
check("a tool is called as a function_call item", any(o.type == "function_call" and o.name == "get_weather" for o in called.output), called.output)
try:
    client.responses.create(model="qwen.qwen3-32b-v1:0", input="Hi")
    check("a model without the Responses API is refused", False, "no error")
except openai.BadRequestError as err:
    check(
        "a model without the Responses API is refused in Bedrock's words",
        err.body["message"] == "The model 'qwen.qwen3-32b-v1:0' does not support the '/openai/v1/responses' API",
        err.body,
    )

finish()
