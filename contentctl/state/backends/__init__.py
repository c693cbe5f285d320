"""State backends behind one interface: a ``Config`` in, the backend its ``state:`` names out.

``open_backend(config)`` returns a ``Backend``: ``store()`` is the
``StateStore`` plan and apply read and write through, ``lock(command)`` the
lock that keeps two runs off the state (exit 4 naming the holder), and
``unlock`` / ``export`` / ``adopt`` serve ``state unlock`` and ``state
migrate``. ``local`` is today's file beside contentctl.yaml (a lock for one
machine); ``git`` (``gitref.py``) and ``postgres`` (``postgres.py``) are shared
by every machine, and their locks hold across them. Drivers are imported only
when their backend is used.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from contentctl.errors import ConfigError
from contentctl.model import Config, StateBackendConfig, StateBackendKind
from contentctl.state.records import StateJSON
from contentctl.state.store import StateStore

__all__ = ["Backend", "HolderInfo", "open_backend", "open_backend_as"]


class HolderInfo(Protocol):
    """Who held a lock that ``unlock`` removed (``LockInfo`` or a shared backend's ``Holder``)."""

    @property
    def pid(self) -> int: ...

    @property
    def host(self) -> str: ...

    @property
    def command(self) -> str: ...

    def describe(self) -> str: ...


class Backend(Protocol):
    kind: StateBackendKind
    where: str  # for messages: "state file contentctl.state.json", "git branch … on origin"

    def store(self) -> StateStore: ...

    def lock(self, command: str, *, timeout: float = 0.0) -> AbstractContextManager[object]:
        """Held for a ``with`` block; ``StateLockedError`` (exit 4) naming the holder if taken."""
        ...

    def unlock(self, *, force: bool) -> HolderInfo:
        """Free a lock whose holder is gone (a live one only with ``force``); who held it."""
        ...

    def export(self) -> StateJSON | None:
        """The stored document, serial and lineage as they are (None: no state yet)."""
        ...

    def adopt(self, document: StateJSON) -> None:
        """Store ``document`` unchanged where there is no state yet (``state migrate``)."""
        ...


def open_backend(config: Config) -> Backend:
    """The backend ``config``'s ``state:`` names."""
    return open_backend_as(config, config.state_backend)


def open_backend_as(config: Config, settings: StateBackendConfig) -> Backend:
    """The backend ``settings`` describe, for the content repo of ``config``."""
    if settings.kind is StateBackendKind.LOCAL:
        from contentctl.state.backends.local import LocalBackend

        return LocalBackend(config.state_path, root=config.root)
    if settings.kind is StateBackendKind.GIT:
        from contentctl.state.backends.gitref import GitBackend

        return GitBackend(config, settings)
    if settings.kind is StateBackendKind.POSTGRES:
        from contentctl.state.backends.postgres import PostgresBackend

        return PostgresBackend(config, settings)
    raise ConfigError(f"unknown state backend {settings.kind!r}")
