"""The sandbox as a WSGI application: Publer's REST API v1 under ``/api/v1``.

``SandboxApp(store, clock, faults, rate_limit)`` is the callable. Each
request goes through, in order: injected latency, authentication (401),
injected 429 bursts, the rate limit (Publer's requests per fixed window, from
``publer_facts``, counted per API key, ``X-RateLimit-*`` on every answer),
injected 503s, routing (404),
the workspace header (403), then the endpoint inside one database
transaction. A create chosen by ``drop_after_commit`` commits and then raises
``DropConnection`` so the transport cuts the connection without answering.
``/_sandbox/*`` (see ``admin.py``) controls faults and the clock for tests.
``publer_plan`` (Business unless told; None turns them off) sets whose daily post
limits per account the bulk jobs enforce (``limits.py``).
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from wsgiref.types import StartResponse, WSGIEnvironment

from contentctl.errors import ConfigError
from contentctl.publer_facts import (
    DEFAULT_PUBLER_PLAN,
    PUBLER_PLANS,
    RATE_LIMIT_REQUESTS,
    RATE_LIMIT_WINDOW_SECONDS,
)
from contentctl.sandbox import endpoints, links, media, workspace_options
from contentctl.sandbox.faults import Faults, FaultState, Variants
from contentctl.sandbox.jobs import RequestRejected
from contentctl.sandbox.store import Store
from contentctl.sandbox.values import JSONObject
from contentctl.sandbox.wsgi import DropConnection, Request, Response, errors, read_request, send

PREFIX = "/api/v1"
WINDOW_SECONDS = RATE_LIMIT_WINDOW_SECONDS

Handler = Callable[..., Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    name: str  # how /_sandbox/stats counts it, e.g. "GET /job_status/{id}"
    handler: Handler
    needs_workspace: bool = True


def _route(method: str, path: str, handler: Handler, *, workspace: bool = True) -> Route:
    pattern = re.compile("^" + re.sub(r"\{\w+\}", r"([^/]+)", path) + "$")
    return Route(method, pattern, f"{method} {path}", handler, workspace)


ROUTES = (
    _route("GET", "/users/me", endpoints.users_me, workspace=False),
    _route("GET", "/workspaces", endpoints.workspaces, workspace=False),
    _route("GET", "/accounts", endpoints.accounts),
    _route("POST", "/posts/schedule", lambda r, c: endpoints.schedule(r, c, publish_now=False)),
    _route(
        "POST", "/posts/schedule/publish", lambda r, c: endpoints.schedule(r, c, publish_now=True)
    ),
    _route("GET", "/job_status/{id}", endpoints.job_status),
    _route("GET", "/posts", endpoints.list_posts),
    _route("POST", "/posts/links", links.link_preview),
    _route("PUT", "/posts/{id}", endpoints.update_post),
    _route("DELETE", "/posts", endpoints.delete_posts),
    _route("POST", "/media", media.upload),
    _route("POST", "/media/from-url", media.from_url),
    _route("GET", "/media", media.list_media),
    _route("GET", "/workspaces/{id}/media_options", workspace_options.media_options),
    _route("GET", "/workspaces/{id}/signatures", workspace_options.signature_list),
)


class Clock:
    """The injectable clock, which the admin endpoint can freeze, set or move forward."""

    def __init__(self, base: Callable[[], datetime] | None, skew_seconds: float = 0.0) -> None:
        self._base = base or (lambda: datetime.now(UTC))
        self._frozen: datetime | None = None
        self._offset = timedelta(seconds=skew_seconds)  # Publer's clock ahead (+) or behind (-)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            now = self._frozen if self._frozen is not None else self._base() + self._offset
        return now if now.tzinfo is not None else now.replace(tzinfo=UTC)

    def freeze(self, when: datetime | None) -> None:
        """Stop time at ``when``; None lets it run again from the base clock."""
        with self._lock:
            self._frozen, self._offset = when, timedelta()

    def advance(self, seconds: float) -> None:
        with self._lock:
            if self._frozen is not None:
                self._frozen += timedelta(seconds=seconds)
            else:
                self._offset += timedelta(seconds=seconds)


class Stats:
    """Request counts per endpoint, for tests and the benchmark."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.requests: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()

    def count(self, endpoint: str) -> None:
        with self._lock:
            self.requests[endpoint] += 1

    def note(self, outcome: str) -> None:
        with self._lock:
            self.outcomes[outcome] += 1

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return {
                "requests": dict(sorted(self.requests.items())),
                "total": sum(self.requests.values()),
                "rate_limited": self.outcomes["rate_limited"],
                "server_errors": self.outcomes["server_errors"],
                "dropped": self.outcomes["dropped"],
            }


