"""Accounts as Publer lists them: a client in, workspaces, accounts and boards out.

``discover`` asks Publer (or the sandbox) for the workspaces, the accounts of
the client's workspace, their albums and watermarks (``GET /workspaces``, ``GET
/accounts``, ``GET /workspaces/{id}/media_options``) and their signatures
(``GET /workspaces/{id}/signatures``), and suggests an alias per account.
``account_problems`` compares the ``accounts:`` of contentctl.yaml with ``GET
/accounts``: a wrong id or provider is a ``Diagnostic`` at that alias
(file:line:col). ``check_accounts`` does it once per client (once per run),
checks the signature and watermark ids the manifests write against those
lists (``option_problems``, asked only when a manifest writes one) and raises
``ConfigError``. ``accounts_block`` writes the ``accounts:`` block into
contentctl.yaml with ruamel's round trip, so comments stay.
docs/publer-api.md §6.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from contentctl.errors import ConfigError
from contentctl.files import atomic_write
from contentctl.manifest.content import effective_content, origin
from contentctl.manifest.load import LoadResult, Locator
from contentctl.model import Config, Diagnostic, JSONObject, Severity
from contentctl.publer import PublerClient

_ALBUM_PROVIDERS = ("pinterest", "facebook")  # the networks with boards or albums (MEDIAOPT)


@dataclass(frozen=True)
class Album:
    id: str
    name: str
    type: str


@dataclass(frozen=True)
class Option:
    """A signature (label, default) or a watermark (name, default) of one account."""

    id: str
    label: str
    default: bool


@dataclass(frozen=True)
class RemoteAccount:
    """One account of the workspace, with the alias contentctl suggests for it."""

    alias: str
    id: str
    provider: str
    name: str
    type: str
    albums: tuple[Album, ...] = ()
    signatures: tuple[Option, ...] = ()
    watermarks: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Discovery:
    workspace_id: str
    workspaces: tuple[JSONObject, ...]
    accounts: tuple[RemoteAccount, ...] = field(default_factory=tuple)

    def to_json(self) -> JSONObject:
        return {
            "workspace": self.workspace_id,
            "workspaces": [
                {"id": w.get("id"), "name": w.get("name"),
                 "current": w.get("id") == self.workspace_id}
                for w in self.workspaces
            ],
            "accounts": [
                {"alias": a.alias, "provider": a.provider, "id": a.id, "type": a.type,
                 "name": a.name,
                 "albums": [{"id": b.id, "name": b.name, "type": b.type} for b in a.albums],
                 "signatures": [{"id": s.id, "label": s.label, "default": s.default}
                                for s in a.signatures],
                 "watermarks": [{"id": w.id, "name": w.label, "default": w.default}
                                for w in a.watermarks]}
                for a in self.accounts
            ],
        }  # fmt: skip


def suggest_alias(name: str, provider: str, taken: set[str]) -> str:
    """A lower-case alias from the account's name (``provider-…``), unique among ``taken``."""
    words = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    words = words.removeprefix("sandbox-").removeprefix(f"{provider}-")
    base = f"{provider}-{words}".strip("-")[:40].rstrip("-") if words else provider
    if words in ("", provider):
        base = provider
    alias, n = base, 2
    while alias in taken:
        alias, n = f"{base}-{n}", n + 1
    taken.add(alias)
    return alias


def _options(found: object, label: str) -> tuple[Option, ...]:
    """Signatures (``label``) or watermarks (``name``) of one account, as Publer lists them."""
    return tuple(
        Option(str(o.get("id")), str(o.get(label) or ""), o.get("default") is True)
        for o in (found if isinstance(found, list) else [])
        if isinstance(o, dict) and o.get("id") is not None
    )


