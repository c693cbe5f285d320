"""Media digests across runs: an unchanged file is not read again, a changed one always is."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from contentctl.plan.media_digests import CACHE_FILE, MediaDigests
from contentctl.plan.targets import MediaHasher

REL = "media/photo.png"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "media").mkdir()
    (tmp_path / REL).write_bytes(b"first bytes")
    return tmp_path


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def first_run(root: Path) -> str:
    hasher = MediaHasher(root)
    digest = hasher(REL)
    hasher.save()
    return digest


def plant(root: Path, digest: str) -> None:
    """Replace the recorded digest: a run that returns it did not read the file."""
    document = json.loads((root / CACHE_FILE).read_bytes())
    document["files"][REL][1] = digest
    (root / CACHE_FILE).write_text(json.dumps(document), encoding="utf-8")


def test_an_unchanged_file_is_taken_from_the_cache_without_reading_it(root: Path) -> None:
    assert first_run(root) == sha(b"first bytes")
    plant(root, "0" * 64)
    assert MediaHasher(root)(REL) == "0" * 64


def test_new_bytes_are_hashed_again_even_with_the_old_size_and_mtime(root: Path) -> None:
    first_run(root)
    plant(root, "0" * 64)
    before = os.stat(root / REL)
    (root / REL).write_bytes(b"other bytes")  # the same length
    os.utime(root / REL, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime set back
    assert os.stat(root / REL).st_size == before.st_size
    assert MediaHasher(root)(REL) == sha(b"other bytes")  # ctime moved: read again


def test_a_replaced_file_is_hashed_again(root: Path) -> None:
    first_run(root)
    plant(root, "0" * 64)
    (root / "new.png").write_bytes(b"replaced")
    os.replace(root / "new.png", root / REL)
    hasher = MediaHasher(root)
    assert hasher(REL) == sha(b"replaced")
    hasher.save()
    assert MediaHasher(root)(REL) == sha(b"replaced")  # and remembered


@pytest.mark.parametrize("content", [b"not json", b"[]", b'{"version": 1, "files": {"a": 1}}'])
def test_a_damaged_cache_hashes_as_if_there_were_none(root: Path, content: bytes) -> None:
    (root / CACHE_FILE).parent.mkdir(parents=True)
    (root / CACHE_FILE).write_bytes(content)
    assert MediaHasher(root)(REL) == sha(b"first bytes")
    assert MediaDigests.for_root(root).path == root / CACHE_FILE
