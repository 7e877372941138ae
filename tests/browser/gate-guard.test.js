// The page's DOM cannot stop termlens: elements named like the gate's guard or the
// globals the content script reads (`<div id="__termlensGate">`, `<img name=...>`,
// ids `browser`, `chrome`, `TERMLENS_MESSAGES`, `TERMLENS_KNOWN_PATTERNS`) are named
// properties of the window, also in the content script's world. On a terms page so
// built termlens still annotates, and on a page that is not terms the popup's "Run
// termlens on this page" still runs it.

import assert from 'node:assert/strict';
import { inBrowsers, DATA, CORPUS, ROUTES, readHighlights, termlensConsole } from './harness.js';
import { KnowledgeBase, containsWordsInOrder } from './kb.js';

const kb = new KnowledgeBase(DATA, CORPUS);
const SOURCE = ROUTES['/legal/commercial-terms'];
const [EXPECTED] = kb.expectedOn(SOURCE.document, SOURCE.date);

const NAMES = ['__termlensGate', 'browser', 'chrome', 'TERMLENS_MESSAGES', 'TERMLENS_KNOWN_PATTERNS', 'TERMLENS_KNOWN_DOCUMENTS'];
const clobbers = () => NAMES.map((n) => `<div id="${n}">${n}</div><img name="${n}" alt=""><form name="${n}"></form>`).join('\n');
const page = (title, body) => () => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body>${clobbers()}<h1>${title}</h1>${body}</body></html>`;

const TERMS = '/legal/clobbered-terms';
const PLAIN = '/blog/clobbered-tomatoes';

inBrowsers('gate: a page that names elements like termlens\'s globals', (ctx) => {
  ctx.it('a terms page is annotated', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const tab = await session.open(server.url(TERMS));
    try {
      assert.equal(await tab.evaluate(() => window.__termlensGate != null), true, 'the page clobbers the name');
      const tabId = await session.tabId(tab.url);
      const view = await session.settled(tabId);
      assert.equal(view.status.phase, 'done', view.status.errors.join('; '));
      const hit = view.status.provisions.find((p) => p.provision === EXPECTED.provision.id);
      assert.equal(hit?.status, 'exact', `${EXPECTED.provision.id} found`);
      const highlights = await readHighlights(tab);
      assert.ok(highlights['termlens-exact'].some((t) => containsWordsInOrder(t, EXPECTED.wording.text)), 'highlighted');
      assert.deepEqual(termlensConsole(tab), []);
    } finally {
      await tab.close();
    }
  });

  ctx.it('"Run termlens on this page" runs on a page that is not terms', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const tab = await session.open(server.url(PLAIN));
    try {
      const tabId = await session.tabId(tab.url);
      assert.equal((await session.status(tabId)).content.phase, 'idle');
      await session.run(tabId);
      const view = await session.settled(tabId);
      assert.equal(view.status.phase, 'done', view.status.errors.join('; '));
      assert.equal(view.status.reason, 'on demand');
      assert.deepEqual(termlensConsole(tab), []);
    } finally {
      await tab.close();
    }
  });
}, {
  routes: {
    [TERMS]: { html: page('Commercial Terms of Service', `<p>${EXPECTED.wording.text}</p>`) },
    [PLAIN]: { html: page('Growing tomatoes', '<p>Water them in the morning, not at noon.</p>') },
  },
});
