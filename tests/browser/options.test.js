// The options page: platforms and topics on or off, the highlight style, termlens off
// for a site. Each setting is changed with the keyboard on the page, survives the
// page's reload, and changes what termlens does on a terms page opened afterwards.
// Expectations come from data/ (which provisions the page holds, their topics).

import assert from 'node:assert/strict';
import { inBrowsers, DATA, CORPUS, ROUTES, waitFor } from './harness.js';
import { KnowledgeBase } from './kb.js';

const kb = new KnowledgeBase(DATA, CORPUS);
const PAGE = '/legal/commercial-terms';
const expected = kb.expectedOn(ROUTES[PAGE].document, ROUTES[PAGE].date).map((e) => e.provision);

/** Opens the options page and waits for its platform and topic lists. */
async function openOptions(session) {
  const page = await session.extensionPage('extension/options/options.html');
  await waitFor(() => page.evaluate(() => document.getElementById('topic-list')?.dataset.state === 'ready'), 'the options page');
  return page;
}

/** Focuses an element of the options page and presses a key on it. */
async function pressOn(page, selector, key) {
  await page.evaluate((s) => document.querySelector(s).focus(), selector);
  await page.press(key);
}

/** Waits until the stored settings pass `ok`. */
function stored(session, ok, what) {
  return waitFor(async () => {
    const value = await session.inExtension(async () => (await (globalThis.browser ?? globalThis.chrome).storage.local.get('settings')).settings);
    return value && ok(value) ? value : null;
  }, what);
}

/** Opens the terms page, waits for termlens, returns its status and registered highlights. */
async function visit(session, server) {
  const page = await session.open(server.url(PAGE));
  const tabId = await session.tabId(page.url);
  const content = await waitFor(async () => {
    const s = await session.status(tabId);
    return s.content?.phase === 'off' || s.status?.phase === 'done' ? s : null;
  }, 'termlens to finish or stay off');
  const counts = await page.evaluate(() => Object.fromEntries(
    ['termlens-exact', 'termlens-changed', 'termlens-contrast-exact', 'termlens-contrast-changed']
      .map((n) => [n, CSS.highlights.get(n)?.size ?? 0])));
  return { page, tabId, view: content, counts };
}

const reset = (session) => session.inExtension(() => (globalThis.browser ?? globalThis.chrome).storage.local.remove('settings'));

