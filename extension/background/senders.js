// termlens: who may send the background a message. Each listener of background.js
// accepts one kind of sender.

import { api } from '../shared/runtime.js';

const EXTENSION_ORIGIN = api.runtime.getURL('');

/**
 * A message from termlens's own content script, top frame of a web page.
 * @param {any} sender
 * @returns {boolean}
 */
export function fromContentScript(sender) {
  return sender?.id === api.runtime.id
    && typeof sender.tab?.id === 'number' && sender.tab.id >= 0
    && (sender.frameId ?? 0) === 0
    && !String(sender.url ?? '').startsWith(EXTENSION_ORIGIN);
}

/**
 * A message from one of termlens's own pages (the popup, the options page).
 * @param {any} sender
 * @returns {boolean}
 */
export function fromExtensionPage(sender) {
  return sender?.id === api.runtime.id && String(sender.url ?? '').startsWith(EXTENSION_ORIGIN);
}
