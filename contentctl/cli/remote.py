"""The remote is the truth: ``state rebind`` (move a state to another Publer on purpose)."""

from __future__ import annotations

import click

from contentctl.cli.base import config_for
from contentctl.cli.state import state_group


@state_group.command("rebind")
@click.option(
    "--to-current-remote",
    is_flag=True,
    help="Bind the state to the Publer this config talks to (required: say it on purpose).",
)
@click.pass_context
def state_rebind(ctx: click.Context, to_current_remote: bool) -> None:
    """Bind the state to the Publer the config talks to now.

    \b
    A plan or apply against another Publer than the state's is refused. After
    moving on purpose (a new workspace, the sandbox to Publer), rebind: the
    next plan reads what the new remote holds and adopts or creates the rest.
    """
    from contentctl.errors import ContentctlError
    from contentctl.plan.binding import current_remote, rebind
    from contentctl.state.backends import open_backend

    if not to_current_remote:
        raise ContentctlError(
            "state rebind needs --to-current-remote",
            hint="contentctl state rebind --to-current-remote",
        )
    config = config_for(ctx)
    remote = current_remote(config)
    backend = open_backend(config)
    with backend.lock("state rebind"):
        store = backend.store()
        state = store.load()
        before = rebind(state, remote)
        state = store.write(state)
    was = "no recorded remote" if before is None else before.describe()
    click.echo(f"Rebound the state from {was} to {remote.describe()} (serial {state.serial}).")
