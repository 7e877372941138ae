// termlens annotator: extracts the page's text, has the engine find the known
// provisions in it, draws them as highlights and opens their cards.
//
// Imported by gate.js only on pages that look like terms (or on demand). The engine
// itself (Rust compiled to Wasm) runs in the background: a page's Content Security
// Policy applies to content scripts in Chromium and usually forbids compiling Wasm,
// while extension pages allow it ('wasm-unsafe-eval' in the manifest). The page's text
// goes to the background in one message and the annotations come back.

import { MSG, api, send } from '../shared/runtime.js';
import { extractTextInSlices, rangeOf, offsetOf } from './extract.js';
import * as highlights from './highlights.js';
import { createCard } from '../overlay/card.js';
import { createChangesPanel } from '../overlay/changes-panel.js';
import { loadSettings } from '../shared/settings.js';

/** @typedef {import('../overlay/card.js').Annotation} Annotation */
/** @typedef {import('../overlay/card.js').Card} Card */
/** @typedef {{ annotation: Annotation, range: Range, changes: Range[], status: string }} Item */

/** Texts longer than this (UTF-16 units) are not annotated: ~10 times the longest terms page. */
const MAX_TEXT = 5_000_000;
/** The first extraction slice's budget (ms): half the 50 ms a long task starts at. */
const FIRST_SLICE_MS = 25;
/** Pointer rest before a hover opens the card, and grace before a hover card closes. */
const HOVER_OPEN_MS = 250;
const HOVER_CLOSE_MS = 400;
/** A browser command arriving this soon after the same in-page key press is the same press. */
const DUPLICATE_KEY_MS = 300;

/** @type {(stage: string, error: unknown) => void} */
let report = () => {};
/** @type {Item[]} annotations drawn, in document order */
let items = [];
/** @type {import('./extract.js').PageText | null} */
let page = null;
/** The text last annotated: a run whose text is the same draws nothing new. */
let lastText = '';
/** Longest piece of text in one message (UTF-16 units); see sendInPieces. */
const PIECE = 1 << 19;
/** Numbers each transfer of the page's text to the background. */
let transfers = 0;
let activeIndex = -1;
let testHooks = false;
/** @type {'default' | 'high-contrast'} the highlight style (options page), read at start */
let highlightStyle = 'default';
/** @type {ReturnType<typeof createCard> | null} */
let card = null;
/** @type {Map<string, Promise<Card | null>>} */
const cards = new Map();
/** @type {Promise<number> | null} the run in progress; runs never overlap */
let running = null;
let rerun = false;
let rerunForced = false;
/** Whether this visit's changes were asked for (once per page load, at the first run). */
let changesAsked = false;
/**
 * The passages changed since the last visit (or the known version), in page order; a
 * deleted one's range marks where it stood.
 * @type {{ kind: string, range: Range | null, words: Range[] }[]}
 */
let pageChanges = [];
/** @type {ReturnType<typeof createChangesPanel> | null} */
let panel = null;

/** Number of provisions drawn on the page. */
export function count() {
  return items.length;
}

/**
 * First run on this page.
 * @param {{ reason: string, report: (stage: string, error: unknown) => void, pageId: string }} options
 * @returns {Promise<number>} number of provisions drawn
 */
export async function start(options) {
  report = options.report;
  if (!highlights.supported()) throw new Error('this browser has no CSS Custom Highlight API');
  const flags = await api.storage.local.get('termlensTestHooks').catch(() => ({}));
  testHooks = flags?.termlensTestHooks === true;
  highlightStyle = (await loadSettings(api.storage.local)).highlightStyle;
  await send(MSG.CS_BG_ACTIVE, { reason: options.reason, pageId: options.pageId });
  listenToPointerAndKeys();
  return refresh(true);
}

/**
 * Annotates again if the page's text changed (or always, with `force`).
 * @param {boolean} [force]
 * @returns {Promise<number>}
 */
export async function refresh(force = false) {
  if (running) {
    rerun = true;
    rerunForced ||= force;
    return running;
  }
  running = (async () => {
    try {
      do {
        rerun = false;
        await run(force);
        force = rerunForced;
        rerunForced = false;
      } while (rerun);
    } finally {
      running = null;
    }
    return items.length;
  })();
  return running;
}

