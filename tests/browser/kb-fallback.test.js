// The compiled knowledge base (pkg/kb.bin, pkg/cards.bin) damaged in an installed copy
// of the extension: with kb.bin damaged, the background says why in its state, reads
// pkg/kb.json instead, and the reader sees the same provisions and cards as with the
// compiled files; with one block of cards.bin damaged, the engine still reads kb.bin
// (and cards.bin's explanations), and only that provision's card is partial and says why.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inBrowsers, DATA, CORPUS, DIST, waitFor, note } from './harness.js';
import { KnowledgeBase, containsWordsInOrder } from './kb.js';
import { initSync, Engine } from '../../pkg/termlens.js';

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

/** The provisions of the test page's document, in the knowledge base's order. */
const ON_PAGE = kb.expectedOn('anthropic/commercial-terms', '2026-08-20').map((e) => e.provision.id);

/**
 * A copy of the built extension with one byte flipped in the middle of `provision`'s
 * block of cards.bin (the block's range as the built engine names it).
 * @param {string} provision
 */
function damagedBlockCopy(provision) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'termlens-damaged-block-'));
  fs.cpSync(DIST, dir, { recursive: true });
  initSync({ module: fs.readFileSync(path.join(dir, 'pkg/termlens_bg.wasm')) });
  const engine = Engine.fromCompiled(fs.readFileSync(path.join(dir, 'pkg/kb.bin')), []);
  const range = engine.cardRange(provision);
  engine.free();
  assert.ok(range, `${provision} has a block in cards.bin`);
  const file = path.join(dir, 'pkg/cards.bin');
  const bytes = fs.readFileSync(file);
  bytes[(range[0] + range[1]) >> 1] ^= 0xff;
  fs.writeFileSync(file, bytes);
  return dir;
}

/**
 * Opens `provision`'s card on the tab (as the popup's "show" does) and waits until it
 * shows more than its head.
 * @param {any} session
 * @param {number} tabId
 * @param {string} provision
 */
async function openCard(session, tabId, provision) {
  await session.inExtension(async ({ id, provision: p }) => {
    await (globalThis.browser ?? globalThis.chrome).runtime.sendMessage({ type: 'popup-bg-show', tabId: id, provision: p });
  }, { id: tabId, provision });
  return waitFor(async () => {
    const c = (await session.status(tabId)).status?.card;
    return c?.open && c.provision === provision && c.text.length > 200 ? c : null;
  }, `the card of ${provision}`);
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

inBrowsers('damaged block of cards.bin', (ctx) => {
  ctx.it('keeps the compiled index; that card shows what kb.bin holds and says why, the others are whole', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    const [damaged, whole] = ON_PAGE;
    const page = await session.open(server.url(PAGE));
    try {
      const tabId = await session.tabId(page.url);
      const view = await session.settled(tabId);
      assert.equal(view.status.phase, 'done', view.status.errors.join('; '));
      assert.equal(view.engine.kbSource, 'compiled', 'a damaged block does not set kb.bin aside');
      const card = await openCard(session, tabId, damaged);
      const p = kb.provision(damaged);
      assert.ok(containsWordsInOrder(card.text, p.title) && containsWordsInOrder(card.text, p.explanation), 'the title (from kb.bin) and explanation (from cards.bin\'s explanations)');
      assert.ok(containsWordsInOrder(card.text, 'Part of this card could not be read'), 'the card says part of it is missing');
      assert.match(card.text, /cards\.bin.*checksum/, 'and why');
      assert.ok(!containsWordsInOrder(card.text, p.why_it_matters), 'nothing of the damaged block is shown');
      const other = await openCard(session, tabId, whole);
      assert.ok(containsWordsInOrder(other.text, kb.provision(whole).why_it_matters), 'another card is whole');
      note(ctx.name, `damaged block of ${damaged}: partial card; ${whole} whole`);
    } finally {
      await page.close();
    }
  });
}, { extension: damagedBlockCopy(ON_PAGE[0]) });
