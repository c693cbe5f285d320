"""A saved plan held against the plan made again at apply time; where it may reach.

``apply FILE`` never carries out the file: it makes the plan again from the
manifests, the state (and Publer, when the run refreshes) and goes on only if
that is the same change set. ``differences`` takes the saved and the recomputed
``Plan`` and returns one line per difference (action, target, account id,
before, after; media by content hash, which is in the spec). ``media_problems``
takes a config and the recomputed plan and returns what is wrong with its local
files, checked against the repository once more because the applier opens them
only later. ``repo_identity`` takes a config and returns the id that binds a
saved plan to the repository it was made in.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping

from contentctl.model import Config
from contentctl.plan.build import Change, Plan
from contentctl.plan.targets import Target, canonical_json, spec_hash

SHOWN = 5  # differences listed before "and N more"
_VALUE_CHARS = 40  # a value shown in a difference, cut to this


def repo_identity(config: Config) -> str:
    """The repository as a saved plan names it: the config file's real path and the workspace.

    Derived, not stored, so a plan made where no state exists yet is bound too;
    moving or cloning the repository makes its saved plans another repository's.
    """
    key = f"{os.path.realpath(config.path)}\0{config.workspace_id}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def differences(saved: Plan, now: Plan) -> list[str]:
    """Every way the saved change set is not the recomputed one, one line each, by post."""
    saved_by = {change.key: change for change in saved.changes}
    now_by = {change.key: change for change in now.changes}
    lines: list[str] = []
    for key in sorted(saved_by.keys() | now_by.keys()):
        where = f"{key[0]} @ {key[1]}"
        old, new = saved_by.get(key), now_by.get(key)
        if old is None:
            assert new is not None
            lines.append(f"{where}: not in the saved plan; the plan now makes it {new.action}")
        elif new is None:
            lines.append(
                f"{where}: the saved plan has {old.action}, but the manifests and state "
                "have no such post"
            )
        else:
            lines.extend(f"{where}: {line}" for line in _change_differences(old, new))
    return lines


def summarize(lines: list[str], shown: int = SHOWN) -> list[str]:
    """The first ``shown`` lines and "and N more" for the rest."""
    if len(lines) <= shown:
        return lines
    return [*lines[:shown], f"and {len(lines) - shown} more"]


def _change_differences(old: Change, new: Change) -> list[str]:
    if old.action is not new.action:
        why = f" ({new.reason})" if new.reason else ""
        return [f"the saved plan has {old.action}, the plan now {new.action}{why}"]
    out: list[str] = []
    if old.provider != new.provider:
        out.append(f"provider {old.provider} in the saved plan, {new.provider} now")
    out.extend(_target_differences(old.target, new.target))
    out.extend(_before_differences(old, new))
    if not out and old.fields != new.fields:
        out.append("the field changes it lists are not the ones the plan now shows")
    return out


def _target_differences(old: Target | None, new: Target | None) -> list[str]:
    if old is None or new is None:
        if old is new:
            return []
        return ["the saved plan has no post to send" if old is None else "a post to send now"]
    out: list[str] = []
    if old.account_id != new.account_id:
        out.append(
            f"account id {old.account_id} in the saved plan, {new.account_id} in contentctl.yaml"
        )
    if old.timezone != new.timezone:
        out.append(f"timezone {old.timezone} in the saved plan, {new.timezone} now")
    if canonical_json(old.spec) != canonical_json(new.spec):
        for path, was, now in _leaves(old.spec, new.spec, ""):
            out.append(f"{path} is {_show(was)} in the saved plan, {_show(now)} in the manifests")
    elif old.given_hash and old.given_hash != spec_hash(old.spec):
        out.append("content_hash in the saved plan is not the hash of its own content")
    return out


def _before_differences(old: Change, new: Change) -> list[str]:
    a = None if old.before is None else old.before.to_json()
    b = None if new.before is None else new.before.to_json()
    if a == b:
        return []
    if a is None or b is None:
        return ["the saved plan has no state entry, the state has one" if a is None
                else "the saved plan has a state entry, the state has none"]  # fmt: skip
    before: Mapping[str, object] = dict(a)
    after: Mapping[str, object] = dict(b)
    return [
        f"before.{name} is {_show(before.get(name))} in the saved plan, "
        f"{_show(after.get(name))} in the state"
        for name in sorted(before.keys() | after.keys())
        if canonical_json(before.get(name)) != canonical_json(after.get(name))
    ]


_ABSENT = object()  # a key one side lacks


def _leaves(a: object, b: object, path: str) -> list[tuple[str, object, object]]:
    """The innermost places where two JSON values differ, with a dotted path (``media[0].path``)."""
    if a is _ABSENT or b is _ABSENT:
        return [(path, a, b)]
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        out: list[tuple[str, object, object]] = []
        for key in sorted(a.keys() | b.keys()):
            where = f"{path}.{key}" if path else str(key)
            out.extend(_leaves(a.get(key, _ABSENT), b.get(key, _ABSENT), where))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in _leaves(x, y, f"{path}[{i}]")]  # fmt: skip
    return [] if canonical_json(a) == canonical_json(b) else [(path, a, b)]


def _show(value: object) -> str:
    if value is _ABSENT:
        return "absent"
    text = canonical_json(value)
    return text if len(text) <= _VALUE_CHARS else text[: _VALUE_CHARS - 1] + "…"


def media_problems(config: Config, plan: Plan) -> list[str]:
    """Local media of the changes to make that are outside the repo or not a regular file.

    The path is resolved (symlinks followed) and must stay under the repository's
    real root; what the path holds was hashed into the spec when the plan was made
    again, so a swapped file is already a difference.
    """
    root = os.path.realpath(config.root)
    out: list[str] = []
    for change in plan.actionable():
        if change.target is None:
            continue
        for upload in change.target.uploads:
            path = upload.get("path")
            if not isinstance(path, str) or "://" in path:
                continue
            problem = _media_problem(root, path)
            if problem:
                out.append(f"{change.post_id} @ {change.alias}: media {path!r} {problem}")
    return out


def _media_problem(root: str, path: str) -> str:
    if os.path.isabs(path) or "\0" in path:
        return "is not a path inside the repository"
    real = os.path.realpath(os.path.join(root, path))
    if os.path.commonpath((root, real)) != root:
        return "is outside the repository"
    if not os.path.isfile(real):
        return "is not a regular file in the repository"
    return ""
