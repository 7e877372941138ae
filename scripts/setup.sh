#!/usr/bin/env bash
# Installs everything termlens needs on a fresh Debian machine (run as root, or with sudo):
# Debian's Chromium and Firefox ESR (for the browser tests) and zip,
# the wasm32 Rust target, the wasm-bindgen CLI pinned in Cargo.toml, and the npm packages
# (playwright-core, puppeteer-core, binaryen for wasm-opt).
# Each step is skipped when what it installs is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v firefox-esr >/dev/null || missing+=(firefox-esr)
command -v zip >/dev/null || missing+=(zip)
command -v node >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  echo "setup: cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --quiet
fi

need_npm=0
for pkg in playwright-core puppeteer-core binaryen axe-core web-ext; do
  [ -d "node_modules/$pkg" ] || need_npm=1
done
if [ "$need_npm" = 1 ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  # The *-core packages never download a browser; the tests use Debian's.
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi
echo "setup: ready ($(chromium --version 2>/dev/null | head -1); $(firefox-esr --version 2>/dev/null); wasm-bindgen $WASM_BINDGEN_VERSION)"
