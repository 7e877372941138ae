// What the reader cannot see is not the reader's text: the real Anthropic page with
// the "not" removed from its no-training clause in the visible text, and the exact
// known wording next to it where no reader sees it (off-screen, at opacity 0 through
// an ancestor, clipped as "visually hidden" text is, in a zero-size box that clips).
// The visible clause must be reported `changed`, never `exact` on the hidden copy, and
// no highlight may fall on the hidden copy. A last page shows the exact wording in
// plain sight, for contrast: it is `exact`.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { inBrowsers, DATA, CORPUS, PAGES, readHighlights } from './harness.js';
import { KnowledgeBase, escapeHtml } from './kb.js';

const kb = new KnowledgeBase(DATA, CORPUS);
const ID = 'anthropic.commercial-no-training';
const EXACT = kb.provision(ID).wording[0].text;
const VISIBLE = 'Anthropic may not train models on Customer Content from Services.';
const TAMPERED = 'Anthropic may train models on Customer Content from Services.';
if (!EXACT.startsWith(VISIBLE)) throw new Error(`${ID}'s wording no longer starts with "${VISIBLE}"`);

const SOURCE = fs.readFileSync(path.join(PAGES, 'anthropic-commercial-terms/2026-08-20.html'), 'utf8');

/** How each page hides its exact copy: an opening and a closing tag around it. */
const HIDINGS = {
  'off-screen': ['<span id="copy" style="position:absolute;left:-99999px">', '</span>'],
  'opacity 0 on an ancestor': ['<span style="opacity:0;position:absolute"><span id="copy">', '</span></span>'],
  'clipped (visually hidden)': ['<span id="copy" style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap">', '</span>'],
  'zero size, overflow hidden': ['<span id="copy" style="display:inline-block;width:0;height:0;overflow:hidden">', '</span>'],
};

/**
 * The page with the visible clause tampered with and `copy` (markup around the exact
 * wording) right before it, inside the same paragraph.
 * @param {string} copy
 */
function tamperedPage(copy) {
  const at = SOURCE.indexOf(VISIBLE);
  if (at < 0) throw new Error('the fixture no longer shows the clause');
  return SOURCE.slice(0, at) + copy + TAMPERED + SOURCE.slice(at + VISIBLE.length);
}

const routes = Object.fromEntries(Object.entries(HIDINGS).map(([name, [open, close]], k) => [
  `/legal/hidden-copy-${k}/commercial-terms`,
  { html: () => tamperedPage(`${open}${escapeHtml(EXACT)}${close}`), name },
]));
routes['/legal/shown-copy/commercial-terms'] = { html: () => tamperedPage(`<span id="copy">${escapeHtml(EXACT)} </span>`), name: 'shown' };

inBrowsers('visibility: a hidden exact copy next to a visible tampered clause', (ctx) => {
  for (const [route, { name }] of Object.entries(routes)) {
    const shown = name === 'shown';
    ctx.it(`${name}: the ${shown ? 'shown copy is exact' : 'visible clause is changed, nothing highlighted on the hidden copy'}`, { timeout: 90_000 }, async () => {
      const { session, server } = ctx.t;
      const page = await session.open(server.url(route));
      try {
        const tabId = await session.tabId(page.url);
        const view = await session.settled(tabId, 60_000);
        assert.equal(view.status.phase, 'done', view.status.errors.join('; '));
        const found = view.status.provisions.filter((p) => p.provision === ID).map((p) => p.status);
        if (shown) assert.ok(found.includes('exact'), `${ID}: ${found.join(', ')}`);
        else assert.deepEqual(found, ['changed'], `${ID}: ${found.join(', ')}`);
        // Ranges of every termlens highlight that start or end inside the copy.
        const onCopy = await page.evaluate(() => {
          const copy = document.getElementById('copy');
          const names = [];
          for (const [name, highlight] of CSS.highlights) {
            for (const range of highlight) {
              if (copy?.contains(range.startContainer) || copy?.contains(range.endContainer)) names.push(name);
            }
          }
          return names;
        });
        if (shown) {
          assert.ok(onCopy.includes('termlens-exact'), `the shown copy is highlighted exact (${onCopy.join(', ')})`);
        } else {
          assert.deepEqual(onCopy, [], 'no highlight on the hidden copy');
          const changed = (await readHighlights(page))['termlens-changed'];
          assert.ok(changed.some((r) => r.includes('Anthropic may train models')), `the visible clause is highlighted changed (${JSON.stringify(changed.map((r) => r.slice(0, 60)))})`);
        }
      } finally {
        await page.close();
      }
    });
  }
}, { routes });
