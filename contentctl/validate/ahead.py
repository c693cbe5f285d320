"""Rules Publer enforces only once a post is sent, checked at validate instead.

A pull request whose validate is green must not fail its apply on main. Each
function here takes plain values (a post and the clock, the posts of the
repo, a network's text, a media path) and returns what is wrong with them as
text; ``validate`` locates the findings. Media files are checked here whole:
inside the repo, regular, within Publer's size, and holding what their
extension says (only the first bytes are read). The facts (lead time, gap,
recycling's variations) come from ``publer_facts``; the file signatures are
the formats' own.
"""

from __future__ import annotations

import errno
import itertools
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from contentctl import publer_facts as facts
from contentctl.files import NotAFileError, check_regular
from contentctl.model import Config, Method, Post, Severity

TIMED = (Method.SCHEDULED, Method.RECYCLING)  # the methods whose ``at`` Publer is sent

# -- a new post's time --------------------------------------------------------------

# (post id, alias) → the time (``…Z``) of the post the state holds as on Publer
CreatedKeys = Mapping[tuple[str, str], str | None]


def is_new(post: Post, created: CreatedKeys) -> bool:
    """Whether apply would send ``post``'s time: an account has none of it on Publer, or another.

    A time moved is a replace, which posts it again at the new time.
    """
    for alias in post.accounts:
        key = (post.id, alias)
        if key not in created:
            return True
        sent = created[key]
        if sent is None or datetime.fromisoformat(sent.replace("Z", "+00:00")) != post.at:
            return True
    return False


def at_problem(
    post: Post, now: datetime, created: CreatedKeys | None
) -> tuple[str, Severity] | None:
    """What is wrong with ``post``'s time, and how badly, given what the state holds.

    ``created`` None: the state is not known here (a shared backend), so the post
    may be on Publer already and a past time is only a warning. Known: a post
    not on Publer yet is an error, since its apply would fail; one on Publer is
    not judged (its time has been sent).
    """
    if post.method not in TIMED or post.at is None:
        return None
    if created is None:
        if post.at <= now:
            return "at is in the past; Publer refuses backdated posts", Severity.WARNING
        if post.at < now + timedelta(seconds=facts.MIN_LEAD_SECONDS):
            return "at is less than a minute ahead; Publer needs 1 minute", Severity.WARNING
        return None
    problem = new_post_time_problem(post, now) if is_new(post, created) else ""
    return (problem, Severity.ERROR) if problem else None


def new_post_time_problem(post: Post, now: datetime) -> str:
    """What is wrong with a new post's ``at`` as Publer will judge it when sent ("" if nothing)."""
    assert post.at is not None
    lead = facts.MIN_LEAD_SECONDS
    if post.at <= now:
        return (
            "at is in the past and the post is not on Publer yet; Publer refuses backdated "
            "posts: set a later at (or method: draft to keep it unscheduled)"
        )
    if post.at < now + timedelta(seconds=lead):
        return (
            f"at is less than {_minutes(lead)} ahead and the post is not on Publer yet; Publer "
            f"needs {_minutes(lead)}: set at later, at least by the time apply runs"
        )
    return ""


def _minutes(seconds: int) -> str:
    minutes = seconds // 60
    return f"{minutes} minute{'s' * (minutes != 1)}"


# -- two posts on one account within Publer's gap -------------------------------------


def too_close(config: Config, posts: Sequence[Post]) -> list[tuple[int, str]]:
    """(index of the later post, message) for timed posts on one account less than the gap apart.

    Accounts are told by their Publer id, so two aliases of one account share its gap.
    """
    slots: dict[str, list[tuple[datetime, int, str]]] = defaultdict(list)
    for index, post in enumerate(posts):
        if post.method in TIMED and post.at is not None:
            for alias in post.accounts:
                account = config.accounts.get(alias)
                slots[account.id if account else alias].append((post.at, index, alias))
    gap = timedelta(seconds=facts.ACCOUNT_GAP_SECONDS)
    out: list[tuple[int, str]] = []
    for account_id, times in slots.items():
        times.sort(key=lambda slot: slot[0])
        for (before, first, was), (at, later, alias) in itertools.pairwise(times):
            if at - before < gap:
                same = "" if was == alias else f" as {was} (the same account, {account_id})"
                out.append((later, (
                    f"{alias} already has {posts[first].id!r} at {posts[first].where()}{same}, "
                    "less than a minute apart; Publer needs a 1-minute gap"
                )))  # fmt: skip
    return out


