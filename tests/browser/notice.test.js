// The known-version notice on real pages, and a page whose text arrives after load.
//
// Four vendors' latest recorded pages (tests/fixtures/pages, copied from ../shared/corpus
// with their SOURCE.txt), served at the documents' own addresses through the harness's
// proxy, so that termlens knows them by URL and compares a first visit with the version it
// ships (data/fingerprints):
//   - as recorded: no notice, no badge, no panel;
//   - one clause edited: a quiet notice, the badge on the page and a line in the popup, and
//     no panel until the reader asks (the popup's Show), which lists the edited clause.
// Then a page at a known address that adds its terms by script in steps after load: the
// visit's snapshot waits until the text has settled, so it holds the late paragraphs, and
// the next visit shows nothing.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { inBrowsers, waitFor, note, PAGES, ROOT } from './harness.js';

/** The pages: the document's own address (http, through the proxy) and the snapshot. */
const VENDORS = [
  { document: 'anthropic/commercial-terms', url: 'http://www.anthropic.com/legal/commercial-terms', file: 'anthropic-commercial-terms/2026-08-20.html' },
  { document: 'xai/terms-of-service-enterprise', url: 'http://x.ai/legal/terms-of-service-enterprise', file: 'xai-terms-of-service-enterprise/2026-08-22.html' },
  { document: 'microsoft/copilot-terms-of-use', url: 'http://www.microsoft.com/en-us/microsoft-copilot/for-individuals/termsofuse', file: 'microsoft-copilot-terms-of-use/2026-08-22.html' },
  { document: 'alibaba-qwen/terms-of-service', url: 'http://chat.qwen.ai/legal-agreement/terms-of-service', file: 'alibaba-qwen-terms-of-service/2026-08-22.html' },
];

/** The word put in place of one word of a clause. */
const EDIT = 'termlenseditedword';

/** @param {string} document */
function fingerprint(document) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'data/fingerprints', `${document.replace('/', '--')}.json`), 'utf8'));
}

/**
 * The page with one word of one clause replaced: a run of six plain words from a long
 * paragraph of the recorded version (from its middle on), found once in that version,
 * replaced wherever the HTML has it (a framework's page also carries its text in a
 * script's data), as tests/known_pages.rs does.
 * @param {string} html
 * @param {string} document
 */
function edited(html, document) {
  const { paragraphs } = fingerprint(document);
  const whole = paragraphs.join('\n');
  const middle = Math.floor(paragraphs.length / 2);
  for (const p of [...paragraphs.slice(middle), ...paragraphs.slice(0, middle)]) {
    const words = p.split(' ');
    if (words.length < 20) continue;
    for (let i = 0; i + 6 <= words.length; i += 1) {
      const run = words.slice(i, i + 6);
      if (!run.every((w) => /^[A-Za-z]{3,}$/.test(w))) continue;
      const phrase = run.join(' ');
      if (whole.split(phrase).length !== 2 || !html.includes(phrase)) continue;
      run[2] = EDIT;
      return { html: html.replaceAll(phrase, run.join(' ')), phrase, edited: run.join(' ') };
    }
  }
  throw new Error(`no clause of ${document} to edit`);
}

/** @type {Record<string, () => string>} what each address serves now */
const serving = {};
const vendorPages = Object.fromEntries(VENDORS.map((v) => {
  serving[v.url] = () => fs.readFileSync(path.join(PAGES, v.file), 'utf8');
  return [v.url, { html: () => serving[v.url]() }];
}));

// The page rendered in steps, at Anthropic's address (another path than the snapshot's).
const LATE_URL = 'http://www.anthropic.com/legal/commercial-terms/rendered-later';
/** @type {string[]} the recorded version's paragraphs: the page is that version, rendered late */
const LATE_PARAGRAPHS = fingerprint('anthropic/commercial-terms').paragraphs;
/** Paragraphs in the HTML at load; the rest come in STEPS script steps, STEP_MS apart. */
const AT_LOAD = 5;
const STEPS = 3;
const STEP_MS = 600;

