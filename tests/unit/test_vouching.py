"""Which applies leave the marker that lets the next plan skip its listing (state/remote_read.py).

A run that listed Publer (``read_at``), ended with nothing in flight and had no blocked
change vouches, with Publer's count of the config's posts; a run with a blocked change
(an ambiguous adoption, a missed time, a refused delete) or without ``read_at`` does not.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from apply_support import NOW, Bench, bench, target

from contentctl.apply.applier import Applier
from contentctl.plan.build import Action, PlanOptions, build_plan
from contentctl.plan.targets import Target


def _run(b: Bench, targets: list[Target], *, block: bool = False, read: bool = True) -> None:
    state = b.store.load()
    plan = build_plan(targets, state, PlanOptions(now=NOW))
    if block:  # the first change blocked, as an ambiguous adoption is
        first = replace(plan.changes[0], action=Action.BLOCKED)
        plan = replace(plan, changes=(first, *plan.changes[1:]))
    applier = Applier(b.config, b.store, state, b.client, lambda _m: None, lambda: NOW,
                      read_at=NOW if read else None)  # fmt: skip
    applier.run(plan)


def test_a_clean_run_that_listed_vouches_with_publers_count(tmp_path: Path) -> None:
    with bench(tmp_path) as b:
        _run(b, [target("alpha"), target("beta")])
        state = b.store.load()
        assert state.remote_read is not None
        assert (state.remote_read.at, state.remote_read.by) == (NOW, "apply")
        assert state.remote_read.serial == state.serial
        assert state.remote_read.posts == len(b.remote())


def test_a_run_with_a_blocked_change_or_no_listing_vouches_for_nothing(tmp_path: Path) -> None:
    with bench(tmp_path) as b:
        _run(b, [target("alpha"), target("beta")], block=True)
        assert b.store.load().remote_read is None
    (tmp_path / "unread").mkdir()
    with bench(tmp_path / "unread") as b:
        _run(b, [target("alpha")], read=False)
        assert b.store.load().remote_read is None
