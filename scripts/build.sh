#!/usr/bin/env bash
# Builds the extension: the Rust core to Wasm (pkg/), the compiled knowledge base,
# and dist/termlens/ (loadable unpacked in Chrome and Firefox) with one zip per browser.
# Needs: the wasm32 target and the wasm-bindgen CLI pinned in Cargo.toml (scripts/setup.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  echo "build: wasm-bindgen CLI $WASM_BINDGEN_VERSION is needed (run scripts/setup.sh)" >&2
  exit 1
fi

echo "build: knowledge base"
cargo build --release --locked --quiet --bin termlens
./target/release/termlens kb compile --out pkg/kb.json --gate pkg/known-documents.js
# The compiled index and card store the background reads (kb.json stays: the
# fallback when they cannot be used, and the source of exports and tests).
./target/release/termlens kb binary --kb pkg/kb.json --out pkg
# The clause classifier's model, loaded by the background beside kb.bin (a file of
# its own rather than embedded: the Wasm stays under its size budget, BENCHMARKS.md),
# compiled to postcard so that the Wasm holds no JSON reader for it (2.2 KB gzip).
./target/release/termlens model binary --model data/model.json --out pkg/model.bin
# The element rules of the page's text, for extension/content/extract.js.
./target/release/termlens extract --rules-js > pkg/extract-rules.js
# The one content script: messages.js + known-documents.js + gate.js (scripts/build-gate.mjs).
node scripts/build-gate.mjs

echo "build: core to WebAssembly"
cargo build --profile wasm --locked --quiet --lib --target wasm32-unknown-unknown
wasm-bindgen --target web --out-dir pkg --out-name termlens \
  target/wasm32-unknown-unknown/wasm/termlens.wasm
# wasm-opt from npm's binaryen (pinned in package.json): Debian's binaryen 108 corrupts
# the externref table that wasm-bindgen emits, so the system one is not used.
if [ -x node_modules/.bin/wasm-opt ]; then
  # --flatten --rereloop rebuild the control flow before -Oz, which then shrinks
  # it further (2.9 KB gzip with -iit); -iit (--ignore-implicit-traps) lets it move
  # loads, which the Rust code never makes trap (bounds are checked explicitly);
  # --converge repeats the passes while they still shrink the module; a second
  # --flatten --rereloop round over the optimised module shrinks it again (0.5 KB
  # gzip; a third gives it back); the producers and target-features sections are
  # read by tools only, never by a browser. --low-memory-unused lets it fold constant
  # offsets into loads and stores (2.5 KB gzip): the module's first 1 KiB is the far end
  # of its 1 MiB stack (the linker puts the stack first; data starts at 1 MiB), so only
  # a stack already overflowing would touch it.
  node_modules/.bin/wasm-opt --low-memory-unused \
    --flatten --rereloop -Oz -Oz -iit --converge \
    --flatten --rereloop -Oz -iit --converge \
    --strip-producers --strip-target-features \
    --enable-reference-types --enable-bulk-memory \
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-multivalue \
    pkg/termlens_bg.wasm -o pkg/termlens_bg.wasm
else
  echo "build: node_modules/.bin/wasm-opt missing (run scripts/setup.sh); Wasm left unoptimised" >&2
fi
# The built module must load and find a known clause, or nothing ships.
node scripts/check-pkg.mjs

echo "build: dist/termlens"
rm -rf dist && mkdir -p dist/termlens/pkg
cp manifest.json dist/termlens/
cp -r extension dist/termlens/
[ -d _locales ] && cp -r _locales dist/termlens/
cp pkg/termlens.js pkg/termlens_bg.wasm pkg/kb.json pkg/kb.bin pkg/cards.bin pkg/model.bin pkg/known-documents.js pkg/gate.js pkg/extract-rules.js dist/termlens/pkg/
# The fingerprints of the known documents, generated from the corpus by
# `termlens kb fingerprints` and committed, so the build needs no corpus.
cp -r data/fingerprints dist/termlens/pkg/
# One manifest serves both browsers; each store gets its own zip.
(cd dist/termlens && zip -qr -X ../termlens-chrome.zip . && zip -qr -X ../termlens-firefox.zip .)
ls -l dist/*.zip pkg/termlens_bg.wasm pkg/kb.json pkg/kb.bin pkg/cards.bin | awk '{print "build: " $5 " bytes  " $9}'
