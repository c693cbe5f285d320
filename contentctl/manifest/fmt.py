"""Manifest text in, the one canonical form out (``contentctl fmt``).

``format_text`` takes the text of a manifest or of contentctl.yaml and returns
it re-emitted by ruamel.yaml's round-trip mode: every comment and every ``---``
document kept, mappings indented 2 and sequence items 4 with the dash at 2,
known keys in the schema's order, multi-line and long prose as literal block
scalars, no line folding, and quotes only where a reader could take the text
for something else. Meaning never changes: what ``yamlio`` reads from the
output is what it read from the input. ``format_file`` wraps it for one file
and returns a ``FormatResult``; ``unified_diff`` renders one for ``--diff``.
With ``fix`` (``fmt --fix``) meaning may change in one way, on purpose: a text
whose hashtag YAML read as a comment (``text: New blend #tea``) is quoted so
the hashtag becomes part of it (``hashtags.quote_hashtags``).
Unreadable YAML raises ``ManifestError`` with ``path:line:col``.
"""

from __future__ import annotations

import difflib
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    SingleQuotedScalarString,
)

from contentctl.errors import ManifestError
from contentctl.files import atomic_write, read_regular
from contentctl.manifest.fmt_cache import FormattedCache
from contentctl.manifest.fmt_comments import make_literal, reorder
from contentctl.manifest.hashtags import quote_hashtags
from contentctl.manifest.yamlio import StrictLoader, YamlProblem, decode_text

POST_KEYS = (
    "id", "method", "at", "timezone", "accounts", "type", "title", "text", "url", "link",
    "media", "sublinks", "options", "duration", "question", "details", "excerpt",
    "categories", "tags", "album_id", "comments", "networks", "labels", "range",
    "share_next", "recycling", "recurring",
)  # fmt: skip
MEDIA_KEYS = ("path", "url", "id", "type", "alt_text", "caption", "thumbnail")
CONFIG_KEYS = ("workspace", "endpoint", "timezone", "content", "state", "accounts", "defaults")
ACCOUNT_KEYS = ("id", "provider", "name")
DEFAULTS_KEYS = ("labels", "batch_size", "method")
# keys that only contentctl.yaml has: how a document is told apart from a post
_CONFIG_ONLY = frozenset({"workspace", "endpoint", "content", "state", "defaults"})

LONG_TEXT = 80  # one-line prose longer than this becomes a literal block
YAML_SUFFIXES = (".yaml", ".yml")

_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
# characters a literal block cannot carry as-is (they need double-quote escapes)
_NOT_LITERAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029\ud800-\udfff]")
# comments above a leading `---`: ruamel drops them, so they are kept aside verbatim
_PRELUDE = re.compile(r"\A(?:[ \t]*(?:#[^\n]*)?\n)*(?=---(?:[ \t]|$))", re.MULTILINE)
# indicators that may start a plain scalar only in some contexts; parsers disagree on `[?x]`
_RISKY_FIRST = ("?", ":", "-")
_TEXT_TYPES = (str, DoubleQuotedScalarString, SingleQuotedScalarString)


class _ProjectResolver(pyyaml.resolver.Resolver):
    """How ``yamlio`` types a plain scalar (YAML 1.1 minus timestamps and yes/no/on/off)."""

    yaml_implicit_resolvers = StrictLoader.yaml_implicit_resolvers


_YAML11 = pyyaml.resolver.Resolver()
_PROJECT = _ProjectResolver()


def _tag(resolver: pyyaml.resolver.Resolver, value: str) -> str:
    return str(resolver.resolve(pyyaml.ScalarNode, value, (True, False)))  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class FormatResult:
    """One file before and after formatting."""

    path: Path
    changed: bool
    before: str
    after: str


class _FlowNull:
    """A null inside ``[...]``/``{...}``, written ``null`` (an empty one needs ``!!null ''``)."""


class _Representer(RoundTripRepresenter):
    def represent_text(self, data: str) -> Any:
        """Quote text a YAML 1.1 reader would take for another type; keep what was plain plain.

        A plain scalar that ``yamlio`` reads as a number (``1:20``) stays plain so
        its meaning does not change; quoting is decided on the value alone otherwise.
        """
        value = str(data)
        kept_plain = type(data) is str and _tag(_PROJECT, value) != _STR_TAG
        ambiguous = _tag(_YAML11, value) != _STR_TAG or value[:1] in _RISKY_FIRST
        style = '"' if not kept_plain and ambiguous else None
        return self.represent_scalar(_STR_TAG, value, style=style)

    def represent_flow_null(self, data: _FlowNull) -> Any:
        return self.represent_scalar(_NULL_TAG, "null")


