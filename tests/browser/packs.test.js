// Custom provision packs on the options page: a good pack imported from a file is
// listed, its clauses are highlighted on a page with the pack's card, the popup's
// lookup finds them, the export gives the stored JSON back and removal takes them
// away again; a bad pack is refused with an error naming the entry and the field and
// leaves storage as it was; hostile strings in a pack stay text; a stored pack that
// no longer reads is set aside and reported, not dropped. The packs are the fixtures
// of tests/fixtures/packs/ (a fictional test vendor, not product data); expectations
// are read from those files, never from what the extension printed.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { inBrowsers, ROOT, waitFor, readHighlights, note, download } from './harness.js';
import { containsWordsInOrder } from './kb.js';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const FIXTURES = path.join(ROOT, 'tests/fixtures/packs');
const fixture = (name) => {
  const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  return { name, text, json: JSON.parse(text) };
};
const GOOD = fixture('example-test-vendor.json');
const BAD = fixture('bad-short-clause.json');
const HOSTILE = fixture('hostile-strings.json');

/** A terms page of the fictional vendor holding the good pack's clauses, in its sections. */
const PAGE = '/legal/example-test-vendor/terms';
const pageHtml = () => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Example Test Vendor Terms of Service (fictional test page)</title></head><body><main>
<h1>Terms of Service</h1><p>This page is a test fixture of termlens; the vendor is fictional.</p>
${GOOD.json.provisions.map((p) => `<h2>${p.section}</h2><p>${p.wordings[0].text}</p>`).join('\n')}
<p>Fees are due on the first day of each month.</p></main></body></html>`;

/** A page of the hostile pack's vendor, its clause escaped into the page as text. */
const HOSTILE_PAGE = '/legal/hostile-test-vendor/terms';
const escapeHtml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const hostileHtml = () => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Hostile Test Vendor Terms (fictional test page)</title></head><body><main><h1>Terms</h1>
<p>${escapeHtml(HOSTILE.json.provisions[0].wordings[0].text)}</p></main></body></html>`;

/** Opens the options page and waits for the pack list. */
async function openOptions(session) {
  const page = await session.extensionPage('extension/options/options.html');
  await waitFor(() => page.evaluate(() => document.getElementById('pack-list')?.dataset.state === 'ready'), 'the pack list');
  return page;
}

/** Chooses a file in the import control (as the file picker would) and waits for the verdict. */
async function importFile(options, file) {
  await options.evaluate(({ name, text }) => {
    const input = /** @type {HTMLInputElement} */ (document.getElementById('pack-file'));
    const chosen = new DataTransfer();
    chosen.items.add(new File([text], name, { type: 'application/json' }));
    input.files = chosen.files;
    input.dispatchEvent(new Event('change'));
  }, { name: file.name, text: file.text });
  return waitFor(() => options.evaluate(() => {
    const status = document.getElementById('pack-status').textContent;
    if (!/^(Imported|.* was not imported)/.test(status) || document.getElementById('pack-list').dataset.state !== 'ready') return null;
    const error = document.getElementById('pack-error');
    return { status, error: error.hidden ? '' : error.textContent };
  }), `the import of ${file.name}`);
}

/** The packs listed on the options page. */
function listed(options) {
  return options.evaluate(() => [...document.querySelectorAll('#pack-list li.pack')].map((li) => ({
    id: /** @type {HTMLElement} */ (li).dataset.pack,
    state: /** @type {HTMLElement} */ (li).dataset.state,
    name: li.querySelector('.pack-name').textContent,
    text: li.textContent,
  })));
}

/** What storage.local holds under a key. */
function stored(session, key) {
  return session.inExtension(async (k) => (await (globalThis.browser ?? globalThis.chrome).storage.local.get(k))[k], key);
}

/** The background's list of the stored packs with its verdicts (what the options page shows). */
async function verdicts(session) {
  return session.inExtension(async () => {
    const reply = await (globalThis.browser ?? globalThis.chrome).runtime.sendMessage({ type: 'options-bg-packs' });
    if (!reply?.ok) throw new Error(reply?.error ?? 'no reply');
    return reply.value.packs.map((/** @type {any} */ p) => ({ id: p.id, checked: p.checked, error: p.error }));
  });
}

