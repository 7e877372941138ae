// Detections: on a terms page termlens knows nothing of (a fictional vendor's, written
// for these tests), passages are highlighted with the quieter detection style; a
// detection's card says what this kind of clause usually does and what to check (the
// topic's own text, from data/topics.toml), ranks known platforms' real clauses on the
// topic, and says the detection is automatic; the popup groups the detections by
// category after the known provisions; the options page turns them off.

import assert from 'node:assert/strict';
import { inBrowsers, DATA, CORPUS, waitFor } from './harness.js';
import { KnowledgeBase, containsWordsInOrder } from './kb.js';

const kb = new KnowledgeBase(DATA, CORPUS);
const PAGE = '/legal/terms-of-service';
const topic = (id) => kb.topics.find((t) => t.id === id);

/** The texts of the detection highlights registered in the page. */
const detected = (page) => page.evaluate(() => [...(CSS.highlights.get('termlens-detected') ?? [])].map((r) => r.toString()));

const reset = (session) => session.inExtension(() => (globalThis.browser ?? globalThis.chrome).storage.local.remove('settings'));

/** Opens the page and waits until termlens is done with it. */
async function visit(session, server) {
  const page = await session.open(server.url(PAGE));
  const tabId = await session.tabId(page.url);
  const { status } = await session.settled(tabId);
  return { page, tabId, status };
}

inBrowsers('detections', (ctx) => {
  ctx.it('a fictional vendor\'s terms get detection highlights, a card with the category\'s text, comparisons and the note', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    await reset(session);
    const { page, tabId, status } = await visit(session, server);
    try {
      assert.equal(status.provisions.length, 0, 'no known provision on the page');
      const texts = await detected(page);
      assert.ok(texts.length >= 5, `detection highlights: ${JSON.stringify(texts)}`);
      assert.ok(texts.some((x) => x.includes('governed by the laws of the State of Oregon')), 'the governing-law clause is highlighted');
      // Neither a known provision's style nor a change's.
      const others = await page.evaluate(() => ['termlens-exact', 'termlens-changed'].map((n) => CSS.highlights.get(n)?.size ?? 0));
      assert.deepEqual(others, [0, 0]);

      const law = status.detections.find((d) => d.topic === 'governing-law');
      assert.ok(law, `a governing-law detection: ${JSON.stringify(status.detections.map((d) => d.topic))}`);
      // Every category of a detection named as data/topics.toml names it, best first.
      for (const d of status.detections) {
        assert.equal(d.topics[0]?.id, d.topic);
        for (const x of d.topics) assert.equal(x.name, topic(x.id)?.name, `${x.id} is named`);
      }
      const key = `detected:${law.start}-${law.end}`;
      assert.equal(law.key, key);
      const shown = await session.inExtension(async ({ id, provision }) => {
        const reply = await (globalThis.browser ?? globalThis.chrome).runtime.sendMessage({ type: 'popup-bg-show', tabId: id, provision });
        return reply?.value;
      }, { id: tabId, provision: key });
      assert.equal(shown?.moved, true, 'the page scrolled to the detection');
      const card = await waitFor(async () => {
        const c = (await session.status(tabId)).status?.card;
        return c?.open && c.provision === key ? c : null;
      }, 'the detection card');
      const about = topic('governing-law');
      assert.ok(containsWordsInOrder(card.text, about.description), 'what this kind of clause usually does');
      assert.ok(containsWordsInOrder(card.text, about.check), 'what to check');
      assert.ok(/detection is automatic/.test(card.text) && /not been verified/.test(card.text), 'the uncertainty note');
      const known = kb.provisions.filter((p) => (p.topics ?? []).includes('governing-law'));
      // Each comparison shows its platform and title; its real clause waits behind a control.
      assert.ok(known.some((p) => containsWordsInOrder(card.text, `${kb.platformOf(p).name} ${p.title}`)), 'a known platform\'s clause on the topic');
      assert.ok(!card.text.includes('Quillmoor Labs be liable'), 'the card does not restate other passages');
    } finally {
      await page.close();
    }
  });

  ctx.it('the popup lists the detections grouped by category, after the known provisions', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    await reset(session);
    const { page, tabId, status } = await visit(session, server);
    try {
      const popup = await session.extensionPage(`extension/popup/popup.html?tab=${tabId}`);
      try {
        await waitFor(() => popup.evaluate(() => document.querySelectorAll('#provisions li.detected-group').length > 0), 'the popup\'s detections');
        const groups = await popup.evaluate(() => [...document.querySelectorAll('#provisions li.detected-group')].map((g) => ({
          topic: /** @type {HTMLElement} */ (g).dataset.topic,
          passages: g.querySelectorAll('.detected-link').length,
          text: /** @type {HTMLElement} */ (g).innerText,
        })));
        const expected = new Map();
        for (const d of status.detections) expected.set(d.topic, (expected.get(d.topic) ?? 0) + 1);
        assert.deepEqual(groups.map((g) => [g.topic, g.passages]), [...expected], 'one group per category, in order of first appearance');
        for (const g of groups) assert.ok(g.text.includes(topic(g.topic).name), `${g.topic} is named`);
        const heading = await popup.evaluate(() => document.querySelector('#provisions li.detected-heading')?.textContent ?? '');
        assert.match(heading, /not verified/);
      } finally {
        await popup.close();
      }
    } finally {
      await page.close();
    }
  });

  ctx.it('turning detections off in the options removes them from the page', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    await reset(session);
    const options = await session.extensionPage('extension/options/options.html');
    try {
      await waitFor(() => options.evaluate(() => document.getElementById('detections-on') !== null), 'the options page');
      await options.evaluate(() => document.getElementById('detections-on').focus());
      await options.press('Space');
      await waitFor(async () => {
        const value = await session.inExtension(async () => (await (globalThis.browser ?? globalThis.chrome).storage.local.get('settings')).settings);
        return value?.detectionsOff === true ? value : null;
      }, 'detections off saved');
    } finally {
      await options.close();
    }
    const { page, status } = await visit(session, server);
    try {
      assert.deepEqual(status.detections ?? [], [], 'no detections in the status');
      assert.deepEqual(await detected(page), [], 'no detection highlight');
    } finally {
      await page.close();
      await reset(session);
    }
  });
});
