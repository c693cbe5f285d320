"""One account entry of a bulk post in, the first callback problem Publer would report or None.

The per-account options of Publer's post callbacks page (first comments with
conditions, media and language; auto-share; auto-delete/auto-hide), the
signature page and the watermark page: conditions as ``relation`` plus
``clauses`` (age, engagements, reach), shares only to accounts of the
workspace, signatures and watermarks only the account's own (what
``GET /workspaces/{id}/signatures`` and ``media_options`` list).
https://publer.com/docs/posting/create-posts/content-types/post-callbacks
https://publer.com/docs/posting/create-posts/content-types/post-with-signature
https://publer.com/docs/create-posts/content-types/post-with-watermark
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from contentctl import publer_facts as facts
from contentctl.sandbox.seed import signatures, watermarks
from contentctl.sandbox.values import as_list, as_object

MediaLookup = Callable[[str], Mapping[str, object] | None]
_UNITS = ("Minute", "Hour", "Day", "Week")


def check_account_options(
    spec: Mapping[str, object],
    account: Mapping[str, object],
    accounts: Mapping[str, Mapping[str, object]],
    media: MediaLookup,
) -> str | None:
    for index, comment in enumerate(as_list(spec.get("comments"))):
        problem = _comment(index, as_object(comment), media)
        if problem:
            return problem
    if "share" in spec:
        share = as_object(spec.get("share"))
        targets = as_list(share.get("account_ids"))
        if not targets:
            return "share.account_ids can't be blank"
        for target in targets:
            if str(target) not in accounts:
                return f"share: account {target} not found"
        if "conditions" in share:
            problem = conditions_problem("share", share.get("conditions"))
            if problem:
                return problem
    if "delete" in spec:
        problem = conditions_problem("delete", as_object(spec.get("delete")).get("conditions"))
        if problem:
            return problem
    signature = spec.get("signature")
    if signature is not None and signature not in {s["id"] for s in signatures(account)}:
        return f"Signature {signature} not found for this account"
    watermark = spec.get("watermark")
    if watermark is not None:
        wanted = as_object(watermark).get("id")
        if wanted not in {w["id"] for w in watermarks(account)}:
            return f"Watermark {wanted} not found for this account"
    return None


def _comment(index: int, comment: Mapping[str, object], media: MediaLookup) -> str | None:
    where = f"comments[{index}]"
    if not isinstance(comment.get("text"), str) or not comment["text"]:
        return f"{where}.text can't be blank"
    if "conditions" in comment:
        problem = conditions_problem(where, comment.get("conditions"))
        if problem:
            return problem
    if "media" in comment:
        item = as_object(comment.get("media"))
        known = media(str(item.get("id") or ""))
        if known is None or known.get("type") != item.get("type"):
            return f"{where}.media must be an uploaded photo, video or gif with its type"
    language = comment.get("language")
    if language is not None and not (isinstance(language, str) and len(language) >= 2):
        return f"{where}.language must be a language code"
    return None


def conditions_problem(where: str, value: object) -> str | None:
    """``relation`` AND/OR over at least one of the clauses age, engagements, reach."""
    conditions = as_object(value)
    if conditions.get("relation") not in facts.CONDITION_RELATIONS:
        return f"{where}.conditions.relation must be AND or OR"
    clauses = as_object(conditions.get("clauses"))
    if not clauses or set(clauses) - set(facts.CONDITION_CLAUSES):
        return f"{where}.conditions.clauses take {', '.join(facts.CONDITION_CLAUSES)}"
    age = clauses.get("age")
    if age is not None:
        span = as_object(age)
        duration = span.get("duration")
        if not isinstance(duration, int) or duration < 1 or span.get("unit") not in _UNITS:
            return f"{where}.conditions.clauses.age needs a duration and a unit"
    for name in ("engagements", "reach"):
        if name in clauses:
            clause = as_object(clauses[name])
            number = clause.get("value")
            if clause.get("comparison") not in ("gt", "lt") or not isinstance(number, int):
                return f"{where}.conditions.clauses.{name} needs comparison gt/lt and a value"
    return None
