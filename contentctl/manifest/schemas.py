"""The bundled JSON Schemas: their text, validators built once per process, their
errors told in words a post's author can act on, and the copies editors read.

``schemas/`` at the repo root is the single source; the package reaches it
through the ``contentctl/schemas`` link, so an installed wheel carries them.
An ``errorMessage`` may name the offending key or value as ``{key}`` /
``{value}``, which contentctl fills in. Editors (yaml-language-server) show an
``errorMessage`` as written, at the offending key or value, so
``editor_schema`` drops those placeholders, and ``repo_post_schema`` is the
editor's post schema of one repo: its ``accounts`` offer that repo's aliases.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

SCHEMA_NAMES = ("post", "config", "state")
EDITOR_SCHEMA_DIR = ".contentctl/schemas"  # where `schema --write` and `init` put them
REPO_POST_SCHEMA = "post.repo.schema.json"  # the post schema with this repo's aliases
_PLACEHOLDER = re.compile(r" ?\{(key|value)\}")


def schema_text(name: str) -> str:
    """Raw text of ``schemas/<name>.schema.json``."""
    return (resources.files("contentctl") / "schemas" / f"{name}.schema.json").read_text("utf-8")


@cache
def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(name))
    return loaded


def editor_schema(name: str) -> dict[str, Any]:
    """The bundled schema as editors should get it: no ``{key}``/``{value}`` left in messages.

    "unknown provider {key}; providers are: …" reads "unknown provider; providers
    are: …", shown on the key itself, so the editor's squiggle names the key.
    """
    document: dict[str, Any] = copy.deepcopy(schema(name))
    _drop_placeholders(document)
    entry = document.get("$defs", {}).get("account_entry")
    if entry is not None:  # editors complete from anyOf, not from if/then/else
        entry["anyOf"] = [entry.pop("then"), entry.pop("else")]
        del entry["if"]
    return document


def editor_schema_text(name: str) -> str:
    """``editor_schema(name)`` as the file ``schema --write`` writes and ``schema`` prints."""
    return json.dumps(editor_schema(name), indent=2, ensure_ascii=False) + "\n"


def repo_post_schema(aliases: Sequence[str]) -> dict[str, Any]:
    """The editor's post schema for a repo whose contentctl.yaml names ``aliases``."""
    document = editor_schema("post")
    document["$id"] = document["$id"].replace("post.schema.json", REPO_POST_SCHEMA)
    document["description"] += " Accounts are this repo's aliases (`contentctl schema --write`)."
    if aliases:
        names = sorted(aliases)
        alias = {
            "type": "string",
            "enum": names,
            # without it an editor says only "Value is not accepted"
            "errorMessage": "unknown account alias; the aliases of contentctl.yaml are: "
            + ", ".join(names),
        }
        entry = document["$defs"]["account_entry"]  # an alias, or {alias, labels}
        entry["anyOf"][0] = alias
        entry["anyOf"][1]["properties"]["alias"] = alias
    return document


def _drop_placeholders(node: Any) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "errorMessage" and isinstance(value, str):
                node[key] = _PLACEHOLDER.sub("", value)
            else:
                _drop_placeholders(value)
    elif isinstance(node, list):
        for item in node:
            _drop_placeholders(item)


@cache
def config_validator() -> Any:
    """A jsonschema validator for the config: it is small, so messages matter more than speed."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema("config"))


@cache
def config_checker() -> Any:
    """jsonschema-rs for the config's yes or no: importing jsonschema costs a run 35 ms,
    so it is imported only for the messages of a config that fails."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema("config"))


@cache
def post_validator() -> Any:
    """A jsonschema-rs validator for one post (``#/$defs/post``), compiled once per process.

    Posts are checked one by one, so a broken post costs only its own errors;
    the error's ``schema_path`` still points into ``schema("post")``.
    """
    import jsonschema_rs

    full = schema("post")
    single = {"$schema": full["$schema"], "$defs": full["$defs"], "$ref": "#/$defs/post"}
    return jsonschema_rs.validator_for(single)


