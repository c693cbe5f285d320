#!/usr/bin/env bash
# The main job, end to end, on a fresh copy of examples/content against the
# embedded sandbox: validate, plan, apply, then plan again (no changes).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
work=build/demo
rm -rf "$work"
mkdir -p "$(dirname "$work")"
cp -r examples/content "$work"
unset PUBLER_API_KEY CONTENTCTL_ENDPOINT PUBLER_WORKSPACE_ID
run() { echo; echo "\$ contentctl $*"; "$bin/contentctl" -C "$work" "$@"; }
run validate
run plan
run apply --auto-approve
run plan --detailed-exitcode
run state list
echo
echo "Demo done: the state is in $work/contentctl.state.json, the sandbox's data in $work/.contentctl/sandbox.db."