class SandboxApp:
    """The WSGI callable serving the emulated API (and its ``/_sandbox`` controls)."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime] | None = None,
        faults: Faults | None = None,
        rate_limit: int | None = RATE_LIMIT_REQUESTS,
        *,
        variants: Variants | None = None,
        clock_skew: float = 0.0,
        publer_plan: str | None = DEFAULT_PUBLER_PLAN,
    ) -> None:
        if publer_plan is not None and publer_plan not in PUBLER_PLANS:
            raise ConfigError(f"unknown Publer plan {publer_plan!r}: {', '.join(PUBLER_PLANS)}")
        self.publer_plan = publer_plan  # whose daily post limits apply; None: off
        self.store = store
        self.clock = Clock(clock, clock_skew)
        self.faults = FaultState(faults or Faults())
        self.rate_limit = rate_limit
        self.variants = variants or Variants()
        self.stats = Stats()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = self.handle(environ)
        # every answer (401, 429 and 503 too) carries the sandbox's own, maybe skewed, time
        response.headers.setdefault(
            "Date", format_datetime(self.clock.now().astimezone(UTC), usegmt=True)
        )
        if response.drop:
            self.stats.note("dropped")
            raise DropConnection("answer dropped after commit (fault injection)")
        return send(response, start_response)

    def handle(self, environ: WSGIEnvironment) -> Response:
        try:
            req = read_request(environ, PREFIX)
        except RequestRejected as exc:
            return errors(exc.status, *exc.errors)
        if req is None:
            return errors(404, "Not Found")
        if req.path.startswith("/_sandbox/"):
            from contentctl.sandbox.admin import handle_admin

            return handle_admin(self, req)
        faults = self.faults.faults
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
        route, params = _match(req)
        self.stats.count(route.name if route else f"{req.method} (unknown)")
        key = api_key(req)
        now = self.clock.now()
        window = int(now.timestamp()) // WINDOW_SECONDS * WINDOW_SECONDS
        user = self.store.user_for_key(key) if key else None
        if user is None:
            return self._limited(errors(401, "Invalid or missing API key"), key, window, False)
        if self.faults.take_burst():
            return self._too_many(key or "", window, exhausted=True)
        if self.rate_limit is not None:
            count = self.store.count_request(key or "", window)
            if count > self.rate_limit:
                return self._too_many(key or "", window, exhausted=False)
        if self.faults.roll_error():
            self.stats.note("server_errors")
            return self._limited(errors(503, "Service Unavailable"), key, window, False)
        response = self._dispatch(req, route, params, user, now, faults)
        # Publer's own time, as every HTTP answer carries it (RFC 9110 §6.6.1)
        response.headers.setdefault("Date", format_datetime(now.astimezone(UTC), usegmt=True))
        return self._limited(response, key, window, False)

    def _dispatch(
        self,
        req: Request,
        route: Route | None,
        params: tuple[str, ...],
        user: JSONObject,
        now: datetime,
        faults: Faults,
    ) -> Response:
        if route is None:
            return errors(404, "Not Found")
        workspace_id = req.header("publer-workspace-id") or ""
        if route.needs_workspace:
            if not workspace_id:
                return errors(403, "Missing Publer-Workspace-Id header")
            workspace = self.store.workspace(workspace_id)
            if workspace is None or workspace_id not in {
                w["id"] for w in self.store.workspaces(str(user["id"]))
            }:
                return errors(403, "You don't have access to this workspace")
        ctx = endpoints.Context(
            store=self.store, now=now, user=user, workspace_id=workspace_id,
            variants=self.variants, faults=faults, take_drop=self.faults.take_drop,
            publer_plan=self.publer_plan,
        )  # fmt: skip
        try:
            with self.store.transaction():
                endpoints.run_due_jobs(self.store, now)
                endpoints.publish_due(self.store, now)
                return route.handler(req, ctx, *params)
        except RequestRejected as exc:
            return errors(exc.status, *exc.errors)

    def _too_many(self, key: str, window: int, *, exhausted: bool) -> Response:
        self.stats.note("rate_limited")
        response = Response(429, {"error": "Rate limit exceeded. Retry later."})
        return self._limited(response, key, window, exhausted)

    def _limited(
        self, response: Response, key: str | None, window: int, exhausted: bool
    ) -> Response:
        """Add the X-RateLimit headers (none when the limit is off)."""
        if self.rate_limit is None:
            return response
        used = self.store.requests_in(key or "", window)
        remaining = 0 if exhausted else max(0, self.rate_limit - used)
        response.headers.update({
            "X-RateLimit-Limit": str(self.rate_limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(window + WINDOW_SECONDS),
        })  # fmt: skip
        return response


def api_key(req: Request) -> str | None:
    """The key of ``Authorization: Bearer-API <key>`` (the scheme is not plain Bearer)."""
    scheme, _, key = (req.header("authorization") or "").strip().partition(" ")
    return key.strip() or None if scheme == "Bearer-API" else None


def _match(req: Request) -> tuple[Route | None, tuple[str, ...]]:
    for route in ROUTES:
        if route.method == req.method:
            found = route.pattern.match(req.path)
            if found:
                return route, found.groups()
    return None, ()
