"""Strings from post text in, GitHub-Markdown fragments out that show exactly as written.

Post text is hostile to Markdown: it may hold backtick runs, HTML, ``@mentions``
(GitHub would notify those people) and table pipes. Four shapes cover the
comment: ``fence`` (a block longer than any backtick run in the text, so the
text cannot close it; GitHub links no mention inside code), ``code`` (an inline
code span, same rule), ``inline`` (running text and table cells: every ASCII
punctuation mark backslash-escaped, which CommonMark defines for all of them)
and ``html_text`` (inside raw HTML such as ``<summary>``, where Markdown is not
parsed, so only entities work). Outside code a mention is broken with a word
joiner after the ``@``: it still reads ``@name`` but matches no mention pattern.
"""

from __future__ import annotations

import html
import re

# GitHub links @name and @org/team where a letter or digit follows the @.
_MENTION = re.compile(r"@(?=[0-9A-Za-z])")
_ESCAPED_MENTION = re.compile(r"\\@(?=[0-9A-Za-z])")
_JOINER = "\u2060"  # WORD JOINER: invisible, and not a letter or digit
_BACKTICKS = re.compile(r"`+")
# What starts markup in GitHub Markdown mid-line: emphasis, code, links, HTML,
# entities, table cells, strikethrough, headings, math (CommonMark lets any ASCII
# punctuation be backslash-escaped). A mention needs more: GitHub finds it in the
# rendered text, where the backslash is gone, hence the joiner.
_ACTIVE = frozenset("\\`*_[]<>&|~!#$@")
# At the start of a line these make a list, a setext heading or a rule as well.
_LINE_START = frozenset("-+=")


def longest_backtick_run(text: str) -> int:
    return max((len(run) for run in _BACKTICKS.findall(text)), default=0)


def fence(text: str, info: str = "") -> str:
    """``text`` as a fenced code block whose fence no line of it can close."""
    marks = "`" * max(3, longest_backtick_run(text) + 1)
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    return f"{marks}{info}\n{body}\n{marks}"


def code(text: str, *, in_table: bool = False) -> str:
    """``text`` as an inline code span (on one line); ``in_table`` also guards ``|``."""
    flat = " ".join(text.split())
    marks = "`" * (longest_backtick_run(flat) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    if in_table:
        flat = flat.replace("|", "\\|")  # GFM splits cells before it parses code spans
    return f"{marks}{pad}{flat}{pad}{marks}"


def inline(text: str) -> str:
    """``text`` as running Markdown (one line) that renders as written: no markup, no mention."""
    flat = " ".join(text.split())
    escaped = "".join(f"\\{ch}" if ch in _ACTIVE else ch for ch in flat)
    if escaped[:1] in _LINE_START:
        escaped = "\\" + escaped
    elif escaped[:1].isdigit():  # "1. " or "1) " would start an ordered list
        escaped = re.sub(r"^(\d+)([.)])", r"\1\\\2", escaped)
    return _ESCAPED_MENTION.sub("\\\\@" + _JOINER, escaped)


def html_text(text: str) -> str:
    """``text`` for raw HTML (``<summary>``): entities for ``& < > "``, mentions broken."""
    return _MENTION.sub("@" + _JOINER, html.escape(" ".join(text.split())))
