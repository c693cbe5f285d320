#!/usr/bin/env bash
# yaml-language-server (the YAML server of VS Code's Red Hat extension, and of
# most editors) for tests/e2e/test_editor_schema.py: installed from npm into the
# project-local .tools/ (gitignored), pinned, so the test drives the same server
# on every machine. Quick and silent when the pinned version is already there.
# 1.25.0: the newest that runs on Debian 12's Node 20 (2.x needs Node 22).
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.25.0
tools=.tools
installed=$tools/node_modules/yaml-language-server/package.json
if [ -f "$installed" ] && grep -q "\"version\": \"$version\"" "$installed"; then
    exit 0
fi
if ! command -v npm >/dev/null; then
    echo "ensure-yaml-ls: npm is missing; as root: apt-get install npm" >&2
    exit 1
fi
echo "ensure-yaml-ls: installing yaml-language-server $version into $tools/..." >&2
mkdir -p "$tools"
npm install --prefix "$tools" --no-audit --no-fund --loglevel=error \
    "yaml-language-server@$version" >&2
