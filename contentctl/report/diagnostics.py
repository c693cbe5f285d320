"""Diagnostics in, text out: what ``contentctl validate`` prints, in three views.

Each view takes the located problems of one check (already sorted) and the
number of files and posts read, and returns the whole output, newline-ended:

- ``text``: one ``path:line:col: severity: message [json.path]`` line per
  problem, then a count line;
- ``json``: one document (``format_version`` 1) with the counts and every
  problem, for other tools;
- ``github``: one ``::error``/``::warning`` workflow command per problem, so a
  pull request shows them on the lines they are about.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from contentctl.model import Diagnostic, Severity


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _error_count(diagnostics: Sequence[Diagnostic]) -> int:
    return sum(1 for d in diagnostics if d.severity is Severity.ERROR)


def render_text(diagnostics: Sequence[Diagnostic], *, files: int, posts: int) -> str:
    lines = [d.render() for d in diagnostics]
    errors = _error_count(diagnostics)
    warnings = len(diagnostics) - errors
    lines.append(
        f"{plural(posts, 'post')} in {plural(files, 'file')}: "
        f"{plural(errors, 'error')}, {plural(warnings, 'warning')}."
    )
    return "".join(line + "\n" for line in lines)


def render_json(diagnostics: Sequence[Diagnostic], *, files: int, posts: int) -> str:
    errors = _error_count(diagnostics)
    document = {
        "format_version": 1,
        "valid": not errors,
        "files": files,
        "posts": posts,
        "errors": errors,
        "warnings": len(diagnostics) - errors,
        "diagnostics": [
            {
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "severity": str(d.severity),
                "message": d.message,
                "path": d.path,
            }
            for d in diagnostics
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_github(diagnostics: Sequence[Diagnostic], *, files: int, posts: int) -> str:
    """Workflow commands; ``files`` and ``posts`` are not shown (annotations only)."""
    lines = []
    for d in diagnostics:
        # GitHub reads % and newlines in a command's message as escapes.
        message = f"{d.message} [{d.path}]".replace("%", "%25").replace("\n", "%0A")
        lines.append(f"::{d.severity} file={d.file},line={d.line},col={d.column}::{message}")
    return "".join(line + "\n" for line in lines)
