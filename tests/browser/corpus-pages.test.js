// Real vendor pages (snapshots from the corpus): every provision the knowledge base
// records for the version in force on the snapshot's date is highlighted with its
// exact wording; the badge, the status and the popup agree with the highlights.

import assert from 'node:assert/strict';
import { inBrowsers, ROUTES, DATA, CORPUS, readHighlights, termlensConsole, note } from './harness.js';
import { KnowledgeBase, containsWordsInOrder } from './kb.js';

const kb = new KnowledgeBase(DATA, CORPUS);
const SNAPSHOTS = ['/legal/commercial-terms', '/policies/services-agreement/', '/legal/terms-of-service-enterprise'];

inBrowsers('corpus snapshots', (ctx) => {
  for (const route of SNAPSHOTS) {
    const { document, date } = ROUTES[route];
    ctx.it(`${document} ${date}: highlights the provisions recorded for that version`, { timeout: 60_000 }, async () => {
      const expected = kb.expectedOn(document, date);
      assert.ok(expected.length > 0, `the knowledge base records no provision of ${document} on ${date}`);
      const { session, server } = ctx.t;
      const page = await session.open(server.url(route));
      try {
        const tabId = await session.tabId(page.url);
        const view = await session.settled(tabId);
        assert.equal(view.status.phase, 'done', `errors: ${view.status.errors.join('; ')}`);
        const found = view.status.provisions;
        const highlights = await readHighlights(page);
        for (const { provision, wording, version } of expected) {
          const hit = found.find((p) => p.provision === provision.id);
          assert.ok(hit, `${provision.id} (recorded in ${version}) was not found; found: ${found.map((p) => p.provision).join(', ')}`);
          assert.equal(hit.status, 'exact', `${provision.id} should match its known wording of ${version}`);
          assert.ok(highlights['termlens-exact'].some((text) => containsWordsInOrder(text, wording.text)),
            `no exact highlight holds the words of ${provision.id}`);
        }
        const drawn = highlights['termlens-exact'].length + highlights['termlens-changed'].length;
        assert.equal(drawn, found.length, 'every annotation is drawn');
        assert.equal(view.status.count, drawn, 'status count = highlights');
        assert.equal(view.badge, String(drawn), 'badge = highlights');
        assert.equal(view.status.runs, 1, 'annotated once');

        const popup = await session.popupText(tabId);
        assert.match(popup, new RegExp(`${drawn} known provisions? found`));
        for (const { provision } of expected) assert.ok(popup.includes(provision.title), `popup lists ${provision.title}`);

        assert.deepEqual(termlensConsole(page), [], 'termlens logged nothing');
        assert.deepEqual(page.errors.filter((e) => /termlens|extension:/i.test(e)), []);
        const extra = found.filter((p) => !expected.some((e) => e.provision.id === p.provision));
        note(ctx.name, `${document}: ${drawn} highlighted, ${expected.length} expected all found`
          + (extra.length ? `; also ${extra.map((p) => `${p.provision} (${p.status})`).join(', ')}` : ''));
      } finally {
        await page.close();
      }
    });
  }
});