# -- recycling: the networks that need spintax variations ---------------------------


def spintax_variations(text: str) -> int:
    """How many texts ``text`` spins into: ``{a|b} {c|d|e}`` is 6; groups nest.

    A brace without its partner is plain text, as Publer leaves it.
    """
    count, _ = _sequence(text, 0, top=True)
    return count


_MOST = 10**6  # enough to judge by; keeps a long text of many groups cheap


def _sequence(text: str, i: int, *, top: bool = False) -> tuple[int, int]:
    """Variations of the text from ``i`` up to an unmatched ``|``/``}`` (or the end), and where."""
    count = 1
    while i < len(text):
        char = text[i]
        if char == "{":
            group = _group(text, i + 1)
            if group is None:
                i += 1  # no closing brace: a literal "{"
                continue
            n, i = group
            count = min(count * n, _MOST)
        elif char in "|}" and not top:
            return count, i
        else:
            i += 1
    return count, i


def _group(text: str, i: int) -> tuple[int, int] | None:
    """Variations of the group whose ``{`` is just before ``i``, and the index after its ``}``."""
    total = 0
    while True:
        n, i = _sequence(text, i)
        total = min(total + n, _MOST)
        if i >= len(text):
            return None
        if text[i] == "}":
            return total, i + 1
        i += 1  # "|": the next option


def recycling_problem(provider: str, text: str) -> str:
    """Why recycling ``text`` on ``provider`` would fail for want of variations ("" if not)."""
    need = facts.RECYCLING_VARIATIONS.get(provider)
    if need is None:
        return ""
    found = spintax_variations(text)
    if found >= need:
        return ""
    return (
        f"recycling on {provider} needs at least {need} variations of the text, written as "
        f"spintax such as {{Hello|Hi|Hey}} there; this text has {found}"
    )


# -- media files: in the repo, regular, within Publer's size, what the name says -----


def inspect_media(root: Path, value: str) -> tuple[str, int]:
    """What is wrong with the media file at repo-relative ``value`` ("" if nothing); its size."""
    real_root = os.path.realpath(root)
    target = os.path.realpath(os.path.join(real_root, value))
    if os.path.commonpath((real_root, target)) != real_root:
        return "is outside the repo", 0
    try:
        stat = check_regular(target, "media file")  # a FIFO would hang its read
    except NotAFileError as exc:
        special = exc.errno != errno.EISDIR and exc.strerror
        return (special[:1].lower() + special[1:]) if special else "is not a file", 0
    except OSError:
        return "not found", 0
    if stat.st_size > facts.MAX_UPLOAD_BYTES:
        most = facts.MAX_UPLOAD_BYTES // facts.MB
        return f"is {stat.st_size // facts.MB} MB; Publer takes up to {most} MB", stat.st_size
    return content_problem(target, value), stat.st_size


_HEAD_BYTES = 16
_MP4_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")  # QuickTime starts too
_KINDS = {  # extension → the format's name, as a message says it
    "png": "PNG image",
    "jpg": "JPEG image",
    "jpeg": "JPEG image",
    "gif": "GIF image",
    "webp": "WebP image",
    "mp4": "MP4 video",
    "m4v": "MP4 video",
    "mov": "QuickTime video",
    "pdf": "PDF document",
}


def sniff(head: bytes) -> str:
    """The format ``head`` (a file's first bytes) starts like, as ``_KINDS`` names it; "" none."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG image"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG image"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP image"
    if head.startswith(b"%PDF-"):
        return "PDF document"
    if head[4:8] in _MP4_BOXES:
        return "QuickTime video" if head[8:10] == b"qt" else "MP4 video"
    return ""


def content_problem(path: str, name: str) -> str:
    """Whether the file at ``path`` holds what the extension of ``name`` says ("" if so).

    Only the first bytes are read. MP4 and QuickTime share one container, so
    either passes for the other.
    """
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    wanted = _KINDS.get(ext)
    if wanted is None:
        return ""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    found = sniff(head)
    if found == wanted or {found, wanted} == {"MP4 video", "QuickTime video"}:
        return ""
    holds = f"holds a {found}" if found else f"does not hold a {wanted}"
    return f"is named .{ext} but {holds}; Publer reads the bytes: convert the file or rename it"
