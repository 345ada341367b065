#!/usr/bin/env bash
# Browser tests of the portal and the staff workbench: builds liuhen, starts `liuhen demo` on a free
# loopback port in a fresh data folder, runs portal.test.mjs and workbench.test.mjs in headless Debian
# chromium (playwright-core, never `playwright install`), keeps screenshots in
# target/browser-screenshots/, and exits non-zero on any failure.
# Needs: /usr/bin/chromium (apt-get install chromium fonts-noto-cjk), node + npm.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || { echo "browser tests: $CHROMIUM not found (apt-get install chromium)" >&2; exit 1; }
cargo build -q -p liuhen --bin liuhen
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/liuhen"
DATA="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
LOG="$DATA/demo.log"
# A short idle timeout, so that the workbench test of a session expiring mid-form need not wait
# the default 30 minutes.
IDLE_SECONDS=20
printf '[http]\nidle_timeout_seconds = %s\n' "$IDLE_SECONDS" >"$DATA/liuhen.toml"
"$BIN" demo --config "$DATA/liuhen.toml" --data-dir "$DATA" --listen "127.0.0.1:$PORT" >"$LOG" 2>&1 &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
for _ in $(seq 1 300); do
  if curl -sf "http://127.0.0.1:$PORT/api/v1/log/checkpoint" >/dev/null; then break; fi
  kill -0 "$PID" 2>/dev/null || { echo "liuhen demo exited:" >&2; cat "$LOG" >&2; exit 1; }
  sleep 1
done
curl -sf "http://127.0.0.1:$PORT/" >/dev/null || { echo "portal not answering" >&2; cat "$LOG" >&2; exit 1; }
cd scripts/browser
[ -d node_modules/playwright-core ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
mkdir -p "$ROOT/target/browser-screenshots"
BASE_URL="http://127.0.0.1:$PORT" SCREENSHOT_DIR="$ROOT/target/browser-screenshots" CHROMIUM="$CHROMIUM" \
  LIUHEN_BIN="$BIN" IDLE_SECONDS="$IDLE_SECONDS" \
  node --test --test-concurrency=1 portal.test.mjs workbench.test.mjs
echo "screenshots (1366 px and 390 px) in $ROOT/target/browser-screenshots:"
ls -1 "$ROOT/target/browser-screenshots"
