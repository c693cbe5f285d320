"""The YAML hashtag trap: manifest text in, the hashtags YAML took for comments out.

``text: New blend #tea`` reads as the text "New blend": a ``#`` after a space
starts a comment, so the hashtag is silently dropped. ``lost_hashtags(text)``
returns a ``LostHashtag`` for every text-like value (``text``, ``title``, …)
written as a plain scalar and followed on its key's line by a comment that
starts with ``#`` and a letter or digit; ``quote_hashtags(text)`` returns the
text with each such value and its comment written as one double-quoted value,
so the hashtag is kept as text (``contentctl fmt --fix``).

The libyaml fast path keeps no comments, so a regular expression first finds
the lines that could hold the trap; only a file with such a line is composed
again to confirm it against the node tree (block scalars and quoted values are
not affected). Files without one cost a single scan.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

from contentctl.manifest.yamlio import StrictLoader

TEXT_KEYS = ("text", "title", "excerpt", "question", "description", "caption", "alt_text")
_KEY = "|".join(TEXT_KEYS)
# A line with a text-like key, a value not starting as a quoted, block, anchored or
# tagged one, then " #word". Searched from each "\n" (a literal the regex engine
# scans for quickly): about 3 ms per MB, where a "^" in MULTILINE mode costs 15.
_LINE = rf"[ \t-]*(?:{_KEY})[ \t]*:[ \t]+[^ \t\n'\"|>&*!#][^\n]*?[ \t]#\w"
_CANDIDATE = re.compile("\n" + _LINE)
_FIRST_LINE = re.compile(_LINE)
# the hashtags, up to a comment meant as one ("#tea #berlin   # why"): "#" then a blank
_COMMENT = re.compile(r"[ \t]+(#\w[^\n]*?)(?=[ \t]+#(?:[ \t]|$)|[ \t]*$)", re.MULTILINE)


@dataclass(frozen=True)
class LostHashtag:
    """A comment that was meant as text: where its ``#`` is, and what it belongs to."""

    line: int  # 1-based, of the '#'
    column: int
    document: int
    path: tuple[str | int, ...]  # JSON path of the value inside its document
    value: str  # the value as YAML reads it
    separator: str  # the blanks between the value and the '#'
    comment: str  # the comment's hashtags, from its '#' to the end or to a "# why" after them
    start: int  # character offsets in the text: the value's start, the comment's end
    end: int

    @property
    def meant(self) -> str:
        """What the author meant: the value and the comment as one text."""
        return self.value + self.separator + self.comment

    @property
    def message(self) -> str:
        return (
            f"{self.comment.split()[0]!r} after {self.path[-1]} is a YAML comment, so it is not "
            f"part of the text; quote the value to keep it "
            f"({json.dumps(self.meant, ensure_ascii=False)}) or run `contentctl fmt --fix`"
        )


def may_lose_hashtags(text: str) -> bool:
    """Whether a line of ``text`` could hold the trap (the one cheap scan)."""
    return _CANDIDATE.search(text) is not None or _FIRST_LINE.match(text) is not None


def lost_hashtags(text: str) -> list[LostHashtag]:
    """Every hashtag comment after a plain text value in ``text``, in file order."""
    if not may_lose_hashtags(text):
        return []
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    found: list[LostHashtag] = []
    loader = StrictLoader(text)
    try:
        document = 0
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                _walk(node, (), document, lines, offsets, found, set())
            document += 1
    except (yaml.YAMLError, RecursionError, ValueError):
        return []  # the file's own error is reported by the loader; nothing to add here
    finally:
        loader.dispose()
    return sorted(found, key=lambda lost: (lost.line, lost.column))


def _walk(
    node: yaml.Node,
    path: tuple[str | int, ...],
    document: int,
    lines: list[str],
    offsets: list[int],
    out: list[LostHashtag],
    seen: set[int],
) -> None:
    if id(node) in seen or len(path) > 64:
        return
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), document, lines, offsets, out, seen)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if (
                name in TEXT_KEYS
                and isinstance(value, yaml.ScalarNode)
                and not value.style  # plain (libyaml says "", PyYAML None)
                and value.value
                and value.start_mark.line == key.start_mark.line == value.end_mark.line
            ):
                lost = _after(value, (*path, name), document, lines, offsets)
                if lost is not None:
                    out.append(lost)
            else:
                _walk(value, (*path, str(name)), document, lines, offsets, out, seen)


def _after(
    value: yaml.ScalarNode,
    path: tuple[str | int, ...],
    document: int,
    lines: list[str],
    offsets: list[int],
) -> LostHashtag | None:
    row, column = value.end_mark.line, value.end_mark.column
    line = lines[row] if row < len(lines) else ""
    match = _COMMENT.match(line, column)
    if match is None:
        return None
    comment = match.group(1)
    return LostHashtag(
        line=row + 1,
        column=match.start(1) + 1,
        document=document,
        path=path,
        value=value.value,
        separator=line[column : match.start(1)],
        comment=comment,
        start=offsets[row] + value.start_mark.column,
        end=offsets[row] + match.start(1) + len(comment),
    )


def quote_hashtags(text: str) -> str:
    """``text`` with each lost hashtag kept as text: ``text: "New blend #tea"``."""
    out = text
    for lost in reversed(lost_hashtags(text)):
        quoted = json.dumps(lost.meant, ensure_ascii=False)
        out = out[: lost.start] + quoted + out[lost.end :]
    return out
