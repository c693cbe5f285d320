"""The one table of Publer facts: the JSON Schema says the same, and validation and the sandbox
both follow it when it changes."""

from __future__ import annotations

import copy
import dataclasses
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import httpx
import pytest
from manifest_support import make_repo

import contentctl.sandbox as sb
from contentctl import publer_facts as facts
from contentctl.manifest.schemas import schema
from contentctl.model import Provider
from contentctl.validate.checks import check_repo

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
Facts = dict[str, object]


# -- what the schema states, read back per network --------------------------------------


def _numbers(text: str | None) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text or "")]


def _listed(description: str) -> list[str]:
    """The names after "... takes: " in a description."""
    return description.rsplit("takes: ", 1)[1].rstrip(".").split(", ")


def schema_facts(document: dict[str, Any], provider: str) -> Facts:
    """Everything ``networks.<provider>`` in the post schema states about Publer."""
    override = document["$defs"][f"network_{provider}"]
    props = override["properties"]
    text, media = props["text"], props["media"]
    found: Facts = {
        "keys": sorted(props),
        "keys (description)": sorted(_listed(override["description"])),
        "types": props["type"]["enum"],
        "types (description)": _listed(props["type"]["description"]),
        "text maxLength": text.get("maxLength"),
        "text limits (description)": _numbers(text["description"]),
        "title maxLength": props.get("title", {}).get("maxLength"),
        "media maxItems": media["maxItems"],
        "media maxItems (description)": _numbers(media["description"]),
        "sublinks maxItems": props.get("sublinks", {}).get("maxItems"),
    }
    if "options" in props:
        options, duration = props["options"], props["duration"]
        found.update({
            "poll options": [options["minItems"], options["maxItems"]],
            "poll option maxLength": options["items"]["maxLength"],
            "poll days": [duration["minimum"], duration["maximum"]],
            "poll (description)": [*_numbers(options["description"]),
                                   *_numbers(duration["description"])],
        })  # fmt: skip
    return found


def table_facts(provider: str) -> Facts:
    """The same facts, from ``publer_facts``."""
    rule = facts.RULES[provider]
    limits = [n for n in (rule.text_limit, rule.long_text_limit) if n is not None]
    found: Facts = {
        "keys": sorted(rule.keys),
        "keys (description)": sorted(rule.keys),
        "types": list(rule.types),
        "types (description)": list(rule.types),
        # Bluesky counts graphemes, which a JSON Schema maxLength (code points) cannot say
        "text maxLength": None
        if rule.counting is facts.Counting.GRAPHEMES
        else rule.long_text_limit or rule.text_limit,
        "text limits (description)": limits,
        "title maxLength": rule.title_limit,
        "media maxItems": rule.max_media,
        "media maxItems (description)": [rule.max_media],
        "sublinks maxItems": facts.MAX_SUBLINKS if "sublinks" in rule.keys else None,
    }
    if rule.poll is not None:
        low, high = facts.POLL_OPTIONS
        found.update({
            "poll options": [low, high],
            "poll option maxLength": rule.poll.option_chars,
            "poll days": [1, rule.poll.max_days],
            "poll (description)": [low, high, rule.poll.option_chars, 1, rule.poll.max_days],
        })  # fmt: skip
    return found


def disagreements(document: dict[str, Any], provider: str) -> list[str]:
    """One line per fact the schema and the table state differently, naming network and field."""
    ours, theirs = table_facts(provider), schema_facts(document, provider)
    return [
        f"{provider}: {name}: the schema says {theirs.get(name)!r}, the table {ours.get(name)!r}"
        for name in sorted(set(ours) | set(theirs))
        if ours.get(name) != theirs.get(name)
    ]


@pytest.mark.parametrize("provider", facts.PROVIDERS)
def test_the_schema_says_what_the_table_says(provider: str) -> None:
    assert schema("post")["$defs"][f"network_{provider}"]["additionalProperties"] is False
    assert disagreements(schema("post"), provider) == []


@pytest.mark.parametrize(
    ("where", "value", "expected"),
    [
        (("network_twitter", "text", "maxLength"), 300,
         "twitter: text maxLength: the schema says 300, the table 25000"),
        (("network_pinterest", "title", "maxLength"), 120,
         "pinterest: title maxLength: the schema says 120, the table 100"),
        (("network_youtube", "type", "enum"), ["video"],
         "youtube: types: the schema says ['video'], the table ['video', 'short']"),
        (("network_linkedin", "options", "items"), {"type": "string", "maxLength": 25},
         "linkedin: poll option maxLength: the schema says 25, the table 30"),
        (("network_bluesky", "media", "maxItems"), 5,
         "bluesky: media maxItems: the schema says 5, the table 4"),
    ],
)  # fmt: skip
def test_a_broken_schema_copy_is_named_by_network_and_field(
    where: tuple[str, str, str], value: object, expected: str
) -> None:
    broken = copy.deepcopy(schema("post"))
    network, prop, key = where
    broken["$defs"][network]["properties"][prop][key] = value
    assert disagreements(broken, network.removeprefix("network_")) == [expected]


def test_post_level_facts_match_the_table() -> None:
    post = schema("post")["$defs"]
    props = post["post"]["properties"]
    assert post["type"]["enum"] == list(facts.TYPES)
    assert props["networks"]["propertyNames"]["enum"] == list(facts.PROVIDERS)
    assert post["media_item"]["properties"]["type"]["enum"] == list(facts.MEDIA_KINDS)
    assert props["sublinks"]["maxItems"] == facts.MAX_SUBLINKS
    assert [props["options"]["minItems"], props["options"]["maxItems"]] == list(facts.POLL_OPTIONS)
    longest = max(r.poll.max_days for r in facts.RULES.values() if r.poll is not None)
    assert props["duration"]["maximum"] == longest
    batch = schema("config")["properties"]["defaults"]["properties"]["batch_size"]
    assert batch["maximum"] == facts.MAX_BULK_POSTS


