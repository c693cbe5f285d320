"""Benchmark repos with their state: a size in, ready folders (cached under ``benchmarks/out``).

For each size, one ``contentctl`` apply of the generated posts writes the state,
so the state is exactly what apply writes: the real ``Applier`` and client
against the in-process sandbox, which this process builds with its rate limit
off (``in_process_transport(..., rate_limit=None)``) because pacing only adds
waiting here. The state is the same for the single and batch layouts (a
target's spec does not depend on which file the post is in), so it is applied
once and copied; the campaign layout has posts of its own and its own state. The
cache key is the generator version plus a digest of contentctl's source, so a
change to how contentctl plans or records invalidates it.

``Prepared`` names, per size and layout, the unchanged repo, its "1% changed"
copy (same state, 1% of the posts' texts edited) and the state file.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import contentctl
from benchmarks import floor
from benchmarks.generate import (
    GENERATOR_VERSION,
    Layout,
    edited_indices,
    write_repo,
)

OUT = Path(__file__).resolve().parent / "out"
STATE = "contentctl.state.json"


@dataclass(frozen=True)
class Prepared:
    size: int
    layout: Layout
    repo: Path  # the posts as applied: plan has no changes
    changed: Path  # 1% of the posts edited: plan has changes


def source_digest() -> str:
    """Digest of contentctl's Python source: what a cached state depends on."""
    digest = hashlib.sha256(f"generator {GENERATOR_VERSION}".encode())
    package = Path(contentctl.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_root(out: Path) -> Path:
    return out / "cache" / f"v{GENERATOR_VERSION}-{source_digest()}"


def prepare(size: int, layouts: tuple[Layout, ...], out: Path = OUT) -> list[Prepared]:
    """The repos for ``size`` in each layout, generated and applied once, then reused."""
    root = cache_root(out)
    for stale in root.parent.glob("v*"):
        if stale != root:  # made by another generator or contentctl version: never read again
            shutil.rmtree(stale, ignore_errors=True)
    prepared = []
    for layout in layouts:
        state = _state_for(size, root, layout)
        base = root / f"{size}-{layout.value}"
        repo, changed = base / "repo", base / "changed"
        if not (changed / floor.HASHES).exists():
            shutil.rmtree(base, ignore_errors=True)
            write_repo(repo, size, layout)
            shutil.copyfile(state, repo / STATE)
            floor.run(repo, record=True)
            write_repo(changed, size, layout, edited_indices(size))
            shutil.copyfile(state, changed / STATE)
            shutil.copyfile(repo / floor.HASHES, changed / floor.HASHES)
        prepared.append(Prepared(size, layout, repo, changed))
    return prepared


def small_repo(size: int, out: Path = OUT) -> Path:
    """A tiny repo without state (for startup timings)."""
    repo = cache_root(out) / f"small-{size}"
    if not (repo / "contentctl.yaml").exists():
        write_repo(repo, size, Layout.SINGLE)
    return repo


def fresh_repo(size: int, layout: Layout, folder: Path) -> Path:
    """A new repo with no state (for apply runs), replacing whatever is in ``folder``."""
    shutil.rmtree(folder, ignore_errors=True)
    return write_repo(folder, size, layout)


def _state_for(size: int, root: Path, layout: Layout) -> Path:
    source = Layout.CAMPAIGN if layout is Layout.CAMPAIGN else Layout.BATCH
    state = root / f"state-{size}-{source.value}.json"
    if state.exists():
        return state
    work = root / f"applying-{size}-{source.value}"
    shutil.rmtree(work, ignore_errors=True)
    write_repo(work, size, source)
    apply_in_process(work)
    root.mkdir(parents=True, exist_ok=True)
    shutil.move(work / STATE, state)
    shutil.rmtree(work)
    return state


def apply_in_process(repo: Path) -> None:
    """Plan and apply ``repo`` with contentctl's own code against an unthrottled sandbox."""
    from contentctl import pipeline as workflow
    from contentctl import sandbox
    from contentctl.apply.applier import Applier
    from contentctl.config import load_config
    from contentctl.plan.build import Action, PlanOptions
    from contentctl.publer import PublerClient
    from contentctl.publer.connect import IN_PROCESS_URL
    from contentctl.state.store import StateLock, StateStore

    config = load_config(repo / "contentctl.yaml", environ={})
    store = StateStore(config.state_path)
    # daily limits off: the benchmark repos post more a day than any Publer plan takes
    transport = sandbox.in_process_transport(
        config, db=":memory:", rate_limit=None, publer_plan=None
    )
    with StateLock(config.state_path, "apply"):
        state = store.load()
        plan, _ = workflow.make_plan(config, state, PlanOptions())
        client = PublerClient(
            IN_PROCESS_URL,
            sandbox.SANDBOX_API_KEY,
            config.workspace_id,
            transport=transport,
            rate_limit=None,
            poll_interval=0.0,
        )
        with client:
            report = Applier(config, store, state, client).run(plan)
    if report.failed or report.unresolved or report.created != plan.count(Action.CREATE):
        raise RuntimeError(f"preparing {repo}: {report.summary()}")
