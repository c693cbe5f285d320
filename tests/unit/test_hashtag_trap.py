"""The YAML hashtag trap: ``text: New blend #tea`` loses ``#tea`` to a comment.

validate warns at the comment's ``#`` and says to quote; ``fmt --fix`` quotes
the value so the hashtag is text; the examples keep theirs. The state is not
touched by any of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_input_support import BadInputRepo, applied_template

ZZ = "posts/zz.yaml"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return applied_template(tmp_path_factory.mktemp("applied"))


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> BadInputRepo:
    return BadInputRepo.copy_of(template, tmp_path)


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
