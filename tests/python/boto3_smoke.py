"""A real non-Rust client against `bedrock-harness serve`: boto3.

Run with AWS_ENDPOINT_URL_BEDROCK_RUNTIME pointing at the fake. Exits
non-zero on the first failed check.
"""

import json

from botocore.exceptions import ClientError
from checks import check, finish, runtime_client

# The fake runs with --as-of 2026-12-02 (see run.sh).
NOVA = "amazon.nova-micro-v1:0"
TITAN_EMBED = "amazon.titan-embed-text-v2:0"
TITAN_TEXT = "amazon.titan-text-express-v1"  # end-of-life since 2025-12
CLAUDE = "us.anthropic.claude-haiku-4-5-20251001-v1:0"



client = runtime_client()

# InvokeModel
resp = client.invoke_model(
    modelId=NOVA,
    body=json.dumps(
        {"messages": [{"role": "user", "content": [{"text": "Hello"}]}], "inferenceConfig": {"maxTokens": 50}}
    ),
)
body = json.loads(resp["body"].read())
check("invoke returns Nova's shape", body["output"]["message"]["content"][0]["text"], body)
headers = resp["ResponseMetadata"]["HTTPHeaders"]
check(
    "invoke token headers agree with the body",
    headers.get("x-amzn-bedrock-output-token-count") == str(body["usage"]["outputTokens"]),
    headers,
)

# An end-of-life model
try:
    client.invoke_model(modelId=TITAN_TEXT, body=json.dumps({"inputText": "Hello"}))
    check("an end-of-life model is refused", False, "no error")
except ClientError as err:
    error = err.response["Error"]
    check(
        "an end-of-life model is a ResourceNotFoundException with Bedrock's text",
        error["Code"] == "ResourceNotFoundException"
        and error["Message"]
        == "This model version has reached the end of its life. Please refer to the AWS documentation for more details."
        and err.response["ResponseMetadata"]["HTTPStatusCode"] == 404,
        err.response,
    )

# InvokeModelWithResponseStream
stream = client.invoke_model_with_response_stream(
    modelId=CLAUDE,
    body=json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 200,
            "messages": [{"role": "user", "content": "Hello"}],
        }
    ),
)
chunks = [json.loads(event["chunk"]["bytes"]) for event in stream["body"] if "chunk" in event]
types = [c["type"] for c in chunks]
check("stream starts with message_start", types[:1] == ["message_start"], types)
check("stream ends with message_stop", types[-1:] == ["message_stop"], types)
check(
    "the last chunk carries invocation metrics",
    "amazon-bedrock-invocationMetrics" in chunks[-1],
    chunks[-1],
)

# Converse
conv = client.converse(
    modelId=CLAUDE,
    messages=[{"role": "user", "content": [{"text": "Hello"}]}],
    inferenceConfig={"maxTokens": 200},
)
text = conv["output"]["message"]["content"][0]["text"]
usage = conv["usage"]
check("converse answers text", bool(text), conv)
check(
    "converse totalTokens is input + output",
    usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"],
    usage,
)

# ConverseStream
events = list(
    client.converse_stream(
        modelId=CLAUDE,
        messages=[{"role": "user", "content": [{"text": "Hello"}]}],
    )["stream"]
)
names = [next(iter(e)) for e in events]
check("converse stream events in order", names[0] == "messageStart" and names[-2:] == ["messageStop", "metadata"], names)

# CountTokens takes the foundation model's own id, even for a model that
# needs an inference profile for inference.
counted = client.count_tokens(
    modelId="anthropic.claude-sonnet-4-6",
    input={"converse": {"messages": [{"role": "user", "content": [{"text": "Hello"}]}]}},
)
check("count_tokens takes a profile-only model's bare id", counted["inputTokens"] > 0, counted)
try:
    client.converse(
        modelId="anthropic.claude-sonnet-4-6", messages=[{"role": "user", "content": [{"text": "Hello"}]}]
    )
    check("converse refuses a profile-only model's bare id", False, "no error")
