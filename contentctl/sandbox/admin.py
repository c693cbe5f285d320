"""The ``/_sandbox`` controls: a request in, the running sandbox changed, its new settings out.

Not part of Publer. They need the API key but are neither rate limited, nor
faulted, nor counted, so tests can steer a served sandbox over HTTP:

    GET/POST /_sandbox/faults     {"burst_429": 2, "job_delay_ms": 60000, ...}
                                  (merged; counters restart)
    GET/POST /_sandbox/variants   {"job_status": "wrapped", "complete_word": "completed", ...}
    GET/POST /_sandbox/clock      {"now": ISO} freezes time, {"now": null} lets it run,
                                  {"advance_seconds": N} moves it (negative: back; a
                                  skew of Publer's clock either way, as serve --clock-skew)
    POST     /_sandbox/rate_limit {"limit": 5} (null turns it off)
    GET      /_sandbox/stats      request counts per endpoint, 429s, 503s, drops
    DELETE   /_sandbox/stats      start counting again
    POST     /_sandbox/reset      wipe posts, media, jobs and rate counters; zero the stats
    POST     /_sandbox/accounts   {"id", "provider", "name"?, "type"?} into the header's workspace
    POST     /_sandbox/posts/{id}/state
                                  {"state": "failed", "error": "…"}: failed at publish time,
                                  with the reason as Publer shows it; {"state":
                                  "scheduled_pending"}: awaiting approval; {"state":
                                  "scheduled"}: approved (docs/publer-api.md §8)
    POST     /_sandbox/posts/{id}/member
                                  {"created_by": "<member id>"}: another member's post;
                                  {"published_with_approval": true}: published with approval
                                  by the key's user as an editor (DELETE keeps both)
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from contentctl.errors import ConfigError
from contentctl.model import Provider
from contentctl.sandbox.jobs import RequestRejected, format_time, parse_time
from contentctl.sandbox.values import JSONObject
from contentctl.sandbox.wsgi import Request, Response, errors

if TYPE_CHECKING:
    from contentctl.sandbox.app import SandboxApp


def handle_admin(app: SandboxApp, req: Request) -> Response:
    from contentctl.sandbox.app import api_key

    key = api_key(req)
    if key is None or app.store.user_for_key(key) is None:
        return errors(401, "Invalid or missing API key")
    try:
        return _route(app, req, req.path.removeprefix("/_sandbox/").rstrip("/"))
    except RequestRejected as exc:
        return errors(exc.status, *exc.errors)
    except ConfigError as exc:
        return errors(400, exc.message)


def _route(app: SandboxApp, req: Request, what: str) -> Response:
    parsed = req.json() if req.body else {}
    if req.method in ("POST", "PUT") and not isinstance(parsed, dict):
        raise RequestRejected(400, "A JSON object was expected")
    body: JSONObject = parsed if isinstance(parsed, dict) else {}
    if what == "faults":
        if req.method == "POST":
            app.faults.set(app.faults.faults.merged(body))
        return Response(200, {"faults": asdict(app.faults.faults)})
    if what == "variants":
        if req.method == "POST":
            app.variants = app.variants.merged(body)
        return Response(200, {"variants": {k: str(v) for k, v in asdict(app.variants).items()}})
    if what == "clock":
        if req.method == "POST":
            _set_clock(app, body)
        return Response(200, {"now": format_time(app.clock.now())})
    if what == "rate_limit" and req.method == "POST":
        limit = body.get("limit")
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            raise RequestRejected(400, "limit must be a positive whole number or null")
        app.rate_limit = limit
        return Response(200, {"limit": limit})
    if what == "stats":
        if req.method == "DELETE":
            app.stats.reset()
        return Response(200, app.stats.snapshot())
    if what == "reset" and req.method == "POST":
        app.store.wipe()
        app.stats.reset()
        return Response(200, {"reset": True})
    if what == "accounts" and req.method == "POST":
        return _add_account(app, req, body)
    parts = what.split("/")
    if len(parts) == 3 and parts[0] == "posts" and parts[2] == "state" and req.method == "POST":
        return _set_post_state(app, req, parts[1], body)
    if len(parts) == 3 and parts[0] == "posts" and parts[2] == "member" and req.method == "POST":
        from contentctl.sandbox.endpoints import set_member

        return set_member(app.store, req.header("publer-workspace-id") or "", parts[1], body)
    return errors(404, "Not Found")


# What a post can be moved to from outside: what Publer's own work makes of a post.
POST_STATES = ("failed", "scheduled_pending", "scheduled")
FAILED_REASON = "error"  # the listing's field for why a post failed (docs/publer-api.md §8)


def _set_post_state(app: SandboxApp, req: Request, post_id: str, body: JSONObject) -> Response:
    post = app.store.post(post_id, req.header("publer-workspace-id") or "")
    if post is None:
        return errors(404, f"Post {post_id} not found")
    state = body.get("state")
    if state not in POST_STATES:
        raise RequestRejected(400, f"state must be one of {', '.join(POST_STATES)}")
    reason = body.get("error")
    if state == "failed" and (not isinstance(reason, str) or not reason.strip()):
        raise RequestRejected(400, "a failed post needs its error, as Publer shows it")
    post["state"] = state
    post[FAILED_REASON] = reason if state == "failed" else None
    post["post_link"] = None
    post["updated_at"] = format_time(app.clock.now())
    app.store.save_post(post)
    return Response(200, post)


def _set_clock(app: SandboxApp, body: JSONObject) -> None:
    if "now" in body:
        if body["now"] is None:
            app.clock.freeze(None)
        else:
            when = parse_time(body["now"])
            if when is None:
                raise RequestRejected(400, f"Invalid time {body['now']}")
            app.clock.freeze(when)
    if "advance_seconds" in body:
        seconds = body["advance_seconds"]
        if not isinstance(seconds, int | float) or isinstance(seconds, bool):
            raise RequestRejected(400, "advance_seconds must be a number")
        app.clock.advance(float(seconds))


def _add_account(app: SandboxApp, req: Request, body: JSONObject) -> Response:
    from contentctl.sandbox.seed import account_object

    workspace_id = req.header("publer-workspace-id") or ""
    if app.store.workspace(workspace_id) is None:
        return errors(403, "You don't have access to this workspace")
    try:
        provider = Provider(str(body.get("provider")))
    except ValueError:
        raise RequestRejected(400, f"Unknown provider {body.get('provider')}") from None
    account_id = body.get("id")
    if not isinstance(account_id, str) or not account_id:
        raise RequestRejected(400, "id is required")
    account = account_object(account_id, provider, str(body.get("name") or account_id))
    if isinstance(body.get("type"), str):
        account["type"] = body["type"]
    with app.store.transaction():
        app.store.put_account(workspace_id, account)
    return Response(200, account)
