"""contentctl sandbox: serve, seed and reset the embedded Publer emulator."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from contentctl.cli.base import cli, optional_config

if TYPE_CHECKING:
    from contentctl.model import Config

# -- sandbox ---------------------------------------------------------------


@cli.group()
def sandbox() -> None:
    """The embedded Publer emulator: serve it over HTTP, seed or reset its data."""


@sandbox.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address only.")
@click.option("--port", default=8080, show_default=True, type=int, help="0 picks a free port.")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file (default: .contentctl/sandbox.db beside contentctl.yaml; ':memory:').",
)
@click.option(
    "--rate-limit",
    default=100,
    show_default=True,
    type=int,
    help="Requests per 2-minute window; 0 turns the limit off.",
)
@click.option("--latency-ms", default=0, type=int, help="Added latency on every answer.")
@click.option("--error-rate", default=0.0, type=float, help="Share of answers replaced by 5xx.")
@click.option("--burst-429", default=0, type=int, help="Answer the next N requests with 429.")
@click.option("--stuck-polls", default=0, type=int, help="Jobs stay 'working' for N polls.")
@click.option("--fail-jobs", is_flag=True, help="Jobs end 'failed'.")
@click.option(
    "--drop-after-commit",
    default=0,
    type=int,
    help="Record the next N bulks, then cut the connection before answering.",
)
@click.option("--seed", "random_seed", default=0, type=int, help="Seed for random faults.")
@click.option(
    "--clock-skew",
    default=0.0,
    type=float,
    help="Seconds the sandbox's clock is ahead of this machine's (negative: behind).",
)
@click.option(
    "--job-delay",
    default=0.2,
    show_default=True,
    type=float,
    help="Seconds after a bulk is accepted that its job runs and creates the posts.",
)
@click.option(
    "--publer-plan",
    type=click.Choice(["free", "professional", "business"]),
    default="business",
    show_default=True,
    help="Whose daily post limits per account the jobs enforce (Publer's rate-limit page).",
)
@click.option(
    "--no-daily-limits", is_flag=True, help="Accept any number of posts per account a day."
)
@click.pass_context
def sandbox_serve(
    ctx: click.Context,
    host: str,
    port: int,
    db_path: Path | None,
    rate_limit: int,
    latency_ms: int,
    error_rate: float,
    burst_429: int,
    stuck_polls: int,
    fail_jobs: bool,
    drop_after_commit: int,
    random_seed: int,
    clock_skew: float,
    job_delay: float,
    publer_plan: str,
    no_daily_limits: bool,
) -> None:
    """Serve the sandbox over HTTP on 127.0.0.1 (for tests, curl and fault injection)."""
    from contentctl import sandbox as sb

    config = optional_config(ctx)
    faults = sb.Faults(
        latency_ms=latency_ms,
        error_rate=error_rate,
        burst_429=burst_429,
        stuck_polls=stuck_polls,
        fail_jobs=fail_jobs,
        drop_after_commit=drop_after_commit,
        random_seed=random_seed,
        job_delay_ms=max(0, round(job_delay * 1000)),
    )
    db = _sandbox_db(config, db_path)

    def ready(url: str, api_key: str, workspace_id: str) -> None:
        click.echo(f"Sandbox serving Publer's API at {url}", err=False)
        click.echo(f"  export CONTENTCTL_ENDPOINT={url}")
        click.echo(f"  export PUBLER_API_KEY={api_key}")
        click.echo(f"  export PUBLER_WORKSPACE_ID={workspace_id}", err=False)
        sys.stdout.flush()

    sb.serve(
        db,
        config,
        host=host,
        port=port,
        faults=faults,
        rate_limit=rate_limit or None,
        on_ready=ready,
        clock_skew=clock_skew,
        publer_plan=None if no_daily_limits else publer_plan,
    )


@sandbox.command("seed")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
def sandbox_seed(ctx: click.Context, db_path: Path | None) -> None:
    """Create the workspace and accounts of contentctl.yaml in the sandbox (keeps posts)."""
    from contentctl import sandbox as sb

    config = optional_config(ctx)
    info = sb.seed(_sandbox_db(config, db_path), config)
    click.echo(f"Seeded workspace {info.workspace_id} with {info.accounts} accounts.")


@sandbox.command("reset")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
def sandbox_reset(ctx: click.Context, db_path: Path | None) -> None:
    """Wipe the sandbox (posts, media, jobs) and seed it again."""
    from contentctl import sandbox as sb

    config = optional_config(ctx)
    info = sb.reset(_sandbox_db(config, db_path), config)
    click.echo(
        f"Reset the sandbox: workspace {info.workspace_id}, {info.accounts} accounts, no posts."
    )


def _sandbox_db(config: Config | None, db_path: Path | None) -> Path | str:
    from contentctl import sandbox as sb

    if db_path is not None:
        return str(db_path) if str(db_path) == ":memory:" else db_path
    if config is None:
        return ":memory:"
    return sb.default_db_path(config)
