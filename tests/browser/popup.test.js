// The popup: "On this page" (the provisions of the tab in page order, each a link that
// scrolls the page to it and opens its card), the export of those findings (Markdown
// memo and JSON, read back from the Blob the popup offers for download), the lookup
// (ranked by the engine, filtered, each result expanding into its card) and the
// message of a page termlens may not read. The popup is opened as a page with
// `?tab=<id>`, and driven with the keyboard.

import assert from 'node:assert/strict';
import { inBrowsers, DATA, CORPUS, waitFor, readHighlights, note, download } from './harness.js';
import { KnowledgeBase, containsWordsInOrder, changedClausePage, words } from './kb.js';

const kb = new KnowledgeBase(DATA, CORPUS);
const PAGE = '/legal/commercial-terms';
const CHANGED = 'anthropic.commercial-suspension';
const changed = changedClausePage(kb, CHANGED, 'unilaterally');

/** Waits for the card state (from the tab status) to pass `ok`. */
function cardState(session, tabId, ok, what) {
  return waitFor(async () => {
    const card = (await session.status(tabId)).status?.card;
    return card && ok(card) ? card : null;
  }, what, { timeout: 10_000 });
}

/** Opens the popup for a tab and waits until it shows the tab's findings. */
async function openPopup(session, query) {
  const popup = await session.extensionPage(`extension/popup/popup.html?${query}`);
  await waitFor(() => popup.evaluate(() => !document.getElementById('summary')?.textContent?.includes('Looking')), 'the popup');
  return popup;
}

/** The file an export button of the popup offers. */
const exported = (popup, button) => download(popup, `#${button}`);

