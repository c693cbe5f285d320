"""Manifest files in, ``Post`` records and located diagnostics out.

``load_repo`` finds the YAML files under the content folder (or the given
files and folders), reads each with the strict libyaml loader and turns every
post mapping into a ``Post``: ``at`` resolved to aware UTC, content split
from method options. A broken file becomes diagnostics, never an exception,
and the other files are still read. Positions are looked up only for files
that have something to say (``Locator``), so the hot path stays a plain parse.
Only regular files are opened (a named pipe would hang the run), and a text
whose hashtag YAML took for a comment gets a warning (``hashtags``).
The JSON Schema and the network rules are ``validate``'s job.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from contentctl.files import open_regular
from contentctl.manifest.chunks import Pieces, split
from contentctl.manifest.discover import SUFFIXES, find_manifests, repo_relative
from contentctl.manifest.hashtags import lost_hashtags
from contentctl.manifest.parse_cache import ParseCache, Parsed, digest_of
from contentctl.manifest.positions import compose_documents, position
from contentctl.manifest.times import AT_PATTERN, TimeParseError, resolve_at, zone
from contentctl.manifest.yamlio import (
    MAX_FILE_BYTES,
    ParsedDocument,
    YamlProblem,
    decode_text,
    parse_stream,
)
from contentctl.manifest.yamlio import (
    describe_value as _kind,
)
from contentctl.model import Config, Diagnostic, Method, Post, Severity, render_path
from contentctl.publer_facts import CONTENT_KEYS

__all__ = ["SUFFIXES", "LoadResult", "Locator", "Source", "find_manifests", "load_repo"]

_METHODS = frozenset(m.value for m in Method)
_AT = re.compile(AT_PATTERN)
OPTION_KEYS = ("range", "share_next", "recycling", "recurring")
_MB = 1024 * 1024
PARALLEL_BYTES = 2 * _MB  # about 2,500 posts

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Source:
    """One post mapping as read: where it is, what it says, and the Post built from it."""

    file: str
    document: int
    prefix: Path_  # () or ("posts", i)
    line: int
    column: int
    data: dict[str, Any]
    post: Post | None
    skipped: Diagnostic | None = None  # why no Post was built (the schema says it better)


@dataclass(frozen=True)
class LoadResult:
    """The posts read, the problems met, the repo-relative files read (sorted), and for
    ``validate`` each post mapping as written plus the files' text (to locate errors)."""

    posts: tuple[Post, ...]
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...]
    sources: tuple[Source, ...] = field(default=(), repr=False, compare=False)
    texts: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)


