"""boto3 against `bedrock-harness serve --verify-sigv4 AKID:SECRET`: its
signatures (header and presigned URL, with a query string) pass, a wrong
secret, region or clock is refused as Bedrock refuses it, and the control
API needs the token `serve` printed.

Run with AWS_ENDPOINT_URL_BEDROCK_RUNTIME and AWS_ENDPOINT_URL_BEDROCK
pointing at the fake and BEDROCK_HARNESS_CONTROL_TOKEN set from its output.
Exits non-zero if a check fails.
"""

import datetime
import json
import os
import urllib.error
import urllib.request
from unittest import mock

import boto3
from botocore.exceptions import ClientError
from checks import check, finish

KEY, SECRET = "AKIDHARNESS", "harness-secret"


def client(service, region="us-east-1", secret=SECRET):
    return boto3.client(
        service, region_name=region, aws_access_key_id=KEY, aws_secret_access_key=secret
    )


def refusal(call):
    try:
        call()
    except ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]
    return 200, {}


body = json.dumps({"messages": [{"role": "user", "content": [{"text": "Hi"}]}]})
invoke = lambda c: c.invoke_model(modelId="amazon.nova-micro-v1:0", body=body)  # noqa: E731

answer = json.loads(invoke(client("bedrock-runtime"))["body"].read())
check("a signed InvokeModel passes", "output" in answer, answer)

status, error = refusal(lambda: invoke(client("bedrock-runtime", secret="wrong")))
check(
    "a wrong secret is InvalidSignatureException",
    (status, error.get("Code")) == (403, "InvalidSignatureException"),
    (status, error),
)

status, error = refusal(lambda: invoke(client("bedrock-runtime", region="eu-west-1")))
check(
    "another region's scope is refused",
    error.get("Message") == "Credential should be scoped to a valid region. ",
    (status, error),
)

# botocore signs with its own clock: ten minutes behind is out of the window.
late = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)
with mock.patch("botocore.auth.get_current_datetime", lambda *_: late.replace(tzinfo=None)):
    status, error = refusal(lambda: invoke(client("bedrock-runtime")))
check(
    "a signature ten minutes old has expired",
    str(error.get("Message", "")).startswith("Signature expired: "),
    (status, error),
)

bedrock = client("bedrock")
models = bedrock.list_foundation_models(byProvider="Mistral AI")["modelSummaries"]
check(
    "a signed query string with a space passes",
    models and all(m["providerName"] == "Mistral AI" for m in models),
    [m.get("providerName") for m in models][:3],
)

url = bedrock.generate_presigned_url(
    "list_foundation_models", Params={"byProvider": "Anthropic"}, ExpiresIn=300
)
check("the presigned URL carries its signature", "X-Amz-Signature=" in url, url)
with urllib.request.urlopen(url) as response:
    listed = json.loads(response.read())["modelSummaries"]
check(
    "a presigned URL passes",
    listed and all(m["providerName"] == "Anthropic" for m in listed),
    len(listed),
)
try:
    urllib.request.urlopen(url.replace("X-Amz-Signature=", "X-Amz-Signature=0"))
    forged = 200
except urllib.error.HTTPError as e:
    forged = e.code
check("a forged presigned URL is refused", forged == 403, forged)

control = os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] + "/_harness/journal"
try:
    urllib.request.urlopen(control)
    open_status = 200
except urllib.error.HTTPError as e:
    open_status = e.code
check("the control API without the token is refused", open_status == 401, open_status)
token = os.environ["BEDROCK_HARNESS_CONTROL_TOKEN"]
request = urllib.request.Request(control, headers={"Authorization": f"Bearer {token}"})
with urllib.request.urlopen(request) as response:
    journal = json.loads(response.read())
check("with the printed token it answers", isinstance(journal, list) and journal, len(journal))

finish()
