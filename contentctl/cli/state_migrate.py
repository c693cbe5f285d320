"""contentctl state migrate: move the state to another backend, serial and lineage kept."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from contentctl.cli.base import config_for
from contentctl.cli.state import state_group

if TYPE_CHECKING:  # model's dataclasses cost start-up time: imported where used
    from contentctl.model import StateBackendConfig


@state_group.command("migrate")
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Choice(["local", "git", "postgres"]),
    help="The backend to move the state to.",
)
@click.option("--path", "path", default=None, help="local: the state file (default: as now).")
@click.option("--remote", default=None, help="git: remote or URL (default: origin).")
@click.option("--branch", default=None, help="git: branch (default: contentctl-state).")
@click.option("--lease-minutes", type=float, default=None, help="git: lock lease (default: 10).")
@click.option(
    "--url-env", default=None, help="postgres: variable with the URL (CONTENTCTL_DATABASE_URL)."
)
@click.option("--schema", default=None, help="postgres: schema (default: contentctl).")
@click.option("--name", default=None, help="postgres: the state's name (default: default).")
@click.pass_context
def state_migrate(
    ctx: click.Context,
    to: str,
    path: str | None,
    remote: str | None,
    branch: str | None,
    lease_minutes: float | None,
    url_env: str | None,
    schema: str | None,
    name: str | None,
) -> None:
    """Copy the state from the backend contentctl.yaml names to another one.

    \b
    Both are locked while the state moves; the target must hold no state yet.
    The serial and lineage are kept, so saved plans stay valid. Then point
    contentctl.yaml's `state:` at the new backend (the command prints it).
    Examples:
      contentctl state migrate --to git
      CONTENTCTL_DATABASE_URL=postgresql://… contentctl state migrate --to postgres
    """
    from contentctl.errors import StateError
    from contentctl.model import StateBackendConfig, StateBackendKind
    from contentctl.state.backends import open_backend, open_backend_as

    config = config_for(ctx)
    default = StateBackendConfig()
    settings = StateBackendConfig(
        kind=StateBackendKind(to),
        remote=remote or default.remote,
        branch=branch or default.branch,
        lease_minutes=lease_minutes or default.lease_minutes,
        url_env=url_env or default.url_env,
        schema=schema or default.schema,
        name=name or default.name,
    )
    target_config = config
    if path is not None:
        target_config = replace(config, state_path=(config.root / path).resolve())
    if settings == config.state_backend and target_config.state_path == config.state_path:
        raise StateError(f"the state is already there ({to}); nothing to migrate")
    source = open_backend(config)
    target = open_backend_as(target_config, settings)
    with source.lock("state migrate"), target.lock("state migrate"):
        document = source.export()
        if document is None:
            raise StateError(f"there is no state to migrate in the {source.where}")
        target.adopt(document)
    click.echo(
        f"Migrated the state (serial {document['serial']}, lineage {document['lineage']}) "
        f"from the {source.where} to the {target.where}."
    )
    click.echo("\nNow point contentctl.yaml at it:\n")
    click.echo(_yaml(settings, path if settings.kind is StateBackendKind.LOCAL else None))
    click.echo(
        f"\nThe {source.where} was left as it was; remove it once contentctl.yaml names "
        "the new backend."
    )


def _yaml(settings: StateBackendConfig, path: str | None) -> str:
    """The ``state:`` block that names ``settings``, defaults left out."""
    from contentctl.model import StateBackendConfig, StateBackendKind

    defaults = StateBackendConfig()
    keys = {
        StateBackendKind.LOCAL: (),
        StateBackendKind.GIT: ("remote", "branch", "lease_minutes"),
        StateBackendKind.POSTGRES: ("url_env", "schema", "name"),
    }[settings.kind]
    lines = ["state:", f"  backend: {settings.kind.value}"]
    if path is not None:
        lines.append(f"  path: {Path(path).as_posix()}")
    for key in keys:
        value = getattr(settings, key)
        if value != getattr(defaults, key):
            lines.append(f"  {key}: {value:g}" if isinstance(value, float) else f"  {key}: {value}")
    return "\n".join(lines)
