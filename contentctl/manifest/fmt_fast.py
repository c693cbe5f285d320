"""fmt's fast path: is this text already in fmt's canonical form? Proved without ruamel.

``is_canonical(text)`` answers True only when ``format_text(text) == text`` is
certain; any doubt answers False, and ``fmt`` then runs the round-trip parser
as before, so a wrong "no" costs time and never a wrong result. The proof:
libyaml (C) reads the text into events, this module writes the text fmt's
emitter would write for them (the same key order, quoting, literal blocks and
indentation) and compares it line by line with the file. It knows only the
shapes manifests use:

- one document, no ``---``, whose top is a block mapping; block mappings and
  sequences (``- `` at the parent's column + 2, a mapping item's first key on
  the dash's line), flow ``[...]``/``{...}`` of scalars on one line;
- keys that are plain text; values that are text (plain, ``"..."`` without
  escapes, ``|``/``|-`` blocks), decimal integers and ``true``/``false``;
- comment lines at the column of the line below them, and empty lines,
  between entries (ruamel keeps those where they are; end-of-line comments,
  comments at the end of the file and everything else take the slow path).

Text fmt would write differently (other quotes, a long line that becomes a
block, keys out of order, other indentation) does not match, so it is not
proved; fmt then finds the change as before. ``tests/unit/test_fmt_fast.py``
holds this module to ``format_text`` over generated documents.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import yaml
from ruamel.yaml.nodes import ScalarNode as RuamelScalar
from ruamel.yaml.resolver import VersionedResolver

from contentctl.manifest.fmt import (
    _PROJECT,
    _RISKY_FIRST,
    _STR_TAG,
    _YAML11,
    _tag,
    _wants_literal,
    ordered_mappings,
)
from contentctl.manifest.fmt_comments import canonical_order

# characters outside what every reader involved takes the same way (no tabs, CR,
# NEL, U+2028/9, BOM, controls, non-characters): a text holding one is not proved
_UNSAFE = re.compile("[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]")
_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})\Z")
_BOOL = ("true", "false")
_LEADING_INDICATORS = "#,[]{}&*!|>'\"%@`"
_FLOW_INDICATORS = re.compile(r"[,\[\]{}]")
_BLOCK_BREAKERS = re.compile(r"(?<=.):(?=[ \n]|\Z)|(?<=[ \n])#", re.DOTALL)
_MAX_LINE = 2000  # ruamel folds nothing below its width (4096); longer lines are not proved
_RUAMEL = VersionedResolver()  # how fmt's reader and emitter type a plain scalar


class _Unproved(Exception):
    """The text is outside what this module can prove: fmt runs the round-trip parser."""


@dataclass
class _Scalar:
    value: str
    style: str | None  # None: plain; '"', "'", '|', '>' as in the file
    line: int
    end_line: int


class _Map(dict[str, Any]):
    flow = False


class _Seq(list[Any]):
    flow = False


def is_canonical(text: str) -> bool:
    """True only when ``format_text(text)`` would give ``text`` back unchanged."""
    if not text.endswith("\n") or _UNSAFE.search(text):
        return False
    try:
        doc, spans = _read(text)
        for node, order, _ in ordered_mappings(doc):
            if list(node) != canonical_order(list(node), order):
                return False
        expected: list[str] = []
        _emit_block_map(doc, 0, expected, None)
    except (_Unproved, yaml.YAMLError, StopIteration):
        return False
    return _same_lines(text.split("\n")[:-1], expected, spans)


# -- reading --------------------------------------------------------------------


def _read(text: str) -> tuple[_Map, set[int]]:
    """The document as maps, lists and scalars, and the lines a block scalar covers."""
    events = iter(yaml.parse(text, Loader=yaml.CBaseLoader))
    spans: set[int] = set()
    start, document = next(events), next(events)
    if not isinstance(start, yaml.StreamStartEvent) or not isinstance(
        document, yaml.DocumentStartEvent
    ):
        raise _Unproved
    if document.explicit:
        raise _Unproved  # `---`, directives: the slow path keeps what comes before them
    root = _node(next(events), events, spans)
    end = next(events)
    if not isinstance(end, yaml.DocumentEndEvent) or end.explicit:
        raise _Unproved
    if not isinstance(next(events), yaml.StreamEndEvent) or not isinstance(root, _Map):
        raise _Unproved
    if root.flow:
        raise _Unproved
    return root, spans


def _node(event: Any, events: Any, spans: set[int]) -> Any:
    if getattr(event, "anchor", None) is not None or getattr(event, "tag", None) is not None:
        raise _Unproved
    if isinstance(event, yaml.ScalarEvent):
        start, end = event.start_mark, event.end_mark
        if start is None or end is None:
            raise _Unproved
        line, end_line = start.line, end.line
        if event.style == "|":
            spans.update(range(line, line + 1 + _block_lines(event.value)))
        elif line != end_line:
            raise _Unproved  # a plain or quoted scalar over several lines
        return _Scalar(event.value, event.style or None, line, end_line)  # libyaml: "" is plain
    if isinstance(event, yaml.MappingStartEvent):
        mapping = _Map()
        mapping.flow = bool(event.flow_style)
        while not isinstance(key_event := next(events), yaml.MappingEndEvent):
            key = _node(key_event, events, spans)
            if not isinstance(key, _Scalar) or key.style is not None or key.value in mapping:
                raise _Unproved  # a quoted, complex or repeated key
            mapping[key.value] = _node(next(events), events, spans)
        return mapping
    if isinstance(event, yaml.SequenceStartEvent):
        sequence = _Seq()
        sequence.flow = bool(event.flow_style)
        while not isinstance(item := next(events), yaml.SequenceEndEvent):
            sequence.append(_node(item, events, spans))
        return sequence
    raise _Unproved  # an alias, a second document


def _block_lines(value: str) -> int:
    if not value or value[0] in " \n" or value.endswith("\n\n"):
        raise _Unproved  # a block fmt would give an indentation or keep indicator
    return len(value.removesuffix("\n").split("\n"))


# -- writing, as fmt's emitter would ---------------------------------------------


def _emit_block_map(node: _Map, indent: int, out: list[str], dash: str | None) -> None:
    for index, (key, value) in enumerate(node.items()):
        if not _plain_key(key):
            raise _Unproved
        lead = dash if dash is not None and index == 0 else " " * indent
        _emit_entry(f"{lead}{key}:", value, indent, out)


def _emit_entry(head: str, value: Any, indent: int, out: list[str]) -> None:
    if isinstance(value, _Scalar):
        if value.style == "|":
            out.append(f"{head} {_literal_header(value.value)}")
            pad = " " * (indent + 2)
            out.extend(pad + line if line else "" for line in _literal_lines(value.value))
        else:
            out.append(f"{head} {_scalar(value, flow=False)}")
    elif isinstance(value, _Map | _Seq) and value.flow:
        out.append(f"{head} {_flow(value)}")
    elif isinstance(value, _Map) and value:
        out.append(head)
        _emit_block_map(value, indent + 2, out, None)
    elif isinstance(value, _Seq) and value:
        out.append(head)
        for item in value:
            dash = " " * (indent + 2) + "- "
            if not isinstance(item, _Map) or item.flow or not item:
                raise _Unproved  # scalar, flow and nested list items are rare: not proved
            _emit_block_map(item, indent + 4, out, dash)
    else:
        raise _Unproved


def _literal_header(value: str) -> str:
    """ruamel keeps a block a block; lines ending in spaces are not proved."""
    if any(line != line.rstrip(" ") for line in value.split("\n")):
        raise _Unproved
    return "|" if value.endswith("\n") else "|-"


def _literal_lines(value: str) -> list[str]:
    return value.removesuffix("\n").split("\n")


def _flow(node: _Map | _Seq) -> str:
    if not node:
        return "{}" if isinstance(node, _Map) else "[]"
    if isinstance(node, _Seq):
        return "[" + ", ".join(_flow_item(item) for item in node) + "]"
    return "{" + ", ".join(f"{_flow_key(k)}: {_flow_item(v)}" for k, v in node.items()) + "}"


def _flow_key(key: str) -> str:
    if not _plain_key(key) or not flow_plain(key):
        raise _Unproved
    return key


def _flow_item(item: Any) -> str:
    if not isinstance(item, _Scalar) or item.style in ("|", ">"):
        raise _Unproved
    return _scalar(item, flow=True)


def _scalar(node: _Scalar, *, flow: bool) -> str:
    """The scalar as fmt writes it; the file's own form must be that to match."""
    value = node.value
    if len(value) > _MAX_LINE:
        raise _Unproved
    if node.style is None:
        if _INT.match(value) and _agreed_tag(value) == "tag:yaml.org,2002:int":
            return value
        if value in _BOOL and _agreed_tag(value) == "tag:yaml.org,2002:bool":
            return value
        if _agreed_tag(value) != _STR_TAG:
            raise _Unproved  # floats, nulls, 1:20, yes: kept by rules not proved here
    elif node.style not in ('"', "'"):
        raise _Unproved
    if not flow and _wants_literal(value):
        raise _Unproved  # fmt makes it a block: the file is not in its form
    if _text_is_ambiguous(value) or not (flow_plain(value) if flow else block_plain(value)):
        if '"' in value or "\\" in value:
            raise _Unproved  # escapes: not proved
        return f'"{value}"'
    return value


