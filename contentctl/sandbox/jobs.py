"""Publer's rules for a bulk request: a parsed body in, posts to create and failures out.

``check_bulk_shape`` is the synchronous part (a bad body is a 400 before any
job exists). ``plan_bulk`` is what the job does: it walks every (post ×
account) pair, and each pair either becomes a ``Planned`` post or a
``Failure`` that the job reports while still ending ``complete``
(publer-api.md sections 2-4). Nothing here touches the store: lookups come in
as callables so the rules can be tested with plain data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from contentctl.sandbox.networks import check_content

BULK_STATES = ("scheduled", "draft", "draft_private", "draft_public", "recurring")
MAX_BULK_POSTS = 500
GAP = timedelta(minutes=1)
NO_RECURRING = ("youtube", "tiktok", "wordpress")

BACKDATED = "Posts cannot be backdated"
TOO_SOON = "Posts must be scheduled at least one minute in the future"
GAP_MESSAGE = "There's another post at this time. A one minute gap is required between posts"
POST_LEVEL_MEDIA = "undefined method 'count' for nil"
ONE_TIKTOK = "Only one TikTok account can be used per request"


class RequestRejected(Exception):
    """The request is refused synchronously with ``status`` and Publer's ``errors`` list."""

    def __init__(self, status: int, *errors: str) -> None:
        super().__init__("; ".join(errors))
        self.status = status
        self.errors = list(errors)


@dataclass(frozen=True)
class Failure:
    """One (post × account) pair that the job could not create."""

    post_index: int
    account_id: str | None
    account_name: str | None
    provider: str | None
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "account_name": self.account_name,
            "provider": self.provider,
            "message": self.message,
        }


@dataclass(frozen=True)
class Planned:
    """One post to create: the bulk post it came from, its account and its content."""

    post_index: int
    account: Mapping[str, Any] | None
    state: str
    content: Mapping[str, Any]
    scheduled_at: datetime | None
    labels: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    planned: list[Planned]
    failures: list[Failure]


def check_bulk_shape(body: Any, *, publish_now: bool) -> dict[str, Any]:
    """The ``bulk`` object of a create request, or ``RequestRejected`` (400)."""
    if not isinstance(body, dict) or not isinstance(body.get("bulk"), dict):
        raise RequestRejected(400, "param is missing or the value is empty: bulk")
    bulk: dict[str, Any] = body["bulk"]
    state = bulk.get("state", "scheduled" if publish_now else None)
    if state not in BULK_STATES:
        raise RequestRejected(400, f"Unknown state {state}")
    if publish_now and state != "scheduled":
        raise RequestRejected(400, f"Posts in state {state} cannot be published now")
    posts = bulk.get("posts")
    if not isinstance(posts, list) or not posts:
        raise RequestRejected(400, "param is missing or the value is empty: posts")
    if len(posts) > MAX_BULK_POSTS:
        raise RequestRejected(400, f"A bulk request takes at most {MAX_BULK_POSTS} posts")
    for index, post in enumerate(posts):
        where = f"posts[{index}]"
        if not isinstance(post, dict):
            raise RequestRejected(400, f"{where} must be an object")
        if not isinstance(post.get("networks"), dict) or not post["networks"]:
            raise RequestRejected(400, f"{where}.networks is required")
        if not all(isinstance(v, dict) for v in post["networks"].values()):
            raise RequestRejected(400, f"{where}.networks entries must be objects")
        accounts = post.get("accounts", [])
        if state not in ("draft_private", "draft_public") and not accounts:
            raise RequestRejected(400, f"{where}.accounts is required")
        if not isinstance(accounts, list) or not all(
            isinstance(a, dict) and isinstance(a.get("id"), str) for a in accounts
        ):
            raise RequestRejected(400, f"{where}.accounts must be a list of {{id, ...}}")
    return {**bulk, "state": state}


def parse_time(value: Any) -> datetime | None:
    """An aware datetime from ISO 8601 (``Z`` or an offset; none means UTC), else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def format_time(value: datetime) -> str:
    """Publer's spelling: milliseconds and the offset as given (``Z`` becomes ``+00:00``)."""
    return value.isoformat(timespec="milliseconds")


