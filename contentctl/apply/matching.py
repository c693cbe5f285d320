"""Wanted posts and listed remote posts in, a one-to-one assignment out: which post is which.

A ``Wanted`` is one post × account contentctl means to have on Publer (a plan
target, or an item of a journalled bulk); a ``RemotePost`` is what ``GET
/posts`` listed. ``assign`` pairs them by the rule of each publishing method
(``Method``, see docs/architecture.md, "Adoption"):

- scheduled, recycling, dated drafts, recurring: account, content
  fingerprint, and Publer's ``scheduled_at`` within ``TIME_TOLERANCE`` of the
  planned time (a recurring post's time is its first occurrence); drafts only
  match drafts, and the others never match a draft;
- undated drafts: account, fingerprint, a draft *without* a time, so an
  undated draft can never take another post's scheduled remote post;
- ideas: no account, fingerprint, the same idea state (private or public);
- auto-scheduled: account, fingerprint, not a draft, and a time inside the
  post's range (the slot is Publer's choice);
- publish-now: account, fingerprint, published (or about to be); no time,
  because the time is Publer's clock, not ours.

One remote post is never given to two wanted posts. Where several remote
posts fit, ``job_id`` (the bulk's own job, when Publer lists it) decides,
then the time closest to the planned one; wanted posts that are the same
(same rule key) share the fitting posts in a stable order. When more remote
posts fit than there are wanted posts of that key, and nothing tells them
apart, the wanted posts are ``ambiguous``: reported with the remote ids, never
guessed.

A wanted post with a time that nothing fits may find its *slot* taken: one
remote post, on its account, within ``TIME_TOLERANCE`` of its time, by the
same draft rule, whose content differs (edited on Publer after the state was
lost). Publer allows one post a minute per account, so a create there can
only fail; ``slotted`` names that post, for the plan to take back and repair
(never when two posts or two wanted posts share the slot). Pure functions;
no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from contentctl.model import JSONValue
from contentctl.plan.targets import Target, fingerprint, json_object, parse_utc
from contentctl.publer import RemotePost
from contentctl.publer_switches import unsigned

TIME_TOLERANCE = timedelta(seconds=60)
IDEA_STATES = ("draft_private", "draft_public")


class Method(StrEnum):
    """How a post is published, as far as finding it again on Publer goes."""

    SCHEDULED = "scheduled"
    RECYCLING = "recycling"
    DRAFT = "draft"  # dated
    UNDATED_DRAFT = "undated draft"
    IDEA = "idea"
    AUTO = "auto-scheduled"
    RECURRING = "recurring"
    PUBLISH_NOW = "publish-now"


@dataclass(frozen=True)
class Wanted:
    """One post × account to find on Publer: its key, account, content and time."""

    key: tuple[str, str]
    account_id: str | None
    fingerprint: str
    method: Method
    at: datetime | None  # the planned time (scheduled, dated draft, recurring start)
    range_start: datetime | None = None  # auto-scheduled: where Publer may put it
    range_end: datetime | None = None
    bulk_state: str = "scheduled"
    job_id: str | None = None  # the job that created it, when one is recorded
    signature: str | None = None  # the signature id sent with it (Publer may list it appended)

    @property
    def rule_key(self) -> tuple[object, ...]:
        """Wanted posts with equal rule keys cannot be told apart by any remote post."""
        return (self.account_id, self.fingerprint, self.method, self.at, self.bulk_state)


@dataclass
class Assignment:
    found: dict[tuple[str, str], RemotePost] = field(default_factory=dict)
    ambiguous: dict[tuple[str, str], str] = field(default_factory=dict)  # key → reason
    slotted: dict[tuple[str, str], RemotePost] = field(default_factory=dict)  # its minute, taken


def method_of(spec: Mapping[str, JSONValue]) -> Method:
    post = json_object(spec.get("post"))
    state = str(spec.get("bulk_state") or "scheduled")
    if spec.get("endpoint") == "publish":
        return Method.PUBLISH_NOW
    if state in IDEA_STATES:
        return Method.IDEA
    if state == "draft":
        return Method.DRAFT if planned_time(spec) else Method.UNDATED_DRAFT
    if state == "recurring" or post.get("recurring"):
        return Method.RECURRING
    if post.get("auto"):
        return Method.AUTO
    if post.get("recycling"):
        return Method.RECYCLING
    return Method.SCHEDULED


def planned_time(spec: Mapping[str, JSONValue]) -> datetime | None:
    when = json_object(spec.get("account")).get("scheduled_at")
    if isinstance(when, str) and when:
        return parse_utc(when)
    start = json_object(json_object(spec.get("post")).get("recurring")).get("start_date")
    if spec.get("bulk_state") == "recurring" and isinstance(start, str) and start:
        return parse_utc(start)
    return None


def wanted_from_spec(
    key: tuple[str, str],
    account_id: str | None,
    spec: Mapping[str, JSONValue],
    *,
    text_fingerprint: str | None = None,
    job_id: str | None = None,
) -> Wanted:
    network = json_object(spec.get("network"))
    text = network.get("text")
    method = method_of(spec)
    window = json_object(json_object(spec.get("post")).get("range"))
    return Wanted(
        key=key,
        account_id=account_id,
        fingerprint=text_fingerprint or fingerprint(text if isinstance(text, str) else ""),
        method=method,
        at=planned_time(spec),
        range_start=_bound(window.get("start_date"), end=False),
        range_end=_bound(window.get("end_date"), end=True),
        bulk_state=str(spec.get("bulk_state") or "scheduled"),
        job_id=job_id,
        signature=signature_of(spec),
    )


def signature_of(spec: Mapping[str, JSONValue]) -> str | None:
    """The signature id a post sends to its account (``accounts[].signature``), if any."""
    signature = json_object(spec.get("account")).get("signature")
    return signature if isinstance(signature, str) and signature else None


# Signature texts by id, as ``GET /workspaces/{id}/signatures`` lists them: learnt by
# ``adoption.learn_signatures`` before a match (ids are Publer's, so one table serves every run).
SIGNATURE_TEXTS: dict[str, str] = {}


def listed_fingerprints(text: str, signature: str | None) -> tuple[str, ...]:
    """The fingerprints a listed text may match: as listed, and without a known signature."""
    bare = unsigned(text, SIGNATURE_TEXTS.get(signature) if signature else None)
    return (fingerprint(text),) if bare == text else (fingerprint(text), fingerprint(bare))


def wanted_from_target(target: Target) -> Wanted:
    return wanted_from_spec(target.key, target.account_id, target.spec)


def fits(wanted: Wanted, post: RemotePost) -> bool:
    """Whether ``post`` could be ``wanted`` by the rule of its method."""
    if post.account_id != wanted.account_id:
        return False
    if wanted.fingerprint not in listed_fingerprints(post.text, wanted.signature):
        return False
    state = (post.state or "scheduled").lower()
    when = parse_utc(post.scheduled_at) if post.scheduled_at else None
    method = wanted.method
    if method is Method.IDEA:
        return state == wanted.bulk_state
    if method is Method.UNDATED_DRAFT:
        return state.startswith("draft") and state not in IDEA_STATES and when is None
    if method is Method.DRAFT:
        return state.startswith("draft") and state not in IDEA_STATES and _near(when, wanted.at)
    if state.startswith("draft"):
        return False
    if method is Method.PUBLISH_NOW:
        return state.startswith(("published", "scheduled"))
    if method is Method.AUTO:
        if when is None:
            return False
        low, high = wanted.range_start, wanted.range_end
        return (low is None or when >= low - TIME_TOLERANCE) and (
            high is None or when <= high + TIME_TOLERANCE
        )
    return _near(when, wanted.at)


def assign(
    wanted: Sequence[Wanted],
    remote: Iterable[RemotePost],
    *,
    claimed: Iterable[str] = (),
) -> Assignment:
    """Pair wanted posts with remote posts one to one; report what cannot be decided."""
    taken = set(claimed)
    posts = [p for p in remote if p.id not in taken]
    unique = list({p.id: p for p in posts}.values())
    result = Assignment()
    groups: dict[tuple[object, ...], list[Wanted]] = {}
    for item in wanted:
        groups.setdefault(item.rule_key, []).append(item)
    # the strictest rules first: a post with a time never loses its remote post to a looser rule
    order = sorted(groups.values(), key=lambda g: _strictness(g[0].method))
    for group in order:
        members = sorted(group, key=lambda w: w.key)
        candidates = [p for p in unique if p.id not in taken and fits(members[0], p)]
        if not candidates:
            continue
        by_job = _by_job(members, candidates)
        for item, post in by_job.items():
            result.found[item.key] = post
            taken.add(post.id)
        rest = [w for w in members if w.key not in result.found]
        left = [p for p in candidates if p.id not in taken]
        if not rest or not left:
            continue
        if len(left) > len(rest):
            ids = ", ".join(sorted(p.id for p in left)[:5])
            reason = (
                f"{len(left)} posts on Publer fit and nothing tells which is this one "
                f"({ids}); delete the extra copies on Publer, or give the posts distinct "
                "text or times"
            )
            for item in rest:
                result.ambiguous[item.key] = reason
            continue
        for item, post in zip(rest, _stable(left, members[0].at), strict=False):
            result.found[item.key] = post
            taken.add(post.id)
    _slots(wanted, [p for p in unique if p.id not in taken], result)
    return result


SLOTTED = (Method.SCHEDULED, Method.RECYCLING, Method.RECURRING, Method.DRAFT)


def _slots(wanted: Sequence[Wanted], free: Sequence[RemotePost], result: Assignment) -> None:
    """The one free remote post in the minute of each timed wanted post nothing fitted."""
    left = [
        w
        for w in wanted
        if w.method in SLOTTED and w.key not in result.found and w.key not in result.ambiguous
    ]
    pairs = {w.key: [p for p in free if _in_slot(w, p)] for w in left}
    claims: dict[str, int] = {}
    for posts in pairs.values():
        for post in posts:
            claims[post.id] = claims.get(post.id, 0) + 1
    for key, posts in pairs.items():
        if len(posts) == 1 and claims[posts[0].id] == 1:
            result.slotted[key] = posts[0]


def _in_slot(wanted: Wanted, post: RemotePost) -> bool:
    """``fits`` but for the content: the same account, draft rule and minute."""
    if post.account_id != wanted.account_id:
        return False
    state = (post.state or "scheduled").lower()
    if state.startswith("draft") != (wanted.method is Method.DRAFT) or state in IDEA_STATES:
        return False
    return _near(parse_utc(post.scheduled_at) if post.scheduled_at else None, wanted.at)


def _by_job(
    members: Sequence[Wanted], candidates: Sequence[RemotePost]
) -> dict[Wanted, RemotePost]:
    """Pairs the job's own record decides: a remote post that names the wanted post's job."""
    out: dict[Wanted, RemotePost] = {}
    used: set[str] = set()
    for item in members:
        if not item.job_id:
            continue
        for post in candidates:
            if post.id not in used and _job_of(post) == item.job_id:
                out[item] = post
                used.add(post.id)
                break
    return out


def _job_of(post: RemotePost) -> str | None:
    value = post.raw.get("job_id")
    return value if isinstance(value, str) and value else None


def _stable(posts: Sequence[RemotePost], at: datetime | None) -> list[RemotePost]:
    """Closest to the planned time first, then by Publer's id (which sorts by creation)."""

    def distance(post: RemotePost) -> float:
        if at is None or not post.scheduled_at:
            return 0.0
        return abs((parse_utc(post.scheduled_at) - at).total_seconds())

    return sorted(posts, key=lambda p: (distance(p), p.id))


_STRICTNESS = {
    Method.SCHEDULED: 0,
    Method.RECYCLING: 0,
    Method.RECURRING: 0,
    Method.DRAFT: 0,
    Method.AUTO: 1,
    Method.PUBLISH_NOW: 2,
    Method.UNDATED_DRAFT: 2,
    Method.IDEA: 2,
}


def _strictness(method: Method) -> int:
    return _STRICTNESS[method]


def _near(when: datetime | None, at: datetime | None) -> bool:
    return when is not None and at is not None and abs(when - at) <= TIME_TOLERANCE


def _bound(value: JSONValue | None, *, end: bool) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:  # a bare date: the whole day
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC) + (timedelta(days=1) if end else timedelta())
    return moment
