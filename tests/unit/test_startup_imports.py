"""Startup stays small: the CLI imports its heavy dependencies where they are used.

``contentctl --version`` must stay within 1.5x ``python -c "import click"``
(BENCHMARKS.md). Timing is noisy on a shared machine, so this checks the cause
instead: ``python -X importtime`` lists every module a fresh interpreter loads,
and none of the heavy ones may be among them when only the CLI is imported.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# Each costs 10 to 100 ms to import (shared/reference/perf-floor.md, "Startup").
HEAVY = (
    "yaml", "ruamel", "jsonschema", "jsonschema_rs", "httpx", "httpcore", "deepdiff",
    "rich", "icalendar", "psycopg", "sqlite3", "multiprocessing", "zoneinfo",
)  # fmt: skip


def imported(*args: str) -> list[str]:
    """Top-level names of every module a fresh ``python -X importtime ARGS`` loads."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    names = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":  # the header line
                names.append(name)
    assert "click" in names  # the listing works: the CLI does load click
    return names


@pytest.mark.parametrize(
    "args", [("-c", "import contentctl.cli"), ("-m", "contentctl", "--version")]
)
def test_the_cli_loads_no_heavy_module(args: tuple[str, ...]) -> None:
    loaded = imported(*args)
    heavy = sorted({name for name in loaded if name.split(".")[0] in HEAVY})
    assert heavy == []
