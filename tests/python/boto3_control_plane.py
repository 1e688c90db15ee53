"""boto3's `bedrock` control-plane client against `bedrock-harness serve`:
model discovery (ListFoundationModels, GetFoundationModel,
ListInferenceProfiles, GetInferenceProfile) from the fake's catalog.

Run with AWS_ENDPOINT_URL_BEDROCK pointing at the fake, which runs with
--as-of 2026-12-02. Exits non-zero if a check fails.
"""

import datetime

import boto3
from botocore.exceptions import ClientError
from checks import check, finish



# As a user points boto3 at it: AWS_ENDPOINT_URL_BEDROCK from the environment.
bedrock = boto3.client(
    "bedrock", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
)

models = bedrock.list_foundation_models()["modelSummaries"]
by_id = {m["modelId"]: m for m in models}
check("the list holds current models", "anthropic.claude-sonnet-4-6" in by_id, sorted(by_id)[:5])
check("end-of-life models are not listed", "anthropic.claude-3-haiku-20240307-v1:0" not in by_id)
sonnet_45 = by_id.get("anthropic.claude-sonnet-4-5-20250929-v1:0", {})
lifecycle = sonnet_45.get("modelLifecycle", {})
check("a Legacy model says LEGACY", lifecycle.get("status") == "LEGACY", lifecycle)
check(
    "with its end-of-life time as a datetime",
    lifecycle.get("endOfLifeTime") == datetime.datetime(2027, 4, 8, tzinfo=datetime.timezone.utc),
    lifecycle,
)
check(
    "a profile-only model lists INFERENCE_PROFILE",
    sonnet_45.get("inferenceTypesSupported") == ["INFERENCE_PROFILE"],
    sonnet_45,
)
check(
    "an on-demand model lists ON_DEMAND",
    by_id.get("amazon.nova-micro-v1:0", {}).get("inferenceTypesSupported") == ["ON_DEMAND"],
)

anthropic = bedrock.list_foundation_models(byProvider="anthropic")["modelSummaries"]
check(
    "byProvider filters",
    anthropic and all(m["providerName"] == "Anthropic" for m in anthropic),
    [m["providerName"] for m in anthropic][:3],
)
embeddings = bedrock.list_foundation_models(byOutputModality="EMBEDDING")["modelSummaries"]
check("byOutputModality filters", embeddings and all(m["outputModalities"] == ["EMBEDDING"] for m in embeddings))

details = bedrock.get_foundation_model(modelIdentifier="amazon.nova-micro-v1:0")["modelDetails"]
check("get_foundation_model answers", details["modelName"] == "Nova Micro", details)
try:
    bedrock.get_foundation_model(modelIdentifier="anthropic.claude-3-haiku-20240307-v1:0")
    check("an end-of-life model is not found", False, "no error")
except ClientError as err:
    check(
        "an end-of-life model is not found",
        err.response["Error"]["Code"] == "ResourceNotFoundException",
        err.response,
    )

profiles = []
for page in bedrock.get_paginator("list_inference_profiles").paginate(PaginationConfig={"PageSize": 5}):
    profiles.extend(page["inferenceProfileSummaries"])
ids = [p["inferenceProfileId"] for p in profiles]
check("profiles page through", len(ids) > 5 and len(ids) == len(set(ids)), len(ids))
check("profile-only models have a us. profile", "us.anthropic.claude-sonnet-5" in ids, ids[:5])
profile = bedrock.get_inference_profile(inferenceProfileIdentifier="us.anthropic.claude-sonnet-5")
check(
    "get_inference_profile names the model",
    profile["models"][0]["modelArn"] == "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-5"
    and profile["type"] == "SYSTEM_DEFINED",
    profile,
)

finish()
