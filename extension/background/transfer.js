// termlens: the page text a content script sends in pieces (CS_BG_TEXT) before the
// annotate message that claims it. A message is copied on the page's main thread in
// one go, so a long text crosses in pieces of at most 512 K UTF-16 units.

/** Longest text a content script may send (UTF-16 units); the annotator checks first. */
export const MAX_TEXT = 5_000_000;
/** A transfer left unclaimed (the text was too long, or unchanged) is dropped after this. */
const TRANSFER_TTL_MS = 30_000;

/**
 * The page text each tab's content script is sending in pieces, until its
 * CS_BG_ANNOTATE claims it. A transfer left unclaimed is dropped after TRANSFER_TTL_MS
 * or at the tab's next transfer.
 * @type {Map<number, { transfer: string, parts: string[], length: number, timer: any }>}
 */
const incoming = new Map();

/**
 * Forgets a tab's transfer (claimed, broken or the tab closed).
 * @param {number} tabId
 */
export function dropTransfer(tabId) {
  clearTimeout(incoming.get(tabId)?.timer);
  incoming.delete(tabId);
}

/**
 * Takes one piece: `{ transfer, seq, text }`, seq 0, 1, 2... in order.
 * @param {number} tabId
 * @param {any} message
 * @returns {boolean} false when the piece is out of order or past the longest text:
 *   the transfer is dropped and CS_BG_ANNOTATE asks for the text whole
 */
export function receivePiece(tabId, message) {
  const text = typeof message.text === 'string' ? message.text : null;
  let pending = incoming.get(tabId);
  if (message.seq === 0) {
    dropTransfer(tabId);
    pending = { transfer: String(message.transfer), parts: [], length: 0, timer: 0 };
    incoming.set(tabId, pending);
  }
  if (!pending || pending.transfer !== message.transfer || message.seq !== pending.parts.length
    || text === null || pending.length + text.length > MAX_TEXT) {
    dropTransfer(tabId);
    return false;
  }
  pending.parts.push(text);
  pending.length += text.length;
  clearTimeout(pending.timer);
  const kept = pending;
  pending.timer = setTimeout(() => {
    if (incoming.get(tabId) === kept) incoming.delete(tabId);
  }, TRANSFER_TTL_MS);
  return true;
}

/**
 * The text of a finished transfer, or null when a piece is missing (lost, out of
 * order, or the background restarted meanwhile): the content script then sends it whole.
 * @param {number} tabId
 * @param {unknown} transfer
 * @param {unknown} chunks
 * @returns {string | null}
 */
export function takeTransfer(tabId, transfer, chunks) {
  const pending = incoming.get(tabId);
  if (!pending || pending.transfer !== transfer) return null;
  dropTransfer(tabId);
  if (pending.parts.length !== chunks) return null;
  return pending.parts.length === 1 ? pending.parts[0] : pending.parts.join('');
}
