"""A ``LoadResult`` in, every located diagnostic out: JSON Schema first, then the rules.

Each post is checked against ``#/$defs/post`` with the compiled validator
(``is_valid`` first; errors are only collected for posts that fail). Errors
are located by re-composing the failing document and walking the error's
instance path. Posts that pass the schema then go through the checks below,
driven by the table in ``publer_facts``: what JSON Schema cannot say because
it needs the merged per-network content, the config or the other posts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple

from contentctl import publer_facts as rules
from contentctl.manifest.content import effective_content, media_items, media_kind, origin
from contentctl.manifest.load import LoadResult, Locator, Source, load_repo
from contentctl.manifest.schemas import describe_error, post_validator, with_hint
from contentctl.manifest.times import TimeParseError, parse_date
from contentctl.model import Config, Diagnostic, JSONObject, Method, Post, Severity
from contentctl.validate.ahead import (
    CreatedKeys,
    at_problem,
    inspect_media,
    recycling_problem,
    too_close,
)
from contentctl.validate.callbacks import share_findings
from contentctl.validate.shapes import shape_findings

ERROR, WARNING = Severity.ERROR, Severity.WARNING
Path_ = tuple[str | int, ...]
_WEB = ("http://", "https://")
NEAR_LIMIT = 0.9  # text past this share of a limit earns a warning


@dataclass(frozen=True)
class Finding:
    """A rule's verdict on one post, located by a JSON path inside the post."""

    path: Path_
    message: str
    severity: Severity = ERROR
    key: bool = False  # point at the key rather than its value


def check_repo(
    config: Config,
    paths: Sequence[Path] | None = None,
    *,
    now: datetime | None = None,
    created: CreatedKeys | None = None,
) -> tuple[LoadResult, tuple[Diagnostic, ...]]:
    """Load and validate in one call."""
    result = load_repo(config, paths)
    return result, validate(config, result, now=now, created=created)


def validate(
    config: Config,
    result: LoadResult,
    *,
    now: datetime | None = None,
    created: CreatedKeys | None = None,
) -> tuple[Diagnostic, ...]:
    """Schema and rule diagnostics of every post, plus the load's own, sorted by place.

    ``created``: (post id, alias) → the time the state holds as on Publer, which decides
    whether a past time is an error (a new post) or not; None when not known.
    """
    locator = Locator(result.texts)
    validator = post_validator()
    default = config.default_method.value
    out: list[Diagnostic] = []
    failed: set[int] = set()  # id() of sources that fail the schema
    for source in result.sources:
        data = source.data
        if "method" not in data and default != Method.SCHEDULED:
            data = {**data, "method": default}  # the schema's if/then read method
        if not validator.is_valid(data):
            failed.add(id(source))
            for error in validator.iter_errors(data):
                for path, message, key in describe_error(error):
                    out.append(_locate(source, Finding(path, message, key=key), locator))
    # "post not loaded" notes repeat what the schema says better
    drop = {s.skipped for s in result.sources if s.skipped is not None and id(s) in failed}
    out.extend(d for d in result.diagnostics if d not in drop)
    ctx = _Context(config, now or datetime.now(UTC), created)
    built = [s for s in result.sources if s.post is not None]
    for source in built:
        findings = list(_check_accounts(ctx, _post(source)))
        if id(source) not in failed:
            findings.extend(_check_post(ctx, _post(source)))
        out.extend(_locate(source, f, locator) for f in findings)
    valid = [s for s in built if id(s) not in failed]
    for source, finding in _check_repo(ctx, valid, built):
        out.append(_locate(source, finding, locator))
    return tuple(sorted(dict.fromkeys(out)))


def _post(source: Source) -> Post:
    assert source.post is not None
    return source.post


def _locate(source: Source, finding: Finding, locator: Locator) -> Diagnostic:
    path = (*source.prefix, *finding.path)
    return locator.diagnostic(
        source.file, source.document, path, finding.message, finding.severity, key=finding.key
    )