_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


def describe_error(error: Any) -> list[tuple[tuple[str | int, ...], str, bool]]:
    """One jsonschema-rs error of a post as ``(instance path, message, point at the key)``.

    Messages say what to write, not which keyword failed: a schema node's
    ``errorMessage`` (which editors show too) wins; ``{key}`` in it is filled.
    """
    path: tuple[str | int, ...] = tuple(error.instance_path)
    node = _schema_node(tuple(error.schema_path)[:-1])
    custom = node.get("errorMessage") if isinstance(node, dict) else None
    kind, name = error.kind, type(error.kind).__name__
    field = _field(path)
    value = error.instance
    if name in ("AdditionalProperties", "PropertyNames"):
        keys = kind.unexpected if name == "AdditionalProperties" else [kind.error.instance]
        allowed = list(node.get("properties", {})) if isinstance(node, dict) else []
        if name == "PropertyNames":
            allowed = list(_schema_node(tuple(error.schema_path)[:-2]).get("properties", {}))
        return [
            ((*path, k), with_hint(_fill(custom, k) or f"unknown key {k!r}", k, allowed), True)
            for k in keys
        ]
    if custom:
        return [(path, _fill(custom, value) or "", False)]
    if name == "Required":
        return [(path, f"missing required key {kind.property!r}", False)]
    if name == "Type":
        want = " or ".join(_TYPE_NAMES.get(t, t) for t in kind.types)
        return [(path, f"{field} must be {want}, not {_json_type(value)}", False)]
    if name == "Enum":
        options = [str(o) for o in kind.options]
        message = f"{value!r} is not one of: {', '.join(options)}"
        return [(path, with_hint(message, value, options), False)]
    if name in ("MaxLength", "MinLength"):
        if name == "MinLength" and kind.limit == 1:
            return [(path, f"{field} must not be empty", False)]
        more = "more" if name == "MaxLength" else "fewer"
        message = f"{field} is {len(value)} characters, {more} than the {kind.limit} allowed"
        return [(path, message, False)]
    if name in ("MaxItems", "MinItems"):
        word = "at most" if name == "MaxItems" else "at least"
        return [(path, f"{field} has {len(value)} items; it takes {word} {kind.limit}", False)]
    if name in ("Maximum", "Minimum"):
        word = "at most" if name == "Maximum" else "at least"
        return [(path, f"{field} is {value}; it must be {word} {kind.limit}", False)]
    if name == "UniqueItems":
        return [(path, f"{field} lists the same item twice", False)]
    return [(path, str(error.message), False)]


def _field(path: tuple[str | int, ...]) -> str:
    """The name a message uses for the value at ``path``: "text", "options[0]"."""
    last = max((i for i, p in enumerate(path) if isinstance(p, str)), default=-1)
    if last < 0:
        return "the post"
    return str(path[last]) + "".join(f"[{i}]" for i in path[last + 1 :])


def _schema_node(schema_path: tuple[Any, ...]) -> Any:
    node: Any = schema("post")
    for part in schema_path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return {}
    return node


def _fill(template: str | None, value: Any) -> str | None:
    return template.replace("{key}", repr(value)) if template else None


def with_hint(message: str, value: Any, choices: Sequence[str]) -> str:
    """``message`` plus "(did you mean 'x'?)" when a choice is close to ``value``."""
    close = _closest(value, tuple(choices)) if isinstance(value, str) else None
    return f"{message} (did you mean {close!r}?)" if close else message


@cache
def _closest(value: str, choices: tuple[str, ...]) -> str | None:
    # cached: a repo tends to repeat the same slip in many posts
    matches = difflib.get_close_matches(value, choices, n=1)
    return matches[0] if matches else None


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    names = {dict: "object", list: "array", str: "string", int: "integer", float: "number"}
    return _TYPE_NAMES.get(names.get(type(value), "null"), "something else")
