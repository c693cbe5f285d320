"""Publer's list answers in, plain lists out; ``GET /posts`` filters in, query pairs out.

``posts_query`` turns ``list_posts`` arguments into ``(name, value)`` pairs with
Publer's bracket arrays (``account_ids[]=a&account_ids[]=b``); ``collect_pages`` walks
the pages through a fetch callback and ``read_posts_page`` reads one page and whatever
paging numbers (``total``, ``per_page``, ``total_pages``) it carries; ``records``
unwraps a list answer. No HTTP here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from contentctl.errors import PublerServerError
from contentctl.model import JSONObject, JSONValue

Query = list[tuple[str, str]]
MAX_PAGES = 10_000


def posts_query(
    state: str | Sequence[str] | None,
    account_ids: Sequence[str],
    start: date | str | None,
    end: date | str | None,
    query: str | None,
    post_type: str | None,
) -> Query:
    """The query pairs for one ``GET /posts`` (without ``page``)."""
    if (start is None) != (end is None):
        raise ValueError("list_posts needs both start and end, or neither")
    pairs: Query = []
    states = _strings(state)
    if len(states) == 1:
        pairs.append(("state", states[0]))
    else:
        pairs.extend(("state[]", value) for value in states)
    pairs.extend(("account_ids[]", value) for value in _strings(account_ids))
    if start is not None and end is not None:
        pairs += [("from", _when(start)), ("to", _when(end))]
    if query:
        pairs.append(("query", query))
    if post_type:
        pairs.append(("postType", post_type))
    return pairs


def collect_pages(fetch: Callable[[int], JSONValue]) -> list[JSONObject]:
    """Every post from ``fetch(0)``, ``fetch(1)``… until Publer's pages run out.

    Stops at an empty page, a page shorter than the first (or than ``per_page``), once
    ``total`` is reached, or at ``total_pages``. Posts seen twice (a page boundary
    shifting under us) are kept once.
    """
    posts: list[JSONObject] = []
    seen: set[str] = set()
    first_len: int | None = None
    previous: list[JSONObject] = []
    for page in range(MAX_PAGES):
        batch, total, per_page, total_pages = read_posts_page(fetch(page))
        fresh = [post for post in batch if _first_sight(post, seen)]
        posts.extend(fresh)
        # A server that ignores `page` repeats itself: nothing new means the end.
        if not batch or not fresh or batch == previous:
            return posts
        previous = batch
        if first_len is None:
            first_len = len(batch)
        elif len(batch) < first_len:
            return posts
        if per_page is not None and len(batch) < per_page:
            return posts
        size = per_page or first_len
        if total is not None and ((page + 1) * size >= total or len(posts) >= total):
            return posts
        if total_pages is not None and page + 1 >= total_pages:
            return posts
    raise PublerServerError(f"GET /posts: still more pages after {MAX_PAGES}; giving up")


def records(body: JSONValue, key: str) -> list[JSONObject]:
    """The list of objects in a list answer (bare, under ``key`` or under ``data``)."""
    if isinstance(body, dict):
        inner = body.get(key, body.get("data"))
        body = inner.get(key) if isinstance(inner, dict) else inner
    if not isinstance(body, list):
        raise PublerServerError(f"GET /{key}: Publer answered with no list of {key}")
    return [item for item in body if isinstance(item, dict)]


def read_posts_page(
    body: JSONValue,
) -> tuple[list[JSONObject], int | None, int | None, int | None]:
    """One page's posts and its ``total``, ``per_page`` and ``total_pages`` if given."""
    if isinstance(body, list):
        return [post for post in body if isinstance(post, dict)], None, None, None
    if isinstance(body, dict) and "posts" not in body:
        inner = body.get("data")
        if isinstance(inner, dict):
            body = inner
    listed = body.get("posts") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(listed, list):
        raise PublerServerError("GET /posts: Publer answered without a list of posts")
    posts = [post for post in listed if isinstance(post, dict)]
    per_page = _count(body.get("per_page"))
    return posts, _count(body.get("total")), per_page or None, _count(body.get("total_pages"))


def _first_sight(post: JSONObject, seen: set[str]) -> bool:
    post_id = post.get("id")
    if post_id is None:
        return True
    if str(post_id) in seen:
        return False
    seen.add(str(post_id))
    return True


def _strings(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


def _when(value: date | str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        raise ValueError("list_posts start/end must not be empty")
    return text


def _count(value: JSONValue) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None
