"""The sandbox's fixed world: a config in, its user, key, workspace and accounts stored.

``seed`` is an idempotent upsert; ``reset`` also forgets every post, media
item, job and rate counter. Like a real Publer workspace, the sandbox has
accounts of its own, never the config's: one or more per provider
(``SEED_ACCOUNTS``), with ids derived from their names so they are the same
on every machine, so a mistyped id in ``contentctl.yaml`` fails here as it
would on Publer. Only the workspace id follows the config (the id a user
copies from Publer's settings). ``albums`` gives the boards and albums of an
account, as ``GET /workspaces/{id}/media_options`` lists them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from contentctl.model import Config, Provider
from contentctl.sandbox.store import Store
from contentctl.sandbox.values import JSONObject

# Obviously fake and shaped so secret scanners and our own redaction never mistake it.
SANDBOX_API_KEY = "sandbox-key-not-secret"
DEFAULT_WORKSPACE_ID = "64a5c0de5a0dbee5c0ffee00"
USER_ID = "64a5c0de5a0dbee5c0ffee01"
USER: dict[str, str | None] = {
    "id": USER_ID,
    "email": "sandbox@example.invalid",
    "name": "Sandbox User",
    "first_name": "Sandbox",
    "picture": None,
}

ACCOUNT_TYPES: dict[Provider, str] = {
    Provider.FACEBOOK: "page", Provider.INSTAGRAM: "business", Provider.LINKEDIN: "profile",
    Provider.PINTEREST: "business", Provider.YOUTUBE: "channel", Provider.TELEGRAM: "channel",
    Provider.GOOGLE: "location", Provider.WORDPRESS: "blog",
}  # fmt: skip


@dataclass(frozen=True)
class SeedInfo:
    workspace_id: str
    api_key: str
    accounts: int


def default_db_path(config: Config) -> Path:
    return config.root / ".contentctl" / "sandbox.db"


def default_account_id(provider: Provider, suffix: str = "") -> str:
    return hashlib.sha1(f"sandbox-account-{provider.value}{suffix}".encode()).hexdigest()[:24]


# (provider, id suffix, name, type): the first of each provider has the plain id.
SEED_ACCOUNTS: tuple[tuple[Provider, str, str, str | None], ...] = (
    *((p, "", f"Sandbox {p.value.capitalize()}", None) for p in Provider),
    (Provider.LINKEDIN, "-page", "Sandbox LinkedIn page", "page"),
    (Provider.TWITTER, "-2", "Sandbox X news", None),
)
# Boards (Pinterest) and albums (Facebook) of each account of these providers.
# https://publer.com/docs/create-posts/media-options
_ALBUMS = {
    "pinterest": ("Recipes", "Shop"),
    "facebook": ("Timeline photos",),
}


def albums(account: Mapping[str, object]) -> list[JSONObject]:
    """An account's albums ``{id, name, type}``: numeric ids derived from account and name."""
    provider = str(account.get("provider"))
    out: list[JSONObject] = []
    for name in _ALBUMS.get(provider, ()):
        digest = hashlib.sha1(f"{account.get('id')}/{name}".encode()).hexdigest()
        out.append({"id": str(int(digest[:15], 16)), "name": name, "type": provider})
    return out


def account_object(
    account_id: str, provider: Provider, name: str, kind: str | None = None
) -> JSONObject:
    """An account as ``GET /accounts`` lists it."""
    return {
        "id": account_id,
        "provider": provider.value,
        "name": name,
        "social_id": hashlib.sha1(account_id.encode()).hexdigest()[:16],
        "picture": f"https://{provider.value}.example/avatar/{account_id}.png",
        "type": kind or ACCOUNT_TYPES.get(provider, "profile"),
    }


def seed(db: Path | str | Store, config: Config | None) -> SeedInfo:
    """Create or refresh the workspace, key and accounts; posts are kept."""
    store = db if isinstance(db, Store) else Store(db)
    try:
        return _seed(store, config)
    finally:
        if store is not db:
            store.close()


def reset(db: Path | str | Store, config: Config | None) -> SeedInfo:
    """Forget posts, media, jobs and rate counters, then seed."""
    store = db if isinstance(db, Store) else Store(db)
    try:
        store.wipe()
        return _seed(store, config)
    finally:
        if store is not db:
            store.close()


def _seed(store: Store, config: Config | None) -> SeedInfo:
    workspace_id = (config.workspace_id if config is not None else "") or DEFAULT_WORKSPACE_ID
    accounts = [
        account_object(default_account_id(p, suffix), p, name, kind)
        for p, suffix, name, kind in SEED_ACCOUNTS
    ]
    with store.transaction():
        store.put_user(dict(USER), SANDBOX_API_KEY)
        store.put_workspace(
            {"id": workspace_id, "name": "Sandbox workspace", "plan": "business", "picture": None},
            USER_ID,
        )
        for account in accounts:
            store.put_account(workspace_id, account)
    return SeedInfo(workspace_id=workspace_id, api_key=SANDBOX_API_KEY, accounts=len(accounts))


def _hex(seed: str) -> str:
    return hashlib.sha1(seed.encode()).hexdigest()[:24]


def watermarks(account: Mapping[str, object]) -> list[JSONObject]:
    """One watermark per account: the shape the media options page lists."""
    return [{"id": _hex(f"{account.get('id')}/watermark"), "name": "Logo", "opacity": 80,
             "size": 20, "position": "bottom_right", "default": True}]  # fmt: skip


def signatures(account: Mapping[str, object]) -> list[JSONObject]:
    """Two signatures per account, the first the default."""
    name = str(account.get("name"))
    return [
        {"id": _hex(f"{account.get('id')}/signature/team"), "label": "Team",
         "text": f"— the {name} team", "default": True, "in_photo_captions": True},
        {"id": _hex(f"{account.get('id')}/signature/shop"), "label": "Shop",
         "text": "Shop: kettleandcrane.example", "default": False, "in_photo_captions": False},
    ]  # fmt: skip
