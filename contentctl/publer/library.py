"""The media library and link previews: arguments in, Publer's query or body out, answers read.

``media_query`` is ``GET /media``'s query as MEDIAREF's OAS block spells it
(``ids[]`` comma-separated, ``explode: false``; the array filters repeated with
brackets); ``media_page`` reads one ``{media, total}`` answer; ``link_card``
reads ``POST /posts/links``'s ``{link: {...}}`` (LINK).
https://publer.com/docs/api-reference/media,
https://publer.com/docs/posting/create-posts/content-types/link-posts
"""

from __future__ import annotations

from collections.abc import Sequence

from contentctl.errors import PublerServerError
from contentctl.model import JSONObject, JSONValue

# ``types[]`` as the OAS enum has it (documents are listed only when asked for).
MEDIA_TYPES = ("photo", "video", "gif")
# The fields of a link preview (LINK).
LINK_FIELDS = ("url", "title", "description", "images", "favicon", "provider_display")


def media_query(
    *,
    ids: Sequence[str] = (),
    types: Sequence[str] = MEDIA_TYPES,
    used: Sequence[bool] = (True, False),
    sources: Sequence[str] = (),
    labels: Sequence[str] = (),
    search: str | None = None,
) -> list[tuple[str, str]]:
    """The query pairs of one ``GET /media`` (without ``page``). With ``ids``, only them:
    Publer then ignores every other filter."""
    if ids:
        return [("ids[]", ",".join(ids))]
    pairs = [("types[]", kind) for kind in types]
    pairs += [("used[]", "true" if flag else "false") for flag in used]
    pairs += [("source[]", source) for source in sources]
    pairs += [("labels[]", label) for label in labels]
    if search:
        pairs.append(("search", search))
    return pairs


def media_page(body: JSONValue) -> tuple[list[JSONObject], int | None]:
    """One page's media objects and the ``total`` of all matches, if given."""
    if isinstance(body, list):
        return [m for m in body if isinstance(m, dict)], None
    if not isinstance(body, dict) or not isinstance(body.get("media"), list):
        raise PublerServerError("GET /media: Publer answered with no list of media")
    media = body["media"]
    total = body.get("total")
    items = [m for m in media if isinstance(m, dict)] if isinstance(media, list) else []
    return items, total if isinstance(total, int) and not isinstance(total, bool) else None


def link_card(body: JSONValue) -> JSONObject:
    """The ``link`` object of a ``POST /posts/links`` answer."""
    link = body.get("link") if isinstance(body, dict) else None
    if not isinstance(link, dict) or not isinstance(link.get("url"), str):
        raise PublerServerError("POST /posts/links: Publer answered with no link preview")
    return link
