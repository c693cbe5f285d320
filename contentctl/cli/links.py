"""contentctl link preview: the card Publer (or the sandbox) makes of a URL, to review or paste."""

from __future__ import annotations

import json

import click

from contentctl.cli.base import cli, config_for

# What a manifest's ``link:`` takes of a preview (schemas/post.schema.json, ``link``).
_MANIFEST_KEYS = ("url", "title", "description", "images", "provider_display")


@cli.group("link")
def link() -> None:
    """Link posts: what Publer shows for a URL."""


@link.command("preview")
@click.argument("url")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "yaml"]),
    default="text",
    show_default=True,
    help="yaml prints a link: block to paste into a manifest.",
)
@click.pass_context
def link_preview(ctx: click.Context, url: str, fmt: str) -> None:
    """Ask Publer for its preview of URL (POST /posts/links): title, description, images.

    \b
    validate and plan never go to the network, so a link post's card is what
    Publer scrapes at publish time unless the manifest writes it. This shows
    that card now; --format yaml gives the manifest's link: block.
    Examples:
      contentctl link preview https://example.com/spring-menu
      contentctl link preview https://example.com/spring-menu --format yaml
    """
    from contentctl.publer.connect import connect

    if not url.startswith(("http://", "https://")):
        raise click.BadParameter("must start with http:// or https://", param_hint="URL")
    config = config_for(ctx)
    with connect(config) as client:
        card = client.link_preview(url)
    if fmt == "json":
        click.echo(json.dumps(card, indent=2, ensure_ascii=False))
        return
    if fmt == "yaml":
        click.echo("link:")
        for key in _MANIFEST_KEYS:
            value = card.get(key)
            if isinstance(value, list):
                click.echo(f"  {key}:")
                click.echo(
                    "".join(f"    - {json.dumps(v, ensure_ascii=False)}\n" for v in value), nl=False
                )
            elif value is not None:
                click.echo(f"  {key}: {json.dumps(value, ensure_ascii=False)}")
        return
    for key in ("url", "title", "description", "images", "favicon", "provider_display"):
        value = card.get(key)
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        click.echo(f"{key.replace('_', ' '):<17} {'' if shown is None else shown}")