for _text_type in _TEXT_TYPES:
    _Representer.add_representer(_text_type, _Representer.represent_text)
_Representer.add_representer(_FlowNull, _Representer.represent_flow_null)


class _Emitter(RoundTripEmitter):
    """One quote style: double quotes wherever ruamel would pick single ones."""

    def choose_scalar_style(self) -> Any:
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


class _Constructor(RoundTripConstructor):
    """Timestamps stay text, as in ``yamlio``; the representer then quotes them."""

    def construct_timestamp_text(self, node: Any) -> str:
        return str(node.value)

    def construct_float_or_text(self, node: Any) -> Any:
        """ruamel's YAML 1.2 takes ``._`` for a float it cannot make; ``yamlio`` reads text."""
        try:
            return self.construct_yaml_float(node)
        except ValueError:
            return str(node.value)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_timestamp_text)
_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_float_or_text)


def _yaml() -> YAML:
    rt = YAML(typ="rt")
    rt.Representer = _Representer
    rt.Emitter = _Emitter
    rt.Constructor = _Constructor
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096
    rt.preserve_quotes = True  # only to tell plain input from quoted; styles are re-chosen
    return rt


def format_text(text: str, *, source: str = "<text>", fix: bool = False) -> str:
    """The canonical form of one YAML stream; ``source`` names it in errors."""
    # YAML reads every line break as \n, so this changes no value, only the line ends
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if fix:
        text = quote_hashtags(text)
    match = _PRELUDE.match(text)
    prelude = "".join(f"{line.rstrip()}\n" for line in match.group().splitlines()) if match else ""
    body = text[match.end() :] if match else text
    rt = _yaml()
    try:
        docs = list(rt.load_all(body))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + prelude.count("\n"), mark.column + 1) if mark else (1, 1)
        message = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise ManifestError(f"{source}:{line[0]}:{line[1]}: YAML syntax: {message}") from exc
    except YAMLError as exc:
        message = " ".join(str(exc).split())
        raise ManifestError(f"{source}:1:1: YAML syntax: {message}") from exc
    empty_tail = 0  # trailing empty documents (a last `---`) are re-added as they were
    while docs and docs[-1] is None:
        docs.pop()
        empty_tail += 1
    for doc in docs:
        _canonical_document(doc)
    out = io.StringIO()
    if docs:
        rt.explicit_start = match is not None
        rt.dump_all([_FlowNull() if doc is None else doc for doc in docs], out)
    elif not empty_tail:  # only comments: nothing to reorder, keep them as they were
        out.write("".join(f"{line.rstrip()}\n" for line in body.strip("\n").splitlines()))
    result = prelude + out.getvalue() + "---\n" * empty_tail
    _check_comments_kept(text, result, source)
    return result


def _comment_lines(text: str) -> list[tuple[int, str]]:
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if line.lstrip().startswith("#")
    ]


def _check_comments_kept(before: str, after: str, source: str) -> None:
    """A comment ruamel could not place must stop the run rather than vanish."""
    remaining = Counter(line for _, line in _comment_lines(after))
    for number, line in _comment_lines(before):
        if remaining[line] <= 0:
            raise ManifestError(
                f"{source}:{number}:1: cannot format without losing this comment;"
                " move it next to a key or value"
            )
        remaining[line] -= 1


