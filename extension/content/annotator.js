// termlens annotator: extracts the page's text, has the engine find the known
// provisions in it, draws them as highlights and opens their cards.
//
// Imported by gate.js only on pages that look like terms (or on demand). The engine
// itself (Rust compiled to Wasm) runs in the background: a page's Content Security
// Policy applies to content scripts in Chromium and usually forbids compiling Wasm,
// while extension pages allow it ('wasm-unsafe-eval' in the manifest). The page's text
// goes to the background in one message and the annotations come back.
//
// One page's state lives in the closure of createAnnotator(); the pointer and keyboard
// listeners are in input.js.

import { MSG, api, send, backgroundWentAway } from '../shared/runtime.js';
import { extractTextInSlices, rangeOf, offsetOf } from './extract.js';
import * as highlights from './highlights.js';
import { createCard, setComparisonSource } from '../overlay/card.js';
import { createChangesPanel, createChangesBadge } from '../overlay/changes-panel.js';
import { loadSettings, normalise, SETTINGS_KEY } from '../shared/settings.js';
import { listenToPointerAndKeys } from './input.js';

/** @typedef {import('../overlay/card.js').Annotation} Annotation */
/** @typedef {import('../overlay/card.js').Card} Card */
/** @typedef {import('../overlay/card.js').CardApi} CardApi */
/** @typedef {import('./extract.js').PageText} PageText */
/** @typedef {{ annotation: Annotation, range: Range, changes: Range[], status: string }} Item */
/** @typedef {import('../background/tab-status.js').DetectionSummary} Detection   a detection as the background answers it */
/** @typedef {import('../../pkg/termlens.js').DetectionCard} DetectionCard */
/** @typedef {{ detection: Detection, range: Range, key: string }} DetectedItem */
/** @typedef {ReturnType<typeof import('./test-hooks.js').createTestHooks>} TestHooks */

// A card's further comparisons are read from the background when the reader opens one.
setComparisonSource((topics, provision) => send(MSG.CS_BG_COMPARISON, { topics, provision }));

/**
 * One page's annotator state.
 * @typedef {object} State
 * @property {Document} doc
 * @property {(stage: string, error: unknown) => void} report
 * @property {Item[]} items   annotations drawn, in document order
 * @property {DetectedItem[]} detections   detections drawn, in document order (after the
 *   items in the indexes input.js uses: index items.length + i is detection i)
 * @property {PageText | null} page
 * @property {string} lastText   the text last annotated: a run whose text is the same draws nothing new
 * @property {number} transfers   numbers each transfer of the page's text to the background
 * @property {number} activeIndex
 * @property {TestHooks | null} testHooks   loaded only when the test-hooks flag is set
 * @property {'default' | 'high-contrast'} highlightStyle   the highlight style (options page), read at start
 * @property {'hover' | 'click'} cardOpening   what opens a card besides the keyboard (options page):
 *   'hover' lets a settled pointer open it too, 'click' leaves it to click and keyboard;
 *   read at start and kept current when the settings change
 * @property {CardApi | null} card
 * @property {Map<string, Promise<Card | null>>} cards
 * @property {Promise<number> | null} running   the run in progress; runs never overlap
 * @property {boolean} rerun
 * @property {boolean} rerunForced
 * @property {boolean} changesAsked   whether this visit's changes were asked for (once per page load)
 * @property {boolean} settled   whether the page's text has settled (see settle): the changes wait for it
 * @property {Promise<void> | null} settling   the wait for the text to settle, once started
 * @property {object | null} annotated   the last run's CS_BG_ANNOTATED payload, held until the changes are asked
 * @property {{ kind: string, range: Range | null, words: Range[] }[]} pageChanges
 *   the passages changed since the last visit (or the known version), in page order; a
 *   deleted one's range marks where it stood
 * @property {ReturnType<typeof createChangesPanel> | null} panel
 * @property {ReturnType<typeof createChangesBadge> | null} badge   says the page changed; opens the panel
 * @property {import('../overlay/changes-panel.js').PanelData | null} changesData   what the panel lists
 * @property {{ step: number, at: number }} lastKey   the last Alt+Shift+N/P the page saw
 * @property {boolean} listening
 */

