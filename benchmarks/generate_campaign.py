"""The benchmark's second repo shape: a size in, a folder of campaign files out.

``write_repo(root, n)`` writes ``contentctl.yaml`` (13 accounts, one per network
Publer has), the example repo's media (PNG, JPEG, MP4, GIF, PDF) under ``media/``
and ``posts/YYYY/MM/campaign-NNNN.yaml``: nested month folders of campaign
files holding 20 to 50 posts each, with comments above files and posts. Every
network and every content type appears (status, photo, video, link, carousel
with media and Facebook's sublinks, pdf, document, reel, story, short, poll,
gif, article, event, offer), and every method (drafts, private and public
ideas, auto, recycling, recurring). Texts are long (400 to 1,400 characters)
and multilingual (Latin, Cyrillic, Greek, Arabic, CJK, emoji); networks with
short limits get their own short text. Posts are written already in
``contentctl fmt``'s canonical form, so ``fmt --check`` of the repo passes.

The same ``n`` always gives the same files; ``edited`` posts (the "1% changed"
copy) differ only in their main text. Scheduled post ``i`` has its own minute,
so no account has two posts in one minute.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

GENERATOR_VERSION = 1
WORKSPACE_ID = "6650f1c2a1b2c3d4e5f60718"
TIMEZONE = "Europe/Berlin"
BATCH_SIZE = 500
FIRST_SLOT = datetime(2031, 1, 6, 7, 0, tzinfo=UTC)
MINUTES_APART = 2
EDIT_MARK = " ✏️ (überarbeitet)"
EXAMPLE_MEDIA = Path(__file__).resolve().parent.parent / "examples" / "content" / "media"
MEDIA = {
    "png": ("media/spring-blend.png", "media/carousel-1.png", "media/carousel-2.png"),
    "jpg": ("media/team-portrait.jpg", "media/offer-card.jpg"),
    "mp4": ("media/spring-reel.mp4", "media/brew-guide.mp4", "media/tiktok-latte-art.mp4"),
    "gif": ("media/steam.gif",),
    "pdf": ("media/tasting-menu.pdf",),
}

PROVIDERS = (
    "facebook", "instagram", "twitter", "linkedin", "pinterest", "youtube", "tiktok",
    "google", "wordpress", "telegram", "mastodon", "threads", "bluesky",
)  # fmt: skip


def sandbox_account_id(provider: str) -> str:
    """The id the sandbox gives its first account of ``provider`` (``sandbox/seed.py``)."""
    return hashlib.sha1(f"sandbox-account-{provider}".encode()).hexdigest()[:24]


def sandbox_board_id(account_id: str, name: str = "Recipes") -> str:
    """A board's id as the sandbox derives it from account and name (``seed.albums``)."""
    return str(int(hashlib.sha1(f"{account_id}/{name}".encode()).hexdigest()[:15], 16))


ACCOUNTS = {f"cc-{provider}": (provider, sandbox_account_id(provider)) for provider in PROVIDERS}
BOARD_ID = sandbox_board_id(ACCOUNTS["cc-pinterest"][1])
SHORT = ("twitter", "bluesky", "mastodon", "threads")  # limits of 280 to 500: own text

