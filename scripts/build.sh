#!/usr/bin/env bash
# Builds the Worker (release: LTO, wasm-opt) into build/worker/. Run `make setup` first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
worker-build --release
# The operator console (static assets under dashboard/dist, served by the Worker).
node scripts/build_console.mjs
wasm=$(ls build/*.wasm 2>/dev/null | head -n 1 || true)
if [ -n "$wasm" ]; then
  printf 'wasm: %s bytes raw, %s bytes gzip\n' "$(stat -c %s "$wasm")" "$(gzip -9c "$wasm" | wc -c)"
fi
