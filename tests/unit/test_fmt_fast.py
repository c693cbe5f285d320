"""fmt's fast path against fmt itself: what ``is_canonical`` proves, ``format_text`` leaves alone.

The two sources of truth are the round-trip formatter (ruamel) and the proof
without it (libyaml events written as fmt would write them). Generated posts
are formatted, then bent by small edits (comment lines at other columns, empty
lines, end-of-line comments, other quotes, indentation, swapped or deleted
lines); every text the fast path proves must come back from ``format_text``
byte for byte. The plain-scalar rules are held to ruamel's own analysis.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from ruamel.yaml.emitter import Emitter

from contentctl.errors import ManifestError
from contentctl.manifest.fmt import MEDIA_KEYS, POST_KEYS, format_file, format_text
from contentctl.manifest.fmt_fast import block_plain, flow_plain, is_canonical

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def _campaign_generator() -> Any:
    """The benchmark's second generator (benchmarks/ is not installed: loaded from its file)."""
    spec = importlib.util.spec_from_file_location(
        "generate_campaign", ROOT / "benchmarks" / "generate_campaign.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TRICKY = [
    "yes", "no", "true", "False", "null", "~", "", " ", "0123", "0x1F", "1e3", "1_000",
    "1:20", ".inf", "-1", "1.0", "2026-12-01T09:00:00+01:00", "2027-01-01", "- item",
    "a: b", "#tag", "a #b", "key:", "@user", "*star", "!bang", "|", "[x]", "{y}", ",",
    "?", "?x", ":x", "-x", "'", '"', "it's", 'say "hi"', "back\\slash", " lead", "trail ",
    "a\nb", "a\n\nb\n", "x\n\n", "\nx", "emoji 🚀 ünïcode", "東京オフィス", "long " * 30,
    "a,b", "a]b", "a: ", "x #", "--- x", "... y", "x\n  indented\ny",
]  # fmt: skip
_characters = st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\n ")
texts = st.one_of(st.sampled_from(TRICKY), st.text(_characters, max_size=100))
scalars = st.one_of(texts, st.integers(-(10**6), 10**6), st.booleans())
media = st.lists(
    st.dictionaries(st.sampled_from(MEDIA_KEYS), texts, min_size=1, max_size=3), max_size=2
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    media,
    st.dictionaries(st.sampled_from(["twitter", "bluesky"]), st.dictionaries(
        st.sampled_from(["text", "media", "type"]), texts, max_size=2), max_size=2),
)  # fmt: skip
posts = st.dictionaries(
    st.sampled_from([*POST_KEYS, "x_other", "zeta"]), values, min_size=1, max_size=6
)


@st.composite
def formatted(draw: st.DrawFn) -> str:
    """A manifest (one post, or a list of posts) as fmt writes it."""
    if draw(st.booleans()):
        doc: Any = draw(posts)
    else:
        doc = {"posts": draw(st.lists(posts, min_size=1, max_size=3))}
    text = yaml.safe_dump(
        doc,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=draw(st.sampled_from([False, None])),
        width=10_000,
    )
    if draw(st.booleans()):
        text = "# a campaign\n\n" + text
    try:
        return format_text(text)
    except ManifestError:
        assume(False)
        raise


