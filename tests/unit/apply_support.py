"""What the applier and journal tests share: a repo, its state and the in-process sandbox.

``Bench`` holds a config with two accounts, a state store in ``tmp_path`` and a
``PublerClient`` on ``in_process_transport`` with its clock frozen at ``NOW``
(no rate limit, no sleeping), so a whole apply runs in process in milliseconds.
``target`` builds the ``Target`` a manifest post would give, without the
manifests.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import contentctl.sandbox as sb
from contentctl.apply.applier import Applier, ApplyReport
from contentctl.config import load_config
from contentctl.model import Config, JSONObject, Provider
from contentctl.plan.build import Plan, PlanOptions, build_plan
from contentctl.plan.targets import Target, format_utc, parse_utc, spec_hash
from contentctl.publer import PublerClient
from contentctl.state.store import StateStore

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
WORKSPACE = "6650f1c2a1b2c3d4e5f60718"
# The sandbox's own accounts (it lists those, never the config's), as Publer would.
ACCOUNTS = {
    "fb": (sb.default_account_id(Provider.FACEBOOK), "facebook"),
    "x": (sb.default_account_id(Provider.TWITTER), "twitter"),
}


def target(
    post_id: str,
    alias: str = "fb",
    *,
    text: str | None = None,
    minutes: int = 60,
    bulk_state: str = "scheduled",
) -> Target:
    """A scheduled status post ``minutes`` after ``NOW``, as ``plan.targets`` builds it."""
    account_id, provider = ACCOUNTS[alias]
    spec: JSONObject = {
        "endpoint": "schedule",
        "bulk_state": bulk_state,
        "network": {"type": "status", "text": text or f"Hello from {post_id}"},
        "post": {"labels": ["contentctl"]},
        "account": {"scheduled_at": format_utc(NOW + timedelta(minutes=minutes))},
    }
    return Target(post_id, alias, account_id, provider, "UTC", f"posts/{post_id}.yaml:1:1", spec,
                  spec_hash(spec))  # fmt: skip


def utc(when: str) -> str:
    """A time as the state writes it (``…Z``); the sandbox writes Publer's ``.000+00:00``."""
    return format_utc(parse_utc(when))


@dataclass
class Bench:
    config: Config
    store: StateStore
    transport: sb.SandboxTransport
    client: PublerClient
    progress: list[str] = field(default_factory=list)

    @property
    def sandbox(self) -> sb.Store:
        return self.transport.sandbox.store

    def remote(self) -> list[tuple[str, str, str, str]]:
        """What the sandbox holds: (id, account id, text, UTC time) of every post."""
        return sorted(
            (str(p["id"]), str(p["account_id"]), str(p["text"]), utc(str(p["scheduled_at"])))
            for p in self.sandbox.posts()
        )

    def plan(self, targets: Sequence[Target]) -> Plan:
        return build_plan(targets, self.store.load(), PlanOptions(now=NOW))

    def apply(self, targets: Sequence[Target]) -> ApplyReport:
        """Plan ``targets`` against the state on disk and apply the plan, as `apply` does."""
        state = self.store.load()
        plan = build_plan(targets, state, PlanOptions(now=NOW))
        applier = Applier(
            self.config, self.store, state, self.client, self.progress.append, lambda: NOW
        )
        return applier.run(plan)


@contextmanager
def bench(
    tmp_path: Path, *, faults: sb.Faults | None = None, batch_size: int = 100
) -> Iterator[Bench]:
    lines = [f"workspace: {WORKSPACE}", "endpoint: sandbox", "timezone: UTC", "accounts:"]
    lines += [f"  {alias}: {{id: '{ident}', provider: {kind}}}"
              for alias, (ident, kind) in ACCOUNTS.items()]  # fmt: skip
    lines += ["defaults:", f"  batch_size: {batch_size}"]
    (tmp_path / "contentctl.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    config = load_config(tmp_path / "contentctl.yaml", environ={})
    transport = sb.in_process_transport(
        config, db=":memory:", clock=lambda: NOW, faults=faults, rate_limit=None
    )
    client = PublerClient(
        sb.IN_PROCESS_BASE_URL,
        sb.SANDBOX_API_KEY,
        WORKSPACE,
        transport=transport,
        sleep=lambda _seconds: None,
        poll_interval=0.0,
        rate_limit=None,
    )
    try:
        with client:
            yield Bench(config, StateStore(config.state_path), transport, client)
    finally:
        transport.sandbox.store.close()
