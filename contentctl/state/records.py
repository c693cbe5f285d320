"""The state's records: a state document in, frozen dataclasses out, and back byte for byte.

``Entry`` is one post on one account (``posts[post_id][alias]``) with its
``EntryStatus``; ``MediaRecord`` one uploaded file (``media[sha256]``);
``Intent`` and its ``IntentItem``s one bulk sent or about to be sent and not
yet settled (``intents[batch_id]``). ``State`` is the working copy that holds
them. Each ``from_json`` takes a document the store has already checked
against ``schemas/state.schema.json`` (so it only builds, it does not check
again: loading 10,000 posts stays cheap) and each ``to_json`` gives back the
same document, keys in sorted order, so a state read and written again does
not change by a byte. The ``*JSON`` TypedDicts name those documents. No I/O here.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NotRequired, TypedDict, cast

from contentctl.model import JSONObject
from contentctl.state import fileformat
from contentctl.state.remote_read import RemoteRead, RemoteReadJSON

FORMAT_VERSION = 1


class EntryStatus(StrEnum):
    """Where one post on one account stands, as the state records it."""

    SCHEDULED = "scheduled"
    DRAFT = "draft"
    PUBLISHED = "published"
    FAILED = "failed"  # not created (or not deleted): the next plan tries again
    RECURRING = "recurring"
    RECYCLING = "recycling"
    DELETED = "deleted"  # the delete half of a replace went through; the create is next
    # Nothing writes this one; the schema allows it, so a state that holds it still loads.
    PENDING = "pending"


# ``Intent.job_id`` of a bulk Publer took but whose answer was lost (then the time it was sent):
# its job may still run, so its posts are looked for again, never sent again, for a while.
LOST_ANSWER = "lost-answer:"
# ``Intent.job_id`` of a bulk Publer answered with an error status (after the retries): it
# did not take the bulk, so what is not listed may be sent again at once. A bulk with no
# job id at all was journaled by a run that died before any answer: it may have been sent.
ERROR_ANSWER = "error-answer:"


def recorded_job(job_id: str | None) -> str | None:
    """The Publer job id an intent holds; None for none (no answer yet, lost, an error)."""
    if job_id is None or job_id.startswith((LOST_ANSWER, ERROR_ANSWER)):
        return None
    return job_id


# ``Entry.last_error`` of a post Publer would not delete: the plan blocks it (no second copy).
DELETE_REFUSED = "Publer refused to delete post"
# ``Entry.last_error`` of a post Publer would not edit (published with approval, or live on a
# network that keeps it): the plan blocks further edits of it until the manifest is put back.
UPDATE_REFUSED = "Publer refused to edit post"

# ``Entry.last_error`` of a post Publer failed to publish (then its reason): Publer will not
# try again, so the plan re-posts it where it can be sent now and blocks it where not.
PUBLISH_FAILED = "failed at publish time"

# A dict lookup is several times cheaper than EntryStatus(value), and a load builds 10,000.
_STATUS_OF: dict[str, EntryStatus] = {status.value: status for status in EntryStatus}


class EntryJSON(TypedDict):
    account_id: str | None
    content_hash: str
    created_at: str
    job_id: str | None
    last_error: str | None
    post_link: str | None
    provider: str
    remote_id: str | None
    scheduled_at: str | None
    spec: JSONObject
    status: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One post on one account: the remote post, its status, and what was applied there.

    Times are kept as the ISO 8601 UTC text the file holds (``…Z``), so they
    round-trip exactly; ``spec`` is the target's spec as it was applied.
    """

    account_id: str | None  # None for an idea (draft_private/draft_public without accounts)
    provider: str
    remote_id: str | None
    status: EntryStatus
    content_hash: str
    spec: JSONObject
    scheduled_at: str | None
    job_id: str | None
    post_link: str | None
    last_error: str | None
    created_at: str
    updated_at: str
    _doc: fileformat.Rendered | None = field(default=None, init=False, repr=False, compare=False)

    def document(self) -> EntryJSON:
        """``to_json()`` made once and kept with its text, so a write re-encodes only changes."""
        return cast(EntryJSON, _rendered(self, self.to_json))

    def to_json(self) -> EntryJSON:
        return {
            "account_id": self.account_id,
            "content_hash": self.content_hash,
            "created_at": self.created_at,
            "job_id": self.job_id,
            "last_error": self.last_error,
            "post_link": self.post_link,
            "provider": self.provider,
            "remote_id": self.remote_id,
            "scheduled_at": self.scheduled_at,
            "spec": self.spec,
            "status": self.status.value,
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_json(cls, data: EntryJSON) -> Entry:
        return cls(
            data["account_id"],
            data["provider"],
            data["remote_id"],
            _STATUS_OF[data["status"]],
            data["content_hash"],
            data["spec"],
            data["scheduled_at"],
            data["job_id"],
            data["post_link"],
            data["last_error"],
            data["created_at"],
            data["updated_at"],
        )


class MediaJSON(TypedDict):
    media_id: str
    path: str
    type: str
    uploaded_at: str


@dataclass(frozen=True, slots=True)
class MediaRecord:
    """One local file uploaded to Publer, kept by the sha256 of its bytes so it is sent once."""

    media_id: str
    path: str  # repo-relative, as the manifest named it when it was uploaded
    type: str  # Publer's media type: photo, video, gif, document
    uploaded_at: str

    def to_json(self) -> MediaJSON:
        return {
            "media_id": self.media_id,
            "path": self.path,
            "type": self.type,
            "uploaded_at": self.uploaded_at,
        }

    @classmethod
    def from_json(cls, data: MediaJSON) -> MediaRecord:
        return cls(data["media_id"], data["path"], data["type"], data["uploaded_at"])


class IntentItemJSON(TypedDict):
    account_id: str | None
    alias: str
    content_hash: str
    fingerprint: str
    index: NotRequired[int]
    post_id: str
    provider: NotRequired[str]
    scheduled_at: str | None
    spec: JSONObject


@dataclass(frozen=True, slots=True)
class IntentItem:
    """One post × account of a bulk in flight: enough to find it on Publer and to send it again."""

    post_id: str
    alias: str
    account_id: str | None
    fingerprint: str  # of the text (``plan.targets.fingerprint``), matched against GET /posts
    scheduled_at: str | None
    content_hash: str
    spec: JSONObject
    # The schema has these two optional; None stands for "absent" and is not written.
    provider: str | None = None
    index: int | None = None  # position of its post in the bulk, to match per-post job failures

    @property
    def key(self) -> tuple[str, str]:
        return (self.post_id, self.alias)

    def to_json(self) -> IntentItemJSON:
        data: IntentItemJSON = {
            "account_id": self.account_id,
            "alias": self.alias,
            "content_hash": self.content_hash,
            "fingerprint": self.fingerprint,
            "post_id": self.post_id,
            "scheduled_at": self.scheduled_at,
            "spec": self.spec,
        }
        if self.index is not None:
            data["index"] = self.index
        if self.provider is not None:
            data["provider"] = self.provider
        return data

    @classmethod
    def from_json(cls, data: IntentItemJSON) -> IntentItem:
        return cls(
            post_id=data["post_id"],
            alias=data["alias"],
            account_id=data["account_id"],
            fingerprint=data["fingerprint"],
            scheduled_at=data["scheduled_at"],
            content_hash=data["content_hash"],
            spec=data["spec"],
            provider=data.get("provider"),
            index=data.get("index"),
        )


class IntentJSON(TypedDict):
    bulk_state: str
    created_at: str
    endpoint: str
    items: list[IntentItemJSON]
    job_id: str | None


@dataclass(frozen=True, slots=True)
class Intent:
    """A bulk journaled before it is sent; its job id is added the moment Publer answers."""

    created_at: str
    endpoint: str  # "schedule" or "publish" (``plan.targets.Endpoint``)
    bulk_state: str
    job_id: str | None
    items: tuple[IntentItem, ...]
    _doc: fileformat.Rendered | None = field(default=None, init=False, repr=False, compare=False)

    def document(self) -> IntentJSON:
        """``to_json()`` made once and kept with its text (an intent holds up to 500 items)."""
        return cast(IntentJSON, _rendered(self, self.to_json))

    def to_json(self) -> IntentJSON:
        return {
            "bulk_state": self.bulk_state,
            "created_at": self.created_at,
            "endpoint": self.endpoint,
            "items": [item.to_json() for item in self.items],
            "job_id": self.job_id,
        }

    @classmethod
    def from_json(cls, data: IntentJSON) -> Intent:
        return cls(
            created_at=data["created_at"],
            endpoint=data["endpoint"],
            bulk_state=data["bulk_state"],
            job_id=data["job_id"],
            items=tuple(IntentItem.from_json(item) for item in data["items"]),
        )


class StateJSON(TypedDict):
    format_version: int
    intents: dict[str, IntentJSON]
    lineage: str
    media: dict[str, MediaJSON]
    posts: dict[str, dict[str, EntryJSON]]
    # "sandbox" or the API base URL; absent in states written before it was recorded
    remote: NotRequired[str]
    # when the state last was what Publer held (state/remote_read.py); absent: never vouched
    remote_read: NotRequired[RemoteReadJSON]
    serial: int
    workspace_id: str


@dataclass
class State:
    """A working copy of the state; apply changes it between batches and the store writes it."""

    serial: int
    lineage: str
    workspace_id: str
    posts: dict[str, dict[str, Entry]] = field(default_factory=dict)
    media: dict[str, MediaRecord] = field(default_factory=dict)
    intents: dict[str, Intent] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION
    # The remote the state describes ("sandbox" or a base URL); None: not recorded yet.
    remote: str | None = None
    remote_read: RemoteRead | None = None  # set by an apply that listed Publer
    _on_disk: bool = field(default=False, init=False, repr=False, compare=False)

    @property
    def exists(self) -> bool:
        """Whether this state was loaded from, or written to, a file."""
        return self._on_disk

    def mark_on_disk(self) -> None:
        self._on_disk = True

    def entry(self, post_id: str, alias: str) -> Entry | None:
        accounts = self.posts.get(post_id)
        return None if accounts is None else accounts.get(alias)

    def set_entry(self, post_id: str, alias: str, entry: Entry) -> None:
        self.posts.setdefault(post_id, {})[alias] = entry

    def remove_entry(self, post_id: str, alias: str) -> Entry | None:
        """Drop one post × account (and the post once it has none); return what was there."""
        accounts = self.posts.get(post_id)
        if accounts is None:
            return None
        removed = accounts.pop(alias, None)
        if not accounts:
            del self.posts[post_id]
        return removed

    def iter_entries(self) -> Iterator[tuple[str, str, Entry]]:
        """Every (post id, alias, entry), sorted so output built from it is stable."""
        for post_id in sorted(self.posts):
            accounts = self.posts[post_id]
            for alias in sorted(accounts):
                yield post_id, alias, accounts[alias]

    def post_json(self, post_id: str) -> dict[str, EntryJSON]:
        """What the file holds for one post id, by alias (``state show``)."""
        return {alias: entry.to_json() for alias, entry in self.posts[post_id].items()}

    def copy(self) -> State:
        return copy.deepcopy(self)

    def document(self) -> StateJSON:
        """The JSON document; its specs are this state's own dicts, so don't mutate it."""
        document: StateJSON = {
            "format_version": self.format_version,
            "intents": {batch: intent.document() for batch, intent in self.intents.items()},
            "lineage": self.lineage,
            "media": {sha: media.to_json() for sha, media in self.media.items()},
            "posts": {
                post_id: {alias: entry.document() for alias, entry in accounts.items()}
                for post_id, accounts in self.posts.items()
            },
            "serial": self.serial,
            "workspace_id": self.workspace_id,
        }
        if self.remote is not None:
            document["remote"] = self.remote
        if self.remote_read is not None:
            document["remote_read"] = self.remote_read.to_json()
        return document

    def to_json(self) -> StateJSON:
        """A deep copy as a JSON document, keys sorted at every level."""
        document: StateJSON = _sorted_copy(self.document())
        return document

    @classmethod
    def from_json(cls, data: StateJSON) -> State:
        """Build from a copy of a document (not validated here: the store does that)."""
        return cls.adopt(_sorted_copy(data))

    @classmethod
    def adopt(cls, doc: StateJSON) -> State:
        """Build from a validated document, sharing its specs (the store's load path)."""
        entry = Entry.from_json
        return cls(
            serial=doc["serial"],
            lineage=doc["lineage"],
            workspace_id=doc["workspace_id"],
            posts={
                post_id: {alias: entry(data) for alias, data in accounts.items()}
                for post_id, accounts in doc["posts"].items()
            },
            media={sha: MediaRecord.from_json(data) for sha, data in doc["media"].items()},
            intents={batch: Intent.from_json(data) for batch, data in doc["intents"].items()},
            format_version=doc["format_version"],
            remote=doc.get("remote"),
            remote_read=RemoteRead.from_json(doc["remote_read"]) if "remote_read" in doc else None,
        )

    def content_digest(self) -> str:
        """sha256 of the canonical document without ``serial``: equal digests, same content."""
        return fileformat.digest(self.document())


def new_state(workspace_id: str) -> State:
    return State(serial=0, lineage=str(uuid.uuid4()), workspace_id=workspace_id)


def _rendered(record: Entry | Intent, build: Callable[[], object]) -> fileformat.Rendered:
    doc = record._doc  # made on first use: the records are frozen, their text cannot change
    if doc is None:
        doc = fileformat.Rendered(cast(dict[str, object], build()))
        object.__setattr__(record, "_doc", doc)
    return doc


def _sorted_copy(document: StateJSON) -> StateJSON:
    # a round trip through json is the plainest deep copy of a JSON document
    copied: StateJSON = json.loads(json.dumps(document, sort_keys=True, ensure_ascii=False))
    return copied
