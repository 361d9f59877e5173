#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium: the browser tests drive it through Playwright and kaleido
# draws PNG/SVG with it. Browser downloads (`playwright install`) are not possible here, so it comes from apt.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "ensure-chromium: installing chromium from Debian's packages"
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
if ! /usr/bin/chromium --version >/dev/null 2>&1; then
  echo "ensure-chromium: /usr/bin/chromium is still missing or does not start" >&2
  exit 1
fi