/**
 * Sends a long text to the background in pieces of at most PIECE units (CS_BG_TEXT),
 * one message per task: a message is copied on the main thread in one go, and the
 * 5 MB page's text in one message was an 85-100 ms task (issue 6). A shorter text
 * goes whole in the annotate message (null here).
 * @param {string} text
 * @returns {Promise<{ id: string, chunks: number } | null>}
 */
async function sendInPieces(text) {
  if (text.length <= PIECE) return null;
  transfers += 1;
  const id = `${transfers}.${Math.random().toString(36).slice(2)}`;
  let chunks = 0;
  for (let at = 0; at < text.length; chunks += 1) {
    let end = Math.min(at + PIECE, text.length);
    // Never between the two halves of a surrogate pair.
    const code = text.charCodeAt(end);
    if (end < text.length && code >= 0xdc00 && code <= 0xdfff) end += 1;
    // Each reply is awaited: the pieces arrive in order, each in a task of its own.
    // One that is refused (lost, or the background restarted) makes CS_BG_ANNOTATE
    // ask for the whole text.
    const ok = await send(MSG.CS_BG_TEXT, { transfer: id, seq: chunks, text: text.slice(at, end) }).catch(() => false);
    if (ok !== true) return null;
    at = end;
  }
  return { id, chunks };
}

/** @param {boolean} force */
async function run(force) {
  const root = document.body;
  if (!root) return;
  const t0 = performance.now();
  // In slices with a yield between them: on a 1 MB page or 100,000 text nodes the walk
  // would otherwise be one long task (issue 6, 7). The first slice may take 25 ms, so a
  // page of ordinary size is read in one task; then ~8 ms each. t1 - t0 is wall time.
  const extracted = await extractTextInSlices(root, (element) => element === card?.host, { firstBudgetMs: FIRST_SLICE_MS });
  const t1 = performance.now();
  // Comparing with the last text costs less than hashing it (a flat string compare).
  if (!force && extracted.text === lastText) return;
  lastText = extracted.text;
  if (extracted.text.length > MAX_TEXT) {
    throw new Error(`the page's text is too long to annotate (${extracted.text.length} characters)`);
  }
  const askChanges = !changesAsked;
  changesAsked = true;
  const url = location.href;
  const transfer = await sendInPieces(extracted.text);
  /** @type {{ annotations: Annotation[], document: object | null, resend?: boolean }} */
  let result = await send(MSG.CS_BG_ANNOTATE, transfer
    ? { transfer: transfer.id, chunks: transfer.chunks, url, changes: askChanges }
    : { text: extracted.text, url, changes: askChanges });
  if (result?.resend) result = await send(MSG.CS_BG_ANNOTATE, { text: extracted.text, url, changes: askChanges });
  const t2 = performance.now();
  const found = Array.isArray(result?.annotations) ? result.annotations : [];
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
  next.sort((a, b) => a.annotation.start - b.annotation.start || b.annotation.end - a.annotation.end);
  page = extracted;
  items = next;
  highlights.draw(items, highlightStyle);
  const shown = card?.provision();
  if (shown && !items.some((i) => i.annotation.provision === shown)) card?.close('gone');
  activeIndex = Math.min(activeIndex, items.length - 1);
  const t3 = performance.now();
  // Where the time went, for the popup and the benchmark (milliseconds).
  const timings = {
    extract: t1 - t0, engine: t2 - t1, highlight: t3 - t2, total: t3 - t0, characters: extracted.text.length,
  };
  // What changed: asked once the provisions are drawn, so the diff never delays them.
  // The run (and the tab's phase 'done') ends once the changes are shown.
  if (askChanges) {
    const changes = await send(MSG.CS_BG_CHANGES, {});
    if (changes && Array.isArray(changes.changes) && page === extracted) showChanges(extracted, changes);
  }
  await send(MSG.CS_BG_ANNOTATED, { count: items.length, found: found.length, timings });
}

/**
 * Highlights the passages changed since the last visit (or the known version) and opens
 * the changes panel.
 * @param {import('./extract.js').PageText} extracted
 * @param {import('../overlay/changes-panel.js').PanelData & { changes: any[] }} data
 */
