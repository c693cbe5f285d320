"""Fuzzing the CLI with inputs mutated from the examples: manifests, config, state and saved plan.

A small repo is made from ``examples/content`` and applied to the embedded
sandbox, and a plan is saved. Hypothesis then mutates one of its files per
input (lines inserted, replaced or dropped; tokens that broke contentctl
before; values swapped deep in the JSON; bytes cut off) and runs the commands
that read it, in process. For every input:

- no traceback and no internal error (exit 5): a bad input is exit 1;
- no command takes 10 s or more;
- an error is one line (one ``contentctl:`` line on stderr), and one about a
  YAML file says where: ``file:line:col``; validate's diagnostics are all
  ``file:line:col: severity: message [json.path]``.

Runs are derandomized (the same inputs on every machine, no example
database) and sized to stay near 20 s in all: 120 manifests, 80 configs, 80
states and 40 saved plans, 320 inputs; each test asserts how many it ran
(``FUZZ_COUNTS`` holds them). Five fixed inputs also run as real processes.
The embedded sandbox runs without its rate limit here, or hundreds of plans
would wait out Publer's windows.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bad_input_support import EXAMPLES, REPO, STATE
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentctl import sandbox
from contentctl.cli import cli

KEEP = ("editorial.yaml", "polls.yaml", "video.yaml")  # 7 posts: quick to check, every shape
PLAN = "release.plan"
SLOW = 10.0
FUZZ_COUNTS: dict[str, int] = {}

# tokens that broke a run before issue 12, and YAML that is easy to get wrong
NASTY = (
    "2027: x", "1: y", "? ", "null: z", "true: 1", "[a, b]: c", "~: d", "text: New blend #tea",
    "at: 9999-12-31 23:59", "at: 0001-01-01 00:00", "at: 2027-03-28T02:30", "at: 12",
    "timezone: Europe", "timezone: Mars/Base", "timezone: " + "z" * 300, 'text: "\\0"',
    'path: "media/\\0.png"', "text: \x01", "x: \x7f", 'text: "\\x1b[31m"', "a: &a [1, 2]",
    "b: *a", "<<: *a", "c: !!binary aGk=", "d: !!timestamp 2027-01-01", "e: !!set {a}",
    "f: !custom x", "- ", "[", "{", "}", "]", ": ", "\t- x", "%YAML 1.1", "---", "...",
    "media:\n  - path: media", "media:\n  - path: /etc/passwd", "media:\n  - path: ../x.png",
    "accounts: [nope]", "accounts: kc-x", "method: recycling", "method: 7",
    "posts: 5", "posts:\n  - 1", "id: " + "i" * 500, "text: " + "x" * 70_000, "\ufeffid: bom",
    "\u2028", "key: [1, [2, [3, [4, [5, [6]]]]]]", "networks: {facebook: 1}",
    "state: ../../etc/passwd", "content: /", "workspace: ABC", "endpoint: ftp://x",
    "endpoint: http://127.0.0.1:9/api/v1",
    "  kc-x: {id: 2980b6dfaad9c05a1e15319e, provider: twitter}",
    "accounts: {}", "defaults: {batch_size: 0}", "defaults: []",
)  # fmt: skip

text_snippets = st.one_of(st.sampled_from(NASTY), st.text(max_size=24))
edits = st.lists(
    st.tuples(
        st.sampled_from(["insert", "replace", "delete", "splice", "truncate"]),
        st.floats(min_value=0, max_value=1, allow_nan=False),
        text_snippets,
    ),
    min_size=1,
    max_size=3,
)

json_values: st.SearchStrategy[Any] = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(["", "2027-13-45T99:99:99Z", "9999-12-31T23:59:59Z", "a" * 300, "-"]),
        st.text(max_size=12),
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
json_edits = st.lists(
    st.tuples(
        st.sampled_from(["set", "delete", "add", "truncate"]),
        st.floats(min_value=0, max_value=1, allow_nan=False),
        json_values,
    ),
    min_size=1,
    max_size=2,
)

LOCATED = re.compile(r"^\S[^:]*:\d+:\d+: (error|warning): .+ \[\$.*\]$")


def edit_text(text: str, changes: list[tuple[str, float, str]]) -> str:
    for op, where, snippet in changes:
        lines = text.split("\n")
        at = min(int(where * len(lines)), len(lines) - 1)
        if op == "insert":
            indent = re.match(r"\s*", lines[at]).group() if lines else ""  # type: ignore[union-attr]
            lines.insert(at, indent + snippet)
        elif op == "replace":
            key = lines[at].split(":", 1)[0] if ":" in lines[at] else lines[at]
            lines[at] = f"{key}: {snippet}" if ":" in lines[at] and ":" not in snippet else snippet
        elif op == "delete" and lines:
            del lines[at]
        text = "\n".join(lines)
        cut = int(where * len(text))
        if op == "splice":
            text = text[:cut] + snippet + text[cut:]
        elif op == "truncate":
            text = text[:cut]
    return text


def encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate makes a non-UTF-8 file


def json_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_paths(item, (*path, index))


def edit_json(raw: bytes, changes: list[tuple[str, float, Any]]) -> bytes:
    document = json.loads(raw)
    for op, where, value in changes:
        if op == "truncate":
            text = json.dumps(document)
            return text[: int(where * len(text))].encode()
        paths = [p for p in json_paths(document) if p]
        path = paths[min(int(where * len(paths)), len(paths) - 1)]
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        if op == "set":
            parent[last] = value
        elif op == "delete":
            del parent[last]
        elif isinstance(parent, dict):
            parent[f"{last}_extra"] = value
        else:
            parent.append(value)
    return json.dumps(document).encode()


# -- the repo and one run ------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "repo"
    shutil.copytree(EXAMPLES, root)
    for path in (root / "posts").iterdir():
        if path.name not in KEEP:
            path.unlink()
    applied = CliRunner().invoke(cli, ["-C", str(root), "apply", "--auto-approve"])
    assert applied.exit_code in (0, 3), applied.stderr
    changed = root / "posts" / "polls.yaml"  # one edited text, so the saved plan has a change
    text = changed.read_text("utf-8")
    changed.write_text(re.sub(r"(?m)^(\s*text: )(.*)$", r"\1\2 (edited)", text, count=1), "utf-8")
    assert changed.read_text("utf-8") != text
    saved = CliRunner().invoke(cli, ["-C", str(root), "plan", "--out", PLAN])
    assert saved.exit_code == 0, saved.stderr
    return root


@pytest.fixture(autouse=True)
def no_rate_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedded sandbox without Publer's 100 requests per 2 minutes: hundreds of plans
    would wait out its windows, and the limit is not what is fuzzed here."""
    real = sandbox.in_process_transport

    def unlimited(*args: Any, **kwargs: Any) -> Any:
        return real(*args, **{**kwargs, "rate_limit": None})

    monkeypatch.setattr(sandbox, "in_process_transport", unlimited)


