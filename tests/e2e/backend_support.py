"""A team for the shared-backend tests: a bare git remote, clones of it, one served sandbox,
and a throwaway PostgreSQL server.

``make_team`` pushes a content repo whose ``state:`` is the given backend to a
bare repository on disk and clones it again for each member: each clone is a
``Project`` (its own folder, as on its own machine) driving the real CLI
against the one sandbox. ``PgServer.start()`` runs ``initdb`` in a temp
folder and starts the server on a unix socket there (as the ``postgres`` user
when the tests run as root, which PostgreSQL refuses), for
``scripts/ensure-postgres.sh`` to have installed; ``stop()`` removes it all.
"""

from __future__ import annotations

import atexit
import getpass
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from glob import glob
from pathlib import Path

from e2e_support import CONFIG, Project, Served, post_yaml, serve

HOST = socket.gethostname()
USER = getpass.getuser()
POSTS = {"alpha": "2027-07-01T09:00", "beta": "2027-07-02T09:00", "gamma": "2027-07-03T09:00"}


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def serve_sandbox(tmp_path: Path) -> Served:
    """The one sandbox every clone applies to, with the accounts of the team's config."""
    folder = tmp_path / "sandbox"
    folder.mkdir()
    (folder / "contentctl.yaml").write_text(CONFIG, encoding="utf-8")
    return serve(folder, "--rate-limit", "0")


def make_team(
    tmp_path: Path, server: Served, state: str, members: tuple[str, ...] = ("alice", "bob")
) -> tuple[Path, list[Project]]:
    """The bare remote and one clone per member, all with the same posts and ``state:``."""
    remote = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    first = tmp_path / members[0]
    git(tmp_path, "clone", "--quiet", str(remote), str(first))
    assert "\nstate: contentctl.state.json\n" in CONFIG
    config = CONFIG.replace("\nstate: contentctl.state.json\n", f"\nstate: {state}\n")
    (first / "contentctl.yaml").write_text(config, encoding="utf-8")
    (first / ".gitignore").write_text(".contentctl/\n", encoding="utf-8")
    (first / "posts").mkdir()
    for post_id, at in POSTS.items():
        (first / "posts" / f"{post_id}.yaml").write_text(
            post_yaml(post_id, at=at, accounts="[fb, masto]"), encoding="utf-8"
        )
    git(first, "add", ".")
    git(first, "commit", "--quiet", "-m", "posts")
    git(first, "push", "--quiet", "origin", "HEAD:main")
    for member in members[1:]:
        git(tmp_path, "clone", "--quiet", str(remote), str(tmp_path / member))
    return remote, [Project(tmp_path / member, server) for member in members]


def wanted_posts() -> set[tuple[str, str]]:
    from e2e_support import ACCOUNTS

    return {
        (ACCOUNTS[alias][0], f"Hello from {post_id}")
        for post_id in POSTS
        for alias in ("fb", "masto")
    }


def assert_each_post_once(project: Project) -> None:
    index = project.remote_index()
    assert {key: len(found) for key, found in index.items()} == dict.fromkeys(wanted_posts(), 1)


def hold_lock(project: Project, *, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """An apply stopped (SIGSTOP) while it holds the lock: it has started sending a batch."""
    holder = project.start("apply", "--auto-approve", env=env)
    assert holder.stderr is not None
    seen = []
    for line in holder.stderr:
        seen.append(line)
        if line.startswith("Submitting batch"):
            break
    else:
        holder.wait()
        raise AssertionError(f"the holder never got to submit: {''.join(seen)}")
    holder.send_signal(signal.SIGSTOP)
    return holder


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)  # a stopped process dies of SIGKILL too
    process.communicate()


@dataclass
class PgServer:
    folder: Path
    owner: str | None  # the user the server runs as, when we are root
    bin_dir: Path

    @property
    def url(self) -> str:
        return f"postgresql://contentctl@/postgres?host={self.folder}"

    @classmethod
    def start(cls) -> PgServer:
        initdb = shutil.which("initdb") or next(
            iter(sorted(glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)), None
        )
        assert initdb, "no PostgreSQL server here: run scripts/ensure-postgres.sh (make test does)"
        bin_dir = Path(initdb).resolve().parent
        folder = Path(tempfile.mkdtemp(prefix="contentctl-pg-"))
        owner = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            owner = "postgres"
            entry = pwd.getpwnam(owner)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        folder.chmod(0o755)
        server = cls(folder, owner, bin_dir)
        # also if pytest itself stops short of the session's teardown
        atexit.register(server.stop)
        server._run(
            str(bin_dir / "initdb"),
            "-D",
            str(folder / "data"),
            "-U",
            "contentctl",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-c listen_addresses='' -c unix_socket_directories={folder} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        server._run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(folder / "data"),
            "-l",
            str(folder / "log"),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )
        return server

    def stop(self) -> None:
        if not (self.folder / "data").exists():
            return  # stopped already
        pg_ctl = str(self.bin_dir / "pg_ctl")
        try:
            # a server that never started has nothing to stop: no check here
            self._run(
                pg_ctl, "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop", check=False
            )
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, *argv: str, check: bool = True) -> None:
        command = ["runuser", "-u", self.owner, "--", *argv] if self.owner else list(argv)
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder, timeout=120)
        assert done.returncode == 0 or not check, f"{argv[0]} failed: {done.stdout}{done.stderr}"