function showChanges(extracted, data) {
  const last = Math.max(0, extracted.text.length - 1);
  pageChanges = data.changes.map((c) => {
    let range = null;
    if (c.kind === 'deleted') {
      const at = Math.min(Number(c.anchor) || 0, last);
      range = rangeOf(extracted, at, at + 1);
    } else if (Number.isInteger(c.start) && Number.isInteger(c.end)) {
      range = rangeOf(extracted, c.start, c.end);
    }
    const words = (Array.isArray(c.highlights) ? c.highlights : [])
      .map((h) => rangeOf(extracted, h.start, h.end))
      .filter((r) => r !== null);
    return { kind: String(c.kind), range, words };
  });
  highlights.drawPageChanges(
    pageChanges.filter((p) => p.kind !== 'deleted' && p.range).map((p) => /** @type {Range} */ (p.range)),
    pageChanges.flatMap((p) => p.words),
  );
  panel ??= createChangesPanel(document, {
    onShow: (index) => showChange(index),
    onChange: (state) => {
      if (testHooks) send(MSG.CS_BG_CHANGES_STATE, { panel: state }).catch(() => {});
    },
  });
  panel.open(data);
}

/**
 * Scrolls to one changed passage (or where a deleted one stood) and marks it.
 * @param {number} index
 */
function showChange(index) {
  const change = pageChanges[index];
  if (!change?.range) return;
  const node = change.range.startContainer;
  const element = node.nodeType === Node.ELEMENT_NODE ? /** @type {Element} */ (node) : node.parentElement;
  element?.scrollIntoView({ block: 'center', inline: 'nearest' });
  highlights.setPageChangeActive(change.range);
  if (testHooks) {
    send(MSG.CS_BG_CHANGES_STATE, { shown: { index, kind: change.kind, text: change.range.toString().slice(0, 200) } }).catch(() => {});
  }
}

/**
 * The card data of a provision (asked for once per page).
 * @param {string} provision
 */
function cardData(provision) {
  let pending = cards.get(provision);
  if (!pending) {
    pending = send(MSG.CS_BG_CARD, { provision }).catch((error) => {
      cards.delete(provision);
      report('card', error);
      return null;
    });
    cards.set(provision, pending);
  }
  return pending;
}

function ensureCard() {
  card ??= createCard(document, {
    onClose: () => highlights.setActive(null),
    onChange: (state) => {
      if (testHooks) send(MSG.CS_BG_CARD_STATE, { card: state }).catch(() => {});
    },
  });
  return card;
}

/**
 * Where to place an item's card: around the whole provision when it is short enough
 * to leave room for the card, else around its first line.
 */
function anchorOf(/** @type {Item} */ item) {
  return () => {
    const whole = item.range.getBoundingClientRect();
    if (whole.height <= innerHeight * 0.3) return whole;
    const rects = item.range.getClientRects();
    return rects.length ? rects[0] : whole;
  };
}

/**
 * Opens the card of one item.
 * @param {number} index
 * @param {'hover' | 'click' | 'keyboard'} source
 */
async function openCard(index, source) {
  const item = items[index];
  if (!item) return;
  // A hover never replaces a card opened by click or keyboard, nor reopens its own.
  if (source === 'hover' && card?.isOpen() && (card.source() !== 'hover' || card.provision() === item.annotation.provision)) return;
  const data = await cardData(item.annotation.provision);
  if (items[index] !== item) return;
  activeIndex = index;
  highlights.setActive(item.range);
  ensureCard().open(item.annotation, data, { source, focus: source !== 'hover', anchor: anchorOf(item) });
}

/**
 * Moves to the next (+1) or previous (-1) provision: scrolls it into view, marks it
 * active and opens its card with the focus in it.
 * @param {1 | -1} step
 * @param {'key' | 'command'} via
 */
export async function navigate(step, via = 'command') {
  if (!items.length) return { moved: false };
  if (via === 'command' && lastKey.step === step && Date.now() - lastKey.at < DUPLICATE_KEY_MS) return { moved: false };
  const index = activeIndex < 0
    ? (step > 0 ? 0 : items.length - 1)
    : (activeIndex + step + items.length) % items.length;
  const item = items[index];
  const element = item.range.startContainer.parentElement;
  element?.scrollIntoView({ block: 'center', inline: 'nearest' });
  await openCard(index, 'keyboard');
  return { moved: true, provision: item.annotation.provision };
}

/**
 * Scrolls to one provision (its first occurrence on the page) and opens its card with
 * the focus in it: the popup's "On this page" list.
 * @param {string} provision
 */
export async function show(provision) {
  const index = items.findIndex((item) => item.annotation.provision === provision);
  if (index < 0) return { moved: false };
  items[index].range.startContainer.parentElement?.scrollIntoView({ block: 'center', inline: 'nearest' });
  await openCard(index, 'keyboard');
  return { moved: true, provision };
}