except ClientError as err:
    check(
        "converse refuses a profile-only model's bare id",
        "with on-demand throughput isn't supported" in err.response["Error"]["Message"],
        err.response,
    )

# A validation error
try:
    client.invoke_model(modelId=TITAN_EMBED, body=json.dumps({"prompt": "Hello"}))
    check("a bad body is refused", False, "no error")
except ClientError as err:
    error = err.response["Error"]
    check("a bad body is a ValidationException", error["Code"] == "ValidationException", error)
    check(
        "with Bedrock's text",
        error["Message"]
        == "Malformed input request: #: required key [inputText] not found#: extraneous key [prompt] is not permitted, please reformat your input and try again.",
        error["Message"],
    )
    check("and HTTP 400", err.response["ResponseMetadata"]["HTTPStatusCode"] == 400, err.response)

# Converse with Claude's adaptive thinking: a signed reasoningContent block first.
OPUS_5 = "us.anthropic.claude-opus-5"
resp = client.converse(
    modelId=OPUS_5,
    messages=[{"role": "user", "content": [{"text": "Plan a weekend in Lisbon"}]}],
    inferenceConfig={"maxTokens": 2048},
    additionalModelRequestFields={"thinking": {"type": "adaptive"}},
)
content = resp["output"]["message"]["content"]
thought = content[0].get("reasoningContent", {}).get("reasoningText", {})
check("converse answers a thought first", bool(thought.get("text")), content)
check("the thought is signed", bool(thought.get("signature")), content)
check("then the text", "text" in content[-1], content)

# The model's own refusal, as Converse passes it on.
try:
    client.converse(
        modelId=OPUS_5,
        messages=[{"role": "user", "content": [{"text": "Hi"}]}],
        inferenceConfig={"maxTokens": 4096},
        additionalModelRequestFields={"thinking": {"type": "enabled", "budget_tokens": 2048}},
    )
    check("manual thinking is refused on Opus 5", False, "no error")
except ClientError as err:
    check(
        "manual thinking is refused on Opus 5 with the model's text",
        err.response["Error"]["Message"].startswith(
            'The model returned the following errors: "thinking.type.enabled" is not supported for this model.'
        ),
        err.response["Error"],
    )

# OpenAI's GPT-5.6 and Moonshot's Kimi: chat-completions bodies over InvokeModel, and Converse.
for model_id in ["us.openai.gpt-5.6-sol", "moonshotai.kimi-k2.5"]:
    resp = client.invoke_model(
        modelId=model_id,
        body=json.dumps(
            {"messages": [{"role": "user", "content": "Hello"}], "max_completion_tokens": 64}
        ),
    )
    body = json.loads(resp["body"].read())
    check(f"{model_id} answers a chat completion", body["choices"][0]["message"]["content"], body)
    resp = client.converse(
        modelId=model_id,
        messages=[{"role": "user", "content": [{"text": "Hello"}]}],
        inferenceConfig={"maxTokens": 64},
    )
    check(f"{model_id} converses", resp["output"]["message"]["content"][0]["text"], resp)

# gpt-oss reasons unasked: the answer opens with <reasoning> tags, in the stream too.
chat = {"messages": [{"role": "user", "content": "Plan a weekend in Lisbon"}], "max_completion_tokens": 512}
body = json.loads(client.invoke_model(modelId="openai.gpt-oss-120b-1:0", body=json.dumps(chat))["body"].read())
content = body["choices"][0]["message"]["content"]
check("gpt-oss answers its reasoning in tags first", content.startswith("<reasoning>") and "</reasoning>" in content, content)
stream = client.invoke_model_with_response_stream(modelId="openai.gpt-oss-120b-1:0", body=json.dumps(chat))
streamed = "".join(
    (json.loads(e["chunk"]["bytes"])["choices"][0].get("delta") or {}).get("content") or ""
    for e in stream["body"]
    if "chunk" in e
)
check("and streams the same tags", streamed.startswith("<reasoning>") and "</reasoning>" in streamed, streamed)

