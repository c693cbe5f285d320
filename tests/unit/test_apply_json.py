"""JSON for scripts: apply --format json, apply --json-events and state list --format json.

Run through click's CliRunner on a copy of the examples against the in-process
sandbox; every document and every event line carries ``format_version``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from contentctl.cli import cli

EXAMPLES = Path(__file__).parents[2] / "examples" / "content"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root)
    return root


def run(repo: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(repo), *args])
    return result.exit_code, result.stdout, result.stderr


def planned(repo: Path) -> int:
    code, out, _ = run(repo, "plan", "--format", "json")
    assert code == 0
    return sum(1 for change in json.loads(out)["changes"] if change["action"] != "no-op")


def test_apply_format_json_is_one_report_with_a_result_per_post_and_account(repo: Path) -> None:
    total = planned(repo)
    code, out, err = run(repo, "apply", "--auto-approve", "--format", "json")
    assert code == 0
    report = json.loads(out)  # stdout is the report alone: the plan went to stderr
    assert "Plan: " in err
    assert report["format_version"] == 1
    assert report["summary"] == f"Apply complete: {total} created, 0 updated, 0 deleted, 0 failed."
    assert report["counts"] == {
        "created": total,
        "adopted": 0,
        "updated": 0,
        "deleted": 0,
        "failed": 0,
        "unconfirmed": 0,
        "blocked": 0,
        "unchanged": 0,
    }
    assert len(report["results"]) == total
    assert {r["result"] for r in report["results"]} == {"created"}
    assert set(report["results"][0]) == {
        "post_id",
        "alias",
        "provider",
        "action",
        "result",
        "remote_id",
        "message",
    }
    code, listed, _ = run(repo, "state", "list", "--format", "json")
    state = json.loads(listed)
    by_key = {(e["post_id"], e["alias"]): e["remote_id"] for e in state["entries"]}
    assert all(by_key[(r["post_id"], r["alias"])] == r["remote_id"] for r in report["results"])

    code, out, _ = run(repo, "apply", "--auto-approve", "--format", "json")
    again = json.loads(out)
    assert code == 0 and again["results"] == [] and again["counts"]["unchanged"] == total


def test_apply_json_events_is_one_object_per_line_from_plan_to_finish(repo: Path) -> None:
    total = planned(repo)
    code, out, _ = run(repo, "apply", "--auto-approve", "--json-events")
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    assert all(e["format_version"] == 1 and e["timestamp"].endswith("Z") for e in events)
    kinds = [e["type"] for e in events]
    assert kinds[0] == "plan" and kinds[-1] == "finished"
    assert events[0]["counts"] == {"create": total}
    assert events[0]["message"].startswith(f"Plan: {total} to create, ")
    assert kinds.count("post_created") == total
    assert kinds.count("batch_submitted") == kinds.count("job_done") >= 1
    batch = next(e for e in events if e["type"] == "batch_submitted")
    assert set(batch) == {"format_version", "type", "timestamp", "batch", "batches", "posts"}
    created = next(e for e in events if e["type"] == "post_created")
    assert set(created) == {
        "format_version",
        "type",
        "timestamp",
        "post_id",
        "alias",
        "remote_id",
        "action",
    }
    assert events[-1]["counts"]["created"] == total


def test_state_list_format_json(repo: Path) -> None:
    code, out, _ = run(repo, "state", "list", "--format", "json")
    empty = json.loads(out)
    assert code == 0
    assert empty["format_version"] == 1 and empty["entries"] == []
    total = planned(repo)
    run(repo, "apply", "--auto-approve")
    code, out, err = run(repo, "state", "list", "--format", "json")
    document = json.loads(out)
    assert err == ""
    assert document["serial"] >= 1 and len(document["entries"]) == total
    assert set(document["entries"][0]) == {
        "post_id",
        "alias",
        "provider",
        "account_id",
        "status",
        "remote_id",
        "scheduled_at",
        "post_link",
        "last_error",
    }
    assert all(e["remote_id"] and e["last_error"] is None for e in document["entries"])


def test_accounts_and_calendar_json_are_versioned_too(repo: Path) -> None:
    code, out, _ = run(repo, "accounts", "--format", "json")
    accounts = json.loads(out)
    assert code == 0 and accounts["format_version"] == 1
    assert {"workspace", "workspaces", "accounts"} <= set(accounts)
    code, out, _ = run(repo, "calendar", "--format", "json")
    assert code == 0 and json.loads(out)["format_version"] == 1