/**
 * The item under a point (client coordinates), or -1. The caret position narrows
 * the search to annotations around that text offset; the ranges' rectangles confirm it.
 * @param {number} x
 * @param {number} y
 */
function itemAt(x, y) {
  if (!page || !items.length) return -1;
  let node = null;
  let offset = 0;
  if (document.caretPositionFromPoint) {
    const position = document.caretPositionFromPoint(x, y);
    node = position?.offsetNode ?? null;
    offset = position?.offset ?? 0;
  } else if (document.caretRangeFromPoint) {
    const range = document.caretRangeFromPoint(x, y);
    node = range?.startContainer ?? null;
    offset = range?.startOffset ?? 0;
  }
  if (!node) return -1;
  const at = offsetOf(page, node, offset);
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
  return best;
}

/** The last Alt+Shift+N/P the page saw: the browser may deliver the same press as a command too. */
let lastKey = { step: 0, at: 0 };
let listening = false;

/** Pointer and keyboard listeners, installed once per page. */
function listenToPointerAndKeys() {
  if (listening) return;
  listening = true;
  let frame = 0;
  let x = 0;
  let y = 0;
  let openTimer = 0;
  let closeTimer = 0;
  let hovered = -1;

  const guard = (stage, f) => (...args) => {
    try {
      const out = f(...args);
      if (out && typeof out.catch === 'function') out.catch((error) => report(stage, error));
    } catch (error) {
      report(stage, error);
    }
  };

  const onFrame = guard('hover', () => {
    frame = 0;
    if (!items.length) return;
    // Over the card: it stays, whatever is under it.
    if (card?.isOpen() && card.contains(x, y)) {
      clearTimeout(closeTimer);
      clearTimeout(openTimer);
      hovered = -1;
      return;
    }
    const index = itemAt(x, y);
    if (index !== hovered) {
      hovered = index;
      clearTimeout(openTimer);
      if (index >= 0 && !(card?.isOpen() && card.provision() === items[index].annotation.provision)) {
        openTimer = setTimeout(guard('hover', () => openCard(index, 'hover')), HOVER_OPEN_MS);
      }
    }
    clearTimeout(closeTimer);
    if (index < 0 && card?.isOpen() && card.source() === 'hover') {
      closeTimer = setTimeout(() => {
        if (hovered < 0 && card?.source() === 'hover' && !card.contains(x, y)) card.close('pointer left');
      }, HOVER_CLOSE_MS);
    }
  });

  document.addEventListener('pointermove', (event) => {
    if (event.pointerType !== 'mouse' && event.pointerType !== 'pen') return;
    x = event.clientX;
    y = event.clientY;
    frame ||= requestAnimationFrame(onFrame);
  }, { passive: true });

  document.addEventListener('click', guard('click', (event) => {
    if (!items.length || event.defaultPrevented || event.button !== 0) return;
    const target = /** @type {Element} */ (event.target);
    if (target === card?.host) return;
    if (target?.closest?.('a[href], button, input, select, textarea, label, [contenteditable]')) return;
    if (String(getSelection() ?? '').length > 0) return;
    const index = itemAt(event.clientX, event.clientY);
    if (index >= 0) return openCard(index, 'click');
    if (card?.isOpen() && !card.contains(event.clientX, event.clientY)) card.close('click outside');
  }), true);

  document.addEventListener('keydown', guard('keyboard', (event) => {
    if (event.key === 'Escape' && card?.isOpen()) {
      card.close('escape', true);
      return;
    }
    if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
    if (event.code !== 'KeyN' && event.code !== 'KeyP') return;
    if (!items.length) return;
    // Typing in a field (where Alt+Shift+N may type a character) is left alone.
    const target = /** @type {HTMLElement} */ (event.target);
    if (target !== card?.host && (target?.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target?.tagName ?? ''))) return;
    event.preventDefault();
    event.stopPropagation();
    const step = event.code === 'KeyN' ? 1 : -1;
    lastKey = { step, at: Date.now() };
    return navigate(step, 'key');
  }), true);

  const reposition = () => {
    if (card?.isOpen()) requestAnimationFrame(() => card?.place());
  };
  addEventListener('scroll', reposition, { passive: true, capture: true });
  addEventListener('resize', reposition, { passive: true });
}
