"""Which files are manifests: a config and the paths given in, file paths and problems out.

``find_manifests`` walks the content folder (or the files and folders given)
for ``.yaml``/``.yml`` files, skipping hidden entries, refusing paths and
links outside the repo, and listing a pipe or device with a YAML name too so
that ``load`` refuses it by name instead of skipping it in silence. Problems
are diagnostics at 1:1 of the path they concern; nothing is opened here.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from contentctl.model import Config, Diagnostic, Severity

SUFFIXES = (".yaml", ".yml")


def find_manifests(
    config: Config, paths: Sequence[Path] | None = None
) -> tuple[list[Path], list[Diagnostic]]:
    """The manifest files to read (sorted, deduplicated) and problems with the given paths."""
    root = config.root.resolve()
    targets = list(paths) if paths else [config.content_dir]
    found: dict[str, Path] = {}  # real path → as found; a file linked twice is read once
    problems: list[Diagnostic] = []
    for target in targets:
        resolved = target.resolve()
        if resolved != root and root not in resolved.parents:
            problems.append(
                _error(config.relpath(target), f"{target} is outside the repo ({root})")
            )
            continue
        try:
            mode = os.stat(resolved).st_mode
        except OSError as exc:
            missing = exc.errno in (errno.ENOENT, errno.ENOTDIR)
            why = f"no such file or folder: {target}" if missing else f"cannot read: {exc.strerror}"
            problems.append(_error(config.relpath(target), why))
            continue
        if stat.S_ISDIR(mode):
            for path, linked in _walk(str(resolved), problems, root):
                real = os.path.realpath(path) if linked else path
                if real.startswith(f"{root}{os.sep}"):
                    found.setdefault(real, Path(path))
                else:
                    problems.append(
                        _error(repo_relative(root, path), f"links to {real}, outside the repo")
                    )
        else:  # a file, or a pipe or device that reading refuses without opening it
            found.setdefault(str(resolved), resolved)
    found.pop(str(config.path.resolve()), None)
    return [found[real] for real in sorted(found)], problems


def _walk(folder: str, problems: list[Diagnostic], root: Path) -> list[tuple[str, bool]]:
    """YAML files under ``folder`` as (path, is a symlink), skipping hidden entries.

    ``os.scandir`` tells symlinks from its directory read, so only links pay
    for a ``realpath``. A ``.yaml`` that is a pipe or a device is listed too, so
    that reading it is refused by name rather than skipped in silence.
    """
    out: list[tuple[str, bool]] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    out.extend(_walk(entry.path, problems, root))
                elif entry.name.endswith(SUFFIXES) and not entry.is_dir():
                    out.append((entry.path, entry.is_symlink()))
    except OSError as exc:
        problems.append(
            _error(repo_relative(root, folder), f"cannot read the folder: {exc.strerror}")
        )
    return out


def repo_relative(root: Path, path: str) -> str:
    """``path`` (absolute, under ``root``) as a repo-relative posix path for messages."""
    prefix = f"{root}{os.sep}"
    if path.startswith(prefix):
        return path[len(prefix) :].replace(os.sep, "/")
    return path


def _error(file: str, message: str) -> Diagnostic:
    return Diagnostic(file, 1, 1, Severity.ERROR, message)
