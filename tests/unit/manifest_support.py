"""What the load and validate tests share: a small repo built from the fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

from contentctl.config import load_config
from contentctl.model import Config

FIXTURES = Path(__file__).parents[1] / "fixtures" / "manifests"


def make_repo(tmp_path: Path, files: dict[str, str | bytes]) -> Config:
    """The fixture config and media in ``tmp_path`` plus ``files`` (path → text or bytes)."""
    shutil.copy(FIXTURES / "contentctl.yaml", tmp_path / "contentctl.yaml")
    shutil.copytree(FIXTURES / "media", tmp_path / "media")
    (tmp_path / "content").mkdir()
    for name, body in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, "utf-8")
    return load_config(tmp_path / "contentctl.yaml", {})
