"""A benchmark state without an apply: a generated repo in, its ``contentctl.state.json`` out.

An apply of 10,000 posts through the in-process sandbox takes minutes (10 on a
loaded machine) and one of 100,000 far longer, so the benchmark's states are
written, not applied: contentctl loads the repo in this process and builds its
targets (its own loader and ``build_targets``; validation is left to the
timed runs, which must pass it), and every target is recorded the way
settling an apply records a post Publer created (an ``Entry`` with the
target's spec and content hash, its UTC time, the status the post's
method gets; an auto-scheduled post keeps no time, where an apply records the
slot Publer chose) with a made-up remote id, and every media file under ``media/`` as
uploaded. contentctl's own ``StateStore`` writes it, bound to the sandbox. So
it is contentctl's own format holding exactly what ``plan --no-refresh``
compares; the remote ids name no post on any Publer, so a plan *with* refresh
of such a state would see every post as deleted outside (the refresh rows use a
real apply instead). ``benchmarks.run`` checks each state: ``plan --no-refresh
--detailed-exitcode`` of the unchanged repo must exit 0.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from contentctl.model import JSONValue
from contentctl.state.records import EntryStatus

STATE = "contentctl.state.json"
FAKE_JOB = "bench-written-not-applied"


def fake_id(*parts: str) -> str:
    """24 hex digits, as Publer's ids look, from the post and account it stands for."""
    return hashlib.sha1("/".join(parts).encode()).hexdigest()[:24]


def write_state(repo: Path) -> Path:
    """Build the targets of ``repo`` and record each as applied; returns the state file."""
    from contentctl import pipeline as workflow
    from contentctl.config import load_config
    from contentctl.manifest.load import load_repo
    from contentctl.model import Severity
    from contentctl.plan.targets import build_targets, format_utc, parse_utc
    from contentctl.publer_facts import KIND_OF_EXTENSION
    from contentctl.state.records import Entry, MediaRecord, new_state
    from contentctl.state.store import StateStore

    config = load_config(repo / "contentctl.yaml", environ={})
    now = datetime.now(UTC)
    state = new_state(config.workspace_id)
    workflow.bind_remote(config, state)
    loaded = load_repo(config)  # also fills the repo's parse cache, as a first plan would
    errors = [d for d in loaded.diagnostics if d.severity is Severity.ERROR]
    if errors:
        raise RuntimeError(f"{repo}: {errors[0].render()}")
    stamp = format_utc(now)
    for target in build_targets(config, loaded.posts):
        when = target.scheduled_at_text
        state.set_entry(
            target.post_id,
            target.alias,
            Entry(
                account_id=target.account_id,
                provider=target.provider,
                remote_id=fake_id(target.post_id, target.alias),
                status=_status(target.spec),
                content_hash=target.content_hash,
                spec=dict(target.spec),
                scheduled_at=format_utc(parse_utc(when)) if when else None,
                job_id=FAKE_JOB,
                post_link=None,
                last_error=None,
                created_at=stamp,
                updated_at=stamp,
            ),
        )
    for path in sorted((repo / "media").rglob("*")):
        kind = KIND_OF_EXTENSION.get(path.suffix.lower().lstrip("."))
        if path.is_file() and kind is not None:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            rel = path.relative_to(repo).as_posix()
            state.media[digest] = MediaRecord(fake_id(rel), rel, kind, stamp)
    StateStore(config.state_path).write(state)
    return config.state_path


def _status(spec: Mapping[str, JSONValue]) -> EntryStatus:
    """The status settling gives a post of this spec's method (from Publer's word for it)."""
    if spec.get("endpoint") == "publish":
        return EntryStatus.PUBLISHED
    if str(spec.get("bulk_state", "")).startswith("draft"):
        return EntryStatus.DRAFT
    if spec.get("bulk_state") == "recurring":
        return EntryStatus.RECURRING
    return EntryStatus.SCHEDULED  # scheduled, auto and recycling posts: Publer's "scheduled"
