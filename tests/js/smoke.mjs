// The AWS SDK for JavaScript v3's Bedrock Runtime client, as a user makes
// it: no options, the endpoint from AWS_ENDPOINT_URL_BEDROCK_RUNTIME. Its
// default request handler speaks HTTP/2 (prior knowledge on http://).
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  CountTokensCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";
import assert from "node:assert/strict";

const client = new BedrockRuntimeClient({});
assert.equal(client.config.requestHandler.constructor.name, "NodeHttp2Handler");
const NOVA = "amazon.nova-micro-v1:0";
const CLAUDE = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
const messages = [{ role: "user", content: [{ text: "Hi" }] }];
const decode = (bytes) => JSON.parse(new TextDecoder().decode(bytes));

const invoked = await client.send(
  new InvokeModelCommand({ modelId: NOVA, body: JSON.stringify({ messages }) }),
);
assert.equal(typeof decode(invoked.body).output.message.content[0].text, "string");

const streamed = await client.send(
  new InvokeModelWithResponseStreamCommand({
    modelId: NOVA,
    body: JSON.stringify({ messages }),
  }),
);
let text = "";
for await (const event of streamed.body) {
  text += decode(event.chunk.bytes).contentBlockDelta?.delta?.text ?? "";
}
assert.ok(text.length > 0, "the stream carried text");

const conversed = await client.send(new ConverseCommand({ modelId: CLAUDE, messages }));
assert.equal(conversed.output.message.role, "assistant");
assert.ok(conversed.usage.inputTokens > 0);

const events = [];
const conversing = await client.send(new ConverseStreamCommand({ modelId: CLAUDE, messages }));
for await (const event of conversing.stream) {
  events.push(Object.keys(event)[0]);
}
assert.equal(events[0], "messageStart");
assert.equal(events.at(-1), "metadata");

const counted = await client.send(
  new CountTokensCommand({ modelId: CLAUDE, input: { converse: { messages } } }),
);
assert.ok(counted.inputTokens > 0);

// A refusal reaches the client as the SDK's typed exception.
await assert.rejects(
  client.send(new InvokeModelCommand({ modelId: NOVA, body: JSON.stringify({ nope: 1 }) })),
  (err) => err.name === "ValidationException" && err.$metadata.httpStatusCode === 400,
);

client.destroy();
console.log("js sdk: invoke, stream, converse, converse-stream, count-tokens over HTTP/2 ok");
