"""Every class of bad input is one located line, exit 1, and the state and its backup untouched.

Each case runs against an applied copy of the examples (so a state file and its
``.backup`` exist) and asserts the whole line the user sees, where it points,
the exit code, and the bytes of both files afterwards. Issue 12, "every bad
input a located one-line error"; state files of the wrong shape are in
``test_bad_state.py``, the hashtag trap in ``test_hashtag_trap.py``, special
files in ``test_special_files.py`` and the config in ``test_config_checks.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
