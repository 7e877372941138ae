// "Not found on this page": a page at a known document's own address that lacks one
// of the document's known provisions lists it in the popup's "On this page" (with the
// version it was last recorded in) and in the Markdown and JSON exports. The page is
// served at http://www.anthropic.com/legal/commercial-terms by the harness's proxy
// (termlens recognises a document by its address; the scheme does not count), and holds
// every other provision of Anthropic's Commercial Terms in its newest wording.

import assert from 'node:assert/strict';
import { inBrowsers, DATA, CORPUS, waitFor, download } from './harness.js';
import { KnowledgeBase, escapeHtml } from './kb.js';

const kb = new KnowledgeBase(DATA, CORPUS);
const DOCUMENT = 'anthropic/commercial-terms';
const OMITTED = 'anthropic.commercial-no-training';
const URL_OF_PAGE = 'http://www.anthropic.com/legal/commercial-terms';

const provisions = kb.provisions.filter((p) => p.document === DOCUMENT);
const newest = (p) => p.wording.map((w) => [...w.versions].sort().at(-1)).sort().at(-1);
const kept = provisions.filter((p) => p.id !== OMITTED);
const omitted = kb.provision(OMITTED);
const html = () => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Commercial Terms of Service</title></head>
<body><h1>Commercial Terms of Service</h1>
${kept.map((p) => `<p>${escapeHtml(p.wording.find((w) => w.versions.includes(newest(p))).text)}</p>`).join('\n')}
</body></html>`;

inBrowsers('not found on this page', (ctx) => {
  ctx.it('a known provision missing from its own document\'s page is listed with its version, in the popup and the exports', { timeout: 60_000 }, async () => {
    const { session, proxy } = ctx.t;
    assert.ok(kept.length >= 5, `${DOCUMENT} has provisions to show`);
    const page = await session.open(URL_OF_PAGE);
    try {
      const tabId = await session.tabId(page.url);
      const { status } = await session.settled(tabId);
      assert.equal(status.phase, 'done', `annotated (${status.errors?.join('; ')})`);
      assert.deepEqual(status.missing.map((m) => m.provision), [OMITTED], 'exactly the omitted provision is missing');
      assert.equal(status.missing[0].version, newest(omitted), 'the version it was last recorded in');
      assert.equal(status.provisions.length, kept.length, 'every other provision is found');

      const popup = await session.extensionPage(`extension/popup/popup.html?tab=${tabId}`);
      try {
        const line = await waitFor(() => popup.evaluate(() => document.querySelector('#provisions li.missing')?.textContent ?? null), 'the missing line');
        assert.ok(line.includes(omitted.title), `the line names the provision (${line})`);
        assert.ok(line.includes(`not found on this page (present in the version of ${newest(omitted)})`), line);
        const md = (await download(popup, '#export-markdown')).text;
        assert.ok(md.includes(`${omitted.title}: not found on this page (present in the version of ${newest(omitted)})`), 'the memo lists it');
        const json = JSON.parse((await download(popup, '#export-json')).text);
        assert.deepEqual(json.missing, [{ provision: OMITTED, title: omitted.title, presentInVersion: newest(omitted) }]);
      } finally {
        await popup.close();
      }
      assert.ok(proxy.vendor.some((r) => r.includes('/legal/commercial-terms')), 'the page came through the proxy');
    } finally {
      await page.close();
    }
  });
}, { vendorPages: { [URL_OF_PAGE]: { html } } });
