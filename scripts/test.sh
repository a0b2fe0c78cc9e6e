#!/usr/bin/env bash
# `make test`: lint, the whole suite against throwaway PostgreSQL and Redis (and Chromium), then a smoke
# run of the embedded SQLite default. The servers are stopped whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_packages postgres:postgresql redis-server:redis-server redis-cli:redis-tools chromium:chromium \
  msgfmt:gettext cjk-font:fonts-noto-cjk fc-list:fontconfig
make --no-print-directory setup-dev
make --no-print-directory lint

PG_CTL=()
trap stop_services EXIT
trap 'exit 130' INT TERM
start_services

log "Running the test suite (PostgreSQL, Redis, Celery worker, Chromium)"
status=0
.venv/bin/pytest -p no:cacheprovider "$@" || status=$?

log "Smoke run of the embedded default (SQLite, make run's server and worker)"
smoke=0
env -u DATABASE_URL -u REDIS_URL DJANGO_SETTINGS_MODULE=config.settings.local \
  .venv/bin/python scripts/smoke_local.py || smoke=$?

[ $status -eq 0 ] || die "the test suite failed (pytest exit code $status)"
[ $smoke -eq 0 ] || die "the SQLite smoke run failed"
log "All checks passed."
