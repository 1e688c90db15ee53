"""The official `openai` SDK and the `anthropic` SDK's Bedrock Mantle client
against `bedrock-harness serve --mantle --verify-sigv4 ...`, pointed at it
as a user points them at bedrock-mantle: OPENAI_BASE_URL (`{endpoint}/v1`)
and ANTHROPIC_BEDROCK_MANTLE_BASE_URL (`{endpoint}/anthropic`), as `serve`
prints them. The openai SDK sends a Bedrock API key; the anthropic client
signs with SigV4 for the `bedrock-mantle` service."""

import os

import anthropic
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import openai
import urllib.request
import urllib.error
import json
from anthropic import AnthropicBedrockMantle

from checks import check, finish

KEY = "ABSKYmVkcm9jay1oYXJuZXNzLXRlc3Q="
ACCESS, SECRET = "AKIDHARNESS", "harness-secret"
client = openai.OpenAI(api_key=KEY, max_retries=0)
GPT_OSS = "openai.gpt-oss-120b"
messages = [{"role": "user", "content": "What is Amazon S3?"}]

ids = [m.id for m in client.models.list()]
check("models.list names Mantle's models by their Mantle ids",
      {"openai.gpt-oss-120b", "anthropic.claude-haiku-4-5"} <= set(ids) and not any(":" in i for i in ids), ids)

done = client.chat.completions.create(model=GPT_OSS, messages=messages)
check("chat.completions answers under the Mantle id", done.object == "chat.completion" and done.model == GPT_OSS, done)
text = "".join(c.choices[0].delta.content or "" for c in client.chat.completions.create(model=GPT_OSS, messages=messages, stream=True) if c.choices)
check("a chat stream carries the same text", text == done.choices[0].message.content, text)

deepseek = client.chat.completions.create(model="deepseek.v3.2", messages=messages)
check("DeepSeek V3.2 takes OpenAI's body on Mantle", deepseek.model == "deepseek.v3.2" and bool(deepseek.choices[0].message.content), deepseek)

try:
    client.chat.completions.create(model="openai.gpt-oss-120b-1:0", messages=messages)
    check("a bedrock-runtime id does not exist on Mantle", False, "no error")
except openai.NotFoundError as err:
    check("a bedrock-runtime id does not exist on Mantle, in Mantle's words",
          err.body["message"] == "The model 'openai.gpt-oss-120b-1:0' does not exist" and err.code == "not_found_error", err.body)

try:
    client.chat.completions.create(model="anthropic.claude-haiku-4-5", messages=messages)
    check("Claude is not on Chat Completions", False, "no error")
except openai.BadRequestError as err:
    check("Claude is not on Chat Completions, in Mantle's words",
          err.body["message"] == "The model 'anthropic.claude-haiku-4-5' does not support the '/v1/chat/completions' API"
          and err.code == "validation_error", err.body)

kinds, deltas, completed = [], "", None
for event in client.responses.create(model=GPT_OSS, input="What is Amazon S3?", stream=True):
    kinds.append(event.type)
    if event.type == "response.output_text.delta":
        deltas += event.delta
    if event.type == "response.completed":
        completed = event.response
check("a streamed Responses call opens and closes as Mantle's stream does",
      kinds[:3] == ["response.created", "response.in_progress", "response.output_item.added"]
      and kinds[-2:] == ["response.output_text.done", "response.completed"], kinds)
check("its text deltas add up to the completed response's text, reasoning kept apart",
      completed is not None and deltas == completed.output_text and "<reasoning>" not in deltas
      and [o.type for o in completed.output] == ["reasoning", "message"], (deltas, completed))

try:
    client.responses.create(model="openai.gpt-oss-safeguard-20b", input="Hi")
    check("gpt-oss-safeguard takes no Responses", False, "no error")
except openai.BadRequestError as err:
    check("gpt-oss-safeguard takes no Responses, in Mantle's words",
          err.body["message"] == "The model 'openai.gpt-oss-safeguard-20b' does not support the '/v1/responses' API", err.body)

# GPT-5.5, which only Mantle serves, takes the Responses API under /openai/v1.
frontier = openai.OpenAI(api_key=KEY, max_retries=0, base_url=os.environ["OPENAI_BASE_URL"].removesuffix("/v1") + "/openai/v1")
r = frontier.responses.create(model="openai.gpt-5.5", input="What is Amazon S3?")
check("GPT-5.5 answers a Responses call under /openai/v1", r.status == "completed" and bool(r.output_text), r)
try:
    client.responses.create(model="openai.gpt-5.5", input="Hi")
    check("GPT-5.5 is refused under /v1", False, "no error")
except openai.BadRequestError as err:
    check("GPT-5.5 is refused under /v1 in AWS's words", err.body["message"] == "model openai.gpt-5.5 isn't supported on this route", err.body)

# The anthropic SDK's Mantle client, signing for bedrock-mantle.
signed = AnthropicBedrockMantle(aws_access_key=ACCESS, aws_secret_key=SECRET, aws_region="us-east-1", max_retries=0)
hello = [{"role": "user", "content": "Hello, Claude"}]
msg = signed.messages.create(model="anthropic.claude-haiku-4-5", max_tokens=256, messages=hello)
check("a SigV4-signed Messages call answers", msg.type == "message" and msg.content[0].type == "text", msg)
with signed.messages.stream(model="anthropic.claude-haiku-4-5", max_tokens=256, messages=hello) as stream:
    streamed = "".join(stream.text_stream)
check("and streams the same text", streamed == msg.content[0].text, streamed)
try:
    signed.messages.create(model="openai.gpt-oss-120b", max_tokens=16, messages=hello)
    check("gpt-oss is not on the Messages API", False, "no error")
except anthropic.BadRequestError as err:
    check("gpt-oss is not on the Messages API, in Mantle's words",
          err.body["error"]["message"] == "The model 'openai.gpt-oss-120b' does not support the '/anthropic/v1/messages' API", err.body)

# A signature scoped to `bedrock` (bedrock-runtime's service) is refused.
url = os.environ["ANTHROPIC_BEDROCK_MANTLE_BASE_URL"] + "/v1/messages"
body = json.dumps({"model": "anthropic.claude-haiku-4-5", "max_tokens": 8, "messages": hello})
request = botocore.awsrequest.AWSRequest(method="POST", url=url, data=body, headers={"content-type": "application/json"})
botocore.auth.SigV4Auth(botocore.credentials.Credentials(ACCESS, SECRET), "bedrock", "us-east-1").add_auth(request)
prepared = request.prepare()
try:
    urllib.request.urlopen(urllib.request.Request(url, data=body.encode(), headers=dict(prepared.headers), method="POST"))
    check("a scope naming bedrock is refused", False, "no error")
except urllib.error.HTTPError as err:
    refusal = err.read().decode()
    check("a scope naming bedrock is refused: Mantle signs as bedrock-mantle",
          err.code == 403 and "Credential should be scoped to correct service: 'bedrock-mantle'" in refusal, refusal)

finish()
