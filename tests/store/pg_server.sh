#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store's tests and benchmarks, on loopback only:
#   pg_server.sh start DIR   initdb in a new /tmp/ehub-pg.* folder (as the unprivileged user ehubpg
#                            when run as root; its path in DIR/datadir), a free port on 127.0.0.1,
#                            password logins; writes the admin URL to DIR/url
#   pg_server.sh stop DIR    stops it (fast shutdown) and removes both folders
# EHUB_PG_FSYNC=on keeps fsync (benchmarks); tests run with fsync off.
set -euo pipefail
cmd=${1:?usage: pg_server.sh start|stop DIR}
dir=${2:?usage: pg_server.sh start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "pg_server.sh: PostgreSQL server binaries not found (apt-get install postgresql-15)" >&2; exit 1; }
runas=()
if [ "$(id -u)" = 0 ]; then
  id ehubpg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin ehubpg
  runas=(runuser -u ehubpg --)
fi
case "$cmd" in
  start)
    "$0" stop "$dir"
    mkdir -p "$dir"
    # The server's own folder lives under /tmp so the unprivileged user can reach it from anywhere.
    work=$(mktemp -d /tmp/ehub-pg.XXXXXX)
    chmod 755 "$work"
    printf '%s\n' "$work" > "$dir/datadir"
    [ ${#runas[@]} -eq 0 ] || chown ehubpg "$work"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
    printf '%s\n' "$pw" > "$work/pw"
    chmod 644 "$work/pw"
    "${runas[@]}" "$bin/initdb" -D "$work/data" -U ehub_admin --pwfile="$work/pw" --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$work/pw"
    fsync=${EHUB_PG_FSYNC:-off}
    "${runas[@]}" "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$work -c fsync=$fsync -c max_connections=50" \
      start >/dev/null || { cat "$work/server.log" >&2; exit 1; }
    PGPASSWORD=$pw "$bin/createdb" -h 127.0.0.1 -p "$port" -U ehub_admin ehub_test
    printf 'postgresql://ehub_admin:%s@127.0.0.1:%s/ehub_test\n' "$pw" "$port" > "$dir/url"
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
    ;;
  stop)
    if [ -f "$dir/datadir" ]; then
      work=$(cat "$dir/datadir")
      if [ -d "$work/data" ]; then "${runas[@]}" "$bin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true; fi
      case "$work" in /tmp/ehub-pg.*) rm -rf "$work" ;; esac
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: pg_server.sh start|stop DIR" >&2; exit 2 ;;
esac
