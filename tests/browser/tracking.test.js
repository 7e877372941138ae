// A page learns nothing about what termlens has stored.
//
// The tracking attack: a page under a path containing "terms" shows, on the first
// visit, the paragraphs for the 1-bits of an identifier, and all of them on the next;
// termlens's "since your last visit" highlights (which any page script can list with
// `CSS.highlights`) would then mark the paragraphs of the 0-bits, and the page reads
// its identifier back from termlens's storage after its cookies are cleared. termlens
// keeps snapshots only of known documents and of sites the reader asked to watch, so
// the page reads nothing and nothing of it is stored. A watched site does get its
// changes (the reader's choice, made in the popup).

import assert from 'node:assert/strict';
import { inBrowsers, waitFor, note, DATA, CORPUS } from './harness.js';
import { KnowledgeBase, escapeHtml } from './kb.js';

/** Known clauses: a page that carries them is taken for their document. */
const CLAUSES = new KnowledgeBase(DATA, CORPUS).expectedOn('anthropic/commercial-terms', '2026-08-20')
  .slice(0, 3).map((e) => e.wording.text);

/** The identifier the page tries to store in termlens (16 bits). */
const ID = 0b1011_0010_1110_0101;
const BITS = 16;

/** One paragraph per bit, each its own sentence (the engine's paragraphs). */
function paragraph(/** @type {number} */ i) {
  return `Section ${i + 1}. The customer agrees that clause number ${i + 1} of these terms applies to the use of the service, including the ${['first', 'second', 'third', 'fourth'][i % 4]} schedule and its annex ${String.fromCharCode(65 + i)}.`;
}

/** The visit counter of each tracking path. */
const visits = new Map();

/**
 * @param {string} path
 * @param {string[]} [known] known clauses the page carries too
 */
