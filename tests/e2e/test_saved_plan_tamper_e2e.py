"""A hand-edited saved plan through the real CLI against `contentctl sandbox serve`.

The in-process tests (tests/unit/test_saved_plan_tamper.py) take each edit on
its own; here one plan edited three ways at once is refused over HTTP, naming
every difference, with the sandbox's own request counts showing that nothing
was sent, and the untouched plan is then applied.
"""

from __future__ import annotations

import json

import httpx
from e2e_support import WORKSPACE, Project, post_yaml

from contentctl.errors import ExitCode
from contentctl.model import Provider
from contentctl.sandbox.seed import default_account_id

FB = default_account_id(Provider.FACEBOOK)
X = default_account_id(Provider.TWITTER)
X_NEWS = default_account_id(Provider.TWITTER, "-2")
ACCOUNTS = f"""\
workspace: {WORKSPACE}
endpoint: sandbox
timezone: Europe/Berlin
content: posts
state: contentctl.state.json
accounts:
  fb: {{id: {FB}, provider: facebook}}
  x: {{id: {X}, provider: twitter}}
"""


def requests(project: Project) -> dict[str, int]:
    counts: dict[str, int] = project.server.stats()["requests"]
    return counts


def test_an_edited_plan_is_refused_over_http_and_nothing_is_sent(project: Project) -> None:
    # the sandbox's own account ids: a repo as `contentctl accounts --write` leaves it
    (project.root / "contentctl.yaml").write_text(ACCOUNTS, encoding="utf-8")
    project.write("a.yaml", post_yaml("keep", at="2030-03-01T09:00", accounts="[fb]"))
    project.write("b.yaml", post_yaml("launch", at="2030-03-02T09:00"))
    applied = project.run("apply", "--auto-approve")
    assert applied.returncode == ExitCode.OK, applied.stdout + applied.stderr
    ids = {pid: e["fb"]["remote_id"] for pid, e in project.state()["posts"].items()}

    project.write("b.yaml", post_yaml("launch", at="2030-03-02T09:00", text="Hello, edited"))
    saved = project.root / "release.plan"
    assert project.run("plan", "--out", str(saved)).returncode == ExitCode.OK
    untouched = saved.read_text("utf-8")
    document = json.loads(untouched)
    changes = {(c["post_id"], c["alias"]): c for c in document["changes"]}
    changes["launch", "fb"]["after"]["spec"]["network"]["text"] = "Not what was reviewed"
    changes["launch", "fb"]["before"]["remote_id"] = ids["keep"]
    changes["launch", "x"]["after"]["account_id"] = X_NEWS
    saved.write_text(json.dumps(document), encoding="utf-8")

    backup = project.state_path.with_name(project.state_path.name + ".backup")
    state_before = (project.state_path.read_bytes(), backup.read_bytes())
    remote_before = project.remote_posts()
    httpx.delete(f"{project.server.url}/_sandbox/stats", headers=project.server.headers())
    result = project.run("apply", str(saved))
    assert result.returncode == ExitCode.ERROR == 1, result.stdout + result.stderr
    assert result.stderr == (
        "contentctl: error: the saved plan is not the plan the manifests and state give now "
        "(edited since it was made?); nothing was applied\n"
        '  launch @ fb: network.text is "Not what was reviewed" in the saved plan, '
        '"Hello, edited" in the manifests\n'
        f'  launch @ fb: before.remote_id is "{ids["keep"]}" in the saved plan, '
        f'"{ids["launch"]}" in the state\n'
        f"  launch @ x: account id {X_NEWS} in the saved plan, {X} in contentctl.yaml"
        " (hint: run `contentctl plan --out FILE` again, review it and apply that)\n"
    )
    sent = {name: n for name, n in requests(project).items() if not name.startswith("GET ")}
    assert sent == {}
    assert (project.state_path.read_bytes(), backup.read_bytes()) == state_before
    assert project.remote_posts() == remote_before

    saved.write_text(untouched, encoding="utf-8")  # the plan as it was reviewed
    result = project.run("apply", str(saved))
    assert result.returncode == ExitCode.OK, result.stdout + result.stderr
    assert "Apply complete: 0 created, 2 updated, 0 deleted, 0 failed." in result.stdout
    texts = sorted((p["account_id"], p["text"]) for p in project.remote_posts())
    assert texts == sorted([(FB, "Hello from keep"), (FB, "Hello, edited"), (X, "Hello, edited")])