def plan_bulk(
    bulk: Mapping[str, Any],
    *,
    publish_now: bool,
    accounts: Mapping[str, Mapping[str, Any]],
    now: datetime,
    taken: Callable[[str, datetime], bool],
    media: Callable[[str], Mapping[str, Any] | None],
) -> Outcome:
    """Every pair of the bulk, planned or failed, in request order."""
    state = str(bulk["state"])
    planned: list[Planned] = []
    failures: list[Failure] = []
    claimed: dict[str, list[datetime]] = {}
    tiktok: str | None = None

    def busy(account_id: str, when: datetime) -> bool:
        mine = claimed.get(account_id, [])
        return taken(account_id, when) or any(abs(when - t) < GAP for t in mine)

    for index, post in enumerate(bulk["posts"]):
        networks: Mapping[str, Any] = post["networks"]
        labels = _labels(post.get("labels"))
        if state in ("draft_private", "draft_public"):
            entry = networks.get("default") or next(iter(networks.values()))
            planned.append(Planned(index, None, state, entry, None, labels, _options(post)))
            continue
        for spec in post["accounts"]:
            account = accounts.get(spec["id"])
            if account is not None and account["provider"] == "tiktok":
                tiktok = tiktok or str(account["id"])
            result = (
                "Account not found"
                if account is None
                else ONE_TIKTOK
                if account["provider"] == "tiktok" and tiktok != account["id"]
                else _plan_pair(index, post, spec, account, state, publish_now, now, busy, media)
            )
            if isinstance(result, str):
                name = str(account["name"]) if account else None
                provider = str(account["provider"]) if account else None
                failures.append(Failure(index, spec["id"], name, provider, result))
                continue
            planned.append(result)
            if result.scheduled_at is not None and state != "draft":
                claimed.setdefault(str(spec["id"]), []).append(result.scheduled_at)
    return Outcome(planned, failures)


def _plan_pair(
    index: int,
    post: Mapping[str, Any],
    spec: Mapping[str, Any],
    account: Mapping[str, Any],
    state: str,
    publish_now: bool,
    now: datetime,
    busy: Callable[[str, datetime], bool],
    media: Callable[[str], Mapping[str, Any] | None],
) -> Planned | str:
    """The post for one (post × account) pair, or the failure message."""
    provider = str(account["provider"])
    networks: Mapping[str, Any] = post["networks"]
    entry = networks.get(provider) or networks.get("default")
    if entry is None:
        return f"No content for {provider}: add networks.{provider} or networks.default"
    problem = _option_problem(post, state, provider) or check_content(
        provider, entry, post_level_media="media" in post, media=media
    )
    if problem:
        return problem
    when, problem = _when(post, spec, state, publish_now, str(account["id"]), now, busy)
    if problem:
        return problem
    labels = _labels(post.get("labels"))
    labels += tuple(x for x in _labels(spec.get("labels")) if x not in labels)
    queued = when is not None and not publish_now and state == "scheduled" and _queued(post, spec)
    return Planned(
        index, account, "published" if publish_now else state, entry, when, labels,
        _options(post, queued=queued),
    )  # fmt: skip


def _labels(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    out: list[str] = []
    for item in value:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name not in out:
            out.append(name)
    return tuple(out)


def _options(post: Mapping[str, Any], *, queued: bool = False) -> dict[str, Any]:
    return {
        "auto": bool(post.get("auto")) or queued,
        "recycling": post.get("recycling") if isinstance(post.get("recycling"), dict) else None,
        "recurring": post.get("recurring") if isinstance(post.get("recurring"), dict) else None,
    }


def _queued(post: Mapping[str, Any], spec: Mapping[str, Any]) -> bool:
    """A post without a time goes into the posting schedule: Publer queues it."""
    return spec.get("scheduled_at") is None and not post.get("recurring")


def _option_problem(post: Mapping[str, Any], state: str, provider: str) -> str | None:
    if state == "recurring" and not isinstance(post.get("recurring"), dict):
        return "Recurring posts need a recurring schedule"
    for option in ("recurring", "recycling"):
        if post.get(option) and provider in NO_RECURRING:
            return f"{option.capitalize()} is not available for {provider}"
    return None


def _when(
    post: Mapping[str, Any],
    spec: Mapping[str, Any],
    state: str,
    publish_now: bool,
    account_id: str,
    now: datetime,
    busy: Callable[[str, datetime], bool],
) -> tuple[datetime | None, str | None]:
    if publish_now:
        return now, None
    raw = spec.get("scheduled_at")
    if raw is None and state == "recurring":
        raw = (post.get("recurring") or {}).get("start_date")
    when = parse_time(raw) if raw is not None else None
    if raw is not None and when is None:
        return None, f"Invalid scheduled_at {raw}"
    if state == "draft":
        return when, None
    if when is None:
        return _free_slot(post, account_id, now, busy)
    if when <= now:
        return None, BACKDATED
    if when - now < GAP:
        return None, TOO_SOON
    if busy(account_id, when):
        return None, GAP_MESSAGE
    return when, None


def _free_slot(
    post: Mapping[str, Any], account_id: str, now: datetime, busy: Callable[[str, datetime], bool]
) -> tuple[datetime | None, str | None]:
    """The next free full hour inside ``range`` (the sandbox's whole posting schedule)."""
    window: Mapping[str, Any] = post["range"] if isinstance(post.get("range"), dict) else {}
    start = parse_time(window.get("start_date")) or now
    end = parse_time(window.get("end_date"))
    start = max(start, now + GAP)
    slot = start.replace(minute=0, second=0, microsecond=0)
    if slot < start:
        slot += timedelta(hours=1)
    for _ in range(24 * 366):
        if end is not None and slot > end:
            break
        if not busy(account_id, slot):
            return slot, None
        slot += timedelta(hours=1)
    return None, "No free slot left in the posting schedule for this range"
