// The compiled knowledge base (pkg/kb.bin, pkg/cards.bin) damaged in an installed copy
// of the extension: the background says why in its state, reads pkg/kb.json instead,
// and the reader sees the same provisions and cards as with the compiled files.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inBrowsers, DATA, CORPUS, DIST, waitFor, note } from './harness.js';
import { KnowledgeBase, containsWordsInOrder } from './kb.js';

const kb = new KnowledgeBase(DATA, CORPUS);
const PAGE = '/legal/commercial-terms';

/** A copy of the built extension with one byte of kb.bin's body flipped. */
function damagedCopy() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'termlens-damaged-'));
  fs.cpSync(DIST, dir, { recursive: true });
  const file = path.join(dir, 'pkg/kb.bin');
  const bytes = fs.readFileSync(file);
  bytes[bytes.length >> 1] ^= 0xff;
  fs.writeFileSync(file, bytes);
  return dir;
}

inBrowsers('damaged compiled knowledge base', (ctx) => {
  ctx.it('falls back to kb.json, says why, and still finds and explains the page\'s provisions', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url(PAGE));
    try {
      const tabId = await session.tabId(page.url);
      const view = await session.settled(tabId);
      assert.equal(view.status.phase, 'done', view.status.errors.join('; '));
      assert.match(view.engine.kbSource, /^kb\.json \(.*kb\.bin.*checksum/, 'the state names the file and the fault');
      const expected = kb.expectedOn('anthropic/commercial-terms', '2026-08-20').map((e) => e.provision.id);
      const found = new Set(view.status.provisions.map((p) => p.provision));
      assert.ok(expected.length >= 10, `the page's document holds provisions: ${expected.length}`);
      assert.deepEqual(expected.filter((id) => !found.has(id)), [], 'every provision of the page is found');
      const target = view.status.provisions[0].provision;
      await session.inExtension(async ({ id, provision }) => {
        await (globalThis.browser ?? globalThis.chrome).runtime.sendMessage({ type: 'popup-bg-show', tabId: id, provision });
      }, { id: tabId, provision: target });
      const card = await waitFor(async () => {
        const c = (await session.status(tabId)).status?.card;
        return c?.open && c.provision === target && c.text.length > 200 ? c : null;
      }, 'the card');
      assert.ok(containsWordsInOrder(card.text, kb.provision(target).why_it_matters), 'its card content, read from kb.json');
      note(ctx.name, `damaged kb.bin: ${view.engine.kbSource}; ${view.status.provisions.length} provisions`);
    } finally {
      await page.close();
    }
  });
}, { extension: damagedCopy() });
