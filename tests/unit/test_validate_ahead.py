"""What Publer refuses only at apply, caught by validate: so a green pull request applies.

Through ``contentctl validate`` in process (click's CliRunner): a new post in
the past or inside Publer's lead time, two posts on one account within its
gap, recycling without the variations a network needs, media whose bytes are
not what its extension says. Each is one located line and exit 1, and the
state file and its backup are byte-identical afterwards. The state decides
what is new: a post recorded as on Publer at that time is not judged again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from contentctl.cli import cli
from contentctl.config import load_config
from contentctl.errors import ExitCode
from contentctl.model import Account, Provider
from contentctl.plan.targets import format_utc
from contentctl.sandbox.seed import default_account_id
from contentctl.state.store import StateStore
from contentctl.validate.ahead import sniff, spintax_variations
from contentctl.validate.checks import check_repo

FB = default_account_id(Provider.FACEBOOK)
GOOGLE = default_account_id(Provider.GOOGLE)
CONFIG = f"""\
workspace: 6650f1c2a1b2c3d4e5f60718
endpoint: sandbox
timezone: UTC
content: posts
state: contentctl.state.json
accounts:
  fb: {{id: {FB}, provider: facebook}}
  gbp: {{id: {GOOGLE}, provider: google}}
"""
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\0\x10JFIF\0"
SPUN = "{Fresh|New|Just in}: {our|the} spring {blend|tea|pot} {is here|has landed}"  # 3*2*3*2


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "repo"
    (root / "posts").mkdir(parents=True)
    (root / "media").mkdir()
    (root / "contentctl.yaml").write_text(CONFIG, encoding="utf-8")
    yield root


def state_files(root: Path) -> list[bytes | None]:
    """The state file and its backup, byte for byte (None: absent)."""
    paths = (root / "contentctl.state.json", root / "contentctl.state.json.backup")
    return [p.read_bytes() if p.exists() else None for p in paths]


def validate(root: Path, manifest: str) -> Result:
    (root / "posts" / "a.yaml").write_text(manifest, encoding="utf-8")
    before = state_files(root)
    result = CliRunner().invoke(cli, ["-C", str(root), "validate"])
    assert state_files(root) == before
    return result


def one_error(result: Result, line: str) -> None:
    assert result.exit_code == ExitCode.ERROR == 1, result.output
    assert result.stdout == f"{line}\n1 post in 1 file: 1 error, 0 warnings.\n"


def post(at: str, *, accounts: str = "[fb]", extra: str = "", post_id: str = "a") -> str:
    return f"id: {post_id}\nat: {at!r}\naccounts: {accounts}\ntype: status\ntext: hi\n{extra}"


# -- a new post's time -------------------------------------------------------------------


def test_a_new_post_in_the_past_is_an_error(repo: Path) -> None:
    one_error(
        validate(repo, post("2020-01-01T09:00")),
        "posts/a.yaml:2:5: error: at is in the past and the post is not on Publer yet; Publer "
        "refuses backdated posts: set a later at (or method: draft to keep it unscheduled) "
        "[$.at]",
    )


def test_a_new_post_inside_the_lead_time_is_an_error(repo: Path) -> None:
    soon = format_utc(datetime.now(UTC) + timedelta(seconds=40))
    one_error(
        validate(repo, post(soon)),
        "posts/a.yaml:2:5: error: at is less than 1 minute ahead and the post is not on Publer "
        "yet; Publer needs 1 minute: set at later, at least by the time apply runs [$.at]",
    )


def test_the_state_decides_a_post_on_publer_at_that_time_is_not_new(repo: Path) -> None:
    """Applied for a future time, then that time passed: the post is on Publer, not new."""
    (repo / "posts" / "a.yaml").write_text(post("2030-01-01T09:00"), encoding="utf-8")
    applied = CliRunner().invoke(cli, ["-C", str(repo), "apply", "--auto-approve"])
    assert applied.exit_code == ExitCode.OK, applied.output + applied.stderr
    store = StateStore(repo / "contentctl.state.json")
    state = store.load()
    entry = state.entry("a", "fb")
    assert entry is not None and entry.remote_id
    state.set_entry("a", "fb", replace(entry, scheduled_at="2020-01-01T09:00:00Z"))
    store.write(state)  # as if 2020 had been its time: published since

    clean = validate(repo, post("2020-01-01T09:00"))
    assert (clean.exit_code, clean.stdout) == (0, "1 post in 1 file: 0 errors, 0 warnings.\n")
    moved = validate(repo, post("2020-01-02T09:00"))  # a new time is sent again (a replace)
    one_error(
        moved,
        "posts/a.yaml:2:5: error: at is in the past and the post is not on Publer yet; Publer "
        "refuses backdated posts: set a later at (or method: draft to keep it unscheduled) "
        "[$.at]",
    )


def test_without_a_known_state_a_past_time_stays_a_warning(repo: Path) -> None:
    """A shared backend's state is not fetched to validate: the post may be on Publer."""
    config = load_config(repo / "contentctl.yaml", {})
    (repo / "posts" / "a.yaml").write_text(post("2020-01-01T09:00"), encoding="utf-8")
    _, found = check_repo(config)
    assert [d.render() for d in found] == [
        "posts/a.yaml:2:5: warning: at is in the past; Publer refuses backdated posts [$.at]"
    ]


# -- one account, one minute -------------------------------------------------------------