try:
    client.invoke_model(
        modelId="openai.gpt-5.6-sol",
        body=json.dumps({"messages": [{"role": "user", "content": "Hello"}]}),
    )
    check("a bare GPT-5.6 id needs an inference profile", False, "no error")
except ClientError as err:
    check(
        "a bare GPT-5.6 id needs an inference profile",
        "on-demand throughput" in err.response["Error"]["Message"],
        err.response["Error"],
    )

try:
    client.invoke_model(
        modelId="us.openai.gpt-5.6-sol",
        body=json.dumps({"messages": [{"role": "user", "content": "Hello"}], "max_tokens": 64}),
    )
    check("GPT-5.6 refuses max_tokens", False, "no error")
except ClientError as err:
    check(
        "GPT-5.6 refuses max_tokens",
        err.response["Error"]["Message"]
        == "Unsupported parameter: 'max_tokens' is not supported with this model.",
        err.response["Error"],
    )

# Embeddings of the real length: Titan Text Embeddings V2 answers 1024 values by default.
resp = client.invoke_model(modelId=TITAN_EMBED, body=json.dumps({"inputText": "A lighthouse at dawn"}))
body = json.loads(resp["body"].read())
check("Titan Embeddings V2 answers 1024 values", len(body["embedding"]) == 1024, len(body["embedding"]))
resp = client.invoke_model(
    modelId=TITAN_EMBED, body=json.dumps({"inputText": "A lighthouse at dawn", "dimensions": 256})
)
body = json.loads(resp["body"].read())
check("and the length asked for", len(body["embedding"]) == 256, len(body["embedding"]))

# Mistral Large 2 (24.07) takes the prompt body langchain-aws and litellm send, and answers chat choices.
resp = client.invoke_model(
    modelId="mistral.mistral-large-2407-v1:0",
    body=json.dumps({"prompt": "<s>[INST] Hello [/INST]", "max_tokens": 64}),
)
body = json.loads(resp["body"].read())
check("Mistral Large 2 answers a prompt body with chat choices", body["choices"][0]["message"]["content"], body)

# Rerank: the documents sharing the query's words rank first; Cohere needs api_version.
docs = ["Berlin is in Germany.", "Paris is the capital of France.", "Rivers flow to the sea."]
resp = client.invoke_model(
    modelId="cohere.rerank-v3-5:0",
    body=json.dumps({"query": "capital of France", "documents": docs, "top_n": 2, "api_version": 2}),
)
body = json.loads(resp["body"].read())
results = body["results"]
check("rerank answers top_n results", len(results) == 2, body)
check("the best match first", results[0]["index"] == 1, body)
check("scores best first", results[0]["relevance_score"] >= results[1]["relevance_score"], body)
try:
    client.invoke_model(
        modelId="cohere.rerank-v3-5:0", body=json.dumps({"query": "capital of France", "documents": docs})
    )
    check("Cohere rerank needs api_version", False, "no error")
except ClientError as err:
    check(
        "Cohere rerank needs api_version",
        err.response["Error"]["Message"]
        == "Malformed input request: #: required key [api_version] not found, please reformat your input and try again.",
        err.response["Error"],
    )

# Nova Multimodal Embeddings: the length asked for.
resp = client.invoke_model(
    modelId="amazon.nova-2-multimodal-embeddings-v1:0",
    body=json.dumps({"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {
        "embeddingPurpose": "GENERIC_INDEX", "embeddingDimension": 1024,
        "text": {"truncationMode": "END", "value": "A lighthouse at dawn"}}}),
)
body = json.loads(resp["body"].read())
check("Nova embeddings answer 1024 values", len(body["embeddings"][0]["embedding"]) == 1024, len(body["embeddings"][0]["embedding"]))

