"""A fake Amazon Bedrock for Python test suites.

``pip install bedrock-harness`` installs the ``bedrock-harness`` binary and
this package: :func:`serve` runs the fake for a block of code, and the
pytest plugin (registered on install) gives tests the ``bedrock_fake``
fixture.

>>> import boto3, json
>>> with serve(as_of="2026-12-02") as fake:
...     fake.rule(text("Hello from the fake", times=1))
...     client = boto3.client("bedrock-runtime")
...     answer = client.converse(
...         modelId="amazon.nova-micro-v1:0",
...         messages=[{"role": "user", "content": [{"text": "Hi"}]}])
...     answer["output"]["message"]["content"][0]["text"]
'Hello from the fake'
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from . import rules
from ._binary import ENV_VAR, BinaryNotFound, find_binary
from ._server import Fake, HarnessError, ServeError, apply_env, restore_env, start
from .rules import (
    bad_crc,
    error,
    fixture,
    job_failure,
    rule,
    stream_error,
    text,
    tool_call,
    tool_policy,
    truncate_stream,
)

try:
    __version__ = version("bedrock-harness")
    """The package's version: the crate's, from its Cargo.toml."""
except PackageNotFoundError:  # run from a source tree
    __version__ = "0+unknown"


@contextlib.contextmanager
def serve(
    binary: str | None = None, set_env: bool = True, timeout: float = 30.0, **options: Any
) -> Iterator[Fake]:
    """Runs `bedrock-harness serve` for the ``with`` block and yields its
    :class:`Fake`.

    ``options`` are `serve`'s flags as keyword arguments (``as_of``,
    ``verify_sigv4``, ``fixtures``, ``scenario`` (a path, or the scenario
    itself as a dict or list), ``api_key``, ``tls``, ``args=[...]``).
    With ``set_env`` (the default) the block runs with the fake's
    environment (:attr:`Fake.env`: ``AWS_ENDPOINT_URL_BEDROCK_RUNTIME``,
    ``AWS_ENDPOINT_URL_BEDROCK``, the other SDKs' base URLs, dummy
    credentials, the region), and the environment is put back afterwards.
    """
    fake = start(binary=binary, timeout=timeout, **options)
    saved = apply_env(fake.env) if set_env else None
    try:
        yield fake
    finally:
        if saved is not None:
            restore_env(saved)
        fake.stop()


__all__ = [
    "ENV_VAR",
    "BinaryNotFound",
    "Fake",
    "HarnessError",
    "ServeError",
    "bad_crc",
    "error",
    "find_binary",
    "fixture",
    "job_failure",
    "rule",
    "rules",
    "serve",
    "start",
    "stream_error",
    "text",
    "tool_call",
    "tool_policy",
    "truncate_stream",
]
