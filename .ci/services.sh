# Installs and starts the servers that the backend suites test against: PostgreSQL (Debian's package)
# and Chroma (pip, in the ignored .venv/). Idempotent: a second run reuses what is installed and running.
# Source it (`. .ci/services.sh`): it exports TECSALUD_TEST_POSTGRES and TECSALUD_TEST_CHROMA.
# Everything listens on 127.0.0.1 only; the data lives under .tmp/services/ (ignored).

_services_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_services_dir="$_services_root/.tmp/services"
mkdir -p "$_services_dir"
_services_started=$SECONDS
# What this shell started (not what it found running): `stop_started_services` stops only these.
_services_pg_started=""
_services_chroma_pid=""

_http_ok() {
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" >/dev/null 2>&1
}

_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# --- PostgreSQL -------------------------------------------------------------------------------------
# Our own cluster in a temporary data directory, owned by the postgres user, on a free port: it does
# not depend on (or disturb) a cluster that the machine may already run.
_start_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "::: installing PostgreSQL"
    if [ ! -f "$_services_dir/apt-updated" ]; then
      apt-get update -qq && touch "$_services_dir/apt-updated"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  local port_file="$_services_dir/pg.port"
  if [ -f "$port_file" ] && "$bin/pg_isready" -q -h 127.0.0.1 -p "$(cat "$port_file")"; then
    export TECSALUD_TEST_POSTGRES="postgres://tecsalud:tecsalud@127.0.0.1:$(cat "$port_file")/tecsalud_test"
    return 0
  fi
  local port
  port="$(_free_port)"
  # The postgres user must be able to reach the data directory (the checkout may sit under /root).
  local run_dir="/tmp/tecsalud-pg-$(echo "$_services_root" | md5sum | cut -c1-8)"
  if [ -f "$run_dir/data/postmaster.pid" ]; then
    su postgres -s /bin/sh -c "'$bin/pg_ctl' -D '$run_dir/data' stop -m immediate" >/dev/null 2>&1 || true
  fi
  rm -rf "$run_dir" && mkdir -p "$run_dir" && chown postgres:postgres "$run_dir"
  local data="$run_dir/data"
  su postgres -s /bin/sh -c "'$bin/initdb' -D '$data' -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >'$run_dir/initdb.log' 2>&1"
  su postgres -s /bin/sh -c "'$bin/pg_ctl' -D '$data' -l '$run_dir/server.log' -w -t 60 \
    -o \"-c listen_addresses=127.0.0.1 -p $port -k '$run_dir' -c max_connections=200 -c fsync=off\" start >/dev/null"
  "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE tecsalud LOGIN PASSWORD 'tecsalud' CREATEDB" \
    -c "CREATE DATABASE tecsalud_test OWNER tecsalud" >/dev/null
  echo "$port" >"$port_file"
  _services_pg_started="$bin/pg_ctl -D '$data'"
  export TECSALUD_TEST_POSTGRES="postgres://tecsalud:tecsalud@127.0.0.1:$port/tecsalud_test"
}

# --- Chroma -----------------------------------------------------------------------------------------
_start_chroma() {
  local venv="$_services_root/.venv"
  if [ ! -x "$venv/bin/chroma" ]; then
    echo "::: installing chromadb into .venv"
    python3 -m venv "$venv"
    # Pinned: the server version the npm chromadb 3.5.0 client was tested against.
    "$venv/bin/pip" install --quiet --disable-pip-version-check chromadb==1.5.9
  fi
  local port_file="$_services_dir/chroma.port"
  if [ -f "$port_file" ] && _http_ok "http://127.0.0.1:$(cat "$port_file")/api/v2/heartbeat"; then
    export TECSALUD_TEST_CHROMA="http://127.0.0.1:$(cat "$port_file")"
    return 0
  fi
  local port
  port="$(_free_port)"
  rm -rf "$_services_dir/chroma-data"
  ANONYMIZED_TELEMETRY=False nohup "$venv/bin/chroma" run --host 127.0.0.1 --port "$port" \
    --path "$_services_dir/chroma-data" >"$_services_dir/chroma.log" 2>&1 &
  _services_chroma_pid=$!
  local tries=0
  until _http_ok "http://127.0.0.1:$port/api/v2/heartbeat"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 120 ]; then
      echo "Chroma did not answer on port $port within 60 s; its log:" >&2
      tail -20 "$_services_dir/chroma.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "$port" >"$port_file"
  export TECSALUD_TEST_CHROMA="http://127.0.0.1:$port"
}

# Stops the servers this shell started, so that a CI run leaves nothing running behind it. Servers that
# were already running when it was sourced (a developer's) are left alone.
stop_started_services() {
  if [ -n "$_services_chroma_pid" ]; then
    kill "$_services_chroma_pid" 2>/dev/null || true
    wait "$_services_chroma_pid" 2>/dev/null || true
    rm -f "$_services_dir/chroma.port"
    _services_chroma_pid=""
  fi
  if [ -n "$_services_pg_started" ]; then
    su postgres -s /bin/sh -c "$_services_pg_started stop -m fast" >/dev/null 2>&1 || true
    rm -f "$_services_dir/pg.port"
    _services_pg_started=""
  fi
}

_start_postgres
_start_chroma
echo "::: services ready in $((SECONDS - _services_started)) s: PostgreSQL ${TECSALUD_TEST_POSTGRES//tecsalud:tecsalud@/tecsalud:***@}, Chroma $TECSALUD_TEST_CHROMA"
