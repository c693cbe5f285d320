"""Strict, fast YAML reading: bytes of a file in, plain documents out.

The hot path parses with libyaml (PyYAML's ``CSafeLoader``), 20x faster than a
pure-Python round trip (shared/reference/perf-floor.md). The loader is made
strict so that what the schema sees is what the author meant:

- timestamps stay strings (``at: 2026-01-01T09:00:00+01:00`` is text, not a
  datetime that would fail ``type: string`` and break the compare with state);
- only ``true``/``false`` are booleans (YAML 1.1's ``yes``/``no``/``on`` stay text);
- duplicate keys are an error (PyYAML would silently keep the last one);
- alias expansion is bounded ("billion laughs"), as are file size and nesting;
- files must be UTF-8 text without NUL bytes and without tab indentation.

Errors are raised as ``YamlProblem`` carrying a 1-based line and column; the
caller turns them into diagnostics.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, ClassVar

import yaml

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_EXPANDED_NODES = 200_000
MAX_DEPTH = 64


@dataclass
class YamlProblem(Exception):
    """A located problem that makes a YAML file unreadable."""

    message: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type[YamlProblem], tuple[str, int, int]]:
        # dataclass exceptions keep no args; a forked parser sends these back pickled
        return (YamlProblem, (self.message, self.line, self.column))


_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class StrictLoader(_BaseLoader):  # type: ignore[misc]
    """libyaml parser + safe constructor, minus the surprises listed above."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {
        first: [
            (tag, regexp)
            for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
        ]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # One pass doing what SafeConstructor does in three (flatten, check, build):
        # plain string keys are taken as written, without a constructor call.
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            tag = key_node.tag
            if tag == _STR and type(key_node) is yaml.ScalarNode:
                key: Any = key_node.value
            elif tag == "tag:yaml.org,2002:merge":
                raise YamlProblem("merge keys (<<) are not supported", *_pos(key_node))
            else:
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, Hashable) or isinstance(key, list | dict):
                    raise YamlProblem("a mapping key must be a plain value", *_pos(key_node))
            if key in mapping:
                first = _first_line(self, node, key)
                raise YamlProblem(
                    f"duplicate key {key!r} (first defined on line {first})", *_pos(key_node)
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


_STR = "tag:yaml.org,2002:str"


def _first_line(loader: Any, node: yaml.MappingNode, key: Any) -> int:
    for key_node, _ in node.value:
        if loader.construct_object(key_node, deep=True) == key:
            return int(key_node.start_mark.line) + 1
    return 1


StrictLoader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _check_expansion(root: yaml.Node) -> None:
    """Reject documents whose aliases expand past MAX_EXPANDED_NODES or MAX_DEPTH."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", *_pos(node))
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # cycles count once; the constructor handles them
        total = 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k, depth + 1) + size(v, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item, depth + 1)
        if total > MAX_EXPANDED_NODES:
            raise YamlProblem("aliases expand to too many nodes (possible alias bomb)", *_pos(node))
        sizes[id(node)] = total
        return total

    size(root, 0)


def decode_text(raw: bytes) -> str:
    """Bytes of a manifest to text, or YamlProblem for huge, binary or non-UTF-8 files."""
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblem(
            f"file is {len(raw) // (1024 * 1024)} MB, larger than the "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB limit for a manifest"
        )
    if b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise YamlProblem("binary file (NUL byte), not YAML text", line, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem("file is not valid UTF-8", line, col) from None
    return text.removeprefix("\ufeff")


def parse_documents(text: str) -> list[tuple[Any, int, int]]:
    """Every document of a YAML stream as ``(data, line, column)``; raises YamlProblem."""
    return [(doc.data, doc.line, doc.column) for doc in parse_stream(text)]


@dataclass(frozen=True)
class ParsedDocument:
    """One document: its data, where it starts, and where each item of a top-level
    ``posts:`` list starts (free to record while the node tree is at hand)."""

    data: Any
    line: int
    column: int
    items: tuple[tuple[int, int], ...] = ()


def parse_stream(text: str, list_key: str = "posts") -> list[ParsedDocument]:
    """Every document of a YAML stream, with item positions of ``list_key``; raises YamlProblem."""
    loader = StrictLoader(text)
    docs: list[ParsedDocument] = []
    has_aliases = "*" in text
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            if has_aliases:  # without a '*' there is no alias to expand
                _check_expansion(node)
            data = loader.construct_document(node)
            docs.append(ParsedDocument(data, *_pos(node), _item_positions(node, list_key)))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(_syntax_message(exc, text, line, col), line, col) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML syntax: {exc}") from None
    except RecursionError:
        raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    return docs


def _item_positions(node: yaml.Node, key: str) -> tuple[tuple[int, int], ...]:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if (
                isinstance(k, yaml.ScalarNode)
                and k.value == key
                and isinstance(v, yaml.SequenceNode)
            ):
                return tuple(_pos(item) for item in v.value)
    return ()


def _syntax_message(exc: yaml.MarkedYAMLError, text: str, line: int, col: int) -> str:
    """libyaml's words, except where the offending character says more (tabs, '@', '`')."""
    lines = text.splitlines()
    char = lines[line - 1][col - 1 : col] if 0 < line <= len(lines) else ""
    message = exc.problem or exc.context or "invalid YAML"
    if char == "\t" or "tab character" in message:
        return "tab character in indentation; YAML indents with spaces"
    if char in ("@", "`") and "cannot start any token" in message:
        return f"a plain value cannot start with {char!r}; quote the value"
    return f"YAML syntax: {message}"


KEY = "\x00key"  # path suffix under which node_positions also records a key's own position


def node_positions(text: str, document: int = 0) -> dict[tuple[Any, ...], tuple[int, int]]:
    """Map every JSON path (as a key tuple) of one document to its (line, column).

    Used only for files that have errors: re-composing is cheap (well under a
    millisecond per post) and keeps the hot path free of position tracking.
    """
    found = document_positions(text, last=document)
    return found[document] if document < len(found) else {}


def document_positions(
    text: str, last: int | None = None
) -> list[dict[tuple[Any, ...], tuple[int, int]]]:
    """``node_positions`` of every document (up to ``last``) in one pass over the stream."""
    loader = StrictLoader(text)
    out: list[dict[tuple[Any, ...], tuple[int, int]]] = []
    try:
        while loader.check_node() and (last is None or len(out) <= last):
            node = loader.get_node()
            if node is not None:
                positions: dict[tuple[Any, ...], tuple[int, int]] = {}
                _walk(node, (), positions, 0)
                out.append(positions)
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return out


def _walk(
    node: yaml.Node,
    path: tuple[Any, ...],
    out: dict[tuple[Any, ...], tuple[int, int]],
    depth: int,
) -> None:
    if depth > MAX_DEPTH or len(out) > MAX_EXPANDED_NODES:
        return
    out.setdefault(path, _pos(node))
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else str(k)
            out.setdefault((*path, key), _pos(k))
            out.setdefault((*path, key, KEY), _pos(k))
            _walk(v, (*path, key), out, depth + 1)
            # a scalar's own position points at the value; a container's at its key line
            out[(*path, key)] = _pos(k) if not isinstance(v, yaml.ScalarNode) else _pos(v)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), out, depth + 1)


def locate(
    positions: dict[tuple[Any, ...], tuple[int, int]], path: tuple[Any, ...]
) -> tuple[int, int]:
    """Position of the deepest known prefix of ``path`` (schema paths can end past the data)."""
    for end in range(len(path), -1, -1):
        pos = positions.get(path[:end])
        if pos is not None:
            return pos
    return 1, 1