/** Texts longer than this (UTF-16 units) are not annotated: ~10 times the longest terms page. */
const MAX_TEXT = 5_000_000;
/** The first extraction slice's budget (ms): half the 50 ms a long task starts at. */
const FIRST_SLICE_MS = 25;
/** A browser command arriving this soon after the same in-page key press is the same press. */
const DUPLICATE_KEY_MS = 300;
/** Longest piece of text in one message (UTF-16 units); see sendInPieces. */
const PIECE = 1 << 19;
/**
 * The page's text has settled once no mutation has changed it for this long (ms): a page
 * rendered by its scripts adds its text in steps, each within a few hundred ms of the last
 * (a fetch, then a render); a second of quiet is past them without keeping the reader waiting.
 */
const SETTLE_QUIET_MS = 1_000;
/**
 * The longest wait for the text to settle (ms): a page that never stops changing (a clock,
 * a live feed, a churning script) is compared and snapshotted as it is then.
 */
const SETTLE_MAX_MS = 10_000;

/**
 * An annotator for one document.
 * @param {Document} doc
 */
export function createAnnotator(doc) {
  /** @type {State} */
  const state = {
    doc, report: () => {}, items: [], detections: [], page: null, lastText: '', transfers: 0, activeIndex: -1,
    testHooks: null, highlightStyle: 'default', cardOpening: 'hover', card: null, cards: new Map(), running: null,
    rerun: false, rerunForced: false, changesAsked: false, settled: false, settling: null, annotated: null,
    pageChanges: [], panel: null, badge: null, changesData: null, lastKey: { step: 0, at: 0 }, listening: false,
  };
  return {
    /**
     * First run on this page.
     * @param {{ reason: string, report: (stage: string, error: unknown) => void, pageId: string }} options
     * @returns {Promise<number>} number of provisions drawn
     */
    start: (options) => begin(state, options),
    /**
     * Annotates again if the page's text changed (or always, with `force`).
     * @param {boolean} [force]
     */
    refresh: (force = false) => refreshText(state, force),
    /**
     * Moves to the next (+1) or previous (-1) provision.
     * @param {1 | -1} step
     * @param {'key' | 'command'} [via]
     */
    navigate: (step, via = 'command') => moveBy(state, step, via),
    /**
     * Scrolls to one provision and marks it; opens its card unless `card` is false.
     * @param {string} provision
     * @param {boolean} [card]
     */
    show: (provision, card = true) => showProvision(state, provision, card),
    /** Number of provisions drawn on the page. */
    count: () => state.items.length,
    /** Opens the list of what changed (the popup's Show): `{ opened }`. */
    showChanges: () => ({ opened: openChanges(state) }),
    /**
     * Scrolls to one changed passage (the side panel's list): `{ shown }`.
     * @param {number} index
     */
    scrollToChange: (index) => ({ shown: showChange(state, index) }),
  };
}

/**
 * @param {State} state
 * @param {{ reason: string, report: (stage: string, error: unknown) => void, pageId: string }} options
 */
async function begin(state, options) {
  state.report = options.report;
  if (!highlights.supported()) throw new Error('this browser has no CSS Custom Highlight API');
  const flags = await api.storage.local.get('termlensTestHooks')
    .catch((/** @type {unknown} */ error) => { state.report('test hooks', error); return {}; });
  if (flags?.termlensTestHooks === true) {
    state.testHooks = (await import('./test-hooks.js')).createTestHooks(state.report);
  }
  const settings = await loadSettings(api.storage.local);
  state.highlightStyle = settings.highlightStyle;
  state.cardOpening = settings.cardOpening;
  await send(MSG.CS_BG_ACTIVE, { reason: options.reason, pageId: options.pageId });
  if (!state.listening) {
    state.listening = true;
    api.storage.onChanged.addListener((/** @type {Record<string, { newValue?: unknown }>} */ changes, /** @type {string} */ area) => {
      if (area === 'local' && Object.hasOwn(changes, SETTINGS_KEY)) state.cardOpening = normalise(changes[SETTINGS_KEY].newValue).cardOpening;
    });
    listenToPointerAndKeys(state.doc, {
      count: () => state.items.length,
      itemAt: (x, y) => itemAt(state, x, y),
      provisionAt: (index) => state.items[index]?.annotation.provision ?? state.detections[index - state.items.length]?.key ?? '',
      card: () => state.card,
      hoverOpens: () => state.cardOpening === 'hover',
      open: (index, source) => openCard(state, index, source),
      step: (step) => {
        state.lastKey = { step, at: Date.now() };
        return moveBy(state, step, 'key');
      },
      report: (stage, error) => state.report(stage, error),
    });
  }
  return refreshText(state, true);
}

