"""diff_specs: the fields a changed spec shows, compared as the content hash compares them."""

from __future__ import annotations

from contentctl.model import JSONObject
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
