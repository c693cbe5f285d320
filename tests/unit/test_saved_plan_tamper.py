"""A saved plan is a commitment, never a script: each hand edit to one is refused.

``plan --out FILE`` then ``apply FILE``, in process through click's CliRunner
against the in-process sandbox. Every edit a user could make to the file (the
text, the account id, a delete added, ``before.remote_id`` pointed at another
post, a media path out of the repo, the plan of another repository or state)
is refused with exit 1, naming what differs; the state file and its backup are
byte-identical afterwards, the sandbox holds the same posts and got no request
that writes.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import contentctl.sandbox as sandbox
from contentctl.cli import cli
from contentctl.config import load_config
from contentctl.errors import ExitCode
from contentctl.model import Provider
from contentctl.plan.commitment import repo_identity
from contentctl.sandbox.seed import default_account_id
from contentctl.sandbox.server import SandboxTransport

FB = default_account_id(Provider.FACEBOOK)
X = default_account_id(Provider.TWITTER)
X_NEWS = default_account_id(Provider.TWITTER, "-2")  # the sandbox's second X account
WORKSPACE = "6650f1c2a1b2c3d4e5f60718"
CONFIG = f"""\
workspace: {WORKSPACE}
endpoint: sandbox
timezone: Europe/Berlin
content: posts
state: contentctl.state.json
accounts:
  fb: {{id: {FB}, provider: facebook}}
  x: {{id: {X}, provider: twitter}}