/**
 * @param {State} state
 * @param {boolean} force
 * @returns {Promise<number>}
 */
function refreshText(state, force) {
  if (state.running) {
    state.rerun = true;
    state.rerunForced ||= force;
    return state.running;
  }
  state.running = (async () => {
    try {
      do {
        state.rerun = false;
        await run(state, force);
        force = state.rerunForced;
        state.rerunForced = false;
      } while (state.rerun);
    } finally {
      state.running = null;
    }
    return state.items.length;
  })();
  return state.running;
}

/**
 * Sends a long text to the background in pieces of at most PIECE units (CS_BG_TEXT),
 * one message per task: a message is copied on the main thread in one go, and the
 * 5 MB page's text in one message was an 85-100 ms task. A shorter text goes whole in
 * the annotate message (null here).
 * @param {State} state
 * @param {string} text
 * @returns {Promise<{ id: string, chunks: number } | null>}
 */
async function sendInPieces(state, text) {
  if (text.length <= PIECE) return null;
  state.transfers += 1;
  const id = `${state.transfers}.${Math.random().toString(36).slice(2)}`;
  let chunks = 0;
  for (let at = 0; at < text.length; chunks += 1) {
    let end = Math.min(at + PIECE, text.length);
    // Never between the two halves of a surrogate pair.
    const code = text.charCodeAt(end);
    if (end < text.length && code >= 0xdc00 && code <= 0xdfff) end += 1;
    // Each reply is awaited: the pieces arrive in order, each in a task of its own.
    // One that is refused (lost, or the background restarted) makes CS_BG_ANNOTATE
    // ask for the whole text: a failed piece is not an error here.
    // eslint-disable-next-line no-restricted-syntax
    const ok = await send(MSG.CS_BG_TEXT, { transfer: id, seq: chunks, text: text.slice(at, end) }).catch(() => false);
    if (ok !== true) return null;
    at = end;
  }
  return { id, chunks };
}

/**
 * The engine's annotations of a text. When the background goes away in the middle (its
 * service worker stopped), the browser starts it again for the next message: the text
 * is sent once more, whole, and a second failure is the run's.
 * @param {State} state
 * @param {string} text
 * @param {boolean} changes whether the background keeps the text for CS_BG_CHANGES
 * @param {import('./extract.js').OutlineBlock[]} [outline] the page's outline, with `changes`:
 *   what the core reads to compare only the page's main content
 * @returns {Promise<{ annotations: Annotation[], detections: Detection[] }>}
 */
async function annotate(state, text, changes, outline) {
  try {
    return await annotateOnce(state, text, changes, outline);
  } catch (error) {
    if (!backgroundWentAway(error)) throw error;
    return annotateOnce(state, text, changes, outline);
  }
}

/**
 * One request for the engine's annotations of a text (in pieces when long).
 * @param {State} state
 * @param {string} text
 * @param {boolean} changes
 * @param {import('./extract.js').OutlineBlock[]} [outline]
 * @returns {Promise<{ annotations: Annotation[], detections: Detection[] }>}
 */
async function annotateOnce(state, text, changes, outline) {
  const url = location.href;
  const transfer = await sendInPieces(state, text);
  /** @type {{ annotations: Annotation[], detections?: Detection[], document: object | null, resend?: boolean }} */
  let result = await send(MSG.CS_BG_ANNOTATE, transfer
    ? { transfer: transfer.id, chunks: transfer.chunks, url, changes, outline }
    : { text, url, changes, outline });
  if (result?.resend) result = await send(MSG.CS_BG_ANNOTATE, { text, url, changes, outline });
  return {
    annotations: Array.isArray(result?.annotations) ? result.annotations : [],
    detections: Array.isArray(result?.detections) ? result.detections : [],
  };
}

/**
 * The annotations as ranges of the page, in document order.
 * @param {PageText} extracted
 * @param {Annotation[]} found
 * @returns {Item[]}
 */
