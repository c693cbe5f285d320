"""``PublerClient``: Publer's REST API v1 as plain Python calls.

Takes a base URL, an API key and a workspace id (plus an optional httpx transport,
clock and sleep for tests and the in-process sandbox); returns decoded JSON objects,
job ids, ``JobStatus`` records and, from the post listing, ``RemotePost`` records.
Pacing, retries and error translation live in ``wire.py``; job-answer normalisation
in ``jobs.py``. Nothing here prints, and no message, event or ``repr`` ever holds
the API key.
"""

from __future__ import annotations

import mimetypes
import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from contentctl import __version__
from contentctl.errors import (
    ConfigError,
    PublerAuthError,
    PublerRequestError,
    PublerServerError,
    PublerTimeoutError,
    UnknownOutcomeError,
)
from contentctl.model import JSONObject, JSONValue
from contentctl.publer.clock import RemoteClock
from contentctl.publer.jobs import JobState, JobStatus, media_items, parse_job_status
from contentctl.publer.library import link_card, media_page, media_query
from contentctl.publer.pages import collect_pages, posts_query, read_posts_page, records
from contentctl.publer.posts import RemotePost
from contentctl.publer.ratelimit import RateBudget
from contentctl.publer.wire import AUTH_HINT, UNKNOWN_HINT, Wire
from contentctl.publer_facts import RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_SECONDS

DEFAULT_BASE_URL = "https://app.publer.com/api/v1"
MAX_POLL_INTERVAL = 15.0
DELETE_CHUNK = 100
MAX_MEDIA_PAGES = 500  # 10,000 media, 20 a page


def _user_agent() -> str:
    # the package's own version: the distribution is not named "contentctl" (another
    # vendor's tool has that name on PyPI and may be what metadata finds under it)
    return f"contentctl/{__version__}"