PARAGRAPHS = (
    "Diese Woche dreht sich alles um unsere neue Kampagne: Größe, Maß und ein bisschen "
    "Übermut. Wir zeigen, wie das Team in Kreuzberg plant, testet und verwirft.",
    "Nuestro equipo en São Paulo prepara la próxima edición con entusiasmo; cada detalle "
    "cuenta, desde la tipografía hasta el último café de la tarde.",
    "Les coulisses de notre atelier à Montréal : trois semaines de prototypes, des "
    "centaines de croquis et une seule règle — montrer le processus, pas seulement le résultat.",
    "東京オフィスからのお知らせ：新しいシリーズが始まります。毎週月曜日に、チームの日常と小さな発見を共有します。",
    "Три идеи для продуктивного понедельника: короткие встречи, ясные цели и честная "
    "обратная связь. Расскажите, что работает у вас.",
    "Μια ματιά στα παρασκήνια: η ομάδα μας στην Αθήνα δοκιμάζει νέες ιδέες κάθε Παρασκευή.",
    "نشارككم اليوم قصة فريقنا في دبي: خطوات صغيرة، أفكار كبيرة، وكثير من القهوة.",
    "Zo werkt ons team in Utrecht — stap voor stap, met veel koffie en nog meer post-its. 🙌",
    "Naïve questions are the best questions. Ask them early, not on Friday afternoon. 💬",
    "Dziękujemy wszystkim, którzy byli z nami na warsztatach w Krakowie — do zobaczenia! ✨",
)
SHORT_LINES = (
    "New week, new ideas for your team 👀",
    "Behind the scenes in Zürich ☕",
    "Small steps beat big plans, almost always.",
    "Feedback early, not on Friday. 💬",
    "Thanks to everyone who joined us! 🙌",
)
CAMPAIGNS = ("Frühling", "Rentrée", "Año nuevo", "Summer sale", "Hanami", "Black week")
LABELS = ("kampagne", "produkt", "team", "events", "blog", "saison")


def post_at(index: int) -> str:
    moment = (FIRST_SLOT + timedelta(minutes=MINUTES_APART * index)).astimezone(ZoneInfo(TIMEZONE))
    return moment.isoformat()


def post_id(index: int) -> str:
    return f"camp-{index:06d}"


_INDICATORS = tuple("-?:,[]{}#&*!|>'\"%@`")
_YAML11 = yaml.resolver.Resolver()