inBrowsers('popup', (ctx) => {
  ctx.it('"On this page" lists the provisions in page order; a link scrolls to the highlight and opens its card', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url(PAGE));
    try {
      const tabId = await session.tabId(page.url);
      const { status } = await session.settled(tabId);
      const popup = await openPopup(session, `tab=${tabId}`);
      try {
        const listed = await popup.evaluate(() => [...document.querySelectorAll('#provisions .provision-link')]
          .map((b) => ({ provision: /** @type {HTMLElement} */ (b).dataset.provision, text: b.textContent })));
        assert.deepEqual(listed.map((l) => l.provision), status.provisions.map((p) => p.provision), 'page order');
        // What every row shares is said once above the list, the rest on each row.
        const shared = await popup.evaluate(() => document.getElementById('provisions-common').textContent);
        for (const [i, p] of status.provisions.entries()) {
          const chip = p.status === 'exact' ? 'known wording' : 'changed since';
          assert.ok(listed[i].text.includes(p.title) && (listed[i].text.includes(chip) || shared.includes(chip)), listed[i].text);
        }
        // The last one (far down the page), followed with the keyboard.
        const target = status.provisions.at(-1).provision;
        await popup.evaluate((id) => /** @type {HTMLElement} */ (document.querySelector(`.provision-link[data-provision="${id}"]`)).focus(), target);
        await popup.press('Enter');
        const card = await cardState(session, tabId, (c) => c.open && c.provision === target, `the card of ${target}`);
        assert.ok(containsWordsInOrder(card.text, kb.provision(target).explanation), 'the card shows the explanation');
        const active = (await readHighlights(page))['termlens-active'];
        assert.ok(active.length === 1 && containsWordsInOrder(active[0], kb.provision(target).wording[0].text), `${target} is marked active`);
        const inView = await page.evaluate(() => {
          const r = /** @type {Range} */ ([...CSS.highlights.get('termlens-active')][0]).getBoundingClientRect();
          return r.bottom > 0 && r.top < innerHeight;
        });
        assert.ok(inView, `${target} is scrolled into view`);
        await page.press('Escape');
      } finally {
        await popup.close();
      }
    } finally {
      await page.close();
    }
  });

  ctx.it('exports the findings as a Markdown review memo and as JSON', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url(PAGE));
    try {
      const tabId = await session.tabId(page.url);
      const { status } = await session.settled(tabId);
      const popup = await openPopup(session, `tab=${tabId}`);
      try {
        const md = await exported(popup, 'export-markdown');
        assert.match(md.name, /^termlens-anthropic-commercial-terms-\d{4}-\d{2}-\d{2}\.md$/);
        const doc = kb.document('anthropic/commercial-terms');
        assert.ok(md.text.startsWith(`# Terms review: ${doc.name}\n`), md.text.slice(0, 120));
        assert.match(md.text, /^- Reviewed: \d{4}-\d{2}-\d{2}$/m, 'the date');
        for (const p of status.provisions) {
          const k = kb.provision(p.provision);
          for (const [what, text] of [['title', k.title], ['clause', k.wording[0].text], ['explanation', k.explanation],
            ['uncertainty note', k.uncertainty]]) {
            assert.ok(containsWordsInOrder(md.text, text), `the memo has the ${what} of ${p.provision}`);
          }
          for (const o of kb.comparisons(p.provision)) {
            assert.ok(containsWordsInOrder(md.text, words(o.wording[0].text).slice(0, 12).join(' ')), `the memo compares ${p.provision} with ${o.id}`);
          }
        }
        const junk = md.text.match(/.{0,40}(\[object Object\]|§(undefined|null)|version of (undefined|null)|: (undefined|null)$|^(> )?(undefined|null|true|false)$).{0,40}/m);
        assert.equal(junk, null, `no stray values in the memo: ${junk?.[0]}`);

        const json = await exported(popup, 'export-json');
        assert.match(json.name, /\.json$/);
        const report = JSON.parse(json.text);
        assert.equal(report.page.url, page.url);
        assert.equal(report.page.document.id, 'anthropic/commercial-terms');
        assert.deepEqual(report.provisions.map((p) => p.provision), status.provisions.map((p) => p.provision));
        for (const p of report.provisions) {
          const k = kb.provision(p.provision);
          assert.ok(containsWordsInOrder(p.explanation, k.explanation) && containsWordsInOrder(p.uncertainty, k.uncertainty));
          assert.ok(containsWordsInOrder(p.clause, k.wording[0].text) || p.status === 'changed', `the clause of ${p.provision}`);
          assert.ok(p.comparisons.length >= kb.comparisons(p.provision).length, `the comparisons of ${p.provision}`);
        }
        note(ctx.name, `export: ${report.provisions.length} provisions, memo ${md.text.length} characters`);
      } finally {
        await popup.close();
      }
    } finally {
      await page.close();
    }
  });

  ctx.it('the exported memo shows a changed clause\'s word changes; the rows say which clause changed', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url('/legal/changed-terms'));
    try {
      const tabId = await session.tabId(page.url);
      const { status } = await session.settled(tabId);
      const popup = await openPopup(session, `tab=${tabId}`);
      try {
        // One changed clause among exact ones: the chips differ, so each row has its own;
        // the platform, shared, is said once.
        assert.ok(status.provisions.some((p) => p.status === 'exact') && status.provisions.some((p) => p.status === 'changed'));
        const rows = await popup.evaluate(() => Object.fromEntries([...document.querySelectorAll('#provisions .provision-link')]
          .map((b) => [/** @type {HTMLElement} */ (b).dataset.provision, b.querySelector('.meta').textContent])));
        const shared = await popup.evaluate(() => document.getElementById('provisions-common').textContent);
        for (const p of status.provisions) {
          assert.ok(rows[p.provision].includes(p.status === 'exact' ? 'known wording' : 'changed since'), rows[p.provision]);
          assert.ok(!rows[p.provision].includes(p.platformName), `the platform is not repeated: ${rows[p.provision]}`);
        }
        assert.ok(shared.includes(status.provisions[0].platformName) && !shared.includes('known wording'), shared);
        const md = await exported(popup, 'export-markdown');
        assert.ok(md.text.includes('Changed wording'), 'the provision is marked changed');
        assert.ok(md.text.includes('### Changes from the known wording'));
        assert.ok(md.text.includes(`**${changed.replacement}**`), `the added word "${changed.replacement}"`);
        assert.ok(md.text.toLowerCase().includes(`~~${changed.original.toLowerCase()}`), `the removed word "${changed.original}"`);
        const report = JSON.parse((await exported(popup, 'export-json')).text);
        const entry = report.provisions.find((p) => p.provision === CHANGED);
        assert.ok(entry.changes.some((d) => d.op === 'insert' && words(d.text).includes(changed.replacement)));
      } finally {
        await popup.close();
      }
    } finally {
      await page.close();
    }
  });

  ctx.it('names the pages termlens may not read (browser pages, add-on stores)', { timeout: 30_000 }, async () => {
    const { session } = ctx.t;
    const verdicts = await session.inExtension(async () => {
      const { restriction } = await import('/extension/shared/pages.js');
      return ['about:blank', 'chrome://extensions/', 'about:addons', 'https://chromewebstore.google.com/detail/x',
        'https://chrome.google.com/webstore/category', 'https://addons.mozilla.org/en-US/firefox/', 'file:///tmp/terms.html',
        'https://www.anthropic.com/legal/commercial-terms', 'https://chrome.google.com/search', ''].map(restriction);
    });
    assert.deepEqual(verdicts, ['browser', 'browser', 'browser', 'store', 'store', 'store', 'file', '', '', '']);
  });

  ctx.it('a selection on the page goes to the lookup (the lookup-selection command and the context menu\'s handler)', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url(PAGE));
    try {
      const tabId = await session.tabId(page.url);
      await session.settled(tabId);
      const selected = await page.evaluate(() => {
        const heading = document.querySelector('h1, h2');
        getSelection().selectAllChildren(heading);
        return String(getSelection()).replace(/\s+/g, ' ').trim();
      });
      assert.ok(selected, 'some text is selected');
      const ask = (payload) => session.inExtension(async (p) => {
        const api = globalThis.browser ?? globalThis.chrome;
        const reply = await api.runtime.sendMessage({ type: 'popup-bg-lookup-selection', ...p });
        if (!reply?.ok) throw new Error(reply?.error ?? 'no reply');
        return reply.value;
      }, payload);
      for (const [how, payload, query] of [['command', { tabId }, selected], ['context menu', { tabId, text: '  indemnity\n' }, 'indemnity']]) {
        const opened = await ask(payload);
        assert.equal(opened.query, query, `${how}: the query`);
        assert.equal(typeof opened.tabId, 'number', `${how}: a tab was opened`);
        const rel = opened.url.slice(opened.url.indexOf('extension/popup/'));
        assert.equal(new URL(opened.url).searchParams.get('tab'), String(tabId), `${how}: the lookup shows the page it came from`);
        const lookup = await openPopup(session, rel.slice(rel.indexOf('?') + 1));
        try {
          assert.equal(await lookup.evaluate(() => /** @type {HTMLInputElement} */ (document.getElementById('query')).value), query, `${how}: the search box holds the selection`);
          await waitFor(() => lookup.evaluate(() => document.getElementById('results').dataset.state === 'done'), `${how}: the lookup`);
        } finally {
          await lookup.close();
        }
        await session.inExtension((id) => (globalThis.browser ?? globalThis.chrome).tabs.remove(id), opened.tabId);
      }
    } finally {
      await page.close();
    }
  });

  ctx.it('lookup: answers as you type, filters narrow the results, a result expands into its card', { timeout: 60_000 }, async () => {
    const { session } = ctx.t;
    const popup = await openPopup(session, 'tab=0');
    try {
      const target = kb.provision('anthropic.commercial-no-training');
      await popup.evaluate(() => document.getElementById('query').focus());
      await popup.type('train on customer content');
      const hits = await waitFor(() => popup.evaluate(() => (document.getElementById('results').dataset.state === 'done'
        ? [...document.querySelectorAll('#results .hit')].map((li) => /** @type {HTMLElement} */ (li).dataset.provision) : null)), 'the lookup results');
      assert.ok(hits.length > 0, 'results');
      assert.ok(hits.includes(target.id), `${target.id} is among ${hits.join(', ')}`);
      // The platform filter, chosen with the keyboard.
      const platform = kb.platformOf(target).id;
      await popup.evaluate(() => document.getElementById('filter-platform').focus());
      await waitFor(() => popup.evaluate(() => /** @type {HTMLSelectElement} */ (document.getElementById('filter-platform')).options.length > 1), 'the platform menu');
      await popup.evaluate((id) => {
        const select = /** @type {HTMLSelectElement} */ (document.getElementById('filter-platform'));
        select.value = id;
        select.dispatchEvent(new Event('change'));
      }, platform);
      const filtered = await waitFor(() => popup.evaluate(() => (document.getElementById('results').dataset.state === 'done'
        ? [...document.querySelectorAll('#results .hit')].map((li) => /** @type {HTMLElement} */ (li).dataset.provision) : null)), 'the filtered results');
      assert.ok(filtered.length > 0 && filtered.every((id) => kb.platformOf(kb.provision(id)).id === platform), filtered.join(', '));
      // The exposure filter on top: every result is of that platform and exposure (data/).
      const level = target.compliance.exposure;
      await popup.evaluate((value) => {
        const select = /** @type {HTMLSelectElement} */ (document.getElementById('filter-exposure'));
        select.value = value;
        select.dispatchEvent(new Event('change'));
      }, level);
      const both = await waitFor(() => popup.evaluate(() => (document.getElementById('results').dataset.state === 'done'
        ? [...document.querySelectorAll('#results .hit')].map((li) => /** @type {HTMLElement} */ (li).dataset.provision) : null)), 'the results of both filters');
      assert.ok(both.includes(target.id), `${target.id} passes both filters`);
      for (const id of both) {
        const p = kb.provision(id);
        assert.ok(kb.platformOf(p).id === platform && p.compliance.exposure === level, `${id} is ${platform}, ${level}`);
      }
      // Expand the target's result: the card's content, as the overlay shows it.
      await popup.evaluate((id) => /** @type {HTMLElement} */ (document.querySelector(`#results .hit[data-provision="${id}"] .hit-toggle`)).focus(), target.id);
      await popup.press('Enter');
      const text = await waitFor(() => popup.evaluate((id) => {
        const body = document.querySelector(`#results .hit[data-provision="${id}"] .card-body`);
        return /** @type {HTMLElement} */ (body)?.dataset.loaded === 'done' ? /** @type {HTMLElement} */ (body).innerText : null;
      }, target.id), 'the expanded card');
      assert.ok(containsWordsInOrder(text, target.explanation) && containsWordsInOrder(text, 'How other platforms handle this'));
    } finally {
      await popup.close();
    }
  });
}, { routes: { '/legal/changed-terms': { html: () => changed.html } } });
