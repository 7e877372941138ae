// termlens: what the background does for the side panel (Chromium's `side_panel`,
// Firefox's `sidebar_action`, one page: extension/sidepanel/): open it from the card,
// and scroll a tab to one changed passage the panel lists.

import { MSG, api, sendToTab, errorMessage, logFailure } from '../shared/runtime.js';
import { PANEL_SELECTED_KEY } from '../shared/session-keys.js';
import { fromContentScript } from './senders.js';

/**
 * The card's "Open in side panel": opens the panel, then keeps the provision as its
 * selection. Both browsers open a panel only in response to the reader's action, so
 * this listener calls the browser at once, in the message's own event (not after an
 * await, as `listen` would). Chromium's `sidePanel.open({ tabId })` accepts a click in a
 * content script relayed this way. Firefox's `sidebarAction.open()` accepts only a user
 * input handler of an extension page; there the answer is `{ opened: false, error }`,
 * and the reader opens the sidebar from the browser (View > Sidebar), where the
 * selection is waiting.
 */
export function listenForOpen() {
  api.runtime.onMessage.addListener((/** @type {any} */ message, /** @type {any} */ sender, /** @type {(reply: object) => void} */ sendResponse) => {
    if (message?.type !== MSG.CS_BG_OPEN_PANEL) return false;
    if (!fromContentScript(sender)) {
      sendResponse({ ok: false, error: `termlens: refused ${message.type} from this sender` });
      return false;
    }
    const tabId = sender.tab.id;
    /** @type {Promise<unknown>} */
    let opening;
    try {
      opening = Promise.resolve(api.sidePanel ? api.sidePanel.open({ tabId }) : api.sidebarAction?.open());
    } catch (error) {
      opening = Promise.reject(error);
    }
    // After the call that needs the gesture; the panel follows this key as it changes.
    const selected = Promise.resolve(api.storage.session?.set({
      [PANEL_SELECTED_KEY]: { tabId, provision: String(message.provision ?? '').slice(0, 200) },
    }));
    selected.catch(logFailure('side panel selection'));
    opening.then(
      () => sendResponse({ ok: true, value: { opened: true } }),
      (error) => sendResponse({ ok: true, value: { opened: false, error: errorMessage(error) } }),
    );
    return true;
  });
}

/**
 * Scrolls a tab to one changed passage and marks it: `{ tabId, index }` -> `{ shown }`.
 * @param {any} message
 */
export function showChange(message) {
  const index = Number(message.index);
  if (!Number.isInteger(index) || index < 0) return { shown: false };
  return sendToTab(Number(message.tabId), MSG.BG_CS_SHOW_CHANGE, { index });
}
