"""Finding the `bedrock-harness` binary the wheel installed."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig

ENV_VAR = "BEDROCK_HARNESS_BIN"
"""The environment variable that names the binary to run, before any search."""

_NAME = "bedrock-harness.exe" if os.name == "nt" else "bedrock-harness"


class BinaryNotFound(RuntimeError):
    """The `bedrock-harness` binary is not where it was looked for."""


def _scripts_dirs() -> list[str]:
    """Where pip puts the wheel's binary for this interpreter: the
    environment's scripts folder, then the user scheme's (`pip install --user`)."""
    dirs = [sysconfig.get_path("scripts")]
    user_scheme = {"nt": "nt_user", "posix": "posix_user"}.get(os.name)
    if sys.platform == "darwin" and sys._framework:  # type: ignore[attr-defined]
        user_scheme = "osx_framework_user"
    if user_scheme and user_scheme in sysconfig.get_scheme_names():
        dirs.append(sysconfig.get_path("scripts", scheme=user_scheme))
    return [d for d in dirs if d]


def find_binary(explicit: str | None = None) -> str:
    """The path of the `bedrock-harness` binary to run.

    Looked for, in order: ``explicit``; the ``BEDROCK_HARNESS_BIN``
    environment variable; the scripts folder of the running interpreter
    (where ``pip install bedrock-harness`` puts it); ``PATH``.

    >>> import os
    >>> os.path.basename(find_binary()).startswith("bedrock-harness")
    True

    Raises :class:`BinaryNotFound`, naming every place it looked, when none
    holds an executable file.
    """
    named = explicit or os.environ.get(ENV_VAR)
    if named:
        if os.path.isfile(named) and os.access(named, os.X_OK):
            return named
        origin = "the path given" if explicit else ENV_VAR
        raise BinaryNotFound(f"bedrock-harness: {origin} names {named!r}, which is not an executable file")
    looked = []
    for folder in _scripts_dirs():
        candidate = os.path.join(folder, _NAME)
        looked.append(candidate)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    on_path = shutil.which(_NAME)
    if on_path:
        return on_path
    raise BinaryNotFound(
        "bedrock-harness: the `bedrock-harness` binary was not found "
        f"(looked in {', '.join(looked)} and on PATH). Install it with "
        "`pip install bedrock-harness` (or `cargo install bedrock-harness`), "
        f"or set {ENV_VAR} to its path."
    )
