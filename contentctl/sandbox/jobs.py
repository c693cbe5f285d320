"""Publer's rules for a bulk request: a parsed body in, posts to create and failures out.

``check_bulk_shape`` is the synchronous part (a bad body is a 400 before any
job exists). ``plan_bulk`` is what the job does: it walks every (post ×
account) pair, and each pair either becomes a ``Planned`` post or a
``Failure`` that the job reports while still ending ``complete``
(docs/publer-api.md §2-§4). The limits (bulk size and states, lead time,
account gap, recycling and recurring support, accounts per request) are
``contentctl.publer_facts``. Nothing here touches the store: lookups come in
as callables so the rules can be tested with plain data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from contentctl import publer_facts as facts
from contentctl import publer_switches as switches
from contentctl.sandbox.callbacks import check_account_options
from contentctl.sandbox.limits import DayCount, over_daily_limit
from contentctl.sandbox.limits import day_counter as day_counter
from contentctl.sandbox.networks import check_content
from contentctl.sandbox.options import RequestRejected as RequestRejected
from contentctl.sandbox.options import check_schedule_options
from contentctl.sandbox.options import parse_time as parse_time
from contentctl.sandbox.seed import albums, signatures
from contentctl.sandbox.values import JSONObject, as_object

GAP = timedelta(seconds=facts.ACCOUNT_GAP_SECONDS)
LEAD = timedelta(seconds=facts.MIN_LEAD_SECONDS)
IDEAS = ("draft_private", "draft_public")  # no accounts, no time

BACKDATED = "Posts cannot be backdated"
TOO_SOON = "Posts must be scheduled at least one minute in the future"
GAP_MESSAGE = "There's another post at this time. A one minute gap is required between posts"
POST_LEVEL_MEDIA = "undefined method 'count' for nil"
ONE_TIKTOK = "Only one TikTok account can be used per request"
# Publer's words when a network takes fewer accounts per request than were sent.
_TOO_MANY_ACCOUNTS = {"tiktok": ONE_TIKTOK}


@dataclass(frozen=True)
class Failure:
    """One (post × account) pair that the job could not create."""

    post_index: int
    account_id: str | None
    account_name: str | None
    provider: str | None
    message: str

    def as_json(self) -> dict[str, str | None]:
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
    account: Mapping[str, object] | None
    state: str
    content: Mapping[str, object]
    scheduled_at: datetime | None
    labels: tuple[str, ...] = ()
    options: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class BulkPost:
    """One checked post of a bulk: its network entries, its account entries, all its fields."""

    networks: Mapping[str, JSONObject]  # provider (or "default") → network entry
    accounts: tuple[JSONObject, ...]  # each with a string "id"
    fields: JSONObject  # labels, auto, range, recycling, recurring, media, ...


@dataclass(frozen=True)
class Bulk:
    """A checked ``bulk`` object: a known state and at least one post."""

    state: str
    posts: tuple[BulkPost, ...]


@dataclass(frozen=True)
class Outcome:
    planned: list[Planned]
    failures: list[Failure]


def check_bulk_shape(body: object, *, publish_now: bool) -> Bulk:
    """The ``bulk`` object of a create request, or ``RequestRejected`` (400)."""
    bulk = body.get("bulk") if isinstance(body, dict) else None
    if not isinstance(bulk, dict):
        raise RequestRejected(400, "param is missing or the value is empty: bulk")
    state = bulk.get("state", "scheduled" if publish_now else None)
    if not isinstance(state, str) or state not in facts.BULK_STATES:
        raise RequestRejected(400, f"Unknown state {state}")
    if publish_now and state != "scheduled":
        raise RequestRejected(400, f"Posts in state {state} cannot be published now")
    posts = bulk.get("posts")
    if not isinstance(posts, list) or not posts:
        raise RequestRejected(400, "param is missing or the value is empty: posts")
    if len(posts) > facts.MAX_BULK_POSTS:
        raise RequestRejected(400, f"A bulk request takes at most {facts.MAX_BULK_POSTS} posts")
    return Bulk(state, tuple(_check_post(f"posts[{i}]", p, state) for i, p in enumerate(posts)))


def _check_post(where: str, post: object, state: str) -> BulkPost:
    if not isinstance(post, dict):
        raise RequestRejected(400, f"{where} must be an object")
    networks = post.get("networks")
    if not isinstance(networks, dict) or not networks:
        raise RequestRejected(400, f"{where}.networks is required")
    entries: dict[str, JSONObject] = {}
    for provider, entry in networks.items():
        if provider not in (*facts.PROVIDERS, *facts.WORDPRESS_KEYS, "default"):  # CREATE, OAS
            raise RequestRejected(400, f"{where}.networks.{provider} is not a network Publer knows")
        if not isinstance(entry, dict):
            raise RequestRejected(400, f"{where}.networks entries must be objects")
        # every *NetworkContent of Publer's OpenAPI requires ``type``
        if not isinstance(entry.get("type"), str) or not entry["type"]:
            raise RequestRejected(400, f"{where}.networks.{provider}.type is required")
        entries[str(provider)] = entry
    check_schedule_options(where, post, state)
    accounts = post.get("accounts", [])
    if state not in IDEAS and not accounts:
        raise RequestRejected(400, f"{where}.accounts is required")
    if not isinstance(accounts, list) or not all(
        isinstance(a, dict) and isinstance(a.get("id"), str) for a in accounts
    ):
        raise RequestRejected(400, f"{where}.accounts must be a list of {{id, ...}}")
    return BulkPost(entries, tuple(accounts), post)


def format_time(value: datetime) -> str:
    """Publer's spelling: milliseconds and the offset as given (``Z`` becomes ``+00:00``)."""
    return value.isoformat(timespec="milliseconds")


