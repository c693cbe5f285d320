"""One logical request to Publer in, one 2xx ``httpx.Response`` (or a contentctl error) out.

``Wire.send`` paces every attempt through the ``RateBudget``, retries what is safe to
retry (reads, PUT, DELETE; creates only when nothing was sent or the server answered
429), and translates every httpx exception and error status into the error tree of
``contentctl.errors``. Every message it builds is scrubbed of the API key.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping

import httpx

from contentctl.errors import (
    PublerAuthError,
    PublerError,
    PublerRequestError,
    PublerServerError,
    PublerTimeoutError,
    RateLimitError,
    UnknownOutcomeError,
)
from contentctl.model import JSONValue
from contentctl.publer.ratelimit import RateBudget

# A multipart file as httpx takes it: (file name, bytes, content type).
Upload = tuple[str, bytes, str]

AUTH_HINT = (
    "check PUBLER_API_KEY (a valid, unrevoked API key with the workspaces, accounts, posts "
    "and media scopes) and the workspace id (PUBLER_WORKSPACE_ID or `workspace` in "
    "contentctl.yaml)"
)
ENDPOINT_HINT = (
    "check the network and the endpoint (CONTENTCTL_ENDPOINT or `endpoint` in contentctl.yaml)"
)
UNKNOWN_HINT = (
    "Publer may have acted on it: the next apply reconciles against GET /posts before "
    "submitting again, so do not resubmit by hand"
)
# Failures where no byte of the request left this machine: safe to retry even a create.
_NOT_SENT: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
# Failures a retry cannot fix (a bad URL scheme, a header httpx refuses, a broken proxy).
_FATAL: tuple[type[Exception], ...] = (
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
    httpx.ProxyError,
)
_RETRY_STATUSES = frozenset({502, 503, 504})
_BACKOFF_BASE = 0.5
_BACKOFF_CAP = 30.0
_RATE_BACKOFF_BASE = 8.0


class Wire:
    """Sends requests with pacing, bounded retries and error translation."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        secret: str,
        budget: RateBudget,
        sleep: Callable[[float], None],
        max_retries: int,
        rng: random.Random,
        on_event: Callable[[str], None] | None,
    ) -> None:
        self._http = http
        self._secret = secret
        self._budget = budget
        self._sleep = sleep
        self._max_retries = max(0, max_retries)
        self._rng = rng
        self._on_event = on_event
        self.request_count = 0
        self.rate_limit_waits = 0

    def clean(self, text: str) -> str:
        """The text with the API key cut out (servers and proxies may echo it)."""
        return text.replace(self._secret, "[redacted]") if self._secret else text

    def emit(self, message: str) -> None:
        """Tell the caller's progress hook, if any, what the client is doing."""
        if self._on_event is not None:
            self._on_event(self.clean(message))

    def send(
        self,
        method: str,
        path: str,
        *,
        create: bool = False,
        headers: Mapping[str, str],
        params: list[tuple[str, str]] | None = None,
        json: JSONValue = None,
        files: Mapping[str, Upload] | None = None,
        data: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One request with retries; ``create`` marks a request that must not be repeated."""
        label = self.clean(f"{method} {path}")
        retries = 0
        limited = 0
        while True:
            self._pace()
            self.request_count += 1
            self._budget.record()
            try:
                response = self._http.request(
                    method,
                    path,
                    headers=headers,
                    params=None if params is None else tuple(params),  # tuples: covariant
                    json=json,
                    files=files,
                    data=data,
                )
            except httpx.InvalidURL as exc:
                raise PublerRequestError(self.clean(f"{label}: invalid URL: {exc}")) from None
            except httpx.HTTPError as exc:
                reason = self.clean(_describe(exc))
                if isinstance(exc, _FATAL):
                    raise PublerServerError(f"{label} could not be sent: {reason}") from None
                if create and not isinstance(exc, _NOT_SENT):
                    raise UnknownOutcomeError(
                        f"{label}: the answer was lost ({reason})", hint=UNKNOWN_HINT
                    ) from None
                if retries < self._max_retries:
                    retries += 1
                    self._backoff(retries, None, f"{label} failed ({reason})")
                    continue
                error = (
                    PublerTimeoutError
                    if isinstance(exc, httpx.TimeoutException)
                    else PublerServerError
                )
                hint = ENDPOINT_HINT if isinstance(exc, _NOT_SENT) else None
                raise error(
                    f"{label} failed after {retries + 1} attempts: {reason}", hint=hint
                ) from None

            self._budget.observe(response.headers)
            status = response.status_code
            if 200 <= status < 300:
                return response
            if status == 429:
                if limited < self._max_retries:
                    limited += 1
                    self._wait_rate_limited(limited, response, label)
                    continue
                raise RateLimitError(
                    self.clean(f"{label}: Publer's rate limit held after {limited + 1} tries: ")
                    + self._joined(response),
                    status=429,
                    hint="another run or tool may be using the same Publer user; retry later",
                )
            if status >= 500:
                if create:
                    raise UnknownOutcomeError(
                        f"{label}: Publer answered {status} ({self._joined(response)})",
                        status=status,
                        hint=UNKNOWN_HINT,
                    )
                retryable = status in _RETRY_STATUSES or (status == 500 and method == "GET")
                if retryable and retries < self._max_retries:
                    retries += 1
                    self._backoff(retries, _retry_after(response), f"{label} got {status}")
                    continue
                raise PublerServerError(
                    f"{label}: Publer answered {status} after {retries + 1} attempts: "
                    + self._joined(response),
                    status=status,
                )
            raise self._client_error(label, response)

    def json(self, response: httpx.Response, label: str, *, create: bool = False) -> JSONValue:
        """The decoded JSON body of a 2xx answer."""
        try:
            body: JSONValue = response.json()
            return body
        except ValueError:
            snippet = self.clean(_snippet(response))
            message = f"{label}: Publer answered {response.status_code} without JSON ({snippet})"
            if create:
                raise UnknownOutcomeError(message, hint=UNKNOWN_HINT) from None
            raise PublerServerError(message, status=response.status_code) from None

    def _pace(self) -> None:
        delay = self._budget.delay()
        if delay > 0:
            self.rate_limit_waits += 1
            if delay >= 1:  # a shorter pause is not news, and would read "pausing 0s"
                self.emit(f"Rate limit: pausing {delay:.0f}s before the next request to Publer…")
            self._sleep(delay)

    def _wait_rate_limited(self, attempt: int, response: httpx.Response, label: str) -> None:
        wait = self._budget.reset_delay()
        if wait is None:
            wait = _retry_after(response)
        if wait is None:
            wait = _jitter(
                self._rng, min(self._budget.max_wait, _RATE_BACKOFF_BASE * 2 ** (attempt - 1))
            )
        wait = min(wait, self._budget.max_wait)
        self.rate_limit_waits += 1
        self.emit(f"Rate limited on {label}: waiting {wait:.0f}s before retrying…")
        self._sleep(wait)
        self._budget.window_exhausted()

    def _backoff(self, attempt: int, retry_after: float | None, what: str) -> None:
        delay = _jitter(self._rng, min(_BACKOFF_CAP, _BACKOFF_BASE * 2 ** (attempt - 1)))
        if retry_after is not None:
            delay = max(delay, min(retry_after, self._budget.max_wait))
        self.emit(f"{what}; retrying in {delay:.1f}s (retry {attempt} of {self._max_retries})…")
        self._sleep(delay)

    def _client_error(self, label: str, response: httpx.Response) -> PublerError:
        status = response.status_code
        messages = self.messages(response)
        joined = "; ".join(messages) or response.reason_phrase or f"HTTP {status}"
        if status in (401, 403):
            return PublerAuthError(
                f"Publer refused {label} ({status}): {joined}", status=status, hint=AUTH_HINT
            )
        if 300 <= status < 400:
            where = self.clean(response.headers.get("location", "elsewhere"))
            return PublerServerError(
                f"{label}: Publer answered {status} (redirect to {where})",
                status=status,
                hint=ENDPOINT_HINT,
            )
        hint = "files over 200 MB must be added with media_from_url" if status == 413 else None
        return PublerRequestError(
            f"Publer rejected {label} ({status}): {joined}",
            status=status,
            errors=messages,
            hint=hint,
        )

    def messages(self, response: httpx.Response) -> tuple[str, ...]:
        """Publer's error messages (``errors`` array, singular ``error``, or plain text)."""
        try:
            body = response.json()
        except ValueError:
            text = _snippet(response)
            return (self.clean(text),) if text else ()
        found: list[str] = []
        if isinstance(body, dict):
            for name in ("errors", "error", "message"):
                found.extend(_strings(body.get(name)))
        else:
            found.extend(_strings(body))
        return tuple(self.clean(text) for text in found if text)

    def _joined(self, response: httpx.Response) -> str:
        return "; ".join(self.messages(response)) or response.reason_phrase or "no details"


def _strings(value: JSONValue) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    if isinstance(value, dict):
        return [f"{key}: {', '.join(_strings(item))}" for key, item in value.items()]
    return [str(value)]


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _snippet(response: httpx.Response) -> str:
    lines = response.text.strip().splitlines()
    return lines[0][:200] if lines else ""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 <= seconds < 86_400 else None


def _jitter(rng: random.Random, delay: float) -> float:
    """Half fixed, half random: spreads retries without ever waiting near zero."""
    return delay / 2 + rng.uniform(0, delay / 2)
