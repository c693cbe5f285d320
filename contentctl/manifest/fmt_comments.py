"""Key order and literal blocks for ``fmt`` that keep every comment: ruamel nodes, changed in place.

ruamel.yaml keeps each comment line on the value *before* it: the lines above
key B live in the trailing comment of key A (for a nested value, of its deepest
last item), the lines above a document's first key in the map's own header.
Moving B alone would leave its comment behind, so ``reorder`` takes the lines
off A, splits them by indentation (deeper lines still close A's value) and
re-attaches them above B in its new place. ``make_literal`` turns a value into
a ``|`` block and fixes the comment after it, which ruamel stores differently
after a block.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

_MODELINE = ("# yaml-language-server:", "#!")
_END = object()  # stands for "after the last key" among the keys


def reorder(
    node: CommentedMap,
    order: Sequence[str],
    *,
    root: bool = False,
    item_of: tuple[CommentedSeq, int] | None = None,
    indent: int = 0,
) -> None:
    """Put ``node``'s keys in ``order`` (unknown keys after, as they were), comments with them.

    ``root`` marks a document's top mapping (its header comment stays on top);
    ``item_of`` the sequence and index of a mapping written as a ``- `` item, whose
    first key shares the dash's line, so lines above a key moved first go above the dash.
    ``indent`` is the keys' column in the output: moved comment lines are indented to it.
    """
    keys = list(node.keys())
    ordered = canonical_order(keys, order)
    if ordered == keys:
        return
    if node.fa.flow_style():
        for key in ordered:
            node.move_to_end(key)
        return
    column = node.lc.col or 0
    head: list[str] = []
    first_lines: list[str] = []
    if root:
        head, first_lines = _split_header(_header_lines(node))
    ends: dict[Any, str] = {}
    inner: dict[Any, list[str]] = {}
    above: dict[Any, list[str]] = {keys[0]: first_lines}
    for index, key in enumerate(keys):
        ends[key], rest = _take_tail(node, key)
        inner[key], after = _split_by_column(rest, column)
        above[keys[index + 1] if index + 1 < len(keys) else _END] = after
    for key in ordered:
        node.move_to_end(key)
    for index, key in enumerate(ordered):
        if index + 1 < len(ordered):
            following = _indented(above[ordered[index + 1]], indent)
        else:
            following = above[_END]  # closes the parent's value: its indentation is the parent's
        _put_tail(node, key, ends[key] + "".join(inner[key] + following))
    lead = _indented(above[ordered[0]], indent - 2 if item_of is not None else indent)
    if root:
        _set_header(node, head + lead)
    elif lead and item_of is not None and item_of[1] > 0:
        seq, index = item_of
        end, rest = _take_tail(seq, index - 1)
        _put_tail(seq, index - 1, end + "".join(rest + lead))
    elif lead:
        _append_header(item_of[0] if item_of is not None else node, lead)


def canonical_order(keys: Sequence[Any], order: Sequence[str]) -> list[Any]:
    """``keys`` as fmt writes them: those in ``order`` first, then the rest as they were."""
    rank = {key: index for index, key in enumerate(order)}
    position = {key: index for index, key in enumerate(keys)}
    return sorted(keys, key=lambda k: (0, rank[k]) if k in rank else (1, position[k]))


def _indented(lines: list[str], column: int) -> list[str]:
    return [" " * column + line.lstrip(" ") if line.strip() else "\n" for line in lines]


def _tail_slot(node: Any, key: Any) -> tuple[list[Any], int, bool]:
    """Where the comment after ``node[key]``'s last line is kept, and if that line ends a block.

    After a ``|``/``>`` block the stored text starts with the next line; after
    any other value with the rest of the value's own line (``\n`` or a comment).
    """
    value = node[key]
    while isinstance(value, CommentedMap | CommentedSeq) and value and not value.fa.flow_style():
        node = value
        key = list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1
        value = node[key]
    entry = node.ca.items.setdefault(key, [None, None, None, None])
    block = isinstance(value, LiteralScalarString | FoldedScalarString)
    return entry, 2 if isinstance(node, CommentedMap) else 0, block


def _take_tail(node: CommentedMap | CommentedSeq, key: Any) -> tuple[str, list[str]]:
    """The end of ``key``'s last line (``\n`` or an end-of-line comment) and the lines after."""
    entry, index, block = _tail_slot(node, key)
    token = entry[index]
    text = token.value if isinstance(token, CommentToken) else ""
    if block:
        return "", text.splitlines(keepends=True)
    if not text:
        return "\n", []
    end, _, rest = text.partition("\n")
    return end + "\n", rest.splitlines(keepends=True)


def _put_tail(node: CommentedMap | CommentedSeq, key: Any, text: str) -> None:
    entry, index, _ = _tail_slot(node, key)
    token = entry[index]
    if text in ("", "\n"):
        entry[index] = None
    elif isinstance(token, CommentToken):
        token.value = text
    else:
        entry[index] = CommentToken(text, _Mark(0), None)


def _split_by_column(lines: list[str], column: int) -> tuple[list[str], list[str]]:
    """Lines that still belong to the value above, and the trailing run that belongs below."""
    cut = len(lines)
    while cut > 0 and _belongs_below(lines[cut - 1], column):
        cut -= 1
    return lines[:cut], lines[cut:]


def _belongs_below(line: str, column: int) -> bool:
    stripped = line.lstrip(" ")
    return not stripped.strip() or len(line) - len(stripped) <= column


def _header_lines(node: CommentedMap) -> list[str]:
    header = node.ca.comment[1] if node.ca.comment else None
    text = "".join(token.value for token in header or () if isinstance(token, CommentToken))
    return text.splitlines(keepends=True)


def _split_header(lines: list[str]) -> tuple[list[str], list[str]]:
    """The header stays on top; lines after its last blank line or modeline go with key 1."""
    cut = 0
    for index, line in enumerate(lines):
        if not line.strip() or line.startswith(_MODELINE):
            cut = index + 1
    cut = cut or len(lines)  # a header with no blank line in it is about the whole document
    return lines[:cut], lines[cut:]


def _set_header(node: CommentedMap, lines: list[str]) -> None:
    tokens = [CommentToken("".join(lines), _Mark(0), None)] if lines else None
    if node.ca.comment is None:
        node.ca.comment = [None, tokens]
    else:
        node.ca.comment[1] = tokens


def _append_header(node: CommentedMap | CommentedSeq, lines: list[str]) -> None:
    """Add lines above the first entry of a nested collection, wherever ruamel keeps that."""
    text = "".join(lines)
    header = node.ca.comment
    if header and isinstance(header[0], CommentToken):  # shared with the parent key's line end
        header[0].value += text
    elif header and header[1]:  # a list the parent key's entry shares: extend it in place
        header[1].append(CommentToken(text, _Mark(0), None))
    else:
        node.ca.comment = [None, [CommentToken(text, _Mark(0), None)]]


@dataclass(frozen=True)
class _Mark:
    """The start mark ruamel reads a comment's column from."""

    column: int
    line: int = 0


def make_literal(node: CommentedMap | CommentedSeq, slot: Any) -> None:
    """Make ``node[slot]`` a literal block scalar unless an end-of-line comment is in the way."""
    entry = node.ca.items.get(slot)
    index = 2 if isinstance(node, CommentedMap) else 0
    token = entry[index] if entry else None
    if isinstance(token, CommentToken):
        if not token.value.startswith("\n"):
            return  # an end-of-line comment has no place after a block's last line
        token.value = token.value[1:]
        if not token.value:
            entry[index] = None
    node[slot] = LiteralScalarString(node[slot])
