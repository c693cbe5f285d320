"""A state file that passes a loose reading but holds entries of the wrong shape is refused.

The schema (tightened for specs and intents) and ``state/checks.py`` name the
file and the JSON path of the value at fault, in one line, exit 1, and leave
the state and its backup as they were, for plan, apply and state list alike.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bad_input_support import BadInputRepo, applied_template


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return applied_template(tmp_path_factory.mktemp("applied"))


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> BadInputRepo:
    return BadInputRepo.copy_of(template, tmp_path)


def _edit_state(repo: BadInputRepo, change: Any) -> tuple[str, str]:
    document = json.loads(repo.state.read_text("utf-8"))
    post_id = sorted(document["posts"])[0]
    alias = sorted(document["posts"][post_id])[0]
    change(document, document["posts"][post_id][alias])
    repo.state.write_text(json.dumps(document), "utf-8")
    return post_id, alias


def _intent(**item: Any) -> dict[str, Any]:
    base = {
        "post_id": "p",
        "alias": "kc-x",
        "account_id": "65f0a1b2c3d4e5f607182932",
        "fingerprint": "a" * 64,
        "scheduled_at": None,
        "content_hash": "b" * 64,
        "spec": {"endpoint": "schedule", "bulk_state": "scheduled"},
    }
    return {
        "created_at": "2027-01-01T00:00:00Z",
        "endpoint": "schedule",
        "bulk_state": "scheduled",
        "job_id": None,
        "items": [{**base, **item}],
    }


STATE_CASES: list[tuple[str, Any, str]] = [
    (
        "remote id of the wrong type",
        lambda doc, entry: entry.update(remote_id=42),
        'at {entry}.remote_id: 42 is not of types "null", "string"',
    ),
    (
        "spec that is not a mapping",
        lambda doc, entry: entry.update(spec=5),
        'at {entry}.spec: 5 is not of type "object"',
    ),
    (
        "spec part that is not a mapping",
        lambda doc, entry: entry["spec"].update(network="text"),
        'at {entry}.spec.network: "text" is not of type "object"',
    ),
    (
        "time that matches the pattern but is no time",
        lambda doc, entry: entry.update(scheduled_at="2027-13-45T99:99:99Z"),
        "at {entry}.scheduled_at: '2027-13-45T99:99:99Z' is not a real date and time",
    ),
    (
        "NaN in a spec",
        lambda doc, entry: entry["spec"].update(weight=float("nan")),
        "",
    ),
    (
        "intent item with a field it does not have",
        lambda doc, entry: doc["intents"].update(b1=_intent(color="red")),
        "at $.intents.b1.items[0]: Additional properties are not allowed ('color' was unexpected)",
    ),
    (
        "intent without items",
        lambda doc, entry: doc["intents"].update(b1={**_intent(), "items": []}),
        "at $.intents.b1.items: [] has less than 1 item",
    ),
    (
        "intent item whose spec is a number",
        lambda doc, entry: doc["intents"].update(b1=_intent(spec=7)),
        'at $.intents.b1.items[0].spec: 7 is not of type "object"',
    ),
    (
        "one post × account in two intents",
        lambda doc, entry: doc["intents"].update(b1=_intent(), b2=_intent()),
        "at $.intents.b2.items[0]: p @ kc-x is already in $.intents.b1.items[0]; "
        "a post × account is sent once per apply",
    ),
]


@pytest.mark.parametrize(
    ("case", "change", "problem"), STATE_CASES, ids=[c[0] for c in STATE_CASES]
)
def test_a_schema_valid_looking_state_of_the_wrong_shape_is_refused_by_json_path(
    repo: BadInputRepo, case: str, change: Any, problem: str
) -> None:
    post_id, alias = _edit_state(repo, change)
    before = repo.snapshot()
    entry = f"$.posts[{post_id!r}][{alias!r}]"
    if problem:
        what = f"is not a valid state file: {problem.format(entry=entry)}"
    else:
        what = "is not valid JSON (NaN is not a JSON value)"
    expected = (
        f"contentctl: error: state file {repo.state} {what}; it was left as it is; "
        f"the previous version is in {repo.backup}"
    )
    for command in (("plan",), ("apply", "--auto-approve"), ("state", "list")):
        run = repo.cli(*command)
        assert (run.code, run.err_lines) == (1, [expected]), command
    assert repo.snapshot() == before
