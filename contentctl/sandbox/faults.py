"""Fault injection and wire variants: settings in, per-request decisions out.

``Faults`` says what should go wrong (latency, 503s, 429 bursts, stuck or
failed jobs, connections cut after a commit, jobs that run late); ``FaultState`` is the mutable,
thread-safe counter set that one running sandbox consumes. ``Variants``
picks between the response shapes the reference saw from the live API
(docs/publer-api.md §2, §3), so a client can be tested against each.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from enum import StrEnum

from contentctl.errors import ConfigError


@dataclass(frozen=True)
class Faults:
    """What the sandbox should get wrong, on purpose."""

    latency_ms: int = 0
    error_rate: float = 0.0
    burst_429: int = 0
    stuck_polls: int = 0
    fail_jobs: bool = False
    drop_after_commit: int = 0
    random_seed: int = 0
    # A bulk's job creates its posts when it runs, this long (sandbox clock) after it was
    # accepted; much longer than the client waits, it plays a job that runs after its
    # answer was lost.
    job_delay_ms: int = 0

    def __post_init__(self) -> None:
        if not 0.0 <= self.error_rate <= 1.0:
            raise ConfigError(f"error rate must be between 0 and 1, not {self.error_rate}")
        for name in ("latency_ms", "burst_429", "stuck_polls", "drop_after_commit", "job_delay_ms"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name.replace('_', '-')} must not be negative")

    def merged(self, changes: Mapping[str, object]) -> Faults:
        """A copy with ``changes`` applied; unknown keys or wrong types raise ``ConfigError``."""
        known = {f.name: f.type for f in fields(self)}
        clean: dict[str, object] = {}
        for key, value in changes.items():
            if key not in known:
                raise ConfigError(f"unknown fault {key!r}")
            want: type = {"int": int, "float": float, "bool": bool}[str(known[key])]
            if want is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, want) or (want is int and isinstance(value, bool)):
                raise ConfigError(f"fault {key!r} must be a {want.__name__}")
            clean[key] = value
        return Faults(**{**asdict(self), **clean})


class JobCreateShape(StrEnum):
    PLAIN = "plain"  # {"job_id": ...} (docs)
    WRAPPED = "wrapped"  # {"success": true, "data": {"job_id": ...}} (OpenAPI)


class JobStatusShape(StrEnum):
    FLAT = "flat"  # variant A: {"status", "payload", "plan"}
    WRAPPED = "wrapped"  # variant B: {"success", "data": {"status", "result": {...}}}


class FailuresShape(StrEnum):
    BY_INDEX = "by_index"  # {"0": [failure, ...]} keyed by bulk post index
    LIST = "list"  # [failure, ...]


@dataclass(frozen=True)
class Variants:
    """Which of the observed response shapes the sandbox speaks."""

    job_create: JobCreateShape = JobCreateShape.PLAIN
    create_status: int = 200
    job_status: JobStatusShape = JobStatusShape.FLAT
    complete_word: str = "complete"
    failures: FailuresShape = FailuresShape.BY_INDEX
    working_polls: int = 1  # polls that answer "working" before a job ends

    def merged(self, changes: Mapping[str, object]) -> Variants:
        try:
            current = asdict(self)
            unknown = set(changes) - set(current)
            if unknown:
                raise ConfigError(f"unknown variant {sorted(unknown)[0]!r}")
            current.update(changes)
            merged = Variants(
                job_create=JobCreateShape(current["job_create"]),
                create_status=int(current["create_status"]),
                job_status=JobStatusShape(current["job_status"]),
                complete_word=str(current["complete_word"]),
                failures=FailuresShape(current["failures"]),
                working_polls=int(current["working_polls"]),
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"bad variant: {exc}") from None
        if merged.complete_word not in ("complete", "completed"):
            raise ConfigError("complete_word must be 'complete' or 'completed'")
        if merged.create_status not in (200, 201, 202):
            raise ConfigError("create_status must be 200, 201 or 202")
        return merged


class FaultState:
    """The live counters of one sandbox: consumed by requests, reset when faults change."""

    def __init__(self, faults: Faults) -> None:
        self._lock = threading.Lock()
        self.set(faults)

    def set(self, faults: Faults) -> None:
        with self._lock:
            self.faults = faults
            self._burst_left = faults.burst_429
            self._drops_left = faults.drop_after_commit
            self._random = random.Random(faults.random_seed)

    def take_burst(self) -> bool:
        """True if this request is one of the next ``burst_429`` and must get a 429."""
        with self._lock:
            if self._burst_left <= 0:
                return False
            self._burst_left -= 1
            return True

    def roll_error(self) -> bool:
        """True if this answer is replaced by a 503 (seeded, so runs repeat)."""
        with self._lock:
            rate = self.faults.error_rate
            return rate > 0 and self._random.random() < rate

    def take_drop(self) -> bool:
        """True if this committed bulk must lose its answer."""
        with self._lock:
            if self._drops_left <= 0:
                return False
            self._drops_left -= 1
            return True
