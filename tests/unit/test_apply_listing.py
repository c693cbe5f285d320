"""One listing per run: what an apply of several bulks asks Publer, and how often it writes.

Counted with the sandbox's own statistics (requests per endpoint), against the
in-process sandbox: the bulks' posts are read back once, from one listing of
the union of their scopes, not once per bulk; settling an interrupted apply's
intents shares the run's ``RemoteView`` (the refresh after it is served from
it); and the state is written once per bulk sent, plus the first bulk's intent and
the results (the media records ride with the first, the plan's marker with the last).
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from apply_support import NOW, bench, target

from contentctl.apply.applier import Applier
from contentctl.apply.bulks import bulk_post, intent_item
from contentctl.apply.journal import settle_pending
from contentctl.plan.build import PlanOptions, build_plan
from contentctl.plan.targets import format_utc
from contentctl.remote_view import RemoteView, Scope
from contentctl.state.records import Intent, State
from contentctl.state.store import StateStore


class CountingStore(StateStore):
    """The state store, counting the files it writes and the intents each holds."""

    writes: list[tuple[int, int]]  # (intents, of them with a job id) per write

    def write(self, state: State) -> State:
        before, with_job = state.serial, sum(1 for i in state.intents.values() if i.job_id)
        written = super().write(state)
        if written.serial != before:  # an unchanged state is not written again
            self.writes.append((len(state.intents), with_job))
        return written


def test_an_apply_of_three_bulks_reads_their_posts_back_from_one_listing(tmp_path: Path) -> None:
    # 30 posts on two accounts: 60 posts on Publer, 3 bulks of 10 posts, 3 pages of 20 to read
    targets = [target(f"p{i:02d}", alias, minutes=60 + 2 * i)
               for i in range(30) for alias in ("fb", "x")]  # fmt: skip
    with bench(tmp_path, batch_size=10) as b:
        b.transport.sandbox.stats.reset()
        store = CountingStore(b.config.state_path)
        store.writes = []
        b.store = store
        report = b.apply(targets)
        assert report.summary() == "Apply complete: 60 created, 0 updated, 0 deleted, 0 failed."
        stats = b.transport.sandbox.stats.snapshot()
        # 1 page: the look for the posts before creating them (none yet); 3: reading 60 back
        assert stats["requests"] == {
            "GET /job_status/{id}": 6,
            "GET /posts": 4,
            "POST /posts/schedule": 3,
        }
        # bulk 1's intent; each job id with the next bulk's intent; the results
        assert store.writes == [(1, 0), (2, 1), (3, 2), (3, 3), (0, 0)]
        state = store.load()
        assert state.intents == {}
        assert sorted(str(e.remote_id) for _p, _a, e in state.iter_entries()) == sorted(
            post_id for post_id, *_ in b.remote()
        )
        assert not b.plan(targets).has_changes


def test_uploads_and_the_plans_marker_cost_no_write_of_their_own(tmp_path: Path) -> None:
    png = Path(__file__).resolve().parents[2] / "examples/content/media/spring-blend.png"
    (tmp_path / "media").mkdir()
    shutil.copy(png, tmp_path / "media" / "a.png")
    media = [{"path": "media/a.png", "sha256": hashlib.sha256(png.read_bytes()).hexdigest(),
              "type": "photo"}]  # fmt: skip
    targets = []
    for plain in (target(f"p{i:02d}", minutes=60 + 2 * i) for i in range(20)):
        spec = {**plain.spec, "network": {**plain.network, "type": "photo", "media": media}}
        targets.append(replace(plain, spec=spec, given_hash=""))
    with bench(tmp_path, batch_size=10) as b:
        store = CountingStore(b.config.state_path)
        store.writes = []
        state = store.load()
        plan = build_plan(targets, state, PlanOptions(now=NOW))
        applier = Applier(b.config, store, state, b.client, lambda _m: None, lambda: NOW,
                          read_at=NOW)  # fmt: skip
        report = applier.run(plan)
        assert report.summary() == "Apply complete: 20 created, 0 updated, 0 deleted, 0 failed."
        assert store.writes == [(1, 0), (2, 1), (2, 2), (0, 0)]  # 2 bulks: 4 writes
        written = store.load()
        assert list(written.media) == [media[0]["sha256"]]
        assert written.remote_read is not None and written.remote_read.serial == written.serial
        assert written.remote_read.posts == len(b.remote()) == 20


def test_settling_an_interrupted_apply_lists_once_into_the_runs_view(tmp_path: Path) -> None:
    first = [target(f"a{i}", minutes=60 + 2 * i) for i in range(3)]
    second = [target(f"b{i}", "x", minutes=70 + 2 * i) for i in range(3)]
    with bench(tmp_path) as b:
        state = b.store.load()
        for number, group in enumerate((first, second), 1):
            items = tuple(intent_item(t, index) for index, t in enumerate(group))
            job = b.client.schedule(
                {"state": "scheduled", "posts": [bulk_post([t], {}) for t in group]}
            )
            batch = Intent(format_utc(NOW), "schedule", "scheduled", None, items)
            state.intents[f"batch-{number}"] = replace(batch, job_id=job)
        view = RemoteView(b.client)
        b.transport.sandbox.stats.reset()
        _, notes = settle_pending(
            state, b.client, now=lambda: NOW, after_each=b.store.write, view=view
        )
        assert notes == [
            "6 pending from an interrupted apply: 6 found on Publer, 0 failed, 0 to create"
        ]
        stats = b.transport.sandbox.stats.snapshot()
        assert stats["requests"] == {"GET /job_status/{id}": 4, "GET /posts": 1}
        assert (view.listings, view.requests) == (1, 1)
        # the refresh after it asks for a narrower scope: served from the same listing
        accounts = frozenset(str(t.account_id) for t in first)
        window = (NOW + timedelta(minutes=55), NOW + timedelta(minutes=66))
        assert len(view.posts(Scope(accounts, "all", *window))) == 3
        assert (view.listings, view.requests) == (1, 1)
        saved = b.store.load()
        assert saved.intents == {}
        assert sorted(str(e.remote_id) for _p, _a, e in saved.iter_entries()) == sorted(
            post_id for post_id, *_ in b.remote()
        )
