"""Records shared by every stage: config, accounts, posts, diagnostics.

Plain frozen dataclasses and enums; no I/O and no logic beyond small
derived properties. ``load`` builds them, ``validate`` checks them,
``desired`` turns posts into per-account targets that ``plan`` compares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeAlias

# Seconds an apply's read of Publer serves the plans after it (config refresh_max_age).
DEFAULT_REFRESH_MAX_AGE = 300

# A decoded JSON value: what json.loads returns and json.dumps takes.
JSONValue: TypeAlias = "str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None"
JSONObject: TypeAlias = "dict[str, JSONValue]"


def render_path(path: Sequence[str | int]) -> str:
    """("posts", 2, "text") → "$.posts[2].text": how messages name a place in a document."""
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}"
        else:
            out += f"[{part!r}]"
    return out


class Provider(StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    TWITTER = "twitter"
    LINKEDIN = "linkedin"
    PINTEREST = "pinterest"
    YOUTUBE = "youtube"
    TIKTOK = "tiktok"
    GOOGLE = "google"
    WORDPRESS = "wordpress"
    TELEGRAM = "telegram"
    MASTODON = "mastodon"
    THREADS = "threads"
    BLUESKY = "bluesky"


class Method(StrEnum):
    """How a post is published (SPEC.md, "The content repo")."""

    SCHEDULED = "scheduled"
    DRAFT = "draft"
    DRAFT_PRIVATE = "draft_private"
    DRAFT_PUBLIC = "draft_public"
    PUBLISH_NOW = "publish_now"
    AUTO = "auto"
    RECYCLING = "recycling"
    RECURRING = "recurring"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in user content, located. Sorted by file, line, column."""

    file: str
    line: int
    column: int
    severity: Severity
    message: str
    path: str = "$"  # JSON path inside the document, e.g. "$.posts[2].text"

    def render(self) -> str:
        return (
            f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.path}]"
        )


@dataclass(frozen=True)
class Account:
    """An account alias from contentctl.yaml: ``alias: {id, provider}``."""

    alias: str
    id: str
    provider: Provider
    name: str = ""


class StateBackendKind(StrEnum):
    """Where the state lives (``state: {backend: …}`` in contentctl.yaml)."""

    LOCAL = "local"  # a file in the repo: one machine
    GIT = "git"  # a branch of the content repo's remote
    POSTGRES = "postgres"  # tables in a PostgreSQL database


@dataclass(frozen=True)
class StateBackendConfig:
    """The ``state:`` settings; secrets (the database URL) are read from ``url_env`` only."""

    kind: StateBackendKind = StateBackendKind.LOCAL
    remote: str = "origin"  # git: a remote of the content repo, or a URL
    branch: str = "contentctl-state"  # git
    lease_minutes: float = 10.0  # git: a lock not renewed for this long is free
    url_env: str = "CONTENTCTL_DATABASE_URL"  # postgres: the variable holding the URL
    schema: str = "contentctl"  # postgres
    name: str = "default"  # postgres: several states can share one database


@dataclass(frozen=True)
class Config:
    """contentctl.yaml, resolved: paths are absolute, env overrides applied."""

    path: Path
    workspace_id: str
    endpoint: str  # "sandbox" or a base URL such as http://127.0.0.1:8080/api/v1
    timezone: str
    content_dir: Path
    state_path: Path
    accounts: Mapping[str, Account]
    labels: tuple[str, ...] = ()
    batch_size: int = 100
    # fields changed on Publer on purpose, which the refresh does not call drift
    ignore_changes: tuple[str, ...] = ()
    # seconds an apply's read of Publer serves the plans after it (state/remote_read.py); 0: never
    refresh_max_age: int = DEFAULT_REFRESH_MAX_AGE
    default_method: Method = Method.SCHEDULED
    api_key: str | None = field(default=None, repr=False)  # never printed
    # CONTENTCTL_PUBLER_PLAN: the Publer plan when Publer does not say (plan/limits.py),
    # and the one the in-process sandbox plays; None: not set
    publer_plan: str | None = None
    state_backend: StateBackendConfig = field(default_factory=StateBackendConfig)

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def uses_sandbox(self) -> bool:
        return self.endpoint == "sandbox"

    def relpath(self, path: Path) -> str:
        """Repo-relative posix path for messages; absolute if outside the repo."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


@dataclass(frozen=True)
class Document:
    """One YAML document of a manifest file, as plain data."""

    file: str  # repo-relative path
    index: int  # 0-based document index within the file
    line: int
    column: int
    data: Any


@dataclass(frozen=True, eq=False)
class Post:
    """One post from the manifests, normalised.

    ``content`` is the common content (type, text, title, url, media, details,
    …); ``networks`` holds per-provider overrides merged over it by
    ``desired.network_content``. ``at`` is aware and in UTC; ``timezone`` is
    the IANA zone used to read and to show it.
    """

    id: str
    file: str
    line: int
    column: int
    pointer: str  # JSON path of this post inside its document: "$" or "$.posts[3]"
    method: Method
    at: datetime | None
    timezone: str
    accounts: tuple[str, ...]
    content: Mapping[str, Any]
    networks: Mapping[str, Mapping[str, Any]]
    labels: tuple[str, ...] = ()
    # alias → the labels of that account's post ({alias, labels} in ``accounts``)
    account_labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    options: Mapping[str, Any] = field(
        default_factory=dict
    )  # range / recycling / recurring / share_next

    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"
