// The gate: termlens stays idle (no engine, no Wasm) on a page that is not terms,
// runs there only when asked from the popup, and catches terms text that a page
// renders after load, annotating it once.

import assert from 'node:assert/strict';
import { inBrowsers, DATA, CORPUS, ROUTES, readHighlights, termlensConsole, waitFor, note } from './harness.js';
import { KnowledgeBase, containsWordsInOrder } from './kb.js';

const kb = new KnowledgeBase(DATA, CORPUS);

/** Console errors and warnings of any origin (for hand-written pages, which have none of their own). */
const problems = (page) => page.console.filter((m) => m.type === 'error' || m.type === 'warning' || m.type === 'warn');

inBrowsers('gate', (ctx) => {
  // First test of a fresh browser: nothing else can have started the engine.
  ctx.it('a page that is not terms stays idle and loads no Wasm', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url('/blog/growing-tomatoes'));
    try {
      const tabId = await session.tabId(page.url);
      // The page has rendered and its own script runs (no sleeping: wait for its ticks).
      await waitFor(() => page.evaluate(() => window.pageTicks > 5), 'the page to run');
      const view = await session.status(tabId);
      assert.equal(view.content.phase, 'idle', 'the gate is idle');
      assert.equal(view.status, null, 'the background has no record of the tab');
      assert.equal(view.engine.state, 'not loaded', 'the Wasm engine was never instantiated');
      assert.equal(view.badge, '');
      assert.deepEqual(await readHighlights(page), {
        'termlens-exact': [], 'termlens-changed': [], 'termlens-changed-words': [], 'termlens-active': [],
      });
      assert.equal(await page.evaluate(() => document.body.nextElementSibling), null, 'nothing added to the page');
      const popup = await session.popupText(tabId);
      assert.match(popup, /does not look like terms/);
      assert.deepEqual(problems(page), [], `no console errors or warnings: ${JSON.stringify(problems(page))}`);
      assert.deepEqual(page.errors, [], 'no uncaught errors');
    } finally {
      await page.close();
    }
  });

  ctx.it('the popup\'s "Run termlens on this page" runs it on demand', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url('/blog/growing-tomatoes'));
    try {
      const tabId = await session.tabId(page.url);
      assert.equal((await session.status(tabId)).content.phase, 'idle');
      const reply = await session.run(tabId);
      assert.equal(reply.count, 0);
      const view = await session.settled(tabId);
      assert.equal(view.status.phase, 'done');
      assert.equal(view.status.reason, 'on demand');
      assert.equal(view.status.wasm, true, 'the engine read the page');
      assert.equal(view.engine.state, 'ready');
      assert.equal(view.engine.kbSource, 'compiled', 'the knowledge base read from its compiled files');
      assert.equal(view.status.count, 0);
      assert.equal(view.badge, '');
      assert.match(await session.popupText(tabId), /No known provisions found on this page/);
      assert.deepEqual(problems(page), []);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });

  ctx.it('terms text rendered after load is annotated, once', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url('/app/render-later'));
    try {
      const tabId = await session.tabId(page.url);
      const view = await session.settled(tabId, 30_000);
      assert.equal(await page.evaluate(() => window.rendered === true), true);
      assert.equal(view.status.phase, 'done', view.status.errors.join('; '));
      assert.match(view.status.reason, /after load/);
      const source = ROUTES['/legal/commercial-terms'];
      const expected = kb.expectedOn(source.document, source.date);
      const highlights = await readHighlights(page);
      for (const { provision, wording } of expected) {
        assert.ok(view.status.provisions.some((p) => p.provision === provision.id && p.status === 'exact'), `${provision.id} found`);
        assert.ok(highlights['termlens-exact'].some((t) => containsWordsInOrder(t, wording.text)), `${provision.id} highlighted`);
      }
      assert.equal(view.badge, String(view.status.count));
      // Mutations are batched and the text is compared before annotating again.
      await waitFor(async () => (await page.evaluate(() => window.pageTicks)) > 30, 'the page to keep running');
      const later = await session.status(tabId);
      assert.equal(later.status.runs, 1, 'annotated once, not once per mutation');
      assert.deepEqual(termlensConsole(page), []);
      assert.deepEqual(problems(page), []);
      assert.deepEqual(page.errors, []);
      note(ctx.name, `rendered-after-load page: ${view.status.count} provisions, ${later.status.runs} run`);
    } finally {
      await page.close();
    }
  });
});
