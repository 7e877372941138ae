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
import { inBrowsers, ROOT, PAGES, checkBuild, note } from './harness.js';

const BIN = path.join(ROOT, 'target/release/termlens');
const FILES = fs.readdirSync(PAGES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .flatMap((e) => fs.readdirSync(path.join(PAGES, e.name)).filter((f) => f.endsWith('.html')).map((f) => path.join(e.name, f)))
  .sort();
/** Keeps the page's scripts from running and its styles and assets from loading. */
const NOTHING = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">';

/** The documented normalisation: lines trimmed, empty lines dropped. */
const lines = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/** The CLI's text of a fixture file. */
function cliText(rel) {
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run bash scripts/build.sh`);
  return execFileSync(BIN, ['extract', path.join(PAGES, rel)], { encoding: 'utf8', maxBuffer: 256 << 20 });
}

/** The page's HTML with the CSP meta element first in its head. */
function withoutScriptsOrStyles(html) {
  const head = /<head\b[^>]*>/i.exec(html);
  return head ? html.slice(0, head.index + head[0].length) + NOTHING + html.slice(head.index + head[0].length)
    : NOTHING + html;
}

/** The first line where two line lists differ, with a little context. */
function firstDifference(cli, ext) {
  let i = 0;
  while (i < cli.length && i < ext.length && cli[i] === ext[i]) i += 1;
  const show = (list) => JSON.stringify(list.slice(Math.max(0, i - 1), i + 2).map((l) => l.slice(0, 160)));
  return `line ${i + 1} of ${cli.length} (CLI) / ${ext.length} (extension): CLI ${show(cli)}, extension ${show(ext)}`;
}

inBrowsers('text extraction parity with the CLI', (ctx) => {
  for (const rel of FILES) {
    ctx.it(`${rel}: the extension's text is the CLI's`, { timeout: 60_000 }, async () => {
      checkBuild();
      const cli = lines(cliText(rel));
      const html = withoutScriptsOrStyles(fs.readFileSync(path.join(PAGES, rel), 'utf8'));
      const host = await ctx.t.session.extensionPage('extension/popup/popup.html?tab=0');
      try {
        const text = await host.evaluate(async (source) => {
          const { extractText } = await import('/extension/content/extract.js');
          const frame = document.createElement('iframe');
          const loaded = new Promise((resolve) => { frame.onload = resolve; });
          frame.srcdoc = source;
          document.body.append(frame);
          await loaded;
          const body = frame.contentDocument?.body;
          return body ? extractText(body).text : null;
        }, html);
        assert.equal(typeof text, 'string', 'the frame rendered the page');
        const ext = lines(text);
        assert.ok(cli.length > 0, 'the CLI read some text');
        assert.ok(cli.length === ext.length && cli.every((l, k) => l === ext[k]), firstDifference(cli, ext));
        note(ctx.name, `${rel}: ${ext.length} lines, ${ext.join('\n').length} characters the same`);
      } finally {
        await host.close();
      }
    });
  }
});
