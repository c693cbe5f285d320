"""A plan in, ``plan --format json`` written piece by piece to a text sink.

``write_plan_json(plan, write)`` calls ``write`` with consecutive pieces whose
concatenation is exactly ``json.dumps(plan_to_json(plan), indent=2,
ensure_ascii=False) + "\\n"`` (the saved-plan document, ``plan.saved``). The whole-document form
held the plan, its JSON tree and the encoded text at once, several times the
plan's own size (5.9 GB peak at 50,000 posts). Here at most ``CHUNK`` changes
are held as JSON at once, and each piece written is one change.

How it stays identical: the document's members are taken from
``plan_to_json`` of the plan without its changes (so any member added there
comes along), the members computed from the changes (summary, counts,
has_changes, manifests_digest) are taken from the plan itself,
and the changes are encoded by ``plan_to_json`` a chunk at a time and each
indented to its depth in the document (two levels: four spaces).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

from contentctl.plan.build import Plan
from contentctl.plan.saved import plan_to_json

CHUNK = 256  # changes encoded per plan_to_json call: bounded memory, shared overhead
_CHANGE_PAD = "    "  # a change sits in "changes": [...] in the document: depth 2


def _dump(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _member(key: str, value: object) -> str:
    """One top-level member at depth 1, as ``json.dumps(..., indent=2)`` lays it out."""
    return f"  {_dump(key)}: " + _dump(value).replace("\n", "\n  ")


def write_plan_json(plan: Plan, write: Callable[[str], object]) -> None:
    """Write the plan's JSON document to ``write`` one member and one change at a time."""
    header = dict(plan_to_json(replace(plan, changes=())))
    header["summary"] = plan.summary()
    header["counts"] = plan.counts
    header["has_changes"] = plan.has_changes
    header["manifests_digest"] = plan.manifests_digest
    write("{\n")
    first = True
    for key, value in header.items():
        if not first:
            write(",\n")
        first = False
        if key != "changes":
            write(_member(key, value))
            continue
        if not plan.changes:
            write(f"  {_dump(key)}: []")
            continue
        write(f"  {_dump(key)}: [\n")
        last = len(plan.changes) - 1
        for start in range(0, len(plan.changes), CHUNK):
            # encoded as plan_to_json encodes them, CHUNK at a time (its per-call cost shared)
            some = replace(plan, changes=plan.changes[start : start + CHUNK], drift=(), notes=())
            for index, encoded in enumerate(plan_to_json(some)["changes"], start):
                text = _CHANGE_PAD + _dump(encoded).replace("\n", "\n" + _CHANGE_PAD)
                write(text if index == last else text + ",\n")
        write("\n  ]")
    write("\n}\n")