# -- rules --------------------------------------------------------------------


@dataclass
class _Context:
    config: Config
    now: datetime
    created: CreatedKeys | None = None  # None: the state is not known here
    files: dict[str, tuple[str, int]] = field(default_factory=dict)  # media value → (problem, size)

    def media_file(self, value: str) -> tuple[str, int]:
        """What is wrong with a repo-relative media path ("" if nothing) and its size."""
        known = self.files.get(value)
        if known is None:
            known = self.files[value] = inspect_media(self.config.root, value)
        return known


def _providers(config: Config, post: Post) -> dict[str, list[str]]:
    """provider → the post's aliases on it, in manifest order."""
    out: dict[str, list[str]] = defaultdict(list)
    for alias in post.accounts:
        account = config.accounts.get(alias)
        if account is not None:
            out[account.provider.value].append(alias)
    return out


def _check_accounts(ctx: _Context, post: Post) -> Iterable[Finding]:
    accounts = ctx.config.accounts
    for i, alias in enumerate(post.accounts):
        if alias not in accounts:
            # "instagram" for the one Instagram account is a likely slip
            same = [a.alias for a in accounts.values() if a.provider == alias]
            message = f"unknown account alias {alias!r}"
            hint = f"{message} (did you mean {same[0]!r}?)" if len(same) == 1 else None
            message = hint or with_hint(message, alias, list(accounts))
            note = "aliases are set under accounts: in contentctl.yaml"
            yield Finding(("accounts", i), f"{message}; {note}")


def _check_post(ctx: _Context, post: Post) -> Iterable[Finding]:
    providers = _providers(ctx.config, post)
    for provider, aliases in providers.items():
        rule = rules.RULES[provider]
        content = effective_content(post, provider)
        kind = str(content["type"])
        if kind not in rule.types:
            yield Finding(
                origin(post, provider, "type"),
                f"{provider} does not take {kind} posts (account {', '.join(aliases)}); "
                f"{provider} takes {', '.join(rule.types)}",
            )
            continue
        target = _Target(ctx, post, rule, content, aliases)
        for check in PROVIDER_CHECKS:
            yield from check(target)
    for post_check in POST_CHECKS:
        yield from post_check(ctx, post, providers)


class _Target(NamedTuple):
    """One post as one network gets it: what each provider check looks at."""

    ctx: _Context
    post: Post
    rule: rules.NetworkRule
    content: JSONObject
    aliases: list[str]


ProviderCheck = Callable[[_Target], Iterable[Finding]]
PostCheck = Callable[[_Context, Post, dict[str, list[str]]], Iterable[Finding]]


def _required(t: _Target) -> Iterable[Finding]:
    _ctx, post, rule, content, _aliases = t
    kind = str(content["type"])
    for need in (*rules.type_rule(rule.provider, kind).requires, *rule.requires):
        options = need.split("|")
        if not any(_present(content, option) for option in options):
            yield Finding(
                origin(post, rule.provider, options[0]),
                f"{_a(kind)} post on {rule.provider} needs {' or '.join(options)}",
            )


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _present(content: JSONObject, dotted: str) -> bool:
    node: object = content
    for part in dotted.split("."):
        if not isinstance(node, dict) or node.get(part) in (None, "", [], {}):
            return False
        node = node[part]
    return True


def _url(t: _Target) -> Iterable[Finding]:
    _ctx, post, rule, content, _aliases = t
    url = content.get("url")
    if isinstance(url, str) and not rule.url_is_slug and not url.startswith(_WEB):
        where = origin(post, rule.provider, "url")
        yield Finding(where, f"url must start with http:// or https:// on {rule.provider}")


