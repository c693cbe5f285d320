"""Writing the state re-encodes only what changed: each entry's line is rendered once.

``Entry.document()`` and ``Intent.document()`` keep their one-line JSON text
(``fileformat.Rendered``); a write renders the entries that are new or were
replaced and reuses the text of the others, and the file is byte for byte the
one a state loaded afresh gives.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from contentctl.model import JSONObject
from contentctl.state import fileformat
from contentctl.state.records import Entry, EntryStatus, Intent, IntentItem
from contentctl.state.store import StateStore


def entry(remote_id: str) -> Entry:
    spec: JSONObject = {"network": {"type": "status", "text": f"Grüße aus Köln {remote_id}"}}
    return Entry("65f0aa", "facebook", remote_id, EntryStatus.SCHEDULED, "ab" * 32, spec,
                 "2027-01-05T08:00:00Z", "job-1", None, None, "2026-12-01T10:00:00Z",
                 "2026-12-01T10:00:00Z")  # fmt: skip


def test_a_write_encodes_only_the_replaced_entry_and_the_file_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = StateStore(tmp_path / "contentctl.state.json")
    state = store.load()
    for number in range(5):
        state.set_entry(f"p{number}", "fb", entry(f"r{number}"))
    item = IntentItem("p9", "fb", "65f0aa", "cd" * 32, None, "ab" * 32, {"network": {}})
    state.intents["batch-1"] = Intent(
        "2026-12-01T10:00:00Z", "schedule", "scheduled", None, (item,)
    )
    store.write(state)
    encoded: list[str] = []
    dump = fileformat._dump

    def counted(value: object) -> str:
        if isinstance(value, dict) and ("remote_id" in value or "job_id" in value):
            encoded.append(str(value.get("remote_id", value.get("job_id"))))
        return dump(value)

    monkeypatch.setattr(fileformat, "_dump", counted)
    state.set_entry("p2", "fb", replace(entry("r2"), status=EntryStatus.PUBLISHED))
    state.intents["batch-1"] = replace(state.intents["batch-1"], job_id="job-9")
    state = store.write(state)
    assert sorted(encoded) == ["job-9", "r2"]  # the replaced entry and intent, nothing else
    written = store.path.read_bytes()
    monkeypatch.setattr(fileformat, "_dump", dump)
    fresh = StateStore(store.path).load()
    assert fresh.entry("p2", "fb") == replace(entry("r2"), status=EntryStatus.PUBLISHED)
    fresh.workspace_id = "changed"  # forces a write of every line from a state never rendered
    again = StateStore(store.path)
    again.write(fresh)
    lines = again.path.read_text("utf-8").splitlines()
    assert [line for line in lines if '"workspace_id"' not in line and '"serial"' not in line] == [
        line
        for line in written.decode("utf-8").splitlines()
        if '"workspace_id"' not in line and '"serial"' not in line
    ]
