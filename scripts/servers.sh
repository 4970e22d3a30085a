#!/usr/bin/env bash
# Throwaway PostgreSQL, RabbitMQ and Redis for Agora's tests.
#
#   scripts/servers.sh install   install the Debian packages if binaries are missing
#   scripts/servers.sh start     (install if needed and) start all three; idempotent
#   scripts/servers.sh stop      stop all three and kill leftovers
#   scripts/servers.sh status    show what is running
#   scripts/servers.sh env       print the AGORA_TEST_* export lines for the tests
#   scripts/servers.sh restart-one postgres|rabbitmq   restart one of them hard (bench/chaos)
#
# Everything lives in a scratch directory (AGORA_SCRATCH, default
# <repo>/.agora/servers) and listens on 127.0.0.1 only, on non-default ports,
# so it never touches the system clusters/configs or anything already running:
#
#   PostgreSQL  127.0.0.1:55432  superuser agora/agora (tests create/drop databases); TLS offered on the same port
#   RabbitMQ    127.0.0.1:55672  node agora@localhost, dist port 55673,
#               management http://127.0.0.1:55674, administrator agora/agora on /
#               amqps (TLS only) on 127.0.0.1:55671
#   Redis       127.0.0.1:56379  no persistence
#
# TLS (issue 14): PostgreSQL (ssl=on, plain still accepted) and RabbitMQ's amqps listener serve one server certificate
# (SAN localhost, 127.0.0.1, ::1; EC P-256, 30 days, reissued at start when under 2 days are left) issued by a CA of
# the scratch directory's own, <scratch>/tls/ca.crt (not scripts/certs.sh's project CA; a service is pointed at it
# with Agora:Tls:Servers:CaPath). `env` prints AGORA_TEST_SERVERS_CA, AGORA_TEST_POSTGRES_TLS (VerifyFull against that
# CA) and AGORA_TEST_RABBITMQ_TLS (amqps://) beside the plain variables, which stay as they were.
#
# Tunables (environment): AGORA_SCRATCH, AGORA_SERVERS_TIMEOUT (seconds per
# server, default 120), AGORA_PG_PORT, AGORA_RABBITMQ_PORT,
# AGORA_RABBITMQ_DIST_PORT, AGORA_RABBITMQ_MGMT_PORT, AGORA_RABBITMQ_TLS_PORT
# (amqps; default AGORA_RABBITMQ_PORT - 1), AGORA_REDIS_PORT,
# AGORA_RABBITMQ_NODE (Erlang node name, unique per machine; default agora@localhost, agora-<port>@localhost
# when AGORA_RABBITMQ_PORT is not the default),
# AGORA_PG_BIN (directory holding initdb/pg_ctl), AGORA_NO_INSTALL=1,
# AGORA_PG_DURABLE (PostgreSQL durability; by default the test server turns
# fsync, synchronous_commit and full_page_writes off for speed, so a crash of its
# process may lose the last commits it acknowledged: fine for tests that never
# crash it): "commit" turns synchronous_commit on, so every acknowledged commit
# has reached the operating system and survives the server's process crashing
# (bench/chaos, which crashes it; the OS itself is not crashed); "1" turns all
# three on, as in production (benchmarks of durable throughput).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRATCH="${AGORA_SCRATCH:-$REPO_ROOT/.agora/servers}"
case "$SCRATCH" in /*) ;; *) SCRATCH="$PWD/$SCRATCH" ;; esac
TIMEOUT="${AGORA_SERVERS_TIMEOUT:-120}"

PG_PORT="${AGORA_PG_PORT:-55432}"
RMQ_PORT="${AGORA_RABBITMQ_PORT:-55672}"
RMQ_DIST_PORT="${AGORA_RABBITMQ_DIST_PORT:-55673}"
RMQ_MGMT_PORT="${AGORA_RABBITMQ_MGMT_PORT:-55674}"
RMQ_TLS_PORT="${AGORA_RABBITMQ_TLS_PORT:-$((RMQ_PORT - 1))}"
REDIS_PORT="${AGORA_REDIS_PORT:-56379}"
# One Erlang node name per instance: agora@localhost on the default port, agora-<port>@localhost on any other, so a
# private instance on other ports (a second checkout, a helper) never collides with the default one by name.
if [ "$RMQ_PORT" = 55672 ]; then RMQ_NODE="${AGORA_RABBITMQ_NODE:-agora@localhost}"; else RMQ_NODE="${AGORA_RABBITMQ_NODE:-agora-$RMQ_PORT@localhost}"; fi
DB_USER="agora"
DB_PASS="agora"

APT_PACKAGES=(postgresql rabbitmq-server redis-server prometheus openssl)  # prometheus: only for promtool (metrics format check)

log() { printf 'servers: %s\n' "$*" >&2; }
die() { printf 'servers: ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------- binaries --

find_pg_bin() {
    local d
    for d in "${AGORA_PG_BIN:-}" /usr/lib/postgresql/15/bin; do
        if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    done
    # Another major version (e.g. Ubuntu's packaged one): newest first.
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k4 -rn); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"; return 0
    fi
    return 1
}

find_rmq_bin() {
    if [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then echo /usr/lib/rabbitmq/bin; return 0; fi
    if command -v rabbitmq-server >/dev/null 2>&1 && command -v rabbitmqctl >/dev/null 2>&1; then
        dirname "$(command -v rabbitmq-server)"; return 0
    fi
    return 1
}

missing_binaries() {
    local missing=()
    find_pg_bin >/dev/null || missing+=("PostgreSQL server (initdb, pg_ctl)")
    find_rmq_bin >/dev/null || missing+=("RabbitMQ server (rabbitmq-server, rabbitmqctl)")
    command -v redis-server >/dev/null 2>&1 || missing+=("redis-server")
    command -v redis-cli >/dev/null 2>&1 || missing+=("redis-cli")
    command -v promtool >/dev/null 2>&1 || missing+=("promtool (package prometheus)")
    command -v openssl >/dev/null 2>&1 || missing+=("openssl")
    [ "${#missing[@]}" -eq 0 ] || printf '%s\n' "${missing[@]}"
}

is_debian_like() {
    [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1
}

install_instructions() {
    cat >&2 <<EOF
servers: install these, then re-run:
  - PostgreSQL 15 server + client (initdb, pg_ctl, postgres, psql)
  - RabbitMQ 3.10+ server (rabbitmq-server, rabbitmqctl, management plugin bundled)
  - Redis 7 (redis-server, redis-cli)
  - openssl (the servers' TLS certificates)
  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES[*]}
  Fedora/RHEL:    sudo dnf install -y postgresql-server postgresql rabbitmq-server redis
  Arch:           sudo pacman -S postgresql rabbitmq redis
  macOS:          brew install postgresql@15 rabbitmq redis
                  (then AGORA_PG_BIN=\$(brew --prefix postgresql@15)/bin, rabbitmq-server on PATH)
EOF
}

cmd_install() {
    local missing
    missing="$(missing_binaries)"
    if [ -z "$missing" ]; then return 0; fi
    log "missing: $(echo "$missing" | paste -sd';' - | sed 's/;/; /g')"
    if [ "${AGORA_NO_INSTALL:-}" = 1 ] || ! is_debian_like; then
        install_instructions
        exit 2
    fi
    local sudo=()
    if ! is_root; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo)
        elif command -v sudo >/dev/null 2>&1 && [ -t 0 ]; then
            sudo=(sudo)   # interactive: sudo may prompt for a password
        else
            log "need root (or sudo) to run: apt-get install -y ${APT_PACKAGES[*]}"
            install_instructions
            exit 2
        fi
    fi
    # apt must not start the system services (they'd occupy memory and the
    # default ports); the usual way is a policy-rc.d that answers 101.
    local policy=/usr/sbin/policy-rc.d made_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
        "${sudo[@]}" chmod 755 "$policy"
        made_policy=1
    fi
    log "installing ${APT_PACKAGES[*]} (apt-get) ..."
    local rc=0 apt_log="${TMPDIR:-/tmp}/agora-apt.$$.log"
    {
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q &&
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q "${APT_PACKAGES[@]}"
    } >"$apt_log" 2>&1 || rc=$?
    if [ -n "$made_policy" ]; then "${sudo[@]}" rm -f "$policy"; fi
    if [ "$rc" -ne 0 ]; then
        tail -n 30 "$apt_log" >&2
        die "apt-get install failed (exit $rc); full log: $apt_log"
    fi
    rm -f "$apt_log"
    missing="$(missing_binaries)"
    if [ -n "$missing" ]; then
        install_instructions
        die "still missing after install: $missing"
    fi
    log "installed"
}

# ------------------------------------------------------------------ helpers --

# Run a command as a service user when we are root (the servers refuse to, or
# shouldn't, run as root); as ourselves otherwise.
as_user() {
    local user="$1"; shift
    if is_root; then
        (cd / && runuser -u "$user" -- "$@")
    else
        "$@"
    fi
}

# Directory for data of services running as another user. The scratch dir is
# used when those users can reach it; otherwise (e.g. a checkout under /root)
# a deterministic directory under /tmp.
data_base() {
    if ! is_root; then echo "$SCRATCH"; return; fi
    if runuser -u postgres -- test -x "$SCRATCH" 2>/dev/null &&
       runuser -u rabbitmq -- test -x "$SCRATCH" 2>/dev/null; then
        echo "$SCRATCH"
    else
        echo "/tmp/agora-servers-$(printf '%s' "$SCRATCH" | cksum | cut -d' ' -f1)"
    fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# port_free SERVICE PORT...: die with a clear message if a port is taken.
port_free() {
    local what="$1" port; shift
    for port in "$@"; do
        if port_open "$port"; then
            die "$what: port $port on 127.0.0.1 is already in use by another process (another checkout's servers? stop them, or set AGORA_*_PORT)"
        fi
    done
}
pid_gone() { ! pid_alive "$1"; }

read_pid() { if [ -f "$1" ]; then head -n1 "$1" | tr -dc '0-9'; fi; }

# wait_until SECONDS CMD...: poll CMD every 0.5 s; false on timeout.
wait_until() {
    local secs="$1"; shift
    local deadline=$((SECONDS + secs))
    until "$@"; do
        if [ "$SECONDS" -ge "$deadline" ]; then return 1; fi
        sleep 0.5
    done
}

# kill_pid PID NAME COMM: TERM, wait, then KILL -- only if the process's
# command name matches COMM (a pid file may outlive its process and the pid
# be reused by something else).
kill_pid() {
    local pid="$1" name="$2" comm="$3"
    pid_alive "$pid" || return 0
    if [ -r "/proc/$pid/comm" ] && ! grep -q -- "$comm" "/proc/$pid/comm"; then return 0; fi
    wait_until 5 pid_gone "$pid" && return 0   # may be exiting already
    log "killing leftover $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    wait_until 15 pid_gone "$pid" && return 0
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 5 pid_gone "$pid" || true
}

show_log() {
    local file="$1"
    if [ -f "$file" ]; then
        printf -- '---- last lines of %s ----\n' "$file" >&2
        tail -n 25 "$file" >&2 || true
        printf -- '----\n' >&2
    fi
}

init_paths() {
    DATA="$(data_base)"
    PG_DIR="$DATA/pg"
    PG_DATA="$PG_DIR/data"
    PG_LOG="$PG_DIR/postgres.log"
    PG_SOCK="$PG_DIR/run"
    RMQ_DIR="$DATA/rabbitmq"
    RMQ_PIDFILE="$RMQ_DIR/rabbitmq.pid"
    RMQ_LAUNCHER_PIDFILE="$SCRATCH/rabbitmq-launcher.pid"
    RMQ_EPMD_MARK="$SCRATCH/epmd-started-by-us"
    TLS_DIR="$SCRATCH/tls"
    REDIS_DIR="$SCRATCH/redis"
    REDIS_PIDFILE="$REDIS_DIR/redis.pid"
    REDIS_LOG="$REDIS_DIR/redis.log"
    if is_root; then
        RMQ_HOME="$(getent passwd rabbitmq | cut -d: -f6)"
        RMQ_HOME="${RMQ_HOME:-/var/lib/rabbitmq}"
    else
        RMQ_HOME="$HOME"
    fi
    # Environment shared by rabbitmq-server and rabbitmqctl. HOME decides the
    # Erlang cookie: as root it is the rabbitmq user's home, i.e. the cookie
    # the packaged /usr/sbin/rabbitmqctl wrapper uses (it su's to rabbitmq),
    # so a plain `rabbitmqctl -n agora@localhost status` works as well.
    RMQ_VARS=(
        HOME="$RMQ_HOME"
        RABBITMQ_NODENAME="$RMQ_NODE"
        RABBITMQ_USE_LONGNAME=false
        RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"
        RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
        RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"
        RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
        RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
        RABBITMQ_LOG_BASE="$RMQ_DIR/log"
        RABBITMQ_PID_FILE="$RMQ_PIDFILE"
    )
    RMQCTL=()
    if is_root; then RMQCTL=(runuser -u rabbitmq --); fi
    RMQCTL+=(env "${RMQ_VARS[@]}" "${RMQ_BIN:-/usr/lib/rabbitmq/bin}/rabbitmqctl" -n "$RMQ_NODE")
}

mkdir_for() {
    local user="$1"; shift
    mkdir -p "$@"
    chmod 755 "$@"
    if is_root; then chown "$user:" "$@"; fi
}

# ---------------------------------------------------------------------- TLS --

# tls_files: the scratch directory's CA (365 days; made anew when under 30 days are left) and the servers' certificate
# (30 days; reissued when under 2 days are left or when it does not chain to the CA), PEM, in $TLS_DIR.
tls_files() {
    mkdir -p "$TLS_DIR"
    chmod 755 "$TLS_DIR"
    local ca="$TLS_DIR/ca.crt" cakey="$TLS_DIR/ca.key" crt="$TLS_DIR/server.crt" key="$TLS_DIR/server.key"
    if [ ! -s "$ca" ] || [ ! -s "$cakey" ] || ! openssl x509 -in "$ca" -noout -checkend $((30 * 86400)) >/dev/null 2>&1; then
        log "tls: new CA $ca"
        (umask 077; openssl ecparam -name prime256v1 -genkey -noout -out "$cakey")
        openssl req -x509 -new -key "$cakey" -sha256 -days 365 -subj "/O=Agora/CN=Agora test servers CA" \
            -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -addext "subjectKeyIdentifier=hash" -out "$ca" 2>/dev/null
        rm -f "$crt"
    fi
    if [ ! -s "$crt" ] || [ ! -s "$key" ] || ! openssl x509 -in "$crt" -noout -checkend $((2 * 86400)) >/dev/null 2>&1 \
        || ! openssl verify -CAfile "$ca" "$crt" >/dev/null 2>&1; then
        log "tls: new server certificate $crt"
        local ext csr
        ext="$(mktemp)"; csr="$(mktemp)"
        printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
            "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
            "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$ext"
        (umask 077; openssl ecparam -name prime256v1 -genkey -noout -out "$key")
        openssl req -new -key "$key" -subj "/O=Agora/CN=localhost" -out "$csr"
        openssl x509 -req -in "$csr" -CA "$ca" -CAkey "$cakey" -CAcreateserial -sha256 -days 30 -extfile "$ext" \
            -out "$crt" 2>/dev/null
        rm -f "$ext" "$csr"
    fi
    chmod 644 "$ca" "$crt"
}

# tls_copy USER DIR: the servers' pair and the CA in DIR, owned by USER, the key 0600 (PostgreSQL refuses a key others
# may read).
tls_copy() {
    local user="$1" dir="$2"
    mkdir_for "$user" "$dir"
    cp "$TLS_DIR/ca.crt" "$TLS_DIR/server.crt" "$TLS_DIR/server.key" "$dir/"
    chmod 644 "$dir/ca.crt" "$dir/server.crt"
    chmod 600 "$dir/server.key"
    if is_root; then chown "$user:" "$dir/ca.crt" "$dir/server.crt" "$dir/server.key"; fi
}

# --------------------------------------------------------------- PostgreSQL --

pg() { as_user postgres "$PG_BIN/$1" "${@:2}"; }

pg_running() { [ -f "$PG_DATA/PG_VERSION" ] && pg pg_ctl -D "$PG_DATA" status >/dev/null 2>&1; }

pg_ready() {
    PGPASSWORD="$DB_PASS" PGCONNECT_TIMEOUT=3 "$PSQL" -X -q -At \
        "host=127.0.0.1 port=$PG_PORT user=$DB_USER dbname=postgres" -c 'select 1' >/dev/null 2>&1
}

pg_start() {
    PSQL="$PG_BIN/psql"; [ -x "$PSQL" ] || PSQL="$(command -v psql || echo psql)"
    if pg_running; then
        if pg_ready; then log "postgres: already running on 127.0.0.1:$PG_PORT"; return 0; fi
        die "postgres: a server is running from $PG_DATA but does not accept agora/agora on 127.0.0.1:$PG_PORT (try: $0 stop)"
    fi
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        log "postgres: initdb in $PG_DATA"
        rm -rf "$PG_DIR"
        mkdir_for postgres "$PG_DIR" "$PG_SOCK"
        local pwfile="$PG_DIR/pwfile"
        printf '%s\n' "$DB_PASS" >"$pwfile"
        if is_root; then chown postgres: "$pwfile"; fi
        chmod 600 "$pwfile"
        if ! pg initdb -D "$PG_DATA" -U "$DB_USER" --pwfile="$pwfile" -E UTF8 --locale=C \
                --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$PG_DIR/initdb.log" 2>&1; then
            show_log "$PG_DIR/initdb.log"
            rm -f "$pwfile"
            die "postgres: initdb failed"
        fi
        rm -f "$pwfile"
        echo "include_if_exists = 'agora.conf'" >>"$PG_DATA/postgresql.conf"
    fi
    port_free postgres "$PG_PORT"
    mkdir_for postgres "$PG_SOCK"
    tls_copy postgres "$PG_DIR/tls"
    # Socket paths are limited to ~107 bytes; fall back to TCP only.
    local sockdir="$PG_SOCK"
    if [ "$(( ${#PG_SOCK} + 20 ))" -gt 100 ]; then sockdir=""; fi
    # Settings that may change between runs are rewritten on every start.
    local durability=off commits=off
    case "${AGORA_PG_DURABLE:-0}" in
        1) durability=on; commits=on ;;
        commit) commits=on ;;
    esac
    cat >"$PG_DATA/agora.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sockdir'
max_connections = 300
shared_buffers = 64MB
fsync = $durability
synchronous_commit = $commits
full_page_writes = $durability
log_min_messages = warning
log_line_prefix = '%m [%p] '
ssl = on
ssl_cert_file = '$PG_DIR/tls/server.crt'
ssl_key_file = '$PG_DIR/tls/server.key'
EOF
    if is_root; then chown postgres: "$PG_DATA/agora.conf"; fi
    log "postgres: starting on 127.0.0.1:$PG_PORT"
    if ! pg pg_ctl -D "$PG_DATA" -l "$PG_LOG" -w -t "$TIMEOUT" start >"$PG_DIR/pg_ctl.log" 2>&1 9>&-; then
        cat "$PG_DIR/pg_ctl.log" >&2 || true
        show_log "$PG_LOG"
        die "postgres: did not start within ${TIMEOUT}s (is port $PG_PORT taken? see $PG_LOG)"
    fi
    if ! wait_until "$TIMEOUT" pg_ready; then
        show_log "$PG_LOG"
        die "postgres: started but agora/agora cannot log in on 127.0.0.1:$PG_PORT"
    fi
}

pg_stop() {
    [ -f "$PG_DATA/PG_VERSION" ] || return 0
    local pid
    pid="$(read_pid "$PG_DATA/postmaster.pid")"
    if pg_running; then
        log "postgres: stopping"
        pg pg_ctl -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null 2>&1 ||
            pg pg_ctl -D "$PG_DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    kill_pid "$pid" postgres postgres
}

# ----------------------------------------------------------------- RabbitMQ --

rmqctl() { (cd / && "${RMQCTL[@]}" "$@"); }

rmq_running() {
    pid_alive "$(read_pid "$RMQ_PIDFILE")" && rmqctl -q wait "$RMQ_PIDFILE" --timeout 30 >/dev/null 2>&1
}

rmq_launcher_alive() { pid_alive "$(read_pid "$RMQ_LAUNCHER_PIDFILE")"; }
rmq_pidfile_or_dead() { [ -s "$RMQ_PIDFILE" ] || ! rmq_launcher_alive; }
rmq_ports_open() { port_open "$RMQ_PORT" && port_open "$RMQ_MGMT_PORT" && port_open "$RMQ_TLS_PORT"; }

rmq_cookie() {
    local cookie="$RMQ_HOME/.erlang.cookie"
    [ -f "$cookie" ] && return 0
    log "rabbitmq: creating Erlang cookie $cookie"
    mkdir -p "$RMQ_HOME"
    local value
    value="$(tr -dc 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' </dev/urandom 2>/dev/null | head -c 20 || true)"
    (umask 077; printf '%s' "$value" >"$cookie")
    chmod 400 "$cookie"
    if is_root; then chown rabbitmq: "$cookie"; fi
}

rmq_start() {
    if rmq_running; then
        log "rabbitmq: already running ($RMQ_NODE, amqp 127.0.0.1:$RMQ_PORT)"
        return 0
    fi
    # Leftovers of a crashed run (pid file of a dead node, stray launcher).
    rmq_stop_quiet
    port_free rabbitmq "$RMQ_PORT" "$RMQ_DIST_PORT" "$RMQ_MGMT_PORT" "$RMQ_TLS_PORT"
    mkdir_for rabbitmq "$RMQ_DIR" "$RMQ_DIR/mnesia" "$RMQ_DIR/log"
    tls_copy rabbitmq "$RMQ_DIR/tls"
    : >"$RMQ_DIR/rabbitmq-env.conf"   # keep /etc/rabbitmq/rabbitmq-env.conf out
    echo '[rabbitmq_management].' >"$RMQ_DIR/enabled_plugins"
    cat >"$RMQ_DIR/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$RMQ_PORT
# amqps beside the plain listener: TLS only, with the servers' certificate; clients are not asked for one.
listeners.ssl.default = 127.0.0.1:$RMQ_TLS_PORT
ssl_options.cacertfile = $RMQ_DIR/tls/ca.crt
ssl_options.certfile = $RMQ_DIR/tls/server.crt
ssl_options.keyfile = $RMQ_DIR/tls/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
management.tcp.ip = 127.0.0.1
management.tcp.port = $RMQ_MGMT_PORT
# Created on first boot only (fresh mnesia), instead of guest.
default_user = $DB_USER
default_pass = $DB_PASS
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
default_vhost = /
log.console = false
log.file.level = info
EOF
    if is_root; then
        chown rabbitmq: "$RMQ_DIR/rabbitmq-env.conf" "$RMQ_DIR/enabled_plugins" "$RMQ_DIR/rabbitmq.conf"
    fi
    rmq_cookie
    if ! epmd -names >/dev/null 2>&1; then : >"$RMQ_EPMD_MARK"; fi
    log "rabbitmq: starting $RMQ_NODE (amqp 127.0.0.1:$RMQ_PORT, amqps $RMQ_TLS_PORT, dist $RMQ_DIST_PORT, management $RMQ_MGMT_PORT)"
    local startup_log="$SCRATCH/rabbitmq-startup.log"
    local runas=()
    if is_root; then runas=(runuser -u rabbitmq --); fi
    # setsid: own process group/session so stop can clean up everything;
    # stdio detached so nothing holds the caller's pipes open.
    (cd / && exec setsid "${runas[@]}" env "${RMQ_VARS[@]}" \
        ERL_EPMD_ADDRESS=127.0.0.1 \
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
        RABBITMQ_NODE_PORT="$RMQ_PORT" \
        RABBITMQ_DIST_PORT="$RMQ_DIST_PORT" \
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
        "$RMQ_BIN/rabbitmq-server" </dev/null >"$startup_log" 2>&1) 9>&- &
    echo $! >"$RMQ_LAUNCHER_PIDFILE"
    # 1) wait for the node to write its pid file (or the launcher to die)
    if ! wait_until "$TIMEOUT" rmq_pidfile_or_dead; then
        show_log "$startup_log"
        die "rabbitmq: no pid file after ${TIMEOUT}s"
    fi
    if [ ! -s "$RMQ_PIDFILE" ]; then
        show_log "$startup_log"
        show_log "$RMQ_DIR/log/$RMQ_NODE.log"
        rmq_retry && return 0
        die "rabbitmq: server exited during startup (ports $RMQ_PORT/$RMQ_DIST_PORT/$RMQ_MGMT_PORT/$RMQ_TLS_PORT taken? see $startup_log)"
    fi
    # 2) wait for the rabbit application to be fully booted
    if ! rmqctl -q wait "$RMQ_PIDFILE" --timeout "$TIMEOUT" >"$SCRATCH/rabbitmq-wait.log" 2>&1; then
        cat "$SCRATCH/rabbitmq-wait.log" >&2 || true
        show_log "$startup_log"
        show_log "$RMQ_DIR/log/$RMQ_NODE.log"
        rmq_retry && return 0
        die "rabbitmq: did not boot within ${TIMEOUT}s"
    fi
    # 3) listeners (management starts with the node, but check anyway)
    if ! wait_until "$TIMEOUT" rmq_ports_open; then
        show_log "$RMQ_DIR/log/$RMQ_NODE.log"
        die "rabbitmq: booted but not listening on $RMQ_PORT/$RMQ_MGMT_PORT/$RMQ_TLS_PORT"
    fi
}

# One more start after a failed boot. Its ports lie in Linux's ephemeral range (32768-60999), so a client socket
# somewhere on the machine can hold one (port_free sees listeners only) when the node listens: the node then stops at
# boot (a CI chaos run's RabbitMQ died so, as its management listener started). Such a socket is short-lived; the
# second try starts from an empty mnesia, since the first may have died before it created the default user.
rmq_retry() {
    [ -z "${RMQ_RETRIED:-}" ] || return 1
    RMQ_RETRIED=1
    log "rabbitmq: the boot failed; stopping what is left and trying once more"
    rmq_stop_quiet
    rm -rf "$RMQ_DIR/mnesia"
    rmq_start
}

rmq_stop_quiet() {
    local pid launcher
    pid="$(read_pid "$RMQ_PIDFILE")"
    launcher="$(read_pid "$RMQ_LAUNCHER_PIDFILE")"
    kill_pid "$pid" "rabbitmq node" beam
    if pid_alive "$launcher"; then
        kill -TERM -- "-$launcher" 2>/dev/null || true
        sleep 1
        kill -KILL -- "-$launcher" 2>/dev/null || true
    fi
    rm -f "$RMQ_PIDFILE" "$RMQ_LAUNCHER_PIDFILE"
}

rmq_stop() {
    local pid
    pid="$(read_pid "$RMQ_PIDFILE")"
    if pid_alive "$pid"; then
        log "rabbitmq: stopping"
        (cd / && timeout 120 "${RMQCTL[@]}" -q stop "$RMQ_PIDFILE") >/dev/null 2>&1 || true
    fi
    rmq_stop_quiet
    # epmd is shared by all Erlang nodes; only stop it if we started it and
    # nothing else is registered (epmd -kill refuses while nodes are alive).
    if [ -f "$RMQ_EPMD_MARK" ]; then
        if ! epmd -names 2>/dev/null | grep -q '^name '; then
            epmd -kill >/dev/null 2>&1 || true
        fi
        rm -f "$RMQ_EPMD_MARK"
    fi
}

# -------------------------------------------------------------------- Redis --

redis_ready() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

# Ready, and it's our redis (not one of another checkout on the same port).
redis_ours() {
    local pid
    pid="$(read_pid "$REDIS_PIDFILE")"
    pid_alive "$pid" && redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info server 2>/dev/null | tr -d '\r' | grep -qx "process_id:$pid"
}

redis_start() {
    if redis_ours; then
        log "redis: already running on 127.0.0.1:$REDIS_PORT"
        return 0
    fi
    redis_stop
    port_free redis "$REDIS_PORT"
    mkdir -p "$REDIS_DIR"
    log "redis: starting on 127.0.0.1:$REDIS_PORT"
    if ! redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes \
            --dir "$REDIS_DIR" --save '' --appendonly no \
            --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOG" \
            </dev/null >"$REDIS_DIR/start.log" 2>&1 9>&-; then
        cat "$REDIS_DIR/start.log" >&2 || true
        die "redis: redis-server failed to start"
    fi
    if ! wait_until "$TIMEOUT" redis_ours; then
        show_log "$REDIS_LOG"
        die "redis: no PONG on 127.0.0.1:$REDIS_PORT within ${TIMEOUT}s (port taken? see $REDIS_LOG)"
    fi
}

redis_stop() {
    local pid
    pid="$(read_pid "$REDIS_PIDFILE")"
    if pid_alive "$pid"; then
        log "redis: stopping"
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
        wait_until 10 pid_gone "$pid" || true
    fi
    kill_pid "$pid" redis redis
    rm -f "$REDIS_PIDFILE"
}

# ----------------------------------------------------------------- commands --

require_binaries() {
    local missing
    missing="$(missing_binaries)"
    if [ -n "$missing" ]; then
        cmd_install
    fi
    PG_BIN="$(find_pg_bin)"
    RMQ_BIN="$(find_rmq_bin)"
}

with_lock() {
    mkdir -p "$SCRATCH"
    if command -v flock >/dev/null 2>&1; then
        # fd 9 must not leak into the daemons (they'd hold the lock forever):
        # every daemon launch below closes it with 9>&-.
        exec 9>"$SCRATCH/.lock"
        if ! flock -w "${1:-300}" 9; then
            [ "${2:-}" = soft ] || die "could not lock $SCRATCH/.lock (another servers.sh running?)"
            log "warning: $SCRATCH/.lock is held; going on without it"
        fi
    fi
}

# reserve_ports: our ports lie in Linux's ephemeral range (32768-60999), so under heavy loopback traffic an outgoing
# connection can be given one of them as its local port, and the server then fails to listen (EADDRINUSE: seen with
# RabbitMQ during a test run and at a chaos-run restart). As root, the ports are taken out of the ephemeral range
# (net.ipv4.ip_local_reserved_ports, this network namespace only; nothing else changes); otherwise nothing is done.
reserve_ports() {
    local file=/proc/sys/net/ipv4/ip_local_reserved_ports current
    [ -w "$file" ] || return 0
    current="$(cat "$file" 2>/dev/null || true)"
    echo "${current:+$current,}$PG_PORT,$RMQ_PORT,$RMQ_DIST_PORT,$RMQ_MGMT_PORT,$RMQ_TLS_PORT,$REDIS_PORT" >"$file" 2>/dev/null || true
}

cmd_start() {
    require_binaries
    mkdir -p "$SCRATCH"
    chmod 755 "$SCRATCH"
    with_lock
    init_paths
    reserve_ports
    tls_files
    if [ "$DATA" != "$SCRATCH" ]; then
        log "note: service users cannot reach $SCRATCH; their data goes to $DATA"
        mkdir -p "$DATA"; chmod 755 "$DATA"
    fi
    local t0=$SECONDS
    # Redis and PostgreSQL are quick; RabbitMQ dominates.
    redis_start
    pg_start
    rmq_start
    log "all up in $((SECONDS - t0))s (scratch: $SCRATCH)"
}

cmd_stop() {
    [ -d "$SCRATCH" ] || return 0
    PG_BIN="$(find_pg_bin || true)"
    RMQ_BIN="$(find_rmq_bin || true)"
    with_lock 60 soft
    init_paths
    # In parallel: RabbitMQ's clean shutdown alone takes ~7 s.
    if [ -n "$RMQ_BIN" ]; then rmq_stop & fi
    if [ -n "$PG_BIN" ]; then pg_stop & fi
    if command -v redis-cli >/dev/null 2>&1; then redis_stop & else kill_pid "$(read_pid "$REDIS_PIDFILE")" redis redis; fi
    wait
    log "stopped"
}

cmd_status() {
    PG_BIN="$(find_pg_bin || true)"
    RMQ_BIN="$(find_rmq_bin || true)"
    init_paths
    local rc=0
    PSQL="$PG_BIN/psql"; [ -x "$PSQL" ] || PSQL="$(command -v psql || echo psql)"
    if [ -n "$PG_BIN" ] && pg_ready; then echo "postgres: up   127.0.0.1:$PG_PORT"; else echo "postgres: down"; rc=1; fi
    if [ -n "$RMQ_BIN" ] && pid_alive "$(read_pid "$RMQ_PIDFILE")" && port_open "$RMQ_PORT"; then
        echo "rabbitmq: up   127.0.0.1:$RMQ_PORT (amqps $RMQ_TLS_PORT, management http://127.0.0.1:$RMQ_MGMT_PORT)"
    else echo "rabbitmq: down"; rc=1; fi
    if command -v redis-cli >/dev/null 2>&1 && redis_ready; then echo "redis:    up   127.0.0.1:$REDIS_PORT"; else echo "redis:    down"; rc=1; fi
    return "$rc"
}

cmd_env() {
    echo "export AGORA_TEST_POSTGRES='Host=127.0.0.1;Port=$PG_PORT;Username=$DB_USER;Password=$DB_PASS'"
    echo "export AGORA_TEST_RABBITMQ='amqp://$DB_USER:$DB_PASS@127.0.0.1:$RMQ_PORT/'"
    echo "export AGORA_TEST_REDIS='127.0.0.1:$REDIS_PORT'"
    # TLS: PostgreSQL on the same port (it negotiates TLS), RabbitMQ's amqps port, the CA that issued their certificate,
    # and the management API (to ask the broker whether a connection is TLS).
    local ca="$SCRATCH/tls/ca.crt"
    echo "export AGORA_TEST_SERVERS_CA='$ca'"
    echo "export AGORA_TEST_POSTGRES_TLS='Host=127.0.0.1;Port=$PG_PORT;Username=$DB_USER;Password=$DB_PASS;SSL Mode=VerifyFull;Root Certificate=$ca'"
    echo "export AGORA_TEST_RABBITMQ_TLS='amqps://$DB_USER:$DB_PASS@127.0.0.1:$RMQ_TLS_PORT/'"
    echo "export AGORA_TEST_RABBITMQ_MANAGEMENT='http://127.0.0.1:$RMQ_MGMT_PORT/'"
}

# restart-one postgres|rabbitmq: takes one server down hard and starts it again (bench/chaos's broker and database
# faults): PostgreSQL with an immediate shutdown (no checkpoint, as after a crash), RabbitMQ stopped. Returns when it is up.
cmd_restart_one() {
    require_binaries
    with_lock
    init_paths
    reserve_ports
    tls_files
    case "${1:-}" in
        postgres)
            pg pg_ctl -D "$PG_DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
            pg_start ;;
        rabbitmq) rmq_stop; rmq_start ;;
        *) die "restart-one: postgres or rabbitmq" ;;
    esac
}

case "${1:-}" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop; cmd_start ;;
    restart-one) cmd_restart_one "${2:-}" ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) echo "usage: $0 install|start|stop|restart|restart-one postgres|rabbitmq|status|env" >&2; exit 64 ;;
esac
