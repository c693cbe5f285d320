"""A folder in, a ready content repo out (``contentctl init``).

``init_repo`` copies the templates bundled in ``contentctl/templates/init/``:
contentctl.yaml (every field explained), two example posts, a pre-commit
config, the pull-request plan and merge apply GitHub workflows, a .gitignore
and .vscode/settings.json; and it writes the schemas editors read (as
``schema_files`` makes them) into ``.contentctl/schemas/``, so completion and
checks work offline: the manifests' ``yaml-language-server`` lines and the
VS Code settings point at those local files. Template names spell a leading
dot as ``dot-`` so that packaging tools and git treat them as ordinary files.
It returns the paths written and refuses, writing nothing, when any of them
already exists unless ``force``. ``write_schemas`` is ``contentctl schema
--write``: the same schema files for a repo's aliases, in a folder.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

import yaml

from contentctl import DISTRIBUTION, __version__
from contentctl.errors import ConfigError
from contentctl.files import atomic_write
from contentctl.manifest.schemas import (
    EDITOR_SCHEMA_DIR,
    REPO_POST_SCHEMA,
    editor_schema_text,
    repo_post_schema,
)

TEMPLATE_ROOT = ("templates", "init")
DEFAULT_WORKSPACE_ID = "65a1f0c2b3d4e5f601a2b3c0"
_WORKSPACE_TOKEN = "__WORKSPACE_ID__"
# The workflows install exactly the contentctl that wrote them.
_WORKFLOW_TOKENS = {
    "__CONTENTCTL_DISTRIBUTION__": DISTRIBUTION,
    "__CONTENTCTL_VERSION__": __version__,
}
_DOT = "dot-"


def template_files() -> dict[PurePosixPath, str]:
    """Every scaffolded file: its path in the new repo and its template text."""
    root = resources.files("contentctl")
    for part in TEMPLATE_ROOT:
        root = root / part
    files: dict[PurePosixPath, str] = {}
    _collect(root, PurePosixPath(), files)
    return dict(sorted(files.items()))


def _collect(folder: Traversable, prefix: PurePosixPath, out: dict[PurePosixPath, str]) -> None:
    for entry in folder.iterdir():
        name = "." + entry.name.removeprefix(_DOT) if entry.name.startswith(_DOT) else entry.name
        if entry.is_dir():
            if name != "__pycache__":
                _collect(entry, prefix / name, out)
        else:
            out[prefix / name] = entry.read_text(encoding="utf-8")


def init_repo(
    directory: Path, *, force: bool = False, workspace_id: str | None = None
) -> list[Path]:
    """Scaffold a content repo in ``directory`` (created if missing); the files written."""
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{directory}: exists and is not a folder")
    files = _init_files()
    targets = {relative: directory.joinpath(*relative.parts) for relative in files}
    existing = [relative.as_posix() for relative, path in targets.items() if path.exists()]
    if existing and not force:
        raise ConfigError(
            f"{directory}: refusing to overwrite existing files: {', '.join(existing)}",
            hint="pass --force to overwrite them",
        )
    workspace = _yaml_scalar(workspace_id or DEFAULT_WORKSPACE_ID)
    written: list[Path] = []
    for relative, text in files.items():
        text = text.replace(_WORKSPACE_TOKEN, workspace)
        for token, value in _WORKFLOW_TOKENS.items():
            text = text.replace(token, value)
        written.append(_write(targets[relative], text.encode("utf-8")))
    return written


def _init_files() -> dict[PurePosixPath, str]:
    """The templates plus the schema files for the template config's aliases."""
    files = template_files()
    config = yaml.safe_load(files[PurePosixPath("contentctl.yaml")])
    schemas = PurePosixPath(EDITOR_SCHEMA_DIR)
    for name, data in schema_files(list(config.get("accounts", {}))).items():
        files[schemas / name] = data.decode("utf-8")
    return dict(sorted(files.items()))


def schema_files(aliases: list[str]) -> dict[str, bytes]:
    """The files editors read: the bundled post and config schemas, and the repo's post schema."""
    repo = json.dumps(repo_post_schema(aliases), indent=2, ensure_ascii=False) + "\n"
    texts = {
        "config.schema.json": editor_schema_text("config"),
        "post.schema.json": editor_schema_text("post"),
        REPO_POST_SCHEMA: repo,
    }
    return {name: text.encode("utf-8") for name, text in texts.items()}


def write_schemas(directory: Path, aliases: list[str]) -> list[Path]:
    """``contentctl schema --write``: the schema files in ``directory``, replacing older ones."""
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{directory}: exists and is not a folder")
    return [_write(directory / name, data) for name, data in schema_files(aliases).items()]


def _write(path: Path, data: bytes) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write: {exc.strerror}") from None
    return path


def _yaml_scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as this exact string, quoted only if needed."""
    if "\n" in value or not value.strip():
        raise ConfigError(f"workspace id {value!r} must be one non-empty line")
    plain = yaml.safe_dump(value, default_style=None).removesuffix("\n...\n").rstrip("\n")
    return plain if plain == value else json.dumps(value, ensure_ascii=False)
