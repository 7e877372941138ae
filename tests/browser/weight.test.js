// Weight in the highlights: each provision's governance exposure (from the engine) is
// drawn in its own highlight over the clause's first words, styled per level by line
// style and weight (not colour alone), and written as a word in the popup's "On this page" list; every second
// provision in page order carries a deeper tint, so two that touch stay apart.

import assert from 'node:assert/strict';
import { inBrowsers, DATA, CORPUS, waitFor, note } from './harness.js';
import { KnowledgeBase } from './kb.js';

const kb = new KnowledgeBase(DATA, CORPUS);
const PAGE = '/legal/commercial-terms';
const LEVELS = ['high', 'medium', 'low'];
const LABELS = { high: 'High', medium: 'Medium', low: 'Low' };

/** The texts of the exposure and alternate highlights, and the provisions' in page order. */
function readWeight(page) {
  return page.evaluate((levels) => {
    const texts = (/** @type {string} */ name) => [...(CSS.highlights.get(name) ?? [])].map((r) => r.toString());
    const ranges = [...(CSS.highlights.get('termlens-exact') ?? []), ...(CSS.highlights.get('termlens-changed') ?? [])]
      .map((r) => /** @type {Range} */ (r))
      .sort((a, b) => a.compareBoundaryPoints(Range.START_TO_START, b));
    const style = (/** @type {string} */ name) => {
      const s = getComputedStyle(document.body, `::highlight(${name})`);
      return { line: s.textDecorationLine, style: s.textDecorationStyle, thickness: s.textDecorationThickness };
    };
    return {
      exposure: Object.fromEntries(levels.map((l) => [l, texts(`termlens-exposure-${l}`)])),
      styles: Object.fromEntries(levels.map((l) => [l, style(`termlens-exposure-${l}`)])),
      alternate: texts('termlens-alternate'),
      ordered: ranges.map((r) => r.toString()),
    };
  }, LEVELS);
}

inBrowsers('weight', (ctx) => {
  ctx.it('exposure shows in the highlight and the popup list; adjacent provisions stay apart', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url(PAGE));
    try {
      const tabId = await session.tabId(page.url);
      const { status } = await session.settled(tabId);
      assert.ok(status.provisions.length >= 2, 'the page has provisions');
      for (const p of status.provisions) {
        assert.equal(p.exposure, kb.provision(p.provision).compliance.exposure, `${p.provision}: status exposure is the data's`);
      }
      const drawn = await readWeight(page);
      const byLevel = Object.fromEntries(LEVELS.map((l) => [l, status.provisions.filter((p) => p.exposure === l).length]));
      for (const l of LEVELS) assert.equal(drawn.exposure[l].length, byLevel[l], `${l}: one highlight per provision of that level`);
      assert.equal(LEVELS.reduce((n, l) => n + drawn.exposure[l].length, 0), drawn.ordered.length, 'every provision has its level drawn');
      for (const l of LEVELS) {
        for (const marker of drawn.exposure[l]) {
          assert.ok(marker.trim() && drawn.ordered.some((text) => text.startsWith(marker)), `the ${l} marker "${marker}" starts a provision`);
        }
      }
      // Per level a different line style or weight (the registered styles, as the page resolves them).
      const keys = LEVELS.map((l) => `${drawn.styles[l].style} ${drawn.styles[l].thickness}`);
      assert.ok(LEVELS.every((l) => drawn.styles[l].line.includes('overline')), `an overline per level: ${JSON.stringify(drawn.styles)}`);
      assert.equal(new Set(keys).size, LEVELS.length, `each level looks different: ${keys.join(' / ')}`);
      // Neighbours in page order: exactly one of the two carries the deeper tint.
      const alternate = new Set(drawn.alternate);
      for (let i = 1; i < drawn.ordered.length; i++) {
        assert.notEqual(alternate.has(drawn.ordered[i]), alternate.has(drawn.ordered[i - 1]), `provisions ${i - 1} and ${i} differ`);
      }

      const popup = await session.extensionPage(`extension/popup/popup.html?tab=${tabId}`);
      try {
        await waitFor(() => popup.evaluate(() => document.querySelectorAll('#provisions .provision-link').length > 0), 'the popup list');
        const listed = await popup.evaluate(() => [...document.querySelectorAll('#provisions .provision-link')]
          .map((b) => ({ provision: /** @type {HTMLElement} */ (b).dataset.provision, badge: b.querySelector('.exposure-badge')?.textContent ?? null })));
        assert.equal(listed.length, status.provisions.length);
        for (const [i, p] of status.provisions.entries()) {
          assert.equal(listed[i].provision, p.provision);
          assert.equal(listed[i].badge, LABELS[p.exposure], `${p.provision}: the badge names its exposure`);
        }
      } finally {
        await popup.close();
      }
      note(ctx.name, `levels on the page: ${LEVELS.map((l) => `${l} ${byLevel[l]}`).join(', ')}; styles ${keys.join(' / ')}`);
    } finally {
      await page.close();
    }
  });
});