def _plain_key(key: str) -> bool:
    return bool(key) and not _text_is_ambiguous(key) and block_plain(key)


def _text_is_ambiguous(value: str) -> bool:
    """As fmt's representer decides: another reader could take the text for another type.

    ruamel's emitter also quotes what its own (YAML 1.2) reader would take back typed.
    """
    yaml11, _, ruamel = _tags(value)
    return yaml11 != _STR_TAG or value[:1] in _RISKY_FIRST or ruamel != _STR_TAG


def _agreed_tag(value: str) -> str | None:
    """The tag of a plain scalar when fmt's reader, YAML 1.1 and contentctl all agree on it."""
    tags = set(_tags(value))
    return tags.pop() if len(tags) == 1 else None


@functools.lru_cache(maxsize=1 << 16)
def _tags(value: str) -> tuple[str, str, str]:
    """How YAML 1.1, contentctl's reader and ruamel's reader type ``value`` written plain."""
    ruamel = str(_RUAMEL.resolve(RuamelScalar, value, (True, False)))
    return _tag(_YAML11, value), _tag(_PROJECT, value), ruamel


def block_plain(value: str) -> bool:
    """ruamel's ``allow_block_plain`` (YAML 1.2), for text free of ``_UNSAFE`` characters."""
    if not _plain_at_all(value):
        return False
    followed_by_space = len(value) == 1 or value[1] == " "
    return not (value[0] in "?:-" and followed_by_space)


