#!/usr/bin/env bash
# The cluster drill (issue 13): a private PostgreSQL, two InfoPortal instances (Release, published)
# on one database and one shared file store, and Debian's nginx in front — all on loopback — then
# the checks of deploy/drill_checks.py, one line each. Exit code 0 only when every check passes.
#
#   deploy/drill.sh                 # publish, start everything, check, stop everything
#   DRILL_APP=/path/to/publish deploy/drill.sh    # reuse a published output
#   DRILL_PORT_BASE=20500 (default) # PostgreSQL +10, nginx +20, instances +21 and +22
#
# Runs as root (CI: PostgreSQL then runs as the postgres user) or as an ordinary user.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base=${DRILL_PORT_BASE:-20500}
pg_port=$((base + 10)) nginx_port=$((base + 20)) port_a=$((base + 21)) port_b=$((base + 22))
work=${DRILL_WORK:-/tmp/infoportal-drill-$base}
app=${DRILL_APP:-$work/app}
log() { printf '[drill] %s\n' "$*" >&2; }

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[[ -x "$pg_bin/pg_ctl" ]] || pg_bin=$(dirname "$(command -v pg_ctl || echo /nonexistent/pg_ctl)")
[[ -x "$pg_bin/pg_ctl" ]] || { echo "drill: PostgreSQL binaries (pg_ctl, initdb) not found" >&2; exit 2; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x "$nginx_bin" ]] || { echo "drill: nginx not found (apt-get install nginx-light)" >&2; exit 2; }

as_pg() { if [[ $(id -u) == 0 ]]; then su postgres -s /bin/sh -c "$1" </dev/null; else sh -c "$1" </dev/null; fi; }

cleanup() {
    for name in a b; do
        if [[ -f "$work/$name.pid" ]]; then kill "$(cat "$work/$name.pid")" 2>/dev/null || true; fi
    done
    if [[ -f "$work/nginx.pid" ]]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
    if [[ -f "$work/pg/postmaster.pid" ]]; then as_pg "'$pg_bin/pg_ctl' -D '$work/pg' stop -m immediate -w -t 30" >/dev/null 2>&1 || true; fi
    for name in a b; do
        if [[ -f "$work/$name.pid" ]]; then
            pid=$(cat "$work/$name.pid")
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
}
trap cleanup EXIT

cleanup
rm -rf "$work/pg" "$work/store" "$work/nginx" "$work"/*.log "$work"/*.pid
mkdir -p "$work/store" "$work/nginx/logs" "$work/pg"

# --- the app, published in Release (static web assets come from the published output) --------
# Without DRILL_APP the output is the drill's own and always published afresh: an output left in
# $work by an earlier run (of an older commit) must never stand in for the code under test.
if [[ -z "${DRILL_APP:-}" ]]; then
    rm -rf "$app"
fi
if [[ ! -f "$app/InfoPortal.dll" ]]; then
    # As the README deploys it: ReadyToRun for linux-x64 (start-up 0.70x of a plain publish, ADR 0053).
    log "dotnet publish InfoPortal -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o $app"
    dotnet publish "$repo/InfoPortal/InfoPortal.csproj" -c Release -r linux-x64 --self-contained false \
        -p:PublishReadyToRun=true -o "$app" -v q -nologo >"$work/publish.log" 2>&1 \
        || { tail -n 30 "$work/publish.log" >&2; exit 2; }
fi
# The demo agency (users, departments) of Development, in a production-like environment named Drill.
cp "$repo/appsettings.Development.json" "$app/appsettings.Drill.json"

# --- PostgreSQL -----------------------------------------------------------------------------------
[[ $(id -u) == 0 ]] && chown postgres:postgres "$work/pg" && chmod 700 "$work/pg"
as_pg "'$pg_bin/initdb' -D '$work/pg' -A trust -U postgres -E UTF8 --locale=C" >"$work/pg-init.log" 2>&1 \
    || { cat "$work/pg-init.log" >&2; exit 2; }
as_pg "'$pg_bin/pg_ctl' -D '$work/pg' -l '$work/pg/server.log' -w -t 60 start -o \"-k /tmp -p $pg_port -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off -c synchronous_commit=off\"" >/dev/null \
    || { cat "$work/pg/server.log" >&2; exit 2; }
"$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE infoportal" >/dev/null || exit 2

# --- the key-encryption certificate the instances share --------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=InfoPortal drill data protection" -days 30 \
    -keyout "$work/dp.key" -out "$work/dp.crt" >/dev/null 2>&1 \
    && openssl pkcs12 -export -inkey "$work/dp.key" -in "$work/dp.crt" -out "$work/dp.pfx" -passout pass:drill >/dev/null 2>&1 \
    || { echo "drill: openssl could not make the certificate" >&2; exit 2; }

# --- two instances, started at the same moment on the empty database ---------------------------
start_instance() { # name port
    (
        cd "$app" || exit 1
        export ASPNETCORE_ENVIRONMENT=Drill ASPNETCORE_URLS="http://127.0.0.1:$2" DOTNET_CLI_TELEMETRY_OPTOUT=1
        export Database__Provider=Postgres
        export ConnectionStrings__Portal="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=infoportal;Maximum Pool Size=30"
        export Storage__Root="$work/store"
        export Security__TrustedProxies__0=127.0.0.1
        export Security__MaxFailuresPerAddress=5
        export DataProtection__CertificatePath="$work/dp.pfx" DataProtection__CertificatePassword=drill
        export Jobs__CatchUpAtStart=false Jobs__LeaseSeconds=30 Jobs__TakeoverCheckSeconds=10
        export Logging__LogLevel__Default=Warning Logging__LogLevel__InfoPortal=Information
        exec dotnet InfoPortal.dll >>"$work/$1.log" 2>&1
    ) &
    echo $! >"$work/$1.pid"
}
start_instance a "$port_a"
start_instance b "$port_b"

# --- nginx: the shipped site, with the drill's ports ---------------------------------------------
sed -e "s/server 127.0.0.1:5001/server 127.0.0.1:$port_a/; s/server 127.0.0.1:5002/server 127.0.0.1:$port_b/" \
    -e "s/listen 80;/listen 127.0.0.1:$nginx_port;/; /listen \[::\]:80;/d" \
    "$repo/deploy/nginx/infoportal.conf" >"$work/nginx/site.conf"
cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 256; }
http {
    access_log $work/nginx/logs/access.log;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    include $work/nginx/site.conf;
}
NGINX
"$nginx_bin" -t -c "$work/nginx/nginx.conf" -p "$work/nginx" >"$work/nginx/test.log" 2>&1 || { cat "$work/nginx/test.log" >&2; exit 2; }
"$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx" || exit 2

# --- the checks --------------------------------------------------------------------------------
status=0
python3 "$repo/deploy/drill_checks.py" \
    --work "$work" --pg-port "$pg_port" --psql "$pg_bin/psql" \
    --nginx "http://127.0.0.1:$nginx_port" --a "http://127.0.0.1:$port_a" --b "http://127.0.0.1:$port_b" || status=$?
if [[ $status != 0 ]]; then
    log "instance logs: $work/a.log $work/b.log; nginx: $work/nginx/logs; PostgreSQL: $work/pg/server.log"
fi
exit $status
