"""Two specs in, their field-level changes out: what a plan shows changed on an update.

``diff_specs(before, after)`` compares the specs field by field, where a field is
a top-level value (``endpoint``) or one key of a top-level mapping (``network.text``,
``account.scheduled_at``); a change deeper down is shown as its whole field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from contentctl.model import JSONValue
from contentctl.plan.targets import canonical_json


@dataclass(frozen=True)
class FieldChange:
    path: str  # e.g. "network.text", "account.scheduled_at"
    before: JSONValue
    after: JSONValue


def diff_specs(
    before: Mapping[str, JSONValue], after: Mapping[str, JSONValue]
) -> tuple[FieldChange, ...]:
    """Field-level changes between two specs, with dotted paths, in a stable order.

    A field is a top-level value or, inside a mapping (``network``, ``account``), one of
    its keys: a change deeper down is shown as that whole field. Values are compared as
    canonical JSON, as the content hash compares them, so 1 and 1.0 or true differ.
    (deepdiff did this once per change and was most of a plan of 1% changed posts.)
    """
    if _apart(before, after):
        return (FieldChange("", dict(before), dict(after)),)
    changes = []
    for key in before.keys() | after.keys():
        old, new = before.get(key, _ABSENT), after.get(key, _ABSENT)
        if isinstance(old, Mapping) and isinstance(new, Mapping) and not _apart(old, new):
            changes += [
                FieldChange(f"{key}.{sub}", old.get(sub), new.get(sub))
                for sub in old.keys() | new.keys()
                if _differs(old.get(sub, _ABSENT), new.get(sub, _ABSENT))
            ]
        elif _differs(old, new):
            changes.append(FieldChange(key, _value(old), _value(new)))
    return tuple(sorted(changes, key=lambda change: change.path))


_ABSENT = object()  # a key the spec does not have (shown as None, but not equal to null)
# Mappings sharing less than this share of their keys are one change as a whole, not one
# per key (as deepdiff's threshold_to_diff_deeper, which the plan's paths used to follow).
APART = 0.33


def _apart(old: Mapping[str, object], new: Mapping[str, object]) -> bool:
    union = len(old.keys() | new.keys())
    return union > 1 and len(old.keys() & new.keys()) / union < APART


def _differs(old: object, new: object) -> bool:
    if old is _ABSENT or new is _ABSENT:
        return old is not new
    return canonical_json(old) != canonical_json(new)


def _value(value: object) -> JSONValue:
    return None if value is _ABSENT else cast(JSONValue, value)
