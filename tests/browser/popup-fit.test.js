// The popup as a toolbar popup: at 400 x 600 CSS px (Chrome cuts a popup at 600 px
// tall) the document does not overflow, and at most one element scrolls: the shown
// tab's list. Checked with a lookup of a full page of results (one expanded into its
// card) and with a real terms page's findings. The two tabs switch by click and by
// arrow keys (the ARIA tabs pattern); the "Run" button is not the primary one once
// termlens has run; what every row shares is said once above the list; the keyboard
// shortcuts are the browser's (commands.getAll), as the manifest names them.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { inBrowsers, waitFor, note, ROOT } from './harness.js';

const WIDTH = 400;
const HEIGHT = 600;
const PAGE = '/legal/commercial-terms';
/** A query that names no platform or topic and matches far more than a page of results. */
const BROAD = 'data';
const LOOKUP_LIMIT = 25;

/**
 * Opens the popup as a page at 400 x 600.
 * @param {any} session
 * @param {string} query
 */
async function popupAt400(session, query) {
  const popup = await session.extensionPage(`extension/popup/popup.html?${query}`);
  await popup.viewport(WIDTH, HEIGHT);
  await waitFor(() => popup.evaluate(() => !document.getElementById('summary')?.textContent?.includes('Looking')), 'the popup');
  return popup;
}

/**
 * The document's size, and every element that scrolls (a scrolling overflow style and
 * more content than room, either way).
 * @param {import('./harness.js').TestPage} popup
 */
function layout(popup) {
  return popup.evaluate(() => {
    const scrolls = (/** @type {string} */ v) => v === 'auto' || v === 'scroll' || v === 'overlay';
    const scrollers = [];
    for (const e of document.body.querySelectorAll('*')) {
      const style = getComputedStyle(e);
      const y = scrolls(style.overflowY) && e.scrollHeight > e.clientHeight + 1;
      const x = scrolls(style.overflowX) && e.scrollWidth > e.clientWidth + 1;
      if (x || y) scrollers.push(e.id || `${e.tagName.toLowerCase()}.${e.className}`);
    }
    const root = document.documentElement;
    return { height: root.scrollHeight, width: root.scrollWidth, bodyHeight: document.body.getBoundingClientRect().height, scrollers };
  });
}

/**
 * Asserts the popup fits and that only `list` may scroll.
 * @param {import('./harness.js').TestPage} popup
 * @param {string} list the id of the one list allowed to scroll
 * @param {string} what
 */
async function assertFits(popup, list, what) {
  const l = await layout(popup);
  assert.ok(l.height <= HEIGHT && l.bodyHeight <= HEIGHT, `${what}: ${l.height} px tall (body ${l.bodyHeight}), at most ${HEIGHT}`);
  assert.ok(l.width <= WIDTH, `${what}: ${l.width} px wide, at most ${WIDTH}`);
  assert.deepEqual(l.scrollers.filter((id) => id !== list), [], `${what}: nothing but #${list} scrolls`);
  return l;
}

/** @param {import('./harness.js').TestPage} popup */
const tabState = (popup) => popup.evaluate(() => [...document.querySelectorAll('[role="tab"]')].map((t) => ({
  id: t.id,
  selected: t.getAttribute('aria-selected') === 'true',
  focusable: /** @type {HTMLElement} */ (t).tabIndex === 0,
  panelShown: !(/** @type {HTMLElement} */ (document.getElementById(String(t.getAttribute('aria-controls'))))).hidden,
  focused: document.activeElement === t,
})));

/** @param {import('./harness.js').TestPage} popup */
async function selected(popup) {
  const tabs = await tabState(popup);
  for (const t of tabs) assert.ok(t.selected === t.panelShown && t.selected === t.focusable, JSON.stringify(tabs));
  assert.equal(tabs.filter((t) => t.selected).length, 1, JSON.stringify(tabs));
  return tabs.find((t) => t.selected);
}

