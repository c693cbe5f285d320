"""contentctl.yaml in, a resolved ``Config`` out.

Finds the config upward from a folder (as git finds ``.git``), checks it
against ``schemas/config.schema.json``, resolves paths against its folder and
applies the environment overrides of SPEC.md ("Secrets and bad input"). An
unreadable or invalid config is the one fatal input error: it raises
``ConfigError`` with file:line:col. Beyond the schema (which gives workspace
and account ids Publer's shape, 24 lowercase hex characters) it checks what
needs the whole file or the environment: a real endpoint needs a workspace
id, and one account id has one alias (the state is kept per alias, so two
aliases would post twice). Only a regular file is read: a FIFO named
contentctl.yaml is refused without being opened.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from contentctl.errors import ConfigError
from contentctl.files import read_regular
from contentctl.manifest.positions import KEY, locate, node_positions
from contentctl.manifest.times import TimeParseError, zone
from contentctl.manifest.yamlio import YamlProblem, decode_text, parse_documents
from contentctl.model import (
    DEFAULT_REFRESH_MAX_AGE,
    Account,
    Config,
    Method,
    Provider,
    StateBackendConfig,
    StateBackendKind,
)
from contentctl.publer_facts import MAX_BULK_POSTS, PUBLER_PLANS

CONFIG_NAME = "contentctl.yaml"
DEFAULT_STATE = "contentctl.state.json"
DEFAULT_CONTENT = "content"
MAX_BATCH = MAX_BULK_POSTS  # defaults.batch_size at most (config.schema.json says it too)
PUBLER_ID = re.compile(r"^[0-9a-f]{24}$")  # publer-api.md: ids are 24-hex Mongo-style strings
_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "object": "a mapping",
    "array": "a list",
    "boolean": "true or false",
}


def find_config(start: Path) -> Path:
    """The contentctl.yaml at ``start`` (a folder, a manifest or the config itself) or in the
    nearest folder above it."""
    start = start.resolve()
    mode = _mode(start)
    if mode is not None and not stat.S_ISDIR(mode):
        if start.name == CONFIG_NAME:
            return start  # load_config refuses it if it is no regular file
        start = start.parent  # a manifest: its repo's config is above it
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if _mode(candidate) is not None:
            return candidate
    raise ConfigError(
        f"no {CONFIG_NAME} found in {start} or any folder above it",
        hint="run `contentctl init` to create one, or pass -C DIR",
    )


def _mode(path: Path) -> int | None:
    """``st_mode`` of ``path`` (links followed), None if there is nothing there."""
    try:
        return os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        # a name too long, a loop of links, a folder that cannot be searched
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read, check and resolve one contentctl.yaml."""
    env = os.environ if environ is None else environ
    try:
        text = decode_text(read_regular(path, "the config"))
        docs = parse_documents(text)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except YamlProblem as exc:
        raise ConfigError(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
    if len(docs) != 1 or not isinstance(docs[0][0], dict):
        raise ConfigError(f"{path}:1:1: the config must be one YAML mapping")
    data: dict[str, Any] = docs[0][0]
    _check_schema(path, text, data)
    _check_aliases(path, text, data)

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
        zone(timezone)
    except TimeParseError as exc:
        line, col = locate(node_positions(text), ("timezone",))
        raise ConfigError(f"{path}:{line}:{col}: {exc}") from None
    defaults: dict[str, Any] = data.get("defaults", {})
    api_key = env.get("PUBLER_API_KEY") or None
    endpoint = env.get("CONTENTCTL_ENDPOINT") or str(
        data.get("endpoint", "sandbox" if api_key is None else "https://app.publer.com/api/v1")
    )
    workspace_id = _workspace_id(path, text, data, env, endpoint)
    state_path, state_backend = _state_settings(root, data.get("state"), path, text)
    return Config(
        path=path.resolve(),
        workspace_id=workspace_id,
        endpoint=endpoint.rstrip("/"),
        timezone=timezone,
        content_dir=_inside(root, str(data.get("content", DEFAULT_CONTENT)), path, text, "content"),
        state_path=state_path,
        state_backend=state_backend,
        accounts=accounts,
        labels=tuple(defaults.get("labels", ())),
        batch_size=int(defaults.get("batch_size", 100)),
        default_method=Method(defaults.get("method", Method.SCHEDULED)),
        api_key=api_key,
        ignore_changes=tuple(data.get("ignore_changes", ())),
        refresh_max_age=int(data.get("refresh_max_age", DEFAULT_REFRESH_MAX_AGE)),
        publer_plan=_publer_plan(env),
    )


def _publer_plan(env: Mapping[str, str]) -> str | None:
    """``CONTENTCTL_PUBLER_PLAN`` (free, professional, business; any case), None if unset."""
    wanted = env.get("CONTENTCTL_PUBLER_PLAN", "").strip().lower()
    if not wanted:
        return None
    if wanted not in PUBLER_PLANS:
        raise ConfigError(
            f"CONTENTCTL_PUBLER_PLAN: unknown Publer plan {wanted!r}; "
            f"it is one of {', '.join(PUBLER_PLANS)}"
        )
    return wanted


def _state_settings(
    root: Path, value: object, path: Path, text: str
) -> tuple[Path, StateBackendConfig]:
    """``state: FILE`` (the local backend) or ``state: {backend: …}``, checked by the schema.

    The path is the state file (local), or where a state a shared backend could
    not take is saved for ``contentctl state push``.
    """
    if not isinstance(value, dict):
        return _inside(root, str(value or DEFAULT_STATE), path, text, "state"), StateBackendConfig()
    file = _inside(root, str(value.get("path", DEFAULT_STATE)), path, text, "state")
    defaults = StateBackendConfig()
    settings = StateBackendConfig(
        kind=StateBackendKind(value["backend"]),
        remote=str(value.get("remote", defaults.remote)),
        branch=str(value.get("branch", defaults.branch)),
        lease_minutes=float(value.get("lease_minutes", defaults.lease_minutes)),
        url_env=str(value.get("url_env", defaults.url_env)),
        schema=str(value.get("schema", defaults.schema)),
        name=str(value.get("name", defaults.name)),
    )
    return file, settings


def _workspace_id(
    path: Path, text: str, data: dict[str, Any], env: Mapping[str, str], endpoint: str
) -> str:
    """The workspace id (PUBLER_WORKSPACE_ID over ``workspace:``), which a real endpoint needs."""
    env_workspace = env.get("PUBLER_WORKSPACE_ID") or ""
    if env_workspace and not PUBLER_ID.match(env_workspace):
        raise ConfigError(
            f"PUBLER_WORKSPACE_ID {env_workspace[:40]!r} is not a Publer workspace id "
            "(24 lowercase hex characters)"
        )
    workspace = env_workspace or str(data.get("workspace", ""))
    if not workspace and endpoint.rstrip("/") != "sandbox":
        from_env = bool(env.get("CONTENTCTL_ENDPOINT"))
        from_file = "endpoint" in data and not from_env
        where = "CONTENTCTL_ENDPOINT" if from_env else "the endpoint"
        if not from_env and not from_file:
            endpoint += " (the default when PUBLER_API_KEY is set)"
        line, col = locate(node_positions(text), ("endpoint",)) if from_file else (1, 1)
        raise ConfigError(
            f"{path}:{line}:{col}: {where} {endpoint} is not the sandbox, so it needs a "
            "workspace id; set workspace: (24 lowercase hex characters) or PUBLER_WORKSPACE_ID"
        )
    return workspace


def _check_aliases(path: Path, text: str, data: dict[str, Any]) -> None:
    """One alias per account id: the state is kept per alias, so two would post twice."""
    first: dict[str, str] = {}
    positions: dict[tuple[Any, ...], tuple[int, int]] | None = None
    for alias, spec in (data.get("accounts") or {}).items():
        account_id = spec["id"]
        if account_id not in first:
            first[account_id] = alias
            continue
        positions = positions or node_positions(text)
        line, col = locate(positions, ("accounts", alias, "id"))
        was = locate(positions, ("accounts", first[account_id]))[0]
        raise ConfigError(
            f"{path}:{line}:{col}: account id {account_id} already has the alias "
            f"{first[account_id]!r} (line {was}); give each account one alias "
            f"[$.accounts.{alias}.id]"
        )


def _inside(root: Path, value: str, path: Path, text: str, key: str) -> Path:
    resolved = (root / value).resolve()
    if resolved != root and root not in resolved.parents:
        line, col = locate(node_positions(text), (key,))
        raise ConfigError(f"{path}:{line}:{col}: {key} path {value!r} is outside the repo")
    return resolved


def _check_schema(path: Path, text: str, data: dict[str, Any]) -> None:
    from contentctl.manifest.schemas import config_checker, config_validator

    if config_checker().is_valid(data):
        return
    errors = [_describe(error) for error in config_validator().iter_errors(data)]
    if not errors:
        return
    positions = node_positions(text)
    placed = sorted(
        (_position(positions, keys, on_key), keys, message) for keys, message, on_key in errors
    )
    (line, col), keys, message = placed[0]
    where = "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise ConfigError(f"{path}:{line}:{col}: {message} [{where}]{more}")


def _position(
    positions: dict[tuple[Any, ...], tuple[int, int]], keys: tuple[Any, ...], on_key: bool
) -> tuple[int, int]:
    if on_key and (*keys, KEY) in positions:
        return positions[(*keys, KEY)]
    return locate(positions, keys)


def _describe(error: Any) -> tuple[tuple[Any, ...], str, bool]:
    """(path, message, point at the key) of one jsonschema error, in the user's words."""
    keys = tuple(error.path)
    custom = error.schema.get("errorMessage") if isinstance(error.schema, dict) else None
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        key = extra[0] if extra else "?"
        close = get_close_matches(str(key), allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return (*keys, key), f"unknown key {key!r}{hint}", True
    if "propertyNames" in error.schema_path:
        message = (custom or "invalid key {value}").replace("{value}", repr(error.instance))
        return (*keys, error.instance), message, True
    if error.validator == "type":  # a value of the wrong kind: say so before any custom words
        kinds = error.validator_value  # "string", or a list of them: ["string", "object"]
        want = " or ".join(
            _TYPE_WORDS.get(k, k) for k in ([kinds] if isinstance(kinds, str) else kinds)
        )
        if len(keys) == 2 and keys[0] == "accounts":
            return keys, f"account alias {keys[1]!r} must be a mapping {{id, provider}}", False
        return keys, f"{keys[-1] if keys else 'the config'} must be {want}", False
    if custom:
        return keys, custom.replace("{value}", repr(error.instance)), False
    if error.validator == "required":
        missing = next((k for k in error.validator_value if k not in error.instance), "?")
        return keys, f"missing required key {missing!r}", False
    return keys, str(error.message), False
