// Screenshots for the README: each view of the built extension (dist/termlens) in
// Chromium and Firefox ESR, light and dark, written to docs/screenshots/ as
// <browser>-<scheme>-<view>.png (viewport-sized).
//
// The browsers are started by tests/browser/harness.js (the tests' launch flags,
// recording proxy and 127.0.0.1 fixture server); the terms page is the Anthropic
// Commercial Terms snapshot the tests serve from tests/fixtures/pages. Chromium emulates
// prefers-color-scheme per page; Firefox cannot over WebDriver BiDi, so it is started
// once per scheme with the colour scheme set as a preference.
//
// Usage: bash scripts/build.sh && node scripts/screenshots.mjs [view ...]
// A new view is one more entry in VIEWS.

import fs from 'node:fs';
import path from 'node:path';
import { launch, waitFor, ROOT, BROWSERS } from '../tests/browser/harness.js';

const OUT = path.join(ROOT, 'docs/screenshots');
/** The real terms page the card and "On this page" are shown on. */
const TERMS = '/legal/commercial-terms';
/** A page that is not terms: the popup has nothing to show for it. */
const NOT_TERMS = '/blog/growing-tomatoes';
/** The provision whose card is shown. */
const CARD = 'anthropic.commercial-no-training';
const POPUP = { width: 400, height: 600, fit: true };

/**
 * @typedef {Awaited<ReturnType<typeof launch>>} Env
 * @typedef {import('../tests/browser/harness.js').TestPage} TestPage
 * @typedef {{ page: TestPage, also?: TestPage[] }} Shot   the page to shoot, and pages to close after
 * @typedef {{ name: string, width: number, height: number, fit?: boolean, open: (env: Env, scheme: Scheme) => Promise<Shot> }} View
 *   `fit`: as tall as the content, up to `height` (a toolbar popup)
 * @typedef {'light' | 'dark'} Scheme
 */

/**
 * A fixture page with its tab id; a terms page once termlens has finished on it (the
 * gate leaves a page that is not terms alone, so there is nothing to wait for).
 * @param {Env} env
 * @param {Scheme} scheme
 * @param {string} route
 */
async function termsPage(env, scheme, route) {
  const page = await env.session.open(env.server.url(route));
  await page.colorScheme?.(scheme);
  const tabId = await env.session.tabId(page.url);
  if (route !== NOT_TERMS) await env.session.settled(tabId);
  return { page, tabId };
}

/**
 * The popup (as a page at a toolbar popup's size) for a tab.
 * @param {Env} env
 * @param {Scheme} scheme
 * @param {string} query
 * @param {(popup: TestPage) => Promise<any>} ready
 */
async function popup(env, scheme, query, ready) {
  const page = await env.session.extensionPage(`extension/popup/popup.html?${query}`);
  await page.viewport(POPUP.width, POPUP.height);
  await page.colorScheme?.(scheme);
  await waitFor(() => page.evaluate(() => !document.getElementById('summary')?.textContent?.includes('Looking')), 'the popup');
  await waitFor(() => ready(page), `the popup (${query})`);
  return page;
}

