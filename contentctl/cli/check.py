"""Commands on the manifests themselves: validate, fmt, init, schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from contentctl.cli.base import cli, config_for, cwd_of, exit_with
from contentctl.errors import ExitCode

if TYPE_CHECKING:
    from contentctl.model import Config

# -- validate --------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="github prints ::error annotations for pull requests.",
)
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], fmt: str) -> None:
    """Check manifests against the schemas and each network's rules.

    \b
    Every problem in every file, as path:line:col: severity: message [json.path].
    Exit 1 if there is any error; warnings do not fail.
    Examples:
      contentctl validate
      contentctl validate content/launch.yaml --format github
    """
    from contentctl import pipeline as workflow
    from contentctl.report import render_diagnostics

    resolved = [(cwd_of(ctx) / p).resolve() for p in paths] or None
    config = _config_near(ctx, resolved)
    checked = workflow.check(config, resolved)
    files, posts = len(checked.result.files), len(checked.result.posts)
    click.echo(render_diagnostics(checked.diagnostics, fmt, files=files, posts=posts), nl=False)
    exit_with(ctx, ExitCode.ERROR if checked.errors else ExitCode.OK)


def _config_near(ctx: click.Context, paths: list[Path] | None) -> Config:
    """The repo of the current folder; failing that, the repo of the first path given."""
    from contentctl.errors import ConfigError

    try:
        return config_for(ctx)
    except ConfigError:
        if not paths:
            raise
        return config_for(ctx, paths[0])


_REPO_DEFAULT = "\0repo-default"  # `--write` with no DIR: the repo's .contentctl/schemas


@cli.command()
@click.argument("name", type=click.Choice(["post", "config", "state"]), default="post")
@click.option(
    "--write",
    "write_dir",
    is_flag=False,
    flag_value=_REPO_DEFAULT,
    default=None,
    metavar="[DIR]",
    help="Write the schemas editors read into DIR [default: .contentctl/schemas in the repo], "
    "with a post schema that offers the repo's account aliases.",
)
@click.pass_context
def schema(ctx: click.Context, name: str, write_dir: str | None) -> None:
    """Print a bundled JSON Schema, or write the repo's schemas for editors (--write).

    \b
    Editors show a schema's messages as written, so these have no {key}
    placeholders: the message stands on the key or value it is about.

    \b
    Examples:
      contentctl schema config          # print the config schema
      contentctl schema --write         # .contentctl/schemas/, for offline editors
    """
    if write_dir is None:
        from contentctl.manifest.schemas import editor_schema_text

        click.echo(editor_schema_text(name), nl=False)
        return
    from contentctl.manifest.scaffold import write_schemas
    from contentctl.manifest.schemas import EDITOR_SCHEMA_DIR

    config = config_for(ctx)
    if write_dir == _REPO_DEFAULT:
        folder = config.root / EDITOR_SCHEMA_DIR
    else:
        folder = cwd_of(ctx) / write_dir
    for path in write_schemas(folder, list(config.accounts)):
        shown = path.resolve()
        cwd = cwd_of(ctx)
        click.echo(f"wrote {shown.relative_to(cwd) if shown.is_relative_to(cwd) else shown}")


# -- fmt and init -----------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--check", is_flag=True, help="Change nothing; exit 1 listing files that would change."
)
@click.option("--diff", "show_diff", is_flag=True, help="Print the unified diff of each change.")
@click.option(
    "--fix",
    is_flag=True,
    help="Also quote a text whose hashtag YAML reads as a comment (text: New blend #tea), "
    "so the hashtag is kept.",
)
@click.pass_context
def fmt(
    ctx: click.Context, paths: tuple[Path, ...], check: bool, show_diff: bool, fix: bool
) -> None:
    """Rewrite manifests in one canonical form, keeping every comment.

    \b
    Examples:
      contentctl fmt                 # the config and every manifest
      contentctl fmt --check --diff  # CI: fail and show what would change
      contentctl fmt --fix           # keep the hashtags validate warns about
    """
    from contentctl.manifest.fmt import collect_files, format_file, unified_diff
    from contentctl.manifest.fmt_cache import FormattedCache

    if paths:
        targets = [(cwd_of(ctx) / p).resolve() for p in paths]
    else:
        config = config_for(ctx)
        targets = [config.path, config.content_dir]
    cache = FormattedCache.for_repo(cwd_of(ctx), fix=fix)  # files fmt already found canonical
    changed: list[Path] = []
    try:
        for path in collect_files(targets):
            result = format_file(path, write=not check, fix=fix, cache=cache)
            if result.changed:
                changed.append(path)
                if show_diff:
                    click.echo(unified_diff(result), nl=False)
    finally:
        cache.save()
    cwd = cwd_of(ctx)
    for path in changed:
        shown = path.relative_to(cwd) if path.is_relative_to(cwd) else path
        click.echo(f"{'would reformat' if check else 'reformatted'} {shown}", err=check)
    if check and changed:
        exit_with(ctx, ExitCode.ERROR)


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--workspace-id", default=None, help="Your Publer workspace id.")
@click.pass_context
def init(ctx: click.Context, directory: Path | None, force: bool, workspace_id: str | None) -> None:
    """Scaffold a content repo: config, two posts, pre-commit and GitHub Actions.

    \b
    Example:
      contentctl init my-posts && cd my-posts && contentctl plan
    """
    from contentctl.manifest.scaffold import init_repo

    target = (cwd_of(ctx) / directory) if directory else cwd_of(ctx)
    written = init_repo(target, force=force, workspace_id=workspace_id)
    for path in written:
        click.echo(f"created {path.relative_to(target)}")
    click.echo(f"\nNext: cd {target} && contentctl validate && contentctl plan")
