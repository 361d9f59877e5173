#!/usr/bin/env bash
# Make sure the PostgreSQL server the tests use is up at 127.0.0.1:5432 (trust auth, database `test`).
# Installs it from Debian's packages when absent, starts the cluster when stopped, and waits until it answers.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "ensure-postgres: installing PostgreSQL from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "ensure-postgres: starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && exit 0
  sleep 1
done
echo "ensure-postgres: PostgreSQL did not answer at 127.0.0.1:5432 within 30 s" >&2
exit 1