"""
HINT = " (hint: run `contentctl plan --out FILE` again, review it and apply that)"
EDITED = (
    "contentctl: error: the saved plan is not the plan the manifests and state give now "
    "(edited since it was made?); nothing was applied"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def post(post_id: str, *, text: str | None = None, at: str = "2030-03-01T09:00",
         accounts: str = "[fb, x]", extra: str = "") -> str:  # fmt: skip
    body = text if text is not None else f"Hello from {post_id}"
    return (
        f"id: {post_id}\nat: {at}\naccounts: {accounts}\ntype: status\n"
        f"text: {json.dumps(body)}\n{extra}"
    )


@dataclass
class Repo:
    """A content repo whose CLI runs in process, counting what reaches the sandbox."""

    root: Path
    transports: list[SandboxTransport] = field(default_factory=list)

    def write(self, name: str, text: str) -> None:
        path = self.root / "posts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(cli, ["-C", str(self.root), *args])

    def ok(self, *args: str) -> Result:
        result = self.run(*args)
        assert result.exit_code == ExitCode.OK, result.output + result.stderr
        return result

    def save(self, name: str = "release.plan") -> dict[str, Any]:
        self.ok("plan", "--out", name, "--no-color")
        loaded: dict[str, Any] = json.loads((self.root / name).read_text("utf-8"))
        return loaded

    def edit(self, document: dict[str, Any], name: str = "release.plan") -> None:
        (self.root / name).write_text(json.dumps(document, indent=2), encoding="utf-8")

    @property
    def state_path(self) -> Path:
        return self.root / "contentctl.state.json"

    def state_bytes(self) -> list[bytes | None]:
        """The state file and its backup, byte for byte (None: absent)."""
        backup = self.state_path.with_name(self.state_path.name + ".backup")
        return [p.read_bytes() if p.exists() else None for p in (self.state_path, backup)]

    def state(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.state_path.read_text("utf-8"))
        return loaded

    def remote_posts(self) -> list[tuple[str, str, str]]:
        db = self.root / ".contentctl" / "sandbox.db"
        if not db.exists():
            return []
        store = sandbox.Store(db)
        try:
            rows = store.posts()
        finally:
            store.close()
        return sorted((str(p["id"]), str(p["account_id"]), str(p["text"])) for p in rows)

    def requests(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for transport in self.transports:
            for name, n in transport.sandbox.stats.requests.items():
                counts[name] = counts.get(name, 0) + n
        return counts

    def forget_requests(self) -> None:
        self.transports.clear()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repo]:
    root = tmp_path / "repo"
    (root / "posts").mkdir(parents=True)
    (root / "contentctl.yaml").write_text(CONFIG, encoding="utf-8")
    made = Repo(root)
    real = sandbox.in_process_transport

    def counted(*args: Any, **kwargs: Any) -> SandboxTransport:
        transport = real(*args, **kwargs)
        made.transports.append(transport)
        return transport

    monkeypatch.setattr(sandbox, "in_process_transport", counted)
    yield made


def refused(repo: Repo, *args: str) -> str:
    """Apply the saved plan; assert it is refused untouched and return its stderr."""
    state = repo.state_bytes()
    posts = repo.remote_posts()
    repo.forget_requests()
    result = repo.run("apply", "release.plan", "--no-color", *args)
    assert result.exit_code == ExitCode.ERROR == 1, result.output + result.stderr
    assert repo.state_bytes() == state
    assert repo.remote_posts() == posts
    writes = {k: n for k, n in repo.requests().items() if not k.startswith("GET ")}
    assert writes == {}
    return result.stderr


def change(document: dict[str, Any], post_id: str, alias: str) -> dict[str, Any]:
    (found,) = [c for c in document["changes"] if (c["post_id"], c["alias"]) == (post_id, alias)]
    return found  # type: ignore[no-any-return]


# -- each edit is refused, naming what differs -------------------------------------------


def test_text_changed_after_review_is_refused(repo: Repo) -> None:
    repo.write("a.yaml", post("launch"))
    document = repo.save()
    change(document, "launch", "fb")["after"]["spec"]["network"]["text"] = "Not reviewed"
    repo.edit(document)
    assert refused(repo) == (
        f"{EDITED}\n"
        '  launch @ fb: network.text is "Not reviewed" in the saved plan, "Hello from launch" '
        f"in the manifests{HINT}\n"
    )
    assert repo.remote_posts() == [] and not repo.state_path.exists()


def test_text_changed_with_a_matching_hash_is_refused_too(repo: Repo) -> None:
    from contentctl.plan.targets import spec_hash

    repo.write("a.yaml", post("launch"))
    document = repo.save()
    after = change(document, "launch", "x")["after"]
    after["spec"]["network"]["text"] = "Not reviewed"
    after["content_hash"] = spec_hash(after["spec"])  # a careful forger: the hash matches
    repo.edit(document)
    assert refused(repo) == (
        f"{EDITED}\n"
        '  launch @ x: network.text is "Not reviewed" in the saved plan, "Hello from launch" '
        f"in the manifests{HINT}\n"
    )


def test_create_sent_to_another_account_id_is_refused(repo: Repo) -> None:
    repo.write("a.yaml", post("launch"))
    document = repo.save()
    change(document, "launch", "x")["after"]["account_id"] = X_NEWS
    repo.edit(document)
    assert refused(repo) == (
        f"{EDITED}\n"
        f"  launch @ x: account id {X_NEWS} in the saved plan, {X} in contentctl.yaml{HINT}\n"
    )


def test_a_delete_added_to_the_plan_is_refused(repo: Repo) -> None:
    repo.write("a.yaml", post("keep", accounts="[fb]"))
    repo.ok("apply", "--auto-approve", "--no-color")
    repo.write("b.yaml", post("launch", accounts="[fb]", at="2030-03-02T09:00"))
    document = repo.save()
    keep = change(document, "keep", "fb")
    assert keep["action"] == "no-op"
    keep.update(action="delete", after=None, reason="removed from the manifests")
    repo.edit(document)
    assert refused(repo) == (
        f"{EDITED}\n  keep @ fb: the saved plan has delete, the plan now no-op{HINT}\n"
    )
    assert [text for _, _, text in repo.remote_posts()] == ["Hello from keep"]


def test_a_delete_of_a_post_the_state_never_had_is_refused(repo: Repo) -> None:
    repo.write("a.yaml", post("keep", accounts="[fb]"))
    repo.ok("apply", "--auto-approve", "--no-color")
    document = repo.save()
    ghost = json.loads(json.dumps(change(document, "keep", "fb")))
    ghost.update(post_id="ghost", action="delete", after=None)
    document["changes"].append(ghost)
    repo.edit(document)
    assert refused(repo) == (
        f"{EDITED}\n"
        "  ghost @ fb: the saved plan has delete, but the manifests and state have no such "
        f"post{HINT}\n"
    )


def test_before_remote_id_pointed_at_another_post_is_refused(repo: Repo) -> None:
    repo.write("a.yaml", post("launch", accounts="[fb]"))
    repo.write("b.yaml", post("other", accounts="[fb]", at="2030-03-02T09:00"))
    repo.ok("apply", "--auto-approve", "--no-color")
    ids = {pid: entry["fb"]["remote_id"] for pid, entry in repo.state()["posts"].items()}
    repo.write("a.yaml", post("launch", accounts="[fb]", text="Hello, edited"))
    document = repo.save()
    update = change(document, "launch", "fb")
    assert update["action"] == "update"
    update["before"]["remote_id"] = ids["other"]
    repo.edit(document)
    assert refused(repo) == (
        f"{EDITED}\n"
        f'  launch @ fb: before.remote_id is "{ids["other"]}" in the saved plan, '
        f'"{ids["launch"]}" in the state{HINT}\n'
    )
    texts = sorted(text for _, _, text in repo.remote_posts())
    assert texts == ["Hello from launch", "Hello from other"]


def test_media_path_out_of_the_repo_is_refused(repo: Repo, tmp_path: Path) -> None:
    (repo.root / "media").mkdir()
    (repo.root / "media" / "a.png").write_bytes(PNG)
    (tmp_path / "secret.png").write_bytes(PNG + b"secret")
    media = "media:\n  - path: media/a.png\n"
    repo.write("a.yaml", post("launch", accounts="[fb]", extra=media).replace("status", "photo"))
    document = repo.save()
    item = change(document, "launch", "fb")["after"]["spec"]["network"]["media"][0]
    item["path"] = "../secret.png"
    repo.edit(document)
    assert refused(repo) == (
        f"{EDITED}\n"
        '  launch @ fb: network.media[0].path is "../secret.png" in the saved plan, '
        f'"media/a.png" in the manifests{HINT}\n'
    )


# -- a saved plan is bound to its repository, its remote and its state -------------------


def test_a_plan_made_where_no_state_exists_is_refused_in_another_repo(
    repo: Repo, tmp_path: Path
) -> None:
    repo.write("a.yaml", post("launch"))
    repo.save()
    other = Repo(tmp_path / "other", repo.transports)
    shutil.copytree(repo.root, other.root)
    assert not other.state_path.exists()
    theirs = repo_identity(load_config(repo.root / "contentctl.yaml"))
    assert refused(other) == (
        "contentctl: error: the saved plan is stale: the plan was made in another repository "
        f"(repo {theirs}), not here{HINT}\n"
    )
    assert other.requests() == {}  # refused before anything was asked of the remote


def test_a_plan_naming_no_repository_is_refused(repo: Repo) -> None:
    repo.write("a.yaml", post("launch"))
    document = repo.save()
    del document["repo"]
    repo.edit(document)
    assert refused(repo) == (
        "contentctl: error: the saved plan is stale: the plan names no repository (made by an "
        f"older contentctl?){HINT}\n"
    )


def test_a_plan_of_another_lineage_is_refused(repo: Repo) -> None:
    repo.write("a.yaml", post("launch", accounts="[fb]"))
    repo.ok("apply", "--auto-approve", "--no-color")
    repo.write("b.yaml", post("second", accounts="[fb]", at="2030-03-02T09:00"))
    document = repo.save()
    lineage = repo.state()["lineage"]
    other = str(uuid.uuid4())
    document["state"]["lineage"] = other
    repo.edit(document)
    assert refused(repo) == (
        "contentctl: error: the saved plan is stale: the state's lineage is "
        f"{lineage}, the plan's {other}{HINT}\n"
    )
    assert repo.requests() == {}


def test_a_no_state_plan_is_refused_once_a_state_exists(repo: Repo) -> None:
    repo.write("a.yaml", post("launch", accounts="[fb]"))
    repo.save()
    repo.ok("apply", "--auto-approve", "--no-color")  # someone applied meanwhile
    assert refused(repo) == (
        "contentctl: error: the saved plan is stale: the state file was created since the plan "
        f"was made{HINT}\n"
    )
    assert repo.requests() == {}


def test_a_plan_whose_serial_was_edited_is_refused(repo: Repo) -> None:
    repo.write("a.yaml", post("launch", accounts="[fb]"))
    repo.ok("apply", "--auto-approve", "--no-color")
    repo.write("b.yaml", post("second", accounts="[fb]", at="2030-03-02T09:00"))
    document = repo.save()
    serial = document["state"]["serial"]
    document["state"]["serial"] = serial + 7
    repo.edit(document)
    assert refused(repo) == (
        "contentctl: error: the saved plan is stale: the state changed since the plan was made "
        f"(serial {serial + 7} → {serial}){HINT}\n"
    )


def test_the_untouched_plan_is_applied_as_recomputed(repo: Repo) -> None:
    repo.write("a.yaml", post("launch"))
    repo.save()
    result = repo.ok("apply", "release.plan", "--no-color")
    assert "Apply complete: 2 created, 0 updated, 0 deleted, 0 failed." in result.output
    assert sorted((acc, text) for _, acc, text in repo.remote_posts()) == sorted(
        [(FB, "Hello from launch"), (X, "Hello from launch")]
    )


def test_a_change_keyed_by_a_number_is_a_malformed_plan(repo: Repo) -> None:
    repo.write("a.yaml", post("launch"))
    document = repo.save()
    change(document, "launch", "fb")["post_id"] = 5
    repo.edit(document)
    assert refused(repo) == (
        "contentctl: error: the saved plan is malformed (TypeError('post_id 5 is not a "
        "string')); make the plan again\n"
    )


def test_a_plan_made_against_another_remote_is_refused(repo: Repo) -> None:
    repo.write("a.yaml", post("launch"))
    document = repo.save()
    here = document["remote"]
    document["remote"] = "https://app.publer.com/api/v1 (workspace 6650f1c2a1b2c3d4e5f60718)"
    repo.edit(document)
    assert refused(repo) == (
        "contentctl: error: the saved plan is stale: the plan was made against "
        f"{document['remote']}, this run talks to {here}{HINT}\n"
    )
    assert repo.requests() == {}
