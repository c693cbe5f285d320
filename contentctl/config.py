"""contentctl.yaml in, a resolved ``Config`` out.

Finds the config upward from a folder (as git finds ``.git``), checks it
against ``schemas/config.schema.json``, resolves paths against its folder and
applies the environment overrides of SPEC.md ("Secrets and bad input"). An
unreadable or invalid config is the one fatal input error: it raises
``ConfigError`` with file:line:col.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contentctl.errors import ConfigError
from contentctl.model import Account, Config, Method, Provider
from contentctl.yamlio import YamlProblem, decode_text, locate, node_positions, parse_documents

CONFIG_NAME = "contentctl.yaml"
DEFAULT_STATE = "contentctl.state.json"
DEFAULT_CONTENT = "content"
MAX_BATCH = 500


def find_config(start: Path) -> Path:
    """The contentctl.yaml at ``start`` or in the nearest folder above it."""
    start = start.resolve()
    if start.is_file():
        return start
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"no {CONFIG_NAME} found in {start} or any folder above it",
        hint="run `contentctl init` to create one, or pass -C DIR",
    )


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read, check and resolve one contentctl.yaml."""
    env = os.environ if environ is None else environ
    try:
        text = decode_text(path.read_bytes())
        docs = parse_documents(text)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except YamlProblem as exc:
        raise ConfigError(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
    if len(docs) != 1 or not isinstance(docs[0][0], dict):
        raise ConfigError(f"{path}:1:1: the config must be one YAML mapping")
    data: dict[str, Any] = docs[0][0]
    _check_schema(path, text, data)

    root = path.parent.resolve()
    accounts = {
        alias: Account(
            alias=alias,
            id=str(spec["id"]),
            provider=Provider(spec["provider"]),
            name=str(spec.get("name", "")),
        )
        for alias, spec in data.get("accounts", {}).items()
    }
    timezone = str(data.get("timezone", "UTC"))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        line, col = locate(node_positions(text), ("timezone",))
        raise ConfigError(f"{path}:{line}:{col}: unknown IANA timezone {timezone!r}") from None
    defaults: dict[str, Any] = data.get("defaults", {})
    api_key = env.get("PUBLER_API_KEY") or None
    endpoint = env.get("CONTENTCTL_ENDPOINT") or str(
        data.get("endpoint", "sandbox" if api_key is None else "https://app.publer.com/api/v1")
    )
    return Config(
        path=path.resolve(),
        workspace_id=env.get("PUBLER_WORKSPACE_ID") or str(data.get("workspace", "")),
        endpoint=endpoint.rstrip("/"),
        timezone=timezone,
        content_dir=_inside(root, str(data.get("content", DEFAULT_CONTENT)), path, text, "content"),
        state_path=_inside(root, str(data.get("state", DEFAULT_STATE)), path, text, "state"),
        accounts=accounts,
        labels=tuple(defaults.get("labels", ())),
        batch_size=int(defaults.get("batch_size", 100)),
        default_method=Method(defaults.get("method", Method.SCHEDULED)),
        api_key=api_key,
    )


def _inside(root: Path, value: str, path: Path, text: str, key: str) -> Path:
    resolved = (root / value).resolve()
    if resolved != root and root not in resolved.parents:
        line, col = locate(node_positions(text), (key,))
        raise ConfigError(f"{path}:{line}:{col}: {key} path {value!r} is outside the repo")
    return resolved


def _check_schema(path: Path, text: str, data: dict[str, Any]) -> None:
    from contentctl.schemas_io import config_validator

    errors = sorted(config_validator().iter_errors(data), key=lambda e: list(e.path))
    if not errors:
        return
    first = errors[0]
    keys = tuple(first.path)
    line, col = locate(node_positions(text), keys)
    where = "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise ConfigError(f"{path}:{line}:{col}: {first.message} [{where}]{more}")
