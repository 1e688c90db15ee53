"""boto3 against `bedrock-harness serve` for images, audio and video:
Stability's image services, Voxtral's audio, Nova Multimodal Embeddings'
video, Mistral Large 3 with an image.

Run with AWS_ENDPOINT_URL_BEDROCK_RUNTIME pointing at the fake.
"""

import base64
import json
import struct
import zlib

from botocore.exceptions import ClientError
from checks import check, finish, runtime_client

client = runtime_client()


def png(width, height, rgb=(90, 120, 150)):
    """A solid-colour PNG, as a user's fixture image would be."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def size_of(image):
    """(width, height, format) of PNG, JPEG or WebP bytes, from their headers."""
    if image.startswith(b"\x89PNG"):
        return struct.unpack(">II", image[16:24]) + ("png",)
    if image.startswith(b"\xff\xd8"):
        i = 2
        while i < len(image):
            marker, length = image[i + 1], struct.unpack(">H", image[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", image[i + 5 : i + 9])
                return width, height, "jpeg"
            i += 2 + length
    if image[:4] == b"RIFF" and image[8:12] == b"WEBP" and image[12:16] == b"VP8L":
        bits = int.from_bytes(image[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, "webp"
    return None


def invoke(model_id, body):
    resp = client.invoke_model(modelId=model_id, body=json.dumps(body))
    return json.loads(resp["body"].read())


def refusal(model_id, body):
    try:
        client.invoke_model(modelId=model_id, body=json.dumps(body))
    except ClientError as err:
        return err.response["Error"]
    return None


photo = base64.b64encode(png(96, 64)).decode()

# Stability's image services: one image of the size each service makes.
for model_id, body, want in [
    ("us.stability.stable-image-control-sketch-v1:0", {"image": photo, "prompt": "a house by a river"}, (96, 64, "png")),
    ("us.stability.stable-fast-upscale-v1:0", {"image": photo, "output_format": "jpeg"}, (384, 256, "jpeg")),
    ("us.stability.stable-outpaint-v1:0", {"image": photo, "left": 100, "up": 20, "output_format": "webp"}, (196, 84, "webp")),
    ("us.stability.stable-image-remove-background-v1:0", {"image": photo}, (96, 64, "png")),
]:
    answer = invoke(model_id, body)
    check(f"{model_id} answers one image", len(answer["images"]) == 1 and answer["finish_reasons"] == [None], answer.keys())
    got = size_of(base64.b64decode(answer["images"][0]))
    check(f"{model_id} answers a {want}", got == want, got)

error = refusal(
    "us.stability.stable-image-control-sketch-v1:0",
    {"text_prompts": [{"text": "a house"}], "cfg_scale": 7, "image": photo},
)
check("an SDXL body sent to Control Sketch is refused", error and error["Code"] == "ValidationException", error)
check(
    "in the service's words",
    error and error["Message"].startswith("{\"detail\":\"Invalid field 'text_prompts' in request. Available fields for control-sketch are: image, prompt"),
    error,
)
error = refusal("us.stability.stable-image-inpaint-v1:0", {"image": base64.b64encode(png(32, 80)).decode(), "prompt": "a cat"})
check("a too-small image is refused", error and "at least 64 pixels" in error["Message"], error)
error = refusal("stability.stable-image-inpaint-v1:0", {"image": photo, "prompt": "a cat"})
check("a bare service id needs the us. profile", error and error["Code"] == "ValidationException", error)

# Voxtral hears input_audio parts.
wav = base64.b64encode(b"RIFF\x24\x00\x00\x00WAVEfmt ").decode()
answer = invoke(
    "mistral.voxtral-mini-3b-2507",
    {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "input_audio", "input_audio": {"data": wav, "format": "wav"}},
                    {"type": "text", "text": "Transcribe this."},
                ],
            }
        ],
        "max_tokens": 200,
    },
)
check("Voxtral answers a chat completion", answer["choices"][0]["message"]["content"], answer)
error = refusal(
    "mistral.voxtral-mini-3b-2507",
    {"messages": [{"role": "user", "content": [{"type": "audio_url", "audio_url": {"url": "https://example.com/a.mp3"}}]}]},
)
check("an audio_url part is refused", error and "audio_url" in error["Message"], error)

# Mistral Large 3 sees a data-URL image.
answer = invoke(
    "mistral.mistral-large-3-675b-instruct",
    {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64," + photo}},
                    {"type": "text", "text": "What colour is this?"},
                ],
            }
        ],
        "max_tokens": 100,
    },
)
check("Mistral Large 3 answers with finish_reason", answer["choices"][0]["finish_reason"] in ("stop", "length"), answer)
resp = client.converse(
    modelId="mistral.devstral-2-123b",
    messages=[{"role": "user", "content": [{"text": "Write a haiku about Rust."}]}],
)
check("Devstral 2 converses", resp["output"]["message"]["content"][0]["text"], resp)

# Nova Multimodal Embeddings embeds a video's pictures and sound apart.
answer = invoke(
    "amazon.nova-2-multimodal-embeddings-v1:0",
    {
        "taskType": "SINGLE_EMBEDDING",
        "singleEmbeddingParams": {
            "embeddingPurpose": "VIDEO_RETRIEVAL",
            "embeddingDimension": 256,
            "video": {
                "format": "mp4",
                "embeddingMode": "AUDIO_VIDEO_SEPARATE",
                "source": {"s3Location": {"uri": "s3://amzn-s3-demo-bucket/clip.mp4"}},
            },
        },
    },
)
types = [e["embeddingType"] for e in answer["embeddings"]]
check("a separate video embedding is VIDEO then AUDIO", types == ["VIDEO", "AUDIO"], types)
check("each of the length asked for", all(len(e["embedding"]) == 256 for e in answer["embeddings"]), answer)

# Converse takes Nova's video block.
resp = client.converse(
    modelId="amazon.nova-lite-v1:0",
    messages=[
        {
            "role": "user",
            "content": [
                {"video": {"format": "mp4", "source": {"s3Location": {"uri": "s3://amzn-s3-demo-bucket/clip.mp4"}}}},
                {"text": "What happens in this clip?"},
            ],
        }
    ],
)
check("Nova Lite converses about a video", resp["output"]["message"]["content"][0]["text"], resp)
try:
    client.converse(
        modelId="us.anthropic.claude-haiku-4-5-20251001-v1:0",
        messages=[{"role": "user", "content": [{"video": {"format": "mp4", "source": {"bytes": b"\x00"}}}]}],
    )
    check("Claude refuses a video block", False, "no error")
except ClientError as err:
    check("Claude refuses a video block", "video content block" in err.response["Error"]["Message"], err.response["Error"])

# An image in S3: Nova takes it (its image block's s3Location); the fake
# names the object without reading it, and Claude refuses it.
s3_image = {"image": {"format": "png", "source": {"s3Location": {"uri": "s3://amzn-s3-demo-bucket/cat.png"}}}}
resp = client.converse(
    modelId="amazon.nova-lite-v1:0",
    messages=[{"role": "user", "content": [s3_image, {"text": "What is in this picture?"}]}],
)
check("Nova Lite converses about an image in S3", resp["output"]["message"]["content"][0]["text"], resp)
try:
    client.converse(
        modelId="us.anthropic.claude-haiku-4-5-20251001-v1:0",
        messages=[{"role": "user", "content": [s3_image, {"text": "What is in this picture?"}]}],
    )
    check("Claude refuses an image in S3", False, "no error")
except ClientError as err:
    check("Claude refuses an image in S3 as a ValidationException", err.response["Error"]["Code"] == "ValidationException", err.response["Error"])

# TwelveLabs: Marengo embeds text as 512 values, Pegasus answers about a video.
answer = invoke("us.twelvelabs.marengo-embed-3-0-v1:0", {"inputType": "text", "text": {"inputText": "man walking a dog"}})
check("Marengo answers one vector of 512 values", len(answer["data"]) == 1 and len(answer["data"][0]["embedding"]) == 512, answer.keys())
answer = invoke(
    "twelvelabs.marengo-embed-3-0-v1:0",
    {"inputType": "text_image", "text_image": {"inputText": "a dog", "mediaSource": {"base64String": photo}}},
)
check("Marengo embeds text with an image", len(answer["data"][0]["embedding"]) == 512, answer.keys())
error = refusal(
    "twelvelabs.marengo-embed-3-0-v1:0",
    {"inputType": "video", "video": {"mediaSource": {"s3Location": {"uri": "s3://amzn-s3-demo-bucket/clip.mp4"}}}},
)
check("Marengo refuses a video over InvokeModel", error and "inputType" in error["Message"], error)
video = {"s3Location": {"uri": "s3://amzn-s3-demo-bucket/clip.mp4", "bucketOwner": "123456789012"}}
answer = invoke("us.twelvelabs.pegasus-1-2-v1:0", {"inputPrompt": "What happens?", "mediaSource": video, "temperature": 0})
check("Pegasus answers a message", answer["message"] and answer["finishReason"] in ("stop", "length"), answer)
stream = client.invoke_model_with_response_stream(
    modelId="us.twelvelabs.pegasus-1-2-v1:0",
    body=json.dumps({"inputPrompt": "What happens?", "mediaSource": video}),
)
chunks = [json.loads(event["chunk"]["bytes"]) for event in stream["body"]]
streamed = "".join(chunk["message"] for chunk in chunks)
check("Pegasus streams message pieces", len(chunks) > 1 and streamed, chunks[:2])
check("the last names the finish reason", chunks[-1].get("finishReason") == "stop", chunks[-1])
try:
    client.converse(modelId="twelvelabs.pegasus-1-2-v1:0", messages=[{"role": "user", "content": [{"text": "Hi"}]}])
    check("Pegasus is not a Converse model", False, "no error")
except ClientError as err:
    check("Pegasus is not a Converse model", err.response["Error"]["Code"] == "ValidationException", err.response["Error"])

finish()
