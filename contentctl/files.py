"""Reading only regular files, and replacing files atomically.

``check_regular(path, what)`` returns the ``os.stat`` of ``path`` or raises
``NotAFileError`` (an ``OSError``) for a folder, named pipe, device or socket,
without opening it: opening a FIFO blocks until someone writes to it, and a
device may do something on open. ``open_regular(path, what)`` returns a binary
file object for reading after the same check, opened non-blocking and checked
again with ``fstat`` so a path swapped for a FIFO in between cannot hang the run.
Callers already turn ``OSError`` into their own one-line error with ``strerror``.

``atomic_write(target, data)`` writes ``data`` to a temp file beside ``target``,
fsyncs it, ``os.replace``s it over ``target`` and fsyncs the folder; it returns
the new file's stat and raises ``OSError`` with ``target`` untouched. ``remove_stale_temp_files``
clears the temp files a killed writer left behind.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from contentctl.state.lock import pid_alive
from contentctl.testing.crashpoints import _test_kill_point

_KINDS = (
    (stat.S_ISDIR, "Is a directory"),
    (stat.S_ISFIFO, "Is a named pipe, not a file"),
    (stat.S_ISCHR, "Is a character device, not a file"),
    (stat.S_ISBLK, "Is a block device, not a file"),
    (stat.S_ISSOCK, "Is a socket, not a file"),
)


class NotAFileError(OSError):
    """A folder, pipe, device or socket where a regular file was needed."""

    def __init__(self, path: str | os.PathLike[str], what: str, mode: int) -> None:
        reason = next((words for test, words in _KINDS if test(mode)), "Is not a regular file")
        code = errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL
        super().__init__(code, reason, os.fspath(path))
        self.what = what

    def __str__(self) -> str:
        return f"{self.what} {self.filename}: {self.strerror}"


def check_regular(path: str | os.PathLike[str], what: str) -> os.stat_result:
    """``path``'s stat (links followed), or NotAFileError naming it as ``what``; never opens it."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise NotAFileError(path, what, info.st_mode)
    return info


def open_regular(path: str | os.PathLike[str], what: str) -> BinaryIO:
    """``path`` opened for reading in binary, refused (NotAFileError) unless a regular file."""
    check_regular(path, what)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # swapped since the stat
            raise NotAFileError(path, what, mode)
        os.set_blocking(fd, True)
        return open(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], what: str) -> bytes:
    """The bytes of a regular file (see ``open_regular``)."""
    with open_regular(path, what) as handle:
        return handle.read()


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
        # The error on its way out says what went wrong; a failed clean-up (a read-only
        # file system) must not replace it.
        with contextlib.suppress(OSError):
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
