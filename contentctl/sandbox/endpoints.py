"""The Publer endpoints: a checked ``Request`` and a ``Context`` in, a ``Response`` out.

Users, workspaces, accounts, bulk creates, job status and the posts list,
update and delete. Creates do their work when the bulk is accepted (so a
connection cut after the commit leaves real posts behind, as on Publer), or,
with the ``job_delay_ms`` fault, when the job runs that much later (its status
says ``working`` until then); the job reports what happened
(docs/publer-api.md §2, §3, §6).
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from contentctl.publer_facts import EDITABLE_UNPUBLISHED
from contentctl.sandbox.faults import (
    FailuresShape,
    Faults,
    JobCreateShape,
    JobStatusShape,
    Variants,
)
from contentctl.sandbox.jobs import (
    Planned,
    RequestRejected,
    check_bulk_shape,
    format_time,
    parse_time,
    plan_bulk,
)
from contentctl.sandbox.limits import store_day_counter
from contentctl.sandbox.networks import check_text, editable_when_published
from contentctl.sandbox.store import Store
from contentctl.sandbox.tables import STATE_FILTERS, PostQuery
from contentctl.sandbox.values import JSONObject, as_object, objects
from contentctl.sandbox.wsgi import Request, Response, errors

PAGE_SIZE = 20
PLAN = {"rate": "business", "locked": False}
# The keys PUT /posts/{id} takes in ``post``: the editable fields and labels (UPDATE; the OAS
# block names text and title). Anything else is a malformed body, not silently ignored.
# https://publer.com/docs/posting/update-posts
UPDATE_KEYS = frozenset({*EDITABLE_UNPUBLISHED, "labels"})
# Sandbox-only post fields (set by ``/_sandbox/posts/{id}/member``) that stand for what
# Publer knows of its members: who created a post, and that it was published with approval.
CREATED_BY = "created_by"  # another member's id: the key's user is not its creator
WITH_APPROVAL = "published_with_approval"  # True: the key's user is the editor who sent it
APPROVAL_REFUSAL = "You cannot update a post that has been published with approval"


@dataclass(frozen=True)
class Context:
    """What every endpoint needs besides the request."""

    store: Store
    now: datetime
    user: JSONObject
    workspace_id: str
    variants: Variants
    faults: Faults
    take_drop: Callable[[], bool]  # True: this committed create loses its answer
    publer_plan: str | None = None  # whose daily post limits apply; None: not enforced


def new_id(now: datetime) -> str:
    """A 24-hex id shaped like Publer's Mongo ids (time first, so ids sort by age)."""
    return f"{int(now.timestamp()) & 0xFFFFFFFF:08x}{secrets.token_hex(8)}"


def post_link(network: str, post_id: str) -> str:
    return f"https://{network}.example/p/{post_id}"


def run_due_jobs(store: Store, now: datetime) -> None:
    """Jobs whose time has come create their posts, stamped with the time they ran."""
    stamp = format_time(now)
    for job_id, workspace_id, posts in store.due_jobs(now):
        for post in posts:
            post.update(created_at=stamp, updated_at=stamp)
            if post.get("state") == "published":  # published now: now is when the job ran
                post["scheduled_at"] = stamp
            store.add_post(workspace_id, post)
        store.job_ran(job_id)


def publish_due(store: Store, now: datetime) -> None:
    """Posts whose time has come are published: the lazy clock of the sandbox."""
    for post in store.due_posts(now):
        post.update(state="published", updated_at=format_time(now))
        post["post_link"] = post_link(str(post["network"]), str(post["id"]))
        store.save_post(post)


# -- users, workspaces, accounts ---------------------------------------------


def users_me(_: Request, ctx: Context) -> Response:
    return Response(200, ctx.user)


def workspaces(_: Request, ctx: Context) -> Response:
    # "plan": the one the sandbox plays, whose daily post limits its jobs enforce
    # (https://publer.com/docs/api-reference/workspaces shows the field)
    played = {"plan": ctx.publer_plan} if ctx.publer_plan is not None else {}
    body = [
        {**ws, "owner": ctx.user, "members": [ctx.user], "role": "owner", **played}
        for ws in ctx.store.workspaces(str(ctx.user["id"]))
    ]
    return Response(200, body)


