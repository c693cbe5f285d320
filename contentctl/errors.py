"""The one error tree and the exit codes.

Core code raises only these; the CLI boundary (``contentctl/cli/base.py``)
turns any of them into a one-line message and ``exc.exit_code``, and any other
exception into one "internal error" line and ``ExitCode.INTERNAL``. Problems
*in user content* are not raised but collected as ``Diagnostic`` records (see
``model.py``).

    ContentctlError                     exit 1 unless noted
    ├── ConfigError                     contentctl.yaml missing/unreadable/invalid, bad env
    ├── ManifestError                   a manifest problem that stops the run (validation failed)
    ├── StateError                      corrupt, foreign or newer state; failed state write
    │   └── StateLockedError            another run holds the lock            (exit 4)
    ├── PlanError                       a saved plan is unreadable or stale
    │   └── StalePlanError
    ├── ApplyInterrupted                Ctrl-C during apply, state written     (exit 130)
    └── PublerError                     anything from the remote API
        ├── PublerAuthError             401/403: key, scope or workspace
        ├── PublerRequestError          400/404/413/422: Publer said no, with its messages
        ├── PublerServerError           5xx after retries
        ├── PublerTimeoutError          connect/read timeouts after retries, job poll timeout
        ├── RateLimitError              429 that outlasted the bounded wait
        └── UnknownOutcomeError         a create whose answer was lost: it may have happened

Exit codes (``ExitCode``):

    0    success; for ``plan --detailed-exitcode``, no changes
    1    error: bad input, config, API or state problem (nothing half-written)
    2    ``plan --detailed-exitcode``: changes pending
    3    apply finished, but some posts failed (recorded, retried next apply)
    4    the state is locked by another run
    5    internal error: an exception outside this tree, i.e. a bug in contentctl
    130  interrupted (Ctrl-C)
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes (SPEC.md, "Exit codes")."""

    OK = 0
    ERROR = 1
    CHANGES = 2
    PARTIAL = 3
    LOCKED = 4
    INTERNAL = 5
    INTERRUPTED = 130


class ContentctlError(Exception):
    """Base of every error contentctl raises on purpose."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ConfigError(ContentctlError):
    """The configuration (file or environment) cannot be used."""


class ManifestError(ContentctlError):
    """Manifests are unusable for the command (e.g. plan on invalid content)."""


class StateError(ContentctlError):
    """The state file is corrupt, foreign, newer, or could not be written."""


class StateLockedError(StateError):
    """Another run holds the state lock."""

    exit_code = ExitCode.LOCKED


class PlanError(ContentctlError):
    """A saved plan cannot be read or used."""


class StalePlanError(PlanError):
    """The state or manifests changed since the saved plan was made."""


class ApplyInterrupted(ContentctlError):
    """Apply was interrupted (Ctrl-C); what was known has been recorded."""

    exit_code = ExitCode.INTERRUPTED


class PublerError(ContentctlError):
    """Something went wrong talking to Publer (or the sandbox)."""

    def __init__(self, message: str, *, status: int | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class PublerAuthError(PublerError):
    """401/403: missing or invalid key, missing scope or workspace."""


class PublerRequestError(PublerError):
    """Publer rejected the request (400/404/413/422) and said why."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        errors: tuple[str, ...] = (),
        hint: str | None = None,
    ) -> None:
        super().__init__(message, status=status, hint=hint)
        self.errors = errors


class PublerServerError(PublerError):
    """Publer kept answering 5xx after the retries."""


class PublerTimeoutError(PublerError):
    """A request or a job did not finish in time."""


class RateLimitError(PublerError):
    """The rate limit outlasted the bounded wait."""


class UnknownOutcomeError(PublerError):
    """A create was sent but its answer was lost: it may or may not have happened.

    Never retried blindly; the caller reconciles against ``GET /posts``.
    """