function itemsOf(extracted, found) {
  /** @type {Item[]} */
  const next = [];
  for (const annotation of found) {
    const range = rangeOf(extracted, annotation.start, annotation.end);
    if (!range) continue;
    const changes = (annotation.changes ?? [])
      .map((c) => rangeOf(extracted, c.start, c.end))
      .filter((r) => r !== null);
    next.push({ annotation, range, changes, status: annotation.status });
  }
  return next.sort((a, b) => a.annotation.start - b.annotation.start || b.annotation.end - a.annotation.end);
}

/**
 * One run: extract, annotate, draw; on the first run of a page load, the changes too.
 * @param {State} state
 * @param {boolean} force
 */
async function run(state, force) {
  const root = state.doc.body;
  if (!root) return;
  const t0 = performance.now();
  // In slices with a yield between them: on a 1 MB page or 100,000 text nodes the walk
  // would otherwise be one long task. The first slice may take 25 ms, so a page of
  // ordinary size is read in one task; then ~8 ms each. t1 - t0 is wall time.
  const extracted = await extractTextInSlices(root, overlays(state), { firstBudgetMs: FIRST_SLICE_MS, outline: !state.changesAsked });
  const t1 = performance.now();
  // Comparing with the last text costs less than hashing it (a flat string compare).
  const fresh = force || extracted.text !== state.lastText;
  if (fresh) await draw(state, extracted, t0, t1);
  await finish(state, fresh);
}

/**
 * Whether an element is one of termlens's own overlay hosts (not the page's text).
 * @param {State} state
 */
function overlays(state) {
  return (/** @type {Element} */ element) => element === state.card?.host || element === state.panel?.host
    || element === state.badge?.host;
}

/**
 * Annotates a text and draws its highlights; the run's report to the background waits in
 * `state.annotated` (see finish).
 * @param {State} state
 * @param {PageText} extracted
 * @param {number} t0 when the run started
 * @param {number} t1 when the text was extracted
 */
async function draw(state, extracted, t0, t1) {
  state.lastText = extracted.text;
  if (extracted.text.length > MAX_TEXT) {
    throw new Error(`the page's text is too long to annotate (${extracted.text.length} characters)`);
  }
  // Until the changes are asked, each annotation keeps its text (and the page's outline,
  // whose main content is what is compared) in the background for them.
  const askChanges = !state.changesAsked;
  const answer = await annotate(state, extracted.text, askChanges, askChanges ? extracted.outline : undefined);
  const found = answer.annotations;
  const t2 = performance.now();
  state.page = extracted;
  state.items = itemsOf(extracted, found);
  highlights.draw(state.items, state.highlightStyle);
  drawDetections(state, extracted, answer.detections);
  const shown = state.card?.provision();
  if (shown && !state.items.some((i) => i.annotation.provision === shown)
    && !state.detections.some((d) => d.key === shown)) state.card?.close('gone');
  state.activeIndex = Math.min(state.activeIndex, state.items.length - 1);
  const t3 = performance.now();
  // Where the time went, for the popup and the benchmark (milliseconds).
  const timings = {
    extract: t1 - t0, engine: t2 - t1, highlight: t3 - t2, total: t3 - t0, characters: extracted.text.length,
  };
  state.annotated = { count: state.items.length, found: found.length, timings };
}

// ---- Detections: clause categories of passages termlens does not know ----------------

/**
 * Draws the detections (replacing earlier ones) in their own, quieter highlight.
 * @param {State} state
 * @param {PageText} extracted
 * @param {Detection[]} detections
 */
function drawDetections(state, extracted, detections) {
  /** @type {DetectedItem[]} */
  const next = [];
  for (const detection of detections) {
    const range = rangeOf(extracted, detection.start, detection.end);
    if (range) next.push({ detection, range, key: detection.key });
  }
  state.detections = next.sort((a, b) => a.detection.start - b.detection.start);
  highlights.drawDetections(state.detections.map((d) => d.range));
}

/**
 * The detection under a text offset and a point, or -1 (the shortest where two hold it).
 * @param {State} state
 * @param {number} at
 * @param {number} x
 * @param {number} y
 */
