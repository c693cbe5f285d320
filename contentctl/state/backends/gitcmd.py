"""The ``git`` command as the git backend uses it: a private cache repository and one remote.

``GitRemote(root, remote)`` resolves the content repo's remote (a name such as
``origin``, or a URL or path) and keeps a bare cache repository in
``.contentctl/git-state`` (ignored by the scaffolded .gitignore), so reading
and writing the state never touches the user's branch, index or working tree.
``ls_remote`` / ``fetch`` / ``push`` talk to the remote; ``store_file`` /
``commit`` / ``read_file`` build and read commits locally. ``push`` returns
False when the remote refused the update as not a fast-forward or a stale
lease: that refusal is the backends' conflict check. ``CONTENTCTL_GIT_TOKEN``,
when set, is sent as an HTTP auth header through git's environment config,
never on a command line, and never appears in a message.
"""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path

from contentctl.errors import ConfigError
from contentctl.state.backends.docstore import BackendUnavailableError

TOKEN_ENV = "CONTENTCTL_GIT_TOKEN"
CACHE = Path(".contentctl") / "git-state"
# Variables a caller (a pre-commit hook, a git alias) may set that would point git elsewhere.
_GIT_LOCATION = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
)
_REFUSED = (
    "[rejected]",
    "(fetch first)",
    "(non-fast-forward)",
    "(stale info)",
    "[remote rejected]",
)


def _environment() -> tuple[dict[str, str], tuple[str, ...]]:
    """git's environment, and the secrets to keep out of messages."""
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION}
    env.update(
        GIT_TERMINAL_PROMPT="0",  # never wait for a password nobody will type
        LC_ALL="C",
        GIT_AUTHOR_NAME="contentctl",
        GIT_AUTHOR_EMAIL="contentctl@localhost",
        GIT_COMMITTER_NAME="contentctl",
        GIT_COMMITTER_EMAIL="contentctl@localhost",
    )
    token = env.pop(TOKEN_ENV, "").strip()
    if not token:
        return env, ()
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    index = int(env.get("GIT_CONFIG_COUNT", "0") or "0")
    env[f"GIT_CONFIG_KEY_{index}"] = "http.extraheader"
    env[f"GIT_CONFIG_VALUE_{index}"] = f"AUTHORIZATION: basic {basic}"
    env["GIT_CONFIG_COUNT"] = str(index + 1)
    return env, (token, basic)


class GitRemote:
    def __init__(self, root: Path, remote: str) -> None:
        self._env, self._secrets = _environment()
        self.name = remote
        self.url = self._resolve(root, remote)
        self.cache = root / CACHE
        if not (self.cache / "HEAD").exists():
            self.cache.mkdir(parents=True, exist_ok=True)
            self._run(["git", "init", "--quiet", "--bare", str(self.cache)], what="set up")

    def _resolve(self, root: Path, remote: str) -> str:
        if "/" in remote or ":" in remote:
            return (
                remote
                if "://" in remote or not Path(remote).exists()
                else str((root / remote).resolve())
            )
        done = subprocess.run(
            ["git", "-C", str(root), "remote", "get-url", remote],
            capture_output=True,
            text=True,
            env=self._env,
        )
        if done.returncode != 0:
            raise ConfigError(
                f"the git state backend keeps the state on the remote {remote!r} of the "
                f"content repo, but {root} has no such remote",
                hint=f"`git remote add {remote} URL`, or set state.remote to a remote or URL",
            )
        url = done.stdout.strip()
        # a remote that is a relative path is relative to the repo, not to where we run
        return url if "://" in url or ":" in url.split("/")[0] else str((root / url).resolve())

    # -- talking to the remote -------------------------------------------------------

    def ls_remote(self, *refs: str) -> dict[str, str]:
        """ref → commit for those of ``refs`` the remote has."""
        out = self.git("ls-remote", self.url, *refs, what="read")
        found = {}
        for line in out.splitlines():
            sha, _, ref = line.partition("\t")
            if ref in refs:
                found[ref] = sha
        return found

    def fetch(self, ref: str, into: str) -> bool:
        """Fetch ``ref`` as ``into`` in the cache; False when the remote no longer has it."""
        done = self._run(
            [
                "git",
                "--git-dir",
                str(self.cache),
                "fetch",
                "--quiet",
                "--no-tags",
                self.url,
                f"+{ref}:{into}",
            ],
            what="read",
            check=False,
        )
        if done.returncode == 0:
            return True
        if "couldn't find remote ref" in done.stderr:
            return False
        raise self._failure("read", done)

    def push(self, refspec: str, *, lease: tuple[str, str] | None = None) -> bool:
        """Push; False when the remote refused it as not a fast-forward or a stale lease."""
        args = ["push", "--porcelain", "--quiet"]
        if lease is not None:
            args.append(f"--force-with-lease={lease[0]}:{lease[1]}")
        done = self._run(
            ["git", "--git-dir", str(self.cache), *args, self.url, refspec],
            what="write",
            check=False,
        )
        if done.returncode == 0:
            return True
        said = done.stdout + done.stderr
        if any(mark in said for mark in _REFUSED) and "hook declined" not in said:
            return False
        raise self._failure("write", done)

    # -- local objects ---------------------------------------------------------------

    def store_file(self, name: str, text: str) -> str:
        """A tree holding one file ``name`` with ``text``."""
        blob = self.git("hash-object", "-w", "--stdin", stdin=text).strip()
        return self.git("mktree", stdin=f"100644 blob {blob}\t{name}\n").strip()

    def commit(self, tree: str, message: str, parent: str | None = None) -> str:
        parents = ["-p", parent] if parent else []
        return self.git("commit-tree", tree, *parents, "-m", message).strip()

    def read_file(self, commit: str, name: str) -> str:
        return self.git("cat-file", "blob", f"{commit}:{name}", what="read")

    def has(self, commit: str) -> bool:
        done = self._run(
            ["git", "--git-dir", str(self.cache), "cat-file", "-e", f"{commit}^{{commit}}"],
            what="read",
            check=False,
        )
        return done.returncode == 0

    def git(self, *args: str, stdin: str | None = None, what: str = "write") -> str:
        return self._run(
            ["git", "--git-dir", str(self.cache), *args], what=what, stdin=stdin
        ).stdout

    def _run(
        self, argv: list[str], *, what: str, stdin: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        try:
            done = subprocess.run(
                argv, input=stdin, capture_output=True, text=True, env=self._env, timeout=300
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BackendUnavailableError(
                f"could not {what} the state on the git remote {self.name!r}: {exc}"
            ) from None
        if check and done.returncode != 0:
            raise self._failure(what, done)
        return done

    def _failure(
        self, what: str, done: subprocess.CompletedProcess[str]
    ) -> BackendUnavailableError:
        said = " ".join((done.stderr or done.stdout).split()) or f"git exited {done.returncode}"
        for secret in self._secrets:
            said = said.replace(secret, "***")
        return BackendUnavailableError(
            f"could not {what} the state on the git remote {self.name!r}: {said}"
        )