# Titan Embeddings V2 answers the binary vector asked for; Cohere echoes its texts.
resp = client.invoke_model(
    modelId=TITAN_EMBED,
    body=json.dumps({"inputText": "A lighthouse at dawn", "embeddingTypes": ["float", "binary"]}),
)
by_type = json.loads(resp["body"].read())["embeddingsByType"]
check("Titan answers a binary vector of 0s and 1s", set(by_type["binary"]) <= {0, 1} and len(by_type["binary"]) == 1024, by_type.keys())
resp = client.invoke_model(
    modelId="cohere.embed-english-v3",
    body=json.dumps({"texts": ["hello", "world"], "input_type": "search_document"}),
)
body = json.loads(resp["body"].read())
check("Cohere echoes the texts", body["texts"] == ["hello", "world"], body.get("texts"))
check("Cohere Embed v3 answers 1024 values", len(body["embeddings"][0]) == 1024, len(body["embeddings"][0]))

# An agent loop with no rules: the fake calls the tool the question is
# about, then answers the tool's result.
tool_config = {
    "tools": [
        {
            "toolSpec": {
                "name": "get_weather",
                "description": "Current weather for a city",
                "inputSchema": {
                    "json": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
                },
            }
        }
    ]
}
messages = [{"role": "user", "content": [{"text": "What's the weather in Paris?"}]}]
turn = client.converse(modelId="amazon.nova-lite-v1:0", messages=messages, toolConfig=tool_config)
check("the agent's model calls the tool", turn["stopReason"] == "tool_use", turn["stopReason"])
uses = [b["toolUse"] for b in turn["output"]["message"]["content"] if "toolUse" in b]
check("with input its schema asks for", uses and isinstance(uses[0]["input"].get("city"), str), uses)
messages.append(turn["output"]["message"])
messages.append(
    {
        "role": "user",
        "content": [
            {"toolResult": {"toolUseId": uses[0]["toolUseId"], "content": [{"text": "18C and sunny"}]}}
            for _ in uses[:1]
        ],
    }
)
turn = client.converse(modelId="amazon.nova-lite-v1:0", messages=messages, toolConfig=tool_config)
answer = turn["output"]["message"]["content"][0].get("text", "")
check("then answers with the tool's result", turn["stopReason"] == "end_turn" and "18C and sunny" in answer, turn)

# Structured output through Converse: JSON the schema asks for.
schema = {
    "type": "object",
    "additionalProperties": False,
    "required": ["city", "days"],
    "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1, "maximum": 7}},
}
turn = client.converse(
    modelId="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    messages=[{"role": "user", "content": [{"text": "Plan a weekend in Paris"}]}],
    outputConfig={
        "textFormat": {
            "type": "json_schema",
            "structure": {"jsonSchema": {"schema": json.dumps(schema), "name": "trip"}},
        }
    },
)
answer = json.loads(turn["output"]["message"]["content"][0]["text"])
check("structured output follows its schema", isinstance(answer.get("city"), str) and 1 <= answer.get("days", 0) <= 7, answer)

# Converse of 2026: a system-role message mid-conversation (Claude Opus 4.8 takes it).
resp = client.converse(
    modelId="us.anthropic.claude-opus-4-8",
    messages=[
        {"role": "user", "content": [{"text": "Hi"}]},
        {"role": "assistant", "content": [{"text": "Hello!"}]},
        {"role": "user", "content": [{"text": "How are you?"}]},
        {"role": "system", "content": [{"text": "Answer in French from now on."}]},
    ],
    serviceTier={"type": "flex"},
)
check("a system-role message is taken", resp["output"]["message"]["content"][0]["text"], resp)
check("the service tier comes back", resp.get("serviceTier") == {"type": "flex"}, resp.get("serviceTier"))

# What boto3 would catch, sent anyway: the service model's refusal in AWS's words.
from botocore.config import Config

