"""A running `bedrock-harness serve`: start it, script it, read it, stop it."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn, TypeVar

from ._binary import find_binary
from ._options import Options, api_keys, credentials, serve_args

_LISTENING = re.compile(r"listening on (https?://\S+)")
_EXPORT = re.compile(r"^export ([A-Z0-9_]+)=(.*)$", re.MULTILINE)
_STARTED = "model lifecycle read"
_T = TypeVar("_T")

# Variables that would point clients elsewhere or at real accounts: unset
# while the fake's environment is applied.
_CLEARED = (
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_BEARER_TOKEN_BEDROCK",
)


class HarnessError(RuntimeError):
    """The fake refused a control call, or could not be reached."""


class ServeError(HarnessError):
    """`bedrock-harness serve` did not start; the message holds its output."""


class Fake:
    """A `bedrock-harness serve` process on a free loopback port.

    Made by :func:`start` or :func:`bedrock_harness.serve`, or by the pytest
    fixtures. ``url`` is its endpoint; ``env`` the environment that points
    the SDKs at it (``None`` values are variables to unset).

    >>> with start(as_of="2026-12-02") as fake:
    ...     fake.rule({"action": {"type": "text", "text": "Hi"}, "times": 1})
    ...     fake.journal()
    []
    """

    def __init__(
        self,
        process: subprocess.Popen,
        scratch: str,
        log_path: str,
        options: Options,
        token: str,
        timeout: float,
    ) -> None:
        self._process = process
        self._scratch = scratch
        self._log_path = log_path
        self._token = token
        self._final_log: str | None = None
        self.options: Options = dict(options)
        """The options it was started with."""
        self.region: str = str(options.get("region") or "us-east-1")
        """The region it reads the catalog for."""
        exports = self._wait_for_start(timeout)
        listening = _LISTENING.search(self.log())
        assert listening is not None  # _wait_for_start found the line
        self.url: str = listening.group(1)
        """Its endpoint, ``http://127.0.0.1:PORT`` (``https`` under ``tls``)."""
        self.ca_bundle: str | None = exports.get("AWS_CA_BUNDLE")
        """The CA certificate file clients must trust under ``tls``."""
        self.env: dict[str, str | None] = self._environment(exports)
        """The environment for clients: `serve`'s export lines, credentials
        and region; ``None`` marks a variable to unset."""
        self._wait_for_health(timeout)
        self._initial_rules = self.active_rules()

    # Start-up -----------------------------------------------------------

    def _wait_for_start(self, timeout: float) -> dict[str, str]:
        def started() -> dict[str, str] | None:
            text = self.log()
            if _STARTED in text and _LISTENING.search(text):
                return dict(_EXPORT.findall(text))
            return None

        return self._poll(started, "did not start", timeout)

    def _wait_for_health(self, timeout: float) -> None:
        def healthy() -> bool | None:
            try:
                return self._control("GET", "/_harness/health") == {"status": "ok"} or None
            except HarnessError:
                return None

        self._poll(healthy, "did not answer /_harness/health", timeout)

    def _poll(self, ready: Callable[[], _T | None], late: str, timeout: float) -> _T:
        """``ready()``'s first answer that is not ``None``; a process that
        exits first, or a ``timeout``, is a :class:`ServeError`."""
        deadline = time.monotonic() + timeout
        while True:
            found = ready()
            if found is not None:
                return found
            if self._process.poll() is not None:
                self._fail(f"exited with status {self._process.returncode} before it served")
            if time.monotonic() > deadline:
                self._fail(f"{late} within {timeout:g} s")
            time.sleep(0.02)

    def _fail(self, why: str) -> NoReturn:
        args = self._process.args
        command = " ".join(map(str, args)) if isinstance(args, list) else str(args)
        self.stop()
        raise ServeError(f"bedrock-harness serve {why}.\ncommand: {command}\noutput:\n{self.log()}")

    def _environment(self, exports: Mapping[str, str]) -> dict[str, str | None]:
        env: dict[str, str | None] = {name: None for name in _CLEARED}
        env.update(exports)
        key, secret = credentials(self.options)
        env.update(
            {
                "AWS_ACCESS_KEY_ID": key,
                "AWS_SECRET_ACCESS_KEY": secret,
                "AWS_REGION": self.region,
                "AWS_DEFAULT_REGION": self.region,
                "BEDROCK_HARNESS_CONTROL_TOKEN": self._token,
            }
        )
        keys = api_keys(self.options)
        if keys and self.url.startswith("https://"):
            # SDKs send a bearer token only over HTTPS.
            env["AWS_BEARER_TOKEN_BEDROCK"] = keys[0]
        return env

    # The control API ------------------------------------------------------

    def _control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        if method == "POST" and data is None:
            data = b""
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self._token}")
        if data is not None:
            # The control API takes only JSON POSTs (a browser's form cannot script it).
            request.add_header("Content-Type", "application/json")
        context = ssl.create_default_context(cafile=self.ca_bundle) if self.ca_bundle else None
        try:
            with urllib.request.urlopen(request, timeout=30, context=context) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as refused:
            detail = refused.read().decode(errors="replace")
            raise HarnessError(
                f"bedrock-harness: {method} {path} answered {refused.code}: {detail}"
            ) from None
        except (urllib.error.URLError, OSError) as unreachable:
            if self._process.poll() is not None:
                raise HarnessError(
                    f"bedrock-harness: {method} {path} failed: serve exited with status "
                    f"{self._process.returncode}; its output:\n{self.log()[-4000:]}"
                ) from None
            raise HarnessError(f"bedrock-harness: {method} {path} failed: {unreachable}") from None
        return json.loads(raw) if raw else None

    def rule(self, rule: Mapping[str, Any] | None = None, **fields: Any) -> None:
        """Adds one rule: a dict (see :mod:`bedrock_harness.rules`), or its
        members as keyword arguments (``action={...}, times=1``).

        A rule the fake refuses raises :class:`HarnessError` with its reason.
        """
        made = dict(rule or {})
        made.update(fields)
        self._control("POST", "/_harness/rules", made)

    def rules(self, rules: Iterable[Mapping[str, Any]]) -> None:
        """Adds rules in order (several ``times=1`` rules form a sequence)."""
        self._control("POST", "/_harness/rules", [dict(rule) for rule in rules])

    def active_rules(self) -> list[dict[str, Any]]:
        """The rules with their remaining counts."""
        return self._control("GET", "/_harness/rules")

    def journal(self) -> list[dict[str, Any]]:
        """The calls received, oldest first: ``operation``, ``model``,
        the decoded ``body``, ``status`` and, for refusals, ``error``."""
        return self._control("GET", "/_harness/journal")

    def clear_journal(self) -> None:
        """Forgets the calls received."""
        self._control("DELETE", "/_harness/journal")

    def clear_rules(self) -> None:
        """Removes every rule."""
        self._control("DELETE", "/_harness/rules")

    def reset(self) -> None:
        """Removes rules and journal, then adds back the rules it started
        with (a ``scenario``'s): the fake as it started."""
        self._control("POST", "/_harness/reset")
        if self._initial_rules:
            self.rules(self._initial_rules)

    # Clients and output ----------------------------------------------------

    def client(self, service: str = "bedrock-runtime", **kwargs: Any) -> Any:
        """A boto3 client for ``service`` (``"bedrock-runtime"`` or
        ``"bedrock"``) pointed at the fake, with its credentials and region;
        ``kwargs`` go to ``boto3.client``. Needs boto3 installed."""
        try:
            import boto3
        except ImportError:
            raise HarnessError("bedrock-harness: Fake.client() needs boto3 (pip install boto3)") from None
        key, secret = credentials(self.options)
        settings: dict[str, Any] = {
            "endpoint_url": self.url,
            "region_name": self.region,
            "aws_access_key_id": key,
            "aws_secret_access_key": secret,
        }
        if self.ca_bundle:
            settings["verify"] = self.ca_bundle
        settings.update(kwargs)
        return boto3.client(service, **settings)

    def log(self, since: int = 0) -> str:
        """What `serve` printed (its calls, with ``-v``), from byte ``since``."""
        if self._final_log is not None:
            return self._final_log[since:]
        try:
            with open(self._log_path, "rb") as log:
                log.seek(since)
                return log.read().decode(errors="replace")
        except OSError:
            return ""

    def log_position(self) -> int:
        """The log's current length, for :meth:`log` ``(since=...)``."""
        if self._final_log is not None:
            return len(self._final_log)
        try:
            return os.path.getsize(self._log_path)
        except OSError:
            return 0

    @property
    def running(self) -> bool:
        """Whether the process is still running."""
        return self._process.poll() is None

    def stop(self, timeout: float = 10.0) -> int | None:
        """Stops the process (SIGTERM, then SIGKILL after ``timeout``) and
        returns its exit status; the log stays readable."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._final_log is None:
            self._final_log = self.log()
            shutil.rmtree(self._scratch, ignore_errors=True)
        return self._process.returncode

    def __enter__(self) -> Fake:  # noqa: PYI034 (typing.Self needs Python 3.11)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<bedrock_harness.Fake {self.url} {state}>"


def start(binary: str | None = None, timeout: float = 30.0, **options: Any) -> Fake:
    """Starts `bedrock-harness serve` on a free loopback port with
    ``options`` (``as_of``, ``verify_sigv4``, ``fixtures``, ``scenario``,
    ``api_key``, ``tls``, ``mantle``, ``region``, ``args=[...]``: any
    `serve` flag, ``_`` for ``-``) and waits until it answers.

    The caller stops it (``with start(...) as fake:`` does). It does not
    change the environment: :func:`bedrock_harness.serve` does.

    Raises :class:`bedrock_harness.BinaryNotFound` when there is no binary
    and :class:`ServeError`, with the server's output, when it cannot start.
    """
    program = find_binary(binary)
    scratch = tempfile.mkdtemp(prefix="bedrock-harness-")
    try:
        flags, _ = serve_args(options, scratch)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    token = secrets.token_hex(16)
    log_path = os.path.join(scratch, "serve.log")
    command = [program, "serve", "--host", "127.0.0.1", "--port", "0", "--control-token", token]
    # Calls are logged (the log is shown with a failed test) and a stop is
    # quick, unless the options say otherwise.
    if "verbose" not in options:
        command.append("-v")
    if "shutdown_grace" not in options:
        command += ["--shutdown-grace", "2"]
    command += flags
    if "tls" in options and options["tls"] and "tls_ca_out" not in options:
        command += ["--tls-ca-out", os.path.join(scratch, "ca.pem")]
    with open(log_path, "wb") as log:
        try:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        except OSError as cannot:
            shutil.rmtree(scratch, ignore_errors=True)
            raise ServeError(f"bedrock-harness serve could not run {program}: {cannot}") from None
    return Fake(process, scratch, log_path, options, token, timeout)


def apply_env(env: Mapping[str, str | None]) -> dict[str, str | None]:
    """Sets ``env`` in ``os.environ`` (``None`` unsets) and returns what was
    there before, for :func:`restore_env`.

    boto3's default session keeps the credentials it first resolved, so it
    is dropped here (when boto3 is loaded): ``boto3.client()`` then reads
    the credentials just set.
    """
    saved = {name: os.environ.get(name) for name in env}
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    boto3: Any = sys.modules.get("boto3")
    if boto3 is not None:
        boto3.DEFAULT_SESSION = None
    return saved


def restore_env(saved: Mapping[str, str | None]) -> None:
    """Puts back what :func:`apply_env` replaced."""
    apply_env(saved)
