"""Random histories against `contentctl sandbox serve`: the remote stays the truth.

Each example is a random sequence of applies, state losses and rollbacks,
edits and deletes made on Publer, and moves of Publer's clock; after a final
apply every manifest post exists exactly once per account on Publer, and the
next plan is empty. A few examples of a few steps keep it within a minute.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from pathlib import Path

import httpx
from e2e_support import ACCOUNTS, CONFIG, Project, post_yaml, serve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentctl.errors import ExitCode

POSTS = {
    "alpha.yaml": post_yaml("alpha", accounts="[fb, x]"),
    "beta.yaml": post_yaml("beta", at="2027-03-02T09:00", accounts="[li]"),
    "gamma.yaml": "id: gamma\nmethod: draft\naccounts: [masto]\ntext: Gamma, a draft\n",
    "delta.yaml": "id: delta\nmethod: publish_now\naccounts: [fb]\ntext: Delta goes out now\n",
}
WANTED = {
    (ACCOUNTS["fb"][0], "Hello from alpha"),
    (ACCOUNTS["x"][0], "Hello from alpha"),
    (ACCOUNTS["li"][0], "Hello from beta"),
    (ACCOUNTS["masto"][0], "Gamma, a draft"),
    (ACCOUNTS["fb"][0], "Delta goes out now"),
}
STEPS = ["apply", "lose state", "roll back", "edit on publer", "delete on publer", "clock"]


def _api(project: Project, method: str, path: str, **kwargs: object) -> None:
    with httpx.Client(headers=project.server.headers()) as client:
        client.request(method, f"{project.server.url}{path}", **kwargs).raise_for_status()  # type: ignore[arg-type]


def _step(project: Project, step: str, rng: random.Random, saved: list[str]) -> None:
    if step == "apply":
        result = project.run("apply", "--auto-approve")
        assert result.returncode in (ExitCode.OK, ExitCode.PARTIAL), result.stderr[-2000:]
        if project.state_path.exists():
            saved.append(project.state_path.read_text("utf-8"))
    elif step == "lose state":
        project.state_path.unlink(missing_ok=True)
    elif step == "roll back" and saved:
        project.state_path.write_text(rng.choice(saved), encoding="utf-8")
    elif step in ("edit on publer", "delete on publer"):
        posts = project.remote_posts()
        if not posts:
            return
        post = rng.choice(posts)
        if step == "delete on publer":
            _api(project, "DELETE", "/posts", params=[("post_ids[]", post["id"])])
        elif post["state"] != "published":
            _api(project, "PUT", f"/posts/{post['id']}", json={"post": {"text": "Edited there"}})
    elif step == "clock":
        project.server.admin("clock", {"advance_seconds": rng.choice([-300, 300])})


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.sampled_from(STEPS), min_size=1, max_size=4), seed=st.integers(0, 99))
def test_after_any_history_a_final_apply_leaves_each_post_once(steps: list[str], seed: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="remote-truth-"))
    root = folder / "repo"
    (root / "posts").mkdir(parents=True)
    (root / "contentctl.yaml").write_text(CONFIG, encoding="utf-8")
    server = serve(root, "--rate-limit", "0")
    try:
        project = Project(root, server)
        for name, text in POSTS.items():
            project.write(name, text)
        rng, saved = random.Random(seed), []
        for step in ["apply", *steps]:
            _step(project, step, rng, saved)
        final = project.run("apply", "--auto-approve")
        assert final.returncode == ExitCode.OK, final.stdout[-3000:] + final.stderr[-2000:]
        counts: dict[tuple[str, str], int] = {}
        for post in project.remote_posts():
            key = (post["account_id"], post["text"])
            counts[key] = counts.get(key, 0) + 1
        assert {key: counts.get(key, 0) for key in WANTED} == dict.fromkeys(WANTED, 1), steps
        plan = project.run("plan", "--detailed-exitcode")
        assert plan.returncode == ExitCode.OK, (steps, plan.stdout[-3000:])
        assert json.loads(project.state_path.read_text("utf-8"))["intents"] == {}
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
