// The side panel (Chromium's side_panel, Firefox's sidebar_action: one page,
// extension/sidepanel/sidepanel.html), opened as an extension page for a tab with a
// corpus page annotated: it lists the page's findings as the popup does (the same
// provisions, in the same order, with the same titles), selecting one shows its card in
// the panel and scrolls the page to it without opening the in-page card, a detection
// shows its category's card, its Changes section lists what changed in the page (each
// entry scrolls to it), and axe finds no violation. The in-page card offers "Open in
// side panel".

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { inBrowsers, DATA, CORPUS, PAGES, ROOT, waitFor, readHighlights, note } from './harness.js';
import { KnowledgeBase, containsWordsInOrder } from './kb.js';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const kb = new KnowledgeBase(DATA, CORPUS);
const PAGE = '/legal/commercial-terms';
const FICTIONAL = '/legal/terms-of-service';
const MESSAGES = JSON.parse(fs.readFileSync(path.join(ROOT, '_locales/en/messages.json'), 'utf8'));

// Anthropic's recorded page at its own address, one word of one paragraph edited: a first
// visit differs from the version termlens knows.
const KNOWN_URL = 'http://www.anthropic.com/legal/commercial-terms';
const EDIT = 'termlenseditedword';

/** The recorded page with the third word of a six-word run, found once, replaced. */
function editedPage() {
  const html = fs.readFileSync(path.join(PAGES, 'anthropic-commercial-terms/2026-08-20.html'), 'utf8');
  const { paragraphs } = JSON.parse(fs.readFileSync(path.join(ROOT, 'data/fingerprints/anthropic--commercial-terms.json'), 'utf8'));
  const whole = paragraphs.join('\n');
  for (const p of paragraphs.slice(Math.floor(paragraphs.length / 2))) {
    const words = p.split(' ');
    for (let i = 0; words.length >= 20 && i + 6 <= words.length; i += 1) {
      const run = words.slice(i, i + 6);
      const phrase = run.join(' ');
      if (!run.every((w) => /^[A-Za-z]{3,}$/.test(w)) || whole.split(phrase).length !== 2 || !html.includes(phrase)) continue;
      run[2] = EDIT;
      return html.replaceAll(phrase, run.join(' '));
    }
  }
  throw new Error('no paragraph to edit');
}
const vendorPages = { [KNOWN_URL]: { html: editedPage } };

/** What a list of findings shows: each entry's key and title. */
const listed = (extensionPage) => extensionPage.evaluate(() => [...document.querySelectorAll('#provisions .provision-link')]
  .map((b) => ({ provision: /** @type {HTMLElement} */ (b).dataset.provision, title: b.querySelector('.title')?.textContent ?? '' })));

/** Opens an extension page for a tab and waits until it shows the tab's findings. */
async function openFor(session, rel) {
  const page = await session.extensionPage(rel);
  await waitFor(() => page.evaluate(() => {
    const s = document.getElementById('summary')?.textContent ?? '';
    return s !== '' && !s.includes('Looking');
  }), rel);
  return page;
}