def _type_requirements() -> dict[str, set[str]]:
    """type → the fields the post schema requires of a post of that type (no overrides)."""
    needs: dict[str, set[str]] = {}
    for rule in schema("post")["$defs"]["post"]["allOf"]:
        kind = rule["if"].get("properties", {}).get("type", {})
        if rule["if"].get("required") != ["type"]:
            continue
        then = rule["then"]
        either = sorted(name for r in then.get("anyOf", []) for name in r["required"])
        fields = set(then.get("required", [])) | ({"|".join(either)} if either else set())
        for name in kind.get("enum", [kind.get("const")]):
            needs[name] = fields
    return needs


def test_what_the_schema_requires_of_a_type_the_table_requires_too() -> None:
    table = {kind: rule.requires for kind, rule in facts.TYPE_RULES.items()}
    spelled = {"link|url": "url|link.url", "media|sublinks": "media"}  # schema spellings
    wrong = [
        f"{kind}: the schema requires {field}, the table does not"
        for kind, fields in _type_requirements().items()
        for field in fields
        if spelled.get(field, field) not in table[kind]
    ]
    assert wrong == []
    assert set(_type_requirements()) >= {"photo", "video", "link", "poll", "status", "article"}


def test_every_type_and_network_has_a_rule() -> None:
    assert set(facts.TYPE_RULES) == set(facts.TYPES)
    assert set(facts.RULES) == set(facts.PROVIDERS)
    for provider, rule in facts.RULES.items():
        assert rule.provider == provider
        assert set(rule.types) <= set(facts.TYPES)
        assert set(rule.keys) <= set(facts.CONTENT_KEYS)
        assert rule.editable_published <= facts.EDITABLE_UNPUBLISHED


# -- change one fact: validation and the sandbox follow ----------------------------------


@pytest.fixture
def x_takes_100(monkeypatch: pytest.MonkeyPatch) -> None:
    """X's text limit in the table, 280 → 100 (and no long posts) for one test."""
    rules = dict(facts.RULES)
    rules["twitter"] = dataclasses.replace(rules["twitter"], text_limit=100, long_text_limit=None)
    monkeypatch.setattr(facts, "RULES", MappingProxyType(rules))


TEXT = "x" * 150


@pytest.mark.usefixtures("x_takes_100")
def test_validate_follows_a_changed_limit(tmp_path: Path) -> None:
    post = f"id: a\nat: 2030-02-01T09:00\naccounts: [x, fb]\ntext: {TEXT}\n"
    config = make_repo(tmp_path, {"content/p.yaml": post})
    _, diagnostics = check_repo(config, now=NOW)
    assert [d.render() for d in diagnostics] == [
        "content/p.yaml:4:7: error: text is 150 of 100 weighted characters (X counts URLs as 23"
        " and emoji/CJK as 2) on twitter [$.text]"
    ]


def test_validate_takes_150_characters_on_x_by_default(tmp_path: Path) -> None:
    post = f"id: a\nat: 2030-02-01T09:00\naccounts: [x, fb]\ntext: {TEXT}\n"
    _, diagnostics = check_repo(make_repo(tmp_path, {"content/p.yaml": post}), now=NOW)
    assert diagnostics == ()


def _sandbox() -> tuple[httpx.Client, sb.Store]:
    transport = sb.in_process_transport(None, db=":memory:", clock=lambda: NOW)
    headers = {"Authorization": f"Bearer-API {sb.SANDBOX_API_KEY}",
               "Publer-Workspace-Id": sb.DEFAULT_WORKSPACE_ID}  # fmt: skip
    client = httpx.Client(transport=transport, base_url=sb.IN_PROCESS_BASE_URL, headers=headers)
    return client, transport.sandbox.store


def _schedule(client: httpx.Client) -> dict[str, Any]:
    """One post on the default X and Facebook accounts; the finished job."""
    when = (NOW + timedelta(hours=1)).isoformat()
    bulk = {"state": "scheduled", "posts": [{
        "networks": {"default": {"type": "status", "text": TEXT}},
        "accounts": [{"id": sb.default_account_id(p), "scheduled_at": when}
                     for p in (Provider.TWITTER, Provider.FACEBOOK)],
    }]}  # fmt: skip
    job_id = client.post("/posts/schedule", json={"bulk": bulk}).json()["job_id"]
    for _ in range(5):
        body: dict[str, Any] = client.get(f"/job_status/{job_id}").json()
        if body["status"] != "working":
            return body
    raise AssertionError("the job never finished")


@pytest.mark.usefixtures("x_takes_100")
def test_the_sandbox_follows_a_changed_limit() -> None:
    client, store = _sandbox()
    with client:
        job = _schedule(client)
    assert job["status"] == "complete"
    assert job["payload"]["failures"] == {"0": [{
        "account_id": sb.default_account_id(Provider.TWITTER),
        "account_name": "Sandbox Twitter",
        "provider": "twitter",
        "message": "Text is too long for twitter: 150 weighted characters (X counts URLs as 23 and "
                   "emoji/CJK as 2), the limit is 100",
    }]}  # fmt: skip
    assert [(p["network"], p["text"]) for p in store.posts()] == [("facebook", TEXT)]


def test_the_sandbox_takes_150_characters_on_x_by_default() -> None:
    client, store = _sandbox()
    with client:
        job = _schedule(client)
    assert (job["status"], job["payload"]["failures"]) == ("complete", {})
    assert sorted(p["network"] for p in store.posts()) == ["facebook", "twitter"]
