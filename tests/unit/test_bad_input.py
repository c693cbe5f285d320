"""Every class of bad input is one located line, exit 1, and the state and its backup untouched.

Each case runs against an applied copy of the examples (so a state file and its
``.backup`` exist) and asserts the whole line the user sees, where it points,
the exit code, and the bytes of both files afterwards. Issue 12, "every bad
input a located one-line error".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bad_input_support import REPO, BadInputRepo, applied_template

ZZ = "posts/zz.yaml"
RANGE = "(1970-01-01 to 9999-12-29 UTC)"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return applied_template(tmp_path_factory.mktemp("applied"))


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> BadInputRepo:
    return BadInputRepo.copy_of(template, tmp_path)


def refused_everywhere(repo: BadInputRepo, diagnostic: str) -> None:
    """validate prints ``diagnostic`` as its one error; plan and apply refuse in one line."""
    before = repo.snapshot()
    checked = repo.cli("validate")
    assert checked.code == 1
    assert checked.out.splitlines()[:-1] == [diagnostic]
    assert checked.out.splitlines()[-1].endswith(": 1 error, 0 warnings.")
    expected = (
        f"contentctl: error: the manifests have errors ({diagnostic}); run `contentctl validate`"
    )
    for command in (("plan",), ("apply", "--auto-approve")):
        run = repo.cli(*command)
        assert (run.code, run.err_lines) == (1, [expected]), command
    assert repo.snapshot() == before


# -- mapping keys that are not text -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "diagnostic"),
    [
        (
            "id: a\n2027: x\ntext: hi\n",
            '2:1: error: a mapping key must be text, not the number 2027; quote it: "2027": [$]',
        ),
        (
            "posts:\n  - id: a\n    text: hi\n    1: x\n",
            '4:5: error: a mapping key must be text, not the number 1; quote it: "1": [$]',
        ),
        (
            "id: a\n? \ntext: hi\n",
            "2:2: error: a mapping key must be text, not empty; write the key's name [$]",
        ),
        (
            "id: a\nnull: x\n",
            '2:1: error: a mapping key must be text, not empty (null); quote it: "null": [$]',
        ),
        (
            "id: a\nnetworks:\n  twitter:\n    true: 1\n",
            '4:5: error: a mapping key must be text, not the boolean true; quote it: "true": [$]',
        ),
        ("id: a\n[x, y]: 1\n", "2:1: error: a mapping key must be text, not a list [$]"),
        (
            "id: a\ntext: !!binary aGk=\n",
            "2:7: error: the tag !!binary is not supported; write text, a number, true/false, "
            "a list or a mapping [$]",
        ),
    ],
)
def test_a_key_that_is_not_text_is_located(repo: BadInputRepo, text: str, diagnostic: str) -> None:
    repo.write(ZZ, text)
    refused_everywhere(repo, f"{ZZ}:{diagnostic}")


def test_a_key_that_is_not_text_in_the_config_is_located(repo: BadInputRepo) -> None:
    config = repo.root / "contentctl.yaml"
    config.write_text(config.read_text("utf-8") + "2027: x\n", "utf-8")
    line = len(config.read_text("utf-8").splitlines())
    before = repo.snapshot()
    for command in (("validate",), ("plan",), ("apply", "--auto-approve")):
        run = repo.cli(*command)
        assert (run.code, run.err_lines) == (
            1,
            [
                f"contentctl: error: {config}:{line}:1: a mapping key must be text, "
                'not the number 2027; quote it: "2027":'
            ],
        )
    assert repo.snapshot() == before


# -- control characters ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "diagnostic"),
    [
        (
            "id: a\ntext: hi\x01there\n",
            "2:9: error: control character U+0001 in the file; YAML text cannot hold it [$]",
        ),
        (
            "id: a\ntext: del\x7f\n",
            "2:10: error: control character U+007F in the file; YAML text cannot hold it [$]",
        ),
        (
            "id: a\nmethod: draft\naccounts: [kc-facebook]\ntype: photo\ntext: hi\n"
            'media:\n  - path: "media/a\\0.png"\n',
            '7:19: error: control character U+0000 (written "\\0") in a value; '
            "text and paths cannot hold control characters [$]",
        ),
        (
            'id: a\ntext: "fine\\n\\tthen \\x1b[31m red"\n',
            '2:21: error: control character U+001B (written "\\x1b") in a value; '
            "text and paths cannot hold control characters [$]",
        ),
        (
            'id: a\n"key\\u0007": 1\n',
            '2:5: error: control character U+0007 (written "\\u0007") in a value; '
            "text and paths cannot hold control characters [$]",
        ),
        (
            "id: a\ntext: \x00\n",
            "2:7: error: binary file (NUL byte), not YAML text [$]",
        ),
    ],
)
def test_a_control_character_is_located_at_itself_in_one_line(
    repo: BadInputRepo, text: str, diagnostic: str
) -> None:
    repo.write(ZZ, text)
    refused_everywhere(repo, f"{ZZ}:{diagnostic}")


def test_a_nul_in_a_config_path_is_located(repo: BadInputRepo) -> None:
    config = repo.root / "contentctl.yaml"
    text = config.read_text("utf-8").replace(
        "state: contentctl.state.json", 'state: "contentctl\\0.json"'
    )
    config.write_text(text, "utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("state:"))
    before = repo.snapshot()
    for command in (("validate",), ("plan",), ("apply", "--auto-approve")):
        run = repo.cli(*command)
        assert (run.code, run.err_lines) == (
            1,
            [
                f"contentctl: error: {config}:{line}:19: control character U+0000 "
                '(written "\\0") in a value; text and paths cannot hold control characters'
            ],
        )
    assert repo.snapshot() == before


# -- the edges of the calendar ----------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "timezone"),
    [
        ("9999-12-31 23:59", "Asia/Tokyo"),  # east of UTC
        ("9999-12-31 23:59", "America/New_York"),  # west: past year 9999 in UTC
        ("0001-01-01 00:00", "America/New_York"),  # west of UTC
        ("0001-01-01 00:00", "Asia/Tokyo"),  # east: before year 1 in UTC
        ("9999-12-31T23:59-05:00", "UTC"),
        ("1969-07-20T20:17Z", "UTC"),  # far past
        ("0100-01-01T00:00", "Europe/Berlin"),
    ],
)
def test_a_time_at_the_edge_of_the_calendar_is_located(
    repo: BadInputRepo, at: str, timezone: str
) -> None:
    repo.write(ZZ, f"id: a\nat: {at}\ntimezone: {timezone}\naccounts: [kc-facebook]\ntext: hi\n")
    refused_everywhere(
        repo,
        f"{ZZ}:2:5: error: at: {at!r} is outside the times contentctl can schedule {RANGE} [$.at]",
    )


def test_a_zone_database_folder_is_an_unknown_timezone(repo: BadInputRepo) -> None:
    repo.write(ZZ, "id: a\nat: 2027-05-01T09:00\ntimezone: Europe\naccounts: [kc-facebook]\n")
    repo.write(ZZ, (repo.root / ZZ).read_text("utf-8") + "text: hi\n")
    refused_everywhere(repo, f"{ZZ}:3:11: error: unknown IANA timezone 'Europe' [$.timezone]")


@pytest.mark.e2e  # subprocesses
def test_zones_work_without_a_system_zone_database(repo: BadInputRepo) -> None:
    """tzdata (a dependency) answers where PYTHONTZPATH leads nowhere."""
    repo.write(
        ZZ,
        "id: berlin\nat: 2027-05-01T09:00\ntimezone: Europe/Berlin\naccounts: [kc-facebook]\n"
        "text: Guten Morgen\n",
    )
    env = {k: v for k, v in os.environ.items() if k != "TZ"}
    env.update({"PYTHONTZPATH": "/nonexistent", "PYTHONPATH": str(REPO)})
    code = (
        "import sys\n"
        "from contentctl.config import load_config\n"
        "from contentctl.manifest.load import load_repo\n"
        "from pathlib import Path\n"
        f"config = load_config(Path({str(repo.root)!r}) / 'contentctl.yaml')\n"
        "post = next(p for p in load_repo(config).posts if p.id == 'berlin')\n"
        "import zoneinfo; print(zoneinfo.TZPATH, post.at.isoformat())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "('/nonexistent',) 2027-05-01T07:00:00+00:00\n"  # CEST is UTC+2
    validated = subprocess.run(
        [sys.executable, "-m", "contentctl", "-C", str(repo.root), "validate", ZZ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert validated.stdout.endswith(": 0 errors, 0 warnings.\n")


# -- state entries of the wrong shape ---------------------------------------------------


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


# -- over-long names --------------------------------------------------------------------


def test_a_state_path_with_a_300_byte_name_is_one_line(repo: BadInputRepo) -> None:
    config = repo.root / "contentctl.yaml"
    name = "s" * 300 + ".json"
    config.write_text(
        config.read_text("utf-8").replace("state: contentctl.state.json", f"state: {name}"),
        "utf-8",
    )
    before = repo.snapshot()
    path = repo.root / name
    plan = repo.cli("plan")
    assert (plan.code, plan.err_lines) == (
        1,
        [f"contentctl: error: cannot read the state file {path}: File name too long"],
    )
    apply = repo.cli("apply", "--auto-approve")
    assert (apply.code, apply.err_lines) == (
        1,
        [f"contentctl: error: cannot create the lock file {path}.lock: File name too long"],
    )
    assert repo.snapshot() == before
    assert sorted(p.name for p in repo.root.iterdir() if p.name.startswith(".s")) == []


def test_a_manifest_path_with_a_300_byte_name_is_one_located_line(repo: BadInputRepo) -> None:
    name = "posts/" + "m" * 300 + ".yaml"
    before = repo.snapshot()
    run = repo.cli("validate", name)
    assert run.code == 1
    assert run.out.splitlines() == [
        f"{name}:1:1: error: cannot read: File name too long [$]",
        "0 posts in 0 files: 1 error, 0 warnings.",  # a name the system refuses is not read
    ]
    assert repo.snapshot() == before


# -- exact positions deep into a big file -------------------------------------------------

BIG = 100_000


@pytest.mark.e2e  # a subprocess, and half a minute on a busy machine: not for make test-fast
def test_an_error_on_post_100001_of_one_file_is_at_its_real_line(repo: BadInputRepo) -> None:
    """100,000 posts, one a line, then a bad one: the error is on its real line.

    The position walk used to stop after 200,000 nodes (so 1:1), and a file of
    that many nodes with a '*' in a text was taken for an alias bomb.
    """
    config = repo.root / "contentctl.yaml"
    text = config.read_text("utf-8").replace("method: scheduled", "method: draft")
    text = text.replace(
        "accounts:\n", "accounts:\n  f: {id: 65f0a1b2c3d4e5f6071829ff, provider: facebook}\n", 1
    )
    config.write_text(text, "utf-8")
    rows = ["posts:", *(f"- {{id: p{i}, accounts: [f], text: post *{i}*}}" for i in range(BIG))]
    rows.append("- {id: bad, accounts: [f], text: 12}")
    big = repo.write("posts/big.yaml", "\n".join(rows) + "\n")
    assert big.stat().st_size < 5 * 1024 * 1024  # one file, under the manifest limit
    before = repo.snapshot()
    run = repo.subprocess("validate", "posts/big.yaml", timeout=300)
    assert (run.code, run.err) == (1, "")
    assert run.out.splitlines() == [
        f"posts/big.yaml:{BIG + 2}:34: error: text must be a string, not a whole number "
        f"[$.posts[{BIG}].text]",
        f"{BIG + 1} posts in 1 file: 1 error, 0 warnings.",
    ]
    assert repo.snapshot() == before


# -- the YAML hashtag trap ----------------------------------------------------------------

TRAP = """\
id: trap
method: draft
accounts: [kc-facebook, kc-mastodon]
type: status
text: New blend #tea #berlin   # not a hashtag: a comment
networks:
  facebook:
    text: "quoted #kept"
  mastodon:
    text: |
      Block text keeps #hashtags as text.
