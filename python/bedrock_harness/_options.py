"""`serve`'s options as Python keyword arguments, and back to its flags."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

Options = dict[str, Any]
"""`serve` options by name: ``as_of="2026-12-02"``, ``verify_sigv4="KEY:SECRET"``..."""

# Options the package itself decides; a caller may not pass them.
_OWN = {"port", "host", "control_token", "control_host"}


def options_from_args(args: Sequence[str]) -> Options:
    """Reads command-line flags (``--as-of 2026-12-02 --tls``) as options.

    >>> options_from_args(["--as-of", "2026-12-02", "--tls", "--api-key", "A", "--api-key", "B"])
    {'as_of': '2026-12-02', 'tls': True, 'api_key': ['A', 'B']}
    """
    options: Options = {}
    tokens = list(args)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not token.startswith("--"):
            raise ValueError(f"bedrock-harness: expected a --flag, found {token!r} in {list(args)}")
        name, has_value, inline = token[2:].partition("=")
        key = name.replace("-", "_")
        if has_value:
            value: Any = inline
        elif index + 1 < len(tokens) and not tokens[index + 1].startswith("--"):
            index += 1
            value = tokens[index]
        else:
            value = True
        if key in options and value is not True:
            previous = options[key]
            value = (previous if isinstance(previous, list) else [previous]) + [value]
        options[key] = value
        index += 1
    return options


def serve_args(options: Mapping[str, Any], scratch: str) -> tuple[list[str], list[str]]:
    """The flags for ``serve`` from ``options``, and the files written for
    them in ``scratch`` (a ``scenario`` given as a dict or list).

    ``True`` is a bare flag, ``False`` and ``None`` leave it out, a list or
    tuple repeats it (``api_key=["A", "B"]``), and ``args`` is a list of
    raw extra flags.

    >>> serve_args({"as_of": "2026-12-02", "serve_end_of_life": True, "tls": False}, "/tmp")[0]
    ['--as-of', '2026-12-02', '--serve-end-of-life']
    """
    flags: list[str] = []
    written: list[str] = []
    for key, value in options.items():
        if key in _OWN:
            raise ValueError(f"bedrock-harness: the {key!r} option is chosen by the package")
        if key == "args":
            flags.extend(str(arg) for arg in value)
            continue
        if key == "scenario" and isinstance(value, (dict, list)):
            path = os.path.join(scratch, "scenario.json")
            with open(path, "w", encoding="utf-8") as out:
                json.dump(value, out)
            written.append(path)
            value = path
        if key == "verify_sigv4" and isinstance(value, (tuple, list)):
            value = ":".join(value)
        flag = "--" + key.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            flags.append(flag)
        elif isinstance(value, (list, tuple)):
            for item in value:
                flags.extend([flag, os.fspath(item) if hasattr(item, "__fspath__") else str(item)])
        else:
            flags.extend([flag, os.fspath(value) if hasattr(value, "__fspath__") else str(value)])
    return flags, written


def credentials(options: Mapping[str, Any]) -> tuple[str, str]:
    """The access key pair clients should sign with: the pair the fake
    checks under ``verify_sigv4``, a dummy pair otherwise.

    >>> credentials({"verify_sigv4": "AKID:secret"})
    ('AKID', 'secret')
    >>> credentials({})
    ('testing', 'testing')
    """
    pair = options.get("verify_sigv4")
    if isinstance(pair, (tuple, list)):
        return str(pair[0]), str(pair[1])
    if isinstance(pair, str) and ":" in pair:
        key, _, secret = pair.partition(":")
        return key, secret
    return "testing", "testing"


def api_keys(options: Mapping[str, Any]) -> list[str]:
    """The Bedrock API keys the fake accepts (``api_key``), in order.

    >>> api_keys({"api_key": "ABSKone"})
    ['ABSKone']
    """
    keys = options.get("api_key")
    if keys is None:
        return []
    if isinstance(keys, str):
        return [keys]
    return [str(key) for key in keys]
