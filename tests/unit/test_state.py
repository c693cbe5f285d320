"""The state file: typed records, canonical output, serials, refusals, atomic writes, push."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import FrozenInstanceError, replace
from pathlib import Path
from typing import Any

import pytest

from contentctl.errors import StateError
from contentctl.manifest.schemas import schema
from contentctl.state import fileformat
from contentctl.state.records import Entry, EntryStatus, Intent, IntentItem, MediaRecord
from contentctl.state.store import FORMAT_VERSION, State, StateStore, new_state

REPO = Path(__file__).resolve().parents[2]
HASH = "ab" * 32


def entry(status: str = "scheduled", **changes: Any) -> Entry:
    return Entry.from_json(entry_json(status, **changes))  # type: ignore[arg-type]


def entry_json(status: str = "scheduled", **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "account_id": "65f0aa",
        "provider": "facebook",
        "remote_id": "68176f01",
        "status": status,
        "content_hash": HASH,
        "spec": {"text": "Grüße aus Köln", "networks": {"facebook": {"type": "status"}}},
        "scheduled_at": "2027-01-05T08:00:00Z",
        "job_id": "job-1",
        "post_link": None,
        "last_error": None,
        "created_at": "2026-12-01T10:00:00Z",
        "updated_at": "2026-12-01T10:00:00Z",
    }
    base.update(changes)
    return base


def media() -> MediaRecord:
    return MediaRecord("m1", "media/a.png", "photo", "2026-12-01T10:00:00Z")


def set_status(state: State, status: EntryStatus, post_id: str = "launch") -> None:
    """What apply does to an entry: a new record in its place."""
    state.set_entry(post_id, "fb", replace(status_entry(state, post_id), status=status))


def status_entry(state: State, post_id: str = "launch") -> Entry:
    found = state.entry(post_id, "fb")
    assert found is not None
    return found


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path / "contentctl.state.json")


@pytest.fixture
def saved(store: StateStore) -> State:
    """A state with one post written once (serial 1)."""
    state = store.load()
    state.workspace_id = "6650f1c2a1b2c3d4e5f60718"
    state.set_entry("launch", "fb", entry())
    return store.write(state)


def test_missing_file_gives_a_fresh_state_and_creates_nothing(store: StateStore) -> None:
    state = store.load()
    assert (state.serial, state.exists, store.exists) == (0, False, False)
    assert state.format_version == FORMAT_VERSION
    assert len(state.lineage) == 36
    assert not store.path.parent.joinpath(store.path.name).exists()
    assert new_state("w").lineage != new_state("w").lineage


def test_write_is_sorted_json_with_one_line_per_post_account(
    store: StateStore, saved: State
) -> None:
    text = store.path.read_text("utf-8")
    assert text.endswith("}\n")
    assert "Grüße aus Köln" in text  # not \u-escaped, so diffs stay readable
    document = json.loads(text)
    assert document["serial"] == 1
    assert store.load() == saved
    lines = text.splitlines()
    assert [line.split(":")[0].strip() for line in lines if line.startswith('  "')] == sorted(
        f'"{key}"' for key in document
    )
    for post_id, accounts in document["posts"].items():
        for alias, entry in accounts.items():
            (line,) = [ln for ln in lines if ln.startswith(f'      "{alias}": {{')]
            assert json.loads(line.split(": ", 1)[1].rstrip(",")) == entry
            assert f'    "{post_id}": {{' in lines


def test_output_does_not_depend_on_insertion_order(tmp_path: Path) -> None:
    one = StateStore(tmp_path / "one.json")
    two = StateStore(tmp_path / "two.json")
    a = new_state("w")
    b = State(serial=0, lineage=a.lineage, workspace_id="w")
    spec = {"text": "Grüße aus Köln", "networks": {"facebook": {"type": "status"}}}
    a.set_entry("p1", "fb", entry(spec=spec))
    a.set_entry("p2", "x", entry(provider="twitter"))
    b.set_entry("p2", "x", entry(provider="twitter"))
    b.set_entry("p1", "fb", entry(spec=dict(reversed(list(spec.items())))))
    one.write(a)
    two.write(b)
    assert one.path.read_bytes() == two.path.read_bytes()
    assert a.content_digest() == b.content_digest()


def test_serial_bumps_only_on_real_change(store: StateStore, saved: State) -> None:
    before = store.path.read_bytes()
    store.write(saved)
    store.write(store.load())
    assert saved.serial == 1
    assert store.path.read_bytes() == before
    assert not store.backup_path.exists()

    set_status(saved, EntryStatus.PUBLISHED)
    store.write(saved)
    assert saved.serial == 2
    assert status_entry(store.load()).status is EntryStatus.PUBLISHED
    assert store.backup_path.read_bytes() == before


def test_digest_ignores_serial_but_not_content(saved: State) -> None:
    other = saved.copy()
    other.serial += 5
    assert other.content_digest() == saved.content_digest()
    other.media[HASH] = media()
    assert other.content_digest() != saved.content_digest()


def test_entries_are_listed_in_order_and_removed_with_their_post() -> None:
    state = new_state("w")
    state.set_entry("b-post", "fb", entry(remote_id=None))
    state.set_entry("a-post", "x", entry(provider="twitter"))
    state.set_entry("a-post", "fb", entry())
    stored = state.entry("b-post", "fb")
    assert stored == entry(remote_id=None)
    assert [(p, a, e.provider) for p, a, e in state.iter_entries()] == [
        ("a-post", "fb", "facebook"),
        ("a-post", "x", "twitter"),
        ("b-post", "fb", "facebook"),
    ]
    assert state.remove_entry("b-post", "fb") == stored
    assert "b-post" not in state.posts
    assert state.remove_entry("b-post", "fb") is None
    assert state.entry("b-post", "fb") is None
    assert state.entry("a-post", "nowhere") is None


def test_records_are_frozen_and_change_by_replace() -> None:
    recorded = entry()
    with pytest.raises(FrozenInstanceError):
        recorded.status = EntryStatus.FAILED  # type: ignore[misc]
    failed = replace(recorded, status=EntryStatus.FAILED, last_error="refused")
    assert (recorded.status, failed.status, failed.last_error) == ("scheduled", "failed", "refused")


def test_entry_json_is_the_file_entry_exactly_with_its_keys_in_order() -> None:
    data = entry_json("recycling", last_error="x", post_link="https://fb.example/p/1")
    recorded = Entry.from_json(data)  # type: ignore[arg-type]
    assert recorded.status is EntryStatus.RECYCLING
    assert recorded.to_json() == data
    assert list(recorded.to_json()) == sorted(data)  # as `plan --format json` prints it


def test_entry_statuses_are_the_schemas() -> None:
    allowed = schema("state")["$defs"]["entry"]["properties"]["status"]["enum"]
    assert sorted(EntryStatus) == sorted(allowed)


def test_intent_item_without_the_optional_fields_round_trips_without_them() -> None:
    data = intent()["items"][0]
    del data["provider"], data["index"]
    item = IntentItem.from_json(data)
    assert (item.provider, item.index, item.key) == (None, None, ("launch", "fb"))
    assert item.to_json() == data


def test_loading_and_rendering_again_gives_the_same_bytes(store: StateStore, saved: State) -> None:
    saved.intents["batch-1"] = Intent.from_json(intent())  # type: ignore[arg-type]
    saved.media[HASH] = media()
    saved.set_entry("idea", "-", entry(account_id=None, provider="default", scheduled_at=None))
    store.write(saved)
    loaded = store.load()
    text = fileformat.text_of(fileformat.members(loaded.document()), loaded.serial)
    assert text.encode("utf-8") == store.path.read_bytes()


def test_copy_is_deep(saved: State) -> None:
    clone = saved.copy()
    status_entry(clone).spec["text"] = "other"
    assert status_entry(saved).spec["text"] == "Grüße aus Köln"
    assert clone != saved and clone.copy() == clone


def _truncated(text: str) -> bytes:
    return text.encode()[: len(text) // 2]


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (_truncated, "truncated"),
        (lambda text: b"\xff\xfe\x00garbage\x9c", "not JSON text"),
        (lambda text: b"", "empty"),
        (lambda text: b"<<<<<<< HEAD\n" + text.encode(), "not valid JSON"),
        (lambda text: text.replace('"media": {}', '"media": {}, "media": {}').encode(), "dupl"),
        (lambda text: b"[1, 2]\n", "expected a JSON object"),
    ],
)
def test_damaged_file_is_refused_untouched_and_backup_named(
    store: StateStore, saved: State, damage: Any, says: str
) -> None:
    set_status(saved, EntryStatus.PUBLISHED)
    store.write(saved)  # now a backup exists
    damaged = damage(store.path.read_text("utf-8"))
    store.path.write_bytes(damaged)

    with pytest.raises(StateError) as caught:
        store.load()
    message = str(caught.value)
    assert says in message
    assert str(store.path) in message
    assert f"the previous version is in {store.backup_path}" in message
    assert "\n" not in message

    with pytest.raises(StateError):
        store.write(saved)
    assert store.path.read_bytes() == damaged


def test_damaged_file_without_backup_does_not_promise_one(store: StateStore, saved: State) -> None:
    store.path.write_text("{", "utf-8")
    with pytest.raises(StateError) as caught:
        store.load()
    assert "previous version" not in str(caught.value)


def test_schema_mismatch_names_the_json_path(store: StateStore, saved: State) -> None:
    document = json.loads(store.path.read_text("utf-8"))
    document["posts"]["launch"]["fb"]["status"] = "vanished"
    store.path.write_text(json.dumps(document), "utf-8")
    with pytest.raises(StateError, match=r"at \$\.posts\.launch\.fb\.status: .*vanished"):
        store.load()


def test_unknown_top_level_key_is_refused(store: StateStore, saved: State) -> None:
    document = json.loads(store.path.read_text("utf-8"))
    document["outputs"] = {}
    store.path.write_text(json.dumps(document), "utf-8")
    with pytest.raises(StateError, match="outputs"):
        store.load()


def test_newer_format_is_refused_with_upgrade_hint(store: StateStore, saved: State) -> None:
    document = json.loads(store.path.read_text("utf-8"))
    document["format_version"] = FORMAT_VERSION + 1
    document["something_new"] = True
    store.path.write_text(json.dumps(document), "utf-8")
    before = store.path.read_bytes()
    with pytest.raises(StateError, match=r"newer contentctl.*upgrade"):
        store.load()
    assert store.path.read_bytes() == before


def test_unreadable_file_is_a_state_error(tmp_path: Path) -> None:
    (tmp_path / "contentctl.state.json").mkdir()
    with pytest.raises(StateError, match="cannot read the state file"):
        StateStore(tmp_path / "contentctl.state.json").load()


def test_invalid_state_is_never_written(store: StateStore, saved: State) -> None:
    before = store.path.read_bytes()
    saved.set_entry("launch", "fb", replace(status_entry(saved), scheduled_at="next Tuesday"))
    with pytest.raises(StateError, match=r"\$\.posts\.launch\.fb\.scheduled_at"):
        store.write(saved)
    assert store.path.read_bytes() == before
    assert saved.serial == 1


def test_foreign_lineage_is_never_overwritten(store: StateStore, saved: State) -> None:
    before = store.path.read_bytes()
    stranger = new_state("w")
    stranger.set_entry("other", "fb", entry())
    with pytest.raises(StateError, match="lineage"):
        store.write(stranger)
    assert store.path.read_bytes() == before


def test_a_file_written_by_another_run_is_not_overwritten(store: StateStore, saved: State) -> None:
    ours = store.load()
    theirs = store.load()
    theirs.set_entry("theirs", "fb", entry())
    store.write(theirs)
    after_them = store.path.read_bytes()
    ours.set_entry("ours", "fb", entry())
    with pytest.raises(StateError, match="another run wrote it"):
        store.write(ours)
    assert store.path.read_bytes() == after_them


def test_a_write_by_another_process_is_seen_after_our_own_write(
    store: StateStore, saved: State
) -> None:
    other = StateStore(store.path)  # another process, in effect
    theirs = other.load()
    theirs.set_entry("theirs", "fb", entry())
    other.write(theirs)
    saved.set_entry("ours", "fb", entry())
    with pytest.raises(StateError, match="another run wrote it"):
        store.write(saved)

    mine = store.load()
    mine.set_entry("ours", "fb", entry())
    store.write(mine)  # serial 3, remembered by this store
    text = store.path.read_text("utf-8").replace('"scheduled"', '"published"', 1)
    stamp = store.path.stat().st_mtime_ns
    store.path.write_text(text, "utf-8")  # a hand edit in place: same file, same size
    os.utime(store.path, ns=(stamp + 10**9, stamp + 10**9))
    mine.set_entry("ours", "x", entry(provider="twitter"))
    store.write(mine)
    assert store.backup_path.read_text("utf-8") == text  # the edit was read, and kept


def _fail_replace_into(monkeypatch: pytest.MonkeyPatch, *targets: Path) -> None:
    real_replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        if Path(dst) in targets:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)


def test_failed_write_keeps_the_file_and_saves_an_errored_copy(
    store: StateStore, saved: State, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = store.path.read_bytes()
    set_status(saved, EntryStatus.PUBLISHED)
    _fail_replace_into(monkeypatch, store.path)
    with pytest.raises(StateError) as caught:
        store.write(saved)
    message = str(caught.value)
    assert store.errored_path.name == "contentctl.state.errored.json"
    assert f"contentctl state push {store.errored_path}" in message
    assert "No space left on device" in message
    assert store.path.read_bytes() == before
    assert saved.serial == 1
    assert not list(store.path.parent.glob(".*.tmp"))

    monkeypatch.undo()
    pushed = store.push(store.errored_path)
    assert pushed.serial == 3  # max(current 1, errored 2) + 1
    assert status_entry(store.load()).status is EntryStatus.PUBLISHED


def test_disk_full_while_writing_leaves_no_temp_and_no_change(
    store: StateStore, saved: State, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = store.path.read_bytes()
    real_write = os.write

    def write(fd: int, data: Any) -> int:
        # Only the state file's own temp file hits the full disk; the errored copy fits.
        if Path(os.readlink(f"/proc/self/fd/{fd}")).name.startswith(".contentctl.state.json."):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    saved.set_entry("second", "fb", entry(spec={"text": "x" * 1000}))
    with pytest.raises(StateError, match="contentctl state push"):
        store.write(saved)
    assert store.path.read_bytes() == before
    assert not list(store.path.parent.glob(".*.tmp"))


def test_errored_copy_falls_back_to_the_temp_folder(
    store: StateStore, saved: State, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "tmp"
    elsewhere.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(elsewhere))
    _fail_replace_into(monkeypatch, store.path, store.errored_path)
    saved.set_entry("second", "fb", entry())
    with pytest.raises(
        StateError, match=re.escape(str(elsewhere / "contentctl.state.errored.json"))
    ):
        store.write(saved)
    assert State.from_json(json.loads((elsewhere / store.errored_path.name).read_text())).entry(
        "second", "fb"
    )


def test_push_refuses_another_lineage_unless_forced(
    store: StateStore, saved: State, tmp_path: Path
) -> None:
    other = StateStore(tmp_path / "elsewhere.json")
    stranger = new_state("w")
    stranger.set_entry("foreign", "fb", entry())
    other.write(stranger)
    with pytest.raises(StateError, match=r"lineage.*--force"):
        store.push(other.path)
    assert store.load().entry("foreign", "fb") is None

    pushed = store.push(other.path, force=True)
    assert (pushed.lineage, pushed.serial) == (stranger.lineage, 2)
    assert store.load().entry("foreign", "fb") is not None


def test_push_refuses_an_older_serial_unless_forced(
    store: StateStore, saved: State, tmp_path: Path
) -> None:
    old_copy = tmp_path / "old.json"
    old_copy.write_bytes(store.path.read_bytes())  # serial 1
    for status in (EntryStatus.PUBLISHED, EntryStatus.FAILED):
        set_status(saved, status)
        store.write(saved)  # serial 3
    with pytest.raises(StateError, match="older"):
        store.push(old_copy)
    assert store.load().serial == 3

    pushed = store.push(old_copy, force=True)
    assert pushed.serial == 4
    assert status_entry(store.load()).status is EntryStatus.SCHEDULED


def test_push_validates_the_pushed_file(store: StateStore, saved: State, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", "utf-8")
    before = store.path.read_bytes()
    with pytest.raises(StateError, match=re.escape(str(bad))):
        store.push(bad, force=True)
    with pytest.raises(StateError, match="no such file"):
        store.push(tmp_path / "missing.json")
    with pytest.raises(StateError, match="state file itself"):
        store.push(store.path)
    assert store.path.read_bytes() == before


def test_push_of_the_same_content_changes_nothing(
    store: StateStore, saved: State, tmp_path: Path
) -> None:
    copy_ = tmp_path / "copy.json"
    copy_.write_text(store.path.read_text("utf-8").replace('"serial": 1', '"serial": 5'))
    before = store.path.read_bytes()
    assert store.push(copy_).serial == 1
    assert store.path.read_bytes() == before


def test_push_onto_no_state_creates_it(store: StateStore, tmp_path: Path) -> None:
    source = StateStore(tmp_path / "from-ci.json")
    state = new_state("w")
    state.set_entry("launch", "fb", entry())
    source.write(state)
    pushed = store.push(source.path)
    assert (pushed.serial, store.load().lineage) == (2, state.lineage)


def test_paths_beside_the_state(store: StateStore) -> None:
    folder = store.path.parent
    assert store.backup_path == folder / "contentctl.state.json.backup"
    assert store.errored_path == folder / "contentctl.state.errored.json"
    assert store.lock_path == folder / "contentctl.state.json.lock"


WRITER = textwrap.dedent(
    """
    import sys
    from dataclasses import replace
    from pathlib import Path
    from contentctl.state.records import EntryStatus
    from contentctl.state.store import StateStore
    store = StateStore(Path(sys.argv[1]))
    state = store.load()
    for status in (EntryStatus.PUBLISHED, EntryStatus.FAILED):
        state.set_entry("launch", "fb", replace(state.entry("launch", "fb"), status=status))
        store.write(state)
    """
)


def _run_writer(state_path: Path, kill_at: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "CONTENTCTL_TEST_KILL_AT": kill_at, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", WRITER, str(state_path)], env=env, capture_output=True, timeout=60
    )


def test_killed_mid_write_leaves_the_previous_state(store: StateStore, saved: State) -> None:
    before = store.path.read_bytes()
    result = _run_writer(store.path, "state-write-mid")
    assert result.returncode == -9, result.stderr
    assert store.path.read_bytes() == before
    leftovers = list(store.path.parent.glob(".contentctl.state.json.*.tmp"))
    assert len(leftovers) == 1
    assert 0 < len(leftovers[0].read_bytes()) < len(before)

    state = store.load()
    set_status(state, EntryStatus.DELETED)
    store.write(state)
    assert not list(store.path.parent.glob(".*.tmp"))


def test_kill_point_counts_arrivals(store: StateStore, saved: State) -> None:
    result = _run_writer(store.path, "state-write-mid:2")
    assert result.returncode == -9, result.stderr
    assert status_entry(store.load()).status is EntryStatus.PUBLISHED

    result = _run_writer(store.path, "some-other-point")
    assert result.returncode == 0, result.stderr
    assert status_entry(store.load()).status is EntryStatus.FAILED


def intent(**extra: Any) -> dict[str, Any]:
    item = {
        "post_id": "launch",
        "alias": "fb",
        "account_id": "65f0aa",
        "provider": "facebook",
        "index": 0,
        "fingerprint": HASH,
        "scheduled_at": "2027-01-05T08:00:00Z",
        "content_hash": HASH,
        "spec": {"anything": ["goes", 1, None]},
        **extra,
    }
    return {
        "created_at": "2026-12-01T10:00:00Z",
        "endpoint": "schedule",
        "bulk_state": "scheduled",
        "job_id": None,
        "items": [item],
    }


def test_intent_journal_and_media_round_trip(store: StateStore, saved: State) -> None:
    saved.intents["batch-1"] = Intent.from_json(intent())  # type: ignore[arg-type]
    saved.media[HASH] = media()
    store.write(saved)
    on_disk = json.loads(store.path.read_text("utf-8"))
    assert on_disk["intents"] == {"batch-1": intent()}
    assert on_disk["media"] == {HASH: media().to_json()}
    loaded = store.load()
    (item,) = loaded.intents["batch-1"].items
    assert (item.post_id, item.alias, item.index, item.provider) == ("launch", "fb", 0, "facebook")
    assert loaded.media[HASH] == media()

    loaded.intents["batch-1"] = replace(loaded.intents["batch-1"], job_id="job-9")
    assert store.write(loaded).serial == 3
    assert store.load().intents["batch-1"].job_id == "job-9"
    del loaded.intents["batch-1"]
    assert store.write(loaded).serial == 4
    assert store.load().intents == {}


def test_intent_item_with_unknown_field_is_refused(store: StateStore, saved: State) -> None:
    document = json.loads(store.path.read_text("utf-8"))
    document["intents"]["batch-1"] = intent(surprise=True)
    store.path.write_text(json.dumps(document), "utf-8")
    with pytest.raises(StateError, match=r"\$\.intents\['batch-1'\]\.items\[0\]"):
        store.load()
