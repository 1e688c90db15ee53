"""The plugin seen from outside: pytest sessions run in subprocesses."""

import pytest

ENV_CHECKS = """
import os
import boto3

def test_uses_the_fake(bedrock_fake):
    assert os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] == bedrock_fake.url
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert "AWS_PROFILE" not in os.environ
    bedrock_fake.rule({"action": {"type": "text", "text": "left behind"}})
    boto3.client("bedrock-runtime").converse(
        modelId="amazon.nova-micro-v1:0",
        messages=[{"role": "user", "content": [{"text": "Hi"}]}])

def test_after_it_the_environment_is_back():
    assert os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] == "https://bedrock-runtime.example"
    assert os.environ["AWS_PROFILE"] == "production"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAREALKEY"
    assert "AWS_ENDPOINT_URL_BEDROCK" not in os.environ

def test_the_next_test_finds_the_server_reset(bedrock_fake, bedrock_fake_server):
    assert bedrock_fake is bedrock_fake_server
    assert bedrock_fake.journal() == []
    assert bedrock_fake.active_rules() == []
"""


@pytest.fixture
def outside_env(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "https://bedrock-runtime.example")
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.delenv("AWS_ENDPOINT_URL_BEDROCK", raising=False)


def test_environment_is_restored_and_the_server_reset_between_tests(pytester, outside_env):
    pytester.makeini("[pytest]\nbedrock_harness_args = --as-of 2026-12-02\n")
    pytester.makepyfile(ENV_CHECKS)
    result = pytester.runpytest_subprocess("-p", "no:xdist")
    result.assert_outcomes(passed=3)


def test_two_xdist_workers_each_get_a_server_on_its_own_port(pytester):
    pytester.makepyfile(
        """
        import os

        def note(fake):
            path = os.path.join(os.environ["URLS_DIR"], os.environ["PYTEST_XDIST_WORKER"])
            with open(path, "a") as out:
                out.write(fake.url + "\\n")

        def test_one(bedrock_fake):
            note(bedrock_fake)
            bedrock_fake.rule({"action": {"type": "text", "text": "mine"}})
            assert len(bedrock_fake.active_rules()) == 1

        def test_two(bedrock_fake):
            note(bedrock_fake)
            assert bedrock_fake.active_rules() == []
        """
    )
    urls = pytester.mkdir("urls")
    pytester._monkeypatch.setenv("URLS_DIR", str(urls))
    # --dist each: both tests run on both workers, at the same time.
    result = pytester.runpytest_subprocess("-n", "2", "--dist", "each")
    result.assert_outcomes(passed=4)
    per_worker = {path.name: path.read_text().split() for path in urls.iterdir()}
    assert sorted(per_worker) == ["gw0", "gw1"]
    # Within a worker both tests share its session's server...
    assert all(len(set(seen)) == 1 for seen in per_worker.values()), per_worker
    # ...and the two workers' servers are on different ports.
    assert per_worker["gw0"][0] != per_worker["gw1"][0], per_worker


def test_a_failed_test_shows_the_servers_log(pytester):
    pytester.makepyfile(
        """
        import boto3

        def test_fails_after_a_call(bedrock_fake):
            boto3.client("bedrock-runtime").converse(
                modelId="amazon.nova-micro-v1:0",
                messages=[{"role": "user", "content": [{"text": "Hi"}]}])
            assert False, "the test's own failure"
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:xdist")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the test's own failure*",
            "*bedrock-harness serve http://127.0.0.1:*",
            "*operation=Some(Converse) model=amazon.nova-micro-v1:0 status=200*",
        ]
    )


def test_a_missing_binary_fails_the_test_with_a_clear_message(pytester):
    pytester.makepyfile(
        """
        def test_needs_the_fake(bedrock_fake):
            pass
        """
    )
    pytester._monkeypatch.setenv("BEDROCK_HARNESS_BIN", "/nonexistent/bedrock-harness")
    result = pytester.runpytest_subprocess("-p", "no:xdist")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*BinaryNotFound*BEDROCK_HARNESS_BIN names '/nonexistent/bedrock-harness'*"])


def test_a_marker_with_positional_arguments_is_refused(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.bedrock_fake("2026-12-02")
        def test_marked(bedrock_fake):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:xdist")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*takes keyword options only*"])
