// termlens: the content script's requests about its page: annotate the page's text,
// what changed in it, a provision's card, the highlights drawn and failures.

import { errorMessage } from '../shared/runtime.js';
import { cardOf, startLoading, withCards, withEngine } from './engine.js';
import * as tabs from './tab-status.js';
import { isWatched, visibility } from '../shared/settings.js';
import { changesOf } from './changes.js';
import { currentSettings } from './settings-cache.js';
import { MAX_TEXT, takeTransfer } from './transfer.js';

/** @typedef {import('../overlay/card.js').Annotation} Annotation */

/** Longest clause kept per provision in a tab's status (UTF-16 units). */
const MAX_CLAUSE = 20_000;

/**
 * The text of each tab's latest annotation run that asked for changes, kept until its
 * content script asks what changed in it (CS_BG_CHANGES).
 * @type {Map<number, { text: string, url: string, pageDocument: string | null, keep: boolean, outline?: import('../../pkg/termlens.js').OutlineBlock[] }>}
 */
const pendingChanges = new Map();

/**
 * What changed in each tab's page, as its changes panel lists it (the side panel shows
 * the same list). Kept in memory only: a restarted background answers null.
 * @type {Map<number, import('../../pkg/termlens.js').Changes>}
 */
const listedChanges = new Map();

/**
 * The gate decided to annotate: the engine's load starts (the page's text comes next),
 * and the tab's record starts again.
 * @param {any} message `{ reason, pageId }`
 * @param {any} sender
 */
export async function activated(message, sender) {
  startLoading();
  listedChanges.delete(sender.tab.id);
  tabs.reset(sender.tab.id, {
    url: String(sender.url ?? ''),
    pageId: String(message.pageId ?? ''),
    reason: String(message.reason ?? ''),
  });
  await tabs.setBadge(sender.tab.id, 0);
  return true;
}

/** Longest detected passage kept in a tab's status (UTF-16 units). */
const MAX_DETECTION = 4_000;

/**
 * The engine's detections, as the tab's status keeps them (their topics named by the engine).
 * @param {unknown} detections
 */
function summariseDetections(detections) {
  if (!Array.isArray(detections)) return [];
  return detections.map((/** @type {any} */ d) => {
    const topics = (Array.isArray(d.topics) ? d.topics : [])
      .map((/** @type {any} */ t) => ({ id: String(t?.id ?? ''), name: String(t?.name ?? '') }));
    return {
      topic: String(d.topic), topicName: topics[0]?.name ?? String(d.topic), topics,
      score: Number(d.score) || 0, start: Number(d.start) || 0, end: Number(d.end) || 0,
      key: `detected:${Number(d.start) || 0}-${Number(d.end) || 0}`,
      text: String(d.text ?? '').slice(0, MAX_DETECTION),
    };
  });
}

/** @param {Annotation[]} annotations */
function summarise(annotations) {
  return annotations
    .slice()
    .sort((a, b) => a.start - b.start || b.end - a.end)
    .map((a) => ({
      provision: String(a.provision), title: String(a.title), platformName: String(a.platformName),
      status: a.status, version: String(a.version), document: String(a.document ?? ''),
      exposure: String(a.exposure ?? ''),
      // The clause as the page words it, and the word diff from the known wording (export).
      text: String(a.text ?? '').slice(0, MAX_CLAUSE),
      diff: a.status === 'changed' && Array.isArray(a.diff)
        ? a.diff.map((d) => ({ op: String(d.op), text: String(d.text ?? '') })) : [],
    }));
}

/**
 * The page's text, whole (`{ text }`) or from its pieces (`{ transfer, chunks }`).
 * @param {number} tabId
 * @param {any} message
 * @returns {{ text: unknown, pieces: number } | null} null: a piece is missing
 */
function pageText(tabId, message) {
  const pieces = typeof message.transfer === 'string' ? Number(message.chunks) : 0;
  if (!pieces) return { text: message.text, pieces };
  const text = takeTransfer(tabId, message.transfer, message.chunks);
  return text === null ? null : { text, pieces };
}

/**
 * Annotates the page's text: `{ text | transfer, chunks, url, changes, outline? }` ->
 * `{ annotations, detections, document, missing }`, or `{ resend: true }` when a piece
 * is missing.
 * @param {any} message
 * @param {any} sender
 */
export async function annotate(message, sender) {
  const tabId = sender.tab.id;
  const got = pageText(tabId, message);
  if (!got) return { resend: true };
  const { text, pieces } = got;
  if (typeof text !== 'string' || text.length > MAX_TEXT) {
    throw new Error('the page text is missing or too long');
  }
  await tabs.update(tabId, (status) => {
    status.wasm = true;
    status.phase = 'annotating';
    status.runs += 1;
    status.pieces = pieces;
  });
  try {
    const url = typeof message.url === 'string' ? message.url : String(sender.url ?? '');
    const shown = visibility(await currentSettings());
    const result = await withEngine((engine) => engine.annotate(text, url, shown), 'annotate');
    const annotations = Array.isArray(result?.annotations) ? result.annotations : [];
    // Known provisions of the page's document that it does not carry (page summary).
    const missing = (Array.isArray(result?.missing) ? result.missing : [])
      .map((/** @type {any} */ m) => ({ provision: String(m.provision), title: String(m.title), version: String(m.version) }));
    const detections = summariseDetections(result?.detections);
    await tabs.update(tabId, {
      provisions: summarise(annotations),
      detections,
      missing,
      document: result?.document
        ? { id: result.document.id, name: result.document.name, platformName: result.document.platformName }
        : null,
    });
    // What changed since the last visit (or against the known version), once per
    // visit: the latest text is kept until the content script asks (CS_BG_CHANGES),
    // once it has drawn the provisions and the page's text has settled.
    if (message.changes === true) {
      const pageDocument = typeof result?.pageDocument === 'string' ? result.pageDocument : null;
      const keep = await keepsSnapshots(result?.document ?? null, url);
      // The page's outline: the core compares only its main content (src/extract/main_content.rs).
      const outline = Array.isArray(message.outline) ? message.outline : undefined;
      if (keep || pageDocument !== null) pendingChanges.set(tabId, { text, url, pageDocument, keep, outline });
      else pendingChanges.delete(tabId);
    }
    return { annotations, detections, document: result?.document ?? null, missing };
  } catch (error) {
    await tabs.update(tabId, { phase: 'failed' });
    await tabs.addError(tabId, `annotate: ${errorMessage(error)}`);
    throw error;
  }
}

