"""Benchmark repos with their state: sizes and layouts in, ready folders out (cached).

For each size and layout: the generated repo (``repo``: the posts as applied,
so plan has no changes), its "1% changed" copy (``changed``: the same state,
1% of the posts' texts edited) and the state both share, written by
``benchmarks/state_writer.py`` (contentctl's own loader, targets and state
store; no apply). Writing the state loads the repo with contentctl's loader,
which fills the repo's parse cache (``.contentctl/cache/parse.json``) as a
first plan would; the changed copy starts from that same cache, so its plan
parses only the edited files (``Prepared.reset`` puts that cache back before
each timed run, so every run is the first plan after the edit).

Cached under ``benchmarks/out/cache/<digest>/<size>-<layout>/``: the digest is
of the generator and preparation code, so a change to either makes new folders
(old ones are removed). The state also depends on contentctl (its specs and
hashes), so it is written again whenever contentctl's source digest differs
from the one recorded beside it. Cold, the sizes are prepared two at a time in
worker processes (the machine's two cores; nothing is timed meanwhile).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import contentctl
from benchmarks import floor
from benchmarks.generate import Layout, edited_indices, write_repo

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
STATE = "contentctl.state.json"
PARSE_CACHE = Path(".contentctl") / "cache" / "parse.json"
_CODE = ("generate.py", "generate_campaign.py", "prepare.py", "state_writer.py", "floor.py")


@dataclass(frozen=True)
class Prepared:
    size: int
    layout: Layout
    repo: Path  # the posts as applied: plan has no changes
    changed: Path  # 1% of the posts edited: plan has changes
    fresh: bool  # generated or given a new state by this run (not from the cache)

    def reset(self) -> None:
        """Give the changed copy the parse cache of before the edit (the unchanged repo's)."""
        saved = self.changed.parent / "parse-before-edit.json"
        if saved.exists():
            target = self.changed / PARSE_CACHE
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(saved, target)


def code_digest() -> str:
    """Digest of the code that generates and prepares the repos: what the cache depends on."""
    digest = hashlib.sha256()
    for name in _CODE:
        digest.update(name.encode() + b"\0" + (HERE / name).read_bytes())
    return digest.hexdigest()[:16]


def source_digest() -> str:
    """Digest of contentctl's Python source: what a written state depends on."""
    digest = hashlib.sha256()
    package = Path(contentctl.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_root(out: Path) -> Path:
    return out / "cache" / code_digest()


def prepare_one(size: int, layout: Layout, root: Path, contentctl_digest: str) -> Prepared:
    """One size and layout, generated and given its state unless the cache has them."""
    base = root / f"{size}-{layout.value}"
    repo, changed = base / "repo", base / "changed"
    fresh = False
    if not (base / "generated").exists():
        shutil.rmtree(base, ignore_errors=True)
        write_repo(repo, size, layout)
        floor.run(repo, record=True)
        write_repo(changed, size, layout, edited_indices(size))
        shutil.copyfile(repo / floor.HASHES, changed / floor.HASHES)
        (base / "generated").write_text("ok\n", encoding="utf-8")
        fresh = True
    marker = base / "state-of"
    if not marker.exists() or marker.read_text(encoding="utf-8") != contentctl_digest:
        from benchmarks.state_writer import write_state

        for stale in (repo / STATE, repo / PARSE_CACHE):
            stale.unlink(missing_ok=True)
        write_state(repo)
        shutil.copyfile(repo / STATE, changed / STATE)
        shutil.copyfile(repo / PARSE_CACHE, base / "parse-before-edit.json")
        marker.write_text(contentctl_digest, encoding="utf-8")
        fresh = True
    prepared = Prepared(size, layout, repo, changed, fresh)
    prepared.reset()
    return prepared


def prepare(
    sizes: Sequence[int],
    layouts: Sequence[Layout],
    out: Path = OUT,
    *,
    log: Callable[[str], None] = print,
) -> dict[tuple[int, Layout], Prepared]:
    """Every size × layout, from the cache or prepared two at a time, largest first."""
    root = cache_root(out)
    for stale in root.parent.glob("*"):
        if stale != root:  # made by other generator code: never read again
            shutil.rmtree(stale, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    digest = source_digest()
    jobs = sorted(((s, layout) for s in sizes for layout in layouts), reverse=True)
    with ProcessPoolExecutor(max_workers=min(2, len(jobs) or 1)) as pool:
        futures = {job: pool.submit(prepare_one, *job, root, digest) for job in jobs}
        done = {job: future.result() for job, future in futures.items()}
    for (size, layout), prepared in sorted(done.items()):
        log(f"  {size:,} {layout.value}: {'prepared' if prepared.fresh else 'from the cache'}")
    return done


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