"""


def test_a_hashtag_read_as_a_comment_is_a_located_warning(repo: BadInputRepo) -> None:
    repo.write(ZZ, TRAP)
    before = repo.snapshot()
    run = repo.cli("validate", ZZ)
    assert run.code == 0
    assert run.out.splitlines() == [
        f"{ZZ}:5:17: warning: '#tea' after text is a YAML comment, so it is not part of the "
        'text; quote the value to keep it ("New blend #tea #berlin") or run '
        "`contentctl fmt --fix` [$.text]",
        "1 post in 1 file: 0 errors, 1 warning.",
    ]
    assert repo.snapshot() == before


def test_fmt_fix_quotes_the_text_and_keeps_the_hashtags(repo: BadInputRepo) -> None:
    path = repo.write(ZZ, TRAP)
    plain = repo.cli("fmt", ZZ)
    assert plain.code == 0
    assert "text: New blend #tea #berlin   # not a hashtag: a comment\n" in path.read_text("utf-8")
    fixed = repo.cli("fmt", "--fix", ZZ)
    assert (fixed.code, fixed.out) == (0, "reformatted posts/zz.yaml\n")
    text = path.read_text("utf-8")
    assert 'text: "New blend #tea #berlin"   # not a hashtag: a comment\n' in text
    assert "      Block text keeps #hashtags as text.\n" in text
    checked = repo.cli("validate", ZZ)
    assert checked.out.splitlines() == ["1 post in 1 file: 0 errors, 0 warnings."]
    again = repo.cli("fmt", "--check", "--fix", ZZ)
    assert (again.code, again.err) == (0, "")


def test_the_examples_keep_their_hashtags(template: Path) -> None:
    from contentctl.config import load_config
    from contentctl.manifest.load import load_repo

    config = load_config(template / "contentctl.yaml", {})
    texts = {p.id: p.content.get("text") for p in load_repo(config).posts}
    assert texts["first-pour-short"] == "15 seconds of spring. #shorts"
    assert texts["tiktok-latte-art"] == "Matcha latte art, attempt 47. #matcha #latteart"
