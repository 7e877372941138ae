// Privacy: termlens visits ten pages (hand-written fixtures and real snapshots from
// ../shared/corpus) in each browser, annotates them, opens a card where it found
// provisions, and no request leaves the browser except those the pages made.
//
// How it is proved: every non-loopback request goes to the harness's recording proxy,
// and every loopback one to the fixture server, which logs its paths. Each page lists
// what it fetched itself (Resource Timing, plus the page's own log of what it asked
// for); after each visit, every request the proxy and the server saw must be one of
// those. One page fetches from two outside hosts on purpose, so the proxy is shown to
// see such requests; they are accounted to the page and then removed, so the suite's
// last test (the proxy saw nothing else) still holds.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { inBrowsers, DATA, CORPUS, PAGES, waitFor, note } from './harness.js';
import { KnowledgeBase, escapeHtml } from './kb.js';

const kb = new KnowledgeBase(DATA, CORPUS);
const clause = kb.expectedOn('anthropic/commercial-terms', '2026-08-20')[0].wording.text;

/** A terms page that makes requests of its own, to 127.0.0.1 and to two outside hosts. */
const TRACKER_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Terms of Service</title>
<script>
  window.pageTicks = 0; setInterval(() => { window.pageTicks += 1; }, 50);
  window.ownRequests = [];
  const ask = (url) => { window.ownRequests.push(new URL(url, location.href).href); return fetch(url, { mode: 'no-cors' }).catch(() => null); };
  ask('/api/own-analytics?page=terms');
  ask('http://tracker.example/pixel?page=terms');
</script></head>
<body><h1>Terms of Service</h1><img alt="" src="http://cdn.example/logo.png" onerror="this.remove()">
<script>window.ownRequests.push('http://cdn.example/logo.png');</script>
<p>${escapeHtml(clause)}</p></body></html>`;
const TRACKER_CSP = "default-src 'self' 'unsafe-inline' http://tracker.example http://cdn.example";

const corpusPage = (rel) => () => fs.readFileSync(path.join(CORPUS, rel), 'utf8');

/** Ten pages: [path, what it is]. */
const VISITS = [
  ['/legal/commercial-terms', 'Anthropic commercial terms (fixture)'],
  ['/strict/legal/commercial-terms', 'the same under a strict CSP'],
  ['/policies/services-agreement/', 'OpenAI services agreement (fixture)'],
  ['/legal/terms-of-service-enterprise', 'xAI enterprise terms (fixture)'],
  ['/legal/consumer-terms', 'Anthropic consumer terms (corpus snapshot 2026-08-22)'],
  ['/legal/microsoft-services-agreement', 'Microsoft services agreement (corpus snapshot 2026-08-22)'],
  ['/legal/acceptable-use-policy', 'xAI acceptable use policy (corpus snapshot 2026-08-22)'],
  ['/app/render-later', 'terms rendered after load'],
  ['/blog/growing-tomatoes', 'a page that is not terms, run on demand'],
  ['/legal/own-requests', 'a terms page with its own outside requests'],
];

const routes = {
  '/legal/consumer-terms': { html: corpusPage('anthropic/consumer-terms/2026-08-22.html') },
  '/legal/microsoft-services-agreement': { html: corpusPage('microsoft/services-agreement/2026-08-22.html') },
  '/legal/acceptable-use-policy': { html: corpusPage('xai/acceptable-use-policy/2026-08-22.html') },
  '/legal/own-requests': { html: () => TRACKER_PAGE, csp: TRACKER_CSP },
};
if (!fs.existsSync(path.join(PAGES, 'plain/index.html'))) throw new Error('fixture pages missing');

/**
 * What a page says it fetched: its navigation, Resource Timing (its own and its
 * same-origin frames': the snapshots' Cloudflare script loads a script inside an
 * iframe it creates) and its own log.
 */
function ownRequests(page) {
  return page.evaluate(() => {
    const out = [location.href, ...(window.ownRequests ?? [])];
    /** @type {Window[]} */
    const windows = [window];
    for (const frame of document.querySelectorAll('iframe')) {
      try {
        if (frame.contentWindow?.performance) windows.push(frame.contentWindow);
      } catch {
        // A cross-origin frame: its requests would show as its own navigation.
      }
    }
    for (const w of windows) for (const e of w.performance.getEntriesByType('resource')) out.push(e.name);
    return out;
  });
}

inBrowsers('privacy', (ctx) => {
  ctx.it('ten pages visited, annotated and carded: every request was made by the pages themselves', { timeout: 300_000 }, async () => {
    const { session, server, proxy } = ctx.t;
    const summary = [];
    let outside = 0;
    for (const [route, what] of VISITS) {
      server.requests.length = 0;
      const page = await session.open(server.url(route));
      try {
        const tabId = await session.tabId(page.url);
        if (route === '/blog/growing-tomatoes') await session.run(tabId);
        const view = await session.settled(tabId, 60_000);
        assert.equal(view.status.phase, 'done', `${route}: ${view.status.errors.join('; ')}`);
        if (view.status.count > 0) {
          await session.command(tabId, 'next');
          await waitFor(async () => (await session.status(tabId)).status.card?.open, `${route}: the card`);
        }
        // Let anything termlens might send late go out before counting.
        await new Promise((r) => setTimeout(r, 500));
        const own = new Set(await ownRequests(page));
        const ownPaths = new Set([...own].filter((u) => u.startsWith(server.origin)).map((u) => new URL(u).pathname));
        // The browser asks for the site's icon by itself: not the page, not termlens.
        const strayLocal = server.requests.filter((p) => !ownPaths.has(p) && p !== '/favicon.ico');
        assert.deepEqual(strayLocal, [], `${route}: requests to 127.0.0.1 the page did not make`);
        const strayOutside = proxy.seen.filter((line) => !own.has(line.replace(/^[A-Z]+ /, '')));
        assert.deepEqual(strayOutside, [], `${route}: requests beyond 127.0.0.1 the page did not make`);
        outside += proxy.seen.length;
        // Accounted to the page: removed, so the suite's last check sees only the rest.
        proxy.seen.length = 0;
        summary.push(`${what}: ${view.status.count} provisions, ${server.requests.length} local / ${own.size} own requests`);
      } finally {
        await page.close();
      }
    }
    assert.ok(outside >= 1, 'the page with outside requests was seen by the proxy (the check can fail)');
    note(ctx.name, `privacy: 10 pages, ${outside} outside requests, all the page's own; ${summary.join('; ')}`);
  });
}, { routes });
