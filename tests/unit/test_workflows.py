"""The GitHub workflows ``contentctl init`` writes: linted, least privilege, and what they do.

actionlint and zizmor (offline) must report nothing on them. Every action is
pinned to a commit, secrets reach only the steps that run contentctl, the
pull-request comment is written even when validate or plan fails (its script
runs here under node against a fake GitHub), and the local backend's
commit-back step is run against a real bare remote, including one that
refuses the push.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from contentctl.manifest.scaffold import init_repo
from contentctl.manifest.yamlio import parse_documents

BIN = Path(sys.executable).parent
WORKFLOWS = ("contentctl-apply.yml", "contentctl-plan.yml")
PINNED = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40}) # (v\d+(?:\.\d+)*)$")
SECRET = re.compile(r"\$\{\{\s*(secrets\.|github\.token)")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    init_repo(tmp_path / "repo")
    return tmp_path / "repo"


def workflow(repo: Path, name: str) -> dict[str, Any]:
    # yamlio's loader: `on:` stays the key "on" (PyYAML alone would read True)
    ((doc, _, _),) = parse_documents((repo / ".github/workflows" / name).read_text("utf-8"))
    assert isinstance(doc, dict)
    return doc


def steps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    (job,) = doc["jobs"].values()
    found: list[dict[str, Any]] = job["steps"]
    return found


def step(doc: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [s for s in steps(doc) if s.get("name") == name]
    return found


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is not installed: `make install` (the dev extra) brings it"
    return found


def test_actionlint_reports_nothing(repo: Path) -> None:
    files = [str(repo / ".github/workflows" / name) for name in WORKFLOWS]
    done = subprocess.run(
        [tool("actionlint"), "-no-color", "-oneline", *files], capture_output=True, text=True
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_zizmor_offline_reports_nothing(repo: Path) -> None:
    done = subprocess.run(
        [
            tool("zizmor"),
            "--offline",
            "--no-progress",
            "--format",
            "json",
            str(repo / ".github/workflows"),
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(repo.parent)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


def test_every_action_is_pinned_to_a_commit_with_its_tag_in_a_comment(repo: Path) -> None:
    pins: dict[str, set[tuple[str, str]]] = {}
    for name in WORKFLOWS:
        text = (repo / ".github/workflows" / name).read_text("utf-8")
        uses = [line for line in text.splitlines() if "uses:" in line]
        assert uses
        for line in uses:
            match = PINNED.match(line)
            assert match, f"{name}: not pinned to a commit with its tag: {line.strip()}"
            pins.setdefault(match[1], set()).add((match[2], match[3]))
    # one commit per action across both workflows
    assert {action: len(found) for action, found in pins.items()} == dict.fromkeys(pins, 1)
    assert set(pins) == {
        "actions/checkout",
        "actions/setup-python",
        "actions/github-script",
        "actions/upload-artifact",
    }


@pytest.mark.parametrize("name", WORKFLOWS)
def test_secrets_reach_only_the_steps_that_run_contentctl(repo: Path, name: str) -> None:
    doc = workflow(repo, name)
    assert "env" not in doc
    (job,) = doc["jobs"].values()
    assert "env" not in job
    holders = {}
    for each in steps(doc):
        secret_env = sorted(k for k, v in each.get("env", {}).items() if SECRET.search(str(v)))
        assert not SECRET.search(json.dumps(each.get("with", {}))), each
        if secret_env:
            holders[each["name"]] = secret_env
    contentctl = {"Plan"} if name == "contentctl-plan.yml" else {"Apply"}
    wanted = {
        s: ["CONTENTCTL_DATABASE_URL", "CONTENTCTL_GIT_TOKEN", "PUBLER_API_KEY"] for s in contentctl
    }
    if name == "contentctl-apply.yml":
        wanted["Commit the state file (local backend)"] = ["GITHUB_TOKEN"]
    assert holders == wanted
    for each in contentctl:
        assert step(doc, each)["run"].lstrip().startswith(("contentctl ", "set -o pipefail"))
    assert "PUBLER_API_KEY" not in json.dumps(step(doc, "Install contentctl"))
    assert "PUBLER_API_KEY" not in json.dumps(step(doc, "Validate") if "plan" in name else {})


@pytest.mark.parametrize(
    ("name", "permissions"),
    [
        ("contentctl-plan.yml", {"contents": "read", "pull-requests": "write"}),
        ("contentctl-apply.yml", {"contents": "write"}),
    ],
)
def test_permissions_are_none_at_the_top_and_minimal_per_job(
    repo: Path, name: str, permissions: dict[str, str]
) -> None:
    doc = workflow(repo, name)
    assert doc["permissions"] == {}
    (job,) = doc["jobs"].values()
    assert job["permissions"] == permissions


@pytest.mark.parametrize("name", WORKFLOWS)
def test_checkouts_keep_no_git_credentials(repo: Path, name: str) -> None:
    checkouts = [s for s in steps(workflow(repo, name)) if "actions/checkout@" in s.get("uses", "")]
    assert [s["with"]["persist-credentials"] for s in checkouts] == [False]


def test_apply_runs_one_at_a_time_on_the_branch_head(repo: Path) -> None:
    doc = workflow(repo, "contentctl-apply.yml")
    assert doc["on"] == {"push": {"branches": ["main"]}}
    assert doc["concurrency"] == {"group": "contentctl-apply", "cancel-in-progress": False}
    (checkout,) = [s for s in steps(doc) if "actions/checkout@" in s.get("uses", "")]
    assert checkout["with"]["ref"] == "${{ github.ref }}"
    assert step(doc, "Apply")["run"] == "contentctl apply --auto-approve"


# -- the pull-request comment --------------------------------------------------

HARNESS = r"""
const fs = require("fs");
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
const existing = JSON.parse(process.env.EXISTING);
const calls = [];
const github = {
  paginate: async (method, options) => {
    calls.push(["list", options]);
    return existing;
  },
  rest: { issues: {
    listComments: "listComments",
    updateComment: async (args) => calls.push(["update", args]),
    createComment: async (args) => calls.push(["create", args]),
  } },
};
const context = {
  repo: { owner: "acme", repo: "posts" },
  issue: { number: 7 },
  payload: { pull_request: { head: { sha: "0123456789abcdef" } } },
};
new AsyncFunction("github", "context", "require", fs.readFileSync(process.argv[2], "utf8"))(
  github, context, require,
).then(() => console.log(JSON.stringify(calls)));
"""


def run_comment(
    repo: Path,
    tmp_path: Path,
    files: dict[str, str],
    outcomes: tuple[str, str],
    existing: list[dict[str, Any]],
) -> list[Any]:
    comment = step(workflow(repo, "contentctl-plan.yml"), "Comment on the pull request")
    assert comment["if"] == "${{ always() }}"
    assert comment["env"] == {
        "VALIDATE_OUTCOME": "${{ steps.validate.outcome }}",
        "PLAN_OUTCOME": "${{ steps.plan.outcome }}",
    }
    work = tmp_path / "job"
    work.mkdir()
    for file, text in files.items():
        (work / file).write_text(text, encoding="utf-8")
    (tmp_path / "script.js").write_text(comment["with"]["script"], encoding="utf-8")
    (tmp_path / "harness.js").write_text(HARNESS, encoding="utf-8")
    done = subprocess.run(
        [tool("node"), str(tmp_path / "harness.js"), str(tmp_path / "script.js")],
        cwd=work,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "VALIDATE_OUTCOME": outcomes[0],
            "PLAN_OUTCOME": outcomes[1],
            "EXISTING": json.dumps(existing),
        },
    )
    assert done.returncode == 0, done.stderr
    calls: list[Any] = json.loads(done.stdout)
    return calls


LISTED = ["list", {"owner": "acme", "repo": "posts", "issue_number": 7, "per_page": 100}]


def test_comment_shows_the_plan_and_updates_its_own_comment(repo: Path, tmp_path: Path) -> None:
    existing = [{"id": 3, "body": "LGTM"}, {"id": 9, "body": "<!-- contentctl-plan -->\nold"}]
    calls = run_comment(
        repo, tmp_path, {"plan.md": "## Plan: 1 to create\n"}, ("success", "success"), existing
    )
    assert calls == [
        LISTED,
        [
            "update",
            {
                "owner": "acme",
                "repo": "posts",
                "comment_id": 9,
                "body": "<!-- contentctl-plan -->\n## Plan: 1 to create\n",
            },
        ],
    ]


def test_comment_says_the_plan_is_out_of_date_when_validate_fails(
    repo: Path, tmp_path: Path
) -> None:
    files = {"validate.txt": "::error file=content/a.yaml,line=2,col=12::unknown account alias\n"}
    calls = run_comment(repo, tmp_path, files, ("failure", "skipped"), [])
    assert calls[0] == LISTED
    kind, args = calls[1]
    assert kind == "create" and args["issue_number"] == 7
    assert args["body"].splitlines() == [
        "<!-- contentctl-plan -->",
        "### ⚠️ No current plan for 0123456: the plan is out of date",
        "",
        "Any plan shown here before is out of date: do not merge until this comment shows a "
        "plan again.",
        "",
        "**contentctl validate failed.**",
        "",
        "```",
        "::error file=content/a.yaml,line=2,col=12::unknown account alias",
        "",
        "```",
        "",
        "**contentctl plan did not run.**",
    ]


def test_comment_shows_the_plan_error_in_place_of_the_old_plan(repo: Path, tmp_path: Path) -> None:
    files = {
        "validate.txt": "",
        "plan.md": "## stale partial output\n",
        "plan-errors.txt": "contentctl: error: the state is locked by another run: pid 4\n",
    }
    existing = [{"id": 9, "body": "<!-- contentctl-plan -->\n## Plan: 1 to create\n"}]
    calls = run_comment(repo, tmp_path, files, ("success", "failure"), existing)
    kind, args = calls[1]
    assert (kind, args["comment_id"]) == ("update", 9)
    body = args["body"]
    assert "stale partial output" not in body
    assert body.splitlines()[1] == "### ⚠️ No current plan for 0123456: the plan is out of date"
    assert "**contentctl plan failed.**\n\n```\ncontentctl: error: the state is locked" in body
    assert "validate" not in body.split("plan is out of date", 1)[1].split("```")[0]


# -- the local backend's commit-back ------------------------------------------


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def pushed_clone(tmp_path: Path) -> tuple[Path, Path]:
    remote, clone = tmp_path / "origin.git", tmp_path / "clone"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    git(tmp_path, "clone", "--quiet", str(remote), str(clone))
    init_repo(clone)
    git(clone, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", ".")
    git(clone, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init")
    git(clone, "push", "--quiet", "origin", "HEAD:main")
    return remote, clone


def run_script(clone: Path, script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "GITHUB_REF_NAME": "main",
        "GITHUB_SHA": "0123abc",
        "GITHUB_RUN_ID": "42",
        "GITHUB_TOKEN": "not-a-real-token",
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=clone, env=env, capture_output=True, text=True
    )


def test_local_state_is_committed_back_only_when_it_changed(tmp_path: Path) -> None:
    remote, clone = pushed_clone(tmp_path)
    doc = workflow(clone, "contentctl-apply.yml")
    commit = step(doc, "Commit the state file (local backend)")
    assert commit["if"] == "${{ !cancelled() }}"

    first = run_script(clone, commit["run"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "no state file in the repo" in first.stdout
    (clone / "contentctl.state.json").write_text('{"serial": 1}\n', encoding="utf-8")
    second = run_script(clone, commit["run"], tmp_path)
    assert second.returncode == 0, second.stderr
    assert git(remote, "log", "-1", "--format=%s", "main") == (
        "contentctl: state after applying 0123abc"
    )
    third = run_script(clone, commit["run"], tmp_path)
    assert "state unchanged" in third.stdout
    assert git(remote, "rev-list", "--count", "main") == "2"
    assert "not-a-real-token" not in first.stdout + second.stdout + third.stdout


def test_local_state_that_cannot_be_pushed_is_kept_and_the_run_fails_loudly(
    tmp_path: Path,
) -> None:
    remote, clone = pushed_clone(tmp_path)
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch main'\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    doc = workflow(clone, "contentctl-apply.yml")
    (clone / "contentctl.state.json").write_text('{"serial": 1}\n', encoding="utf-8")

    pushed = run_script(clone, step(doc, "Commit the state file (local backend)")["run"], tmp_path)
    assert pushed.returncode != 0
    assert "protected branch main" in pushed.stderr
    assert git(remote, "rev-list", "--count", "main") == "1"

    keep = step(doc, "Keep the state that could not be written or pushed")
    assert keep["if"] == "${{ failure() }}"
    assert keep["with"]["path"].split() == ["contentctl.state.json", "*.errored.json"]
    assert keep["with"]["name"] == "contentctl-state-${{ github.run_id }}"
    loud = step(doc, "Say what to do with it")
    assert loud["if"] == "${{ failure() && steps.commit-state.outcome == 'failure' }}"
    said = run_script(clone, loud["run"], tmp_path)
    assert said.returncode == 1
    assert said.stdout.startswith(
        "::error title=contentctl state not pushed::The state after this apply is NOT on main. "
        "Download the artifact contentctl-state-42, commit its contentctl.state.json to main"
    )