def accounts(_: Request, ctx: Context) -> Response:
    return Response(200, ctx.store.accounts(ctx.workspace_id))


# -- creating posts and jobs ---------------------------------------------------


def schedule(req: Request, ctx: Context, *, publish_now: bool) -> Response:
    bulk = check_bulk_shape(req.json(), publish_now=publish_now)
    job_id = new_id(ctx.now)
    if ctx.faults.fail_jobs:
        payload: JSONObject = {"failures": {}, "errors": ["The job failed; no post was created"]}
    else:
        ws = ctx.workspace_id
        outcome = plan_bulk(
            bulk,
            publish_now=publish_now,
            accounts={str(a["id"]): a for a in ctx.store.accounts(ws)},
            now=ctx.now,
            taken=ctx.store.taken,
            media=lambda media_id: ctx.store.media_item(media_id, ws),
            **_daily_limits(ctx),
        )
        posts = [build_post(planned, ctx, job_id) for planned in outcome.planned]
        if ctx.faults.job_delay_ms:
            # Publer's job runs later: its posts appear only then (run_due_jobs)
            run_at = ctx.now + timedelta(milliseconds=ctx.faults.job_delay_ms)
            ctx.store.add_pending(job_id, ws, run_at, posts)
        else:
            for post in posts:
                ctx.store.add_post(ws, post)
        failures = [f.as_json() for f in outcome.failures]
        if ctx.variants.failures is FailuresShape.BY_INDEX:
            by_index: dict[str, list[dict[str, str | None]]] = {}
            for failure, entry in zip(outcome.failures, failures, strict=True):
                by_index.setdefault(str(failure.post_index), []).append(entry)
            payload = {"failures": by_index}
        else:
            payload = {"failures": failures}
    return add_job(ctx, job_id, payload, drop=ctx.take_drop())


def _daily_limits(ctx: Context) -> dict[str, Any]:
    """``plan_bulk``'s daily-limit arguments: the store's counts on the sandbox's plan."""
    if ctx.publer_plan is None:
        return {}
    return {"day_count": store_day_counter(ctx.store, ctx.workspace_id),
            "publer_plan": ctx.publer_plan}  # fmt: skip


def add_job(ctx: Context, job_id: str, payload: object, *, drop: bool = False) -> Response:
    """Record a job and answer its creation in the configured shape."""
    ctx.store.add_job(
        job_id,
        ctx.workspace_id,
        payload,
        working_polls=ctx.variants.working_polls + ctx.faults.stuck_polls,
        failed=ctx.faults.fail_jobs,
    )
    body: JSONObject = {"job_id": job_id}
    if ctx.variants.job_create is JobCreateShape.WRAPPED:
        body = {"success": True, "data": body}
    return Response(ctx.variants.create_status, body, drop=drop)


def job_status(_: Request, ctx: Context, job_id: str) -> Response:
    found = ctx.store.poll_job(job_id, ctx.workspace_id)
    if found is None:
        return errors(404, "Job not found")
    status, payload = found
    if ctx.store.job_pending(job_id):  # not run yet: Publer says it is still working
        status, payload = "working", None
    word = ctx.variants.complete_word if status == "complete" else status
    inner: JSONObject = {
        "status": word,
        "payload": {} if payload is None else payload,
        "plan": {**PLAN, "rate": ctx.publer_plan or PLAN["rate"]},  # the plan it plays
    }
    if status == "failed" and isinstance(payload, dict) and payload.get("errors"):
        inner["errors"] = payload["errors"]
    if ctx.variants.job_status is JobStatusShape.WRAPPED:
        return Response(200, {"success": True, "data": {"status": word, "result": inner}})
    return Response(200, inner)


