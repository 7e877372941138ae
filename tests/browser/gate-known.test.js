// The gate recognises a known document by its address alone (pkg/gate.js matches the
// knowledge base's URL patterns by plain string search, not one RegExp each): a page
// at such an address whose path, title and headings say nothing of terms is started
// as that document, whatever the case of its path; a page next to it that matches no
// pattern stays idle. The pages are served at the vendor's address by the harness's
// proxy (`vendorPages`). The host is matched whole: an address carrying a vendor's
// host as a suffix of its own or in its path is no known document, a real subdomain
// of a `*.` pattern is.

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
// `*.perplexity.ai/hub/legal/aup*` (perplexity.ai is not on the HSTS preload list).
const SUBDOMAIN = 'http://www.perplexity.ai/hub/legal/aup';
const ATTACKS = [
  'http://evilperplexity.ai/hub/legal/aup',
  'http://evil.example/perplexity.ai/hub/legal/aup',
  'http://evil.example/llama.com/license',
  'http://evilanthropic.com/legal/commercial-terms',
];
/** Served by the fixture server at 127.0.0.1. */
const LOOPBACK_ATTACK = '/not-anthropic/anthropic.com/legal/commercial-terms';
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

  ctx.it('a vendor\'s host as a suffix or in the path is no known document; a real subdomain is', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    const reasonAt = async (url) => {
      const page = await session.open(url);
      try {
        const tabId = await session.tabId(page.url);
        // Every one of these paths has a terms word: the gate starts on each.
        const content = await waitFor(async () => {
          const view = await session.status(tabId);
          return view.content && view.content.phase !== 'idle' ? view.content : null;
        }, `the gate to start on ${url}`);
        return content.reason;
      } finally {
        await page.close();
      }
    };
    assert.equal(await reasonAt(SUBDOMAIN), `known document: ${kb.document('perplexity/acceptable-use-policy').name}`);
    for (const url of [...ATTACKS, server.url(LOOPBACK_ATTACK)]) {
      assert.equal(await reasonAt(url), 'terms-like address', url);
    }
  });
}, {
  vendorPages: Object.fromEntries([KNOWN, KNOWN_OTHER_CASE, UNKNOWN, SUBDOMAIN, ...ATTACKS].map((u) => [u, { html }])),
  routes: { [LOOPBACK_ATTACK]: { html } },
});