MediaLookup = Callable[[str], Mapping[str, object] | None]


def plan_bulk(
    bulk: Bulk,
    *,
    publish_now: bool,
    accounts: Mapping[str, Mapping[str, object]],
    now: datetime,
    taken: Callable[[str, datetime], bool],
    media: MediaLookup,
    day_count: DayCount | None = None,
    publer_plan: str = facts.DEFAULT_PUBLER_PLAN,
) -> Outcome:
    """Every pair of the bulk, planned or failed, in request order.

    ``day_count(account, t)`` is how many posts the account already has in the 24
    hours up to ``t``; with it, Publer's daily limit per account on ``publer_plan``
    is enforced (``sandbox/limits.py``).
    """
    state = bulk.state
    planned: list[Planned] = []
    failures: list[Failure] = []
    # account → (what it counts against, time) of each timed post this request planned
    claimed: dict[str, list[tuple[str, datetime]]] = {}
    first: dict[str, list[str]] = {}  # provider → the account ids a limited network took

    def busy(account_id: str, when: datetime) -> bool:
        mine = claimed.get(account_id, [])
        return taken(account_id, when) or any(abs(when - t) < GAP for _what, t in mine)

    for index, post in enumerate(bulk.posts):
        labels = _labels(post.fields.get("labels"))
        if state in IDEAS:
            entry = post.networks.get("default") or next(iter(post.networks.values()))
            options = _options(post.fields)
            planned.append(Planned(index, None, state, entry, None, labels, options))
            continue
        for spec in post.accounts:
            account_id = str(spec["id"])
            account = accounts.get(account_id)
            result = (
                "Account not found"
                if account is None
                else _over_limit(account, first)
                or _plan_pair(
                    index, post, spec, account, state, publish_now, now, busy, media, accounts
                )
            )
            if not isinstance(result, str) and account is not None and day_count is not None:
                mine = claimed.get(account_id, [])
                result = over_daily_limit(result, account, day_count, mine, publer_plan) or result
            if isinstance(result, str):
                name = str(account["name"]) if account else None
                provider = str(account["provider"]) if account else None
                failures.append(Failure(index, account_id, name, provider, result))
                continue
            planned.append(result)
            if result.scheduled_at is not None and state != "draft":
                network = str(account["provider"]) if account is not None else ""
                what = facts.daily_kind(network, result.content)
                claimed.setdefault(account_id, []).append((what, result.scheduled_at))
    return Outcome(planned, failures)


def _over_limit(account: Mapping[str, object], first: dict[str, list[str]]) -> str | None:
    """Publer's refusal when the account's network takes fewer accounts per request."""
    provider, account_id = str(account["provider"]), str(account["id"])
    rule = facts.RULES.get(provider)
    if rule is None or rule.max_accounts is None:
        return None
    taken = first.setdefault(provider, [])
    if account_id in taken:
        return None
    if len(taken) < rule.max_accounts:
        taken.append(account_id)
        return None
    return _TOO_MANY_ACCOUNTS.get(
        provider, f"Only {rule.max_accounts} {provider} accounts can be used per request"
    )


