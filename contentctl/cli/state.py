"""contentctl state: inspect and repair the state file."""

from __future__ import annotations

from pathlib import Path

import click

from contentctl.cli.base import cli, config_for

# -- state ------------------------------------------------------------------


@cli.group("state")
def state_group() -> None:
    """Inspect and repair the state file."""


STATE_LIST_FORMAT_VERSION = 1


@state_group.command("list")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one document with every entry (format_version 1).",
)
@click.pass_context
def state_list(ctx: click.Context, fmt: str) -> None:
    """One line per post and account: status, remote id, time."""
    from contentctl.state.backends import open_backend

    config = config_for(ctx)
    state = open_backend(config).store().load()
    rows = list(state.iter_entries())  # sorted by post id, then alias
    if fmt == "json":
        import json

        document = {
            "format_version": STATE_LIST_FORMAT_VERSION,
            "serial": state.serial,
            "lineage": state.lineage,
            "entries": [
                {
                    "post_id": post_id,
                    "alias": alias,
                    "provider": entry.provider,
                    "account_id": entry.account_id,
                    "status": entry.status.value,
                    "remote_id": entry.remote_id,
                    "scheduled_at": entry.scheduled_at,
                    "post_link": entry.post_link,
                    "last_error": entry.last_error,
                }
                for post_id, alias, entry in rows
            ],
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    for post_id, alias, entry in rows:
        click.echo(
            f"{post_id}\t{alias}\t{entry.status.value}\t{entry.remote_id or '-'}\t"
            f"{entry.scheduled_at or '-'}"
        )
    click.echo(f"{len(rows)} entries, serial {state.serial}, lineage {state.lineage}", err=True)


@state_group.command("show")
@click.argument("post_id")
@click.pass_context
def state_show(ctx: click.Context, post_id: str) -> None:
    """Everything recorded for one post id."""
    import json

    from contentctl.errors import StateError
    from contentctl.state.backends import open_backend

    backend = open_backend(config_for(ctx))
    state = backend.store().load()
    if post_id not in state.posts:
        raise StateError(f"no post {post_id!r} in the {backend.where}")
    shown = state.post_json(post_id)
    click.echo(json.dumps(shown, indent=2, sort_keys=True, ensure_ascii=False))


@state_group.command("unlock")
@click.option("--force", is_flag=True, help="Break the lock even if its process seems alive.")
@click.pass_context
def state_unlock(ctx: click.Context, force: bool) -> None:
    """Remove a lock left by a run that died."""
    from contentctl.state.backends import open_backend

    info = open_backend(config_for(ctx)).unlock(force=force)
    click.echo(f"Removed the lock held by pid {info.pid} on {info.host} ({info.command}).")


@state_group.command("push")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Accept another lineage or an older serial.")
@click.pass_context
def state_push(ctx: click.Context, source: Path, force: bool) -> None:
    """Replace the state with SOURCE (e.g. contentctl.state.errored.json)."""
    from contentctl.state.backends import open_backend

    backend = open_backend(config_for(ctx))
    with backend.lock("state push"):
        state = backend.store().push(source, force=force)
    click.echo(f"Pushed {source} as serial {state.serial}.")