@st.composite
def edited(draw: st.DrawFn, text: str) -> str:
    """``text`` with up to three small edits, any of which may take it out of fmt's form."""
    lines = text.split("\n")[:-1]
    for _ in range(draw(st.integers(0, 3))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        column = len(line) - len(line.lstrip(" "))
        kind = draw(st.sampled_from(
            ["comment", "comment-here", "blank", "eol", "quote", "indent", "swap", "drop",
             "space", "plain"]))  # fmt: skip
        if kind == "comment":
            lines.insert(at, " " * draw(st.sampled_from([0, 1, 2, 4, 6])) + "# note")
        elif kind == "comment-here":
            lines.insert(at, " " * column + "# note")
        elif kind == "blank":
            lines.insert(at, draw(st.sampled_from(["", "  "])))
        elif kind == "eol":
            lines[at] = line + draw(st.sampled_from(["  # eol", " #x", "#y"]))
        elif kind == "quote":
            lines[at] = line.replace('"', "'")
        elif kind == "plain":
            lines[at] = line.replace('"', "")
        elif kind == "indent":
            lines[at] = " " * draw(st.sampled_from([1, 2])) + line
        elif kind == "swap" and at + 1 < len(lines):
            lines[at], lines[at + 1] = lines[at + 1], lines[at]
        elif kind == "drop":
            del lines[at]
        elif kind == "space":
            lines[at] = line + " "
    return "".join(f"{line}\n" for line in lines)


@settings(
    max_examples=4 * settings().max_examples,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(st.data())
def test_what_the_fast_path_proves_fmt_leaves_byte_for_byte(data: st.DataObject) -> None:
    canonical = data.draw(formatted())
    text = data.draw(edited(canonical))
    for candidate in (canonical, text):
        if is_canonical(candidate):
            event("proved")
            try:
                again = format_text(candidate)
            except ManifestError as exc:
                pytest.fail(f"proved canonical, but fmt refuses it: {exc}\n{candidate}")
            assert again == candidate
        else:
            event("not proved")


def _ruamel_analysis(value: str) -> Any:
    emitter = Emitter(io.StringIO(), allow_unicode=True)
    emitter.use_version = None  # type: ignore[attr-defined]  # as fmt's dumper: YAML 1.2
    return emitter.analyze_scalar(value)


_safe = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufeff")


@settings(max_examples=5 * settings().max_examples)
@given(st.one_of(st.sampled_from(TRICKY), st.text(_safe | st.sampled_from(" :#-?,[]\n"))))
def test_the_plain_rules_are_ruamels(value: str) -> None:
    if "\t" in value or "\r" in value:
        return
    analysis = _ruamel_analysis(value)
    assert block_plain(value) == (analysis.allow_block_plain and not analysis.empty)
    assert flow_plain(value) == analysis.allow_flow_plain


def test_the_benchmark_repo_is_proved_file_by_file(tmp_path: Path) -> None:
    """The campaign shape (comments above files and posts, blocks, flow lists, every network)."""
    _campaign_generator().write_repo(tmp_path, 120)
    files = sorted(tmp_path.rglob("*.yaml"))
    assert len(files) >= 4
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert format_text(text) == text, path
        assert is_canonical(text), path


def test_the_examples_are_proved_or_left_to_fmt() -> None:
    """End-of-line comments and `---` documents are outside the proof: fmt reads those."""
    for path in sorted((EXAMPLES / "content").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if is_canonical(text):
            assert format_text(text) == text, path


@pytest.mark.parametrize(
    ("text", "proved"),
    [
        ("# top\n\nposts:\n  # one\n  - id: a\n    text: hi\n\n  - id: b\n", True),
        ('id: a\nat: "2027-01-01T09:00:00+01:00"\nlabels: [x, y]\n', True),
        ("id: a\ntext: |-\n  line one\n\n  #hashtag line\n", True),
        ("id: a\ntext: 'hi'\n", False),  # fmt writes "hi" or hi, never '...'
        ("text: hi\nid: a\n", False),  # id comes first
        ("id: a\ntext: yes\n", False),  # a YAML 1.1 reader takes it for true
        ("id: a\ntext: hi  # note\n", False),  # end-of-line comments: fmt decides
        ("id: a\n   # deeper than the next line\ntext: hi\n", False),
        ("id: a\ntext: hi\n# at the end\n", False),
        ("---\nid: a\n", False),
        ("id: a\nid: b\n", False),  # fmt's reader refuses the repeated key
        ("id: a\ntext: hi", False),  # no final line break
        ("id: a\r\ntext: hi\r\n", False),
        (f"id: a\ntext: {'word ' * 20}end\n", False),  # long prose becomes a block
    ],
)
def test_the_shapes_the_proof_takes_and_leaves(text: str, proved: bool) -> None:
    assert is_canonical(text) is proved
    if proved:
        assert format_text(text) == text


def test_fmt_check_on_a_proved_file_skips_the_round_trip_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proved = tmp_path / "proved.yaml"
    proved.write_text("id: a\ntext: hi\n", encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text("text: hi\nid: b\n", encoding="utf-8")
    seen: list[str] = []
    real = format_text

    def spy(text: str, **kwargs: Any) -> str:
        seen.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr("contentctl.manifest.fmt.format_text", spy)
    assert not format_file(proved).changed
    assert format_file(other).after == "id: b\ntext: hi\n"
    assert seen == ["text: hi\nid: b\n"]
    assert format_file(proved, fix=True).changed is False  # --fix may quote: fmt decides
    assert len(seen) == 2
