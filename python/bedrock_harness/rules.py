"""Rules as Python dicts: what the fake answers, for which calls, how often.

Each helper returns the rule JSON the README's "Rules and faults" section
describes, ready for :meth:`bedrock_harness.Fake.rule`. The keyword
arguments every helper takes narrow or pace the rule:

- ``model``: only calls naming this model (any id, profile or ARN of it);
- ``operation``: only this operation (``"invoke"``,
  ``"invoke-with-response-stream"``, ``"converse"``, ``"converse-stream"``,
  ``"count-tokens"``, ``"start-async-invoke"``,
  ``"invoke-with-bidirectional-stream"``);
- ``times``: apply to the next ``times`` matching calls (always when absent);
- ``delay_ms``, ``first_byte_ms``, ``chunk_interval_ms``,
  ``tokens_per_second``: when the answer, or each streamed frame, comes.

>>> text("Hello", times=1)
{'action': {'type': 'text', 'text': 'Hello'}, 'times': 1}
>>> error("ThrottlingException", model="amazon.nova-lite-v1:0")
{'action': {'type': 'error', 'name': 'ThrottlingException'}, 'model': 'amazon.nova-lite-v1:0'}
"""

from __future__ import annotations

from typing import Any

Rule = dict[str, Any]
"""One rule, as the fake's control API takes it."""

_MATCH_AND_PACE = (
    "model",
    "operation",
    "times",
    "delay_ms",
    "first_byte_ms",
    "chunk_interval_ms",
    "tokens_per_second",
)


def rule(action: dict[str, Any], **fields: Any) -> Rule:
    """A rule doing ``action`` (a dict with its ``type``), narrowed and paced
    by ``fields`` (``model``, ``operation``, ``times``, ``delay_ms``,
    ``first_byte_ms``, ``chunk_interval_ms``, ``tokens_per_second``).

    >>> rule({"type": "fixture", "name": "tool_use"}, operation="converse")
    {'action': {'type': 'fixture', 'name': 'tool_use'}, 'operation': 'converse'}

    An unknown field is a :class:`TypeError` here rather than a refusal
    from the fake later.
    """
    unknown = sorted(set(fields) - set(_MATCH_AND_PACE))
    if unknown:
        raise TypeError(
            f"unknown rule field(s) {', '.join(unknown)}; a rule takes {', '.join(_MATCH_AND_PACE)}"
        )
    made: Rule = {"action": dict(action)}
    made.update({key: value for key, value in fields.items() if value is not None})
    return made


def _action(kind: str, **members: Any) -> dict[str, Any]:
    action: dict[str, Any] = {"type": kind}
    action.update({key: value for key, value in members.items() if value is not None})
    return action


def text(text: str, *, stop_reason: str | None = None, **fields: Any) -> Rule:
    """Answer with ``text`` in the model's own wire shape (a Converse stop
    reason such as ``"max_tokens"`` in ``stop_reason``).

    >>> text("Hi", stop_reason="max_tokens")["action"]
    {'type': 'text', 'text': 'Hi', 'stop_reason': 'max_tokens'}
    """
    return rule(_action("text", text=text, stop_reason=stop_reason), **fields)


def tool_call(name: str, input: dict[str, Any], **fields: Any) -> Rule:
    """Answer with a call of tool ``name`` with arguments ``input``.

    >>> tool_call("get_weather", {"city": "Oslo"})["action"]["input"]
    {'city': 'Oslo'}
    """
    return rule(_action("tool_call", name=name, input=input), **fields)


def fixture(name: str, **fields: Any) -> Rule:
    """Answer with the recording ``fixtures/<family>/responses/<name>.json``.

    >>> fixture("tool_use")["action"]
    {'type': 'fixture', 'name': 'tool_use'}
    """
    return rule(_action("fixture", name=name), **fields)


def error(
    name: str,
    *,
    message: str | None = None,
    extra: dict[str, Any] | None = None,
    **fields: Any,
) -> Rule:
    """Refuse with Bedrock's error ``name`` (its status is Bedrock's for the
    name; the message is Bedrock's usual text unless ``message`` is given;
    ``extra`` adds members such as ``{"originalStatusCode": 500}``).

    >>> error("ModelErrorException", extra={"originalStatusCode": 500})["action"]["extra"]
    {'originalStatusCode': 500}
    """
    return rule(_action("error", name=name, message=message, extra=extra), **fields)


def stream_error(
    after: int = 2,
    name: str = "ModelStreamErrorException",
    *,
    message: str | None = None,
    **fields: Any,
) -> Rule:
    """Stream ``after`` events, then an exception frame named ``name``.

    >>> stream_error(after=1)["action"]
    {'type': 'stream_error', 'after': 1, 'name': 'ModelStreamErrorException'}
    """
    return rule(_action("stream_error", after=after, name=name, message=message), **fields)


def truncate_stream(after: int = 1, **fields: Any) -> Rule:
    """Stream ``after`` whole frames, then half a frame, then end.

    >>> truncate_stream(2)["action"]
    {'type': 'truncate_stream', 'after': 2}
    """
    return rule(_action("truncate_stream", after=after), **fields)


def bad_crc(frame: int = 0, **fields: Any) -> Rule:
    """Corrupt one byte of streamed frame ``frame`` (0-based) so its CRC fails.

    >>> bad_crc()["action"]
    {'type': 'bad_crc', 'frame': 0}
    """
    return rule(_action("bad_crc", frame=frame), **fields)


def tool_policy(policy: str, **fields: Any) -> Rule:
    """Answer as the fake does, but call tools ``"auto"``, ``"never"`` or
    ``"always"``.

    >>> tool_policy("never")["action"]
    {'type': 'tool_policy', 'policy': 'never'}
    """
    return rule(_action("tool_policy", policy=policy), **fields)


def job_failure(message: str | None = None, **fields: Any) -> Rule:
    """Start an asynchronous job (StartAsyncInvoke), then let it end
    ``Failed`` with ``message``.

    >>> job_failure("out of capacity")["action"]
    {'type': 'job_failure', 'message': 'out of capacity'}
    """
    return rule(_action("job_failure", message=message), **fields)
