"""What a state document must be beyond its schema: a loaded document in, a StateError or None out.

``schemas/state.schema.json`` says what each entry, media file and intent
looks like on its own; ``check_document`` checks what only the entries taken
together can say, before any record is built from them, so a hand-edited
state that the code would misread is refused by name instead:

- every time is a real one: the schema's pattern lets ``2027-13-45T99:99:99Z``
  through, which the plan could not read;
- no post × account is in two intents, or twice in one: an apply sends it
  once, and settling it twice would record two outcomes for one post.

Every refusal names the file and the JSON path of the value at fault.
``refuse_constant`` is the ``json.loads`` hook that refuses ``NaN`` and
``Infinity``, which Python's JSON reader accepts but JSON does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, NoReturn

from contentctl.errors import StateError
from contentctl.model import render_path


def refuse_constant(name: str) -> NoReturn:
    """``parse_constant`` for ``json.loads``: NaN, Infinity and -Infinity are not JSON."""
    raise ValueError(f"{name} is not a JSON value")


def check_document(data: Mapping[str, Any], *, source: str) -> None:
    """Raise StateError (naming ``source`` and a JSON path) unless the entries fit together."""
    _check_times(data, source)
    _check_intents(data, source)


_ENTRY_TIMES = ("scheduled_at", "created_at", "updated_at")


def _check_times(data: Mapping[str, Any], source: str) -> None:
    known: set[str] = set()  # a state holds few distinct times; each is parsed once

    def check(value: object, path: tuple[str | int, ...]) -> None:
        if not isinstance(value, str) or value in known:
            return
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _invalid(source, path, f"{value!r} is not a real date and time") from None
        known.add(value)

    for post_id, accounts in data["posts"].items():
        for alias, entry in accounts.items():
            where = ("posts", post_id, alias)
            for key in _ENTRY_TIMES:
                check(entry[key], (*where, key))
            account = entry["spec"].get("account") or {}
            check(account.get("scheduled_at"), (*where, "spec", "account", "scheduled_at"))
    for sha, media in data["media"].items():
        check(media["uploaded_at"], ("media", sha, "uploaded_at"))
    for batch, intent in data["intents"].items():
        check(intent["created_at"], ("intents", batch, "created_at"))
        for index, item in enumerate(intent["items"]):
            check(item["scheduled_at"], ("intents", batch, "items", index, "scheduled_at"))
            account = item["spec"].get("account") or {}
            spec_at = ("intents", batch, "items", index, "spec", "account", "scheduled_at")
            check(account.get("scheduled_at"), spec_at)


def _check_intents(data: Mapping[str, Any], source: str) -> None:
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    intents: Mapping[str, Mapping[str, Any]] = data["intents"]
    for batch, intent in intents.items():
        for index, item in enumerate(intent["items"]):
            key = (item["post_id"], item["alias"])
            where = ("intents", batch, "items", index)
            first = seen.setdefault(key, (batch, index))
            if first != (batch, index):
                raise _invalid(
                    source,
                    where,
                    f"{key[0]} @ {key[1]} is already in "
                    f"{render_path(('intents', first[0], 'items', first[1]))}; "
                    "a post × account is sent once per apply",
                )


def _invalid(source: str, path: tuple[str | int, ...], problem: str) -> StateError:
    return StateError(f"{source} is not a valid state file: at {render_path(path)}: {problem}")
