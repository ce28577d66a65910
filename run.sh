#!/usr/bin/env bash
# AllData's run command. On a fresh machine (as root or with sudo) it installs what is missing, prepares a private
# PostgreSQL under .alldata/, builds the front-end assets and the app, applies migrations, creates the first
# administrator and serves the app. A second run reuses the same data.
#
#   ALLDATA_URL            where to serve (default http://127.0.0.1:5080)
#   ALLDATA_PG_PORT        port of the private PostgreSQL (default 55432, 127.0.0.1 only)
#   ALLDATA_ADMIN_PASSWORD password of the first administrator "admin" (else generated and printed once)
#   ConnectionStrings__AllData  use this PostgreSQL instead; no private instance is started
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
DATA_DIR="$ROOT/.alldata"
URL="${ALLDATA_URL:-http://127.0.0.1:5080}"
PG_PORT="${ALLDATA_PG_PORT:-55432}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# --- prerequisites ------------------------------------------------------------------------------------------
apt_updated=""
need() { # need <command-or-path> <debian-package>
  if ! command -v "$1" >/dev/null 2>&1 && ! ls $1 >/dev/null 2>&1; then
    [ -n "$apt_updated" ] || { say "Updating the package lists"; $SUDO apt-get update -qq; apt_updated=1; }
    say "Installing $2"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$2" >/dev/null
  fi
}
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet on PATH)." >&2; exit 1; }
need node nodejs
need npm npm
mkdir -p "$DATA_DIR"

# --- the metadata store -------------------------------------------------------------------------------------
if [ -z "${ConnectionStrings__AllData:-}" ]; then
  need '/usr/lib/postgresql/*/bin/initdb' postgresql
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  PG_DIR="$DATA_DIR/pg"
  if [ "$(id -u)" -eq 0 ] && [ ! -e "$PG_DIR" ] && ! runuser -u postgres -- test -x "$DATA_DIR"; then
    # The postgres user cannot reach this checkout (e.g. under /root): keep the cluster where it can, linked here.
    real="/var/lib/alldata/$(echo -n "$ROOT" | sha1sum | cut -c1-12)"
    mkdir -p "$real" && chown postgres:postgres "$real" && ln -s "$real" "$PG_DIR"
  fi
  mkdir -p "$PG_DIR"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$PG_DIR"
  chmod 700 "$PG_DIR"
  PW_FILE="$DATA_DIR/pg-password"
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    say "Creating the private PostgreSQL cluster in $PG_DIR"
    umask 077
    [ -f "$PW_FILE" ] || head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$PW_FILE"
    cp "$PW_FILE" "$PG_DIR/.pw"
    [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$PG_DIR/.pw"
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U alldata --pwfile "$PG_DIR/.pw" -E UTF8 --locale=C.UTF-8 \
      --auth-host=scram-sha-256 --auth-local=scram-sha-256 >/dev/null
    rm -f "$PG_DIR/.pw"
    umask 022
  fi
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    say "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  PG_PASSWORD=$(cat "$PW_FILE")
  export ConnectionStrings__AllData="Host=127.0.0.1;Port=$PG_PORT;Database=alldata;Username=alldata;Password=$PG_PASSWORD"
  if ! PGPASSWORD="$PG_PASSWORD" psql -h 127.0.0.1 -p "$PG_PORT" -U alldata -d postgres -Atqc \
      "SELECT 1 FROM pg_database WHERE datname = 'alldata'" | grep -q 1; then
    say "Creating the database alldata"
    PGPASSWORD="$PG_PASSWORD" psql -h 127.0.0.1 -p "$PG_PORT" -U alldata -d postgres -qc "CREATE DATABASE alldata" >/dev/null
  fi
fi

# --- build --------------------------------------------------------------------------------------------------
if [ -f wwwroot-assets/package.json ]; then
  say "Building the front-end assets"
  (cd wwwroot-assets && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
fi
say "Building AllData"
dotnet publish AllData.Web -c Release -o "$DATA_DIR/app" --nologo -v quiet

# --- serve --------------------------------------------------------------------------------------------------
export AllData__InitialAdminPasswordFile="$DATA_DIR/initial-admin-password"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
say "Serving AllData on $URL (Ctrl+C stops it; PostgreSQL keeps running for the next start)"
cd "$DATA_DIR/app"
exec dotnet AllData.Web.dll --urls "$URL"
