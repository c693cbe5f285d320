"""contentctl accounts: the workspaces, accounts and boards Publer (or the sandbox) lists."""

from __future__ import annotations

import click

from contentctl.cli.base import cli, config_for

ACCOUNTS_FORMAT_VERSION = 1  # of the --format json document, versioned like the plan's


@cli.command("accounts")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "yaml"]),
    default="text",
    show_default=True,
    help="json or yaml prints workspaces, accounts, albums, signatures and watermarks as one "
    "document.",
)
@click.option(
    "--write",
    is_flag=True,
    help="Write the accounts: block of contentctl.yaml from what Publer lists (comments kept).",
)
@click.pass_context
def accounts(ctx: click.Context, fmt: str, write: bool) -> None:
    """List the workspaces, social accounts, boards/albums, signatures and watermarks.

    \b
    Account ids and providers come from Publer (GET /accounts), boards,
    albums and watermarks from its media options, signatures from its
    signatures list, so contentctl.yaml and the manifests' signature and
    watermark ids need not be guessed. An alias already in contentctl.yaml
    is kept; others are suggested.
    Examples:
      contentctl accounts
      contentctl accounts --format json
      contentctl accounts --write       # then review: git diff contentctl.yaml
    """
    import json

    from contentctl.accounts import discover, write_accounts
    from contentctl.publer.connect import connect

    config = config_for(ctx)
    with connect(config) as client:
        found = discover(client, config)
    if write:
        write_accounts(config.path, found)
    document = {"format_version": ACCOUNTS_FORMAT_VERSION, **found.to_json()}
    if fmt == "json":
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    if fmt == "yaml":
        import yaml

        click.echo(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), nl=False)
        return
    for workspace in found.workspaces:
        mark = "*" if workspace.get("id") == found.workspace_id else " "
        click.echo(f"{mark} workspace {workspace.get('id')}  {workspace.get('name')}")
    click.echo("")
    width = max((len(a.alias) for a in found.accounts), default=5)
    click.echo(f"  {'alias'.ljust(width)}  {'provider':<10} {'id':<24}  {'type':<9} name")
    for account in found.accounts:
        click.echo(
            f"  {account.alias.ljust(width)}  {account.provider:<10} {account.id}  "
            f"{account.type:<9} {account.name}"
        )
        for album in account.albums:
            click.echo(f"  {''.ljust(width)}    {album.type} album {album.id}  {album.name}")
        for what, options in (("signature", account.signatures), ("watermark", account.watermarks)):
            for option in options:
                mark = "  (default)" if option.default else ""
                click.echo(f"  {''.ljust(width)}    {what} {option.id}  {option.label}{mark}")
    if write:
        click.echo(f"\nWrote the accounts: block of {config.path.name} ({len(found.accounts)}).")
