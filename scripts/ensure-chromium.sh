#!/usr/bin/env bash
# Debian's Chromium for the calendar's browser test (tests/e2e/test_calendar_browser.py)
# and `make calendar-screenshot`. Quick and silent when it is already there;
# otherwise installs the `chromium` package (and fonts, so a screenshot shows
# text and the emoji posts use on a bare machine) with apt-get as root, as CI
# runs, refreshing the package lists only when the first try fails without them.
set -euo pipefail
packages="chromium fonts-dejavu-core fonts-noto-color-emoji"
fonts="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
present=yes
for file in /usr/bin/chromium $fonts; do
    [ -e "$file" ] || present=no
done
if [ "$present" = yes ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-chromium: chromium or its fonts are missing; as root: apt-get install $packages" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # the package list is meant to split
install() { apt-get install -y -q --no-install-recommends $packages >/dev/null; }
echo "ensure-chromium: installing Debian's chromium package..." >&2
if ! install; then
    apt-get update -q >/dev/null
    install
fi
/usr/bin/chromium --version 2>/dev/null >&2