def _q(text: str) -> str:
    """``text`` as fmt writes it: plain unless a reader could take it for something else."""
    plain = (
        text == text.strip()
        and not text.startswith(_INDICATORS)
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and _YAML11.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
        == "tag:yaml.org,2002:str"
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def _flow(items: Iterable[str]) -> str:
    return f"[{', '.join(items)}]"


def _long_text(rng: random.Random, index: int, mark: str) -> list[str]:
    count = rng.randint(3, 8)
    lines = [f"{rng.choice(CAMPAIGNS)} — Beitrag {index}.", *rng.sample(PARAGRAPHS, count)]
    lines[-1] += mark
    return lines


def _block(key: str, lines: list[str], pad: str) -> list[str]:
    return [f"{pad}{key}: |-", *(f"{pad}  {line}" for line in lines)]


def _media(paths: Iterable[str], pad: str, *, alt: bool = True) -> list[str]:
    out = [f"{pad}media:"]
    for number, path in enumerate(paths):
        out.append(f"{pad}  - path: {path}")
        if alt:
            out.append(f"{pad}    alt_text: {_q(f'Bild {number + 1}: {SHORT_LINES[number % 5]}')}")
    return out


# A kind: (its accounts, the keys after ``text`` in POST_KEYS order, …) built per post.
Kind = Callable[[random.Random, int], tuple[list[str], str, list[str]]]


def _pick(rng: random.Random, pool: tuple[str, ...], most: int) -> list[str]:
    return sorted(rng.sample(pool, rng.randint(1, min(most, len(pool)))))


def _status(rng: random.Random, index: int) -> tuple[list[str], str, list[str]]:
    pool = ("facebook", "twitter", "linkedin", "google", "telegram", "mastodon", "threads")
    return _pick(rng, (*pool, "bluesky"), 4), "status", []


def _photo(rng: random.Random, index: int) -> tuple[list[str], str, list[str]]:
    pool = ("facebook", "instagram", "twitter", "linkedin", "telegram", "threads", "bluesky")
    return _pick(rng, pool, 4), "photo", _media(rng.sample(MEDIA["png"], 2), "")


def _video(rng: random.Random, index: int) -> tuple[list[str], str, list[str]]:
    pool = ("facebook", "instagram", "twitter", "linkedin", "telegram", "mastodon", "threads")
    return _pick(rng, pool, 3), "video", _media([rng.choice(MEDIA["mp4"])], "", alt=False)


def _link(rng: random.Random, index: int) -> tuple[list[str], str, list[str]]:
    pool = ("facebook", "twitter", "linkedin", "telegram", "mastodon", "threads", "bluesky")
    return _pick(rng, pool, 4), "link", [f"url: https://example.com/kampagne/{index}-größe"]


def _carousel(rng: random.Random, index: int) -> tuple[list[str], str, list[str]]:
    if rng.random() < 0.5:
        return (
            ["facebook"],
            "carousel",
            [
                "sublinks:",
                *(
                    line
                    for n in range(3)
                    for line in (
                        f"  - url: https://example.com/shop/{index}-{n}",
                        f"    title: {_q(f'Angebot {n + 1}')}",
                        f"    description: {_q(SHORT_LINES[n])}",
                        f"    images: [https://example.com/shop/{index}-{n}.png]",
                        "    call_to_action: SHOP_NOW",
                    )
                ),
            ],
        )
    return ["instagram"], "carousel", _media(MEDIA["png"], "")


def _document(rng: random.Random, index: int) -> tuple[list[str], str, list[str]]:
    kind = rng.choice(("pdf", "document"))
    return ["linkedin"], kind, _media(MEDIA["pdf"], "", alt=False)


def _reel(rng: random.Random, index: int) -> tuple[list[str], str, list[str]]:
    return (
        _pick(rng, ("facebook", "instagram"), 2),
        "reel",
        _media([MEDIA["mp4"][0]], "", alt=False),
    )


def _story(rng: random.Random, index: int) -> tuple[list[str], str, list[str]]:
    return _pick(rng, ("facebook", "instagram"), 2), "story", _media([MEDIA["jpg"][0]], "")


def _gif(rng: random.Random, index: int) -> tuple[list[str], str, list[str]]:
    return _pick(rng, ("telegram", "mastodon"), 2), "gif", _media(MEDIA["gif"], "")


KINDS: tuple[tuple[float, Kind], ...] = (
    (0.30, _status),
    (0.22, _photo),
    (0.08, _video),
    (0.12, _link),
    (0.05, _carousel),
    (0.03, _document),
    (0.04, _reel),
    (0.03, _story),
    (0.03, _gif),
)


def _special(rng: random.Random, index: int, mark: str) -> list[str] | None:
    """The kinds with their own shape (one network each); None for the common kinds."""
    roll = rng.random()
    at = f"at: {_q(post_at(index))}"
    body = _block("text", _long_text(rng, index, mark), "")
    short_text = f"text: {_q(rng.choice(SHORT_LINES) + mark)}"
    if roll < 0.02:
        return [f"id: {post_id(index)}", at, "accounts: [cc-youtube]", "type: short",
                f"title: {_q(f'Kurz {index}')}", short_text,
                *_media([MEDIA["mp4"][1]], "", alt=False)]  # fmt: skip
    if roll < 0.04:
        return [f"id: {post_id(index)}", at, "accounts: [cc-youtube]", "type: video",
                f"title: {_q(f'Wie wir arbeiten, Folge {index}')}", *body,
                *_media([MEDIA["mp4"][1]], "", alt=False), "details:", "  privacy: public",
                "tags: [team, kampagne]", "comments:", f"  - text: {_q(SHORT_LINES[3])}",
                "    delay: {duration: 10, unit: Minute}"]  # fmt: skip
    if roll < 0.06:
        return [f"id: {post_id(index)}", at, "accounts: [cc-tiktok]", "type: video",
                short_text, *_media([MEDIA["mp4"][2]], "", alt=False), "details:",
                "  privacy: PUBLIC_TO_EVERYONE", "  comment: true"]  # fmt: skip
    if roll < 0.08:
        return [f"id: {post_id(index)}", at, "accounts: [cc-pinterest]", "type: photo",
                f"title: {_q(f'Rezept {index}')}", short_text,
                f"url: https://example.com/rezepte/{index}", *_media([MEDIA["png"][0]], ""),
                f'album_id: "{BOARD_ID}"']  # fmt: skip
    if roll < 0.10:
        return [f"id: {post_id(index)}", at, "accounts: [cc-wordpress]", "type: article",
                f"title: {_q(f'Aus der Werkstatt: Folge {index}')}", *body,
                f"url: werkstatt-{index}", *_media([MEDIA["png"][1]], ""),
                f"excerpt: {_q(SHORT_LINES[1])}", "categories: [Werkstatt, Saison]",
                "tags: [team, kampagne]"]  # fmt: skip
    if roll < 0.12:
        kind = rng.choice(("event", "offer"))
        day = post_at(index)[:10]
        return [f"id: {post_id(index)}", at, "accounts: [cc-google]", f"type: {kind}",
                short_text, *_media([MEDIA["jpg"][1]], "", alt=False), "details:",
                f"  title: {_q(f'Abend {index}')}", f'  start: "{day}T18:30:00+01:00"',
                f'  end: "{day}T20:00:00+01:00"']  # fmt: skip
    if roll < 0.14:
        options = _flow(("Frühling", "Sommer", "Herbst", "Winter"))
        if rng.random() < 0.5:
            return [f"id: {post_id(index)}", at, "accounts: [cc-mastodon, cc-twitter]",
                    "type: poll", short_text, f"options: {options}", "duration: 3"]  # fmt: skip
        return [f"id: {post_id(index)}", at, "accounts: [cc-linkedin]", "type: poll", *body,
                f"options: {options}", "duration: 7",
                f"question: {_q('Welche Jahreszeit?')}"]  # fmt: skip
    if roll < 0.16:
        return [f"id: {post_id(index)}", "method: draft_private", short_text]
    if roll < 0.17:
        return [f"id: {post_id(index)}", "method: draft_public", short_text]
    if roll < 0.18:
        auto_range = 'range: {start_date: "2031-04-01", end_date: "2031-04-30"}'
        return [f"id: {post_id(index)}", "method: auto", "accounts: [cc-facebook, cc-linkedin]",
                short_text, auto_range]  # fmt: skip
    return None


def _method(rng: random.Random, kind: str) -> list[str]:
    roll = rng.random()
    if roll < 0.08:
        return ["method: draft"]
    if roll < 0.12 and kind in ("status", "link"):
        return ["method: recycling"]
    if roll < 0.16 and kind == "status":
        return ["method: recurring"]
    return []


def post_lines(index: int, *, edited: bool = False) -> list[str]:
    """One post as YAML lines (a mapping at column 0), in fmt's canonical form."""
    rng = random.Random(f"contentctl-campaign-{GENERATOR_VERSION}-{index}")
    mark = EDIT_MARK if edited else ""
    special = _special(rng, index, mark)
    labels = f"labels: {_flow(sorted(rng.sample(LABELS, rng.randint(1, 3))))}"
    if special is not None:
        tail = [line for line in special if line.startswith("range:")]  # range after labels
        return [*(line for line in special if line not in tail), labels, *tail]
    roll = rng.random() * sum(share for share, _ in KINDS)
    kind: Kind = _status
    for share, candidate in KINDS:
        kind = candidate
        if roll < share:
            break
        roll -= share
    providers, type_name, rest = kind(rng, index)
    method = _method(rng, type_name)
    if method == ["method: recycling"] and "google" in providers:
        method = []  # recycling on Google wants ten spintax variations of the text
    lines = [f"id: {post_id(index)}", *method, f"at: {_q(post_at(index))}"]
    lines.append(f"accounts: {_flow(f'cc-{p}' for p in providers)}")
    lines += [f"type: {type_name}", *_block("text", _long_text(rng, index, mark), ""), *rest]
    lines += _networks(rng, providers, type_name, mark)
    lines.append(labels)
    if method == ["method: recycling"]:
        lines += ["recycling:", "  gap: 2", "  gap_freq: Week", "  expire_count: 4"]
    elif method == ["method: recurring"]:
        weekday = (FIRST_SLOT + timedelta(minutes=MINUTES_APART * index)).isoweekday() % 7
        day = post_at(index)[:10]
        lines += ["recurring:", "  repeat: weekly", f"  days_of_week: [{weekday}]",
                  f'  start_date: "{day}"', '  end_date: "2031-12-29"']  # fmt: skip
    return lines


def _networks(rng: random.Random, providers: list[str], kind: str, mark: str) -> list[str]:
    out: list[str] = []
    for provider in providers:
        if provider in SHORT:
            text = f"{rng.choice(SHORT_LINES)} #{provider}{mark}"
            out += [f"  {provider}:", f"    text: {_q(text)}"]
        elif provider == "facebook" and rng.random() < 0.4:
            out += [
                "  facebook:",
                "    comments:",
                f"      - text: {_q(rng.choice(SHORT_LINES))}",
                "        delay: {duration: 5, unit: Minute}",
            ]
    return ["networks:", *out] if out else []


def config_text(batch_size: int = BATCH_SIZE) -> str:
    accounts = "\n".join(
        f"  {alias}: {{id: {account_id}, provider: {provider}, name: {_q(alias.title())}}}"
        for alias, (provider, account_id) in ACCOUNTS.items()
    )
    return (
        f"# Generated by benchmarks/generate_campaign.py (version {GENERATOR_VERSION}).\n"
        f"workspace: {WORKSPACE_ID}\nendpoint: sandbox\ntimezone: {TIMEZONE}\n"
        f"content: posts\nstate: contentctl.state.json\naccounts:\n{accounts}\n"
        f"defaults:\n  labels: [contentctl-bench]\n  batch_size: {batch_size}\n"
    )


def campaign_sizes(n: int) -> list[tuple[int, int]]:
    """(first post, post count) of each campaign file: 20 to 50 posts, deterministic."""
    rng = random.Random(f"contentctl-campaign-files-{GENERATOR_VERSION}")
    out, start = [], 0
    while start < n:
        count = min(rng.randint(20, 50), n - start)
        out.append((start, count))
        start += count
    return out


def file_texts(n: int, edited: Iterable[int] = (), *, only_edited: bool = False) -> dict[str, str]:
    """Relative path → YAML text of every manifest of an ``n``-post repo (``only_edited``:
    of the manifests that hold an edited post)."""
    changed = set(edited)
    files: dict[str, str] = {}
    for number, (start, count) in enumerate(campaign_sizes(n)):
        if only_edited and not changed.intersection(range(start, start + count)):
            continue
        month = post_at(start)[:7].replace("-", "/")
        name = CAMPAIGNS[number % len(CAMPAIGNS)]
        out = [f"# Kampagne {number}: {name}, posts {start} to {start + count - 1}.", "posts:"]
        for index in range(start, start + count):
            lines = post_lines(index, edited=index in changed)
            if index > start:
                out.append("")
            out += [f"  # {name} {index}", f"  - {lines[0]}", *(f"    {x}" for x in lines[1:])]
        files[f"posts/{month}/campaign-{number:04d}.yaml"] = "\n".join(out) + "\n"
    return files


def write_repo(root: Path, n: int, edited: Iterable[int] = ()) -> Path:
    """Write an ``n``-post repo (config, manifests, media) into ``root``; returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "contentctl.yaml").write_text(config_text(), encoding="utf-8")
    for rel, text in file_texts(n, edited).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "media").mkdir(exist_ok=True)
    for paths in MEDIA.values():
        for rel in paths:
            shutil.copyfile(EXAMPLE_MEDIA / Path(rel).name, root / rel)
    return root
