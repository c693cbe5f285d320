"""Media endpoints (docs/publer-api.md §5): uploads and URLs in, media objects out.

``POST /media`` reads a multipart upload and answers synchronously; the
formats it takes and their kinds are ``publer_facts.KIND_OF_EXTENSION``;
``POST /media/from-url`` answers with a job whose payload lists the media.
Nothing is fetched from the URLs: the sandbox only makes up the object.
Image sizes are read from PNG, GIF and JPEG headers so uploads look real.
"""

from __future__ import annotations

import struct
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from contentctl.publer_facts import KIND_OF_EXTENSION, MEDIA_KINDS
from contentctl.sandbox.endpoints import Context, add_job, new_id
from contentctl.sandbox.jobs import RequestRejected, format_time
from contentctl.sandbox.values import JSONObject, objects
from contentctl.sandbox.wsgi import Request, Response

CDN = "https://cdn.sandbox.invalid/uploads"
_SCHEMES = ("http", "https")
PAGE_SIZE = 20
# POST /media/from-url's ``type``: the current page's values (the older page said
# single/multiple). https://publer.com/docs/posting/create-posts/media-handling
FROM_URL_TYPES = ("single", "bulk")
# The older media page's camelCase flags, refused with the current page's (and OAS's) spelling.
FROM_URL_CAMEL = {"directUpload": "direct_upload", "inLibrary": "in_library"}


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def media_object(
    ctx: Context,
    name: str,
    kind: str,
    *,
    direct: bool,
    in_library: bool,
    size: tuple[int | None, int | None],
) -> JSONObject:
    media_id = new_id(ctx.now)
    suffix = PurePosixPath(name).suffix or ".bin"
    path = f"{CDN}/{'' if direct else 'tmp/'}{media_id}{suffix}"
    stamp = format_time(ctx.now)
    return {
        "id": media_id, "path": path, "thumbnail": path, "validity": {},
        "width": size[0], "height": size[1], "source": None, "type": kind, "name": name,
        "caption": None, "in_library": in_library, "favorite": False,
        "thumbnails": [{"id": media_id, "small": path, "real": path}],
        "created_at": stamp, "updated_at": stamp,
    }  # fmt: skip


def upload(req: Request, ctx: Context) -> Response:
    if not req.content_type.startswith("multipart/form-data"):
        raise RequestRejected(400, "Expected multipart/form-data with a file field")
    head = f"Content-Type: {req.content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + req.body)
    fields: dict[str, str] = {}
    content: bytes | None = None
    filename = ""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = part.get_payload(decode=True)
        if name == "file" and isinstance(data, bytes):
            filename = part.get_filename() or "upload"
            content = data
        elif isinstance(data, bytes):
            fields[name] = data.decode("utf-8", "replace")
    if content is None:
        raise RequestRejected(400, "param is missing or the value is empty: file")
    ext = PurePosixPath(filename).suffix.lower().lstrip(".")
    kind = KIND_OF_EXTENSION.get(ext)
    if kind is None:  # MEDIA: an unsupported format is a 400 (not a content problem's 422)
        raise RequestRejected(400, f"Unsupported file type: {filename}")
    media = media_object(
        ctx, filename, kind, direct=_truthy(fields.get("direct_upload")),
        in_library=_truthy(fields.get("in_library")), size=image_size(content),
    )  # fmt: skip
    ctx.store.add_media(ctx.workspace_id, media)
    return Response(200, media)


def from_url(req: Request, ctx: Context) -> Response:
    body = req.json()
    items = body.get("media") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(items, list) or not items:
        raise RequestRejected(400, "param is missing or the value is empty: media")
    wanted: list[tuple[JSONObject, str]] = []
    for index, item in enumerate(items):
        url = item.get("url") if isinstance(item, dict) else None
        scheme = urlsplit(url).scheme if isinstance(url, str) else ""
        if not isinstance(item, dict) or not isinstance(url, str) or scheme not in _SCHEMES:
            raise RequestRejected(400, f"media[{index}].url must be an http(s) URL")
        # name and type are required on the current media page (and in its OAS block)
        if not isinstance(item.get("name"), str) or not item["name"]:
            raise RequestRejected(
                400, f"param is missing or the value is empty: media[{index}].name"
            )
        wanted.append((item, url))
    if body.get("type") not in FROM_URL_TYPES:
        raise RequestRejected(400, f"type must be one of {', '.join(FROM_URL_TYPES)}")
    camel = [f"{old} is spelled {new}" for old, new in FROM_URL_CAMEL.items() if old in body]
    if camel:
        raise RequestRejected(400, *camel)
    direct = _truthy(body.get("direct_upload"))
    in_library = _truthy(body.get("in_library"))
    if ctx.faults.fail_jobs:
        return add_job(ctx, new_id(ctx.now), {"errors": ["The media could not be fetched"]})
    created: list[JSONObject] = []
    for item, url in wanted:
        given = item.get("name")
        name = given if isinstance(given, str) and given else PurePosixPath(urlsplit(url).path).name
        name = name or "file"
        kind = KIND_OF_EXTENSION.get(PurePosixPath(name).suffix.lower().lstrip("."), "photo")
        media = media_object(ctx, name, kind, direct=direct, in_library=in_library,
                             size=(None, None))  # fmt: skip
        media.update(caption=item.get("caption"), source=item.get("source"))
        ctx.store.add_media(ctx.workspace_id, media)
        created.append(media)
    return add_job(ctx, new_id(ctx.now), created)