function detectionAt(state, at, x, y) {
  for (let i = 0; i < state.detections.length; i += 1) {
    const d = state.detections[i].detection;
    if (d.start > at + 1) break;
    if (at > d.end) continue;
    for (const r of state.detections[i].range.getClientRects()) {
      if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) return i;
    }
  }
  return -1;
}

/**
 * The end of a run. What changed is asked once per page load, once the provisions are
 * drawn (the diff never delays them) and the page's text has settled (settle): a page
 * whose scripts add the terms after load is compared, and snapshotted, whole. Until then
 * the runs' reports wait, so the tab's phase 'done' comes with the changes.
 * @param {State} state
 * @param {boolean} fresh whether this run annotated a new text
 */
async function finish(state, fresh) {
  if (!state.changesAsked) {
    if (!state.settled) {
      state.settling ??= settle(state).catch((error) => state.report('changes', error));
      return;
    }
    state.changesAsked = true;
    const page = state.page;
    const changes = await send(MSG.CS_BG_CHANGES, {});
    if (changes && Array.isArray(changes.changes) && page && state.page === page) showChanges(state, page, changes);
  } else if (!fresh) {
    return;
  }
  const report = state.annotated;
  state.annotated = null;
  if (report) await send(MSG.CS_BG_ANNOTATED, report);
}

/**
 * Waits for the page's text to settle, then runs again (which asks what changed).
 * @param {State} state
 */
async function settle(state) {
  try {
    await settledText(state);
  } catch (error) {
    state.report('settle', error);
  }
  state.settled = true;
  await refreshText(state, false);
}

/**
 * Resolves once no mutation has changed the page's text for SETTLE_QUIET_MS, or after
 * SETTLE_MAX_MS. The text is read again only after mutations, so a still page costs one
 * quiet period and no extraction.
 * @param {State} state
 */
async function settledText(state) {
  const root = state.doc.body;
  if (!root) return;
  let mutated = false;
  const observer = new MutationObserver(() => { mutated = true; });
  observer.observe(state.doc.documentElement, { childList: true, subtree: true, characterData: true });
  const deadline = performance.now() + SETTLE_MAX_MS;
  let last = state.lastText;
  try {
    for (let left = SETTLE_MAX_MS; left > 0; left = deadline - performance.now()) {
      await new Promise((resolve) => { setTimeout(resolve, Math.min(SETTLE_QUIET_MS, left)); });
      if (!mutated) return;
      mutated = false;
      const { text } = await extractTextInSlices(root, overlays(state), {});
      if (text === last) return;
      last = text;
    }
  } finally {
    observer.disconnect();
  }
}

/**
 * Highlights the passages changed since the last visit (or the known version) and shows
 * the badge that offers their list (the panel opens when the reader asks: openChanges).
 * @param {State} state
 * @param {PageText} extracted
 * @param {import('../overlay/changes-panel.js').PanelData} data
 */
function showChanges(state, extracted, data) {
  const last = Math.max(0, extracted.text.length - 1);
  state.pageChanges = data.changes.map((c) => {
    /** @type {Range | null} */
    let range = null;
    if (c.kind === 'deleted') {
      const at = Math.min(Number(c.anchor) || 0, last);
      range = rangeOf(extracted, at, at + 1);
    } else if (c.start !== undefined && c.end !== undefined && Number.isInteger(c.start) && Number.isInteger(c.end)) {
      range = rangeOf(extracted, c.start, c.end);
    }
    const words = (Array.isArray(c.highlights) ? c.highlights : [])
      .map((h) => rangeOf(extracted, h.start, h.end))
      .filter((r) => r !== null);
    return { kind: String(c.kind), range, words };
  });
  highlights.drawPageChanges(
    state.pageChanges.filter((p) => p.kind !== 'deleted' && p.range).map((p) => /** @type {Range} */ (p.range)),
    state.pageChanges.flatMap((p) => p.words),
  );
  state.changesData = data;
  state.badge ??= createChangesBadge(state.doc, {
    onOpen: () => { openChanges(state, true); },
    onChange: (shown) => state.testHooks?.badge(shown),
  });
  state.badge.set(data);
  state.badge.show(true);
}

/**
 * Opens the list of what changed in place of the badge (the badge comes back when it is
 * closed). False when nothing changed.
 * @param {State} state
 * @param {boolean} [focus] move the focus into the panel (opened from the badge)
 */
