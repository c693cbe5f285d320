"""Strict, fast YAML reading: bytes of a file in, plain documents out.

The hot path parses with libyaml (PyYAML's ``CSafeLoader``), 20x faster than a
pure-Python round trip (shared/reference/perf-floor.md). The loader is made
strict so that what the schema sees is what the author meant:

- timestamps stay strings (``at: 2026-01-01T09:00:00+01:00`` is text, not a
  datetime that would fail ``type: string`` and break the compare with state);
- only ``true``/``false`` are booleans (YAML 1.1's ``yes``/``no``/``on`` stay text);
- duplicate keys are an error (PyYAML would silently keep the last one), and so
  is a key that is not text (``2027:``, ``1:``, a bare ``?``, ``null:``): JSON,
  the schemas and the state only have text keys;
- alias expansion is bounded ("billion laughs"), as are file size and nesting;
- files must be UTF-8 text without NUL bytes and without tab indentation, and
  no value may hold a control character, written raw or as an escape
  (``"\\0"``, ``"\\x01"``): each is reported at its own line and column.

Errors are raised as ``YamlProblem`` carrying a 1-based line and column; the
caller turns them into diagnostics.
"""

from __future__ import annotations

import re
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
                raise YamlProblem("merge keys (<<) are not supported", *node_position(key_node))
            else:
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, str):
                    raise YamlProblem(_key_message(key_node, key), *node_position(key_node))
            if key in mapping:
                first = _first_line(self, node, key)
                raise YamlProblem(
                    f"duplicate key {key!r} (first defined on line {first})",
                    *node_position(key_node),
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


_STR = "tag:yaml.org,2002:str"


def _key_message(node: yaml.Node, key: Any) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a mapping key must be text, not a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping key must be text, not a mapping"
    if key is None and not node.value:
        return "a mapping key must be text, not empty; write the key's name"
    return f'a mapping key must be text, not {describe_value(key)}; quote it: "{node.value}":'


def describe_value(value: Any) -> str:
    """How messages name a value of the wrong kind: "a list", "the number 2027", ..."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"the text {str(value)[:40]!r}"


def _first_line(loader: Any, node: yaml.MappingNode, key: Any) -> int:
    for key_node, _ in node.value:
        if loader.construct_object(key_node, deep=True) == key:
            return int(key_node.start_mark.line) + 1
    return 1


StrictLoader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))


def _unsupported_tag(loader: Any, node: yaml.Node) -> Any:
    # These build bytes, datetimes, sets or pairs: nothing a JSON Schema or the state can hold.
    short = node.tag.replace("tag:yaml.org,2002:", "!!")
    raise YamlProblem(
        f"the tag {short} is not supported; write text, a number, true/false, a list or a mapping",
        *node_position(node),
    )


for _tag in ("binary", "timestamp", "set", "omap", "pairs"):
    StrictLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _unsupported_tag)


def node_position(node: yaml.Node) -> tuple[int, int]:
    """1-based (line, column) where ``node`` starts."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def _check_expansion(root: yaml.Node) -> None:
    """Reject documents whose aliases expand past MAX_EXPANDED_NODES or MAX_DEPTH.

    Only what aliases add is counted: the nodes written out in the file are
    bounded by MAX_FILE_BYTES, and a 100,000-post file with a ``*`` in a text is
    no bomb.
    """
    sizes: dict[int, int] = {}
    added = 0

    def size(node: yaml.Node, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", *node_position(node))
        sizes[id(node)] = 1  # cycles count once; the constructor handles them
        children = (
            [n for pair in node.value for n in pair]
            if isinstance(node, yaml.MappingNode)
            else node.value
            if isinstance(node, yaml.SequenceNode)
            else ()
        )
        total = 1
        for child in children:
            known = sizes.get(id(child))
            if known is None:
                total += size(child, depth + 1)
                continue
            nonlocal added
            added += known  # an alias: its node tree again, in full
            total += known
            if added > MAX_EXPANDED_NODES:
                raise YamlProblem(
                    "aliases expand to too many nodes (possible alias bomb)", *node_position(node)
                )
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
        at = raw.index(b"\x00")
        line = raw.count(b"\n", 0, at) + 1
        column = at - raw.rfind(b"\n", 0, at)
        raise YamlProblem("binary file (NUL byte), not YAML text", line, column)
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
    has_aliases = has_anchor(text)
    has_escapes = _ESCAPE_HINT.search(text) is not None
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            if has_aliases:  # an alias needs an anchor: without one there is nothing to expand
                _check_expansion(node)
            if has_escapes:  # without one, the reader already refused every control character
                _check_escapes(node, text)
            data = loader.construct_document(node)
            docs.append(ParsedDocument(data, *node_position(node), _item_positions(node, list_key)))
    except yaml.reader.ReaderError as exc:
        raise YamlProblem(_reader_message(exc), *_index_pos(text, exc.position)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(_syntax_message(exc, text, line, col), line, col) from None
    except yaml.YAMLError as exc:
        raise YamlProblem("YAML syntax: " + " ".join(str(exc).split())) from None
    except RecursionError:
        raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    return docs


# An anchor (&name) as YAML reads one: after a blank or a flow indicator, followed by its
# name. "Kettle & Crane" and "R&D" are none; a '*' alone says little ("*bold*" in texts).
_ANCHOR = re.compile(r"(?<![^\s\[{,])&[^\s\[\]{},]")


def has_anchor(text: str) -> bool:
    """Whether ``text`` may define an anchor (``&name``); a plain search for ``&`` first."""
    return "&" in text and _ANCHOR.search(text) is not None


# Escapes that can write a control character in a double-quoted scalar: a cheap test
# that keeps the node walk below off files that have none.
_ESCAPE_HINT = re.compile(r"\\[0abefvNxuU]")
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SHORT_ESCAPES = {"0": 0, "a": 7, "b": 8, "e": 0x1B, "f": 0x0C, "v": 0x0B, "N": 0x85}
# tab and the line breaks are text; every other C0 and C1 control character, and DEL, is not
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _index_pos(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` of ``text``."""
    index = max(0, min(index, len(text)))
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def _reader_message(exc: yaml.reader.ReaderError) -> str:
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    if CONTROL.match(chr(code)):
        return f"control character U+{code:04X} in the file; YAML text cannot hold it"
    return f"character U+{code:04X} is not allowed in YAML text"


def _check_escapes(root: yaml.Node, text: str) -> None:
    """Refuse a double-quoted scalar whose escapes write a control character, at the escape."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.style == '"' and CONTROL.search(node.value):
                raise _escape_problem(text, node)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _escape_problem(text: str, node: yaml.ScalarNode) -> YamlProblem:
    start, end = node.start_mark.index, node.end_mark.index
    for match in _ESCAPE.finditer(text, start, end):
        escape = match.group()
        code = _SHORT_ESCAPES.get(escape[1]) if len(escape) == 2 else int(escape[2:], 16)
        if code is not None and CONTROL.match(chr(code)):
            return YamlProblem(
                f'control character U+{code:04X} (written "{escape}") in a value; '
                "text and paths cannot hold control characters",
                *_index_pos(text, match.start()),
            )
    return YamlProblem(
        "a value holds a control character; text and paths cannot hold them", *node_position(node)
    )


def _item_positions(node: yaml.Node, key: str) -> tuple[tuple[int, int], ...]:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if (
                isinstance(k, yaml.ScalarNode)
                and k.value == key
                and isinstance(v, yaml.SequenceNode)
            ):
                return tuple(node_position(item) for item in v.value)
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
