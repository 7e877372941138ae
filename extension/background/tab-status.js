// termlens: what the background knows about each tab.
//
// Kept in memory and mirrored to `storage.session` (when the browser has it), because
// a Manifest V3 service worker is stopped when idle and loses its memory; the record
// is read back on the next message. Nothing here is written to disk.

import { MSG, api, sendToTab, errorMessage, logFailure } from '../shared/runtime.js';
import { engineState } from './engine.js';
import { TAB_KEY_PREFIX as KEY_PREFIX } from '../shared/session-keys.js';

/** Errors kept per tab. */
const MAX_ERRORS = 10;

/**
 * @typedef {object} ProvisionSummary
 * @property {string} provision
 * @property {string} title
 * @property {string} platformName
 * @property {'exact' | 'changed'} status
 * @property {string} version
 * @property {string} document   the id of the provision's document
 * @property {string} text       the clause as the page words it
 * @property {{ op: string, text: string }[]} diff   known wording -> page (changed ones)
 */

/**
 * @typedef {object} TabStatus
 * @property {number} tabId
 * @property {string} url          the page's address when termlens started on it
 * @property {string} pageId       the gate's id of that document
 * @property {string} reason       why the gate started (known document, terms-like title, on demand...)
 * @property {'annotating' | 'done' | 'failed'} phase
 * @property {boolean} wasm        whether the engine was asked to annotate this page
 * @property {number} runs         how many times the page's text was annotated
 * @property {number} pieces       how the last run's text came: in that many CS_BG_TEXT pieces, or 0 whole
 * @property {number} count        provisions highlighted on the page
 * @property {{ extract: number, engine: number, highlight: number, total: number, characters: number } | null} timings
 *                                  milliseconds of the last run: text extraction, engine (message + Wasm), highlights
 * @property {{ id: string, name: string, platformName: string } | null} document
 * @property {ProvisionSummary[]} provisions   found by the engine, in page order
 * @property {string[]} errors
 * @property {object | null} [card]  what the card shows (test hooks only)
 * @property {{ provision: string, title: string, version: string }[]} missing
 *                                  provisions of the page's document not found on it
 * @property {DetectionSummary[]} [detections]  clause categories detected in passages termlens
 *                                  does not know, in page order
 * @property {{ source: string, since: string, summary: object, listed: number } | null} changes
 *                                  what changed since the last visit (or the known version)
 * @property {object | null} [changesPanel]  what the changes panel shows (test hooks only)
 * @property {object | null} [changesBadge]  what the changes badge shows (test hooks only)
 * @property {object} [changesShown]  the changed passage the panel scrolled to (test hooks only)
 * @property {number} updatedAt
 */

/**
 * A detection as the content script draws it and the popup and the exports list it;
 * `key` is what the card and "show on page" call it (`detected:START-END`).
 * @typedef {{ topic: string, topicName: string, topics: { id: string, name: string }[],
 *   score: number, start: number, end: number, key: string, text: string }} DetectionSummary
 */

const SAVE_DELAY_MS = 100;

/** @type {Map<number, TabStatus>} */
const tabs = new Map();
/** @type {Map<number, number>} */
const saveTimers = new Map();
const session = api.storage?.session ?? null;

/**
 * A fresh record for a tab.
 * @param {number} tabId
 * @returns {TabStatus}
 */
function blank(tabId) {
  return {
    tabId, url: '', pageId: '', reason: '', phase: 'annotating', wasm: false, runs: 0, pieces: 0, count: 0, timings: null,
    document: null, provisions: [], errors: [], updatedAt: Date.now(), missing: [], changes: null,
    detections: [],
  };
}

/**
 * The record of a tab, or null when termlens has not started there.
 * @param {number} tabId
 * @returns {Promise<TabStatus | null>}
 */
export async function get(tabId) {
  const known = tabs.get(tabId);
  if (known) return known;
  if (!session) return null;
  try {
    const stored = (await session.get(KEY_PREFIX + tabId))[KEY_PREFIX + tabId];
    if (stored && typeof stored === 'object' && !tabs.has(tabId)) tabs.set(tabId, { ...blank(tabId), ...stored, tabId });
  } catch {
    // storage.session can be unavailable (older browsers); memory is enough.
  }
  return tabs.get(tabId) ?? null;
}

/**
 * Starts a new record for a tab (a new page, or a new run).
 * @param {number} tabId
 * @param {Partial<TabStatus>} fields
 */
export function reset(tabId, fields) {
  const status = { ...blank(tabId), ...fields, tabId };
  tabs.set(tabId, status);
  save(tabId);
  return status;
}

/**
 * Changes some fields of a tab's record (creating it when missing).
 * @param {number} tabId
 * @param {Partial<TabStatus> | ((status: TabStatus) => void)} change
 */
export async function update(tabId, change) {
  const status = (await get(tabId)) ?? reset(tabId, {});
  if (typeof change === 'function') change(status);
  else Object.assign(status, change);
  status.updatedAt = Date.now();
  save(tabId);
  return status;
}

/** @param {number} tabId */
export function remove(tabId) {
  tabs.delete(tabId);
  clearTimeout(saveTimers.get(tabId));
  saveTimers.delete(tabId);
  session?.remove(KEY_PREFIX + tabId).catch(logFailure('tab status'));
}

/** Debounced mirror of one record to storage.session. */
function save(/** @type {number} */ tabId) {
  if (!session || saveTimers.has(tabId)) return;
  saveTimers.set(tabId, setTimeout(() => {
    saveTimers.delete(tabId);
    const status = tabs.get(tabId);
    if (status) session.set({ [KEY_PREFIX + tabId]: status }).catch(logFailure('tab status'));
  }, SAVE_DELAY_MS));
}

/**
 * Sets the badge of a tab to the number of provisions (empty for none).
 * @param {number} tabId
 * @param {number} count
 */
export async function setBadge(tabId, count) {
  try {
    await api.action.setBadgeText({ tabId, text: count > 0 ? String(count) : '' });
  } catch {
    // The tab is gone.
  }
}

/**
 * Adds one line to a tab's errors (the last MAX_ERRORS are kept).
 * @param {number} tabId
 * @param {string} error
 */
export function addError(tabId, error) {
  return update(tabId, (status) => {
    status.errors = [...status.errors, error].slice(-MAX_ERRORS);
  });
}

/**
 * A tab as the popup shows it: the background's record, the content script's own
 * view, the badge and the engine's state.
 * @param {number} tabId
 */
export async function view(tabId) {
  const status = await get(tabId);
  /** @type {object | null} */
  let content = null;
  let contentError = '';
  try {
    content = await sendToTab(tabId, MSG.BG_CS_STATUS);
  } catch (error) {
    contentError = errorMessage(error);
  }
  let badge = '';
  try {
    badge = await api.action.getBadgeText({ tabId });
  } catch {
    // The tab is gone.
  }
  return { tabId, status, content, contentError, badge, engine: engineState() };
}

/**
 * A page finished loading in a tab: the record is kept only if the page that
 * reported it is still there.
 * @param {number} tabId
 */
export async function pageLoaded(tabId) {
  const status = await get(tabId);
  if (!status) return;
  let pageId = '';
  try {
    pageId = (await sendToTab(tabId, MSG.BG_CS_STATUS))?.pageId ?? '';
  } catch {
    // No termlens content script on the new page.
  }
  const now = await get(tabId);
  if (now && now.pageId !== pageId && now.pageId === status.pageId) {
    remove(tabId);
    await setBadge(tabId, 0);
  }
}