# GET /media ``source[]`` values (MEDIAREF's OAS); an item's source is its ``source`` field,
# ``favorites`` its favourite flag, and a file uploaded here is ``upload``.
MEDIA_SOURCES = ("canva", "vista", "postnitro", "contentdrips", "openai", "favorites", "upload")
_BOOLEANS = {"true": True, "false": False}


def list_media(req: Request, ctx: Context) -> Response:
    """``GET /media`` as MEDIAREF's OAS block has it: ``ids`` (comma-separated, the OAS's
    ``explode: false``, or repeated ``ids[]``) picks items and ignores the rest; otherwise
    ``types[]``, ``used[]`` (both required: without them a 400), ``source[]``, ``labels[]``
    and ``search`` (name or caption) filter and ``page`` pages, 20 an answer: ``{media, total}``.
    https://publer.com/docs/api-reference/media"""
    found = ctx.store.media(ctx.workspace_id)
    ids = {part for value in req.values("ids") for part in value.split(",") if part}
    if ids:
        found = [m for m in found if m["id"] in ids]
        return Response(200, {"media": found, "total": len(found)})
    for required in ("types", "used"):  # the OAS marks both required; ids[] alone bypasses
        if not req.values(required):
            raise RequestRejected(400, f"{required}[] is required")
    types = _choices(req, "types", (*MEDIA_KINDS,))
    if types:
        found = [m for m in found if m["type"] in types]
    used = {_BOOLEANS[v] for v in _choices(req, "used", tuple(_BOOLEANS))}
    if len(used) == 1:
        in_posts = _used_media(ctx)
        found = [m for m in found if (m["id"] in in_posts) in used]
    sources = _choices(req, "source", MEDIA_SOURCES)
    if sources:
        found = [m for m in found if _sources(m) & sources]
    labels = set(req.values("labels"))
    if labels:
        found = [m for m in found if _label_names(m.get("labels")) & labels]
    search = (req.value("search") or "").lower()
    if search:
        found = [
            m for m in found if search in f"{m.get('name') or ''}\n{m.get('caption') or ''}".lower()
        ]
    try:
        page = max(0, int(req.value("page") or 0))
    except ValueError:
        raise RequestRejected(400, "page must be a whole number") from None
    window = found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    return Response(200, {"media": window, "total": len(found)})


def _choices(req: Request, name: str, allowed: tuple[str, ...]) -> set[str]:
    """The values of ``name[]``, each one of ``allowed``, or a 400."""
    given = set(req.values(name))
    if given - set(allowed):
        raise RequestRejected(400, f"{name}[] takes {', '.join(allowed)}")
    return given


def _sources(media: JSONObject) -> set[str]:
    source = media.get("source")
    found = {source if isinstance(source, str) and source in MEDIA_SOURCES else "upload"}
    return found | ({"favorites"} if media.get("favorite") else set())


def _label_names(value: object) -> set[str]:
    items = value if isinstance(value, list) else []
    return {str(x.get("name") if isinstance(x, dict) else x) for x in items}


def _used_media(ctx: Context) -> set[str]:
    """The ids of media some post of the workspace shows."""
    return {
        str(m.get("id")) for p in ctx.store.posts(ctx.workspace_id) for m in objects(p.get("media"))
    }


def image_size(data: bytes) -> tuple[int | None, int | None]:
    """Width and height from a PNG, GIF or JPEG header; (None, None) otherwise."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        at = 2
        while at + 9 < len(data) and data[at] == 0xFF:
            marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[at + 5 : at + 9])
                return int(width), int(height)
            at += 2 + int(length)
    return None, None
