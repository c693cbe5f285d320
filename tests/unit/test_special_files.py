"""Named pipes, sockets, devices and folders where a file belongs are refused without opening them.

Opening a FIFO for reading waits for a writer, so a pipe given as manifest,
media, config, state or plan used to hang the run (and leave its lock behind).
The helpers in ``contentctl.files`` are checked in process; the commands run in
a subprocess with a timeout, so a hang fails the test instead of stalling the
suite. Each refusal is one line, exit 1, the state and its backup untouched,
and no lock left behind.
"""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from bad_input_support import STATE, BadInputRepo, applied_template

from contentctl import files
from contentctl.files import NotAFileError, check_regular, open_regular, read_regular

# -- the helpers ---------------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "sock.yaml"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        yield path
    finally:
        server.close()


def test_a_pipe_is_refused_by_stat_alone(fifo: Path) -> None:
    with pytest.raises(NotAFileError) as caught:
        read_regular(fifo, "the manifest")
    assert (caught.value.strerror, caught.value.filename) == (
        "Is a named pipe, not a file",
        str(fifo),
    )
    assert str(caught.value) == f"the manifest {fifo}: Is a named pipe, not a file"


def test_each_kind_of_special_file_is_named(unix_socket: Path, tmp_path: Path) -> None:
    kinds = {
        unix_socket: "Is a socket, not a file",
        Path("/dev/null"): "Is a character device, not a file",
        tmp_path: "Is a directory",
    }
    for path, words in kinds.items():
        with pytest.raises(NotAFileError) as caught:
            check_regular(path, "the plan")
        assert caught.value.strerror == words
    regular = tmp_path / "a.yaml"
    regular.write_bytes(b"12345")
    assert check_regular(regular, "the manifest").st_size == 5


