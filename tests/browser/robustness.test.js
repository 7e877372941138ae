// Hostile and heavy pages: termlens never breaks a page, and says at most one line.
//  - a terms page whose own scripts throw, replace globals and rewrite the text while
//    termlens reads it;
//  - a huge terms page (about 3 MB of text in 20,000 sections).
// "The page keeps working" = the page's own timer keeps ticking throughout.

import assert from 'node:assert/strict';
import { inBrowsers, termlensConsole, waitFor, note } from './harness.js';

/** Waits until the page's own timer has advanced by `n` ticks (50 ms each). */
async function pageKeepsTicking(page, n = 5) {
  const start = await page.evaluate(() => window.pageTicks);
  await waitFor(async () => (await page.evaluate(() => window.pageTicks)) >= start + n, 'the page\'s own script to keep running', { timeout: 10_000 });
}

inBrowsers('robustness', (ctx) => {
  ctx.it('a page whose scripts throw keeps working; termlens still runs and logs at most one line', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url('/legal/broken-terms'));
    try {
      const tabId = await session.tabId(page.url);
      const view = await session.settled(tabId);
      await pageKeepsTicking(page);
      assert.equal(view.status.phase, 'done', view.status.errors.join('; '));
      // The page rewrites its text 40 times in a second: batched, at most a few runs.
      await waitFor(async () => (await page.evaluate(() => document.getElementById('late').textContent)).includes('41'), 'the page to finish rewriting');
      const later = await session.status(tabId);
      assert.ok(later.status.runs <= 3, `annotated ${later.status.runs} times`);
      assert.ok(termlensConsole(page).length <= 1, JSON.stringify(termlensConsole(page)));
      assert.ok(page.errors.some((e) => /page error/.test(e)), 'the page\'s own errors happened');
      assert.deepEqual(page.errors.filter((e) => /termlens|extension:/i.test(e)), [], 'no uncaught error from termlens');
      note(ctx.name, `throwing page: ${later.status.runs} runs, ${termlensConsole(page).length} termlens lines`);
    } finally {
      await page.close();
    }
  });

  ctx.it('a huge page keeps working; termlens finishes and logs at most one line', { timeout: 120_000 }, async () => {
    const { session, server } = ctx.t;
    const started = Date.now();
    const page = await session.open(server.url('/legal/huge-terms'));
    try {
      const length = await page.evaluate(() => document.body.textContent.length);
      assert.ok(length > 2_500_000, `the page holds ${length} characters`);
      const tabId = await session.tabId(page.url);
      const view = await session.settled(tabId, 90_000);
      await pageKeepsTicking(page);
      assert.ok(['done', 'failed'].includes(view.status.phase));
      if (view.status.phase === 'failed') assert.match(view.status.errors.join(' '), /too long/);
      assert.ok(termlensConsole(page).length <= 1, JSON.stringify(termlensConsole(page)));
      assert.deepEqual(page.errors.filter((e) => /termlens|extension:/i.test(e)), []);
      note(ctx.name, `huge page (${length} characters): ${view.status.phase}, ${view.status.count} provisions, ${Date.now() - started} ms`);
    } finally {
      await page.close();
    }
  });

  ctx.it('the background stopped in the middle of an annotation: the content script asks once more and finishes', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    if (ctx.name !== 'chromium') {
      // Firefox runs the background as an event page that WebDriver BiDi cannot stop
      // on demand (no counterpart of ServiceWorker.stopAllWorkers).
      note(ctx.name, 'background stopped mid-annotation: not tested (no way to stop the event page)');
      return;
    }
    // The next annotate call never answers; the worker is stopped while it waits.
    assert.equal(await session.inExtension(async () => {
      const api = globalThis.browser ?? globalThis.chrome;
      const reply = await api.runtime.sendMessage({ type: 'test-bg-stall' });
      return reply?.ok && reply.value;
    }), true);
    const page = await session.open(server.url('/legal/commercial-terms'));
    try {
      const tabId = await session.tabId(page.url);
      await waitFor(async () => ((await session.status(tabId)).status?.runs ?? 0) >= 1, 'the annotation to start');
      const cdp = await session.context.newCDPSession(session.control);
      try {
        await cdp.send('ServiceWorker.enable');
        await cdp.send('ServiceWorker.stopAllWorkers');
      } finally {
        await cdp.detach().catch(() => {});
      }
      const view = await session.settled(tabId, 60_000);
      assert.equal(view.status.phase, 'done', view.status.errors.join('; '));
      assert.deepEqual(view.status.errors, []);
      assert.ok(view.status.count > 0, 'the provisions are drawn');
      assert.deepEqual(termlensConsole(page), []);
      note(ctx.name, `background stopped mid-annotation: ${view.status.count} provisions after ${view.status.runs} runs`);
    } finally {
      await page.close();
    }
  });

  ctx.it('a page too long to annotate: termlens gives up with exactly one console line and reports it', { timeout: 120_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url('/legal/huge-terms?sections=40000'));
    try {
      const length = await page.evaluate(() => document.body.textContent.length);
      assert.ok(length > 5_000_000, `the page holds ${length} characters`);
      const tabId = await session.tabId(page.url);
      const view = await session.settled(tabId, 90_000);
      await pageKeepsTicking(page);
      assert.equal(view.status.phase, 'failed');
      assert.match(view.status.errors.join(' '), /too long/);
      assert.equal(view.status.wasm, false, 'the text never reached the engine');
      const lines = termlensConsole(page);
      assert.equal(lines.length, 1, JSON.stringify(lines));
      assert.match(lines[0].text, /^termlens: .*too long/);
      assert.equal(lines[0].type.startsWith('warn'), true);
      assert.deepEqual(page.errors.filter((e) => /termlens|extension:/i.test(e)), []);
      assert.match(await session.popupText(tabId), /Problems: .*too long/);
      note(ctx.name, `too-long page (${length} characters): "${lines[0].text}"`);
    } finally {
      await page.close();
    }
  });
});
