"""docs/fidelity.md held to the tests it names: the table of Publer rows cannot drift from them.

Every test a row names exists (found with ast in the file it names), and for a row that is
FIXED or a CHOICE, at least one of its tests names the row's Publer page in its own source,
so a reader of the test finds the page that decides it. The checker is proved to fire on a
broken copy of the table.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TABLE = REPO / "docs" / "fidelity.md"
_URL = re.compile(r"<(https?://[^>\s]+)>")
_TEST = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


@dataclass(frozen=True)
class Row:
    ref: str
    now: str
    url: str | None
    tests: tuple[tuple[str, str], ...]

    @property
    def settled(self) -> bool:
        return self.now.startswith(("FIXED", "CHOICE"))


def rows(text: str) -> list[Row]:
    found = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].startswith(("(", "daily")):
            continue
        url = _URL.search(cells[3])
        found.append(Row(cells[0], cells[2], url.group(1) if url else None,
                         tuple(_TEST.findall(cells[4]))))  # fmt: skip
    return found


def problems(table: list[Row], root: Path) -> list[str]:
    said = []
    for row in table:
        sources = []
        for path, name in row.tests:
            file = root / path
            if not file.is_file():
                said.append(f"{row.ref}: {path} does not exist")
                continue
            text = file.read_text("utf-8")
            node = next((n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef)
                         and n.name == name), None)  # fmt: skip
            if node is None:
                said.append(f"{row.ref}: {path} has no test {name}")
                continue
            sources.append(ast.get_source_segment(text, node) or "")
        if row.settled and not row.tests:
            said.append(f"{row.ref}: {row.now} but no test holds it")
        elif row.settled and row.url is None:
            said.append(f"{row.ref}: {row.now} but no Publer page")
        elif row.settled and sources and not any(row.url in source for source in sources):
            said.append(f"{row.ref}: none of its tests names {row.url}")
    return said


def test_every_row_is_held_by_tests_that_exist_and_name_its_page() -> None:
    table = rows(TABLE.read_text("utf-8"))
    assert len(table) >= 25
    assert problems(table, REPO) == []


def test_the_rows_the_issue_names_are_all_there() -> None:
    refs = " ".join(row.ref for row in rows(TABLE.read_text("utf-8")))
    for wanted in ("GET /accounts", "PUT /posts/{id}", "POST /media/from-url", "GET /media",
                   "media_options", "signatures", "networks.<p>.type", "media[].type",
                   "thumbnails", "external-N", "recycling", "recurring", "X long posts",
                   "Polls", "WordPress", "LinkedIn document", "Ideas"):  # fmt: skip
        assert wanted in refs, wanted


def test_the_checker_fires_on_a_broken_copy() -> None:
    text = TABLE.read_text("utf-8")
    renamed = text.replace("::test_thumbnails_are_uploaded_photos`", "::test_gone`", 1)
    assert "(b) thumbnails: tests/contract/test_contract_fidelity.py has no test test_gone" in (
        problems(rows(renamed), REPO)
    )
    moved = text.replace(
        "<https://publer.com/docs/posting/create-posts/content-types/polls>",
        "<https://publer.com/docs/posting/create-posts/content-types/polls-elsewhere>",
        1,
    )
    assert problems(rows(moved), REPO) == [
        "(b) Polls: none of its tests names "
        "https://publer.com/docs/posting/create-posts/content-types/polls-elsewhere"
    ]
    no_file = text.replace("`tests/contract/test_contract_links.py::", "`tests/contract/nope.py::")
    assert "(a) 18 `POST /posts/links`: tests/contract/nope.py does not exist" in problems(
        rows(no_file), REPO
    )
