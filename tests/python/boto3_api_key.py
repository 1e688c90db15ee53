"""boto3 with a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK) against
`bedrock-harness serve --tls --api-key KEY`: boto3 sends bearer tokens only
over HTTPS, trusting the fake's CA through AWS_CA_BUNDLE.

Run with AWS_ENDPOINT_URL_BEDROCK_RUNTIME (https://), AWS_CA_BUNDLE and
AWS_BEARER_TOKEN_BEDROCK set to the key the fake accepts.
"""

import os

import boto3
from botocore.exceptions import ClientError
from checks import check, finish

CLAUDE = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "Hello"}]}]


def client():
    # No access keys anywhere: the bearer token is the only credential.
    return boto3.client("bedrock-runtime", region_name="us-east-1")


check("the endpoint is https", os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"].startswith("https://"))

resp = client().converse(modelId=CLAUDE, messages=MESSAGES)
check("the accepted API key converses over TLS", resp["output"]["message"]["role"] == "assistant", resp)
sent = resp["ResponseMetadata"]["HTTPHeaders"]
check("the answer came from the fake", "x-amzn-requestid" in sent, sent)

os.environ["AWS_BEARER_TOKEN_BEDROCK"] = "bedrock-api-key-bm90IHRoZSBrZXk="
try:
    client().converse(modelId=CLAUDE, messages=MESSAGES)
    check("an unknown API key is refused", False, "no error")
except ClientError as err:
    check(
        "an unknown API key gets 403 and Bedrock's text",
        err.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        and err.response["Error"]["Message"]
        == "Authentication failed: Please make sure your API Key is valid.",
        err.response,
    )

os.environ["AWS_BEARER_TOKEN_BEDROCK"] = "not-a-bedrock-key"
try:
    client().converse(modelId=CLAUDE, messages=MESSAGES)
    check("a malformed API key is refused", False, "no error")
except ClientError as err:
    check(
        "a malformed API key is an AccessDeniedException",
        err.response["Error"]["Code"] == "AccessDeniedException"
        and err.response["Error"]["Message"].startswith("Invalid API Key format"),
        err.response,
    )

finish()