function openChanges(state, focus = false) {
  const data = state.changesData;
  if (!data) return false;
  state.panel ??= createChangesPanel(state.doc, {
    onShow: (index) => showChange(state, index),
    onChange: (shown) => state.testHooks?.panel(shown),
    onClose: (focused) => state.badge?.show(true, { focus: focused }),
  });
  state.badge?.show(false);
  state.panel.open(data, { focus });
  return true;
}

/**
 * Scrolls to one changed passage (or where a deleted one stood) and marks it.
 * @param {State} state
 * @param {number} index
 * @returns {boolean} whether the passage is on the page
 */
function showChange(state, index) {
  const change = state.pageChanges[index];
  if (!change?.range) return false;
  const node = change.range.startContainer;
  const element = node.nodeType === Node.ELEMENT_NODE ? /** @type {Element} */ (node) : node.parentElement;
  element?.scrollIntoView({ block: 'center', inline: 'nearest' });
  highlights.setPageChangeActive(change.range);
  state.testHooks?.shown({ index, kind: change.kind, text: change.range.toString().slice(0, 200) });
  return true;
}

/**
 * A card's data, asked for once per page and key (`ask`); a failure is reported under
 * `stage`, and the next opening asks again.
 * @param {State} state
 * @param {string} key
 * @param {string} stage
 * @param {() => Promise<any>} ask
 * @returns {Promise<any>}
 */
function cached(state, key, stage, ask) {
  let pending = state.cards.get(key);
  if (!pending) {
    pending = ask().catch((error) => {
      state.cards.delete(key);
      state.report(stage, error);
      return null;
    });
    state.cards.set(key, pending);
  }
  return pending;
}

/**
 * The card, created on first use.
 * @param {State} state
 * @returns {CardApi}
 */
function ensureCard(state) {
  state.card ??= createCard(state.doc, {
    onClose: () => highlights.setActive(null),
    onOpenPanel: (key) => send(MSG.CS_BG_OPEN_PANEL, { provision: key }),
    onChange: (shown) => state.testHooks?.card(shown),
  });
  return state.card;
}

/**
 * Where to place an item's card: around the whole provision when it is short enough
 * to leave room for the card, else around its first line.
 * @param {Item} item
 */
function anchorOf(item) {
  return () => {
    const whole = item.range.getBoundingClientRect();
    if (whole.height <= innerHeight * 0.3) return whole;
    const rects = item.range.getClientRects();
    return rects.length ? rects[0] : whole;
  };
}

/** @typedef {{ source: 'hover' | 'click' | 'keyboard', focus: boolean }} OpenOptions */

/**
 * What opening the card of entry `index` needs (the provisions, then the detections):
 * its key, its range, whether it is still drawn, its card data and how the card shows it.
 * @param {State} state
 * @param {number} index
 */
function openable(state, index) {
  const item = state.items[index];
  if (item) {
    return {
      key: item.annotation.provision,
      range: item.range,
      current: () => state.items[index] === item,
      data: () => cached(state, item.annotation.provision, 'card', () => send(MSG.CS_BG_CARD, { provision: item.annotation.provision })),
      /**
       * @param {Card | null} data
       * @param {OpenOptions} options
       */
      show: (data, options) => {
        state.activeIndex = index;
        ensureCard(state).open(item.annotation, data, { ...options, anchor: anchorOf(item) });
      },
    };
  }
  const detected = index >= state.items.length ? state.detections[index - state.items.length] : undefined;
  if (!detected) return null;
  return {
    key: detected.key,
    range: detected.range,
    current: () => state.detections[index - state.items.length] === detected,
    data: () => cached(state, detected.key, 'detection card', () => send(MSG.CS_BG_DETECTION_CARD, {
      topics: detected.detection.topics.map((t) => t.id), text: detected.detection.text,
    })),
    /**
     * @param {DetectionCard | null} data
     * @param {OpenOptions} options
     */
    show: (data, options) => {
      ensureCard(state).openDetection(detected.key, detected.detection, data, {
        ...options, anchor: () => detected.range.getBoundingClientRect(),
      });
    },
  };
}

/**
 * Opens the card of one entry (a provision, or after them a detection).
 * @param {State} state
 * @param {number} index
 * @param {'hover' | 'click' | 'keyboard'} source
 */