def _lengths(t: _Target) -> Iterable[Finding]:
    _ctx, post, rule, content, _aliases = t
    limits = (("text", rules.text_limit(rule.provider, content)), ("title", rule.title_limit))
    for key, limit in limits:
        value = content.get(key)
        if limit is None or not isinstance(value, str):
            continue
        # the text as the network counts it (X weighted, Bluesky graphemes); titles in characters
        if key == "text":
            bound = rules.text_length_at_most(rule.provider, value)
            if bound is not None and bound < NEAR_LIMIT * limit:
                continue  # far from the limit however it is counted: not counted at all
        size = rules.text_length(rule.provider, value) if key == "text" else len(value)
        if size < NEAR_LIMIT * limit:
            continue  # the common case: where and how it is said are not needed
        where = origin(post, rule.provider, key)
        unit = rules.length_unit(rule.provider) if key == "text" else "characters"
        if size > limit:
            yield Finding(where, f"{key} is {size} of {limit} {unit} on {rule.provider}")
        else:
            yield Finding(where, f"{key} is {size} of {limit} {unit}, close to the limit", WARNING)


def _media(t: _Target) -> Iterable[Finding]:
    ctx, post, rule, content, _aliases = t
    kind, p = str(content["type"]), rule.provider
    media = media_items(content.get("media"))
    tr = rules.type_rule(p, kind)
    if not media and not tr.min_media:
        return
    where = origin(post, p, "media")
    most = rule.max_media if tr.max_media is None else min(rule.max_media, tr.max_media)
    if len(media) > most:
        what = "no media" if most == 0 else f"at most {most} media item{'s' * (most > 1)}"
        yield Finding(where, f"{_a(kind)} post on {p} takes {what}; this one has {len(media)}")
    elif 0 < len(media) < tr.min_media:
        yield Finding(where, f"{_a(kind)} post needs at least {tr.min_media} media items")
    kinds = [media_kind(item) for item in media]
    for i, found in enumerate(kinds):
        if found and tr.media_kinds and found not in tr.media_kinds:
            wanted = " or ".join(sorted(tr.media_kinds))
            yield Finding((*where, i), f"media[{i}] is {_a(found)}; {_a(kind)} post takes {wanted}")
    videos, photos = kinds.count("video"), kinds.count("photo")
    if videos > rule.max_videos:
        yield Finding(where, f"{p} takes at most {rule.max_videos} video(s) in a post")
    elif videos and photos and not rule.mix_media:
        yield Finding(where, f"{p} does not mix photos and videos in one post")
    if rule.max_photo_bytes:
        for i, item in enumerate(media):
            size = _local_size(ctx, item.get("path")) if kinds[i] == "photo" else None
            if size and size > rule.max_photo_bytes:
                limit = rule.max_photo_bytes // rules.MB
                message = f"{p} takes photos up to {limit} MB; this one is {size / rules.MB:.1f} MB"
                yield Finding((*where, i), message)


def _poll(t: _Target) -> Iterable[Finding]:
    _ctx, post, rule, content, _aliases = t
    if content["type"] != "poll" or rule.poll is None:
        return
    p, poll = rule.provider, rule.poll
    options = content.get("options")
    for i, option in enumerate(options if isinstance(options, list) else []):
        if isinstance(option, str) and len(option) > poll.option_chars:
            yield Finding(
                (*origin(post, p, "options"), i),
                f"poll option is {len(option)} characters; {p} allows {poll.option_chars}",
            )
    duration = content.get("duration")
    if isinstance(duration, int) and duration > poll.max_days:
        where = origin(post, p, "duration")
        yield Finding(where, f"a poll on {p} runs at most {poll.max_days} days")
    if not _present(content, poll.question_key):
        where = origin(post, p, poll.question_key)
        yield Finding(where, f"a poll on {p} needs its question in {poll.question_key}")


def _method(t: _Target) -> Iterable[Finding]:
    _ctx, post, rule, _content, aliases = t
    allowed = {Method.RECYCLING: rule.recycling, Method.RECURRING: rule.recurring}
    if not allowed.get(post.method, True):
        for alias in aliases:
            where = ("accounts", post.accounts.index(alias))
            yield Finding(where, f"{rule.provider} does not take {post.method} posts ({alias})")
    if rule.max_accounts is not None and len(aliases) > rule.max_accounts:
        for alias in aliases[rule.max_accounts :]:
            where = ("accounts", post.accounts.index(alias))
            yield Finding(where, f"only {rule.max_accounts} {rule.provider} account per post")


