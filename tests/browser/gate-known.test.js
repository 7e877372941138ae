// The gate recognises a known document by its address alone (pkg/gate.js matches the
// knowledge base's URL patterns by plain string search, not one RegExp each): a page
// at such an address whose path, title and headings say nothing of terms is started
// as that document, whatever the case of its path; a page next to it that matches no
// pattern stays idle. The pages are served at the vendor's address by the harness's
// proxy (`vendorPages`).

import assert from 'node:assert/strict';
import { inBrowsers, DATA, CORPUS, waitFor } from './harness.js';
import { KnowledgeBase } from './kb.js';

const kb = new KnowledgeBase(DATA, CORPUS);
const DOCUMENT = kb.document('midjourney/community-guidelines');
// `docs.midjourney.com/*community-guidelines*`: no terms word in the path. (Over http
// through the proxy: a host on the browsers' HSTS preload list, such as
// support.claude.com, would be upgraded to https and leave the proxy.)
const KNOWN = 'http://docs.midjourney.com/hc/en-us/articles/community-guidelines';
const KNOWN_OTHER_CASE = 'http://docs.midjourney.com/hc/EN-US/Articles/Community-Guidelines';
const UNKNOWN = 'http://docs.midjourney.com/hc/en-us/articles/community';
const html = () => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Help centre</title></head>
<body><h1>Be kind</h1><p>Some words about being kind to one another, and nothing more.</p></body></html>`;

inBrowsers('gate: known documents by address', (ctx) => {
  ctx.it('a page at a known document\'s address starts as that document, in any case; its neighbour stays idle', { timeout: 60_000 }, async () => {
    const { session } = ctx.t;
    assert.ok(DOCUMENT.match.includes('docs.midjourney.com/*community-guidelines*'), 'the pattern this test relies on is in data/platforms.toml');
    for (const url of [KNOWN, KNOWN_OTHER_CASE]) {
      const page = await session.open(url);
      try {
        const tabId = await session.tabId(page.url);
        const content = await waitFor(async () => {
          const view = await session.status(tabId);
          return view.content && view.content.phase !== 'idle' ? view.content : null;
        }, `the gate to start on ${url}`);
        assert.equal(content.reason, `known document: ${DOCUMENT.name}`, url);
      } finally {
        await page.close();
      }
    }
    const page = await session.open(UNKNOWN);
    try {
      const tabId = await session.tabId(page.url);
      const view = await session.status(tabId);
      assert.equal(view.content.phase, 'idle', 'a neighbouring address matches no pattern');
      assert.equal(view.content.reason, '');
      assert.equal(view.status, null, 'the background has no record of the tab');
    } finally {
      await page.close();
    }
  });
}, { vendorPages: { [KNOWN]: { html }, [KNOWN_OTHER_CASE]: { html }, [UNKNOWN]: { html } } });
