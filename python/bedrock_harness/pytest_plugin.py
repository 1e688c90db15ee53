"""The pytest plugin: the ``bedrock_fake`` fixture and its server.

Registered through the ``pytest11`` entry point, so installing the wheel
is all it takes::

    def test_converse(bedrock_fake):
        bedrock_fake.rule(bedrock_harness.text("Hi", times=1))
        answer = bedrock_fake.client().converse(modelId="amazon.nova-micro-v1:0", messages=[...])

- ``bedrock_fake_server`` (session scope): one `serve` per session (per
  pytest-xdist worker), started when first asked for, with the options of
  the ``bedrock_harness_args`` ini setting.
- ``bedrock_fake`` (function scope): that server, reset before the test,
  with its environment applied for the test and restored afterwards. A
  test marked ``@pytest.mark.bedrock_fake(**options)``, or parametrized
  indirectly with a dict of options, gets a server of its own instead,
  started with those options on top of the ini setting's, and stopped
  after the test.

A failed test that used the fake shows the server's log for that test.
"""

from __future__ import annotations

import shlex
from collections.abc import Generator, Iterator
from typing import Any

import pytest

from ._options import options_from_args
from ._server import Fake, apply_env, restore_env, start

_FAKE = pytest.StashKey[tuple[Fake, int]]()
_MARKER = "bedrock_fake"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bedrock-harness", "the fake Amazon Bedrock")
    group.addoption(
        "--bedrock-harness-bin",
        dest="bedrock_harness_bin",
        default=None,
        help="the bedrock-harness binary to run (default: BEDROCK_HARNESS_BIN, "
        "then the one pip installed, then PATH)",
    )
    parser.addini(
        "bedrock_harness_args",
        "flags for every `bedrock-harness serve` the fixtures start, e.g. --as-of 2026-12-02",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(**options): give this test its own `bedrock-harness serve` with these "
        "options (as_of=..., verify_sigv4='KEY:SECRET', fixtures=..., scenario=..., "
        "api_key=..., tls=True, args=[...])",
    )


def _ini_options(config: pytest.Config) -> dict[str, Any]:
    raw = config.getini("bedrock_harness_args")
    args = shlex.split(raw) if isinstance(raw, str) else list(raw)
    return options_from_args(args)


def _binary(config: pytest.Config) -> str | None:
    return config.getoption("bedrock_harness_bin")


@pytest.fixture(scope="session")
def bedrock_fake_server(pytestconfig: pytest.Config) -> Iterator[Fake]:
    """One `bedrock-harness serve` for the session (for each xdist worker),
    with the ``bedrock_harness_args`` ini options. It does not change the
    environment and is not reset: ``bedrock_fake`` does both per test."""
    fake = start(binary=_binary(pytestconfig), **_ini_options(pytestconfig))
    try:
        yield fake
    finally:
        fake.stop()


def _test_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(_MARKER))):
        if marker.args:
            raise TypeError(f"@pytest.mark.{_MARKER} takes keyword options only, got {marker.args!r}")
        options.update(marker.kwargs)
    param = getattr(request, "param", None)
    if param is not None:
        if not isinstance(param, dict):
            raise TypeError(
                f"an indirect parameter of bedrock_fake is a dict of serve options, got {param!r}"
            )
        options.update(param)
    return options


@pytest.fixture
def bedrock_fake(request: pytest.FixtureRequest) -> Iterator[Fake]:
    """A fake Bedrock for this test, its environment applied (endpoint
    variables, dummy credentials, region) and restored afterwards."""
    options = _test_options(request)
    owned = bool(options)
    if owned:
        merged = {**_ini_options(request.config), **options}
        fake = start(binary=_binary(request.config), **merged)
    else:
        fake = request.getfixturevalue("bedrock_fake_server")
        fake.reset()
    request.node.stash[_FAKE] = (fake, fake.log_position())
    saved = apply_env(fake.env)
    try:
        yield fake
    finally:
        restore_env(saved)
        if owned:
            fake.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    used = item.stash.get(_FAKE, None)
    if used is None or not report.failed:
        return
    fake, since = used
    state = "" if fake.running else f" (exited with status {fake.stop()})"
    log = fake.log(since).rstrip() or "(nothing)"
    report.sections.append((f"bedrock-harness serve {fake.url}{state}", log))
