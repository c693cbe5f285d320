"""contentctl accounts: the workspaces, accounts and boards Publer (or the sandbox) lists."""

from __future__ import annotations

import click

from contentctl.cli.base import cli, config_for

ACCOUNTS_FORMAT_VERSION = 1  # of the --format json document, versioned like the plan's


@cli.command("accounts")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json prints workspaces, accounts and albums as one document.",
)
@click.option(
    "--write",
    is_flag=True,
    help="Write the accounts: block of contentctl.yaml from what Publer lists (comments kept).",
)
@click.pass_context
def accounts(ctx: click.Context, fmt: str, write: bool) -> None:
    """List the workspaces, social accounts and boards/albums of the remote.

    \b
    Account ids and providers come from Publer (GET /accounts), boards and
    albums from its media options, so contentctl.yaml need not be typed by
    hand. An alias already in contentctl.yaml is kept; others are suggested.
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
    if fmt == "json":
        document = {"format_version": ACCOUNTS_FORMAT_VERSION, **found.to_json()}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
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
    if write:
        click.echo(f"\nWrote the accounts: block of {config.path.name} ({len(found.accounts)}).")
