"""`contentctl validate FILE…` (pre-commit's call, changed files only) still sees the whole repo.

Rules that pair two posts (one id, two definitions; two posts on one account
less than a minute apart) are checked against every manifest, and reported
when either post is in a file given; problems that belong to files not given
stay out of the report, as before.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from manifest_support import make_repo

from contentctl.cli import cli

POST = """\
id: {id}
at: 2027-03-0{day}T09:00
accounts: [masto]
type: status
text: {text}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    make_repo(
        tmp_path,
        {
            "content/a.yaml": POST.format(id="launch", day=1, text="first"),
            "content/b.yaml": POST.format(id="launch", day=2, text="second"),
            "content/c.yaml": POST.format(id="other", day=3, text="fine"),
            "content/broken.yaml": "id: broken\naccounts: [nope]\ntype: status\ntext: x\n",
        },
    )
    before = Path.cwd()
    os.chdir(tmp_path)  # as pre-commit runs the hook: from the repo root, paths relative
    try:
        yield tmp_path
    finally:
        os.chdir(before)


def validate(*paths: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["validate", *paths])
    return result.exit_code, result.stdout.splitlines()


DUPLICATE = (
    "content/b.yaml:1:5: error: duplicate post id 'launch' (first defined at "
    "content/a.yaml:1:1) [$.id]"
)


@pytest.mark.parametrize("given", ["content/a.yaml", "content/b.yaml"])
def test_a_duplicate_id_split_across_two_files_is_found_from_either(repo: Path, given: str) -> None:
    code, lines = validate(given)
    assert code == 1
    assert lines == [DUPLICATE, "1 post in 1 file: 1 error, 0 warnings."]


def test_files_with_no_cross_file_problem_pass_alone(repo: Path) -> None:
    assert validate("content/c.yaml") == (0, ["1 post in 1 file: 0 errors, 0 warnings."])


def test_the_whole_repo_reports_every_file(repo: Path) -> None:
    code, lines = validate()
    assert code == 1
    assert DUPLICATE in lines
    assert [line for line in lines if line.startswith("content/broken.yaml")]


def test_a_changed_post_too_close_to_an_unchanged_one_is_found(repo: Path) -> None:
    (repo / "content" / "c.yaml").write_text(
        POST.format(id="other", day=1, text="same minute as launch in a.yaml"), "utf-8"
    )
    code, lines = validate("content/c.yaml")
    assert code == 1
    assert lines == [
        "content/c.yaml:2:5: error: masto already has 'launch' at content/a.yaml:1:1, less "
        "than a minute apart; Publer needs a 1-minute gap [$.at]",
        "1 post in 1 file: 1 error, 0 warnings.",
    ]
