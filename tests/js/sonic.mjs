// Nova 2 Sonic's bidirectional stream through the AWS SDK for JavaScript
// v3's default client (HTTP/2), as AWS's samples drive it: an async
// iterable of `{ chunk: { bytes } }` events that waits for the model's
// answer before it ends the session.
import {
  BedrockRuntimeClient,
  InvokeModelWithBidirectionalStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";
import assert from "node:assert/strict";

const client = new BedrockRuntimeClient({});
const encoder = new TextEncoder();
const chunk = (name, body) => ({
  chunk: { bytes: encoder.encode(JSON.stringify({ event: { [name]: body } })) },
});
const promptName = "prompt-1";
const audio = Buffer.alloc(32000).toString("base64"); // 1 s of 16 kHz silence

let answered;
const turnAnswered = new Promise((resolve) => (answered = resolve));
async function* input() {
  yield chunk("sessionStart", { inferenceConfiguration: { maxTokens: 1024, topP: 0.9, temperature: 0.7 } });
  yield chunk("promptStart", {
    promptName,
    textOutputConfiguration: { mediaType: "text/plain" },
    audioOutputConfiguration: {
      mediaType: "audio/lpcm", sampleRateHertz: 24000, sampleSizeBits: 16,
      channelCount: 1, voiceId: "tiffany", encoding: "base64", audioType: "SPEECH",
    },
  });
  yield chunk("contentStart", {
    promptName, contentName: "system", type: "TEXT", interactive: false, role: "SYSTEM",
    textInputConfiguration: { mediaType: "text/plain" },
  });
  yield chunk("textInput", { promptName, contentName: "system", content: "You are brief." });
  yield chunk("contentEnd", { promptName, contentName: "system" });
  yield chunk("contentStart", {
    promptName, contentName: "audio-1", type: "AUDIO", interactive: true, role: "USER",
    audioInputConfiguration: {
      mediaType: "audio/lpcm", sampleRateHertz: 16000, sampleSizeBits: 16,
      channelCount: 1, audioType: "SPEECH", encoding: "base64",
    },
  });
  yield chunk("audioInput", { promptName, contentName: "audio-1", content: audio });
  yield chunk("contentEnd", { promptName, contentName: "audio-1" });
  // A live client keeps its input open until the model has answered.
  await turnAnswered;
  yield chunk("promptEnd", { promptName });
  yield chunk("sessionEnd", {});
}

const response = await client.send(
  new InvokeModelWithBidirectionalStreamCommand({
    modelId: "amazon.nova-2-sonic-v1:0",
    body: input(),
  }),
);
const names = [];
let text = "";
let pcmBytes = 0;
for await (const event of response.body) {
  assert.ok(event.chunk, `an output chunk, not ${JSON.stringify(event)}`);
  const out = JSON.parse(new TextDecoder().decode(event.chunk.bytes)).event;
  const name = Object.keys(out)[0];
  names.push(name);
  if (name === "textOutput" && !text) text = out.textOutput.content;
  if (name === "audioOutput") pcmBytes += Buffer.from(out.audioOutput.content, "base64").length;
  if (name === "usageEvent") answered();
}
assert.equal(names[0], "completionStart");
assert.equal(names.at(-1), "completionEnd");
assert.equal(text, "I heard 1.0 seconds of audio.");
assert.ok(pcmBytes > 0 && pcmBytes % 2 === 0, `${pcmBytes} bytes of 16-bit PCM`);

client.destroy();
console.log("js sdk: Nova 2 Sonic bidirectional stream over HTTP/2 ok");
