"""A manifest's ``posts:`` list cut into its items: an edit re-parses the posts it touched.

``split(text)`` cuts a file of the usual shape (comment lines, then ``posts:``, then
its ``- `` items and nothing else) into ``Pieces``: the ``posts:`` line and each
item's text with its first line. An item is parsed alone as ``posts:\\n`` + its
text (``parse_item``), so its result is the same wherever the item sits in the
file and the parse cache keys it by the item's bytes (``item_digest``);
``assemble`` puts a file's items back together with their real line numbers.
``derive`` gets the items' results from a parse of the whole file instead, for
the first run, which then costs no more than before.

Why the items are independent: the cut is made only where a line starts with
``- `` at the list's own indentation, which nothing inside an item can do (a
block scalar's or a plain scalar's lines are indented deeper; a quoted or flow
value cut there would leave an item that fails to parse, and then the whole
file is parsed as before). A file with an anchor (``&name``) is never cut: an
alias may reach across items; nor one where a hashtag may be lost (its warning
names the item by its index). ``derive`` also checks that the whole file's
items start exactly on the cut lines. ``tests/unit/test_chunks.py`` holds the
assembled result to the whole file's parse.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from contentctl.manifest.hashtags import may_lose_hashtags
from contentctl.manifest.yamlio import ParsedDocument, YamlProblem, has_anchor, parse_stream

HEAD = "posts:"


@dataclass(frozen=True)
class Pieces:
    """A file cut at its posts: the ``posts:`` line and each item's first line and text."""

    posts_line: int  # 1-based
    items: tuple[tuple[int, str], ...]  # (first line, text) per item, in file order


# comment and blank lines, then `posts:` on a line of its own
_HEAD = re.compile(r"(?:[ ]*(?:#[^\n]*)?\n)*posts:\n")
_FIRST_ITEM = re.compile(r"(?:[ ]*(?:#[^\n]*)?\n)*( +)- ")


def split(text: str) -> Pieces | None:
    """The file's ``posts:`` items, or None when the file is not of the shape that can be cut.

    Regular expressions over the whole text (a line loop in Python cost a third of a
    plan): the items start where a line is ``- `` at the first item's indentation; any
    other line there, or one less indented, is not of the shape.
    """
    if "\r" in text or has_anchor(text) or may_lose_hashtags(text):
        return None  # shared anchors; hashtag warnings, whose paths count the items
    head = _HEAD.match(text)
    if head is None:
        return None
    body = head.end()
    first = _FIRST_ITEM.match(text, body)
    if first is None:
        return None
    indent = len(first.group(1))
    # each pattern starts at a "\n", which the engine finds fast (a MULTILINE "^" is 5x slower)
    outside = re.compile(rf"\n(?: {{0,{indent - 1}}}[^ \n#]| {{{indent}}}(?!- |#| )[^\n])")
    if outside.search(text, body - 1) is not None:
        return None  # another key, a tab, or a line at the items' column that starts none
    start = re.compile(rf"\n {{{indent}}}- ")
    starts = [m.start() + 1 - body for m in start.finditer(text, body - 1)]
    posts_line = text.count("\n", 0, body)  # the line `posts:` is on, 1-based
    items = []
    line = posts_line + 1
    previous = body
    for k, offset in enumerate(starts):
        begin = body + offset
        end = body + starts[k + 1] if k + 1 < len(starts) else len(text)
        line += text.count("\n", previous, begin)
        previous = begin
        items.append((line, text[begin:end]))
    return Pieces(posts_line, tuple(items))


def item_digest(item_text: str) -> str:
    return hashlib.sha256(b"posts item\0" + item_text.encode("utf-8")).hexdigest()


def parse_item(item_text: str) -> list[ParsedDocument] | None:
    """One item parsed alone (lines numbered as in ``posts:\\n`` + it); None: it cannot be."""
    try:
        documents = parse_stream(HEAD + "\n" + item_text)
    except YamlProblem:
        return None  # the whole file's parse says where and why
    return documents if _one_item(documents) else None


def _one_item(documents: list[ParsedDocument]) -> bool:
    if len(documents) != 1:
        return False
    data = documents[0].data
    return (
        isinstance(data, dict)
        and list(data) == ["posts"]
        and isinstance(data["posts"], list)
        and len(data["posts"]) == 1
        and len(documents[0].items) == 1
    )


def assemble(
    posts_line: int, items: list[tuple[int, list[ParsedDocument]]]
) -> list[ParsedDocument]:
    """The file's one document from its items' results (``first line``, ``parse_item``'s)."""
    posts = []
    positions = []
    for first_line, documents in items:
        document = documents[0]
        posts.append(document.data["posts"][0])
        line, column = document.items[0]
        positions.append((line - 2 + first_line, column))  # item line 1 is line 2 of its parse
    return [ParsedDocument({"posts": posts}, posts_line, 1, tuple(positions))]


def derive(pieces: Pieces, documents: list[ParsedDocument]) -> list[list[ParsedDocument]] | None:
    """Each item's ``parse_item`` result, read off the whole file's parse; None if they differ."""
    if len(documents) != 1:
        return None
    document = documents[0]
    data = document.data
    if not (isinstance(data, dict) and list(data) == ["posts"] and isinstance(data["posts"], list)):
        return None
    posts = data["posts"]
    if (document.line, document.column) != (pieces.posts_line, 1):
        return None
    if len(posts) != len(pieces.items) or len(document.items) != len(posts):
        return None
    out = []
    for post, (line, column), (first_line, _) in zip(
        posts, document.items, pieces.items, strict=True
    ):
        if line != first_line:
            return None  # the parse's items do not start where the cut is
        out.append([ParsedDocument({"posts": [post]}, 1, 1, ((2, column),))])
    return out