function trackingPage(path, known = []) {
  const n = visits.get(path) ?? 0;
  visits.set(path, n + 1);
  const shown = [];
  for (let i = 0; i < BITS; i += 1) if (n > 0 || (ID >> i) & 1) shown.push(`<p id="p${i}">${paragraph(i)}</p>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Terms of Service</title></head>
<body><main><h1>Terms of Service</h1>${known.map((c) => `<p>${escapeHtml(c)}</p>`).join('\n')}${shown.join('\n')}</main></body></html>`;
}

const routes = {
  '/terms/tracking': { html: () => trackingPage('/terms/tracking') },
  '/terms/watched': { html: () => trackingPage('/terms/watched') },
  '/terms/copy': { html: () => trackingPage('/terms/copy', CLAUSES) },
};

/**
 * What the page's own script reads back: the identifier from the paragraphs that
 * termlens marks as changed (a 0-bit is a paragraph inserted since the first visit).
 */
function readBack(tp) {
  return tp.evaluate((bits) => {
    const marked = new Set();
    for (const range of CSS.highlights.get('termlens-page-change') ?? []) {
      const p = /** @type {Range} */ (range).startContainer.parentElement?.closest('p');
      if (p) marked.add(p.id);
    }
    let id = 0;
    for (let i = 0; i < bits; i += 1) if (!marked.has(`p${i}`)) id |= 1 << i;
    return { id, marked: marked.size, registered: CSS.highlights.get('termlens-page-change')?.size ?? 0 };
  }, BITS);
}

/** Stored snapshot keys (records) in storage.local. */
function snapshotKeys(session) {
  return session.inExtension(async () => {
    const api = globalThis.browser ?? globalThis.chrome;
    return Object.keys(await api.storage.local.get(null)).filter((k) => k.startsWith('termlensSnapshot:')).map((k) => k.slice(17));
  });
}

async function visit(session, url) {
  const tp = await session.open(url);
  const tabId = await session.tabId(tp.url);
  const view = await session.settled(tabId, 60_000);
  return { tp, tabId, view };
}

inBrowsers('a page learns nothing of what termlens stored', (ctx) => {
  ctx.it('the tracking attack reads no identifier back, and nothing of the page is stored', { timeout: 120_000 }, async () => {
    const { session, server } = ctx.t;
    const first = await visit(session, server.url('/terms/tracking'));
    try {
      assert.equal(first.view.status.phase, 'done', first.view.status.errors.join('; '));
      assert.equal(first.view.status.changes ?? null, null);
    } finally {
      await first.tp.close();
    }
    const second = await visit(session, server.url('/terms/tracking'));
    try {
      assert.equal(second.view.status.phase, 'done', second.view.status.errors.join('; '));
      const read = await readBack(second.tp);
      note(ctx.name, `tracking page: ${read.registered} change ranges, read ${read.id.toString(2)} (id ${ID.toString(2)})`);
      assert.notEqual(read.id, ID, 'the page read its identifier back');
      assert.equal(read.registered, 0, 'no change highlight on a page termlens does not know');
      assert.equal(second.view.status.changes ?? null, null);
      assert.ok(!(await snapshotKeys(session)).some((k) => k.includes('/terms/tracking')), 'no snapshot of the page');
    } finally {
      await second.tp.close();
    }
  });

  ctx.it('the same attack on a page that carries a known document\'s clauses (taken for that document) reads nothing either', { timeout: 120_000 }, async () => {
    const { session, server } = ctx.t;
    const first = await visit(session, server.url('/terms/copy'));
    try {
      assert.ok(first.view.status.provisions.length >= 1, 'the known clauses are found');
    } finally {
      await first.tp.close();
    }
    const second = await visit(session, server.url('/terms/copy'));
    try {
      assert.equal(second.view.status.phase, 'done', second.view.status.errors.join('; '));
      const read = await readBack(second.tp);
      note(ctx.name, `copy of a known document: ${read.registered} change ranges, read ${read.id.toString(2)}`);
      assert.notEqual(read.id, ID, 'the page read its identifier back');
      assert.equal(read.registered, 0);
      assert.ok(!(await snapshotKeys(session)).some((k) => k.includes('/terms/copy')), 'no snapshot of the page');
    } finally {
      await second.tp.close();
    }
  });

  ctx.it('a site the reader watches (popup switch) gets what changed since the last visit', { timeout: 120_000 }, async () => {
    const { session, server } = ctx.t;
    const first = await visit(session, server.url('/terms/watched'));
    try {
      // The popup's switch for the tab's site.
      const popup = await session.extensionPage(`extension/popup/popup.html?tab=${first.tabId}`);
      try {
        await waitFor(() => popup.evaluate(() => !document.getElementById('watch-row').hidden), 'the watch switch');
        assert.equal(await popup.evaluate(() => /** @type {HTMLInputElement} */ (document.getElementById('watch')).checked), false);
        await popup.evaluate(() => document.getElementById('watch').click());
        await waitFor(() => session.inExtension(async () => {
          const api = globalThis.browser ?? globalThis.chrome;
          return (await api.storage.local.get('settings')).settings?.sitesWatched?.includes('127.0.0.1') ?? false;
        }), 'the site saved as watched');
      } finally {
        await popup.close();
      }
      // The options page lists the site, with a button to stop watching it.
      const options = await session.extensionPage('extension/options/options.html');
      try {
        await waitFor(() => options.evaluate(() => document.querySelector('#watched-list li span')?.textContent === '127.0.0.1'), 'the watched site listed');
      } finally {
        await options.close();
      }
    } finally {
      await first.tp.close();
    }
    // The first visit after the switch keeps the text; the next one shows what changed.
    visits.set('/terms/watched', 0);
    const again = await visit(session, server.url('/terms/watched'));
    await again.tp.close();
    assert.ok((await snapshotKeys(session)).some((k) => k.endsWith('/terms/watched')));
    const last = await visit(session, server.url('/terms/watched'));
    try {
      const { changes, errors } = last.view.status;
      assert.deepEqual(errors, []);
      assert.equal(changes?.source, 'visit');
      // The paragraphs of the 0 bits are new. These paragraphs differ in a few words only,
      // so the word diff reports part of them as edits of their neighbours: what is held
      // here is that the visit reports what changed and deletes nothing.
      assert.ok(changes.summary.inserted >= 1, JSON.stringify(changes.summary));
      assert.equal(changes.summary.deleted, 0, JSON.stringify(changes.summary));
    } finally {
      await last.tp.close();
      await session.inExtension(async () => {
        const api = globalThis.browser ?? globalThis.chrome;
        const { settings } = await api.storage.local.get('settings');
        await api.storage.local.set({ settings: { ...settings, sitesWatched: [] } });
      });
    }
  });
}, { routes });
