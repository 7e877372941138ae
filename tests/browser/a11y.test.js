// Accessibility: axe-core (npm) runs in the popup (both tabs: its findings, and a lookup
// with an expanded result), in the options page and on an open card, and finds no violation
// of WCAG 2.1 A/AA or axe's best practices, in the light and (Chromium: Firefox's
// driver cannot emulate prefers-color-scheme) the dark colour scheme. axe is evaluated in the page by the
// driver (an extension page's CSP forbids injected <script> and eval, not the driver).
//
// The card lives in a closed shadow root that axe cannot enter, so the card test
// renders it with the real overlay/card.js in an extension page whose attachShadow is
// made to open its roots: the same markup and stylesheet, readable by axe.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { inBrowsers, waitFor, note } from './harness.js';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const PAGE = '/legal/commercial-terms';
const CARD = 'anthropic.commercial-no-training';

/**
 * Runs axe on a page; returns the violations, one line each.
 * @param {import('./harness.js').TestPage} page
 */
async function violations(page) {
  await page.evaluate(`${AXE};\n0`);
  const found = await page.evaluate(async () => {
    const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  return found;
}

inBrowsers('accessibility', (ctx) => {
  ctx.it('the popup: findings, a lookup and an expanded result have no axe violations, light and dark', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url(PAGE));
    try {
      const tabId = await session.tabId(page.url);
      await session.settled(tabId);
      const popup = await session.extensionPage(`extension/popup/popup.html?tab=${tabId}&q=${encodeURIComponent('training')}`);
      try {
        await waitFor(() => popup.evaluate(() => !document.getElementById('summary').textContent.includes('Looking')
          && document.getElementById('results').dataset.state === 'done'
          && document.querySelectorAll('#results .hit-toggle').length > 0), 'the popup with results');
        await popup.evaluate(() => /** @type {HTMLElement} */ (document.querySelector('#results .hit-toggle')).click());
        await waitFor(() => popup.evaluate(() => /** @type {HTMLElement} */ (document.querySelector('#results .card-body'))?.dataset.loaded === 'done'), 'the expanded result');
        assert.deepEqual(await violations(popup), [], 'light, the lookup tab');
        // The other tab: the page's findings.
        await popup.evaluate(() => document.getElementById('tab-page').click());
        assert.equal(await popup.evaluate(() => document.querySelectorAll('#provisions .provision-link').length > 0 && document.getElementById('results').offsetHeight === 0), true);
        assert.deepEqual(await violations(popup), [], 'light, the "On this page" tab');
        if (popup.colorScheme) {
          await popup.colorScheme('dark');
          assert.equal(await popup.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
          assert.deepEqual(await violations(popup), [], 'dark, the "On this page" tab');
          await popup.evaluate(() => document.getElementById('tab-lookup').click());
          assert.deepEqual(await violations(popup), [], 'dark, the lookup tab');
        }
      } finally {
        await popup.close();
      }
    } finally {
      await page.close();
    }
  });

  ctx.it('the options page has no axe violations, light and dark', { timeout: 60_000 }, async () => {
    const { session } = ctx.t;
    const options = await session.extensionPage('extension/options/options.html');
    try {
      await waitFor(() => options.evaluate(() => document.getElementById('topic-list')?.dataset.state === 'ready'), 'the options page');
      assert.deepEqual(await violations(options), [], 'light');
      if (options.colorScheme) {
        await options.colorScheme('dark');
        assert.equal(await options.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
        assert.deepEqual(await violations(options), [], 'dark');
      }
    } finally {
      await options.close();
    }
  });

  ctx.it('an open card has no axe violations', { timeout: 60_000 }, async () => {
    const { session } = ctx.t;
    const host = await session.extensionPage('extension/popup/popup.html?tab=0');
    try {
      const opened = await host.evaluate(async (id) => {
        const attach = Element.prototype.attachShadow;
        Element.prototype.attachShadow = function open(init) { return attach.call(this, { ...init, mode: 'open' }); };
        const { createCard } = await import('/extension/overlay/card.js');
        const api = globalThis.browser ?? globalThis.chrome;
        const reply = await api.runtime.sendMessage({ type: 'popup-bg-card', provision: id });
        if (!reply?.ok) throw new Error(reply?.error);
        const card = reply.value;
        document.querySelector('main').hidden = true;
        const view = createCard(document);
        view.open({ provision: id, title: card.title, platform: '', platformName: card.platformName, document: '', status: 'changed',
          version: card.versionDate, start: 0, end: 0, text: '', changes: [], score: 1, topics: [], exposure: 'medium',
          diff: [{ op: 'equal', text: 'Anthropic may not' }, { op: 'delete', text: 'train' }, { op: 'insert', text: 'use' }] },
        card, { source: 'keyboard', focus: true, anchor: () => null });
        return view.isOpen() && view.host.shadowRoot !== null;
      }, CARD);
      assert.equal(opened, true, 'the card is open, its root readable by axe');
      const found = await violations(host);
      assert.deepEqual(found, []);
      note(ctx.name, `axe: popup, options page and card (${CARD}) clean`);
    } finally {
      await host.close();
    }
  });
});
