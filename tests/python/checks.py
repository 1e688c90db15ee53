"""The checks the client tests count: `check` prints one line per check,
`finish` prints the totals and exits non-zero if any failed;
`runtime_client` is boto3's bedrock-runtime client pointed at the fake."""

import os
import sys

_counts = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    if condition:
        _counts["passed"] += 1
        print(f"ok   {name}")
    else:
        _counts["failed"] += 1
        print(f"FAIL {name} {detail}")


def finish():
    print(f"{_counts['passed']} passed, {_counts['failed']} failed")
    sys.exit(1 if _counts["failed"] else 0)


def runtime_client(config=None):
    """boto3's bedrock-runtime client for AWS_ENDPOINT_URL_BEDROCK_RUNTIME,
    with test credentials, as a user points it at the fake (`config`: a
    botocore `Config`, such as one without client-side validation)."""
    import boto3

    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"],
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=config,
    )
