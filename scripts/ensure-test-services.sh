#!/usr/bin/env bash
# The tests start their own PostgreSQL server from Debian's packages; install them where missing.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "PostgreSQL server binaries are missing: run 'sudo apt-get install postgresql' and retry" >&2
  exit 1
fi
echo "installing PostgreSQL server (Debian package postgresql) for the tests"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql > /dev/null
