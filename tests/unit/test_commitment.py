"""The comparison of a saved plan with the plan made again, and the media check, on plain values.

The CLI's refusals are in test_saved_plan_tamper.py; here ``differences`` past
five lines and ``media_problems`` on paths the manifests' checks would not let
through (a symlink out of the repo, an absolute path, a folder).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from contentctl.config import load_config
from contentctl.model import Provider
from contentctl.plan.build import Action, Change, Plan
from contentctl.plan.commitment import differences, media_problems, summarize
from contentctl.plan.targets import Target
from contentctl.sandbox.seed import default_account_id

FB = default_account_id(Provider.FACEBOOK)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _target(post_id: str, text: str) -> Target:
    spec = {"endpoint": "schedule", "bulk_state": "scheduled", "post": {}, "account": {},
            "network": {"type": "status", "text": text}}  # fmt: skip
    return Target(post_id, "fb", FB, "facebook", "UTC", "posts/a.yaml:1:1", spec)


def _plan(*changes: Change) -> Plan:
    return Plan(changes=changes, created_at=datetime(2030, 1, 1, tzinfo=UTC),
                state_lineage="", state_serial=0)  # fmt: skip


def test_differences_beyond_five_end_with_and_n_more() -> None:
    saved = _plan(*(Change(f"p{i}", "fb", "facebook", Action.CREATE, target=_target(f"p{i}", "a"))
                    for i in range(8)))  # fmt: skip
    now = _plan(*(Change(f"p{i}", "fb", "facebook", Action.CREATE, target=_target(f"p{i}", "b"))
                  for i in range(8)))  # fmt: skip
    lines = summarize(differences(saved, now))
    assert lines == [
        *(f'p{i} @ fb: network.text is "a" in the saved plan, "b" in the manifests'
          for i in range(5)),
        "and 3 more",
    ]  # fmt: skip


def test_a_symlink_out_of_the_repo_is_a_media_problem(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "contentctl.yaml").write_text(
        f"workspace: 6650f1c2a1b2c3d4e5f60718\naccounts:\n  fb: {{id: {FB}, provider: facebook}}\n",
        encoding="utf-8",
    )
    (tmp_path / "outside.png").write_bytes(PNG)
    (root / "media").mkdir()
    (root / "media" / "link.png").symlink_to(tmp_path / "outside.png")
    target = _target("launch", "hi")
    network = {"type": "photo", "text": "hi", "media": [
        {"path": "media/link.png", "sha256": "0" * 64},
        {"path": "/etc/hostname", "sha256": "1" * 64},
        {"path": "media", "sha256": "2" * 64},
    ]}  # fmt: skip
    target = Target("launch", "fb", FB, "facebook", "UTC", "posts/a.yaml:1:1",
                    {**target.spec, "network": network})  # fmt: skip
    plan = _plan(Change("launch", "fb", "facebook", Action.CREATE, target=target))
    config = load_config(root / "contentctl.yaml")
    assert media_problems(config, plan) == [
        "launch @ fb: media 'media/link.png' is outside the repository",
        "launch @ fb: media '/etc/hostname' is not a path inside the repository",
        "launch @ fb: media 'media' is not a regular file in the repository",
    ]