/** The stamps stored with the packs, by pack id. */
async function stamps(session) {
  const record = await stored(session, 'packs');
  return Object.fromEntries((record?.packs ?? []).filter((p) => p && p.id).map((p) => [p.id, p.stamp]));
}

const clear = (session) => session.inExtension(() => (globalThis.browser ?? globalThis.chrome).storage.local.remove(['packs', 'packsSetAside']));

/** Runs the popup's lookup for typed words; returns the provision ids and titles shown. */
async function lookup(session, query) {
  const popup = await session.extensionPage('extension/popup/popup.html?tab=0');
  try {
    // The lookup is one of the popup's two tabs: chosen as a reader would.
    await waitFor(() => popup.evaluate(() => {
      /** @type {HTMLElement | null} */ (document.getElementById('tab-lookup'))?.click();
      const input = /** @type {HTMLInputElement | null} */ (document.getElementById('query'));
      input?.focus();
      return input !== null && !input.closest('[hidden]') && document.activeElement === input;
    }), 'the lookup tab');
    await popup.type(query);
    return await waitFor(() => popup.evaluate((q) => (document.getElementById('results').dataset.state === 'done'
      && /** @type {HTMLInputElement} */ (document.getElementById('query')).value === q
      ? [...document.querySelectorAll('#results .hit')].map((li) => ({ id: /** @type {HTMLElement} */ (li).dataset.provision, text: li.textContent,
        images: li.querySelectorAll('img, script').length, links: [...li.querySelectorAll('a')].map((a) => a.href) }))
      : null), query), `the lookup of "${query}"`);
  } finally {
    await popup.close();
  }
}

/** The file the export button of a listed pack offers. */
const exported = (options, id) => download(options, `#pack-list li[data-pack="${id}"] .pack-export`);

