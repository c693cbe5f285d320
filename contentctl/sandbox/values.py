"""Parsed JSON, narrowed: an untrusted value in, the shape a check expects (or an empty one) out.

Request bodies and stored rows are ``object`` until checked; these helpers
narrow them by ``isinstance``, so a wrong shape becomes an empty value the
caller then refuses with Publer's own message.
"""

from __future__ import annotations

JSONObject = dict[str, object]


def as_object(value: object) -> JSONObject:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[object]:
    """``value`` if it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def objects(value: object) -> list[JSONObject]:
    """The objects of a JSON array (anything else in it is left out)."""
    return [item for item in as_list(value) if isinstance(item, dict)]


def text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