class PublerClient:
    """A Publer API client over one ``httpx.Client``; use as a context manager."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        workspace_id: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], float] = time.time,
        max_retries: int = 4,
        rng: random.Random | None = None,
        poll_interval: float = 2.0,
        poll_timeout: float = 600.0,
        on_event: Callable[[str], None] | None = None,
        rate_limit: int | None = RATE_LIMIT_REQUESTS,
        rate_window: float = RATE_LIMIT_WINDOW_SECONDS,
    ) -> None:
        key = api_key.strip()
        if not key.isascii() or not key.isprintable() or any(c.isspace() for c in key):
            # Say nothing about the key's content: it is a secret even when malformed.
            raise PublerAuthError(
                "the Publer API key contains characters a key cannot have", hint=AUTH_HINT
            )
        try:
            url = httpx.URL(base_url.strip().rstrip("/"))
        except httpx.InvalidURL:
            url = httpx.URL()
        if url.scheme not in ("http", "https") or not url.host:
            raise ConfigError(
                f"the Publer endpoint {base_url!r} is not an http(s) URL",
                hint="set `endpoint` in contentctl.yaml or CONTENTCTL_ENDPOINT to a URL "
                "such as https://app.publer.com/api/v1",
            )
        self.base_url = str(url)
        self.workspace_id = workspace_id.strip()
        self._sleep = sleep
        self._now = now
        self._poll_interval = poll_interval
        self._poll_timeout = poll_timeout
        # Publer's own time, from the Date header of every answer (publer/clock.py)
        self.clock = RemoteClock(now)
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            event_hooks={"response": [self._observe_date]},
            headers={
                "Authorization": f"Bearer-API {key}",
                "Accept": "application/json",
                "User-Agent": _user_agent(),
            },
        )
        self._wire = Wire(
            self._http,
            secret=key,
            budget=RateBudget(now, limit=rate_limit, window=rate_window),
            sleep=sleep,
            max_retries=max_retries,
            rng=rng if rng is not None else random.Random(),
            on_event=on_event,
        )

    def __repr__(self) -> str:
        return f"PublerClient(base_url={self.base_url!r}, workspace_id={self.workspace_id!r})"

    def __enter__(self) -> PublerClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (and the injected transport)."""
        self._http.close()

    @property
    def request_count(self) -> int:
        """HTTP attempts made so far, retries and polls included."""
        return self._wire.request_count

    @property
    def rate_limit_waits(self) -> int:
        """How many times the client paused for the rate limit (pacing or 429)."""
        return self._wire.rate_limit_waits

    def remote_now(self) -> datetime:
        """Publer's time now, as its answers' ``Date`` headers tell it (ours before any)."""
        return self.clock.now()

    def _observe_date(self, response: httpx.Response) -> None:
        self.clock.observe(response.headers.get("date"))

    # -- identity -----------------------------------------------------------------

    def me(self) -> JSONObject:
        """``GET /users/me``: the user the key belongs to."""
        body = self._get("/users/me", workspace=False)
        if not isinstance(body, dict):
            raise PublerServerError("GET /users/me: Publer answered with no user object")
        return body

    def workspaces(self) -> list[JSONObject]:
        """``GET /workspaces``: the workspaces the key can reach."""
        return records(self._get("/workspaces", workspace=False), "workspaces")

    def accounts(self) -> list[JSONObject]:
        """``GET /accounts``: the social accounts of the workspace."""
        return records(self._get("/accounts"), "accounts")

    def media_options(self, account_ids: Sequence[str]) -> list[JSONObject]:
        """``GET /workspaces/{id}/media_options``: each account's albums and watermarks."""
        path = f"/workspaces/{self.workspace_id}/media_options"
        return records(self._get(path, params=[("accounts[]", a) for a in account_ids]), "accounts")

    def signatures(self, account_ids: Sequence[str]) -> list[JSONObject]:
        """``GET /workspaces/{id}/signatures``: each account's ``{account_id, signatures}``."""
        path = f"/workspaces/{self.workspace_id}/signatures"
        params = [("accounts[]", a) for a in account_ids]
        return records(self._get(path, params=params), "signatures")

    # -- posts --------------------------------------------------------------------

    def schedule(self, bulk: JSONObject, *, publish_now: bool = False) -> str:
        """Submit one bulk create; returns the job id. Never repeated once sent."""
        path = "/posts/schedule/publish" if publish_now else "/posts/schedule"
        return self._start_job(path, {"bulk": bulk})

    def list_posts(
        self,
        *,
        state: str | Sequence[str] | None = None,
        account_ids: Sequence[str] = (),
        start: date | str | None = None,
        end: date | str | None = None,
        query: str | None = None,
        post_type: str | None = None,
    ) -> list[RemotePost]:
        """``GET /posts`` with filters, every page; ``start``/``end`` go together.

        A listed object without an id is left out: nothing could match or record it.
        """
        base = posts_query(state, account_ids, start, end, query, post_type)
        listed = collect_pages(
            lambda page: self._get("/posts", params=[*base, ("page", str(page))])
        )
        return [post for post in map(RemotePost.from_json, listed) if post is not None]

    def count_posts(self, account_ids: Sequence[str]) -> int | None:
        """How many posts Publer holds on these accounts, in any state: one ``GET /posts``
        page's ``total`` (None when Publer's answer carries none)."""
        base = posts_query("all", account_ids, None, None, None, None)
        body = self._get("/posts", params=[*base, ("page", "0")])
        return read_posts_page(body)[1]

    def update_post(self, post_id: str, fields: Mapping[str, JSONValue]) -> JSONObject:
        """``PUT /posts/{id}`` with ``{"post": fields}``; returns the updated post."""
        path = f"/posts/{quote(str(post_id), safe='')}"
        try:
            response = self._wire.send(
                "PUT", path, json={"post": dict(fields)}, headers=self._headers()
            )
        except PublerAuthError as exc:  # 403: a post published with approval (OAS), not the key
            if exc.status == 403 and "approval" in exc.message.lower():
                said = exc.message.split("): ", 1)[-1]
                raise PublerRequestError(exc.message, status=403, errors=(said,)) from None
            raise
        body = self._wire.json(response, f"PUT {path}")
        if isinstance(body, dict):
            for key in ("post", "data"):
                inner = body.get(key)
                if isinstance(inner, dict):
                    return inner
            return body
        raise PublerServerError(f"PUT {path}: Publer answered with no post object")

    def delete_posts(self, ids: Sequence[str]) -> list[str]:
        """``DELETE /posts`` in chunks of 100; returns only the ids Publer deleted.

        Ids Publer would not delete (queued, foreign, already gone) are simply absent.
        A DELETE retried after a lost answer reports the first attempt's deletions as
        absent too, so callers confirm absent ids with ``list_posts``.
        """
        wanted = list(dict.fromkeys([ids] if isinstance(ids, str) else ids))
        deleted: list[str] = []
        for offset in range(0, len(wanted), DELETE_CHUNK):
            chunk = wanted[offset : offset + DELETE_CHUNK]
            params = [("post_ids[]", str(post_id)) for post_id in chunk]
            response = self._wire.send("DELETE", "/posts", params=params, headers=self._headers())
            body = self._wire.json(response, "DELETE /posts")
            if isinstance(body, dict):
                inner = body.get("data")
                body = inner if isinstance(inner, dict) else body
            found = body.get("deleted_ids") if isinstance(body, dict) else None
            if not isinstance(found, list):
                raise PublerServerError("DELETE /posts: Publer answered without deleted_ids")
            deleted.extend(str(post_id) for post_id in found if post_id is not None)
        return list(dict.fromkeys(deleted))

    # -- jobs ---------------------------------------------------------------------

    def job_status(self, job_id: str) -> JobStatus:
        """``GET /job_status/{id}``, normalised whatever envelope Publer used."""
        path = f"/job_status/{quote(str(job_id), safe='')}"
        body = self._get(path)
        if not isinstance(body, dict):
            raise PublerServerError(f"GET {path}: Publer answered with no job object")
        return parse_job_status(body)

    def wait_for_job(self, job_id: str) -> JobStatus:
        """Poll a job until it is complete or failed; PublerTimeoutError past poll_timeout."""
        deadline = self._now() + self._poll_timeout
        started = self._now()
        interval = self._poll_interval
        ceiling = max(MAX_POLL_INTERVAL, self._poll_interval)
        while True:
            status = self.job_status(job_id)
            if status.finished:
                return status
            left = deadline - self._now()
            if left <= 0:
                raise PublerTimeoutError(
                    self._wire.clean(
                        f"Publer job {job_id} did not finish within {self._poll_timeout:.0f}s"
                    ),
                    hint="the job may still finish on Publer; the next apply checks it again",
                )
            elapsed = self._now() - started
            self._wire.emit(f"Waiting for job {job_id}… ({elapsed:.0f}s so far)")
            self._sleep(min(interval, left))
            interval = min(interval * 1.5, ceiling)

    # -- media --------------------------------------------------------------------

    def upload_media(
        self, data: bytes, filename: str, *, direct_upload: bool = False, in_library: bool = False
    ) -> JSONObject:
        """Multipart ``POST /media``; returns Publer's media object (id, path, type…)."""
        mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = self._wire.send(
            "POST",
            "/media",
            create=True,
            files={"file": (filename, data, mime)},
            data={"direct_upload": _flag(direct_upload), "in_library": _flag(in_library)},
            # No JSON Content-Type here: httpx must set multipart with its boundary.
            headers=self._headers(json_body=False),
        )
        body = self._wire.json(response, "POST /media", create=True)
        candidates = [body, body.get("data"), body.get("media")] if isinstance(body, dict) else []
        for candidate in candidates:
            if isinstance(candidate, dict) and candidate.get("id") is not None:
                return candidate
        raise UnknownOutcomeError(
            "POST /media: Publer answered without a media id", hint=UNKNOWN_HINT
        )

    def media_from_url(
        self,
        items: Sequence[Mapping[str, str]],
        *,
        kind: str = "single",
        direct_upload: bool = False,
        in_library: bool = False,
    ) -> str:
        """``POST /media/from-url`` for ``[{"url", "name"?, "caption"?}]``; returns the job id."""
        body: JSONObject = {
            "media": [dict(item) for item in items],
            "type": kind,
            "direct_upload": direct_upload,
            "in_library": in_library,
        }
        return self._start_job("/media/from-url", body)

    def wait_for_media(self, job_id: str) -> list[JSONObject]:
        """Wait for a media-from-URL job; returns its media objects."""
        status = self.wait_for_job(job_id)
        found = media_items(status.payload)
        if status.state is JobState.FAILED or (status.failures and not found):
            errors = tuple(self._wire.clean(failure.message) for failure in status.failures)
            raise PublerRequestError(
                self._wire.clean(f"Publer could not fetch the media of job {job_id}: ")
                + ("; ".join(errors) or "no reason given"),
                errors=errors,
            )
        return found

    # -- plumbing -----------------------------------------------------------------

    def list_media(self, **filters: Any) -> list[JSONObject]:
        """``GET /media`` with ``library.media_query``'s filters, every page."""
        base = media_query(**filters)
        found: list[JSONObject] = []
        for page in range(MAX_MEDIA_PAGES):
            items, total = media_page(self._get("/media", params=[*base, ("page", str(page))]))
            found.extend(items)
            if filters.get("ids") or not items or (total is not None and len(found) >= total):
                return found
        raise PublerServerError(f"GET /media: still more pages after {MAX_MEDIA_PAGES}")

    def link_preview(self, url: str) -> JSONObject:
        """``POST /posts/links``: Publer's preview of ``url`` (title, description, images…)."""
        response = self._wire.send("POST", "/posts/links", json={"url": url},
                                   headers=self._headers())  # fmt: skip
        return link_card(self._wire.json(response, "POST /posts/links"))

    def _headers(self, *, workspace: bool = True, json_body: bool = True) -> dict[str, str]:
        headers = {"Content-Type": "application/json"} if json_body else {}
        if workspace and self.workspace_id:
            headers["Publer-Workspace-Id"] = self.workspace_id
        return headers

    def _get(
        self, path: str, *, params: list[tuple[str, str]] | None = None, workspace: bool = True
    ) -> JSONValue:
        headers = self._headers(workspace=workspace)
        response = self._wire.send("GET", path, params=params, headers=headers)
        return self._wire.json(response, f"GET {path}")

    def _start_job(self, path: str, payload: JSONObject) -> str:
        response = self._wire.send("POST", path, create=True, json=payload, headers=self._headers())
        body = self._wire.json(response, f"POST {path}", create=True)
        if isinstance(body, dict):
            if body.get("success") is False:
                errors = self._wire.messages(response)
                raise PublerRequestError(
                    f"Publer rejected POST {path}: " + ("; ".join(errors) or "no reason given"),
                    status=response.status_code,
                    errors=errors,
                )
            data = body.get("data")
            job_id = body.get("job_id") or (data.get("job_id") if isinstance(data, dict) else None)
            if job_id:
                return str(job_id)
        raise UnknownOutcomeError(
            f"POST {path}: Publer answered {response.status_code} without a job id",
            status=response.status_code,
            hint=UNKNOWN_HINT,
        )


def _flag(value: bool) -> str:
    return "true" if value else "false"