def _recycling(t: _Target) -> Iterable[Finding]:
    post, provider = t.post, t.rule.provider
    if post.method is Method.RECYCLING:
        problem = recycling_problem(provider, str(t.content.get("text") or ""))
        if problem:
            yield Finding(origin(post, provider, "text"), problem)


PROVIDER_CHECKS: tuple[ProviderCheck, ...] = (
    _required, _url, _lengths, _media, _poll, _method, _recycling, shape_findings,
)  # fmt: skip


def _unused_overrides(
    ctx: _Context, post: Post, providers: dict[str, list[str]]
) -> Iterable[Finding]:
    for provider in post.networks:
        if provider not in providers:
            message = f"networks.{provider} is not used: no account of this post is on {provider}"
            yield Finding(("networks", provider), message, WARNING, key=True)


def _media_files(ctx: _Context, post: Post, providers: dict[str, list[str]]) -> Iterable[Finding]:
    lists: list[tuple[Path_, object]] = [(("media",), post.content.get("media"))]
    lists += [(("networks", p, "media"), o.get("media")) for p, o in post.networks.items()]
    for where, media in lists:
        for i, item in enumerate(media_items(media)):
            for key in ("path", "thumbnail"):
                value = item.get(key)
                if not isinstance(value, str) or (key == "thumbnail" and "://" in value):
                    continue
                problem = ctx.media_file(value)[0]
                if not problem and key == "path" and media_kind(item) is None:
                    problem = "has an extension that does not tell its kind; set type"
                if problem:
                    yield Finding((*where, i, key), f"media {key} {value!r} {problem}")


def _local_size(ctx: _Context, value: object) -> int:
    return ctx.media_file(value)[1] if isinstance(value, str) else 0


def _schedule(ctx: _Context, post: Post, providers: dict[str, list[str]]) -> Iterable[Finding]:
    timing = at_problem(post, ctx.now, ctx.created)
    if timing is not None:
        yield Finding(("at",), *timing)
    pairs = (("range", "start_date", "end_date"), ("recurring", "start_date", "end_date"))
    for option, first, last in pairs:
        value = post.options.get(option) or {}
        start, end = _date(value, first), _date(value, last)
        for name, parsed in ((first, start), (last, end)):
            if isinstance(parsed, str):
                yield Finding((option, name), f"{option}.{name}: {parsed}")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            yield Finding((option, last), f"{option}.{last} is before {option}.{first}")
    expire = _date(post.options.get("recycling") or {}, "expire_date")
    if isinstance(expire, str):
        yield Finding(("recycling", "expire_date"), f"recycling.expire_date: {expire}")
    elif expire and post.at and expire < post.at.date():
        yield Finding(("recycling", "expire_date"), "recycling.expire_date is before at")


def _date(options: Mapping[str, object], key: str) -> date | str | None:
    """The date at ``key``, None when absent, or the problem's text."""
    value = options.get(key)
    try:
        return parse_date(value) if isinstance(value, str) else None
    except TimeParseError as exc:
        return str(exc)


POST_CHECKS: tuple[PostCheck, ...] = (_unused_overrides, _media_files, _schedule, share_findings)


def _check_repo(
    ctx: _Context, valid: list[Source], built: list[Source]
) -> Iterable[tuple[Source, Finding]]:
    first: dict[str, Source] = {}
    for source in built:
        post = _post(source)
        seen = first.setdefault(post.id, source)
        if seen is not source:
            message = f"duplicate post id {post.id!r} (first defined at {_post(seen).where()})"
            yield source, Finding(("id",), message)
    for index, message in too_close(ctx.config, [_post(source) for source in valid]):
        yield valid[index], Finding(("at",), message)
