#!/usr/bin/env bash
# The main job: set up, build the extension (dist/termlens + one zip per browser),
# and annotate a bundled real terms page (Anthropic's Commercial Terms, as recorded
# by Open Terms Archive on 2026-08-20), printing what termlens found.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
page=tests/fixtures/pages/anthropic-commercial-terms/2026-08-20.html
echo
./target/release/termlens annotate "$page" --url https://www.anthropic.com/legal/commercial-terms
echo
echo "Load the extension from dist/termlens (see README: Chrome > Load unpacked; Firefox > about:debugging)."
