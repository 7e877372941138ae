// termlens: the browser's entry points outside the popup: the keyboard commands
// (manifest "commands"), the "Look up in termlens" context-menu entry, and the lookup
// page they open.

import { MSG, api, sendToTab, logFailure } from '../shared/runtime.js';
import { t } from '../shared/i18n.js';
import { MAX_QUERY } from './lookup.js';

/** The context-menu entry on a selection. */
const LOOKUP_MENU = 'termlens-lookup-selection';

/**
 * Opens the lookup (the popup's page, in a new tab next to `tab`) for a text.
 * @param {string} text
 * @param {{ id?: number, index?: number, windowId?: number } | undefined} tab
 */
export async function openLookup(text, tab) {
  const query = String(text ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY);
  const params = new URLSearchParams({ q: query });
  if (typeof tab?.id === 'number' && tab.id >= 0) params.set('tab', String(tab.id));
  const url = api.runtime.getURL(`extension/popup/popup.html?${params}`);
  /** @type {Record<string, unknown>} */
  const where = { url };
  if (typeof tab?.index === 'number') where.index = tab.index + 1;
  if (typeof tab?.windowId === 'number') where.windowId = tab.windowId;
  const created = await api.tabs.create(where);
  return { query, url, tabId: created?.id ?? null };
}

/**
 * The lookup-selection command: the tab's selected text goes to the lookup.
 * @param {{ id?: number } | undefined} tab
 */
export async function lookupSelection(tab) {
  let text = '';
  if (typeof tab?.id === 'number') {
    try {
      text = await sendToTab(tab.id, MSG.BG_CS_SELECTION);
    } catch {
      // No termlens content script there (a browser page): an empty lookup.
    }
  }
  return openLookup(String(text ?? ''), tab);
}

/**
 * Look up a selection as the menu entry (`{ tabId, text }`) or the command
 * (`{ tabId }`: the tab's selection) does it.
 * @param {any} message
 */
export async function lookupFromPopup(message) {
  const tab = await api.tabs.get(Number(message.tabId));
  return typeof message.text === 'string' ? openLookup(message.text, tab) : lookupSelection(tab);
}

/**
 * Sends a tab's content script `type` with `body`, then brings the tab forward (what it
 * opens is in that tab; a popup opened as a page may sit elsewhere).
 * @param {number} tabId
 * @param {string} type
 * @param {string} stage   what a failure to bring the tab forward is logged under
 * @param {object} [body]
 */
async function showInTab(tabId, type, stage, body) {
  const result = await sendToTab(tabId, type, body);
  await api.tabs.update(tabId, { active: true }).catch(logFailure(stage));
  return result;
}

/**
 * Scrolls a tab to one provision and opens its card: `{ tabId, provision, card? }`
 * (`card: false`: no card, the side panel shows it).
 * @param {any} message
 */
export function showOnPage(message) {
  return showInTab(Number(message.tabId), MSG.BG_CS_NAVIGATE, 'show on page', {
    provision: String(message.provision ?? ''), card: message.card !== false,
  });
}

/**
 * Opens the list of what changed in a tab's page (the popup's Show): `{ tabId }`.
 * @param {any} message
 */
export function showChanges(message) {
  return showInTab(Number(message.tabId), MSG.BG_CS_SHOW_CHANGES, 'show changes');
}

/**
 * Creates the context-menu entry. Menus persist across restarts in both browsers, so
 * this runs once per install or update.
 */
export function createMenu() {
  api.contextMenus?.create({
    id: LOOKUP_MENU,
    title: t('menuLookupSelection'),
    contexts: ['selection'],
  }, () => void api.runtime.lastError);
}

/**
 * A click on a context-menu entry.
 * @param {any} info
 * @param {any} tab
 */
export function menuClicked(info, tab) {
  if (info.menuItemId === LOOKUP_MENU) openLookup(String(info.selectionText ?? ''), tab).catch(logFailure('lookup selection'));
}

/**
 * A keyboard command: the next or previous provision, or the lookup of the selection.
 * @param {string} command
 * @param {any} tab
 */
export function commandPressed(command, tab) {
  if (command === 'lookup-selection') {
    lookupSelection(tab).catch(logFailure('lookup selection'));
    return;
  }
  const direction = command === 'previous-provision' ? 'previous' : command === 'next-provision' ? 'next' : '';
  if (!direction || typeof tab?.id !== 'number') return;
  sendToTab(tab.id, MSG.BG_CS_NAVIGATE, { direction }).catch(logFailure(`${direction} provision`));
}
