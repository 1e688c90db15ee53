"""Server options by marker and parameter, `serve()` outside pytest, and
what a user sees when the binary is missing or cannot start."""

import json
import os
import subprocess
import sysconfig

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import bedrock_harness
from bedrock_harness import text

NOVA = "amazon.nova-micro-v1:0"
HI = [{"role": "user", "content": [{"text": "Hi"}]}]


def said(answer):
    return answer["output"]["message"]["content"][0]["text"]


@pytest.mark.bedrock_fake(verify_sigv4="AKIDPLUGIN:plugin-secret")
def test_a_marker_starts_a_server_of_its_own_that_checks_signatures(bedrock_fake, bedrock_fake_server):
    assert bedrock_fake.url != bedrock_fake_server.url
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIDPLUGIN"
    assert said(boto3.client("bedrock-runtime").converse(modelId=NOVA, messages=HI))
    forged = boto3.client(
        "bedrock-runtime",
        aws_access_key_id="AKIDPLUGIN",
        aws_secret_access_key="not-the-secret",
        config=Config(retries={"total_max_attempts": 1}),
    )
    with pytest.raises(ClientError) as refused:
        forged.converse(modelId=NOVA, messages=HI)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert refused.value.response["Error"]["Code"] == "InvalidSignatureException"


@pytest.mark.parametrize(
    "bedrock_fake",
    [{"scenario": {"rules": [{"action": {"type": "text", "text": "from the scenario"}}]}}],
    indirect=True,
)
def test_an_indirect_parameter_gives_options_and_a_scenario_as_a_dict(bedrock_fake):
    assert said(bedrock_fake.client().converse(modelId=NOVA, messages=HI)) == "from the scenario"
    bedrock_fake.reset()
    # reset keeps the rules the server started with
    assert said(bedrock_fake.client().converse(modelId=NOVA, messages=HI)) == "from the scenario"


@pytest.mark.bedrock_fake(tls=True, api_key="ABSKcHl0aG9uLXBsdWdpbg==")
def test_tls_with_an_api_key_is_what_boto3_sends_a_bearer_token_over(bedrock_fake):
    assert bedrock_fake.url.startswith("https://")
    assert os.environ["AWS_BEARER_TOKEN_BEDROCK"] == "ABSKcHl0aG9uLXBsdWdpbg=="
    assert os.environ["AWS_CA_BUNDLE"] == bedrock_fake.ca_bundle
    client = boto3.client("bedrock-runtime")
    assert said(client.converse(modelId=NOVA, messages=HI))
    calls = bedrock_fake.journal()
    assert [call["status"] for call in calls] == [200]


def test_serve_sets_the_environment_for_its_block_and_puts_it_back(monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "https://bedrock-runtime.example")
    monkeypatch.delenv("AWS_ENDPOINT_URL_BEDROCK", raising=False)
    with bedrock_harness.serve(as_of="2026-12-02") as fake:
        assert "AWS_PROFILE" not in os.environ
        assert os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] == fake.url
        assert os.environ["AWS_ENDPOINT_URL_BEDROCK"] == fake.url
        fake.rule(text("outside pytest's fixtures", times=1))
        answer = boto3.client("bedrock-runtime").converse(modelId=NOVA, messages=HI)
        assert said(answer) == "outside pytest's fixtures"
    assert not fake.running
    assert os.environ["AWS_PROFILE"] == "production"
    assert os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] == "https://bedrock-runtime.example"
    assert "AWS_ENDPOINT_URL_BEDROCK" not in os.environ


def test_the_wheel_puts_the_binary_beside_the_interpreter_in_the_packages_version():
    binary = bedrock_harness.find_binary()
    assert os.path.dirname(binary) == sysconfig.get_path("scripts")
    shown = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    assert shown.split() == ["bedrock-harness", bedrock_harness.__version__]


def test_a_missing_binary_is_named(monkeypatch):
    monkeypatch.setenv("BEDROCK_HARNESS_BIN", "/nonexistent/bedrock-harness")
    with pytest.raises(bedrock_harness.BinaryNotFound) as missing:
        bedrock_harness.start()
    assert "BEDROCK_HARNESS_BIN names '/nonexistent/bedrock-harness'" in str(missing.value)


def test_no_binary_anywhere_says_where_it_looked_and_what_to_do(monkeypatch, tmp_path):
    monkeypatch.delenv("BEDROCK_HARNESS_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("bedrock_harness._binary._scripts_dirs", lambda: [str(tmp_path)])
    with pytest.raises(bedrock_harness.BinaryNotFound) as missing:
        bedrock_harness.find_binary()
    message = str(missing.value)
    assert str(tmp_path) in message
    assert "pip install bedrock-harness" in message


def test_a_server_that_cannot_start_shows_its_own_words():
    with pytest.raises(bedrock_harness.ServeError) as failed:
        bedrock_harness.start(as_of="the day after tomorrow")
    message = str(failed.value)
    assert "exited with status" in message
    assert "the day after tomorrow" in message


def test_a_fixtures_overlay_is_replayed(tmp_path):
    # A recording in the layout `serve --record-to` writes (per model, under
    # the family's folder); its words are this test's own.
    recording = {
        "source": "bedrock-harness's Python suite: a recording written by the test",
        "invoke": {
            "output": {"message": {"role": "assistant", "content": [{"text": "From the overlay."}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 3, "outputTokens": 4, "totalTokens": 7},
        },
    }
    folder = tmp_path / "nova" / "responses"
    folder.mkdir(parents=True)
    (folder / "amazon.nova-micro-v1_0.json").write_text(json.dumps(recording))
    with bedrock_harness.serve(fixtures=tmp_path, as_of="2026-12-02", set_env=False) as fake:
        body = {"messages": [{"role": "user", "content": [{"text": "Hi"}]}]}
        raw = fake.client().invoke_model(modelId=NOVA, body=json.dumps(body))
        assert json.loads(raw["body"].read()) == recording["invoke"]
        assert "AWS_ENDPOINT_URL_BEDROCK_RUNTIME" not in os.environ or (
            os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] != fake.url
        )


def test_boto3s_default_session_takes_the_credentials_of_each_fake():
    # boto3.client() keeps the credentials its default session first
    # resolved; a second fake that checks another key pair still works.
    with bedrock_harness.serve(as_of="2026-12-02"):
        assert said(boto3.client("bedrock-runtime").converse(modelId=NOVA, messages=HI))
    with bedrock_harness.serve(as_of="2026-12-02", verify_sigv4="AKIDSECOND:second-secret") as fake:
        assert said(boto3.client("bedrock-runtime").converse(modelId=NOVA, messages=HI))
        assert [call["status"] for call in fake.journal()] == [200]


def test_without_boto3_the_fake_works_and_client_says_what_is_missing(bedrock_fake, monkeypatch):
    # The package needs only the standard library; boto3 is optional.
    monkeypatch.setitem(__import__("sys").modules, "boto3", None)
    bedrock_fake.rule(text("no SDK needed", times=1))
    assert len(bedrock_fake.active_rules()) == 1
    with pytest.raises(bedrock_harness.HarnessError) as missing:
        bedrock_fake.client()
    assert "needs boto3 (pip install boto3)" in str(missing.value)


def test_a_server_that_died_is_named_in_the_next_control_call():
    fake = bedrock_harness.start(as_of="2026-12-02")
    try:
        fake._process.kill()
        fake._process.wait()
        with pytest.raises(bedrock_harness.HarnessError) as dead:
            fake.journal()
        assert "serve exited with status -9" in str(dead.value)
        assert "listening on" in str(dead.value)
    finally:
        fake.stop()
