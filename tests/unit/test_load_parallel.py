"""The forked read-and-parse path gives exactly what the serial one gives, errors included."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_support import make_repo

from contentctl.manifest import load
from contentctl.validate.checks import check_repo

POST = "id: p{i}\nat: 2027-03-0{d}T09:{m:02d}\naccounts: [acme-fb]\ntype: status\ntext: Post {i}\n"


def repo_files() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        f"content/p{i}.yaml": POST.format(i=i, d=1 + i % 9, m=i) for i in range(40)
    }
    files["content/broken.yaml"] = "id: [unclosed\n"
    files["content/binary.yaml"] = b"\x00\x01"
    files["content/dup.yaml"] = "id: a\nid: b\n"
    return files


def test_parallel_read_matches_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = make_repo(tmp_path, repo_files())
    serial = check_repo(config)
    monkeypatch.setattr(load, "PARALLEL_BYTES", 0)
    parallel = check_repo(config)
    assert parallel[0].posts and [p.id for p in parallel[0].posts] == [
        p.id for p in serial[0].posts
    ]
    assert parallel[1] == serial[1]
    messages = {d.file: d.message for d in parallel[1]}
    assert "duplicate key 'id'" in messages["content/dup.yaml"]
    assert "binary" in messages["content/binary.yaml"]
    assert messages["content/broken.yaml"].startswith("YAML syntax")
