"""What a workspace offers its accounts: a request in, albums, watermarks or signatures out.

``GET /workspaces/{id}/media_options?accounts[]=…`` lists each account's albums
(Pinterest boards, Facebook albums) and watermarks (MEDIAOPT);
``GET /workspaces/{id}/signatures?accounts[]=…`` lists each account's
signatures (SIGNATURE). The sandbox derives both from the account
(``seed.albums``, ``seed.signatures``, ``seed.watermarks``), so they are the same on every machine.
https://publer.com/docs/create-posts/media-options
https://publer.com/docs/posting/create-posts/content-types/post-with-signature
"""

from __future__ import annotations

from contentctl.sandbox.endpoints import Context
from contentctl.sandbox.seed import albums, signatures, watermarks
from contentctl.sandbox.values import JSONObject
from contentctl.sandbox.wsgi import Request, Response, errors


def _accounts(req: Request, ctx: Context, workspace_id: str) -> list[JSONObject] | Response:
    if workspace_id != ctx.workspace_id:
        return errors(403, "Workspace not found")
    wanted = set(req.values("accounts"))
    found = ctx.store.accounts(ctx.workspace_id)
    return [a for a in found if not wanted or str(a["id"]) in wanted]


def media_options(req: Request, ctx: Context, workspace_id: str) -> Response:
    found = _accounts(req, ctx, workspace_id)
    if isinstance(found, Response):
        return found
    body = [{"id": a["id"], "albums": albums(a), "watermarks": watermarks(a)} for a in found]
    return Response(200, body)


def signature_list(req: Request, ctx: Context, workspace_id: str) -> Response:
    found = _accounts(req, ctx, workspace_id)
    if isinstance(found, Response):
        return found
    return Response(200, [{"account_id": a["id"], "signatures": signatures(a)} for a in found])
