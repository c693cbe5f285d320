"""The remote is the truth, through the CLI against `contentctl sandbox serve`.

A state is bound to the Publer it describes, and the plan and apply name it
in their first line.
"""

from __future__ import annotations

from e2e_support import WORKSPACE, Project, post_yaml

from contentctl.errors import ExitCode


def test_the_wrong_remote_is_refused_naming_both_and_rebind_moves_on_purpose(
    project: Project,
) -> None:
    project.write("alpha.yaml", post_yaml("alpha"))
    applied = project.run("apply", "--auto-approve")
    assert applied.returncode == ExitCode.OK, applied.stdout + applied.stderr
    served = f"{project.server.url} (workspace {WORKSPACE})"
    assert applied.stdout.splitlines()[0] == f"Remote: {served}"
    assert project.state()["remote"] == project.server.url
    assert project.state()["workspace_id"] == WORKSPACE

    # the same repo pointed at another Publer (here the embedded sandbox): refused
    other = {"CONTENTCTL_ENDPOINT": "sandbox", "PUBLER_API_KEY": ""}
    for command in (("plan",), ("apply", "--auto-approve")):
        refused = project.run(*command, env=other)
        assert refused.returncode == ExitCode.ERROR, refused.stdout + refused.stderr
        assert refused.stdout == ""
        assert refused.stderr.splitlines()[-1] == (
            f"contentctl: error: the state describes {served}, but this run talks to "
            f"sandbox (workspace {WORKSPACE}); refusing to compare a state with another Publer "
            f"(hint: point the config back at {project.server.url}, or if you moved on purpose, "
            "run `contentctl state rebind --to-current-remote` (the next plan then reads what "
            "the new remote holds))"
        )
    rebound = project.run("state", "rebind", "--to-current-remote", env=other)
    assert rebound.returncode == ExitCode.OK, rebound.stderr
    assert rebound.stdout.startswith(
        f"Rebound the state from {served} to sandbox (workspace {WORKSPACE}) (serial "
    )
    planned = project.run("plan", env=other)
    assert planned.returncode == ExitCode.OK, planned.stderr
    assert planned.stdout.splitlines()[0] == f"Remote: sandbox (workspace {WORKSPACE})"


def test_a_sandbox_config_with_an_api_key_set_warns_loudly(project: Project) -> None:
    project.write("alpha.yaml", post_yaml("alpha"))
    planned = project.run("plan", env={"CONTENTCTL_ENDPOINT": "", "PUBLER_API_KEY": "k-123"})
    assert planned.returncode == ExitCode.OK, planned.stderr
    assert planned.stdout.splitlines()[0] == f"Remote: sandbox (workspace {WORKSPACE})"
    assert planned.stderr.splitlines()[0] == (
        "Warning: the endpoint is `sandbox` but PUBLER_API_KEY is set: this run talks to the "
        "local sandbox, NOT to Publer. Set `endpoint:` in contentctl.yaml or CONTENTCTL_ENDPOINT "
        "(https://app.publer.com/api/v1) to reach Publer."
    )
