// termlens: the WebExtension API shim and the message plumbing every module context
// shares (background, popup, content modules).
//
// Chrome exposes `chrome.*`, Firefox `browser.*` (and `chrome.*`); both return
// Promises in Manifest V3, so no polyfill is needed beyond picking the namespace.

import './messages.js';

/** @type {any} The WebExtension API namespace of this browser. */
export const api = globalThis.browser ?? globalThis.chrome;

/** @type {Readonly<Record<string, string>>} */
export const MSG = globalThis.TERMLENS_MESSAGES;

/**
 * A reply crosses the boundary as an envelope so that a failure arrives as a
 * rejected Promise in both browsers (Chrome drops Error objects thrown by listeners).
 * @typedef {{ ok: true, value: any } | { ok: false, error: string }} Envelope
 */

/**
 * Listens for messages; `handlers` maps a message type to a function returning a
 * value or a Promise. Messages of other types are left to other listeners.
 * `accept(sender, message)` runs first and may refuse a sender.
 * @param {Record<string, (message: any, sender: any) => any>} handlers
 * @param {(sender: any, message: any) => boolean} [accept]
 */
export function listen(handlers, accept = () => true) {
  api.runtime.onMessage.addListener((/** @type {any} */ message, /** @type {any} */ sender, /** @type {(reply: Envelope) => void} */ sendResponse) => {
    const type = message && typeof message.type === 'string' ? message.type : '';
    if (!Object.hasOwn(handlers, type)) return false;
    if (!accept(sender, message)) {
      sendResponse({ ok: false, error: `termlens: refused ${type} from this sender` });
      return false;
    }
    // The handler returns a Promise; the callback form below is only the bridge
    // that both browsers understand (Firefox would also take the Promise itself).
    Promise.resolve()
      .then(() => handlers[type](message, sender))
      .then(
        (value) => sendResponse({ ok: true, value: value ?? null }),
        (error) => sendResponse({ ok: false, error: errorMessage(error) }),
      );
    return true;
  });
}

/**
 * Sends a message to the background and unwraps the reply.
 * @param {string} type
 * @param {object} [payload]
 * @returns {Promise<any>}
 */
export async function send(type, payload = {}) {
  return unwrap(await api.runtime.sendMessage({ ...payload, type }));
}

/**
 * Sends a message to the content script of a tab (top frame) and unwraps the reply.
 * @param {number} tabId
 * @param {string} type
 * @param {object} [payload]
 * @returns {Promise<any>}
 */
export async function sendToTab(tabId, type, payload = {}) {
  return unwrap(await api.tabs.sendMessage(tabId, { ...payload, type }, { frameId: 0 }));
}

/** @param {Envelope | undefined} reply */
function unwrap(reply) {
  if (!reply || typeof reply !== 'object') throw new Error('no answer');
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}

/**
 * Whether a failed message means that the background went away while it was being
 * answered or before (a service worker stopped, an event page unloaded): the browser
 * starts it again for the next message, so one retry can succeed. The phrases are the
 * browsers' own (Chromium: "Receiving end does not exist", "message port closed",
 * "message channel closed"; Firefox: "Receiving end does not exist", "Message manager
 * disconnected", "went out of scope"), and `unwrap`'s "no answer".
 * @param {unknown} error
 */
export function backgroundWentAway(error) {
  return /receiving end does not exist|message port closed|message channel (was )?closed|message manager disconnected|went out of scope|^no answer$/i
    .test(errorMessage(error));
}

/**
 * The message of anything thrown, as one short line.
 * @param {unknown} error
 * @returns {string}
 */
export function errorMessage(error) {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.replace(/\s+/g, ' ').trim().slice(0, 300) || 'unknown error';
}

/**
 * A rejection handler for a failure that has nowhere else to go (a tab closed
 * meanwhile, a storage write refused): one console line naming the stage, then
 * `fallback` in place of the value that failed.
 * @template [T=undefined]
 * @param {string} stage
 * @param {T} [fallback]
 * @returns {(error: unknown) => T}
 */
export function logFailure(stage, fallback) {
  return (error) => {
    console.warn(`termlens: ${stage}: ${errorMessage(error)}`);
    return /** @type {T} */ (fallback);
  };
}