def discover(client: PublerClient, config: Config | None = None) -> Discovery:
    """Workspaces, the accounts of the client's workspace, their albums, watermarks and
    signatures, with aliases.

    An account already in ``config`` keeps its alias there.
    """
    known = {a.id: a.alias for a in config.accounts.values()} if config is not None else {}
    listed = client.accounts()
    ids = [str(a.get("id")) for a in listed]
    options = client.media_options(ids) if ids else []  # every network has watermarks
    albums = {str(o.get("id")): o.get("albums") for o in options}
    marks = {str(o.get("id")): _options(o.get("watermarks"), "name") for o in options}
    answer = client.signatures(ids) if ids else []
    signatures = {str(s.get("account_id")): _options(s.get("signatures"), "label") for s in answer}
    taken = set(known.values())
    accounts = []
    for item in listed:
        account_id, provider = str(item.get("id")), str(item.get("provider"))
        name = str(item.get("name") or "")
        alias = known.get(account_id) or suggest_alias(name, provider, taken)
        found = albums.get(account_id) if provider in _ALBUM_PROVIDERS else None
        boards = tuple(
            Album(str(b.get("id")), str(b.get("name")), str(b.get("type")))
            for b in (found if isinstance(found, list) else [])
            if isinstance(b, dict)
        )
        kind = str(item.get("type") or "")
        signed, marked = signatures.get(account_id, ()), marks.get(account_id, ())
        account = RemoteAccount(alias, account_id, provider, name, kind, boards, signed, marked)
        accounts.append(account)
    return Discovery(client.workspace_id, tuple(client.workspaces()), tuple(accounts))


# -- checking contentctl.yaml -------------------------------------------------------

_LISTED: weakref.WeakKeyDictionary[PublerClient, list[JSONObject]] = weakref.WeakKeyDictionary()


def listed_accounts(client: PublerClient) -> list[JSONObject]:
    """``GET /accounts``, asked once per client (a run has one)."""
    if client not in _LISTED:
        _LISTED[client] = client.accounts()
    return _LISTED[client]


def account_problems(config: Config, listed: Sequence[Mapping[str, object]]) -> list[Diagnostic]:
    """Each alias whose id Publer does not list, or lists under another provider."""
    by_id = {str(a.get("id")): a for a in listed}
    where = _alias_places(config.path)
    file = config.path.name
    out: list[Diagnostic] = []
    for account in config.accounts.values():
        line, column = where.get(account.alias, (1, 1))
        remote = by_id.get(account.id)
        if remote is None:
            same = [str(a.get("id")) for a in listed if a.get("provider") == account.provider.value]
            hint = f" ({account.provider.value} accounts there: {', '.join(same)})" if same else ""
            message = (
                f"account {account.alias}: id {account.id} is not an account of workspace "
                f"{config.workspace_id}{hint}; `contentctl accounts` lists them"
            )
        elif remote.get("provider") != account.provider.value:
            message = (
                f"account {account.alias}: {account.id} is a {remote.get('provider')} account "
                f"on Publer, not {account.provider.value}"
            )
        else:
            continue
        path = f"$.accounts.{account.alias}"
        out.append(Diagnostic(file, line, column, Severity.ERROR, message, path))
    return out


def check_accounts(config: Config, client: PublerClient, result: LoadResult | None = None) -> None:
    """Every alias against ``GET /accounts``, then (with the manifests' ``result``) every
    signature and watermark id against the account's lists; ``ConfigError`` naming each
    wrong one, located."""
    problems = account_problems(config, listed_accounts(client))
    if problems:
        lines = "\n".join(d.render() for d in problems)
        raise ConfigError(
            f"contentctl.yaml names accounts Publer does not have:\n{lines}",
            hint="`contentctl accounts` lists the workspace's accounts; "
            "`contentctl accounts --write` fixes the accounts: block",
        )
    wrong = option_problems(config, result, client) if result is not None else []
    if wrong:
        lines = "\n".join(d.render() for d in wrong)
        raise ConfigError(
            f"the manifests name signatures or watermarks Publer does not list:\n{lines}",
            hint="`contentctl accounts` lists each account's signatures and watermarks",
        )


_Use = tuple[int, str, str, str, tuple[str | int, ...]]  # source index, alias, kind, id, path
_OPTION_KEYS = ("signature", "watermark")


def _writes_option(content: Mapping[str, object]) -> bool:
    return "signature" in content or "watermark" in content


def _option_uses(config: Config, result: LoadResult) -> list[_Use]:
    """Each signature and watermark id a post sends to an account, where it is written."""
    out: list[_Use] = []
    for index, source in enumerate(result.sources):
        post = source.post
        if post is None or not (_writes_option(post.content) or (
            post.networks and any(_writes_option(n) for n in post.networks.values())
        )):  # fmt: skip
            continue  # most posts: two lookups
        for alias in post.accounts:
            account = config.accounts.get(alias)
            if account is None:
                continue  # validate reports the alias
            provider = account.provider.value
            content = effective_content(post, provider)
            signature, watermark = content.get("signature"), content.get("watermark")
            if isinstance(signature, str):
                out.append((index, alias, "signature", signature,
                            origin(post, provider, "signature")))  # fmt: skip
            mark = watermark.get("id") if isinstance(watermark, dict) else None
            if isinstance(mark, str):
                out.append((index, alias, "watermark", mark,
                            origin(post, provider, "watermark.id")))  # fmt: skip
    return out


