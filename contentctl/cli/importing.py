"""contentctl import: posts already on Publer written as manifests, and adopted by the state."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import click

from contentctl.cli.base import cli, config_for, progress_printer


@cli.command("import")
@click.option("--account", "aliases", multiple=True, help="Only this account alias (repeatable).")
@click.option(
    "--from", "since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="From this day."
)
@click.option("--to", "until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="To this day.")
@click.option(
    "--state",
    "post_state",
    default="all",
    show_default=True,
    help="Publer's post state: all, scheduled, published, draft, …",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Manifest file to write (default: imported.yaml in the content folder).",
)
@click.pass_context
def import_posts(
    ctx: click.Context,
    aliases: tuple[str, ...],
    since: datetime | None,
    until: datetime | None,
    post_state: str,
    out: Path | None,
) -> None:
    """Write manifests for posts already on Publer, and adopt them in the state.

    \b
    Like Terraform's import with generated configuration: a team starts from
    what it already has. Ids are stable (importing again gives the same ids);
    a plan right after an import is empty.

    \b
    Examples:
      contentctl import --account kc-facebook --from 2027-03-01 --to 2027-03-31
      contentctl import --state draft --out posts/drafts.yaml
    """
    from contentctl import pipeline
    from contentctl.apply.refresh import adopted_entry
    from contentctl.errors import ConfigError, ManifestError
    from contentctl.files import atomic_write
    from contentctl.manifest.importer import created_times, render, to_manifests
    from contentctl.publer.connect import connect
    from contentctl.state.backends import open_backend

    config = config_for(ctx)
    unknown = [alias for alias in aliases if alias not in config.accounts]
    if unknown:
        raise ConfigError(f"no account {unknown[0]!r} in contentctl.yaml")
    if (since is None) != (until is None):
        raise ConfigError("--from and --to go together")
    target = out if out is not None else config.content_dir / "imported.yaml"
    if target.exists():
        raise ManifestError(f"{target} exists; choose another file with --out")
    backend = open_backend(config)
    with backend.lock("import"):
        store = backend.store()
        state = store.load()
        pipeline.bind_remote(config, state)
        account_ids = [config.accounts[alias].id for alias in aliases]
        window = (_day(since), _day(until)) if since and until else (None, None)
        with connect(config, on_event=progress_printer()) as client:
            listed = client.list_posts(
                state=post_state, account_ids=account_ids, start=window[0], end=window[1]
            )
        known = {e.remote_id for _, _, e in state.iter_entries() if e.remote_id}
        imported, skipped = to_manifests([p for p in listed if p.id not in known], config)
        if imported:
            atomic_write(target, render(imported).encode("utf-8"))
            # on Publer already, so their times are not judged as new posts' (a published one's)
            created = {**pipeline.created_keys(state), **created_times(imported, config)}
            checked = pipeline.check(config, created=created)
            targets = pipeline.desired_targets(config, checked)
            by_key = {t.key: t for t in targets}
            now = datetime.now(UTC)
            for item in imported:
                for alias, remote in item.members:
                    found = by_key.get((item.post_id, alias))
                    if found is not None:
                        state.set_entry(
                            item.post_id, alias, adopted_entry(found, remote, now, None)
                        )
            store.write(state)
    where = target if imported else "nothing"
    count = sum(len(item.members) for item in imported)
    click.echo(f"Imported {count} posts from Publer into {where}.")
    for skip in skipped:
        click.echo(f"  skipped {skip.remote_id}: {skip.reason}")


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.date()
