#!/usr/bin/env bash
# Installs the Debian packages govscan needs outside Python: Chromium for pages that need
# JavaScript (Playwright cannot download its own browser here) and a CJK font so screenshots
# of Chinese pages are readable; PostgreSQL for the history tests; redis-server for distributed nights. Idempotent: does nothing when all are present.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
# The history store's tests start a throwaway PostgreSQL server from these binaries.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
# Word 97–2003 / WPS attachments are read for personal data through antiword.
[ -x /usr/bin/antiword ] || need+=(antiword)
# `make bench` serves its generated portal with nginx and times LinkChecker beside govscan.
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ -x /usr/bin/linkchecker ] || need+=(linkchecker)
# Distributed nights: the tests and bench start their own Redis broker from this binary.
[ -x /usr/bin/redis-server ] || need+=(redis-server)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing Debian packages: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