async function openCard(state, index, source) {
  const target = openable(state, index);
  if (!target) return;
  const card = state.card;
  // A hover never replaces a card opened by click or keyboard, nor reopens its own.
  if (source === 'hover' && card?.isOpen() && (card.source() !== 'hover' || card.provision() === target.key)) return;
  const data = await target.data();
  if (!target.current()) return;
  highlights.setActive(target.range);
  target.show(data, { source, focus: source !== 'hover' });
}

/**
 * Moves to the next (+1) or previous (-1) provision: scrolls it into view, marks it
 * active and opens its card with the focus in it.
 * @param {State} state
 * @param {1 | -1} step
 * @param {'key' | 'command'} via
 */
async function moveBy(state, step, via) {
  const { items } = state;
  if (!items.length) return { moved: false };
  if (via === 'command' && state.lastKey.step === step && Date.now() - state.lastKey.at < DUPLICATE_KEY_MS) return { moved: false };
  const index = state.activeIndex < 0
    ? (step > 0 ? 0 : items.length - 1)
    : (state.activeIndex + step + items.length) % items.length;
  const item = items[index];
  const element = item.range.startContainer.parentElement;
  element?.scrollIntoView({ block: 'center', inline: 'nearest' });
  await openCard(state, index, 'keyboard');
  return { moved: true, provision: item.annotation.provision };
}

/**
 * Scrolls to one provision (its first occurrence on the page) and opens its card with
 * the focus in it: the popup's "On this page" list. With `card` false it is only marked
 * (an open card closes): the side panel shows its card.
 * @param {State} state
 * @param {string} provision
 * @param {boolean} [card]
 */
async function showProvision(state, provision, card = true) {
  const detected = state.detections.findIndex((d) => d.key === provision);
  const index = detected >= 0
    ? state.items.length + detected
    : state.items.findIndex((item) => item.annotation.provision === provision);
  const target = index < 0 ? null : openable(state, index);
  if (!target) return { moved: false };
  target.range.startContainer.parentElement?.scrollIntoView({ block: 'center', inline: 'nearest' });
  if (card) {
    await openCard(state, index, 'keyboard');
  } else {
    if (state.card?.isOpen()) state.card.close('panel');
    highlights.setActive(target.range);
  }
  return { moved: true, provision };
}

/**
 * The text position under a point (client coordinates), from the caret there.
 * @param {Document} doc
 * @param {number} x
 * @param {number} y
 * @returns {{ node: Node, offset: number } | null}
 */
function caretAt(doc, x, y) {
  if (doc.caretPositionFromPoint) {
    const position = doc.caretPositionFromPoint(x, y);
    return position?.offsetNode ? { node: position.offsetNode, offset: position.offset } : null;
  }
  if (doc.caretRangeFromPoint) {
    const range = doc.caretRangeFromPoint(x, y);
    return range ? { node: range.startContainer, offset: range.startOffset } : null;
  }
  return null;
}

/**
 * The item under a point (client coordinates), or -1. The caret position narrows
 * the search to annotations around that text offset; the ranges' rectangles confirm it.
 * @param {State} state
 * @param {number} x
 * @param {number} y
 */
function itemAt(state, x, y) {
  const { page, items } = state;
  if (!page || (!items.length && !state.detections.length)) return -1;
  const caret = caretAt(state.doc, x, y);
  if (!caret) return -1;
  const at = offsetOf(page, caret.node, caret.offset);
  if (at < 0) return -1;
  let best = -1;
  for (let i = 0; i < items.length; i += 1) {
    const a = items[i].annotation;
    if (a.start > at + 1) break;
    if (at > a.end) continue;
    for (const r of items[i].range.getClientRects()) {
      if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) {
        // The innermost (shortest) annotation wins where two overlap.
        if (best < 0 || a.end - a.start < items[best].annotation.end - items[best].annotation.start) best = i;
        break;
      }
    }
  }
  if (best >= 0) return best;
  const detected = detectionAt(state, at, x, y);
  return detected < 0 ? -1 : items.length + detected;
}

// The page's annotator: gate.js imports this module and calls these.
export const {
  start, refresh, navigate, show, count, showChanges: openChangesList, scrollToChange,
} = createAnnotator(document);
