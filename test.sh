#!/usr/bin/env bash
# AllData's test command: installs what the tests need if missing (Debian's chromium, PostgreSQL and MariaDB servers),
# builds, runs every test in the solution and ends with the runner's summary. Test fixtures start their own
# throwaway PostgreSQL; nothing has to be started by hand.
set -euo pipefail
cd "$(dirname "$0")"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v mariadb-install-db >/dev/null 2>&1 && command -v mariadbd >/dev/null 2>&1 || missing+=(mariadb-server)
# CJK glyphs so that Chinese screenshots are readable.
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || missing+=(fonts-wqy-microhei)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A killed run can leave its throwaway PostgreSQL behind: stop and remove any.
sweep() {
  for d in /tmp/alldata-tests/pg-*; do
    [ -d "$d" ] || continue
    if [ -f "$d/data/postmaster.pid" ]; then
      bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
      if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$d/data" -m immediate stop >/dev/null 2>&1 || true
      else "$bin/pg_ctl" -D "$d/data" -m immediate stop >/dev/null 2>&1 || true; fi
    fi
    rm -rf "$d"
  done
  # Throwaway MariaDB servers are named maria-<test process id>-…: stop those whose test process is gone.
  for d in /tmp/alldata-tests/maria-*; do
    [ -d "$d" ] || continue
    owner=$(basename "$d" | cut -d- -f2)
    if [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null; then continue; fi
    if [ -f "$d/mysqld.pid" ]; then
      pid=$(cat "$d/mysqld.pid" 2>/dev/null || true)
      if [ -n "$pid" ] && grep -qs mariadbd "/proc/$pid/cmdline"; then kill -9 "$pid" 2>/dev/null || true; fi
    fi
    rm -rf "$d"
  done
}
sweep
trap sweep EXIT

if [ -f wwwroot-assets/package.json ]; then
  say "Building the front-end assets"
  (cd wwwroot-assets && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
  say "Testing the front-end assets"
  (cd wwwroot-assets && npm test --silent)
fi

say "Building"
dotnet build AllData.sln -c Release --nologo -v quiet

say "Testing"
mkdir -p artifacts
set +e
dotnet test AllData.Tests -c Release --no-build --nologo \
  --logger "console;verbosity=normal" --results-directory artifacts/test-results 2>&1 | tee artifacts/test-output.txt
status=${PIPESTATUS[0]}
set -e
count() { grep -E "^\s+$1: +[0-9]+" artifacts/test-output.txt | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
passed=$(count Passed); failed=$(count Failed); skipped=$(count Skipped)
# Name each failed test again at the very end, with its message, so that a long log's tail still says what broke.
if [ "${failed}" != "0" ]; then
  echo
  echo "Failed tests:"
  awk '/^ +Failed AllData\./ { show = 1; lines = 0 }
       show && /^ +Stack Trace:/ { show = 0 }
       show && lines < 12 { print; lines++ }' artifacts/test-output.txt
fi
echo
echo "Screenshots: artifacts/screenshots/"
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
