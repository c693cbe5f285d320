"""A state document in, its file text and content digest out.

The text is JSON laid out for git: sorted keys, two-space indents down to
one line per post × account (and per media file and journal batch), each line
compact JSON. An apply that touches one post changes one line of the diff, and
each line is encoded by json's C encoder; ``indent=`` would force the pure-
Python one, which cost about a second per write of a 10,000-post state.
The digest covers everything but ``serial`` and is the same for equal content
whatever the key order, so ``serial`` moves only on a real change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import partial

# How many levels of each top-level key are laid out one per line.
EXPANDED = {"posts": 2, "media": 1, "intents": 1}

_dump = partial(
    json.dumps, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(", ", ": ")
)


class Rendered(dict[str, object]):
    """A JSON object that keeps its one-line text: rendered once, however often it is written.

    The state's records hand these out (``records.Entry.document``) so a write
    re-encodes only the entries that changed; never mutate one after its text is read.
    """

    __slots__ = ("_utf8",)

    @property
    def utf8(self) -> bytes:
        # kept as UTF-8: a text with one emoji is 4 bytes a character as a str
        try:
            return self._utf8
        except AttributeError:
            self._utf8: bytes = _dump(self).encode("utf-8")
            return self._utf8

    @property
    def text(self) -> str:
        return self.utf8.decode("utf-8")


def members(document: Mapping[str, object]) -> dict[str, bytes]:
    """Each top-level member but ``serial``, rendered as UTF-8; ValueError for NaN and the like.

    Bytes, not str, all the way to the file: one emoji anywhere makes a str of the
    whole state 4 bytes a character (a 15 MB state would be 60 MB per copy).
    """
    return {
        key: _member(key, value, EXPANDED.get(key, 0), 1)
        for key, value in document.items()
        if key != "serial"
    }


def digest_of(rendered: Mapping[str, bytes]) -> str:
    """sha256 of the members in key order, one newline between them, fed without joining."""
    hashed = hashlib.sha256()
    for index, key in enumerate(sorted(rendered)):
        if index:
            hashed.update(b"\n")
        hashed.update(rendered[key])
    return hashed.hexdigest()


def digest(document: Mapping[str, object]) -> str:
    """sha256 of the canonical content without ``serial``: equal digests, same content."""
    return digest_of(members(document))


def bytes_of(rendered: Mapping[str, bytes], serial: int) -> bytes:
    """The file's bytes: the rendered members plus ``serial``, in key order."""
    every = {**rendered, "serial": b'  "serial": %d' % int(serial)}
    return b"{\n" + b",\n".join(every[key] for key in sorted(every)) + b"\n}\n"


def text_of(rendered: Mapping[str, bytes], serial: int) -> str:
    """The file's text (``bytes_of`` decoded), for the backends that store text."""
    return bytes_of(rendered, serial).decode("utf-8")


def _member(key: str, value: object, depth: int, level: int) -> bytes:
    pad = b"  " * level
    name = _dump(key).encode("utf-8")
    if depth == 0 or not isinstance(value, Mapping) or not value:
        text = value.utf8 if isinstance(value, Rendered) else _dump(value).encode("utf-8")
        return pad + name + b": " + text
    inner = b",\n".join(_member(k, value[k], depth - 1, level + 1) for k in sorted(value))
    return pad + name + b": {\n" + inner + b"\n" + pad + b"}"
