"""A post in, where its per-account callbacks name accounts the config does not have.

Auto-share (``share.accounts``) names account aliases from contentctl.yaml;
``plan.targets`` turns them into Publer's ``share.account_ids``. Each unknown
alias is one finding: a JSON path inside the post and a message, which
``validate`` locates (``share_findings`` is its post check). https://publer.com/docs/posting/create-posts/content-types/post-callbacks
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from contentctl.model import Config, Post

if TYPE_CHECKING:
    from contentctl.validate.checks import Finding, _Context

Where = tuple[str | int, ...]


def share_findings(
    ctx: _Context, post: Post, _providers: dict[str, list[str]]
) -> Iterator[Finding]:
    """``validate``'s post check: one located finding per unknown alias."""
    from contentctl.validate.checks import Finding  # validate imports this module first

    for where, message in share_problems(ctx.config, post):
        yield Finding(where, message)


def share_problems(config: Config, post: Post) -> Iterator[tuple[Where, str]]:
    places: list[tuple[Where, Mapping[str, object]]] = [((), post.content)]
    places += [(("networks", p), entry) for p, entry in post.networks.items()]
    for prefix, content in places:
        share = content.get("share")
        aliases = share.get("accounts") if isinstance(share, dict) else None
        for index, alias in enumerate(aliases if isinstance(aliases, list) else []):
            if isinstance(alias, str) and alias not in config.accounts:
                yield (
                    (*prefix, "share", "accounts", index),
                    f"share names account {alias!r}, which is not under accounts: in "
                    "contentctl.yaml",
                )