def build_post(planned: Planned, ctx: Context, job_id: str) -> JSONObject:
    """The post object Publer would list for one planned (post × account) pair."""
    content = dict(planned.content)
    account = planned.account
    network = str(account["provider"]) if account else "default"
    post_id = new_id(ctx.now)
    link = content.get("link") if isinstance(content.get("link"), dict) else None
    media = [_media_ref(item, ctx) for item in objects(content.get("media"))]
    stamp = format_time(ctx.now)
    post: JSONObject = {
        "id": post_id,
        "text": content.get("text") or "",
        "title": content.get("title"),
        "url": content.get("url") or as_object(link).get("url"),
        "state": planned.state,
        "type": content.get("type") or "status",
        "details": content.get("details"),
        "account_id": account["id"] if account else None,
        "network": network,
        "account": _account_ref(account),
        "user": {k: ctx.user.get(k) for k in ("id", "name", "picture")},
        "scheduled_at": format_time(planned.scheduled_at) if planned.scheduled_at else None,
        "post_link": post_link(network, post_id) if planned.state == "published" else None,
        "has_media": bool(media),
        "media": media,
        "link": link,
        "labels": [_label(name) for name in planned.labels],
        **planned.options,
        "job_id": job_id,
        "created_at": stamp,
        "updated_at": stamp,
    }
    for key, value in content.items():
        post.setdefault(key, value)  # keep network-specific fields (sublinks, options, ...)
    return post


def _account_ref(account: Mapping[str, object] | None) -> JSONObject | None:
    if not account:
        return None
    return {k: account.get(k) for k in ("id", "type", "name", "picture")}


def _media_ref(item: Mapping[str, object], ctx: Context) -> JSONObject:
    known = ctx.store.media_item(str(item.get("id")), ctx.workspace_id) or {}
    return {
        "id": item.get("id"),
        "type": item.get("type") or known.get("type"),
        "path": item.get("path") or known.get("path"),
        "thumbnail": item.get("thumbnail") or known.get("thumbnail"),
        "alt_text": item.get("alt_text"),
        "caption": item.get("caption"),
    }


def _label(name: str) -> dict[str, str]:
    return {"id": hashlib.sha1(name.encode()).hexdigest()[:24], "name": name, "color": "#6b7280"}


# -- reading, updating, deleting posts -------------------------------------------