def format_file(
    path: Path, *, write: bool = False, fix: bool = False, cache: FormattedCache | None = None
) -> FormatResult:
    """Format one file; with ``write`` replace it atomically when it changed.

    Text ``fmt_fast`` proves canonical, and with ``cache`` bytes it knows to be, skip the
    round-trip parser (most of fmt's cost); canonical bytes met here are remembered
    for the next run.
    """
    try:
        data = read_regular(path, "manifest")
        before = decode_text(data)
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read: {exc.strerror}") from None
    except YamlProblem as exc:
        raise ManifestError(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
    if cache is not None and cache.known(data):
        return FormatResult(path=path, changed=False, before=before, after=before)
    from contentctl.manifest.fmt_fast import is_canonical  # it imports this module

    if not fix and is_canonical(before):  # proved without the round-trip parser
        return FormatResult(path=path, changed=False, before=before, after=before)
    after = format_text(before, source=str(path), fix=fix)
    result = FormatResult(path=path, changed=after != before, before=before, after=after)
    if write and result.changed:
        try:
            atomic_write(path, after.encode("utf-8"))
        except OSError as exc:
            raise ManifestError(f"{path}: cannot write: {exc.strerror}") from None
    if cache is not None and (not result.changed or write):
        cache.remember(after.encode("utf-8"))  # fmt's output is its own fixed point
    return result


def unified_diff(result: FormatResult) -> str:
    """``--diff`` output for one file: empty when nothing changed."""
    name = result.path.as_posix()
    old, new = (name, name) if result.path.is_absolute() else (f"a/{name}", f"b/{name}")
    lines = difflib.unified_diff(
        result.before.splitlines(keepends=True),
        result.after.splitlines(keepends=True),
        fromfile=old,
        tofile=new,
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def collect_files(paths: Sequence[Path]) -> list[Path]:
    """The YAML files named by ``paths``: files as given, folders searched (hidden ones skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.suffix in YAML_SUFFIXES
                    and p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            found.append(path)
    return list(dict.fromkeys(found))


# -- canonical structure ------------------------------------------------------


def _canonical_document(doc: Any) -> None:
    for node, order, where in ordered_mappings(doc):
        reorder(node, order, **where)
    _literal_blocks(doc)


Where = dict[str, Any]  # reorder's keywords for one mapping: root, item_of, indent


def ordered_mappings(doc: Any) -> Iterator[tuple[Any, tuple[str, ...], Where]]:
    """Each mapping of a document whose keys fmt puts in an order, with that order.

    The one place that says which mappings are posts, media items, config or
    account entries: ``fmt`` reorders what this yields, and its fast path
    (``fmt_fast``) checks the same mappings are already in order. Mappings are
    ``dict``s and sequences ``list``s (ruamel's round-trip types are both).
    """
    if not isinstance(doc, dict):
        return
    if isinstance(doc.get("posts"), list):
        yield doc, ("posts",), {"root": True}
        for index, post in enumerate(doc["posts"]):
            yield from _post_mappings(post, {"item_of": (doc["posts"], index), "indent": 4})
    elif _CONFIG_ONLY & set(doc) or isinstance(doc.get("accounts"), dict):
        yield doc, CONFIG_KEYS, {"root": True}
        accounts = doc.get("accounts")
        if isinstance(accounts, dict):
            for account in accounts.values():
                if isinstance(account, dict):
                    yield account, ACCOUNT_KEYS, {"indent": 4}
        defaults = doc.get("defaults")
        if isinstance(defaults, dict):
            yield defaults, DEFAULTS_KEYS, {"indent": 2}
    else:
        yield from _post_mappings(doc, {"root": True})


def _post_mappings(post: Any, where: Where) -> Iterator[tuple[Any, tuple[str, ...], Where]]:
    if not isinstance(post, dict):
        return
    indent = where.get("indent", 0)
    yield post, POST_KEYS, where
    yield from _media_mappings(post.get("media"), indent + 4)
    networks = post.get("networks")
    if isinstance(networks, dict):
        for override in networks.values():
            if isinstance(override, dict):
                yield override, POST_KEYS, {"indent": indent + 4}
                yield from _media_mappings(override.get("media"), indent + 8)


def _media_mappings(media: Any, indent: int) -> Iterator[tuple[Any, tuple[str, ...], Where]]:
    if isinstance(media, list):
        for index, item in enumerate(media):
            if isinstance(item, dict):
                yield item, MEDIA_KEYS, {"item_of": (media, index), "indent": indent}


def _literal_blocks(node: Any) -> None:
    """Multi-line and long prose values become ``|`` blocks, everywhere in block style."""
    if isinstance(node, CommentedMap):
        slots: Iterable[Any] = list(node.keys())
    elif isinstance(node, CommentedSeq):
        slots = range(len(node))
    else:
        return
    block = not node.fa.flow_style()
    for slot in slots:
        value = node[slot]
        if block and type(value) in _TEXT_TYPES and _wants_literal(value):
            make_literal(node, slot)
        elif value is None and not block:
            node[slot] = _FlowNull()
        else:
            _literal_blocks(value)


def _wants_literal(value: str) -> bool:
    if _NOT_LITERAL.search(value) or value[:1] in (" ", "\t"):
        return False
    if any(line != line.rstrip(" \t") for line in value.split("\n")):
        return False  # trailing blanks would be invisible in a block
    if "\n" in value:
        return bool(value.strip("\n"))
    return len(value) > LONG_TEXT and " " in value
