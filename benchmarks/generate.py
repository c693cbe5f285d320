"""Deterministic content repos for the benchmark: a size and a layout in, a folder of YAML out.

``write_repo(root, n, layout)`` writes ``contentctl.yaml``, ``posts/`` and a few
small PNGs under ``media/``. Posts are realistic (about 25 lines each, 12 to 40):
unicode text in several languages, per-network overrides, photo posts with media
paths, link posts, labels, and unquoted ISO 8601 times with offsets. Post ``i``
is scheduled at its own minute, so no two posts share a minute on any account
(the sandbox, like Publer, wants a one-minute gap per account). The same ``i``
always gives the same post; ``edited`` posts (the "1% changed" copy) differ only
in their texts. Everything stays inside ``schemas/post.schema.json`` and the
network rules (X 280, Bluesky 300 characters, Instagram photos only, …).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import struct
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks import generate_campaign as campaign

GENERATOR_VERSION = 2  # 2: the sandbox's own account ids; the campaign layout
WORKSPACE_ID = "6650f1c2a1b2c3d4e5f60718"
TIMEZONE = "Europe/Berlin"
BATCH_SIZE = 500
POSTS_PER_FILE = 100
FIRST_SLOT = datetime(2030, 3, 4, 8, 0, tzinfo=UTC)
MINUTES_APART = 3
EDIT_MARK = " ✏️ (aktualisiert)"
MEDIA_FILES = ("media/team.png", "media/launch.png", "media/chart.png", "media/office.png")


def _sandbox_id(provider: str) -> str:
    return hashlib.sha1(f"sandbox-account-{provider}".encode()).hexdigest()[:24]


# The sandbox's own account ids (contentctl.sandbox.seed.default_account_id): it lists
# those, never the config's, as Publer does.
ACCOUNTS = {
    "acme-fb": ("facebook", _sandbox_id("facebook")),
    "acme-x": ("twitter", _sandbox_id("twitter")),
    "acme-li": ("linkedin", _sandbox_id("linkedin")),
    "acme-ig": ("instagram", _sandbox_id("instagram")),
    "acme-masto": ("mastodon", _sandbox_id("mastodon")),
    "acme-threads": ("threads", _sandbox_id("threads")),
    "acme-bsky": ("bluesky", _sandbox_id("bluesky")),
    "acme-tg": ("telegram", _sandbox_id("telegram")),
}
STATUS_ACCOUNTS = (
    "acme-fb",
    "acme-x",
    "acme-li",
    "acme-masto",
    "acme-threads",
    "acme-bsky",
    "acme-tg",
)
PHOTO_ACCOUNTS = (*STATUS_ACCOUNTS, "acme-ig")
ACCOUNT_COUNTS = (1, 1, 1, 1, 2, 2, 2, 3)  # about 1.6 accounts per post

OPENERS = (
    "Neue Woche, neue Ideen für Ihr Team",
    "Café-Gespräche über Größe, Maß und Übermut",
    "Nuestro equipo en São Paulo comparte su rutina",
    "Les coulisses de notre atelier à Montréal",
    "東京オフィスからのお知らせ",
    "Ein Blick hinter die Kulissen in Zürich",
    "Zo werkt ons team in Utrecht — stap voor stap",
    "Три идеи для продуктивного понедельника",
)
LINES = (
    "Wir haben drei Dinge gelernt, die wir gern teilen möchten.",
    "Erstens: kleine Schritte schlagen große Pläne, fast immer.",
    "Zweitens: gute Werkzeuge sparen mehr Zeit als lange Meetings.",
    "Drittens: Feedback früh einholen, nicht erst am Freitag.",
    "Mehr dazu in unserem Blog — Link in der Bio. ✨",
    "Danke an alle, die mitgemacht haben! 🙌",
    "Naïve Fragen sind die besten Fragen. Wirklich.",
    "Was ist Ihre Erfahrung? Schreiben Sie uns. 💬",
)
TAGS = ("#teamwork", "#produktivität", "#remote", "#café", "#launch", "#東京", "#design")
LABELS = ("frühling", "wochenrückblick", "produkt", "team", "events", "blog")


class Layout(StrEnum):
    SINGLE = "single"  # one post per file
    BATCH = "batch"  # 100 posts per file, as {posts: [...]}
    CAMPAIGN = "campaign"  # the other shape: generate_campaign.py (its own posts and state)


def post_at(index: int) -> str:
    """The post's time, ISO 8601 with Berlin's offset for that day (so DST shows up)."""
    moment = (FIRST_SLOT + timedelta(minutes=MINUTES_APART * index)).astimezone(ZoneInfo(TIMEZONE))
    return moment.isoformat()


def post_id(index: int) -> str:
    return f"bench-{index:06d}"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _block(key: str, lines: list[str], indent: int) -> list[str]:
    pad = " " * indent
    return [f"{pad}{key}: |-", *(f"{pad}  {line}" for line in lines)]


def _listed(key: str, items: list[str], *, block: bool) -> list[str]:
    if block:
        return [f"{key}:", *(f"  - {item}" for item in items)]
    return [f"{key}: [{', '.join(items)}]"]


def post_lines(index: int, *, edited: bool = False) -> list[str]:
    """One post as YAML lines (a mapping at column 0)."""
    rng = random.Random(f"contentctl-bench-{GENERATOR_VERSION}-{index}")
    roll = rng.random()
    kind = "status" if roll < 0.6 else "photo" if roll < 0.85 else "link"
    pool = PHOTO_ACCOUNTS if kind == "photo" else STATUS_ACCOUNTS
    accounts = sorted(rng.sample(pool, rng.choice(ACCOUNT_COUNTS)))
    if kind == "photo" and rng.random() < 0.3 and "acme-ig" not in accounts:
        accounts[0] = "acme-ig"
        accounts = sorted(set(accounts))
    mark = EDIT_MARK if edited else ""
    opener = rng.choice(OPENERS)
    body = [f"{opener} ({index}).", *rng.sample(LINES, rng.randint(3, 7))]
    body[-1] += mark
    labels = sorted(rng.sample(LABELS, rng.randint(1, 3)))
    lines = [
        f"# {opener}: Beitrag {index}",
        f"id: {post_id(index)}",
        f"at: {post_at(index)}",
        *_listed("accounts", accounts, block=rng.random() < 0.5),
        *_listed("labels", labels, block=rng.random() < 0.5),
        f"type: {kind}",
        *_block("text", body, 0),
    ]
    if kind == "photo":
        picks = rng.sample(MEDIA_FILES, rng.randint(1, 2))
        lines.append("media:")
        for path in picks:
            lines += [f"  - path: {path}", f"    alt_text: {_q('Foto: ' + rng.choice(OPENERS))}"]
    elif kind == "link":
        lines.append(f"url: https://example.com/blog/{index}-größe-und-maß")
    lines += _networks(rng, index, accounts, mark)
    return lines


def _networks(rng: random.Random, index: int, accounts: list[str], mark: str) -> list[str]:
    providers = {ACCOUNTS[alias][0] for alias in accounts}
    out: list[str] = []
    short = f"{rng.choice(OPENERS)} {' '.join(rng.sample(TAGS, 2))} 👀{mark}"
    if "twitter" in providers:
        out += ["  twitter:", f"    text: {_q(short)}"]
    if "bluesky" in providers:
        out += ["  bluesky:", f"    text: {_q(short + ' 🦋')}"]
    if "facebook" in providers:
        long_text = [*rng.sample(LINES, 4), f"Beitrag {index}: {' '.join(TAGS[:3])}{mark}"]
        out += ["  facebook:", *_block("text", long_text, 4)]
        if rng.random() < 0.5:
            out += [
                "    comments:",
                f"      - text: {_q(rng.choice(LINES))}",
                "        delay: {duration: 5, unit: Minute}",
            ]
    if "linkedin" in providers and rng.random() < 0.7:
        pro = [f"{rng.choice(OPENERS)}.", *rng.sample(LINES, 3), f"#{index}{mark}"]
        out += ["  linkedin:", *_block("text", pro, 4)]
    if "instagram" in providers:
        out += ["  instagram:", *_block("text", [*rng.sample(LINES, 2), " ".join(TAGS)], 4)]
    if "threads" in providers and rng.random() < 0.5:
        out += ["  threads:", f"    text: {_q(short + ' 🧵')}"]
    if "mastodon" in providers and rng.random() < 0.5:
        out += ["  mastodon:", f"    text: {_q(short + ' #fediverse')}"]
    return ["networks:", *out] if out else []


def config_text(batch_size: int = BATCH_SIZE) -> str:
    accounts = "\n".join(
        f"  {alias}: {{id: {account_id}, provider: {provider}, name: {_q(alias.title())}}}"
        for alias, (provider, account_id) in ACCOUNTS.items()
    )
    return (
        f"# Generated by benchmarks/generate.py (version {GENERATOR_VERSION}).\n"
        f"workspace: {WORKSPACE_ID}\nendpoint: sandbox\ntimezone: {TIMEZONE}\n"
        f"content: posts\nstate: contentctl.state.json\naccounts:\n{accounts}\n"
        f"defaults:\n  labels: [contentctl-bench]\n  batch_size: {batch_size}\n"
    )


def file_texts(
    n: int, layout: Layout, edited: Iterable[int] = (), *, only_edited: bool = False
) -> dict[str, str]:
    """Relative path → YAML text of every manifest of an ``n``-post repo (``only_edited``:
    of the manifests that hold an edited post)."""
    changed = set(edited)
    if layout is Layout.CAMPAIGN:
        return campaign.file_texts(n, changed, only_edited=only_edited)
    if layout is Layout.SINGLE:
        return {
            f"posts/{index // 1000:03d}/{post_id(index)}.yaml": "\n".join(
                post_lines(index, edited=index in changed)
            )
            + "\n"
            for index in range(n)
            if index in changed or not only_edited
        }
    files: dict[str, str] = {}
    for start in range(0, n, POSTS_PER_FILE):
        if only_edited and not changed.intersection(range(start, start + POSTS_PER_FILE)):
            continue
        out = [f"# Posts {start} to {min(n, start + POSTS_PER_FILE) - 1}.", "posts:"]
        for index in range(start, min(n, start + POSTS_PER_FILE)):
            lines = post_lines(index, edited=index in changed)
            out += [f"  {lines[0]}", f"  - {lines[1]}", *(f"    {line}" for line in lines[2:])]
        files[f"posts/batch-{start // POSTS_PER_FILE:04d}.yaml"] = "\n".join(out) + "\n"
    return files


def edited_indices(n: int, share: float = 0.01) -> list[int]:
    """Which posts the "changed" copy edits: ``share`` of them, spread evenly."""
    count = max(1, round(n * share))
    return [round(k * n / count) for k in range(count)]


def write_repo(root: Path, n: int, layout: Layout, edited: Iterable[int] = ()) -> Path:
    """Write an ``n``-post repo (config, manifests, media) into ``root``; returns ``root``."""
    if layout is Layout.CAMPAIGN:
        return campaign.write_repo(root, n, edited)
    root.mkdir(parents=True, exist_ok=True)
    (root / "contentctl.yaml").write_text(config_text(), encoding="utf-8")
    write_posts(root, n, layout, edited)
    for number, rel in enumerate(MEDIA_FILES):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(tiny_png(number))
    return root


def write_edited_copy(
    repo: Path, copy: Path, n: int, layout: Layout, edited: Iterable[int]
) -> None:
    """``copy`` as ``repo`` with the ``edited`` posts changed: hard links to ``repo``'s files,
    except the manifests holding an edited post, written anew (never through a link)."""
    shutil.copytree(repo, copy, copy_function=os.link)
    for rel, text in file_texts(n, layout, edited, only_edited=True).items():
        path = copy / rel
        path.unlink()
        path.write_text(text, encoding="utf-8")


def write_posts(root: Path, n: int, layout: Layout, edited: Iterable[int] = ()) -> None:
    for rel, text in file_texts(n, layout, edited).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def tiny_png(shade: int, size: int = 64) -> bytes:
    """A valid ``size``×``size`` grey PNG; ``shade`` makes each file's bytes different."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    rows = b"".join(
        b"\x00" + bytes([(40 * shade + x) % 256 for x in range(size)]) for _ in range(size)
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