def test_two_posts_on_one_account_within_the_gap(repo: Path) -> None:
    manifest = (
        "posts:\n"
        "  - {id: a, at: '2030-01-01T09:00', accounts: [fb], type: status, text: hi}\n"
        "  - {id: b, at: '2030-01-01T09:00:30Z', accounts: [fb], type: status, text: ho}\n"
    )
    result = validate(repo, manifest)
    assert result.exit_code == 1
    assert result.stdout == (
        "posts/a.yaml:3:17: error: fb already has 'a' at posts/a.yaml:2:5, less than a minute "
        "apart; Publer needs a 1-minute gap [$.posts[1].at]\n"
        "2 posts in 1 file: 1 error, 0 warnings.\n"
    )


def test_the_gap_holds_across_two_aliases_of_one_account(repo: Path) -> None:
    """contentctl.yaml refuses two aliases for one account; validate holds the gap anyway."""
    config = load_config(repo / "contentctl.yaml", {})
    twin = Account("fb-too", FB, Provider.FACEBOOK)
    config = replace(config, accounts={**config.accounts, "fb-too": twin})
    (repo / "posts" / "a.yaml").write_text(
        "posts:\n"
        "  - {id: a, at: '2030-01-01T09:00', accounts: [fb], type: status, text: hi}\n"
        "  - {id: b, at: '2030-01-01T09:00:30Z', accounts: [fb-too], type: status, text: ho}\n",
        encoding="utf-8",
    )
    _, found = check_repo(config, now=datetime(2029, 1, 1, tzinfo=UTC), created={})
    assert [d.render() for d in found] == [
        f"posts/a.yaml:3:17: error: fb-too already has 'a' at posts/a.yaml:2:5 as fb (the same "
        f"account, {FB}), less than a minute apart; Publer needs a 1-minute gap [$.posts[1].at]"
    ]


# -- recycling where a network needs variations ------------------------------------------

RECYCLE = "method: recycling\nrecycling: {gap: 2, gap_freq: Week, expire_count: 4}\n"


def test_recycling_on_google_without_ten_variations(repo: Path) -> None:
    manifest = post("2030-01-01T09:00", accounts="[gbp]", extra=RECYCLE)
    one_error(
        validate(repo, manifest),
        "posts/a.yaml:5:7: error: recycling on google needs at least 10 variations of the text, "
        "written as spintax such as {Hello|Hi|Hey} there; this text has 1 [$.text]",
    )


def test_recycling_on_google_with_spintax_and_elsewhere_without(repo: Path) -> None:
    spun = post("2030-01-01T09:00", accounts="[gbp]", extra=RECYCLE).replace(
        "text: hi", f"text: {json.dumps(SPUN)}"
    )
    assert validate(repo, spun).exit_code == 0
    plain = post("2030-01-01T09:00", accounts="[fb]", extra=RECYCLE)
    assert validate(repo, plain).exit_code == 0  # Facebook recycles one text


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("no groups", 1),
        ("{a|b}", 2),
        ("{a|b} and {c|d|e}", 6),
        ("{a|{b|c}} x {d|e}", 6),  # nested: 3 options, times 2
        ("{a|b", 1),  # unclosed: plain text
        ("a } b | c", 1),
        (SPUN, 36),
        ("{||}", 3),  # empty options count
    ],
)
def test_spintax_variations(text: str, count: int) -> None:
    assert spintax_variations(text) == count


# -- media whose bytes are not what its name says ----------------------------------------

PHOTO = "type: photo\nmedia:\n  - path: media/a.png\n"


def test_a_jpeg_named_png_is_an_error(repo: Path) -> None:
    (repo / "media" / "a.png").write_bytes(JPEG)
    manifest = post("2030-01-01T09:00").replace("type: status\n", "") + PHOTO
    one_error(
        validate(repo, manifest),
        "posts/a.yaml:7:11: error: media path 'media/a.png' is named .png but holds a JPEG image; "
        "Publer reads the bytes: convert the file or rename it [$.media[0].path]",
    )


def test_a_text_file_named_mp4_is_an_error(repo: Path) -> None:
    (repo / "media" / "a.mp4").write_bytes(b"not a video at all")
    manifest = (
        post("2030-01-01T09:00").replace("type: status\n", "")
        + "type: video\nmedia:\n  - path: media/a.mp4\n"
    )
    one_error(
        validate(repo, manifest),
        "posts/a.yaml:7:11: error: media path 'media/a.mp4' is named .mp4 but does not hold a "
        "MP4 video; Publer reads the bytes: convert the file or rename it [$.media[0].path]",
    )


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (PNG, "PNG image"),
        (JPEG, "JPEG image"),
        (b"GIF89a\x01\0\x01\0", "GIF image"),
        (b"GIF87a\x01\0\x01\0", "GIF image"),
        (b"RIFF\x24\0\0\0WEBPVP8 ", "WebP image"),
        (b"\0\0\0\x18ftypisom\0\0", "MP4 video"),
        (b"\0\0\0\x14ftypqt  \0\0", "QuickTime video"),
        (b"\0\0\0\x08wide\0\0\0\0", "MP4 video"),
        (b"%PDF-1.4\n%", "PDF document"),
        (b"hello world, text", ""),
        (b"", ""),
    ],
)
def test_file_signatures(head: bytes, kind: str) -> None:
    assert sniff(head) == kind
