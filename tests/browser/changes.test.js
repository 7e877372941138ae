// "What changed": since the reader's last visit, and against the version termlens knows.
//
// Real recorded versions of the AWS Service Terms (tests/fixtures/pages/aws-service-terms,
// copied from ../shared/corpus with their SOURCE.txt), rendered as plain HTML and served
// one after the other at the document's own address (aws.amazon.com, through the
// harness's proxy: termlens keeps snapshots of known documents at their own address):
//   1. first visit, 2025-05-23: no snapshot yet, and the page is a known document in an
//      older version: a badge says so, and opens (keyboard) "This page differs from the
//      version termlens knows (DATE)", DATE being the newest recorded version in the corpus;
//   2. second visit, 2025-11-19 (with a tracking query string): a badge "... since your last
//      visit", which opens "What changed since ...", the changed passages highlighted in
//      their own style, the panel listing what a reader sees changed (section 50.12.5
//      Mistral deleted, AWS RTB Fabric inserted, 50.12.1 rewritten), each with a button
//      that scrolls to it (keyboard); the panel never opens by itself;
//   3. third visit, same text: nothing new.
// Then the options page lists, exports and clears the snapshots, and a corrupted stored
// snapshot is set aside and reported, not dropped.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { inBrowsers, waitFor, note, PAGES, CORPUS, download } from './harness.js';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const DIR = path.join(PAGES, 'aws-service-terms');
/** The document's own address (served by the harness's proxy): a known document by URL. */
const PAGE_URL = 'http://aws.amazon.com/service-terms/';
const VERSIONS = { a: '2025-05-23', b: '2025-11-19' };
/** The newest recorded version of the document: the one termlens ships a fingerprint of. */
const KNOWN = fs.readdirSync(path.join(CORPUS, 'aws/service-terms'))
  .filter((f) => /^\d{4}-\d{2}-\d{2}\.md$/.test(f)).sort().pop().slice(0, 10);

/** @param {string} s */
const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A recorded version (Open Terms Archive Markdown) as a plain HTML page: one block per
 * line, the Markdown markup removed (headings, bold numbers, links, escapes).
 * @param {string} date
 */
