"""diff_specs: the fields a changed spec shows, compared as the content hash compares them."""

from __future__ import annotations

from deepdiff import DeepDiff
from hypothesis import given, settings
from hypothesis import strategies as st

from contentctl.model import JSONObject, JSONValue
from contentctl.plan.fields import FieldChange, diff_specs


def test_a_change_inside_a_mapping_is_that_key() -> None:
    account: JSONObject = {"scheduled_at": "x"}
    before: JSONObject = {"network": {"text": "a", "type": "status"}, "account": account}
    after: JSONObject = {"network": {"text": "b", "type": "status"}, "account": account}
    assert diff_specs(before, after) == (FieldChange("network.text", "a", "b"),)


def test_json_types_differ_where_python_equality_does_not() -> None:
    before: JSONObject = {"network": {"n": 1, "m": 1, "k": "same"}}
    after: JSONObject = {"network": {"n": 1.0, "m": True, "k": "same"}}
    assert diff_specs(before, after) == (
        FieldChange("network.m", 1, True),
        FieldChange("network.n", 1, 1.0),
    )


def test_a_missing_key_differs_from_null_and_shows_as_none() -> None:
    before: JSONObject = {"post": {"labels": None, "x": 1}, "endpoint": "schedule"}
    after: JSONObject = {"post": {"x": 1}, "endpoint": "schedule", "bulk_state": None}
    assert diff_specs(before, after) == (
        FieldChange("bulk_state", None, None),
        FieldChange("post.labels", None, None),
    )


def test_mappings_sharing_under_a_third_of_their_keys_change_whole() -> None:
    before: JSONObject = {"post": {"labels": ["a"]}, "endpoint": "schedule"}
    after: JSONObject = {"post": {"title": "t"}, "endpoint": "schedule"}
    assert diff_specs(before, after) == (FieldChange("post", {"labels": ["a"]}, {"title": "t"}),)
    # one of two keys shared (a half) is diffed key by key
    before = {"post": {"labels": ["a"], "x": 1}}
    after = {"post": {"title": "t", "x": 1}}
    assert [f.path for f in diff_specs(before, after)] == ["post.labels", "post.title"]


def test_specs_with_no_field_in_common_are_one_change() -> None:
    before: JSONObject = {"a": 1, "b": 2}
    after: JSONObject = {"c": 3, "d": 4}
    assert diff_specs(before, after) == (FieldChange("", before, after),)


def test_equal_specs_have_no_change() -> None:
    spec: JSONObject = {"network": {"media": [{"path": "m.png"}]}, "account": {}}
    assert diff_specs(spec, {"network": {"media": [{"path": "m.png"}]}, "account": {}}) == ()


# -- held together with deepdiff, which the plan's field paths were first taken from ----------

_keys = st.sampled_from(["text", "title", "type", "labels", "scheduled_at", "media", "x"])
_leaves = st.one_of(
    st.none(), st.text(max_size=4), st.integers(-3, 3), st.lists(st.text(max_size=2), max_size=2)
)
_values = st.recursive(
    _leaves, lambda inner: st.dictionaries(_keys, inner, max_size=3), max_leaves=6
)
# a spec's top-level values are text (endpoint, bulk_state) or mappings, never lists
_top = st.one_of(st.none(), st.text(max_size=4), st.dictionaries(_keys, _values, max_size=3))
_specs = st.dictionaries(
    st.sampled_from(["endpoint", "network", "account", "post"]), _top, max_size=4
)


def _by_deepdiff(before: JSONObject, after: JSONObject) -> tuple[FieldChange, ...]:
    """What the plan showed with deepdiff (its verbose tree view, cut at two levels)."""
    diff = DeepDiff(dict(before), dict(after), verbose_level=2, view="tree")
    changes: dict[str, FieldChange] = {}
    for level_items in diff.values():
        for level in level_items:
            path = ".".join(str(p) for p in level.path(output_format="list"))
            top = ".".join(path.split(".")[:2])
            changes[top] = FieldChange(top, _get(before, top), _get(after, top))
    return tuple(changes[key] for key in sorted(changes))


def _get(spec: JSONObject, path: str) -> JSONValue:
    value: JSONValue = spec
    for part in path.split(".") if path else []:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


@settings(max_examples=4 * settings().max_examples, deadline=None)
@given(_specs, _specs)
def test_the_fields_are_the_ones_deepdiff_finds(before: JSONObject, after: JSONObject) -> None:
    # integers, text, lists and null only: where JSON and Python equality agree
    assert diff_specs(before, after) == _by_deepdiff(before, after)
