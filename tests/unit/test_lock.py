"""The state lock: who holds it, contention (exit 4), waiting, stale locks, real races."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from contentctl.errors import ExitCode, StateError, StateLockedError
from contentctl.state.lock import LockInfo, StateLock, break_lock, lock_path_for, read_lock

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "contentctl.state.json"


def dead_pid() -> int:
    """The pid of a process that has already exited and been reaped."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True
    )
    return int(done.stdout)


def plant_lock(state_path: Path, pid: int, host: str | None = None) -> None:
    holder = {
        "pid": pid,
        "host": host or socket.gethostname(),
        "user": "ci-bot",
        "command": "contentctl apply",
        "since": "2027-01-05T08:00:00Z",
    }
    lock_path_for(state_path).write_text(json.dumps(holder), "utf-8")


def test_lock_file_says_who_holds_it_and_goes_away(state_path: Path) -> None:
    with StateLock(state_path, "contentctl apply") as info:
        held = json.loads(lock_path_for(state_path).read_text("utf-8"))
        assert held == info.to_json()
        assert held["pid"] == os.getpid()
        assert held["host"] == socket.gethostname()
        assert held["command"] == "contentctl apply"
        assert held["since"].endswith("Z")
        assert read_lock(state_path) == info
    assert not lock_path_for(state_path).exists()
    assert read_lock(state_path) is None


def test_lock_is_released_when_the_body_raises(state_path: Path) -> None:
    with pytest.raises(KeyError), StateLock(state_path, "contentctl apply"):
        raise KeyError("boom")
    assert not lock_path_for(state_path).exists()


def test_second_taker_gets_exit_4_naming_the_holder(state_path: Path) -> None:
    plant_lock(state_path, os.getpid())
    with pytest.raises(StateLockedError) as caught, StateLock(state_path, "contentctl plan"):
        pytest.fail("the lock was taken twice")
    error = caught.value
    assert error.exit_code == ExitCode.LOCKED
    assert int(error.exit_code) == 4
    message = str(error)
    for part in (str(os.getpid()), socket.gethostname(), "ci-bot", "contentctl apply"):
        assert part in message
    assert "2027-01-05T08:00:00Z" in message
    assert "state unlock" not in message  # the holder is alive: breaking it would be wrong
    assert lock_path_for(state_path).exists()


def test_lock_of_a_dead_process_hints_unlock_and_can_be_broken(state_path: Path) -> None:
    pid = dead_pid()
    plant_lock(state_path, pid)
    with pytest.raises(StateLockedError, match="contentctl state unlock"):
        StateLock(state_path, "contentctl apply").acquire()

    broken = break_lock(state_path)
    assert broken.pid == pid
    assert not lock_path_for(state_path).exists()
    with StateLock(state_path, "contentctl apply"):
        pass


def test_break_refuses_a_live_or_remote_holder_unless_forced(state_path: Path) -> None:
    plant_lock(state_path, os.getpid())
    with pytest.raises(StateError, match=r"still running.*--force"):
        break_lock(state_path)
    assert lock_path_for(state_path).exists()

    plant_lock(state_path, dead_pid(), host="some-other-runner")
    with pytest.raises(StateError, match="cannot tell"):
        break_lock(state_path)
    assert break_lock(state_path, force=True).host == "some-other-runner"
    assert not lock_path_for(state_path).exists()


def test_break_without_a_lock_says_so(state_path: Path) -> None:
    with pytest.raises(StateError, match="not locked"):
        break_lock(state_path)


def test_garbled_lock_is_an_unknown_holder(state_path: Path) -> None:
    lock_path_for(state_path).write_bytes(b"")
    info = read_lock(state_path)
    assert info is not None and info.pid == 0
    with pytest.raises(StateLockedError, match="unknown process"):
        StateLock(state_path, "contentctl apply").acquire()
    with pytest.raises(StateError, match="--force"):
        break_lock(state_path)


def test_timeout_waits_for_the_holder_to_finish(state_path: Path) -> None:
    plant_lock(state_path, os.getpid())
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 3:
            lock_path_for(state_path).unlink()

    with StateLock(state_path, "contentctl apply", timeout=10, poll_interval=1, sleep=sleep):
        assert read_lock(state_path) is not None
        assert read_lock(state_path).pid == os.getpid()  # type: ignore[union-attr]
    assert slept == [1, 1, 1]


def test_timeout_gives_up_after_waiting(state_path: Path) -> None:
    plant_lock(state_path, os.getpid())
    slept: list[float] = []
    lock = StateLock(
        state_path, "contentctl apply", timeout=2.5, poll_interval=1, sleep=slept.append
    )
    with pytest.raises(StateLockedError, match=re.escape("waited 2.5s")):
        lock.acquire()
    assert slept == [1, 1, 0.5]


def test_release_leaves_a_lock_someone_else_took(state_path: Path) -> None:
    with StateLock(state_path, "contentctl apply"):
        # Our lock was broken (`state unlock --force`) and another run took it.
        plant_lock(state_path, os.getpid() + 1)
    assert read_lock(state_path) == LockInfo(
        os.getpid() + 1, socket.gethostname(), "ci-bot", "contentctl apply", "2027-01-05T08:00:00Z"
    )


RACER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from contentctl.errors import StateLockedError
    from contentctl.state.lock import StateLock

    print("ready", flush=True)
    sys.stdin.readline()
    try:
        with StateLock(Path(sys.argv[1]), "racer"):
            print("won", flush=True)
            sys.stdin.readline()
    except StateLockedError as exc:
        print(f"locked {exc.exit_code}", flush=True)
    """
)


@pytest.mark.parametrize("round_", range(3))
def test_processes_racing_for_the_lock_exactly_one_wins(state_path: Path, round_: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # Each Popen is a context manager so its pipes are closed and it is reaped, even on failure.
    with contextlib.ExitStack() as stack:
        racers = [
            stack.enter_context(
                subprocess.Popen(
                    [sys.executable, "-c", RACER, str(state_path)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    env=env,
                    text=True,
                )
            )
            for _ in range(4)
        ]
        try:
            for racer in racers:
                assert racer.stdout is not None and racer.stdout.readline() == "ready\n"
            for racer in racers:  # all are waiting on stdin: release them together
                assert racer.stdin is not None
                racer.stdin.write("go\n")
                racer.stdin.flush()
            outcomes = [racer.stdout.readline().strip() for racer in racers if racer.stdout]
            assert sorted(outcomes) == ["locked 4", "locked 4", "locked 4", "won"]
            winner = racers[outcomes.index("won")]
            assert read_lock(state_path).pid == winner.pid  # type: ignore[union-attr]
            assert winner.stdin is not None
            winner.stdin.write("done\n")
            winner.stdin.flush()
            assert [racer.wait(timeout=30) for racer in racers] == [0, 0, 0, 0]
        finally:
            for racer in racers:
                if racer.poll() is None:
                    racer.kill()
    assert not lock_path_for(state_path).exists()