class Workspace:
    """One copy of the template, put back as it was after every input.

    Not the sandbox's database (``.contentctl/``): it is the remote, kept open
    between runs in this process, and a run may change it as Publer would.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = {p: p.read_bytes() for p in self._files()}

    def _files(self) -> list[Path]:
        return [p for p in self.root.rglob("*") if p.is_file() and ".contentctl" not in p.parts]

    def restore(self) -> None:
        for path in self._files():
            if path not in self.files:
                path.unlink()
        for path, data in self.files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)


@pytest.fixture
def workspace(template: Path, tmp_path: Path) -> Workspace:
    root = tmp_path / "repo"
    shutil.copytree(template, root)
    return Workspace(root)


def check_run(space: Workspace, args: tuple[str, ...], about: str | None) -> int:
    """Run one command in process, hold it to the promises above; its exit code."""
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["-C", str(space.root), *args])
    took = time.monotonic() - started
    assert took < SLOW, (args, took)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: {result.exception!r}") from result.exception
    assert result.exit_code in (0, 1, 2, 3, 4), (args, result.exit_code, result.stderr)
    said = [line for line in result.stderr.splitlines() if line.startswith("contentctl:")]
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    reported = args[0] == "validate" and not said  # validate's diagnostics go to stdout
    if result.exit_code == 1 and not reported:
        assert len(said) == 1 and said[0].startswith("contentctl: error: "), result.stderr
        if about is not None and about in said[0] and ": cannot read" not in said[0]:
            assert re.search(rf"{re.escape(about)}:\d+:\d+", said[0]), said[0]
    else:
        assert len(said) <= 1, result.stderr
    if reported:
        lines = result.stdout.splitlines()
        assert lines and re.match(r"^\d+ posts? in \d+ files?: ", lines[-1]), result.stdout
        assert all(LOCATED.match(line) for line in lines[:-1]), result.stdout
        assert result.exit_code == (1 if ": error: " in result.stdout else 0), result.stdout
    return result.exit_code


FUZZ = settings(
    max_examples=30,
    derandomize=True,  # the same inputs on every machine
    database=None,
    deadline=None,  # timed by check_run instead: SLOW per command
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def run_fuzz(
    name: str, body: Callable[..., None], strategy: st.SearchStrategy[Any], count: int
) -> None:
    seen: list[Any] = []
    # `count` in `make test`; the fast profile (tests/conftest.py) runs a share of it.
    count = max(1, count * settings().max_examples // 100)

    @settings(FUZZ, max_examples=count)
    @given(strategy)
    def each(case: Any) -> None:
        seen.append(case)
        body(case)

    each()
    FUZZ_COUNTS[name] = len(seen)
    assert len(seen) == count


# -- the fuzz tests ------------------------------------------------------------------------


def test_fuzzed_manifests(workspace: Workspace) -> None:
    files = sorted(p for p in workspace.files if p.parent.name == "posts")

    def body(case: tuple[int, list[tuple[str, float, str]]]) -> None:
        path = files[case[0] % len(files)]
        path.write_bytes(
            edit_text(path.read_text("utf-8"), case[1]).encode("utf-8", "surrogatepass")
        )
        rel = f"posts/{path.name}"
        try:
            if check_run(workspace, ("validate",), rel) == 0:  # else plan stops the same way
                check_run(workspace, ("plan",), rel)
        finally:
            workspace.restore()

    run_fuzz("manifests", body, st.tuples(st.integers(0, 2), edits), 120)


def test_fuzzed_configs(workspace: Workspace) -> None:
    config = workspace.root / "contentctl.yaml"

    def body(changes: list[tuple[str, float, str]]) -> None:
        config.write_bytes(
            edit_text(config.read_text("utf-8"), changes).encode("utf-8", "surrogatepass")
        )
        try:
            if (
                check_run(workspace, ("validate",), "contentctl.yaml") == 0
            ):  # else plan stops the same way
                check_run(workspace, ("plan",), "contentctl.yaml")
        finally:
            workspace.restore()

    run_fuzz("config", body, edits, 80)


def test_fuzzed_states(workspace: Workspace) -> None:
    state = workspace.root / STATE

    def body(changes: list[tuple[str, float, Any]]) -> None:
        state.write_bytes(edit_json(state.read_bytes(), changes))
        try:
            check_run(workspace, ("plan",), None)
            check_run(workspace, ("state", "list"), None)
        finally:
            workspace.restore()

    run_fuzz("state", body, json_edits, 80)


def test_fuzzed_saved_plans(workspace: Workspace) -> None:
    plan = workspace.root / PLAN

    def body(changes: list[tuple[str, float, Any]]) -> None:
        plan.write_bytes(edit_json(plan.read_bytes(), changes))
        try:
            check_run(workspace, ("apply", PLAN), None)
        finally:
            workspace.restore()

    run_fuzz("saved plan", body, json_edits, 40)


# -- a sample as real processes -------------------------------------------------------------

SAMPLE = [
    ("posts/video.yaml", "id: a\n2027: x\n"),
    ("posts/video.yaml", 'id: a\ntext: "\\0"\n'),
    ("contentctl.yaml", "accounts:\n  1: {id: x}\n"),
    (STATE, '{"format_version": 1, "serial": NaN}'),
    (PLAN, "[]"),
]


@pytest.mark.e2e  # subprocesses
@pytest.mark.parametrize(("name", "text"), SAMPLE)
def test_a_sample_of_bad_inputs_in_real_processes(
    workspace: Workspace, name: str, text: str
) -> None:
    (workspace.root / name).write_text(text, "utf-8")
    args = ("apply", PLAN) if name == PLAN else ("plan",)
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("PUBLER_")}
    env["PYTHONPATH"] = str(REPO)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "contentctl", "-C", str(workspace.root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert time.monotonic() - started < SLOW
    said = [line for line in done.stderr.splitlines() if line.startswith("contentctl:")]
    assert (done.returncode, len(said)) == (1, 1), done.stderr
    assert "Traceback" not in done.stderr
    if name.endswith(".yaml"):
        assert re.search(rf"{re.escape(name)}:\d+:\d+: ", said[0]), said[0]
