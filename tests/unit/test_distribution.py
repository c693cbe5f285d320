"""The name users install: a wheel built from this tree, found by the scaffolded install line.

The wheel is built offline (no build isolation) from a copy of the sources,
served as a PEP 503 simple index on 127.0.0.1, and the install line of the
workflows ``contentctl init`` writes runs in a fresh venv against that index
alone: what it installs must be this project, at the version that wrote the
workflow. The dependencies come from the project's own venv (a path file in
the fresh venv), so nothing is fetched from a registry and only
``contentctl-publer`` itself is resolved from the index.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import threading
import tomllib
import venv
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

import contentctl
from contentctl.manifest.scaffold import init_repo
from contentctl.manifest.yamlio import parse_documents

REPO = Path(__file__).resolve().parents[2]
# The project venv's entries that must not leak into the fresh one: this project
# itself (installed editable) and the installer tools the fresh venv has its own of.
NOT_SHARED = re.compile(r"^(contentctl|__editable__|pip|_distutils_hack|distutils-precedence)")


def project_name() -> str:
    name: str = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["name"]
    return name


def build_wheel(out: Path) -> Path:
    source = out / "src"
    source.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for folder in ("contentctl", "schemas"):
        shutil.copytree(
            REPO / folder,
            source / folder,
            symlinks=True,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(out / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PIP_CONFIG_FILE": os.devnull},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = (out / "dist").glob("*.whl")
    return wheel


def simple_index(root: Path, wheel: Path) -> None:
    """PEP 503: /simple/<normalized name>/ lists the files, with their sha256."""
    project = root / "simple" / re.sub(r"[-_.]+", "-", project_name()).lower()
    project.mkdir(parents=True)
    shutil.copy2(wheel, project / wheel.name)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    (project / "index.html").write_text(
        f'<!DOCTYPE html>\n<html><body>\n<a href="{wheel.name}#sha256={digest}">{wheel.name}</a>\n'
        "</body></html>\n",
        encoding="utf-8",
    )


@pytest.fixture
def index_url(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "index"
    simple_index(root, build_wheel(tmp_path / "build"))
    handler = partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def fresh_venv(folder: Path) -> Path:
    """A new venv that sees the project venv's dependencies but not contentctl itself."""
    venv.create(folder / "venv", with_pip=True, symlinks=True)
    shared = folder / "shared"
    shared.mkdir()
    ours = Path(sysconfig.get_paths()["purelib"])
    for entry in ours.iterdir():
        if not NOT_SHARED.match(entry.name) and entry.name != "__pycache__":
            (shared / entry.name).symlink_to(entry)
    (site_packages,) = (folder / "venv" / "lib").glob("python3*/site-packages")
    (site_packages / "shared-dependencies.pth").write_text(f"{shared}\n", encoding="utf-8")
    return folder / "venv" / "bin"


def install_lines(repo: Path) -> set[str]:
    lines = set()
    for workflow in sorted((repo / ".github" / "workflows").glob("*.yml")):
        ((document, _, _),) = parse_documents(workflow.read_text(encoding="utf-8"))
        for job in document["jobs"].values():
            for step in job["steps"]:
                if step.get("name") == "Install contentctl":
                    lines.add(step["run"].strip())
    return lines


def test_the_distribution_is_named_apart_from_the_command() -> None:
    assert project_name() == contentctl.DISTRIBUTION == "contentctl-publer"
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts == {"contentctl": "contentctl.cli:main"}


def test_scaffolded_install_line_installs_this_project_at_this_version(
    tmp_path: Path, index_url: str
) -> None:
    init_repo(tmp_path / "repo")
    (line,) = install_lines(tmp_path / "repo")
    assert line == f'pip install "contentctl-publer[postgres]=={contentctl.__version__}"'
    bin_dir = fresh_venv(tmp_path)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PIP_CONFIG_FILE": os.devnull,  # no machine-wide index or find-links: ours only
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_CACHE_DIR": "1",
    }
    done = subprocess.run(
        ["bash", "-e", "-c", f"{line} --index-url {index_url}"],
        cwd=tmp_path / "repo",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Successfully installed contentctl-publer-{contentctl.__version__}" in done.stdout

    version = subprocess.run(
        [str(bin_dir / "contentctl"), "--version"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout == f"contentctl, version {contentctl.__version__}\n"
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import contentctl; print(contentctl.__file__)"],
        cwd=tmp_path,  # not the source tree, whose contentctl/ `python -c` would import
        env=env,
        capture_output=True,
        text=True,
    )
    installed = Path(where.stdout.strip())
    assert installed.is_relative_to(tmp_path / "venv"), installed