_OPTIONS: weakref.WeakKeyDictionary[PublerClient, dict[tuple[str, str], set[str]]] = (
    weakref.WeakKeyDictionary()
)


def _listed_options(
    client: PublerClient, wanted: set[tuple[str, str]]
) -> dict[tuple[str, str], set[str]]:
    """(kind, account id) → the ids Publer lists, each list asked once per client."""
    known = _OPTIONS.setdefault(client, {})
    missing = {kind: sorted(a for k, a in wanted if k == kind and (k, a) not in known)
               for kind in _OPTION_KEYS}  # fmt: skip
    if missing["signature"]:
        for item in client.signatures(missing["signature"]):
            found = _options(item.get("signatures"), "label")
            known[("signature", str(item.get("account_id")))] = {o.id for o in found}
    if missing["watermark"]:
        for item in client.media_options(missing["watermark"]):
            found = _options(item.get("watermarks"), "name")
            known[("watermark", str(item.get("id")))] = {o.id for o in found}
    for key in wanted:
        known.setdefault(key, set())  # an account Publer answered nothing for has none
    return known


def option_problems(config: Config, result: LoadResult, client: PublerClient) -> list[Diagnostic]:
    """Each signature or watermark id a manifest sends that its account does not have.

    Publer is asked only when some post writes one, and only for those accounts.
    https://publer.com/docs/posting/create-posts/content-types/post-with-signature
    https://publer.com/docs/create-posts/media-options
    """
    uses = _option_uses(config, result)
    if not uses:
        return []
    accounts = config.accounts
    listed = _listed_options(client, {(kind, accounts[alias].id) for _, alias, kind, _, _ in uses})
    locator = Locator(result.texts)
    out: list[Diagnostic] = []
    for index, alias, kind, wanted, path in uses:
        have = listed[(kind, accounts[alias].id)]
        if wanted in have:
            continue
        source = result.sources[index]
        known = f" (its {kind}s: {', '.join(sorted(have))})" if have else f" (it has no {kind}s)"
        message = (f"{kind} {wanted} is not one of account {alias}'s {kind}s on Publer{known}; "
                   f"`contentctl accounts` lists them")  # fmt: skip
        out.append(locator.diagnostic(source.file, source.document, (*source.prefix, *path),
                                      message))  # fmt: skip
    return sorted(dict.fromkeys(out))


def _alias_places(path: Path) -> dict[str, tuple[int, int]]:
    """1-based line and column of each alias under ``accounts:`` in contentctl.yaml."""
    try:
        data = YAML(typ="rt").load(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    accounts = data.get("accounts") if isinstance(data, CommentedMap) else None
    if not isinstance(accounts, CommentedMap):
        return {}
    return {str(k): (accounts.lc.key(k)[0] + 1, accounts.lc.key(k)[1] + 1) for k in accounts}


# -- writing the accounts: block ---------------------------------------------------


def accounts_block(config_path: Path, found: Discovery) -> str:
    """contentctl.yaml's text with ``accounts:`` set to what Publer lists, comments kept.

    Aliases already there stay (by id); new accounts get the suggested alias;
    aliases whose id Publer does not list are left out.
    """
    yaml = YAML(typ="rt")
    yaml.width = 4096
    text = config_path.read_text("utf-8")
    data = yaml.load(text)
    old = data.get("accounts") if isinstance(data.get("accounts"), CommentedMap) else None
    named = {str(k): v.get("name") for k, v in (old or {}).items() if isinstance(v, dict)}
    block = CommentedMap()
    for account in found.accounts:
        entry = CommentedMap()
        entry["id"] = account.id
        entry["provider"] = account.provider
        name = named.get(account.alias) or account.name  # a name the team wrote stays
        if name:
            entry["name"] = name
        entry.fa.set_flow_style()
        block[account.alias] = entry
    if old is not None:
        old.clear()
        old.update(block)
    else:
        data["accounts"] = block
    out = StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def write_accounts(config_path: Path, found: Discovery) -> None:
    atomic_write(config_path, accounts_block(config_path, found).encode("utf-8"))