/** @type {View[]} */
export const VIEWS = [
  {
    name: 'card',
    width: 1100,
    height: 760,
    open: async (env, scheme) => {
      const { page, tabId } = await termsPage(env, scheme, TERMS);
      await env.session.inExtension(async ({ id, provision }) => {
        const api = globalThis.browser ?? globalThis.chrome;
        await api.runtime.sendMessage({ type: 'popup-bg-show', tabId: id, provision });
      }, { id: tabId, provision: CARD });
      await waitFor(async () => (await env.session.status(tabId)).status?.card?.open, 'the card');
      return { page };
    },
  },
  {
    name: 'popup-empty',
    ...POPUP,
    open: async (env, scheme) => {
      const { page, tabId } = await termsPage(env, scheme, NOT_TERMS);
      const shot = await popup(env, scheme, `tab=${tabId}`, async () => true);
      return { page: shot, also: [page] };
    },
  },
  {
    name: 'popup-lookup',
    ...POPUP,
    open: async (env, scheme) => {
      const shot = await popup(env, scheme, `tab=0&q=${encodeURIComponent('train on my data')}`,
        (p) => p.evaluate(() => document.getElementById('results')?.dataset.state === 'done'));
      return { page: shot };
    },
  },
  {
    name: 'popup-on-this-page',
    ...POPUP,
    open: async (env, scheme) => {
      const { page, tabId } = await termsPage(env, scheme, TERMS);
      const shot = await popup(env, scheme, `tab=${tabId}`,
        (p) => p.evaluate(() => document.querySelectorAll('#provisions .provision-link').length > 0));
      return { page: shot, also: [page] };
    },
  },
  {
    name: 'side-panel',
    width: 420,
    height: 900,
    open: async (env, scheme) => {
      const { page, tabId } = await termsPage(env, scheme, TERMS);
      const panel = await env.session.extensionPage(`extension/sidepanel/sidepanel.html?tab=${tabId}`);
      await panel.colorScheme?.(scheme);
      await waitFor(() => panel.evaluate(() => document.querySelectorAll('#provisions .provision-link').length > 0), 'the side panel');
      // The panel with one finding selected: its card beside the list.
      await panel.evaluate((k) => /** @type {HTMLElement} */ (document.querySelector(`#provisions button[data-provision="${k}"]`))?.click(), CARD);
      await waitFor(() => panel.evaluate((k) => document.getElementById('card-body')?.dataset.key === k
        && document.getElementById('card-body')?.dataset.state === 'done', CARD), 'the card in the side panel');
      return { page: panel, also: [page] };
    },
  },
  {
    name: 'options',
    width: 900,
    height: 900,
    open: async (env, scheme) => {
      const page = await env.session.extensionPage('extension/options/options.html');
      await page.colorScheme?.(scheme);
      await waitFor(() => page.evaluate(() => document.getElementById('topic-list')?.dataset.state === 'ready'), 'the options page');
      return { page };
    },
  },
];

/**
 * Firefox's colour scheme, as preferences: the system theme and the content override
 * (0 dark, 1 light).
 * @param {Scheme} scheme
 */
const firefoxPrefs = (scheme) => ({
  'ui.systemUsesDarkTheme': scheme === 'dark' ? 1 : 0,
  'layout.css.prefers-color-scheme.content-override': scheme === 'dark' ? 0 : 1,
});

/**
 * Shoots every chosen view in one browser session.
 * @param {string} browser
 * @param {Scheme[]} schemes   the schemes this session shows (Chromium: both; Firefox: its one)
 * @param {View[]} views
 * @param {Record<string, any>} [prefs]
 */
async function shoot(browser, schemes, views, prefs = {}) {
  const env = await launch(browser, { firefoxPrefs: prefs });
  const written = [];
  try {
    for (const scheme of schemes) {
      for (const view of views) {
        const { page, also = [] } = await view.open(env, scheme);
        try {
          await page.viewport(view.width, view.height);
          // Let layout and fonts settle after the resize.
          const settle = () => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
          await settle();
          if (view.fit) {
            // A toolbar popup is as tall as its content, up to its cut.
            const tall = await page.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
            await page.viewport(view.width, Math.min(view.height, tall));
            await settle();
          }
          const file = path.join(OUT, `${browser}-${scheme}-${view.name}.png`);
          await page.screenshot(file);
          written.push(`${path.relative(ROOT, file)} ${fs.statSync(file).size} B`);
        } finally {
          await page.close();
          for (const p of also) await p.close();
        }
      }
    }
    if (env.proxy.seen.length) throw new Error(`requests beyond 127.0.0.1: ${env.proxy.seen.join(', ')}`);
  } finally {
    await env.close();
  }
  return written;
}

async function main() {
  const wanted = process.argv.slice(2);
  const views = wanted.length ? VIEWS.filter((v) => wanted.includes(v.name)) : VIEWS;
  if (!views.length) throw new Error(`no such view; the views are ${VIEWS.map((v) => v.name).join(', ')}`);
  fs.mkdirSync(OUT, { recursive: true });
  for (const browser of BROWSERS) {
    /** @type {{ schemes: Scheme[], prefs: Record<string, any> }[]} */
    const runs = browser === 'firefox'
      ? [{ schemes: ['light'], prefs: firefoxPrefs('light') }, { schemes: ['dark'], prefs: firefoxPrefs('dark') }]
      : [{ schemes: ['light', 'dark'], prefs: {} }];
    for (const { schemes, prefs } of runs) {
      for (const line of await shoot(browser, schemes, views, prefs)) process.stdout.write(`${line}\n`);
    }
  }
}

main().catch((error) => {
  process.stderr.write(`screenshots: ${error?.stack ?? error}\n`);
  process.exit(1);
});