/** axe's violations on a page, one line each. */
async function violations(page) {
  await page.evaluate(`${AXE};\n0`);
  return page.evaluate(async () => {
    const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** Clicks the entry of `key` in the panel and waits for its card. */
async function select(panel, key) {
  await panel.evaluate((k) => /** @type {HTMLElement} */ (document.querySelector(`#provisions button[data-provision="${k}"]`)).click(), key);
  return waitFor(() => panel.evaluate((k) => {
    const body = document.getElementById('card-body');
    return body && body.dataset.key === k && body.dataset.state === 'done'
      ? { title: document.getElementById('card-title')?.textContent ?? '', text: body.innerText } : null;
  }, key), `the card of ${key} in the panel`);
}

/**
 * Opens `url` in a tab, waits until termlens has settled on it, opens the side panel for
 * that tab, runs `body`, then closes both.
 * @template T
 * @param {any} session
 * @param {string} url
 * @param {(s: { page: any, panel: any, tabId: number, status: any }) => Promise<T>} body
 * @param {number} [settleMs]
 * @returns {Promise<T>}
 */
async function withPanel(session, url, body, settleMs) {
  const page = await session.open(url);
  try {
    const tabId = await session.tabId(page.url);
    const { status } = await session.settled(tabId, settleMs);
    const panel = await openFor(session, `extension/sidepanel/sidepanel.html?tab=${tabId}`);
    try {
      return await body({ page, panel, tabId, status });
    } finally {
      await panel.close();
    }
  } finally {
    await page.close();
  }
}

inBrowsers('side panel', (ctx) => {
  ctx.it('lists the page\'s provisions as the popup does; selecting one shows its card and scrolls the page to it', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    await withPanel(session, server.url(PAGE), async ({ page, panel, tabId, status }) => {
      assert.ok(status.provisions.length >= 3, `the page has provisions: ${status.provisions.length}`);
      const popup = await openFor(session, `extension/popup/popup.html?tab=${tabId}`);
      const inPopup = await listed(popup);
      await popup.close();
      const inPanel = await listed(panel);
      assert.deepEqual(inPanel.map((l) => l.provision), status.provisions.map((p) => p.provision), 'the page\'s provisions, in page order');
      assert.deepEqual(inPanel, inPopup, 'the same entries as the popup');
      assert.ok(inPanel.every((l) => l.title.length > 0), 'each entry has its title');
      const exposures = await panel.evaluate(() => document.querySelectorAll('#provisions .exposure-badge').length);
      assert.equal(exposures, status.provisions.filter((p) => ['high', 'medium', 'low'].includes(p.exposure)).length, 'exposure badges');

      // The last one, far down the page.
      const target = status.provisions.at(-1).provision;
      const card = await select(panel, target);
      assert.equal(card.title, kb.provision(target).title);
      assert.ok(containsWordsInOrder(card.text, kb.provision(target).explanation), 'the panel shows the explanation');
      const current = await panel.evaluate(() => document.querySelector('#provisions [aria-current="true"]')?.getAttribute('data-provision'));
      assert.equal(current, target, 'the entry is marked selected');
      await waitFor(async () => {
        const active = (await readHighlights(page))['termlens-active'] ?? [];
        return active.length === 1 && containsWordsInOrder(active[0], kb.provision(target).wording[0].text);
      }, `${target} marked active in the page`);
      const inView = await page.evaluate(() => {
        const r = /** @type {Range} */ ([...CSS.highlights.get('termlens-active')][0]).getBoundingClientRect();
        return r.bottom > 0 && r.top < innerHeight;
      });
      assert.ok(inView, `${target} is scrolled into view`);
      assert.notEqual((await session.status(tabId)).status?.card?.open, true, 'no in-page card over the text');
      note(ctx.name, `side panel: ${inPanel.length} provisions listed, card of ${target} shown`);
    });
  });

  ctx.it('a card shows three comparisons, each clause behind its own control, and expands to all', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    await withPanel(session, server.url(PAGE), async ({ panel, status }) => {
      // The provision on the page compared with the most platforms.
      const platformsOf = (/** @type {string} */ id) => new Set(kb.comparisons(id).map((o) => kb.platformOf(o).id)).size;
      const target = status.provisions.map((p) => p.provision).sort((a, b) => platformsOf(b) - platformsOf(a))[0];
      const others = kb.comparisons(target);
      assert.ok(platformsOf(target) > 3, `${target} is compared with more than three platforms`);
      await select(panel, target);
      const read = () => panel.evaluate(() => {
        const body = /** @type {HTMLElement} */ (document.getElementById('card-body'));
        const first = /** @type {HTMLElement} */ (body.querySelector(':scope > ul.comparisons'));
        const more = /** @type {HTMLDetailsElement | null} */ (body.querySelector(':scope > details'));
        const items = (/** @type {Element | null} */ list) => [...(list?.querySelectorAll(':scope > li') ?? [])].map((li) => ({
          who: li.querySelector('.who')?.textContent ?? '',
          quoteOpen: /** @type {HTMLDetailsElement | null} */ (li.querySelector('details.quote'))?.open ?? null,
          quoteShown: li.querySelector('blockquote')?.checkVisibility() ?? false,
        }));
        return { first: items(first), more: items(more?.querySelector('ul.comparisons') ?? null), moreOpen: more?.open ?? null };
      });
      const before = await read();
      assert.equal(before.first.length, 3, 'three comparisons first');
      assert.equal(new Set(before.first.map((c) => c.who)).size, 3, 'from three platforms');
      assert.ok(before.first.every((c) => c.quoteOpen === false && c.quoteShown === false), `each clause closed behind its control: ${JSON.stringify(before.first)}`);
      assert.equal(before.moreOpen, false, 'the rest behind a control');
      // Open the first clause and the rest, as a reader would.
      await panel.evaluate(() => {
        const body = /** @type {HTMLElement} */ (document.getElementById('card-body'));
        /** @type {HTMLElement} */ (body.querySelector(':scope > ul.comparisons details.quote > summary')).click();
        /** @type {HTMLElement} */ (body.querySelector(':scope > details > summary')).click();
      });
      const after = await read();
      assert.ok(after.first[0].quoteOpen && after.first[0].quoteShown, 'the first clause opens');
      assert.equal(after.moreOpen, true, 'the rest opens');
      // The rest are named, the closest first; when there are more than the card lists,
      // a line says how many of how many.
      const rest = others.length - after.first.length;
      const bodyText = await panel.evaluate(() => /** @type {HTMLElement} */ (document.getElementById('card-body')).innerText);
      assert.ok(containsWordsInOrder(bodyText, `${rest} more on the same topics`), 'the count of the rest');
      assert.ok(after.more.length > 0 && after.more.length <= rest, `${after.more.length} of ${rest} named`);
      if (after.more.length < rest) assert.ok(containsWordsInOrder(bodyText, `The ${after.more.length} closest are listed here, of ${rest}`), 'how many are listed');
      const platforms = new Set(others.map((o) => kb.platformOf(o).name));
      for (const c of [...after.first, ...after.more]) assert.ok(platforms.has(c.who), `${c.who} is one of the compared platforms`);
      // A named comparison's clause is read when the reader opens it, and set as text.
      const opened = await panel.evaluate(() => {
        const li = /** @type {HTMLElement} */ (document.querySelector('#card-body > details ul.comparisons > li'));
        /** @type {HTMLElement} */ (li.querySelector('details.quote > summary')).click();
        return li.querySelector('.who')?.textContent ?? '';
      });
      const clause = await waitFor(() => panel.evaluate(() => {
        const quote = document.querySelector('#card-body > details ul.comparisons > li blockquote');
        const text = quote?.textContent ?? '';
        return quote?.checkVisibility() && text && !text.startsWith('Reading') ? text : null;
      }), 'the clause of the first of the rest');
      const match = others.find((o) => kb.platformOf(o).name === opened && containsWordsInOrder(clause, o.wording[0].text));
      assert.ok(match, `the opened clause is ${opened}'s, verbatim: "${clause.slice(0, 80)}"`);
      note(ctx.name, `card of ${target}: 3 shown, ${after.more.length} of ${rest} more named; ${match.id} read on demand`);
    });
  });

  ctx.it('has no axe violations with a card shown, light and dark', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    await withPanel(session, server.url(PAGE), async ({ panel, status }) => {
      const shown = await panel.evaluate(() => document.querySelectorAll('#provisions .provision-link').length);
      assert.equal(shown, status.provisions.length, 'the findings are listed before axe runs');
      await select(panel, status.provisions[0].provision);
      assert.deepEqual(await violations(panel), [], 'light');
      // How light an exposure badge's background is (0 black, 1 white).
      const badgeLightness = () => panel.evaluate(() => {
        const badge = document.querySelector('#provisions .exposure-badge');
        const [r, g, b] = (badge ? getComputedStyle(badge).backgroundColor.match(/\d+/g) ?? [] : []).map(Number);
        return badge ? (r + g + b) / 765 : null;
      });
      assert.ok((await badgeLightness() ?? 0) > 0.7, 'a light badge on the light page');
      if (panel.colorScheme) {
        await panel.colorScheme('dark');
        assert.equal(await panel.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
        assert.deepEqual(await violations(panel), [], 'dark');
        assert.ok((await badgeLightness() ?? 1) < 0.3, 'a dark badge on the dark page');
      }
    });
  });

  ctx.it('groups a page\'s detections by category; selecting one shows its category\'s card', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    await session.inExtension(() => (globalThis.browser ?? globalThis.chrome).storage.local.remove('settings'));
    await withPanel(session, server.url(FICTIONAL), async ({ panel, status }) => {
      assert.ok(status.detections.length > 0, 'the page has detections');
      const keys = await waitFor(async () => {
        const k = await panel.evaluate(() => [...document.querySelectorAll('#provisions .detected-link')].map((b) => /** @type {HTMLElement} */ (b).dataset.provision));
        return k.length ? k : null;
      }, 'the detections listed');
      assert.deepEqual([...keys].sort(), status.detections.map((d) => d.key).sort(), 'every detection, once');
      const groups = await panel.evaluate(() => [...document.querySelectorAll('#provisions .detected-group')].map((g) => /** @type {HTMLElement} */ (g).dataset.topic));
      assert.deepEqual(groups, [...new Set(status.detections.map((d) => d.topic))], 'one group per category, in page order');
      const law = status.detections.find((d) => d.topic === 'governing-law') ?? status.detections[0];
      const card = await select(panel, law.key);
      const topic = kb.topics.find((x) => x.id === law.topic);
      assert.equal(card.title, topic.name);
      assert.ok(containsWordsInOrder(card.text, topic.description), 'what this kind of clause usually does');
      assert.ok(containsWordsInOrder(card.text, topic.check), 'what to check');
    });
  });

  ctx.it('follows the tab: another page annotated in it is listed without reopening the panel', { timeout: 90_000 }, async () => {
    const { session, server } = ctx.t;
    await withPanel(session, server.url(PAGE), async ({ page, panel, tabId, status }) => {
      assert.equal((await listed(panel)).length, status.provisions.length);
      await page.evaluate((url) => { setTimeout(() => { location.href = url; }, 0); }, server.url(FICTIONAL));
      const after = await waitFor(async () => {
        const s = (await session.status(tabId)).status;
        return s?.url?.endsWith(FICTIONAL) && s.phase === 'done' ? s : null;
      }, 'the new page annotated', { timeout: 30_000 });
      assert.ok(after.detections.length > 0);
      const keys = await waitFor(async () => {
        const k = await panel.evaluate(() => ({
          provisions: document.querySelectorAll('#provisions .provision-link').length,
          detected: [...document.querySelectorAll('#provisions .detected-link')].map((b) => /** @type {HTMLElement} */ (b).dataset.provision),
        }));
        return k.provisions === 0 && k.detected.length ? k.detected : null;
      }, 'the panel showing the new page');
      assert.deepEqual([...keys].sort(), after.detections.map((d) => d.key).sort());
    });
  });

  ctx.it('lists what changed in the page; an entry scrolls the page to it, and no panel opens over the page', { timeout: 120_000 }, async () => {
    const { session } = ctx.t;
    await session.inExtension(async () => {
      const api = globalThis.browser ?? globalThis.chrome;
      const all = await api.storage.local.get(null);
      await api.storage.local.remove(Object.keys(all).filter((k) => k.startsWith('termlensSnapshot')));
    });
    await withPanel(session, KNOWN_URL, async ({ panel, tabId, status }) => {
      assert.equal(status.changes?.source, 'known', status.errors.join('; '));
      const entries = await waitFor(async () => {
        const e = await panel.evaluate(() => (document.getElementById('changes')?.hidden ? []
          : [...document.querySelectorAll('#changes-list > li')].map((li) => /** @type {HTMLElement} */ (li).innerText)));
        return e.length ? e : null;
      }, 'the Changes section');
      assert.equal(entries.length, status.changes.listed, 'every change the page\'s panel lists');
      const line = await panel.evaluate(() => document.getElementById('changes-text')?.textContent ?? '');
      assert.match(line, /differs from the version termlens knows/);
      const index = entries.findIndex((e) => e.includes(EDIT));
      assert.ok(index >= 0, `the edited clause is listed: ${JSON.stringify(entries.slice(0, 3))}`);
      await panel.evaluate((i) => /** @type {HTMLElement} */ (document.querySelectorAll('#changes-list > li')[i].querySelector('button')).click(), index);
      const shown = await waitFor(async () => {
        const s = (await session.status(tabId)).status;
        return s?.changesShown?.index === index ? s.changesShown : null;
      }, 'the page scrolled to the change').catch(async (error) => {
        const problems = await panel.evaluate(() => document.getElementById('problems')?.textContent ?? '');
        throw new Error(`${error.message}; the panel says: ${problems}`);
      });
      assert.ok(shown.text.includes(EDIT), `the passage marked: ${shown.text}`);
      assert.equal((await session.status(tabId)).status.changesPanel ?? null, null, 'no panel over the page');
    }, 90_000);
  });

  ctx.it('the in-page card\'s "Open in side panel" opens the panel on that finding (Chromium) or says where the selection waits (Firefox)', { timeout: 60_000 }, async () => {
    const { session, server } = ctx.t;
    const page = await session.open(server.url(PAGE));
    try {
      const tabId = await session.tabId(page.url);
      const { status } = await session.settled(tabId);
      const target = status.provisions[1].provision;
      const shown = await session.inExtension(async ({ id, provision }) => {
        const reply = await (globalThis.browser ?? globalThis.chrome).runtime.sendMessage({ type: 'popup-bg-show', tabId: id, provision });
        return reply?.value;
      }, { id: tabId, provision: target });
      assert.equal(shown?.moved, true);
      const card = await waitFor(async () => {
        const c = (await session.status(tabId)).status?.card;
        return c?.open && c.focused && c.provision === target ? c : null;
      }, 'the in-page card, focused');
      assert.ok(card.text.includes(MESSAGES.cardOpenPanel.message), `the card's head: ${card.text.slice(0, 200)}`);
      // The reader's keys: the close button, then "Open in side panel".
      await page.press('Tab');
      await page.press('Tab');
      await page.press('Enter');
      const selected = await waitFor(() => session.inExtension(async () => {
        const value = (await (globalThis.browser ?? globalThis.chrome).storage.session.get('panel:selected'))['panel:selected'];
        return value ?? null;
      }), 'the selection kept for the panel');
      assert.deepEqual(selected, { tabId, provision: target });
      if (ctx.name === 'chromium') {
        // Chromium opens its side panel from the card's button.
        await waitFor(() => session.inExtension(async () => (await /** @type {any} */ (globalThis).chrome.runtime.getContexts({ contextTypes: ['SIDE_PANEL'] })).length > 0 || null),
          'the side panel open');
      } else {
        // Firefox opens its sidebar only from its own controls: the card says so.
        const refused = MESSAGES.cardPanelRefused.message;
        await waitFor(async () => ((await session.status(tabId)).status?.card?.text ?? '').includes(refused) || null,
          'the card saying where the selection waits');
      }
      // The panel, opened for that tab, shows the finding's card.
      const panel = await openFor(session, `extension/sidepanel/sidepanel.html?tab=${tabId}`);
      try {
        const inPanel = await waitFor(() => panel.evaluate(() => {
          const body = document.getElementById('card-body');
          return body?.dataset.state === 'done' ? body.dataset.key : null;
        }), 'the selected card in the panel');
        assert.equal(inPanel, target);
      } finally {
        await panel.close();
      }
    } finally {
      await page.close();
    }
  });
}, { vendorPages });