def list_posts(req: Request, ctx: Context) -> Response:
    states = tuple(req.values("state"))
    for state in states:
        if state not in STATE_FILTERS:
            raise RequestRejected(400, f"Unknown state {state}")
    since_raw, until_raw = req.value("from"), req.value("to")
    if (since_raw is None) != (until_raw is None):
        raise RequestRejected(400, "from and to must be given together")
    since = _bound(since_raw, end=False) if since_raw is not None else None
    until = _bound(until_raw, end=True) if until_raw is not None else None
    try:
        page = int(req.value("page") or 0)
    except ValueError:
        raise RequestRejected(400, "page must be a whole number") from None
    if page < 0:
        raise RequestRejected(400, "page must not be negative")
    query = PostQuery(
        workspace_id=ctx.workspace_id,
        states=states,
        account_ids=tuple(req.values("account_ids")),
        since=since,
        until=until,
        query=req.value("query") or None,
        post_type=req.value("postType") or None,
    )
    posts, total = ctx.store.find_posts(query, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    return Response(
        200,
        {"posts": posts, "total": total, "page": page, "per_page": PAGE_SIZE,
         "total_pages": math.ceil(total / PAGE_SIZE)},
    )  # fmt: skip


def _bound(raw: str, *, end: bool) -> datetime:
    """``from``/``to`` as an instant; a bare date covers its whole (UTC) day."""
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        # An unencoded "+" in a hand-typed query string arrives as a space.
        parsed = parse_time(raw.replace(" ", "+"))
        if parsed is None:
            raise RequestRejected(400, f"Invalid date {raw}") from None
        return parsed
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def update_post(req: Request, ctx: Context, post_id: str) -> Response:
    post = ctx.store.post(post_id, ctx.workspace_id)
    if post is None:
        return errors(404, "Post not found")
    body = req.json()
    changes = body.get("post") if isinstance(body, dict) else None
    if not isinstance(changes, dict) or not changes:
        raise RequestRejected(400, "param is missing or the value is empty: post")
    unknown = sorted(str(k) for k in changes if k not in UPDATE_KEYS)
    if unknown:
        takes = ", ".join(sorted(UPDATE_KEYS))
        raise RequestRejected(400, *(f"post.{k} cannot be updated (post takes {takes})"
                                     for k in unknown))  # fmt: skip
    if "text" not in changes:  # OAS: text is required, a title-only body is malformed
        raise RequestRejected(400, "post.text is required")
    labels = changes.get("labels")
    if labels is not None and not (
        isinstance(labels, list) and all(isinstance(x, str) and x for x in labels)
    ):
        raise RequestRejected(400, "post.labels must be a list of label names")
    wanted = {k: changes[k] for k in sorted(EDITABLE_UNPUBLISHED) if k in changes}
    for key, value in wanted.items():
        if (value is not None or key == "text") and not isinstance(value, str):
            return errors(422, f"{key} must be a string")
    if post.get(WITH_APPROVAL) is True:  # OAS PUT /posts/{id}: 403 (UPDATE page)
        return errors(403, APPROVAL_REFUSAL)
    network = str(post["network"])
    if post["state"] == "published":
        allowed = editable_when_published(network)
        for key, value in wanted.items():
            if value != post.get(key) and key not in allowed:
                return errors(422, f"The {key} of a published {network} post cannot be edited")
    text = wanted.get("text", post.get("text"))
    problem = check_text(network, text if isinstance(text, str) else "",
                         wanted.get("title", post.get("title")), post.get("details"))  # fmt: skip
    if problem:
        return errors(422, problem)
    post.update(wanted, updated_at=format_time(ctx.now))
    if labels is not None:  # labels live in Publer's own database: editable even once live
        post["labels"] = [_label(name) for name in dict.fromkeys(labels)]
    ctx.store.save_post(post)
    return Response(200, post)


def delete_posts(req: Request, ctx: Context) -> Response:
    ids = req.values("post_ids")
    if not ids:
        raise RequestRejected(400, "param is missing or the value is empty: post_ids")
    deleted: list[str] = []
    for post_id in dict.fromkeys(ids):
        post = ctx.store.post(post_id, ctx.workspace_id)
        if post is None or not deletable(post, ctx.user):
            continue  # Publer just leaves a post it keeps out of deleted_ids
        if ctx.store.delete_post(post_id):
            deleted.append(post_id)
    return Response(200, {"deleted_ids": deleted})


def deletable(post: Mapping[str, object], user: Mapping[str, object]) -> bool:
    """Whether Publer deletes ``post`` for ``user``: not a queued (auto-scheduled) post, not
    another member's private draft, not a post its editor published with approval.
    https://publer.com/docs/posting/delete-posts"""
    if post.get("auto") or post.get(WITH_APPROVAL) is True:
        return False
    creator = post.get(CREATED_BY)
    return not (post.get("state") == "draft_private" and creator not in (None, user.get("id")))


def set_member(store: Store, workspace_id: str, post_id: str, body: JSONObject) -> Response:
    """``POST /_sandbox/posts/{id}/member``: ``{"created_by": "<member id>" | null,
    "published_with_approval": bool}``, what Publer knows of a post's members."""
    post = store.post(post_id, workspace_id)
    if post is None:
        return errors(404, f"Post {post_id} not found")
    creator, approval = body.get(CREATED_BY), body.get(WITH_APPROVAL, False)
    if creator is not None and (not isinstance(creator, str) or not creator):
        raise RequestRejected(400, f"{CREATED_BY} must be a member id or null")
    if not isinstance(approval, bool):
        raise RequestRejected(400, f"{WITH_APPROVAL} must be true or false")
    post.update({CREATED_BY: creator, WITH_APPROVAL: approval})
    store.save_post(post)
    return Response(200, post)
