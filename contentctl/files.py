"""Atomic file replacement: a reader sees the old bytes or the new ones, never a mix.

``atomic_write(target, data)`` writes ``data`` to a temp file beside ``target``,
fsyncs it, ``os.replace``s it over ``target`` and fsyncs the folder; it returns
the new file's stat and raises ``OSError`` with ``target`` untouched. ``remove_stale_temp_files``
clears the temp files a killed writer left behind.
"""

from __future__ import annotations

import glob
import os
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path

from contentctl.state.lock import pid_alive
from contentctl.testing.crashpoints import _test_kill_point


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def atomic_write(target: Path, data: bytes, *, kill_point: str | None = None) -> os.stat_result:
    """Replace ``target`` with ``data`` so a reader sees the old bytes or the new, never a mix.

    Returns the written file's ``fstat``, taken before the rename so it is ours for sure.
    """
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mode = None
    temp = _temp_name(target)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            # Two writes, so the crash test can die with half a file written (issue 5, point 6).
            half = len(data) // 2
            _write_all(fd, data[:half])
            if kill_point:
                _test_kill_point(kill_point)
            _write_all(fd, data[half:])
            os.fsync(fd)
            written = os.fstat(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)
    return written


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot fsync a directory; the rename itself has happened
    finally:
        os.close(fd)


def remove_stale_temp_files(targets: Sequence[Path]) -> None:
    """Temp files a killed writer left beside ``targets``: removed once their process is gone."""
    for target in targets:
        for temp in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
            pid = temp.name[len(target.name) + 2 :].split(".", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
                temp.unlink(missing_ok=True)
