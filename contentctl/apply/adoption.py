"""Wanted posts and a ``RemoteView`` in, what Publer already holds for them out.

``find_on_remote(wanted, view, claimed=…)`` lists only the scopes the wanted
posts touch (``scopes_for``: their accounts and merged time windows; drafts
without a time by the draft state; ideas by their idea state; auto-scheduled
posts by their range; publish-now posts by Publer's text search in the
published state) and pairs them one to one (``matching.assign``). Used before
creating (adoption instead of a duplicate) and when settling a bulk whose
answer was lost. No output of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from contentctl.apply.matching import SIGNATURE_TEXTS, Assignment, Method, Wanted, assign
from contentctl.publer import PublerClient, RemotePost
from contentctl.remote_view import PAD, RemoteView, Scope, windows

QUERY_CHARS = 40  # the part of the text Publer's search is given


def scopes_for(wanted: Sequence[Wanted], texts: dict[tuple[str, str], str]) -> list[Scope]:
    """The listings that can hold every wanted post; ``texts`` by key for the text searches."""
    scopes: list[Scope] = []
    timed = [w for w in wanted if w.at is not None and w.method is not Method.AUTO]
    accounts = frozenset(w.account_id for w in timed if w.account_id)
    if timed:
        for start, end in windows([w.at for w in timed if w.at is not None]):
            scopes.append(Scope(accounts, "all", start, end))
    undated_drafts = [w for w in wanted if w.method is Method.UNDATED_DRAFT]
    if undated_drafts:
        scopes.append(
            Scope(frozenset(w.account_id for w in undated_drafts if w.account_id), "draft")
        )
    for state in sorted({w.bulk_state for w in wanted if w.method is Method.IDEA}):
        scopes.append(Scope(frozenset(), state))
    auto = [w for w in wanted if w.method is Method.AUTO]
    spans = [(w.range_start, w.range_end) for w in auto if w.range_start and w.range_end]
    auto_accounts = frozenset(w.account_id for w in auto if w.account_id)
    for start, end in _merge(spans):
        scopes.append(Scope(auto_accounts, "all", start - PAD, end + PAD))
    searched = [w for w in wanted if w.method is Method.PUBLISH_NOW] + [
        w for w in auto if not (w.range_start and w.range_end)
    ]
    by_query: dict[str, set[str]] = {}
    for item in searched:
        query = search_text(texts.get(item.key, ""))
        by_query.setdefault(query, set()).update([item.account_id] if item.account_id else [])
    for query, ids in sorted(by_query.items()):
        scopes.append(Scope(frozenset(ids), "all", query=query or None))
    return scopes


def find_on_remote(
    wanted: Sequence[Wanted],
    view: RemoteView,
    texts: dict[tuple[str, str], str],
    *,
    claimed: Iterable[str] = (),
) -> Assignment:
    """What Publer holds for each wanted post, one to one, ambiguities reported."""
    if not wanted:
        return Assignment()
    learn_signatures(
        view.client, [(w.account_id, w.signature) for w in wanted]
    )  # a signature Publer appended is no other text
    listed: list[RemotePost] = view.gather(scopes_for(wanted, texts))
    return assign(wanted, listed, claimed=claimed)


def learn_signatures(client: PublerClient, sent: Iterable[tuple[str | None, str | None]]) -> None:
    """Ask Publer once for the texts of the signatures sent (account id, signature id) that
    are not known yet (``GET /workspaces/{id}/signatures``)."""
    accounts = sorted({account for account, signature in sent
                       if account and signature and signature not in SIGNATURE_TEXTS})  # fmt: skip
    if not accounts:
        return
    for item in client.signatures(accounts):
        listed = item.get("signatures")
        for signature in listed if isinstance(listed, list) else []:
            if not isinstance(signature, dict):
                continue
            sid, text = signature.get("id"), signature.get("text")
            if isinstance(sid, str) and isinstance(text, str):
                SIGNATURE_TEXTS[sid] = text


def search_text(text: str) -> str:
    """A piece of the text that Publer's substring search finds as written."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:QUERY_CHARS]


def _merge(spans: Sequence[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
