// The terms, not the site: only a page's main content is snapshotted and compared
// (src/extract/main_content.rs, the outline from extension/content/extract.js).
//
// 1. Parity: the main content the extension computes (extract.js's outline, the Wasm
//    `mainRanges`) is the one `termlens extract --main FILE` prints, line for line after
//    the documented normalisation (lines trimmed, empty lines dropped), for the fixture
//    pages and real vendor snapshots of the corpus (read with no scripts or styles,
//    by parity.js as extract-parity.test.js reads them).
// 2. Microsoft's Copilot terms, two real snapshots served one after the other at the
//    document's own address: "What changed since your last visit" lists no cookie
//    banner, menu or search-box text, and highlights none.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { inBrowsers, ROOT, PAGES, CORPUS, checkBuild, note, waitFor } from './harness.js';
import { BIN, FIXTURE_PAGES, lines, withoutScriptsOrStyles, firstDifference, readAsExtension } from './parity.js';

const FIXTURES = FIXTURE_PAGES.map((rel) => path.join(PAGES, rel));
/** Real vendor pages with a site around the terms (skipped without the corpus). */
const VENDOR = [
  'microsoft/copilot-terms-of-use/2026-08-22.html',
  'microsoft/copilot-terms-of-use/2025-11-11.html',
  'mistral/commercial-terms/2026-08-21--vibe-main.html',
  'perplexity/terms-of-service/2026-08-22.html',
  'deepseek/open-platform-terms/2026-04-21.html',
  'google/terms-and-generative-ai-terms/2025-11-11--terms.html',
].map((rel) => path.join(CORPUS, rel)).filter((file) => fs.existsSync(file));
const FILES = [...FIXTURES, ...VENDOR].sort();

const COPILOT_URL = 'http://www.microsoft.com/en-us/microsoft-copilot/for-individuals/termsofuse';
const COPILOT = path.join(CORPUS, 'microsoft/copilot-terms-of-use');
const COPILOT_VERSIONS = ['2025-11-11', '2026-08-22'];
const haveCopilot = COPILOT_VERSIONS.every((d) => fs.existsSync(path.join(COPILOT, `${d}.html`)));
let served = COPILOT_VERSIONS[0];
const vendorPages = {
  [COPILOT_URL]: { html: () => withoutScriptsOrStyles(fs.readFileSync(path.join(COPILOT, `${served}.html`), 'utf8')) },
};

/** Lines of the site's furniture on the Copilot pages (cookie banner, menus, search box). */
const FURNITURE = /^(Accept|Reject|Manage cookies|AcceptRejectManage cookies|Manage AcceptRejectManage cookies|Skip to main content|Microsoft|Copilot|Search|No results|Cancel|All Microsoft|Get started|Products|Resources)$/;

inBrowsers('main content', (ctx) => {
  for (const file of FILES) {
    const rel = path.relative(ROOT, file);
    ctx.it(`${path.basename(path.dirname(file))}/${path.basename(file)}: the extension's main content is the CLI's`, { timeout: 60_000 }, async () => {
      checkBuild();
      const cli = lines(execFileSync(BIN, ['extract', '--main', file], { encoding: 'utf8', maxBuffer: 256 << 20 }));
      const got = await readAsExtension(ctx.t.session, fs.readFileSync(file, 'utf8'), { main: true });
      assert.ok(got, 'the frame rendered the page');
      const ext = lines(String(got.main));
      assert.ok(cli.length > 0, `${rel}: the CLI kept some text`);
      assert.ok(cli.length === ext.length && cli.every((l, k) => l === ext[k]), firstDifference(cli, ext));
      note(ctx.name, `${rel}: ${got.blocks} outline entries; main content ${ext.join('\n').length} of ${got.text.length} characters, the same`);
    });
  }

  ctx.it('Copilot terms, two real snapshots at their address: the changes since the last visit hold no cookie or menu text', { timeout: 180_000, skip: haveCopilot ? false : 'the corpus is missing' }, async () => {
    const { session } = ctx.t;
    await session.inExtension(async () => {
      const api = globalThis.browser ?? globalThis.chrome;
      const all = await api.storage.local.get(null);
      await api.storage.local.remove(Object.keys(all).filter((k) => k.startsWith('termlensSnapshot')));
    });
    served = COPILOT_VERSIONS[0];
    const first = await session.open(COPILOT_URL);
    try {
      const tabId = await session.tabId(first.url);
      const view = await session.settled(tabId, 60_000);
      assert.deepEqual(view.status.errors, []);
    } finally {
      await first.close();
    }
    served = COPILOT_VERSIONS[1];
    const tp = await session.open(COPILOT_URL);
    try {
      const tabId = await session.tabId(tp.url);
      await session.settled(tabId, 60_000);
      // The list opens when the reader asks: the popup's Show.
      const popup = await session.extensionPage(`extension/popup/popup.html?tab=${tabId}`);
      try {
        await waitFor(() => popup.evaluate(() => !document.getElementById('changes-line')?.hidden), 'the popup\'s changes line');
        await popup.evaluate(() => /** @type {HTMLButtonElement} */ (document.getElementById('changes-show')).click());
      } finally {
        await popup.close();
      }
      const view = await waitFor(async () => {
        const s = await session.status(tabId);
        return s.status?.changesPanel ? s : null;
      }, 'the changes panel', { timeout: 20_000 });
      const { changes, changesPanel, errors } = view.status;
      assert.deepEqual(errors, []);
      assert.equal(changes.source, 'visit');
      assert.ok(changesPanel.items.length > 0, 'the terms changed between the two versions');
      const furniture = changesPanel.items.filter((i) => lines(i.text).some((l) => FURNITURE.test(l)) || /cookies?\b.*\b(accept|reject|manage)/i.test(i.text) && i.text.length < 200);
      assert.deepEqual(furniture.map((i) => `${i.kind}: ${i.text.slice(0, 80)}`), []);
      const drawn = await tp.evaluate(() => [...(CSS.highlights.get('termlens-page-change') ?? [])].map((r) => r.toString()));
      assert.ok(drawn.length > 0, 'changes are highlighted');
      const painted = drawn.filter((t) => lines(t).some((l) => FURNITURE.test(l)));
      assert.deepEqual(painted, []);
      const s = changes.summary;
      note(ctx.name, `Copilot ${COPILOT_VERSIONS.join(' -> ')}: ${s.inserted} inserted, ${s.deleted} deleted, ${s.changed} changed, ${s.moved} moved; first: ${JSON.stringify(changesPanel.items[0].text.slice(0, 80))}`);
    } finally {
      await tp.close();
    }
  });
}, { vendorPages });