function page(date) {
  const md = fs.readFileSync(path.join(DIR, `${date}.md`), 'utf8');
  const blocks = [];
  for (const raw of md.split('\n')) {
    const line = raw.trim();
    if (!line || /^[=-]{3,}$/.test(line)) continue;
    const text = line
      .replace(/^#+\s*/, '')
      .replace(/^[*-]\s+/, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\*\*|__/g, '')
      .replace(/\\([\\.*_\-[\]()#])/g, '$1');
    blocks.push(`<p>${escape(text)}</p>`);
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AWS Service Terms</title></head>
<body><main><h1>AWS Service Terms</h1>${blocks.join('\n')}</main></body></html>`;
}

let served = VERSIONS.a;
const vendorPages = { [PAGE_URL]: { html: () => page(served) } };

const SNAPSHOT_KEY_PREFIX = 'termlensSnapshot:';

/** The changes highlights registered in the page. */
function changeHighlights(tp) {
  return tp.evaluate(() => Object.fromEntries(['termlens-page-change', 'termlens-page-change-words', 'termlens-page-change-active']
    .map((n) => [n, [...(CSS.highlights.get(n) ?? [])].map((r) => r.toString())])));
}

/**
 * Opens the page and waits for termlens; when changes are expected, for the badge, which
 * the keyboard then opens (from the page's body, the page having no control of its own,
 * Tab reaches the badge, Enter opens the panel with the focus on its close button).
 */
async function visit(session, url, { panel }) {
  const tp = await session.open(url);
  const tabId = await session.tabId(tp.url);
  await session.settled(tabId, 60_000);
  if (!panel) return { tp, tabId, view: await session.status(tabId) };
  const badged = await waitFor(async () => {
    const s = await session.status(tabId);
    return s.status?.changesBadge ? s : null;
  }, 'the changes badge', { timeout: 20_000 });
  // Quiet: the list is not open over the page until the reader asks.
  assert.equal(badged.status.changesPanel ?? null, null);
  await tp.evaluate(() => {
    window.scrollTo(0, 0);
    document.body.tabIndex = -1;
    document.body.focus();
  });
  await tp.press('Tab');
  await tp.press('Enter');
  const view = await waitFor(async () => {
    const s = await session.status(tabId);
    return s.status?.changesPanel ? s : null;
  }, 'the changes panel', { timeout: 20_000 });
  return { tp, tabId, view, badge: badged.status.changesBadge };
}

inBrowsers('changes since the last visit', (ctx) => {
  /** @type {string} */
  let key = '';

  ctx.it('first visit of an older version: "differs from the version termlens knows", with its changes highlighted', { timeout: 120_000 }, async () => {
    const { session } = ctx.t;
    await session.inExtension(async () => {
      const api = globalThis.browser ?? globalThis.chrome;
      const all = await api.storage.local.get(null);
      await api.storage.local.remove(Object.keys(all).filter((k) => k.startsWith('termlensSnapshot')));
    });
    served = VERSIONS.a;
    const { tp, view, badge } = await visit(session, PAGE_URL, { panel: true });
    try {
      const { changes, changesPanel, errors } = view.status;
      assert.deepEqual(errors, []);
      assert.equal(changes.source, 'known');
      assert.match(badge.text, /^termlens: \d+ changes? from the known version$/);
      assert.equal(changes.since, KNOWN);
      assert.equal(changesPanel.heading, `This page differs from the version termlens knows (${KNOWN})`);
      const total = changes.summary.inserted + changes.summary.deleted + changes.summary.changed + changes.summary.moved;
      assert.ok(total > 0 && changesPanel.items.length === Math.min(total, 500), `${total} vs ${changesPanel.items.length}`);
      // Highlighted: each passage listed (not deleted) is a range of the page.
      const h = await changeHighlights(tp);
      assert.equal(h['termlens-page-change'].length, changesPanel.items.filter((i) => i.kind !== 'deleted').length);
      key = PAGE_URL;
    } finally {
      await tp.close();
    }
  });

  ctx.it('second visit, text changed: the panel lists what a reader sees changed, highlighted in the page', { timeout: 120_000 }, async () => {
    const { session } = ctx.t;
    served = VERSIONS.b;
    // The same page with a tracking parameter: compared with the same snapshot.
    const { tp, tabId, view, badge } = await visit(session, `${PAGE_URL}?utm_source=mail#top`, { panel: true });
    try {
      const { changes, changesPanel, errors } = view.status;
      assert.deepEqual(errors, []);
      assert.equal(changes.source, 'visit');
      assert.match(badge.text, /^termlens: \d+ changes? since your last visit$/);
      assert.match(changesPanel.heading, /^What changed since /);
      const s = changes.summary;
      assert.equal(changesPanel.counts, `${s.inserted} inserted, ${s.deleted} deleted, ${s.changed} changed, ${s.moved} moved.`);
      assert.equal(changesPanel.items.length, s.inserted + s.deleted + s.changed + s.moved);
      const item = (kind, phrase) => changesPanel.items.find((i) => i.kind === kind && i.text.includes(phrase));
      // 50.12.5 (Mistral) was removed in 2025-11: shown in the panel as the page had it.
      assert.ok(item('deleted', 'Mistral on Bedrock. “Mistral Models” are any models')
        || item('deleted', 'Mistral on Bedrock. "Mistral Models" are any models'), JSON.stringify(changesPanel.items.filter((i) => i.kind === 'deleted').slice(0, 5)));
      // New sections 105 and 106 are one insertion: its highlight covers 106.
      assert.ok(item('inserted', 'Amazon Inspector'));
      // 50.12.1 rewritten: its word diff ("made available to you either by AWS or ...").
      assert.ok(item('changed', 'Third-party models are made available'));
      // "Last Updated: May 16, 2025" became "November 18, 2025": a change, not noise.
      // Quoted with the page's punctuation.
      assert.ok(item('changed', 'Last Updated: May 16, November 18, 2025'), JSON.stringify(changesPanel.items.filter((i) => i.kind === 'changed').slice(0, 3)));
      // Unchanged text is not flagged.
      const h = await changeHighlights(tp);
      assert.ok(h['termlens-page-change'].some((r) => r.includes('AWS RTB Fabric')));
      assert.ok(!h['termlens-page-change'].some((r) => r.includes('You may not transfer outside the Services any software')));
      assert.ok(h['termlens-page-change-words'].length > 0);
      // The provisions' own highlights are still there, in their own names.
      const provisions = await tp.evaluate(() => (CSS.highlights.get('termlens-exact')?.size ?? 0) + (CSS.highlights.get('termlens-changed')?.size ?? 0));
      assert.ok(provisions > 0);

      // Keyboard: the panel was opened from the badge with the focus on its close
      // button; the next Tab reaches its first entry's button.
      await tp.press('Tab');
      await tp.press('Enter');
      const shown = await waitFor(async () => (await session.status(tabId)).status?.changesShown ?? null, 'the passage shown');
      assert.equal(shown.index, 0);
      assert.equal(shown.kind, changesPanel.items[0].kind);
      const active = await changeHighlights(tp);
      assert.equal(active['termlens-page-change-active'].length, 1);
      const squash = (/** @type {string} */ x) => x.replace(/\s+/g, ' ').trim();
      if (shown.kind !== 'deleted') assert.equal(squash(active['termlens-page-change-active'][0]), squash(changesPanel.items[0].page));
      // Scrolled into view.
      assert.ok(await tp.evaluate(() => {
        const r = /** @type {Range | undefined} */ ([...(CSS.highlights.get('termlens-page-change-active') ?? [])][0])?.getBoundingClientRect();
        return !!r && r.bottom > 0 && r.top < innerHeight;
      }));
      // Escape closes the panel, and the badge is back.
      await tp.press('Escape');
      await waitFor(async () => (await session.status(tabId)).status?.changesPanel === null, 'the panel closed');
      await waitFor(async () => (await session.status(tabId)).status?.changesBadge ?? null, 'the badge back');
    } finally {
      await tp.close();
    }
  });

  ctx.it('third visit, no change: nothing new is shown', { timeout: 120_000 }, async () => {
    const { session } = ctx.t;
    served = VERSIONS.b;
    const { tp, view } = await visit(session, PAGE_URL, { panel: false });
    try {
      assert.equal(view.status.phase, 'done');
      assert.equal(view.status.changes, null);
      assert.equal(view.status.changesPanel ?? null, null);
      const h = await changeHighlights(tp);
      assert.deepEqual(h['termlens-page-change'], []);
      assert.ok(await tp.evaluate(() => document.body.nextElementSibling === null), 'no overlay host after the body');
    } finally {
      await tp.close();
    }
  });

  ctx.it('the options page lists, exports and clears the snapshots', { timeout: 60_000 }, async () => {
    const { session } = ctx.t;
    const options = await session.extensionPage('extension/options/options.html');
    try {
      await waitFor(() => options.evaluate(() => document.getElementById('snapshots')?.dataset.state === 'ready'), 'the snapshots section');
      const listed = await options.evaluate(() => [...document.querySelectorAll('#snapshot-list li[data-url]')].map((li) => /** @type {HTMLElement} */ (li).dataset.url));
      assert.deepEqual(listed, [key]);
      assert.match(await options.evaluate(() => document.getElementById('snapshot-budget').textContent), /^1 pages kept, \d+ KB of 4,?000 KB \(at most 200 pages\)/);

      const file = await download(options, '#snapshot-export');
      assert.match(file.name, /^termlens-snapshots-\d{4}-\d{2}-\d{2}\.json$/);
      const exported = JSON.parse(file.text);
      assert.equal(exported.kind, 'termlens-snapshots');
      assert.equal(exported.pages.length, 1);
      assert.equal(exported.pages[0].url, key);
      const snapshot = JSON.parse(exported.pages[0].snapshot);
      assert.equal(snapshot.format, 2);
      // The stored text is version B's, as the page had it.
      assert.ok(snapshot.paragraphs.some((p) => p.includes('AWS RTB Fabric')));
      assert.ok(!snapshot.paragraphs.some((p) => p.startsWith('Mistral on Bedrock.')));

      await options.evaluate(() => document.getElementById('snapshot-clear').focus());
      await options.press('Enter');
      await waitFor(() => options.evaluate(() => document.querySelectorAll('#snapshot-list li[data-url]').length === 0), 'the list emptied');
      const left = await session.inExtension(async () => Object.keys(await (globalThis.browser ?? globalThis.chrome).storage.local.get(null)));
      assert.deepEqual(left.filter((k) => k.startsWith('termlensSnapshot')), []);
    } finally {
      await options.close();
    }
  });

  ctx.it('the panel has no axe violations (real changes, rendered by overlay/changes-panel.js with its root opened for axe)', { timeout: 60_000 }, async () => {
    const { session } = ctx.t;
    const host = await session.extensionPage('extension/options/options.html');
    try {
      const listed = await host.evaluate(async (texts) => {
        const attach = Element.prototype.attachShadow;
        Element.prototype.attachShadow = function open(init) { return attach.call(this, { ...init, mode: 'open' }); };
        const { default: init, diffAndSnapshot } = await import('/pkg/termlens.js');
        await init({ module_or_path: '/pkg/termlens_bg.wasm' });
        const first = diffAndSnapshot(undefined, texts.a, '2026-01-02T10:00:00.000Z', 'visit');
        // The cost of a visit's diff and snapshot on the longest page of the corpus
        // (printed, not asserted): the median of 5 runs.
        const runs = [];
        let out = null;
        for (let i = 0; i < 5; i += 1) {
          const t0 = performance.now();
          out = diffAndSnapshot(first.snapshot, texts.b, '2026-02-03T10:00:00.000Z', 'visit');
          runs.push(performance.now() - t0);
        }
        runs.sort((x, y) => x - y);
        const { createChangesPanel } = await import('/extension/overlay/changes-panel.js');
        const panel = createChangesPanel(document, { onShow: () => {} });
        panel.open({ ...out.changes, changes: out.changes.changes.slice(0, 60), truncated: true });
        return {
          items: panel.host.shadowRoot?.querySelectorAll('li').length ?? 0, changes: out.changes.changes.length,
          ms: runs[2], snapshot: out.snapshot.length, characters: texts.b.length,
        };
      }, { a: fs.readFileSync(path.join(DIR, `${VERSIONS.a}.md`), 'utf8'), b: fs.readFileSync(path.join(DIR, `${VERSIONS.b}.md`), 'utf8') });
      assert.ok(listed.changes >= 20, `${listed.changes} changes`);
      note(ctx.name, `diffAndSnapshot, AWS Service Terms 2025-05-23 -> 2025-11-19 (${listed.characters} characters): ${listed.ms.toFixed(1)} ms (median of 5), snapshot ${listed.snapshot} characters`);
      assert.equal(listed.items, Math.min(listed.changes, 60));
      await host.evaluate(`${AXE};\n0`);
      const found = await host.evaluate(async () => {
        const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
        return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
      });
      assert.deepEqual(found, []);
    } finally {
      await host.close();
    }
  });

  ctx.it('a corrupted stored snapshot is reported and set aside, not silently dropped', { timeout: 120_000 }, async () => {
    const { session } = ctx.t;
    await session.inExtension(async (k) => {
      const api = globalThis.browser ?? globalThis.chrome;
      await api.storage.local.set({
        [`${k.prefix}${k.key}`]: { schema: 1, url: k.key, date: '2026-01-01T00:00:00.000Z', snapshot: '{"format":2,"checksum":"0","paragraphs":["x"]}' },
        termlensSnapshots: { schema: 1, pages: { [k.key]: { date: '2026-01-01T00:00:00.000Z', size: 40 } }, evicted: 0, lastEvicted: null, skipped: 0, setAside: {} },
      });
    }, { prefix: SNAPSHOT_KEY_PREFIX, key });
    served = VERSIONS.b;
    const { tp, view } = await visit(session, PAGE_URL, { panel: false });
    await tp.close();
    assert.ok(view.status.errors.some((e) => e.includes('set aside') && e.includes('checksum does not match')), view.status.errors.join('; '));
    const options = await session.extensionPage('extension/options/options.html');
    try {
      await waitFor(() => options.evaluate(() => document.getElementById('snapshots')?.dataset.state === 'ready'), 'the snapshots section');
      const aside = await options.evaluate(() => [...document.querySelectorAll('#snapshot-aside li')].map((li) => ({ url: /** @type {HTMLElement} */ (li).dataset.url, text: li.textContent })));
      assert.equal(aside.length, 1);
      assert.equal(aside[0].url, key);
      assert.match(aside[0].text, /checksum does not match/);
      // The new visit's snapshot was stored all the same.
      assert.deepEqual(await options.evaluate(() => [...document.querySelectorAll('#snapshot-list li[data-url]')].map((li) => /** @type {HTMLElement} */ (li).dataset.url)), [key]);
    } finally {
      await options.close();
    }
  });
}, { vendorPages });
