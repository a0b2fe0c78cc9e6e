# Shared shell functions of `make test` and `make bench`: system packages and throwaway servers.
# Source it; it does nothing on its own.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mError: %s\033[0m\n' "$*" >&2; exit 1; }

# ensure_packages "command:debian-package" ...
# Installs the Debian packages whose command is missing (as root), or says exactly what to install.
ensure_packages() {
  local missing=() spec cmd pkg
  for spec in "$@"; do
    cmd=${spec%%:*}; pkg=${spec#*:}
    case "$cmd" in
      postgres) [ -n "$(pg_bindir)" ] || missing+=("$pkg") ;;
      cjk-font) fc-list :lang=zh 2>/dev/null | grep -q . || missing+=("$pkg") ;;
      *) command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg") ;;
    esac
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing system packages: ${missing[*]}. Install them (sudo apt-get install ${missing[*]}) or run as root."
  fi
  log "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pg_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_services: a PostgreSQL cluster and a Redis server on free loopback ports, in a temporary
# directory; exports DATABASE_URL and REDIS_URL. stop_services removes them again.
start_services() {
  SERVICES_DIR=$(mktemp -d /tmp/gridgov-services.XXXXXX)
  chmod 755 "$SERVICES_DIR"
  local bindir pg_port redis_port as_pg=()
  bindir=$(pg_bindir)
  pg_port=$(free_port)
  redis_port=$(free_port)
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root.
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    as_pg=(runuser -u postgres --)
  fi
  mkdir -p "$SERVICES_DIR/pg"
  [ ${#as_pg[@]} -eq 0 ] || chown postgres "$SERVICES_DIR/pg"
  log "Starting PostgreSQL on 127.0.0.1:$pg_port"
  "${as_pg[@]}" "$bindir/initdb" -D "$SERVICES_DIR/pg/data" -U gridgov --auth=trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$SERVICES_DIR/initdb.log" 2>&1 || { cat "$SERVICES_DIR/initdb.log"; die "initdb failed"; }
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$SERVICES_DIR/pg/data" -l "$SERVICES_DIR/pg/postgres.log" -w -t 60 start \
    -o "-p $pg_port -k $SERVICES_DIR/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || { cat "$SERVICES_DIR/pg/postgres.log"; die "PostgreSQL did not start"; }
  PG_CTL=("${as_pg[@]}" "$bindir/pg_ctl" -D "$SERVICES_DIR/pg/data")
  "$bindir/createdb" -h 127.0.0.1 -p "$pg_port" -U gridgov gridgov
  log "Starting Redis on 127.0.0.1:$redis_port"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --dir "$SERVICES_DIR" --pidfile "$SERVICES_DIR/redis.pid" --logfile "$SERVICES_DIR/redis.log" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 || die "Redis did not start"
  export DATABASE_URL="postgres://gridgov@127.0.0.1:$pg_port/gridgov"
  export REDIS_URL="redis://127.0.0.1:$redis_port/0"
}

stop_services() {
  # Runs from an EXIT trap: a server that already died must not stop the cleanup of the other.
  set +e
  [ -n "${SERVICES_DIR:-}" ] || return 0
  if [ -f "$SERVICES_DIR/redis.pid" ]; then kill "$(cat "$SERVICES_DIR/redis.pid")" 2>/dev/null; fi
  if [ ${#PG_CTL[@]} -gt 0 ]; then "${PG_CTL[@]}" -m immediate stop >/dev/null 2>&1; fi
  rm -rf "$SERVICES_DIR"
  SERVICES_DIR=
}
