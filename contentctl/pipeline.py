"""The pipeline stages run in order for a command: config + options in, a Plan or report out.

Commands in ``cli.py`` call these; nothing here prints. Settling an
interrupted apply happens here, before any plan, so plan and apply see the
same, repaired state.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from contentctl.errors import ManifestError, StalePlanError
from contentctl.manifest.load import LoadResult
from contentctl.model import Config, Diagnostic, Severity
from contentctl.plan import binding
from contentctl.plan.build import Plan, PlanOptions, build_plan, manifests_digest
from contentctl.plan.saved import SavedPlan
from contentctl.plan.targets import Target, build_targets
from contentctl.publer_facts import DEFAULT_PUBLER_PLAN
from contentctl.state.records import EntryStatus
from contentctl.state.store import State, StateStore, paused_gc

if TYPE_CHECKING:
    from contentctl.plan.drift import Drift
    from contentctl.remote_view import RemoteView


@dataclass(frozen=True)
class Checked:
    result: LoadResult
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]


def check(
    config: Config,
    paths: Sequence[Path] | None = None,
    *,
    now: datetime | None = None,
    created: Mapping[tuple[str, str], str | None] | None = None,
) -> Checked:
    """Load and validate; ``created`` (else what a local state file holds) decides new posts."""
    from contentctl.validate.checks import check_repo

    if created is None:
        created = _created_locally(config)
    with paused_gc():
        result, diagnostics = check_repo(config, paths, now=now, created=created)
        if paths:
            # pre-commit passes only the changed files, but a duplicate id or a too-close
            # time can pair a changed file with an unchanged one: check them against all
            every_path = [config.content_dir, *paths]
            _, every = check_repo(config, every_path, now=now, created=created)
            given = [config.relpath(path) for path in paths]
            diagnostics = tuple(sorted({*diagnostics, *(d for d in every if _involves(d, given))}))
    return Checked(result, diagnostics)


def created_keys(state: State) -> dict[tuple[str, str], str | None]:
    """(post id, alias) → time of the entries on Publer: sent already, so not new at that time."""
    gone = (EntryStatus.FAILED, EntryStatus.DELETED)
    return {
        (post_id, alias): entry.scheduled_at
        for post_id, alias, entry in state.iter_entries()
        if entry.remote_id and entry.status not in gone
    }


def _created_locally(config: Config) -> dict[tuple[str, str], str | None] | None:
    """What a local state file holds as on Publer (none: no file yet); None if not known.

    A shared backend's state is not fetched to validate (pre-commit runs offline), and
    an unreadable state is for plan to report: the time checks then only warn.
    """
    from contentctl.errors import ContentctlError
    from contentctl.model import StateBackendKind

    if config.state_backend.kind is not StateBackendKind.LOCAL:
        return None
    if not config.state_path.exists():
        return {}
    try:
        return created_keys(StateStore(config.state_path).load())
    except (ContentctlError, OSError):
        return None


_PLACE = re.compile(r"\bat (\S+?):\d+:\d+\b")


def _involves(diagnostic: Diagnostic, given: Sequence[str]) -> bool:
    """Whether a diagnostic is in one of the ``given`` files or folders, or names a place there.

    The repo-wide rules name the other post's place (\"first defined at FILE:LINE:COL\").
    """
    files = [diagnostic.file, *_PLACE.findall(diagnostic.message)]
    return any(file == g or file.startswith(f"{g.rstrip('/')}/") for file in files for g in given)


def desired_targets(config: Config, checked: Checked) -> list[Target]:
    if checked.errors:
        first = checked.errors[0]
        more = f" and {len(checked.errors) - 1} more" if len(checked.errors) > 1 else ""
        raise ManifestError(
            f"the manifests have errors ({first.render()}{more}); run `contentctl validate`"
        )
    return build_targets(config, checked.result.posts)


def bind_remote(config: Config, state: State) -> list[str]:
    """Bind ``state`` to the remote this run talks to, or refuse another remote (StateError)."""
    return binding.bind(state, binding.current_remote(config))


def settle(
    config: Config,
    store: StateStore,
    state: State,
    *,
    progress: Callable[[str], None],
    view: RemoteView | None = None,
) -> tuple[State, list[str]]:
    """Finish what an interrupted apply left in the intent journal (needs the lock).

    With ``view`` (the run's listings) the settling shares the run's client and
    what it lists serves the refresh after it; without, it connects on its own.
    """
    if not state.intents:
        return state, []
    from contentctl.apply.journal import settle_pending

    def settle_with(found: RemoteView) -> list[str]:
        # store.write updates the state in place (serial), so the same object goes on
        client = found.client
        _, notes = settle_pending(state, client, now=client.remote_now, after_each=store.write,
                                  progress=progress, view=found)  # fmt: skip
        return notes

    if view is not None:
        return state, settle_with(view)
    from contentctl.publer.connect import connect
    from contentctl.remote_view import RemoteView as View

    with connect(config, on_event=progress) as client:
        return state, settle_with(View(client))


def make_plan(
    config: Config,
    state: State,
    options: PlanOptions,
    *,
    notes: Sequence[str] = (),
    paths: Sequence[Path] | None = None,
) -> tuple[Plan, Checked]:
    planned = plan_against(config, state, options, notes=notes, paths=paths)
    return planned.plan, planned.checked


@dataclass(frozen=True)
class Planned:
    plan: Plan
    checked: Checked
    state: State  # what the plan compares with: the state brought to Publer's truth if refreshed


def plan_against(
    config: Config,
    state: State,
    options: PlanOptions,
    *,
    view: RemoteView | None = None,
    notes: Sequence[str] = (),
    paths: Sequence[Path] | None = None,
    ignore: Collection[str] = (),
    reuse_read: bool = False,
) -> Planned:
    """The plan; with a ``view``, refreshed first (drift, adoption) from what Publer holds.

    With ``reuse_read`` (``plan`` without ``--refresh``) a state an apply left as what
    Publer held, not written since and younger than ``refresh_max_age`` on Publer's clock,
    is compared as it is: the apply just listed those posts (state/remote_read.py).
    """
    checked = check(config, paths, now=options.now, created=created_keys(state))
    with paused_gc():
        targets = desired_targets(config, checked)
    compared, found, requests = state, None, None
    drift: tuple[Drift, ...] = ()
    if view is not None:
        from contentctl.accounts import check_accounts
        from contentctl.apply.refresh import refresh
        from contentctl.state.remote_read import counted_accounts, reusable, scope_of

        # a wrong id or provider, located in contentctl.yaml; a wrong signature or watermark
        # id, located in its manifest (asked only when a manifest writes one)
        check_accounts(config, view.client, checked.result)
        # from here on Publer's clock decides (missed times, the lead it needs, published)
        options = replace(options, now=view.client.remote_now())
        skew = view.client.clock.skew_note()
        notes = [*notes, skew] if skew else notes
        accounts = counted_accounts(config)
        reuse = (
            reusable(
                state.remote_read,
                serial=state.serial,
                unsettled=bool(state.intents),
                scope=scope_of(accounts),
                now=options.now,
                max_age=config.refresh_max_age,
            )
            if reuse_read
            else None
        )
        if reuse is not None and reuse.agrees(view.client.count_posts(accounts)):
            notes = [*notes, reuse.note()]
        else:
            ignored = {*config.ignore_changes, *ignore}
            refreshed = refresh(state, targets, view, now=options.now, ignore=ignored)
            compared, found, requests = refreshed.state, refreshed.found, refreshed.requests
            drift = tuple(refreshed.drift)
    notes = [*notes, *_daily_limit_notes(config, targets, view)]  # Publer's daily caps
    with paused_gc():
        plan = build_plan(targets, compared, options, notes=notes, found=found)
    plan = replace(
        plan,
        remote=binding.current_remote(config).describe(),
        drift=drift,
        refresh_requests=requests,
    )
    return Planned(plan, checked, compared)


def _daily_limit_notes(
    config: Config, targets: Sequence[Target], view: RemoteView | None
) -> list[str]:
    """Accounts whose busiest day passes the plan's limit: the plan and each account's
    type from Publer when the plan talks to it (``GET /workspaces`` only when needed)."""
    from contentctl.plan.limits import daily_limit_notes, workspace_plan

    if view is None:
        return daily_limit_notes(targets, config.publer_plan or DEFAULT_PUBLER_PLAN)
    from contentctl.accounts import listed_accounts

    client = view.client
    by_id = {str(a.get("id")): str(a.get("type") or "") for a in listed_accounts(client)}
    types = {alias: by_id.get(a.id, "") for alias, a in config.accounts.items()}

    def plan() -> str:
        return workspace_plan(client.workspaces(), config.workspace_id, config.publer_plan)

    return daily_limit_notes(targets, plan, types)


def check_saved_binding(plan: SavedPlan, config: Config, state: State) -> None:
    """Refuse a saved plan of another repository, remote or state before anything is planned."""
    reasons = _binding_reasons(plan, config, state)
    if reasons:
        raise _refused(reasons, [])


def check_saved_plan(saved: SavedPlan, config: Config, now: Plan) -> Plan:
    """``now`` (the plan made again for ``apply FILE``) if it is the saved plan's change set.

    ``now`` is made from the manifests, the state and, if the run refreshes,
    Publer, after ``check_saved_binding``; it must have every change of the saved
    plan (action, target, account id, before and after, media by hash) and its
    local media must be inside the repository. Otherwise a ``StalePlanError``
    names what differs, one line each. It is ``now`` that is carried out, never
    the file's own content.
    """
    from contentctl.plan import commitment

    reasons = []
    if manifests_digest(c.target for c in now.changes if c.target) != saved.saved_manifests_digest:
        reasons.append(f"the manifests changed since the plan was made ({_posts(saved, now)})")
    lines = commitment.differences(saved, now) + commitment.media_problems(config, now)
    if reasons or lines:
        raise _refused(reasons, lines)
    return now


def _refused(reasons: list[str], lines: list[str]) -> StalePlanError:
    from contentctl.plan.commitment import summarize

    head = (
        "the saved plan is stale: " + "; ".join(reasons)
        if reasons
        else "the saved plan is not the plan the manifests and state give now (edited since "
        "it was made?); nothing was applied"
    )
    return StalePlanError(
        head + "".join(f"\n  {line}" for line in summarize(lines)),
        hint="run `contentctl plan --out FILE` again, review it and apply that",
    )


def _binding_reasons(plan: SavedPlan, config: Config, state: State) -> list[str]:
    """Why ``plan`` belongs to another repository, remote or state ([] if it is this one's)."""
    from contentctl.plan.commitment import repo_identity

    reasons = []
    if not plan.repo:
        reasons.append("the plan names no repository (made by an older contentctl?)")
    elif plan.repo != repo_identity(config):
        reasons.append(f"the plan was made in another repository (repo {plan.repo}), not here")
    remote = binding.current_remote(config).describe()
    if plan.remote != remote:
        reasons.append(f"the plan was made against {plan.remote or 'no remote'}, this run talks "
                       f"to {remote}")  # fmt: skip
    if state.intents:
        reasons.append("an interrupted apply left work to settle (`contentctl plan` settles it)")
    if not plan.state_lineage:
        if state.exists:
            reasons.append("the state file was created since the plan was made")
    elif not state.exists:
        reasons.append("the state file the plan was made against is gone")
    elif plan.state_lineage != state.lineage:
        reasons.append(f"the state's lineage is {state.lineage}, the plan's {plan.state_lineage}")
    elif plan.state_serial != state.serial or plan.state_digest != state.content_digest():
        reasons.append(
            f"the state changed since the plan was made (serial {plan.state_serial} → "
            f"{state.serial})"
        )
    return reasons


def _posts(saved: Plan, now: Plan) -> str:
    """The posts whose targets differ between two plans, for the manifests reason."""
    planned = {c.key: c.target.content_hash for c in saved.changes if c.target is not None}
    now_hashes = {c.key: c.target.content_hash for c in now.changes if c.target is not None}
    changed = sorted({k[0] for k in planned.keys() | now_hashes.keys()
                      if planned.get(k) != now_hashes.get(k)})  # fmt: skip
    more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
    return "posts: " + ", ".join(changed[:5]) + more