def flow_plain(value: str) -> bool:
    """ruamel's ``allow_flow_plain`` (YAML 1.2), for text free of ``_UNSAFE`` characters."""
    if not _plain_at_all(value) or value in ("?", ":") or _FLOW_INDICATORS.search(value):
        return False
    followed_by_space = len(value) == 1 or value[1] == " "
    return not (value[0] == "-" and followed_by_space)


def _plain_at_all(value: str) -> bool:
    """What rules plain out in both contexts: breaks, edge spaces, indicators."""
    if not value or value[0] == " " or value[-1] == " " or "\n" in value:
        return False
    if value.startswith(("---", "...")) or value[0] in _LEADING_INDICATORS:
        return False
    return not _BLOCK_BREAKERS.search(value)


# -- comparing --------------------------------------------------------------------


def _same_lines(lines: list[str], expected: list[str], spans: set[int]) -> bool:
    """The file's lines are ``expected`` with comment and empty lines between entries."""
    content = []
    pending: list[str] = []  # comment lines waiting for the line below them
    for number, line in enumerate(lines):
        stripped = line.lstrip(" ")
        if number not in spans and (not line or stripped.startswith("#")):
            if line and line != line.rstrip():
                return False
            if stripped.startswith("#"):
                pending.append(line)
            elif line:
                return False  # a line of spaces
            continue
        column = len(line) - len(stripped)
        if any(len(c) - len(c.lstrip(" ")) != column for c in pending):
            return False
        pending = []
        content.append(line)
    if pending or not lines or not lines[0] or not lines[-1]:
        return False  # empty lines at the start, comments or empty lines at the end: fmt drops them
    return content == expected
