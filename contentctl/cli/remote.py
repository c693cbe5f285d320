"""The remote is the truth: ``state rebind`` (move a state to another Publer on purpose) and
``refresh`` (bring the state to what Publer holds, nothing sent)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from contentctl.cli.base import cli, config_for, progress_printer
from contentctl.cli.state import state_group

if TYPE_CHECKING:
    from contentctl.model import Config
    from contentctl.plan.drift import Drift


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


@cli.command("refresh")
@click.option("--lock-timeout", default=0.0, type=float, show_default=True, help="Seconds to wait.")
@click.pass_context
def refresh(ctx: click.Context, lock_timeout: float) -> None:
    """Bring the state to what Publer holds, and say what changed; nothing is sent.

    \b
    Reads the posts the state manages (by their accounts, states and times)
    and records what happened to them outside contentctl: published (with its
    link), edited, deleted. `contentctl plan` does the same read without
    writing, and proposes what brings Publer back to the manifests.
    """
    from contentctl import pipeline
    from contentctl.accounts import check_accounts
    from contentctl.apply.refresh import refresh as refresh_state
    from contentctl.publer.connect import connect
    from contentctl.remote_view import RemoteView
    from contentctl.state.backends import open_backend

    config = config_for(ctx)
    backend = open_backend(config)
    with backend.lock("refresh", timeout=lock_timeout):
        store = backend.store()
        state = store.load()
        pipeline.bind_remote(config, state)
        click.echo(current_line(config))
        targets = pipeline.desired_targets(config, pipeline.check(config))
        with connect(config, on_event=progress_printer()) as client:
            # as the plan does: a wrong account id is a located error, and from the first
            # answer on Publer's clock stamps what was read (a skewed machine changes nothing)
            check_accounts(config, client)
            view = RemoteView(client)
            now = client.remote_now()
            refreshed = refresh_state(state, targets, view, now=now, adopt=False)
        before = state.serial
        written = store.write(refreshed.state)
    for line in _drift_report(refreshed.drift):
        click.echo(line)
    changed = "state unchanged" if written.serial == before else f"state at serial {written.serial}"
    click.echo(
        f"Refreshed {sum(1 for _ in state.iter_entries())} entries from Publer in "
        f"{refreshed.requests} requests: {len(refreshed.drift)} changed outside contentctl, "
        f"{changed}."
    )


def current_line(config: Config) -> str:
    from contentctl.plan.binding import current_remote

    return current_remote(config).line()


def _drift_report(drift: Sequence[Drift]) -> list[str]:
    from contentctl.plan.build import Plan
    from contentctl.report.plan_text import drift_lines

    plan = Plan(changes=(), created_at=datetime.now(UTC), state_lineage="", state_serial=0,
                drift=tuple(drift))  # fmt: skip
    return drift_lines(plan)[1:]  # without the blank line the plan puts before the section
