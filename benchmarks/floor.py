"""The floor of ``plan``: a repo folder in, the count of changed posts out (its own process).

It does only the work no plan can skip: read every manifest, parse it with
libyaml (PyYAML's ``CSafeLoader``, timestamps kept as strings as contentctl's
loader does), hash each post canonically (sha256 of sorted-key compact JSON),
load the state file, and compare the hashes. contentctl's state keys its hashes
by its own per-account spec, not by the raw post, so the floor compares against
``floor-hashes.json``, written by ``--record`` from the unchanged repo; it still
reads and parses the whole state file, to pay what loading the state costs.

    python -m benchmarks.floor REPO            # prints "<posts> posts, <changed> changed"
    python -m benchmarks.floor REPO --record   # writes REPO/floor-hashes.json
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import yaml

HASHES = "floor-hashes.json"


class _Loader(yaml.CSafeLoader):
    """libyaml + the safe constructor, with times left as text (as a plan must compare them)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


def manifest_paths(content: Path) -> list[str]:
    found = []
    for dirpath, _dirs, files in os.walk(content):
        found += [os.path.join(dirpath, f) for f in files if f.endswith((".yaml", ".yml"))]
    return sorted(found)


def post_hashes(content: Path) -> dict[str, str]:
    """Post id → sha256 of the post's canonical JSON, for every post under ``content``."""
    hashes: dict[str, str] = {}
    for path in manifest_paths(content):
        with open(path, "rb") as handle:
            data = handle.read()
        for document in yaml.load_all(data, Loader=_Loader):
            posts: Any = document.get("posts", [document]) if "id" not in document else [document]
            for post in posts:
                canonical = json.dumps(
                    post, sort_keys=True, separators=(",", ":"), ensure_ascii=False
                )
                hashes[post["id"]] = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return hashes


def run(repo: Path, *, record: bool = False) -> tuple[int, int]:
    """(posts, changed) for ``repo``; with ``record``, save its hashes as the reference."""
    hashes = post_hashes(repo / "posts")
    if record:
        (repo / HASHES).write_text(json.dumps(hashes, sort_keys=True), encoding="utf-8")
        return len(hashes), 0
    state = json.loads((repo / "contentctl.state.json").read_bytes())
    known: dict[str, str] = json.loads((repo / HASHES).read_bytes())
    changed = sum(1 for post_id, digest in hashes.items() if known.get(post_id) != digest)
    changed += sum(1 for post_id in state["posts"] if post_id not in hashes)
    return len(hashes), changed


def main(argv: list[str]) -> int:
    gc.disable()  # the floor: no collector passes over the parsed trees
    posts, changed = run(Path(argv[0]), record="--record" in argv[1:])
    print(f"{posts} posts, {changed} changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