def _plan_pair(
    index: int,
    post: BulkPost,
    spec: Mapping[str, object],
    account: Mapping[str, object],
    state: str,
    publish_now: bool,
    now: datetime,
    busy: Callable[[str, datetime], bool],
    media: MediaLookup,
    accounts: Mapping[str, Mapping[str, object]],
) -> Planned | str:
    """The post for one (post × account) pair, or the failure message."""
    provider = str(account["provider"])
    key = facts.network_key(provider, account.get("type"))  # WordPress's OAS key by its type
    entry = post.networks.get(key) or post.networks.get("default")
    if entry is None:
        return f"No content for {key}: add networks.{key} or networks.default"
    fields = post.fields
    problem = _option_problem(fields, state, provider) or check_content(
        provider, entry, post_level_media="media" in fields, media=media
    )
    if problem:
        return problem
    problem = _album_problem(provider, spec, account) or check_account_options(
        spec, account, accounts, media
    )
    if problem:
        return problem
    when, problem = _when(fields, spec, state, publish_now, str(account["id"]), now, busy)
    if problem:
        return problem
    content = _signed(entry, spec, account)
    labels = _labels(fields.get("labels"))
    labels += tuple(x for x in _labels(spec.get("labels")) if x not in labels)
    queued = when is not None and not publish_now and state == "scheduled" and _queued(fields, spec)
    return Planned(
        index, account, "published" if publish_now else state, content, when, labels,
        _options(fields, queued=queued),
    )  # fmt: skip


def _signed(
    entry: dict[str, object], spec: Mapping[str, object], account: Mapping[str, object]
) -> dict[str, object]:
    """The network entry with the account's signature appended to its text, as the listing
    gives it back (``publer_switches.SIGNATURE_IN_LISTED_TEXT``; SIGNATURE)."""
    wanted = spec.get("signature")
    found = next((s for s in signatures(account) if s["id"] == wanted), None)
    if found is None:
        return entry
    text = entry.get("text")
    return {**entry, "text": switches.signed(text if isinstance(text, str) else "",
                                             str(found["text"]))}  # fmt: skip


def _album_problem(
    provider: str, spec: Mapping[str, object], account: Mapping[str, object]
) -> str | None:
    """A board where the network needs one, and only a board or album the account has
    (``GET /workspaces/{id}/media_options``; PIN, MEDIAOPT)."""
    rule = facts.RULES.get(provider)
    album = spec.get("album_id")
    if album is None:
        needed = rule is not None and "album_id" in rule.requires
        return "A Pinterest pin needs a board (album_id)" if needed else None
    if str(album) not in {a["id"] for a in albums(account)}:
        return f"Album {album} not found for this account"
    return None


def _labels(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    out: list[str] = []
    for item in value:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name not in out:
            out.append(name)
    return tuple(out)


def _options(post: Mapping[str, object], *, queued: bool = False) -> dict[str, object]:
    return {
        "auto": bool(post.get("auto")) or queued,
        "recycling": post.get("recycling") if isinstance(post.get("recycling"), dict) else None,
        "recurring": post.get("recurring") if isinstance(post.get("recurring"), dict) else None,
    }


def _queued(post: Mapping[str, object], spec: Mapping[str, object]) -> bool:
    """A post without a time goes into the posting schedule: Publer queues it."""
    return spec.get("scheduled_at") is None and not post.get("recurring")


def _option_problem(post: Mapping[str, object], state: str, provider: str) -> str | None:
    if state == "recurring" and not isinstance(post.get("recurring"), dict):
        return "Recurring posts need a recurring schedule"
    rule = facts.RULES.get(provider)
    if rule is None:
        return None
    for option, available in (("recurring", rule.recurring), ("recycling", rule.recycling)):
        if post.get(option) and not available:
            return f"{option.capitalize()} is not available for {provider}"
    return None


def _when(
    post: Mapping[str, object],
    spec: Mapping[str, object],
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
        raw = as_object(post.get("recurring")).get("start_date")
    when = parse_time(raw) if raw is not None else None
    if raw is not None and when is None:
        return None, f"Invalid scheduled_at {raw}"
    if state == "draft":
        return when, None
    if when is None:
        return _free_slot(post, account_id, now, busy)
    if when <= now:
        return None, BACKDATED
    if when - now < LEAD:
        return None, TOO_SOON
    if busy(account_id, when):
        return None, GAP_MESSAGE
    return when, None


def _free_slot(
    post: Mapping[str, object],
    account_id: str,
    now: datetime,
    busy: Callable[[str, datetime], bool],
) -> tuple[datetime | None, str | None]:
    """A free full hour inside ``range`` (the sandbox's whole posting schedule): the end of
    the account's queue (the first free hour after its last taken one), or with
    ``share_next`` the next open hour, ahead of the queue (AUTO)."""
    window = as_object(post.get("range"))
    start = parse_time(window.get("start_date")) or now
    end = parse_time(window.get("end_date"))
    start = max(start, now + LEAD)
    slot = start.replace(minute=0, second=0, microsecond=0)
    if slot < start:
        slot += timedelta(hours=1)
    share_next = post.get("share_next") is True
    found: datetime | None = None
    for _ in range(24 * 366):
        if end is not None and slot > end:
            break
        if not busy(account_id, slot):
            if share_next:
                return slot, None
            found = found or slot
        else:
            found = None  # the queue goes on past this hour
        slot += timedelta(hours=1)
    if found is not None:
        return found, None
    return None, "No free slot left in the posting schedule for this range"
