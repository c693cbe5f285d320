"""``POST /posts/links``: a URL in, Publer's link preview out, made up from the URL alone.

Publer fetches the page and answers ``{"link": {url, title, description,
images, favicon, provider_display}}`` (LINK). The sandbox never goes to the
network: it derives each field from the URL, the same for the same URL, so a
test can say exactly what it gets. A body without an http(s) ``url`` is a 400.
https://publer.com/docs/posting/create-posts/content-types/link-posts
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from contentctl.sandbox.endpoints import Context
from contentctl.sandbox.jobs import RequestRejected
from contentctl.sandbox.values import JSONObject
from contentctl.sandbox.wsgi import Request, Response


def link_preview(req: Request, _ctx: Context) -> Response:
    body = req.json()
    url = body.get("url") if isinstance(body, dict) else None
    if not isinstance(url, str) or not url.strip():
        raise RequestRejected(400, "param is missing or the value is empty: url")
    return Response(200, {"link": preview(url.strip())})


def preview(url: str) -> JSONObject:
    """The card the sandbox shows for ``url``: the site's name from its host, the title
    from the last path segment (or the site's name), its image and favicon on the host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise RequestRejected(400, "url must be an http(s) URL")
    site = host.removeprefix("www.")
    slug = unquote(PurePosixPath(parts.path).stem)
    words = slug.replace("-", " ").replace("_", " ").split()
    title = " ".join(words).capitalize() if words else site
    origin = f"{parts.scheme}://{parts.netloc}"
    return {
        "url": url,
        "title": title,
        "description": f"{title}, on {site}" if words else f"The home page of {site}",
        "images": [f"{origin}/og-image.png"],
        "favicon": f"{origin}/favicon.ico",
        "provider_display": site,
    }