inBrowsers('custom provision packs', (ctx) => {
  ctx.it('a good pack is imported, listed, highlighted on its page with its card, found by the lookup, exported and removed', { timeout: 120_000 }, async () => {
    const { session, server } = ctx.t;
    await clear(session);
    const options = await openOptions(session);
    try {
      const verdict = await importFile(options, GOOD);
      assert.equal(verdict.error, '', 'no error');
      assert.equal(verdict.status, `Imported “${GOOD.json.name}”: ${GOOD.json.provisions.length} provision(s).`);
      const packs = await listed(options);
      assert.deepEqual(packs.map((p) => [p.id, p.state, p.name]), [[GOOD.json.id, 'loaded', GOOD.json.name]]);
      assert.match(packs[0].text, new RegExp(`${GOOD.json.provisions.length} provision\\(s\\) · id ${GOOD.json.id}`));
      const record = await stored(session, 'packs');
      assert.equal(record.schema, 1);
      assert.deepEqual(record.packs.map((p) => [p.id, p.text]), [[GOOD.json.id, GOOD.text]], 'stored as imported');

      // A page holding the pack's clauses: highlighted, in page order, with the pack's card.
      const page = await session.open(server.url(PAGE));
      try {
        const tabId = await session.tabId(page.url);
        const { status } = await session.settled(tabId);
        assert.deepEqual(status.provisions.map((p) => [p.provision, p.status]),
          GOOD.json.provisions.map((p) => [p.id, 'exact']));
        const exact = (await readHighlights(page))['termlens-exact'];
        for (const p of GOOD.json.provisions) {
          assert.ok(exact.some((text) => containsWordsInOrder(text, p.wordings[0].text)), `${p.id} highlighted`);
        }
        await session.command(tabId, 'next');
        const card = await waitFor(async () => {
          const c = (await session.status(tabId)).status?.card;
          return c?.open && c.provision === GOOD.json.provisions[0].id ? c : null;
        }, 'the card of the first pack provision');
        const first = GOOD.json.provisions[0];
        for (const text of [first.title, first.explanation, first.why_it_matters, first.uncertainty]) {
          assert.ok(containsWordsInOrder(card.text, text), `the card shows "${text.slice(0, 40)}…"`);
        }
        assert.ok(card.text.includes(GOOD.json.platforms[0].name), 'the card names the pack\'s platform');
      } finally {
        await page.close();
      }

      // The popup's lookup: typed words and a pasted clause find the pack's provisions first.
      const target = GOOD.json.provisions[1];
      let hits = await lookup(session, 'publish benchmark results');
      assert.equal(hits[0]?.id, target.id, hits.map((h) => h.id).join(', '));
      assert.ok(hits[0].text.includes(target.title));
      hits = await lookup(session, GOOD.json.provisions[0].wordings[0].text);
      assert.equal(hits[0]?.id, GOOD.json.provisions[0].id);

      // Export: the JSON exactly as stored.
      const file = await exported(options, GOOD.json.id);
      assert.equal(file.name, `termlens-pack-${GOOD.json.id}.json`);
      assert.equal(file.text, GOOD.text);

      // Remove, with the keyboard: gone from the list, storage, the lookup and the page.
      await options.evaluate((p) => /** @type {HTMLElement} */ (document.querySelector(`#pack-list li[data-pack="${p}"] .pack-remove`)).focus(), GOOD.json.id);
      await options.press('Enter');
      await waitFor(async () => (await stored(session, 'packs'))?.packs?.length === 0, 'the pack removed from storage');
      await waitFor(async () => (await listed(options)).length === 0, 'the pack removed from the list');
      assert.equal(await options.evaluate(() => document.activeElement?.id), 'pack-file', 'focus moves to the import control');
      hits = await lookup(session, 'publish benchmark results');
      assert.ok(!hits.some((h) => h.id.startsWith(`${GOOD.json.id}.`)), 'the lookup no longer finds it');
      const again = await session.open(server.url(PAGE));
      try {
        const { status } = await session.settled(await session.tabId(again.url));
        assert.deepEqual(status.provisions, [], 'the page has no provision without the pack');
      } finally {
        await again.close();
      }
      note(ctx.name, `packs: imported ${GOOD.json.provisions.length} provisions, exported ${file.text.length} characters`);
    } finally {
      await options.close();
      await clear(session);
    }
  });

  ctx.it('a bad pack is refused with an error naming the entry and the field; storage is unchanged', { timeout: 60_000 }, async () => {
    const { session } = ctx.t;
    await clear(session);
    const options = await openOptions(session);
    try {
      await importFile(options, GOOD);
      const before = await stored(session, 'packs');
      const verdict = await importFile(options, BAD);
      assert.equal(verdict.status, `${BAD.name} was not imported; nothing was stored. Problems:`);
      const entry = BAD.json.provisions.findIndex((p) => p.wordings[0].text.split(/\s+/).length < 12);
      const id = BAD.json.provisions[entry].id;
      assert.equal(verdict.error,
        `provisions[${entry}] (${id}): field "wordings[0].text": has 6 words; a clause needs at least 12 to be recognised on its own`);
      assert.deepEqual(await stored(session, 'packs'), before, 'storage unchanged');
      assert.deepEqual((await listed(options)).map((p) => p.id), [GOOD.json.id]);

      // The same pack twice, and a file that is not JSON: refused the same way.
      const twice = await importFile(options, GOOD);
      assert.match(twice.error, new RegExp(`^pack: field "id": a pack with the id \`${GOOD.json.id}\` is already imported`));
      const broken = await importFile(options, { name: 'broken.json', text: GOOD.text.slice(0, 120) });
      assert.match(broken.error, /^pack: is not JSON \(line \d+ column \d+/);
      assert.deepEqual(await stored(session, 'packs'), before, 'storage still unchanged');

      // The section with a pack and an error shown: no axe violation.
      await options.evaluate(`${AXE};\n0`);
      const violations = await options.evaluate(async () => (await globalThis.axe.run(document, { resultTypes: ['violations'] }))
        .violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
      assert.deepEqual(violations, []);
    } finally {
      await options.close();
      await clear(session);
    }
  });

  ctx.it('hostile strings in a pack are shown as text: no markup, no live link, no script', { timeout: 60_000 }, async () => {
    const { session } = ctx.t;
    await clear(session);
    const options = await openOptions(session);
    try {
      const verdict = await importFile(options, HOSTILE);
      assert.equal(verdict.error, '');
      assert.ok(verdict.status.includes(HOSTILE.json.name), 'the status quotes the name as text');
      const [pack] = await listed(options);
      assert.equal(pack.name, HOSTILE.json.name);
      const inert = await options.evaluate(() => ({
        elements: document.querySelectorAll('#packs img, #packs script, #packs a').length,
        pwned: globalThis.termlensPwned ?? null,
      }));
      assert.deepEqual(inert, { elements: 0, pwned: null });

      const target = HOSTILE.json.provisions[0];
      const hits = await lookup(session, 'Quartzfin Service ninety days reviewers');
      const hit = hits.find((h) => h.id === target.id);
      assert.ok(hit, hits.map((h) => h.id).join(', '));
      assert.ok(hit.text.includes(target.title), 'the title as written, markup included, as text');
      assert.equal(hit.images, 0, 'no element from the pack\'s markup');
      assert.ok(hit.links.every((href) => !href.startsWith('javascript:')), hit.links.join(', '));

      // On a page: the card shows the pack's strings as text, and nothing of them runs.
      const { server } = ctx.t;
      const page = await session.open(server.url(HOSTILE_PAGE));
      try {
        const tabId = await session.tabId(page.url);
        const { status } = await session.settled(tabId);
        assert.deepEqual(status.provisions.map((p) => p.provision), [target.id]);
        await session.command(tabId, 'next');
        const card = await waitFor(async () => {
          const c = (await session.status(tabId)).status?.card;
          return c?.open && c.provision === target.id ? c : null;
        }, 'the card of the hostile provision');
        assert.ok(card.text.includes(target.title), 'the title with its markup, as text');
        // (innerText, which the test hook reads, may drop bidi controls: compared without them.)
        const noBidi = (text) => text.replace(/[\u202a-\u202e\u2066-\u2069]/g, '');
        assert.ok(noBidi(card.text).includes(noBidi(target.explanation)), `the explanation with its link markup, as text: ${card.text}`);
        assert.equal(await page.evaluate(() => globalThis.termlensPwned ?? null), null, 'no handler of the pack ran in the page');
      } finally {
        await page.close();
      }
    } finally {
      await options.close();
      await clear(session);
    }
  });

  ctx.it('a pack is stored with the stamp of its verdict; at the next engine start the stamp holds and is kept', { timeout: 90_000 }, async () => {
    const { session } = ctx.t;
    await clear(session);
    const options = await openOptions(session);
    try {
      assert.equal((await importFile(options, GOOD)).error, '');
      const first = (await stamps(session))[GOOD.json.id];
      assert.equal(typeof first, 'string', 'the import stores a stamp');
      assert.ok(first.length > 0);
      // The import rebuilt the engine with the stored pack: its stamp held.
      assert.deepEqual(await verdicts(session), [{ id: GOOD.json.id, checked: 'stamp', error: '' }]);

      // A second pack, imported in turn (the engine built again with both): each stamp holds.
      assert.equal((await importFile(options, HOSTILE)).error, '');
      assert.deepEqual(await verdicts(session), [
        { id: GOOD.json.id, checked: 'stamp', error: '' },
        { id: HOSTILE.json.id, checked: 'stamp', error: '' },
      ]);
      const both = await stamps(session);
      assert.equal(both[GOOD.json.id], first, 'the first stamp is kept, not written again');

      // The first pack removed: the second was checked against it, so its stamp no longer
      // holds; it is checked in full, still loads, and its fresh stamp is stored.
      await options.evaluate((p) => /** @type {HTMLElement} */ (document.querySelector(`#pack-list li[data-pack="${p}"] .pack-remove`)).click(), GOOD.json.id);
      await waitFor(async () => (await stored(session, 'packs'))?.packs?.length === 1, 'the first pack removed');
      assert.deepEqual(await verdicts(session), [{ id: HOSTILE.json.id, checked: 'full', error: '' }]);
      const fresh = await waitFor(async () => {
        const stamp = (await stamps(session))[HOSTILE.json.id];
        return stamp !== both[HOSTILE.json.id] ? stamp : null;
      }, 'the fresh stamp stored');
      assert.equal(typeof fresh, 'string');
      // Storing the stamp changed no pack: the engine was not built again for it.
      assert.deepEqual(await verdicts(session), [{ id: HOSTILE.json.id, checked: 'full', error: '' }]);
      const record = await stored(session, 'packs');
      assert.deepEqual(record.packs.map((p) => [p.id, p.text]), [[HOSTILE.json.id, HOSTILE.text]], 'the text as imported');

      // The engine built again (the first pack imported anew): the fresh stamp holds.
      assert.equal((await importFile(options, GOOD)).error, '');
      assert.deepEqual(await verdicts(session), [
        { id: HOSTILE.json.id, checked: 'stamp', error: '' },
        { id: GOOD.json.id, checked: 'stamp', error: '' },
      ]);
      assert.equal((await stamps(session))[HOSTILE.json.id], fresh, 'kept as stored');
    } finally {
      await options.close();
      await clear(session);
    }
  });

  ctx.it('a stored pack that no longer reads is set aside and reported; the others still work; nothing is dropped', { timeout: 60_000 }, async () => {
    const { session } = ctx.t;
    await clear(session);
    const corrupted = {
      schema: 1,
      packs: [
        { id: GOOD.json.id, name: GOOD.json.name, text: GOOD.text, imported: '2026-11-20T10:00:00.000Z' },
        { id: 'cut-short', name: 'Cut short', text: GOOD.text.slice(0, 300), imported: '2026-11-20T10:00:00.000Z' },
        42,
        { id: HOSTILE.json.id, name: HOSTILE.json.name, text: HOSTILE.text, imported: '2026-11-20T10:00:00.000Z', stamp: 7 },
      ],
    };
    await session.inExtension((value) => (globalThis.browser ?? globalThis.chrome).storage.local.set({ packs: value }), corrupted);
    const options = await openOptions(session);
    try {
      const packs = await listed(options);
      assert.deepEqual(packs.map((p) => [p.id, p.state]),
        [[GOOD.json.id, 'loaded'], ['cut-short', 'set-aside'], ['', 'set-aside'], [HOSTILE.json.id, 'loaded']]);
      assert.match(packs[1].text, /Set aside, not in use: pack: is not JSON \(line \d+/);
      assert.match(packs[2].text, /Set aside, not in use: the stored entry is malformed/);
      // A pack with no stamp, or one that is not a stamp, loads checked in full; its
      // stamp is then stored beside it and nothing else is rewritten.
      assert.deepEqual((await verdicts(session)).map((p) => [p.id, p.checked]),
        [[GOOD.json.id, 'full'], ['cut-short', 'full'], ['', ''], [HOSTILE.json.id, 'full']]);
      const stamped = await waitFor(async () => {
        const record = await stored(session, 'packs');
        return record.packs.every((p) => !p?.text || p.id === 'cut-short' || typeof p.stamp === 'string') ? record : null;
      }, 'the stamps stored');
      const unstamp = (/** @type {any} */ p) => (typeof p === 'object' && p.id !== 'cut-short' ? { ...p, stamp: undefined } : p);
      assert.deepEqual(JSON.parse(JSON.stringify(stamped.packs.map(unstamp))), JSON.parse(JSON.stringify(corrupted.packs.map(unstamp))),
        'every entry kept as it was, stamps aside');
      assert.equal(stamped.packs[1].stamp, undefined, 'a pack set aside gets no stamp');
      const hits = await lookup(session, 'publish benchmark results');
      assert.equal(hits[0]?.id, GOOD.json.provisions[1].id, 'the good pack still loads');

      // A record this version cannot read: reported, then moved aside (not overwritten) by the next import.
      await session.inExtension(() => (globalThis.browser ?? globalThis.chrome).storage.local.set({ packs: 'garbage' }));
      await options.evaluate(() => { setTimeout(() => location.reload(), 0); });
      await waitFor(() => options.evaluate(() => document.getElementById('pack-list')?.dataset.state === 'ready'
        && document.getElementById('pack-list').textContent.includes('could not be read')), 'the unreadable record reported');
      await importFile(options, GOOD);
      const aside = await stored(session, 'packsSetAside');
      assert.equal(aside.length, 1);
      assert.equal(aside[0].value, 'garbage');
      assert.deepEqual((await stored(session, 'packs')).packs.map((p) => p.id), [GOOD.json.id]);
    } finally {
      await options.close();
      await clear(session);
    }
  });
}, { routes: { [PAGE]: { html: pageHtml }, [HOSTILE_PAGE]: { html: hostileHtml } } });