inBrowsers('popup at 400 x 600', (ctx) => {
  ctx.it('a lookup of a full page of results fits, the results the one scroller, also with a result expanded', { timeout: 60_000 }, async () => {
    const { session } = ctx.t;
    const popup = await popupAt400(session, `tab=0&q=${BROAD}`);
    try {
      const n = await waitFor(() => popup.evaluate(() => (document.getElementById('results').dataset.state === 'done'
        ? document.querySelectorAll('#results .hit').length : 0)), 'the lookup results');
      assert.equal(n, LOOKUP_LIMIT, 'a full page of results');
      const l = await assertFits(popup, 'results', 'lookup');
      assert.deepEqual(l.scrollers, ['results'], 'the results scroll');
      assert.equal((await selected(popup)).id, 'tab-lookup', 'a lookup asked for opens the lookup tab');
      await popup.evaluate(() => /** @type {HTMLElement} */ (document.querySelector('#results .hit-toggle')).click());
      await waitFor(() => popup.evaluate(() => /** @type {HTMLElement} */ (document.querySelector('#results .card-body'))?.dataset.loaded === 'done'), 'the expanded result');
      await assertFits(popup, 'results', 'lookup with a card');
      note(ctx.name, `lookup at ${WIDTH}x${HEIGHT}: ${n} results, document ${l.height} px tall`);
    } finally {
      await popup.close();
    }
  });

  ctx.it('a page\'s findings fit, the list the one scroller; Run is not primary; the shared chip is said once', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url(PAGE));
    try {
      const tabId = await session.tabId(page.url);
      const { status } = await session.settled(tabId);
      const popup = await popupAt400(session, `tab=${tabId}`);
      try {
        await waitFor(() => popup.evaluate(() => document.querySelectorAll('#provisions .provision-link').length > 0), 'the findings');
        const l = await assertFits(popup, 'provisions', 'on this page');
        assert.deepEqual(l.scrollers, ['provisions'], `the ${status.provisions.length} findings scroll`);
        assert.equal((await selected(popup)).id, 'tab-page', 'a page with findings opens on them');
        const run = await popup.evaluate(() => {
          const b = /** @type {HTMLElement} */ (document.getElementById('run'));
          const open = /** @type {HTMLElement} */ (document.getElementById('export-markdown'));
          return { background: getComputedStyle(b).backgroundColor, secondary: getComputedStyle(open).backgroundColor, shown: b.offsetHeight > 0 };
        });
        assert.ok(run.shown && run.background === run.secondary, `Run looks like the secondary buttons: ${JSON.stringify(run)}`);
        // Every provision of this page is the same platform's known wording of one version.
        const first = status.provisions[0];
        assert.ok(status.provisions.every((p) => p.platformName === first.platformName && p.status === 'exact' && p.version === first.version));
        const text = await popup.evaluate(() => ({
          common: document.getElementById('provisions-common').textContent,
          rows: [...document.querySelectorAll('#provisions .provision-link .meta')].map((m) => m.textContent),
        }));
        assert.ok(text.common.includes(first.platformName) && text.common.includes('known wording') && text.common.includes(first.version), text.common);
        for (const row of text.rows) assert.ok(!row.includes('known wording') && !row.includes(first.platformName), `said once, not in the row's "${row}"`);
        note(ctx.name, `on this page at ${WIDTH}x${HEIGHT}: ${status.provisions.length} findings, document ${l.height} px tall`);
      } finally {
        await popup.close();
      }
    } finally {
      await page.close();
    }
  });

  ctx.it('a page termlens left alone: opens on that page, Run is the primary button, no export shows', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url('/blog/growing-tomatoes'));
    try {
      const tabId = await session.tabId(page.url);
      const popup = await popupAt400(session, `tab=${tabId}`);
      try {
        assert.equal((await selected(popup)).id, 'tab-page');
        const seen = await popup.evaluate(() => ({
          run: getComputedStyle(document.getElementById('run')).backgroundColor,
          settings: getComputedStyle(document.getElementById('open-settings')).backgroundColor,
          exportShown: document.getElementById('export').offsetHeight > 0,
        }));
        assert.ok(seen.run !== seen.settings && !seen.exportShown, JSON.stringify(seen));
        await assertFits(popup, 'provisions', 'a page left alone');
      } finally {
        await popup.close();
      }
    } finally {
      await page.close();
    }
  });

  ctx.it('the tabs switch by click and by arrow keys', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url(PAGE));
    try {
      const tabId = await session.tabId(page.url);
      await session.settled(tabId);
      const popup = await popupAt400(session, `tab=${tabId}`);
      try {
        assert.equal((await selected(popup)).id, 'tab-page');
        await popup.evaluate(() => document.getElementById('tab-lookup').click());
        assert.equal((await selected(popup)).id, 'tab-lookup', 'click');
        await popup.evaluate(() => document.getElementById('tab-lookup').focus());
        for (const [key, want] of [['ArrowRight', 'tab-page'], ['ArrowRight', 'tab-lookup'], ['ArrowLeft', 'tab-page'], ['End', 'tab-lookup'], ['Home', 'tab-page']]) {
          await popup.press(key);
          const now = await selected(popup);
          assert.ok(now.id === want && now.focused, `${key}: ${JSON.stringify(now)}`);
        }
        await assertFits(popup, 'provisions', 'after switching');
      } finally {
        await popup.close();
      }
    } finally {
      await page.close();
    }
  });

  ctx.it('lists the manifest\'s keyboard commands with the browser\'s keys', { timeout: 30_000 }, async () => {
    const { session } = ctx.t;
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
    const messages = JSON.parse(fs.readFileSync(path.join(ROOT, '_locales/en/messages.json'), 'utf8'));
    const popup = await popupAt400(session, 'tab=0');
    try {
      const listed = await waitFor(() => popup.evaluate(() => (document.getElementById('shortcuts').hidden ? null
        : Object.fromEntries([...document.querySelectorAll('#shortcut-list > div')].map((d) => [/** @type {HTMLElement} */ (d).dataset.command,
          { key: d.querySelector('dt').textContent, what: d.querySelector('dd').textContent }])))), 'the shortcuts');
      // The keys the browser has given (a browser may leave a suggested key unassigned,
      // as Chromium does for an extension loaded from the command line).
      const keys = await popup.evaluate(async () => Object.fromEntries((await (globalThis.browser ?? globalThis.chrome).commands.getAll())
        .map((c) => [c.name, c.shortcut ?? ''])));
      for (const [name, command] of Object.entries(manifest.commands)) {
        const described = messages[command.description.replace(/^__MSG_(.*)__$/, '$1')].message;
        assert.ok(listed[name], `${name} is listed: ${JSON.stringify(listed)}`);
        assert.equal(listed[name].what, described, name);
        assert.ok(keys[name] === '' || keys[name].replace(/\s/g, '') === command.suggested_key.default, `${name}: ${keys[name]}`);
        assert.equal(listed[name].key, keys[name] || messages.shortcutNotSet.message, `${name}'s key`);
      }
      note(ctx.name, `shortcuts: ${JSON.stringify(keys)}`);
      await popup.evaluate(() => { /** @type {HTMLDetailsElement} */ (document.getElementById('shortcuts')).open = true; });
      await assertFits(popup, 'results', 'with the shortcuts open');
    } finally {
      await popup.close();
    }
  });
});