function laterPage() {
  const escape = (/** @type {string} */ s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const first = LATE_PARAGRAPHS.slice(0, AT_LOAD).map((p) => `<p>${escape(p)}</p>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Commercial Terms of Service</title></head>
<body><main id="terms">${first}</main>
<script>
  const rest = ${JSON.stringify(LATE_PARAGRAPHS.slice(AT_LOAD)).replace(/</g, '\\u003c')};
  const size = Math.ceil(rest.length / ${STEPS});
  let step = 0;
  const add = () => {
    for (const text of rest.slice(step * size, (step + 1) * size)) {
      const p = document.createElement('p');
      p.textContent = text;
      document.getElementById('terms').append(p);
    }
    step += 1;
    if (step < ${STEPS}) setTimeout(add, ${STEP_MS});
    else window.rendered = true;
  };
  addEventListener('load', () => setTimeout(add, ${STEP_MS}));
</script></body></html>`;
}
vendorPages[LATE_URL] = { html: laterPage };

/** Removes every stored snapshot (each visit below is a first visit). */
async function clearSnapshots(session) {
  await session.inExtension(async () => {
    const api = globalThis.browser ?? globalThis.chrome;
    const all = await api.storage.local.get(null);
    await api.storage.local.remove(Object.keys(all).filter((k) => k.startsWith('termlensSnapshot')));
  });
}

/** The stored snapshot of an address (null when none). */
async function storedSnapshot(session, url) {
  const record = await session.inExtension(async (key) => {
    const api = globalThis.browser ?? globalThis.chrome;
    return (await api.storage.local.get(key))[key] ?? null;
  }, `termlensSnapshot:${url}`);
  return record ? JSON.parse(record.snapshot) : null;
}

inBrowsers('the known-version notice', (ctx) => {
  for (const vendor of VENDORS) {
    ctx.it(`${vendor.document}: no notice as recorded; one clause edited: a badge and the popup's line, the list on request`, { timeout: 180_000 }, async () => {
      const { session } = ctx.t;
      const original = fs.readFileSync(path.join(PAGES, vendor.file), 'utf8');

      await clearSnapshots(session);
      serving[vendor.url] = () => original;
      let tp = await session.open(vendor.url);
      try {
        const tabId = await session.tabId(tp.url);
        const { status } = await session.settled(tabId, 90_000);
        assert.equal(status.phase, 'done', status.errors.join('; '));
        assert.equal(status.document?.id, vendor.document);
        assert.equal(status.changes, null, JSON.stringify(status.changes));
        assert.equal(status.changesBadge ?? null, null);
        assert.equal(status.changesPanel ?? null, null);
        assert.doesNotMatch(await session.popupText(tabId), /differs from the version termlens knows/);
      } finally {
        await tp.close();
      }

      await clearSnapshots(session);
      const edit = edited(original, vendor.document);
      serving[vendor.url] = () => edit.html;
      tp = await session.open(vendor.url);
      try {
        const tabId = await session.tabId(tp.url);
        const { status } = await session.settled(tabId, 90_000);
        assert.equal(status.changes?.source, 'known', status.errors.join('; '));
        const badge = await waitFor(async () => (await session.status(tabId)).status?.changesBadge ?? null, 'the changes badge');
        assert.match(badge.text, /^termlens: \d+ changes? from the known version$/);
        // Quiet: the panel is not open over the page.
        assert.equal((await session.status(tabId)).status.changesPanel ?? null, null);
        const popup = await session.extensionPage(`extension/popup/popup.html?tab=${tabId}`);
        try {
          await waitFor(() => popup.evaluate(() => !document.getElementById('changes-line')?.hidden), 'the popup\'s changes line');
          const line = await popup.evaluate(() => document.getElementById('changes-text').textContent);
          assert.match(line, new RegExp(`^This page differs from the version termlens knows \\(${status.changes.since}\\) — \\d+ changes?\\.$`));
          await popup.evaluate(() => document.getElementById('changes-show').click());
        } finally {
          await popup.close();
        }
        const panel = await waitFor(async () => (await session.status(tabId)).status?.changesPanel ?? null, 'the changes panel');
        assert.ok(panel.items.some((i) => i.text.includes(EDIT)), `"${edit.edited}" not listed: ${JSON.stringify(panel.items.slice(0, 5))}`);
        note(ctx.name, `${vendor.document}: no notice as recorded; "${edit.phrase}" edited: ${panel.items.length} change(s) listed`);
      } finally {
        await tp.close();
      }
    });
  }

  ctx.it('a page that adds its terms after load is snapshotted once they have settled; the next visit shows nothing', { timeout: 120_000 }, async () => {
    const { session } = ctx.t;
    await clearSnapshots(session);
    const last = LATE_PARAGRAPHS[LATE_PARAGRAPHS.length - 1];
    let tp = await session.open(LATE_URL);
    try {
      const tabId = await session.tabId(tp.url);
      const { status } = await session.settled(tabId, 60_000);
      assert.equal(status.phase, 'done', status.errors.join('; '));
      assert.ok(await tp.evaluate(() => window.rendered === true));
      // Compared whole with the version termlens knows, which it is: nothing to show.
      assert.equal(status.changes, null, JSON.stringify(status.changes));
      // The snapshot holds the paragraphs the page added last (taken at load, it would not).
      const snapshot = await storedSnapshot(session, LATE_URL);
      assert.ok(snapshot?.paragraphs.includes(last), 'the stored snapshot lacks the last paragraph added');
      assert.ok(snapshot.paragraphs.length >= LATE_PARAGRAPHS.length, `${snapshot.paragraphs.length} paragraphs stored`);
    } finally {
      await tp.close();
    }
    tp = await session.open(LATE_URL);
    try {
      const tabId = await session.tabId(tp.url);
      const { status } = await session.settled(tabId, 60_000);
      assert.equal(status.phase, 'done', status.errors.join('; '));
      assert.equal(status.changes, null, JSON.stringify(status.changes));
      assert.equal(status.changesBadge ?? null, null);
    } finally {
      await tp.close();
    }
  });
}, { vendorPages });
