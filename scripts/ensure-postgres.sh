#!/usr/bin/env bash
# A PostgreSQL server for the postgres state backend's tests (tests/e2e/test_backend_postgres.py),
# which initdb a throwaway cluster in a temp folder and stop it at the end. Quick and silent
# when Debian's server binaries are there; otherwise installs the `postgresql` package with
# apt-get as root, as CI runs, refreshing the package lists only when the first try fails
# without them. It starts nothing: the tests start their own server.
set -euo pipefail
found() {
    command -v initdb >/dev/null 2>&1 && return 0
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}
if found; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-postgres: PostgreSQL's server is missing; as root: apt-get install postgresql" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
install() { apt-get install -y -q --no-install-recommends postgresql >/dev/null; }
echo "ensure-postgres: installing Debian's postgresql package..." >&2
if ! install; then
    apt-get update -q >/dev/null
    install
fi
# Debian's package starts a cluster of its own; the tests need none of it running
if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters --no-header 2>/dev/null | while read -r version name _; do
        pg_ctlcluster "$version" "$name" stop 2>/dev/null || true
    done
fi
found