/**
 * Whether a page's text is kept for its next visit ("since your last visit"): only on a
 * known document at its own address (the engine's `document`, known by URL) or on a
 * site the reader asked to watch. A page known only by its text (a copy of a vendor's
 * document elsewhere) is compared with the version termlens ships, which is the same
 * for every reader, and nothing of it is kept; any other page is not compared at all.
 * So no change highlight, which a page script can list, depends on what termlens stored
 * unless the page is the vendor's own or the reader chose it (SECURITY.md).
 * @param {unknown} document the engine's `document` (null: not known by URL)
 * @param {string} url
 */
async function keepsSnapshots(document, url) {
  if (document) return true;
  return isWatched(await currentSettings(), url);
}

/**
 * What changed in the text of the tab's last `CS_BG_ANNOTATE { changes: true }`
 * (extension/background/changes.js): `{}` -> `Changes | null`.
 * @param {any} message
 * @param {any} sender
 */
export async function changes(message, sender) {
  const tabId = sender.tab.id;
  const pending = pendingChanges.get(tabId);
  pendingChanges.delete(tabId);
  if (!pending) return null;
  const found = await changesOf(pending, async (problem) => { await tabs.addError(tabId, `changes: ${problem}`); })
    .catch(async (error) => {
      await tabs.addError(tabId, `changes: ${errorMessage(error)}`);
      return null;
    });
  if (found) listedChanges.set(tabId, found);
  else listedChanges.delete(tabId);
  await tabs.update(tabId, {
    changes: found && { source: found.source, since: found.since, summary: found.summary, listed: found.changes.length },
  });
  return found;
}

/**
 * The highlights are drawn: `{ count, timings }`. Sets the badge, then the phase.
 * @param {any} message
 * @param {any} sender
 */
export async function annotated(message, sender) {
  const count = Number.isInteger(message.count) && message.count >= 0 ? message.count : 0;
  // The badge first: whoever sees the phase 'done' sees the badge too.
  await tabs.setBadge(sender.tab.id, count);
  const t = message.timings && typeof message.timings === 'object' ? message.timings : null;
  const timings = t && ['extract', 'engine', 'highlight', 'total', 'characters'].every((k) => Number.isFinite(t[k]))
    ? { extract: t.extract, engine: t.engine, highlight: t.highlight, total: t.total, characters: t.characters }
    : null;
  await tabs.update(sender.tab.id, { count, phase: 'done', timings });
  return true;
}

/**
 * Something failed in the content script: `{ stage, message }`.
 * @param {any} message
 * @param {any} sender
 */
export async function failed(message, sender) {
  await tabs.update(sender.tab.id, { phase: 'failed' });
  await tabs.addError(sender.tab.id, `${String(message.stage ?? 'content')}: ${String(message.message ?? '')}`.slice(0, 400));
  return true;
}

/**
 * The card of a provision: `{ provision }` -> `Card | null`.
 * @param {any} message
 */
export function card(message) {
  return withCards((engine, store) => cardOf(engine, store, String(message.provision ?? '')));
}

/**
 * One of a card's `more`, whole: `{ topics, provision }` -> `Comparison | null`.
 * @param {any} message
 */
export function comparison(message) {
  const topics = Array.isArray(message.topics) ? message.topics.map(String).slice(0, 20) : [];
  return withEngine((engine) => engine.comparison(topics, String(message.provision ?? '')));
}

/**
 * Every comparison of a provision, whole (the exports): `{ provision }` -> `Comparison[] | null`.
 * @param {any} message
 */
export function comparisons(message) {
  return withEngine((engine) => engine.comparisons(String(message.provision ?? '')));
}

/**
 * The card of a detection: `{ topics, text }` -> `DetectionCard | null`.
 * @param {any} message
 */
export function detectionCard(message) {
  const topics = Array.isArray(message.topics) ? message.topics.map(String).slice(0, 20) : [];
  return withEngine((engine) => engine.detectionCard(topics, String(message.text ?? '').slice(0, MAX_DETECTION)));
}

/**
 * Forgets what is kept for a tab (closed).
 * @param {number} tabId
 */
export function forgetTab(tabId) {
  pendingChanges.delete(tabId);
  listedChanges.delete(tabId);
}

/**
 * What changed in a tab's page, as its changes panel lists it: `{ tabId }` -> `Changes | null`.
 * @param {any} message
 */
export function listed(message) {
  return listedChanges.get(Number(message.tabId)) ?? null;
}
