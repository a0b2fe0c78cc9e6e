#!/usr/bin/env bash
# `make bench`: the benchmarks in bench/ against throwaway PostgreSQL and Redis; figures go to
# docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_packages postgres:postgresql redis-server:redis-server redis-cli:redis-tools
PG_CTL=()
trap stop_services EXIT
trap 'exit 130' INT TERM
start_services
.venv/bin/python bench/run.py
