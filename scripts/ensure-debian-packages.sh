#!/usr/bin/env bash
# Debian packages the platform needs beside its Python packages; installs whichever are missing.
#   scripts/ensure-debian-packages.sh        the release's PDF report (WeasyPrint: pango, fonts)
#   scripts/ensure-debian-packages.sh test   also what the tests start: PostgreSQL, Redis, headless Chromium and its driver
set -euo pipefail
missing=()
ldconfig -p | grep -q "libpangoft2-1.0.so.0" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ "${1:-}" = "test" ]; then
  compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
  command -v redis-server > /dev/null || missing+=(redis-server)
  command -v chromium > /dev/null || missing+=(chromium)
  command -v chromedriver > /dev/null || missing+=(chromium-driver)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Debian packages needed are missing: run 'sudo apt-get install ${missing[*]}' and retry" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