loose = runtime_client(config=Config(parameter_validation=False))
try:
    loose.converse(
        modelId="us.anthropic.claude-opus-4-8",
        messages=[{"role": "user", "content": [{"text": "Hi"}]}],
        inferenceConfig={"maxTokens": 0},
        toolConfig={"tools": [{"toolSpec": {"name": "get weather", "inputSchema": {"json": {}}}}]},
    )
    check("an invalid body is refused", False, "no error")
except ClientError as err:
    check(
        "with every violation in the service model's words",
        err.response["Error"]["Message"]
        == "2 validation errors detected: "
        "Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1; "
        "Value 'get weather' at 'toolConfig.tools.1.member.toolSpec.name' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+",
        err.response["Error"],
    )

# Prompt caching: a checkpoint after Claude Haiku 4.5's minimum of 4,096 tokens.
cached = dict(
    modelId=CLAUDE,
    system=[{"text": "policy " * 2400}, {"cachePoint": {"type": "default"}}],
    messages=[{"role": "user", "content": [{"text": "Summarize."}]}],
)
first = client.converse(**cached)["usage"]
again = client.converse(**cached)["usage"]
check("a cache point writes its prefix once", first["cacheWriteInputTokens"] > 4096 and first["cacheReadInputTokens"] == 0, first)
check("and reads it after", again["cacheReadInputTokens"] == first["cacheWriteInputTokens"] and again["cacheWriteInputTokens"] == 0, again)
check("with the writes by TTL", first.get("cacheDetails") == [{"ttl": "5m", "inputTokens": first["cacheWriteInputTokens"]}], first)

# Citations: a document with citations on, to a model that cites.
cited = client.converse(
    modelId=CLAUDE,
    messages=[{"role": "user", "content": [
        {"document": {"name": "policy", "format": "txt", "citations": {"enabled": True},
                      "source": {"text": "Refunds take five days. Shipping is free."}}},
        {"text": "How long do refunds take?"},
    ]}],
)
blocks = [b["citationsContent"] for b in cited["output"]["message"]["content"] if "citationsContent" in b]
check("a cited document is quoted in a citationsContent block", len(blocks) == 1 and blocks[0]["content"] == [{"text": "Refunds take five days."}], blocks)
check(
    "located by character",
    blocks and blocks[0]["citations"][0]["location"] == {"documentChar": {"documentIndex": 0, "start": 0, "end": 23}},
    blocks,
)

# Guardrails from the scenario file (run.sh passes tests/python/scenario.json).
applied = client.apply_guardrail(
    guardrailIdentifier="gr0example",
    guardrailVersion="1",
    source="INPUT",
    content=[{"text": {"text": "Which stocks should I buy?"}}],
)
check("apply_guardrail intervenes on a denied topic", applied["action"] == "GUARDRAIL_INTERVENED", applied)
check("with the blocked-input message", applied["outputs"] == [{"text": "Sorry, I can't discuss that."}], applied["outputs"])
resp = client.converse(
    modelId=CLAUDE,
    messages=[{"role": "user", "content": [{"text": "Tell me about Project Falcon."}]}],
    guardrailConfig={"guardrailIdentifier": "gr0example", "guardrailVersion": "1", "trace": "enabled"},
)
check("converse stops for the guardrail", resp["stopReason"] == "guardrail_intervened", resp)
check("and traces its assessment", "inputAssessment" in resp.get("trace", {}).get("guardrail", {}), resp.get("trace"))
try:
    client.apply_guardrail(
        guardrailIdentifier="gr0missing", guardrailVersion="1", source="INPUT",
        content=[{"text": {"text": "Hi"}}],
    )
    check("an unknown guardrail is refused", False, "no error")
except ClientError as err:
    check(
        "an unknown guardrail is refused in Bedrock's words",
        err.response["Error"]["Message"] == "The guardrail identifier or version provided in the request does not exist.",
        err.response["Error"],
    )

finish()
