"""A post as one network gets it in, what its Facebook cards and taxonomies say wrongly.

What the JSON Schema cannot check alone: a card's ``default_image`` must index one of its
``images`` (FBCAROUSEL); WordPress categories and tags must be ids where the OAS shape is
sent (``publer_facts.WORDPRESS_WIRE``: Publer documents no way to send or look up names),
YouTube's tags are words and its privacy one of YouTube's three values
(``publer_switches.YOUTUBE_PRIVACY_VALUES``). Each is a ``Finding`` that ``validate`` locates.
https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/multi-link-posts-facebook-carousels
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from contentctl import publer_facts as facts
from contentctl import publer_switches as switches
from contentctl.manifest.content import origin

if TYPE_CHECKING:
    from contentctl.validate.checks import Finding, _Target


def shape_findings(t: _Target) -> Iterator[Finding]:
    """``validate``'s provider check: cards on Facebook, taxonomies on WordPress and YouTube."""
    from contentctl.validate.checks import Finding  # validate imports this module first

    post, provider, content = t.post, t.rule.provider, t.content
    sublinks = content.get("sublinks")
    if provider == "facebook" and isinstance(sublinks, list):
        for index, card in enumerate(sublinks):
            default = card.get("default_image") if isinstance(card, dict) else None
            images = card.get("images") if isinstance(card, dict) else None
            count = len(images) if isinstance(images, list) else 0
            if isinstance(default, int) and default >= count:
                place: tuple[str | int, ...] = (*origin(post, provider, "sublinks"), index)
                message = f"default_image {default} is past its {count} image(s) (0 is the first)"
                yield Finding((*place, "default_image"), message)
    details = content.get("details")
    privacy = details.get("privacy") if isinstance(details, dict) else None
    if provider == "youtube" and privacy not in (None, *switches.YOUTUBE_PRIVACY_VALUES):
        choices = ", ".join(switches.YOUTUBE_PRIVACY_VALUES)
        message = f"YouTube privacy is one of {choices}, not {privacy!r}"
        yield Finding(origin(post, provider, "details.privacy"), message)
    for key in ("categories", "tags"):
        values = content.get(key)
        for index, value in enumerate(values if isinstance(values, list) else []):
            where: tuple[str | int, ...] = (*origin(post, provider, key), index)
            if provider == "youtube" and not isinstance(value, str):
                yield Finding(where, f"YouTube tags are words; {value!r} is a number")
            elif provider == "wordpress" and facts.WORDPRESS_WIRE == "oas" and not _is_id(value):
                yield Finding(
                    where,
                    f"{key} {value!r} is a name; Publer's WordPress articles take {key} by id "
                    f"(the number WordPress shows for it), and Publer documents no way to look "
                    f"names up",
                )


def _is_id(value: object) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit())
