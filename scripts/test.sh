#!/usr/bin/env bash
# Every test: formatting and lints, the Rust tests (core, knowledge base against the
# corpus, CLI), the JavaScript's types and lints, then the built extension in Chromium
# and Firefox ESR.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh

echo "test: cargo fmt --check, cargo clippy"
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --lib --target wasm32-unknown-unknown -- -D warnings

echo "test: termlens kb check"
./target/release/termlens kb check

echo "test: cargo test"
cargo test 2>&1 | tee target/cargo-test.log
rust_passed=$(grep -Eo '^test result: ok\. [0-9]+ passed' target/cargo-test.log | awk '{s+=$4} END {print s+0}')

# The JavaScript is checked like the Rust: types (JSDoc, checkJs; the engine's types come
# from pkg/termlens.d.ts, which the build writes) and lints, over extension/, scripts/,
# bench/ and tests/browser/ (scripts/ and tests/: the same options without noImplicitAny,
# and tests/ without null checks either, as tests read the fixture pages' elements
# directly).
echo "test: tsc --noEmit, eslint"
npx tsc --noEmit -p jsconfig.json
npx tsc --noEmit -p scripts/jsconfig.json
npx tsc --noEmit -p tests/jsconfig.json
npx eslint .

echo "test: browser tests (Chromium, Firefox ESR)"
node --test --test-concurrency=1 --test-reporter=spec tests/browser/ 2>&1 | tee target/browser-tests.log
browser_passed=$(sed -n 's/^ℹ pass \([0-9]*\)/\1/p' target/browser-tests.log | tail -1)
browser_failed=$(sed -n 's/^ℹ fail \([0-9]*\)/\1/p' target/browser-tests.log | tail -1)

# The benchmarks are not tests: they run once, in quick mode, so that they cannot rot
# (bench/run.mjs: Chromium, 1 page, real knowledge base, and a synthetic one of 15,000
# provisions built and loaded once in an extension page; bench/inpage.mjs: 1 browser on
# 1 page, real knowledge base; benches/core.rs: each divan benchmark once, as
# `cargo test` runs it). Figures: BENCHMARKS.md.
echo "test: benchmarks, quick mode"
node bench/run.mjs --quick
node bench/inpage.mjs --runs 1 --kbs real --pages meta --pause 0
cargo test --quiet --bench core

echo
echo "rust: ${rust_passed} passed; browser: ${browser_passed} passed"
echo "all: $((rust_passed + browser_passed)) passed, ${browser_failed} failed"
