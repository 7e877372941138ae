// The CLI and the extension read the same text from the same page: every HTML page
// of tests/fixtures/pages (the real vendor snapshots among them) is read by
// `termlens extract FILE` (src/extract, the text `annotate` and the corpus checks
// use) and by the extension's own extract.js with the generated element rules
// (pkg/extract-rules.js) in Chromium and Firefox, and the two texts are the same,
// line for line, after the normalisation src/extract/mod.rs documents: each line
// trimmed, empty lines dropped. The page is rendered in a frame of an extension page
// with neither its scripts nor its styles (a CSP of `default-src 'none'`): what is
// compared is what the element rules decide, not what a stylesheet hides, which the
// CLI cannot know.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { inBrowsers, PAGES, checkBuild, note } from './harness.js';
import { BIN, FIXTURE_PAGES, lines, firstDifference, readAsExtension } from './parity.js';

/** The CLI's text of a fixture file. */
function cliText(rel) {
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run bash scripts/build.sh`);
  return execFileSync(BIN, ['extract', path.join(PAGES, rel)], { encoding: 'utf8', maxBuffer: 256 << 20 });
}

inBrowsers('text extraction parity with the CLI', (ctx) => {
  for (const rel of FIXTURE_PAGES) {
    ctx.it(`${rel}: the extension's text is the CLI's`, { timeout: 60_000 }, async () => {
      checkBuild();
      const cli = lines(cliText(rel));
      const read = await readAsExtension(ctx.t.session, fs.readFileSync(path.join(PAGES, rel), 'utf8'));
      assert.equal(typeof read?.text, 'string', 'the frame rendered the page');
      const ext = lines(read.text);
      assert.ok(cli.length > 0, 'the CLI read some text');
      assert.ok(cli.length === ext.length && cli.every((l, k) => l === ext[k]), firstDifference(cli, ext));
      note(ctx.name, `${rel}: ${ext.length} lines, ${ext.join('\n').length} characters the same`);
    });
  }
});
