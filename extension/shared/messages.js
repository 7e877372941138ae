// termlens: the closed set of messages between the extension's execution contexts.
//
// Every message is a plain object `{ type, ...payload }`. `type` is one of the names
// below, and its prefix says who sends it to whom:
//
//   cs-bg-*     content script (gate, annotator, card) -> background
//   bg-cs-*     background -> the content script of one tab
//   popup-bg-*  popup (or any extension page) -> background
//
// This file is a classic script with no import or export, so that the same file runs
// as the gate's content script (listed before gate.js in the manifest), as a
// side-effect import in the background module and as a <script> in the popup. Each
// context reads `globalThis.TERMLENS_MESSAGES`.

globalThis.TERMLENS_MESSAGES = Object.freeze({
  /** The gate decided to annotate: `{ reason }`. Resets the tab's status. */
  CS_BG_ACTIVE: 'cs-bg-active',
  /** Annotate the page's text with the engine: `{ text, url }` -> `PageResult`. */
  CS_BG_ANNOTATE: 'cs-bg-annotate',
  /** Highlights are drawn: `{ count, drawn }` (drawn = ranges registered). */
  CS_BG_ANNOTATED: 'cs-bg-annotated',
  /** The card of a provision: `{ provision }` -> `Card | null`. */
  CS_BG_CARD: 'cs-bg-card',
  /** Test hooks only: what the card shows now, `{ card }`. */
  CS_BG_CARD_STATE: 'cs-bg-card-state',
  /** Something failed in the content script: `{ stage, message }`. */
  CS_BG_ERROR: 'cs-bg-error',

  /** Run termlens now, whatever the gate said (popup button). */
  BG_CS_RUN: 'bg-cs-run',
  /** Move to the next or previous provision: `{ direction: 'next' | 'previous' }`. */
  BG_CS_NAVIGATE: 'bg-cs-navigate',
  /** The content script's own view: -> `{ phase, reason, pageId, url, count }`. */
  BG_CS_STATUS: 'bg-cs-status',

  /** Status of a tab: `{ tabId }` -> `TabStatus` (with the engine's state). */
  POPUP_BG_STATUS: 'popup-bg-status',
  /** Run termlens on a tab: `{ tabId }` -> `{ ok, error? }`. */
  POPUP_BG_RUN: 'popup-bg-run',
});