def test_a_file_swapped_for_a_pipe_after_the_stat_is_caught_by_fstat(
    fifo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The open is non-blocking, so a pipe that slipped past the stat is refused, not waited on."""
    regular = tmp_path / "regular.yaml"
    regular.write_text("id: a\n", "utf-8")
    monkeypatch.setattr(files, "check_regular", lambda path, what: os.stat(regular))
    with pytest.raises(NotAFileError) as caught:
        open_regular(fifo, "the manifest")
    assert caught.value.strerror == "Is a named pipe, not a file"
    with open_regular(regular, "the manifest") as handle:
        assert os.get_blocking(handle.fileno())  # back to blocking reads once checked
        assert handle.read() == b"id: a\n"


# -- the commands --------------------------------------------------------------------

pytestmark_subprocess = pytest.mark.e2e  # each command runs in its own process


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return applied_template(tmp_path_factory.mktemp("applied"))


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> BadInputRepo:
    return BadInputRepo.copy_of(template, tmp_path)


def no_lock_left(repo: BadInputRepo) -> None:
    assert not (repo.root / f"{STATE}.lock").exists()
    assert [p.name for p in repo.root.iterdir() if p.name.endswith(".tmp")] == []


@pytestmark_subprocess
@pytest.mark.parametrize("kind", ["pipe", "socket"])
def test_a_special_file_among_the_manifests_is_a_located_error(
    repo: BadInputRepo, kind: str
) -> None:
    path = repo.root / "posts" / f"{kind}.yaml"
    server = socket.socket(socket.AF_UNIX)
    try:
        if kind == "pipe":
            os.mkfifo(path)
            words = "Is a named pipe, not a file"
        else:
            server.bind(str(path))
            words = "Is a socket, not a file"
        refused_as_manifest(repo, kind, words)
    finally:
        server.close()


def refused_as_manifest(repo: BadInputRepo, kind: str, words: str) -> None:
    before = repo.snapshot()
    diagnostic = f"posts/{kind}.yaml:1:1: error: cannot read: {words} [$]"
    checked = repo.subprocess("validate")
    assert checked.code == 1
    assert checked.out.splitlines()[:-1] == [diagnostic]
    named = repo.subprocess("validate", f"posts/{kind}.yaml")
    assert named.out.splitlines() == [diagnostic, "0 posts in 1 file: 1 error, 0 warnings."]
    plan = repo.subprocess("plan")
    assert (plan.code, plan.err_lines) == (
        1,
        [f"contentctl: error: the manifests have errors ({diagnostic}); run `contentctl validate`"],
    )
    assert repo.snapshot() == before
    no_lock_left(repo)


@pytestmark_subprocess
def test_a_pipe_as_media_is_located(repo: BadInputRepo) -> None:
    os.mkfifo(repo.root / "media" / "pipe.png")
    repo.write(
        "posts/zz.yaml",
        "id: piped\nmethod: draft\naccounts: [kc-facebook]\ntype: photo\ntext: hi\n"
        "media:\n  - path: media/pipe.png\n",
    )
    before = repo.snapshot()
    diagnostic = (
        "posts/zz.yaml:7:11: error: media path 'media/pipe.png' is a named pipe, not a file "
        "[$.media[0].path]"
    )
    checked = repo.subprocess("validate", "posts/zz.yaml")
    assert (checked.code, checked.out.splitlines()[:-1]) == (1, [diagnostic])
    for command in (("plan",), ("apply", "--auto-approve")):
        run = repo.subprocess(*command)
        assert (run.code, run.err_lines) == (
            1,
            [
                f"contentctl: error: the manifests have errors ({diagnostic}); "
                "run `contentctl validate`"
            ],
        )
    assert repo.snapshot() == before
    no_lock_left(repo)


@pytestmark_subprocess
def test_a_pipe_as_the_config_is_refused(repo: BadInputRepo) -> None:
    config = repo.root / "contentctl.yaml"
    config.unlink()
    os.mkfifo(config)
    before = repo.snapshot()
    for command in (("validate",), ("plan",), ("apply", "--auto-approve")):
        run = repo.subprocess(*command)
        assert (run.code, run.err_lines) == (
            1,
            [f"contentctl: error: {config}: cannot read: Is a named pipe, not a file"],
        ), command
    assert repo.snapshot() == before
    no_lock_left(repo)


@pytestmark_subprocess
@pytest.mark.parametrize("kind", ["pipe", "folder"])
def test_a_special_file_as_the_state_is_refused_and_leaves_no_lock(
    repo: BadInputRepo, kind: str
) -> None:
    backup = repo.backup.read_bytes()
    repo.state.unlink()
    if kind == "pipe":
        os.mkfifo(repo.state)
        words = "Is a named pipe, not a file"
    else:
        repo.state.mkdir()
        words = "Is a directory"
    for command in (("plan",), ("apply", "--auto-approve"), ("state", "list")):
        run = repo.subprocess(*command)
        assert (run.code, run.err_lines) == (
            1,
            [f"contentctl: error: cannot read the state file {repo.state}: {words}"],
        ), command
        no_lock_left(repo)
    assert repo.backup.read_bytes() == backup
    mode = repo.state.stat().st_mode
    assert stat.S_ISFIFO(mode) if kind == "pipe" else stat.S_ISDIR(mode)


@pytestmark_subprocess
@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda path: os.mkfifo(path), "Is a named pipe, not a file"),
        (lambda path: path.symlink_to("/dev/zero"), "Is a character device, not a file"),
        (lambda path: path.mkdir(), "Is a directory"),
    ],
    ids=["pipe", "endless device", "folder"],
)
def test_a_special_file_as_the_saved_plan_is_refused_and_leaves_no_lock(
    repo: BadInputRepo, make: object, words: str
) -> None:
    plan = repo.root / "release.plan"
    make(plan)  # type: ignore[operator]
    before = repo.snapshot()
    run = repo.subprocess("apply", "release.plan")
    assert (run.code, run.err_lines) == (
        1,
        [f"contentctl: error: {plan}: cannot read the plan: {words}"],
    )
    assert repo.snapshot() == before
    no_lock_left(repo)


@pytestmark_subprocess
def test_a_pipe_in_place_of_the_lock_is_named_not_waited_on(repo: BadInputRepo) -> None:
    lock = repo.root / f"{STATE}.lock"
    os.mkfifo(lock)
    before = repo.snapshot()
    run = repo.subprocess("apply", "--auto-approve")
    assert (run.code, run.err_lines) == (
        1,
        [f"contentctl: error: cannot read the lock file {lock}: Is a named pipe, not a file"],
    )
    assert repo.snapshot() == before
    assert stat.S_ISFIFO(lock.stat().st_mode)  # not ours: left as it was