class Locator:
    """Line and column of a JSON path, re-composing a file only when first asked."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts = texts
        self._cache: dict[str, list[yaml.Node]] = {}

    def position(
        self, file: str, document: int, path: Path_, *, key: bool = False
    ) -> tuple[int, int]:
        roots = self._cache.get(file)
        if roots is None:
            # every document of the file composed once: a file of many failing
            # documents is not composed once per document
            roots = self._cache[file] = compose_documents(self._texts.get(file, ""))
        if document >= len(roots):
            return 1, 1
        return position(roots[document], path, key=key)

    def diagnostic(
        self,
        file: str,
        document: int,
        path: Path_,
        message: str,
        severity: Severity = Severity.ERROR,
        *,
        key: bool = False,
    ) -> Diagnostic:
        line, column = self.position(file, document, path, key=key)
        return Diagnostic(file, line, column, severity, message, render_path(path))


def load_repo(config: Config, paths: Sequence[Path] | None = None) -> LoadResult:
    """Every post of the repo (or of ``paths``), with the problems found while reading."""
    files, diagnostics = find_manifests(config, paths)
    texts: dict[str, str] = {}
    sources: list[Source] = []
    locator = Locator(texts)
    root = config.root.resolve()
    rels: list[str] = []
    cache = ParseCache.for_root(root)
    for rel, text, problem, parsed in _read_all(files, root, config, cache):
        rels.append(rel)
        if text is None or parsed is None:
            diagnostics.append(problem or Diagnostic(rel, 1, 1, Severity.ERROR, "unreadable"))
            continue
        texts[rel] = text
        diagnostics.extend(
            Diagnostic(rel, line, column, Severity.WARNING, message, where)
            for line, column, message, where in parsed.hashtags
        )
        found, found_diags = _sources(rel, parsed.documents, locator)
        diagnostics.extend(found_diags)
        for source in found:
            built, problems = _build(config, source, locator)
            sources.append(built)
            diagnostics.extend(problems)
            if built.skipped is not None:
                diagnostics.append(built.skipped)
    cache.save(prune=paths is None)  # a run over some files keeps the others' entries
    posts = tuple(s.post for s in sources if s.post is not None)
    return LoadResult(posts, tuple(sorted(diagnostics)), tuple(sorted(rels)), tuple(sources), texts)


def _error(file: str, message: str, line: int = 1, column: int = 1) -> Diagnostic:
    return Diagnostic(file, line, column, Severity.ERROR, message)


_Read = tuple[str, str | None, Diagnostic | None, Parsed | None]


def _read_all(files: Sequence[Path], root: Path, config: Config, cache: ParseCache) -> list[_Read]:
    """Read every file, and parse those whose bytes ``cache`` has not seen: in two forked
    processes when that is a lot of text.

    Parsing is most of the work and files are independent; below PARALLEL_BYTES
    a pool costs more than it saves (perf-floor.md: -32% at 10k posts, -10% at 1k).
    """
    out: list[_Read] = []
    misses: list[tuple[int, str, str, Pieces | None]] = []  # (index in out, digest, text, cut)
    for path in files:
        rel = repo_relative(root, str(path)) if path.is_absolute() else config.relpath(path)
        data, problem = _read(path, rel)
        text = _decoded(data, rel) if data is not None else None
        if isinstance(text, Diagnostic):
            problem, text = text, None
        if text is None or data is None:
            out.append((rel, None, problem, None))
            continue
        digest = digest_of(data)
        hit = cache.get(digest)
        pieces = split(text) if hit is None else None
        if hit is None and pieces is not None:
            hit = cache.from_items(digest, pieces)  # only the items edited since are parsed
        out.append((rel, text, None, hit))
        if hit is None:
            misses.append((len(out) - 1, digest, text, pieces))
    size = sum(len(text) for _, _, text, _ in misses)
    texts = [text for _, _, text, _ in misses]
    import multiprocessing as mp  # only a run that parses much pays for importing it

    if size < PARALLEL_BYTES or len(misses) < 2 or "fork" not in mp.get_all_start_methods():
        parsed = [_parse(text) for text in texts]
    else:
        with mp.get_context("fork").Pool(2, initializer=gc.disable) as pool:
            parsed = pool.map(_parse, texts, chunksize=max(1, len(texts) // 32))
    for (index, digest, _, pieces), result in zip(misses, parsed, strict=True):
        cache.put(digest, result, pieces)
        rel, text, _, _ = out[index]
        out[index] = (rel, text, None, result)
    return out


def _parse(text: str) -> Parsed:
    try:
        documents: list[ParsedDocument] | YamlProblem = parse_stream(text)
    except YamlProblem as exc:
        return Parsed(exc)
    hashtags = tuple(
        (lost.line, lost.column, lost.message, render_path(lost.path))
        for lost in lost_hashtags(text)
    )
    return Parsed(documents, hashtags)


def _decoded(data: bytes, rel: str) -> str | Diagnostic:
    try:
        return decode_text(data)
    except YamlProblem as exc:
        return _error(rel, exc.message, exc.line, exc.column)


def _read(path: Path, rel: str) -> tuple[bytes | None, Diagnostic | None]:
    try:
        with open_regular(path, "manifest") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                # refused before reading: a huge file costs a stat, not its bytes
                return None, _error(
                    rel,
                    f"file is {size // _MB} MB, larger than the {MAX_FILE_BYTES // _MB} MB "
                    "limit for a manifest",
                )
            return handle.read(), None
    except OSError as exc:
        return None, _error(rel, f"cannot read: {exc.strerror or exc}")


def _sources(
    rel: str, parsed: list[ParsedDocument] | YamlProblem, locator: Locator
) -> tuple[list[Source], list[Diagnostic]]:
    if isinstance(parsed, YamlProblem):
        return [], [_error(rel, parsed.message, parsed.line, parsed.column)]
    docs = parsed
    sources: list[Source] = []
    problems: list[Diagnostic] = []
    for index, doc in enumerate(docs):
        data = doc.data
        if data is None:
            continue
        if not isinstance(data, dict):
            problems.append(
                _error(
                    rel,
                    f"a document must be a post (a mapping) or posts: [...], not {_kind(data)}",
                    doc.line,
                    doc.column,
                )
            )
        elif "posts" not in data:
            sources.append(Source(rel, index, (), doc.line, doc.column, data, None))
        else:
            found, found_problems = _post_list(rel, index, data, doc.items, locator)
            sources.extend(found)
            problems.extend(found_problems)
    if not sources and not problems:
        problems.append(_error(rel, "empty file: expected a post or posts: [...]"))
    return sources, problems


def _post_list(
    rel: str,
    index: int,
    data: dict[str, Any],
    items: tuple[tuple[int, int], ...],
    locator: Locator,
) -> tuple[list[Source], list[Diagnostic]]:
    problems = [
        locator.diagnostic(
            rel,
            index,
            (key,),
            f"unknown key {key!r} beside posts: (a post goes inside the list)",
            key=True,
        )
        for key in data
        if key != "posts"
    ]
    posts = data["posts"]
    if not isinstance(posts, list):
        problems.append(
            locator.diagnostic(rel, index, ("posts",), f"posts must be a list, not {_kind(posts)}")
        )
        return [], problems
    sources: list[Source] = []
    for i, item in enumerate(posts):
        if isinstance(item, dict):
            line, column = items[i] if i < len(items) else (1, 1)
            sources.append(Source(rel, index, ("posts", i), line, column, item, None))
        else:
            problems.append(
                locator.diagnostic(
                    rel,
                    index,
                    ("posts", i),
                    f"a post must be a mapping, not {_kind(item)}",
                )
            )
    return sources, problems


def _build(config: Config, source: Source, locator: Locator) -> tuple[Source, list[Diagnostic]]:
    data = source.data
    problems: list[Diagnostic] = []

    def at_path(path: Path_, message: str) -> Diagnostic:
        return locator.diagnostic(source.file, source.document, (*source.prefix, *path), message)

    timezone = config.timezone
    tz = data.get("timezone")
    zone_ok = True
    if isinstance(tz, str):
        try:
            zone(tz)
            timezone = tz
        except TimeParseError as exc:
            zone_ok = False
            problems.append(at_path(("timezone",), str(exc)))
    at = None
    raw_at = data.get("at")
    if isinstance(raw_at, str) and zone_ok and _AT.match(raw_at):
        try:
            at = resolve_at(raw_at, timezone)
        except TimeParseError as exc:
            problems.append(at_path(("at",), f"at: {exc}"))

    reason, path = _unbuildable(data, config)
    if reason:
        skipped = at_path(path, f"post not loaded: {reason}")
        return replace(source, skipped=skipped), problems
    post = Post(
        id=data["id"],
        file=source.file,
        line=source.line,
        column=source.column,
        pointer=render_path(source.prefix),
        method=Method(data.get("method", config.default_method)),
        at=at,
        timezone=timezone,
        accounts=tuple(_alias(entry) for entry in data.get("accounts") or ()),
        content={k: data[k] for k in CONTENT_KEYS if k in data},
        networks=data.get("networks") or {},
        labels=tuple(data.get("labels") or ()),
        account_labels={
            entry["alias"]: tuple(entry.get("labels") or ())
            for entry in data.get("accounts") or ()
            if isinstance(entry, dict) and entry.get("labels")
        },
        options={k: data[k] for k in OPTION_KEYS if k in data},
    )
    return replace(source, post=post), problems


def _unbuildable(data: dict[str, Any], config: Config) -> tuple[str, Path_]:
    """Why a Post cannot be built from ``data`` ("" if it can), and where."""
    post_id = data.get("id")
    if not isinstance(post_id, str) or not post_id:
        return "id is missing or not text", ("id",) if "id" in data else ()
    method = data.get("method", config.default_method)
    if not isinstance(method, str) or method not in _METHODS:
        return f"unknown method {method!r}", ("method",)
    for key in ("accounts", "labels"):
        value = data.get(key, [])
        named = _account_entry if key == "accounts" else _is_text
        if not isinstance(value, list) or not all(named(v) for v in value):
            return f"{key} must be a list of names", (key,)
    aliases = [_alias(entry) for entry in data.get("accounts", [])]
    for index, alias in enumerate(aliases):
        if aliases.index(alias) != index:  # {alias, labels} and the bare alias are one account
            return f"account {alias} is listed twice", ("accounts", index)
    networks = data.get("networks", {})
    if not isinstance(networks, dict) or not all(isinstance(v, dict) for v in networks.values()):
        return "networks must map providers to mappings", ("networks",)
    return "", ()


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _account_entry(value: object) -> bool:
    """An alias, or ``{alias, labels}``: the account with labels of its own."""
    if not isinstance(value, dict):
        return isinstance(value, str)
    labels = value.get("labels", [])
    return (
        isinstance(value.get("alias"), str)
        and isinstance(labels, list)
        and all(isinstance(v, str) for v in labels)
    )


def _alias(entry: object) -> str:
    return str(entry["alias"]) if isinstance(entry, dict) else str(entry)
