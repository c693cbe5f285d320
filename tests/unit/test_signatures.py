"""A post sent with a signature Publer lists appended to its text (an inference, the switch
``publer_switches.SIGNATURE_IN_LISTED_TEXT``): found again after a lost answer, exactly
once, and no drift afterwards.
https://publer.com/docs/posting/create-posts/content-types/post-with-signature
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from apply_support import ACCOUNTS, NOW, WORKSPACE, bench, target

import contentctl.sandbox as sb
from contentctl import publer_switches as switches
from contentctl.apply.refresh import refresh
from contentctl.model import JSONObject
from contentctl.plan.targets import Target, json_object, spec_hash
from contentctl.remote_view import RemoteView
from contentctl.sandbox.seed import signatures


def signed_target(b_sandbox: sb.Store, post_id: str) -> tuple[Target, str]:
    plain = target(post_id)
    [account] = [a for a in b_sandbox.accounts(WORKSPACE) if a["id"] == ACCOUNTS["fb"][0]]
    signature = signatures(account)[0]
    account_spec = {**json_object(plain.spec["account"]), "signature": signature["id"]}
    spec: JSONObject = {**plain.spec, "account": account_spec}
    return replace(plain, spec=spec, given_hash=spec_hash(spec)), str(signature["text"])


@pytest.mark.parametrize("appended", [True, False], ids=["listed with it", "listed without"])
def test_a_lost_answer_with_a_signature_finds_the_post_once_and_no_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, appended: bool
) -> None:
    # both sides of the switch: the sandbox lists what it says, matching finds the post either way
    monkeypatch.setattr(switches, "SIGNATURE_IN_LISTED_TEXT", appended)
    with bench(tmp_path, faults=sb.Faults(drop_after_commit=1)) as b:
        signed, text = signed_target(b.sandbox, "signed")
        report = b.apply([signed])
        assert report.summary() == "Apply complete: 1 created, 0 updated, 0 deleted, 0 failed."
        [(_id, _account, listed, _at)] = b.remote()
        assert listed == (f"Hello from signed\n\n{text}" if appended else "Hello from signed")
        assert not b.plan([signed]).has_changes
        seen = refresh(b.store.load(), [signed], RemoteView(b.client), now=NOW)
        assert seen.drift == []
