"""The JSON Schemas: valid draft 2020-12, described for editors, and in step with the model.

What they say about Publer's networks is checked against ``publer_facts`` in
``test_publer_facts.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from contentctl import publer_facts as facts
from contentctl.manifest.schemas import post_validator, schema
from contentctl.model import Method, Provider

SCHEMAS = Path(__file__).parents[2] / "schemas"
OPEN_OBJECTS = {"details"}  # passed to Publer as written
_CONDITIONAL = {"if", "then", "else"}  # constraints on properties described elsewhere


@pytest.mark.parametrize("name", ["post", "config"])
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    document = json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == f"https://contentctl.dev/schemas/{name}.schema.json"
    assert schema(name) == document  # the package reads the same file


def _properties(node: Any, where: str = "$") -> Iterator[tuple[str, str, Any]]:
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            yield where, key, value
        for key, value in node.items():
            yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _properties(value, f"{where}/{i}")


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref is None:
        return node
    target: Any = document
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return {**_resolve(document, target), **{k: v for k, v in node.items() if k != "$ref"}}


@pytest.mark.parametrize("name", ["post", "config"])
def test_every_property_has_a_description_for_editor_hover(name: str) -> None:
    document = schema(name)
    missing = [
        f"{where}.{key}"
        for where, key, value in _properties(document)
        if not _CONDITIONAL & set(where.split("/"))
        and not _resolve(document, value).get("description")
    ]
    assert missing == []


@pytest.mark.parametrize("name", ["post", "config"])
def test_every_object_refuses_unknown_keys(name: str) -> None:
    document = schema(name)
    open_objects = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            closed = "additionalProperties" in node or "propertyNames" in node
            if node.get("type") == "object" and not closed:
                open_objects.append(where.rsplit("/", 1)[-1])
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(document, "$")
    assert set(open_objects) <= OPEN_OBJECTS


def test_providers_types_and_methods_match_the_model() -> None:
    post, config = schema("post"), schema("config")
    assert tuple(p.value for p in Provider) == facts.PROVIDERS
    assert post["$defs"]["post"]["properties"]["networks"]["propertyNames"]["enum"] == list(
        facts.PROVIDERS
    )
    assert config["$defs"]["account"]["properties"]["provider"]["enum"] == list(facts.PROVIDERS)
    assert post["$defs"]["type"]["enum"] == list(facts.TYPES)
    methods = [m.value for m in Method]
    assert post["$defs"]["post"]["properties"]["method"]["enum"] == methods
    assert config["properties"]["defaults"]["properties"]["method"]["enum"] == methods


def _root_errors(document: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema("post"))
    return [error.message for error in validator.iter_errors(document)]


def test_the_root_schema_takes_one_post_or_a_posts_list_as_an_editor_sees_them() -> None:
    post = {"id": "hello", "at": "2027-01-01T09:00", "accounts": ["fb"], "text": "hi"}
    assert _root_errors(post) == []
    assert _root_errors({"posts": [post, {**post, "id": "again"}]}) == []
    assert _root_errors([post]) != []
    assert _root_errors({"posts": [post], "id": "stray"}) != []


def test_the_compiled_post_validator_is_built_once() -> None:
    assert post_validator() is post_validator()
    assert post_validator().is_valid(
        {"id": "a", "at": "2027-01-01T09:00", "accounts": ["fb"], "text": "hi"}
    )
    assert not post_validator().is_valid({"id": "a", "accounts": ["fb"], "text": "hi"})


def test_config_schema_takes_the_documented_example() -> None:
    example = {
        "workspace": "6650f1c2a1b2c3d4e5f60718",
        "endpoint": "sandbox",
        "timezone": "Europe/Berlin",
        "content": "content",
        "state": "contentctl.state.json",
        "accounts": {"acme-fb": {"id": "65f0a1b2c3d4e5f607182930", "provider": "facebook"}},
        "defaults": {"labels": ["contentctl"], "batch_size": 100, "method": "scheduled"},
    }
    validator = jsonschema.Draft202012Validator(schema("config"))
    assert list(validator.iter_errors(example)) == []
    bad = {**example, "defaults": {"batch_size": 501}}
    assert [e.message for e in validator.iter_errors(bad)] == [
        "501 is greater than the maximum of 500"
    ]
