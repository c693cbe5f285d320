"""The bundled JSON Schemas: their text and validators built once per process.

``schemas/`` at the repo root is the single source; the package reaches it
through the ``contentctl/schemas`` link, so an installed wheel carries them.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

SCHEMA_NAMES = ("post", "config", "state")


def schema_text(name: str) -> str:
    """Raw text of ``schemas/<name>.schema.json``."""
    return (resources.files("contentctl") / "schemas" / f"{name}.schema.json").read_text("utf-8")


@cache
def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(name))
    return loaded


@cache
def config_validator() -> Any:
    """A jsonschema validator for the config: it is small, so messages matter more than speed."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema("config"))