inBrowsers('options', (ctx) => {
  ctx.it('a platform turned off and the high-contrast style persist across a reload and change the highlights', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    await reset(session);
    let options = await openOptions(session);
    try {
      await pressOn(options, '#platform-list input[value="anthropic"]', 'Space');
      await pressOn(options, 'input[name="highlightStyle"][value="high-contrast"]', 'Space');
      await stored(session, (s) => s.platformsOff.includes('anthropic') && s.highlightStyle === 'high-contrast', 'the settings saved');
    } finally {
      await options.close();
    }
    options = await openOptions(session);
    try {
      const shown = await options.evaluate(() => ({
        anthropic: /** @type {HTMLInputElement} */ (document.querySelector('#platform-list input[value="anthropic"]')).checked,
        openai: /** @type {HTMLInputElement} */ (document.querySelector('#platform-list input[value="openai"]')).checked,
        style: /** @type {HTMLInputElement} */ (document.querySelector('input[name="highlightStyle"]:checked')).value,
      }));
      assert.deepEqual(shown, { anthropic: false, openai: true, style: 'high-contrast' }, 'the reloaded page shows the saved settings');

      // The lookup leaves Anthropic's provisions out too.
      const hits = await session.inExtension(async () => {
        const reply = await (globalThis.browser ?? globalThis.chrome).runtime.sendMessage({ type: 'popup-bg-lookup', query: 'train on customer content', filters: {}, limit: 25 });
        if (!reply?.ok) throw new Error(reply?.error);
        return reply.value.map((h) => h.platform);
      });
      assert.ok(hits.length > 0 && !hits.includes('anthropic'), `lookup without Anthropic: ${hits.join(', ')}`);

      let visited = await visit(session, server);
      assert.equal(visited.view.status.provisions.length, 0, 'no Anthropic provision with Anthropic off');
      assert.equal(visited.counts['termlens-exact'], 0);
      await visited.page.close();

      await pressOn(options, '#platform-list input[value="anthropic"]', 'Space');
      await stored(session, (s) => !s.platformsOff.includes('anthropic'), 'Anthropic back on');
      visited = await visit(session, server);
      const found = visited.view.status.provisions.map((p) => p.provision);
      for (const p of expected) assert.ok(found.includes(p.id), `${p.id} highlighted again`);
      assert.ok(visited.counts['termlens-exact'] > 0);
      assert.equal(visited.counts['termlens-contrast-exact'], visited.counts['termlens-exact'], 'every exact provision in high contrast');
      await visited.page.close();
    } finally {
      await options.close();
      await reset(session);
    }
  });

  ctx.it('a provision is hidden when all of its topics are off', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    await reset(session);
    const target = expected.find((p) => p.id === 'anthropic.commercial-no-training') ?? expected[0];
    const off = new Set(target.topics);
    const options = await openOptions(session);
    try {
      for (const topic of off) await pressOn(options, `#topic-list input[value="${topic}"]`, 'Space');
      await stored(session, (s) => [...off].every((t) => s.topicsOff.includes(t)), 'the topics saved');
      const visited = await visit(session, server);
      const found = visited.view.status.provisions.map((p) => p.provision);
      for (const p of expected) {
        const hidden = p.topics.every((t) => off.has(t));
        assert.equal(found.includes(p.id), !hidden, `${p.id} (${p.topics.join(', ')}) ${hidden ? 'hidden' : 'shown'}`);
      }
      assert.ok(!found.includes(target.id));
      await visited.page.close();
    } finally {
      await options.close();
      await reset(session);
    }
  });

  ctx.it('termlens off for a site: it stays off there, the popup says so and can still run it once', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    await reset(session);
    const options = await openOptions(session);
    try {
      await options.evaluate(() => document.getElementById('site-input').focus());
      await options.type(server.origin);
      await options.press('Enter');
      await stored(session, (s) => s.sitesOff.includes('127.0.0.1'), 'the site saved');
      const visited = await visit(session, server);
      try {
        assert.equal(visited.view.content.phase, 'off');
        assert.equal(visited.view.status, null, 'termlens did not start');
        assert.equal(visited.counts['termlens-exact'], 0);
        assert.match(await session.popupText(visited.tabId), /termlens is off for this site/);
        await session.run(visited.tabId);
        const { status } = await session.settled(visited.tabId);
        assert.ok(status.provisions.length >= expected.length, 'Run works on a site turned off');
      } finally {
        await visited.page.close();
      }
      // Turned back on with the keyboard.
      await waitFor(() => options.evaluate(() => !!document.querySelector('#site-list button')), 'the site listed');
      await pressOn(options, '#site-list button', 'Enter');
      await stored(session, (s) => s.sitesOff.length === 0, 'the site removed');
    } finally {
      await options.close();
      await reset(session);
    }
  });

  ctx.it('a page snapshot can be forgotten on its own; the others stay', { timeout: 60_000 }, async () => {
    const { session } = ctx.t;
    const pages = ['https://a.example/terms', 'https://b.example/terms'];
    const seed = await session.extensionPage('extension/options/options.html');
    try {
      await seed.evaluate(async (urls) => {
        const snapshots = await import('/extension/shared/snapshots.js');
        const area = (globalThis.browser ?? globalThis.chrome).storage.local;
        await snapshots.clear(area);
        for (const [i, url] of urls.entries()) await snapshots.save(area, url, `text of ${url}`, `2026-01-0${i + 1}T00:00:00Z`);
      }, pages);
    } finally {
      await seed.close();
    }
    const options = await openOptions(session);
    const listed = () => options.evaluate(() => [...document.querySelectorAll('#snapshot-list li[data-url]')].map((li) => /** @type {HTMLElement} */ (li).dataset.url).sort());
    try {
      await waitFor(async () => (await listed()).length === 2 || null, 'the two snapshots listed');
      await pressOn(options, `#snapshot-list li[data-url="${pages[0]}"] button`, 'Enter');
      await waitFor(async () => (await listed()).length === 1 || null, 'one snapshot left in the list');
      assert.deepEqual(await listed(), [pages[1]]);
      const kept = await session.inExtension(async () => Object.keys(await (globalThis.browser ?? globalThis.chrome).storage.local.get(null))
        .filter((k) => k.startsWith('termlensSnapshot:')).sort());
      assert.deepEqual(kept, [`termlensSnapshot:${pages[1]}`], 'only the forgotten page\'s record is removed');
      assert.match(await options.evaluate(() => document.getElementById('snapshot-status').textContent), /a\.example/);
    } finally {
      await options.evaluate(async () => {
        const snapshots = await import('/extension/shared/snapshots.js');
        await snapshots.clear((globalThis.browser ?? globalThis.chrome).storage.local);
      });
      await options.close();
    }
  });

  ctx.it('stored settings of an older schema are migrated; malformed values fall back to the defaults', { timeout: 30_000 }, async () => {
    const { session } = ctx.t;
    await session.inExtension(() => (globalThis.browser ?? globalThis.chrome).storage.local.set({
      settings: { highContrast: true, platformsOff: 'anthropic', topicsOff: ['training', 7], sitesOff: ['Example.COM'] },
    }));
    const options = await openOptions(session);
    try {
      assert.equal(await options.evaluate(() => /** @type {HTMLInputElement} */ (document.querySelector('input[name="highlightStyle"]:checked')).value), 'high-contrast');
      const value = await options.evaluate(async () => {
        const { loadSettings } = await import('/extension/shared/settings.js');
        return loadSettings((globalThis.browser ?? globalThis.chrome).storage.local);
      });
      assert.deepEqual(value, { schema: 3, platformsOff: [], topicsOff: ['training'], highlightStyle: 'high-contrast', detectionsOff: false, sitesOff: ['example.com'], sitesWatched: [], cardOpening: 'hover' });
    } finally {
      await options.close();
      await reset(session);
    }
  });
});
