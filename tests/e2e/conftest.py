"""Fixtures for end-to-end tests: a content repo and a served sandbox on 127.0.0.1."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from e2e_support import CONFIG, Project, serve


@pytest.fixture
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    """A repo with four accounts and its own served sandbox; parametrize for sandbox flags."""
    root = tmp_path / "repo"
    (root / "posts").mkdir(parents=True)
    (root / "contentctl.yaml").write_text(CONFIG, encoding="utf-8")
    server = serve(root, *getattr(request, "param", ()))
    try:
        yield Project(root, server)
    finally:
        server.stop()
