// The annotate path of issue 6: a page's text longer than one message piece reaches
// the engine in pieces (CS_BG_TEXT) and is annotated exactly as if sent whole; the
// background's cached settings follow every change to the stored ones.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { inBrowsers, DATA, CORPUS, PAGES, ROUTES, readHighlights, termlensConsole, waitFor, note } from './harness.js';
import { KnowledgeBase, containsWordsInOrder } from './kb.js';

const kb = new KnowledgeBase(DATA, CORPUS);
const source = ROUTES['/legal/commercial-terms'];
const expected = kb.expectedOn(source.document, source.date);

/**
 * The Anthropic snapshot after `n` characters of other text (numbered paragraphs,
 * with a character outside the BMP in each): its clauses lie past the first piece.
 */
function afterFiller(n) {
  const html = fs.readFileSync(path.join(PAGES, source.file), 'utf8');
  const open = html.search(/<body[^>]*>/i);
  const head = html.slice(0, open + html.slice(open).indexOf('>') + 1);
  const body = html.slice(head.length, html.lastIndexOf('</body>'));
  const filler = [];
  for (let k = 0, length = 0; length < n; k += 1) {
    const p = `Note ${k} \u{1F4DD}: the garden beds are watered in the morning and the tomatoes are staked before they flower.`;
    filler.push(`<p>${p}</p>`);
    length += p.length + 1;
  }
  return `${head}<div id="filler">${filler.join('\n')}</div><div id="terms">${body}</div></body></html>`;
}

// Over the annotator's piece of 524,288 UTF-16 units before the terms begin.
const LONG = '/legal/commercial-terms-long';
const routes = { [LONG]: { html: () => afterFiller(600_000) } };

/** The platforms of a lookup's hits, asked of the background as the popup asks. */
const lookupPlatforms = (session) => session.inExtension(async () => {
  const reply = await (globalThis.browser ?? globalThis.chrome).runtime.sendMessage({
    type: 'popup-bg-lookup', query: 'train on customer content', filters: {}, limit: 25,
  });
  if (!reply?.ok) throw new Error(reply?.error);
  return reply.value.map((h) => h.platform);
});

inBrowsers('annotate path', (ctx) => {
  ctx.it('a text longer than one piece is sent in pieces and annotated as the page words it', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    // The same document once: its text goes whole.
    const short = await session.open(server.url('/legal/commercial-terms'));
    let shortCount = 0;
    try {
      const view = await session.settled(await session.tabId(short.url));
      assert.equal(view.status.phase, 'done', view.status.errors.join('; '));
      assert.equal(view.status.pieces, 0, 'a short text in the annotate message itself');
      shortCount = view.status.count;
    } finally {
      await short.close();
    }
    const page = await session.open(server.url(LONG));
    try {
      const tabId = await session.tabId(page.url);
      const view = await session.settled(tabId, 60_000);
      assert.equal(view.status.phase, 'done', view.status.errors.join('; '));
      const characters = view.status.timings.characters;
      assert.ok(characters > 524_288, `the text is longer than one piece (${characters})`);
      assert.ok(view.status.pieces >= 2, `sent in pieces (${view.status.pieces})`);
      assert.equal(view.status.count, shortCount, `${view.status.count} provisions, as on the page alone`);
      // Offsets into the reassembled text land on the clauses, all in the pieces after
      // the first: every highlight holds the wording of a provision the page carries.
      const highlights = await readHighlights(page);
      for (const { provision, wording } of expected) {
        assert.ok(view.status.provisions.some((p) => p.provision === provision.id && p.status === 'exact'), `${provision.id} found`);
        assert.ok(highlights['termlens-exact'].some((t) => containsWordsInOrder(t, wording.text)), `${provision.id} highlighted`);
      }
      for (const text of highlights['termlens-exact']) {
        assert.ok(expected.some(({ wording }) => containsWordsInOrder(text, wording.text)) || view.status.provisions.some((p) => containsWordsInOrder(text, p.text)),
          `a highlight that is a clause: ${text.slice(0, 80)}`);
      }
      const inTerms = await page.evaluate(() => [...(CSS.highlights.get('termlens-exact') ?? [])]
        .every((r) => document.getElementById('terms').contains(r.startContainer)));
      assert.equal(inTerms, true, 'every highlight inside the terms, after the filler');
      assert.deepEqual(termlensConsole(page), []);
      note(ctx.name, `${characters} characters in ${view.status.pieces} pieces: ${view.status.count} provisions`);
    } finally {
      await page.close();
    }
  });

  ctx.it('the background\'s cached settings follow a change to the stored ones at once', { timeout: 60_000 }, async () => {
    const { session } = ctx.t;
    const storage = (op, value) => session.inExtension(async ({ op: o, value: v }) => {
      const local = (globalThis.browser ?? globalThis.chrome).storage.local;
      if (o === 'set') await local.set({ settings: v });
      else await local.remove('settings');
    }, { op, value });
    await storage('remove');
    try {
      const before = await lookupPlatforms(session);
      assert.ok(before.length > 0, 'the lookup finds something');
      const off = before[0];
      // Read (and cached) once more with nothing changed: the same answer.
      assert.deepEqual(await lookupPlatforms(session), before);
      await storage('set', { schema: 1, platformsOff: [off], topicsOff: [], highlightStyle: 'default', sitesOff: [] });
      const without = await waitFor(async () => {
        const hits = await lookupPlatforms(session);
        return hits.includes(off) ? null : hits;
      }, `the lookup to leave ${off} out`, { timeout: 10_000, interval: 100 });
      assert.ok(!without.includes(off));
      await storage('remove');
      await waitFor(async () => (await lookupPlatforms(session)).includes(off), `${off} back in the lookup`, { timeout: 10_000, interval: 100 });
    } finally {
      await storage('remove');
    }
  });
}, { routes });
