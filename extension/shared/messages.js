// termlens: the closed set of messages between the extension's execution contexts.
//
// Every message is a plain object `{ type, ...payload }`. `type` is one of the names
// below, and its prefix says who sends it to whom:
//
//   cs-bg-*     content script (gate, annotator, card) -> background
//   bg-cs-*     background -> the content script of one tab
//   popup-bg-*    the popup (also opened as a page: the lookup) and the side panel -> background
//   panel-bg-*    the side panel -> background
//   options-bg-*  the options page -> background
//   test-bg-*     the browser tests, from an extension page -> background
//
// The background accepts popup-bg-*, options-bg-* and test-bg-* only from termlens's own
// pages, and the test messages (test-bg-*, and the two cs-bg-*-state ones) only while
// `storage.local.termlensTestHooks` is true.
//
// This file is a classic script with no import or export, so that the same file runs
// as the gate's content script (listed before gate.js in the manifest), as a
// side-effect import in the background module and as a <script> in the popup. Each
// context reads `globalThis.TERMLENS_MESSAGES`.

globalThis.TERMLENS_MESSAGES = Object.freeze({
  /** The gate decided to annotate: `{ reason }`. Resets the tab's status. */
  CS_BG_ACTIVE: 'cs-bg-active',
  /**
   * Annotate the page's text with the engine: `{ text, url, changes }` -> `PageResult`.
   * `changes: true` (each run of a page load until its changes are asked) keeps the text
   * for `CS_BG_CHANGES`, replacing the one kept before.
   */
  CS_BG_ANNOTATE: 'cs-bg-annotate',
  /**
   * One piece of the page's text, sent while it is being read: `{ transfer, seq, text }`
   * (seq 0, 1, 2... in order). `CS_BG_ANNOTATE { transfer, chunks, url, changes }`
   * then annotates their concatenation, or answers `{ resend: true }` when a piece is
   * missing (the content script sends `{ text }` instead).
   */
  CS_BG_TEXT: 'cs-bg-text',
  /**
   * What changed in the text of the last `CS_BG_ANNOTATE { changes: true }`, since the
   * last visit or against the known version: `{}` -> `Changes | null`. Asked once the
   * provisions are drawn, so that the diff never delays the highlights.
   */
  CS_BG_CHANGES: 'cs-bg-changes',
  /** Highlights are drawn: `{ count, drawn }` (drawn = ranges registered). */
  CS_BG_ANNOTATED: 'cs-bg-annotated',
  /** The card of a provision: `{ provision }` -> `Card | null`. */
  CS_BG_CARD: 'cs-bg-card',
  /** The card of a detection: `{ topics, text }` -> DetectionCard | null. */
  CS_BG_DETECTION_CARD: 'cs-bg-detection-card',
  /**
   * One of a card's `more`, whole (with its clause), when the reader opens it:
   * `{ topics, provision }` (the card's topic ids, the comparison's id) -> `Comparison | null`.
   */
  CS_BG_COMPARISON: 'cs-bg-comparison',
  /** Test hooks only: what the card shows now, `{ card }`. */
  CS_BG_CARD_STATE: 'cs-bg-card-state',
  /**
   * Test hooks only: what the changes panel shows, `{ panel }` (null when closed), what
   * the changes badge shows, `{ badge: { text, label } }` (null when hidden), or the
   * passage the panel scrolled to, `{ shown: { index, kind, text } }`.
   */
  CS_BG_CHANGES_STATE: 'cs-bg-changes-state',
  /**
   * The card's "Open in side panel" (a click): `{ provision }` -> `{ opened, error? }`.
   * The provision is kept as the side panel's selection (storage.session).
   */
  CS_BG_OPEN_PANEL: 'cs-bg-open-panel',
  /** Something failed in the content script: `{ stage, message }`. */
  CS_BG_ERROR: 'cs-bg-error',

  /** Run termlens now, whatever the gate said (popup button). */
  BG_CS_RUN: 'bg-cs-run',
  /**
   * Move to the next or previous provision, or to one provision:
   * `{ direction: 'next' | 'previous' }` or `{ provision, card? }` (`card: false`: scroll
   * to it and mark it, without opening its card: the side panel shows it).
   */
  BG_CS_NAVIGATE: 'bg-cs-navigate',
  /** The text the reader has selected on the page: -> `string` (at most 1,000 characters). */
  BG_CS_SELECTION: 'bg-cs-selection',
  /** The content script's own view: -> `{ phase, reason, pageId, url, count }`. */
  BG_CS_STATUS: 'bg-cs-status',
  /** Open the list of what changed in the page (the popup's Show): -> `{ opened }`. */
  BG_CS_SHOW_CHANGES: 'bg-cs-show-changes',
  /** Scroll to one changed passage and mark it: `{ index }` (in the changes' list) -> `{ shown }`. */
  BG_CS_SHOW_CHANGE: 'bg-cs-show-change',

  /** Status of a tab: `{ tabId }` -> `TabStatus` (with the engine's state). */
  POPUP_BG_STATUS: 'popup-bg-status',
  /** Run termlens on a tab: `{ tabId }` -> `{ ok, error? }`. */
  POPUP_BG_RUN: 'popup-bg-run',
  /**
   * Search the knowledge base: `{ query, filters: { platforms?, topics?, exposure? }, limit }`
   * -> `Hit[]`, ranked by the engine.
   */
  POPUP_BG_LOOKUP: 'popup-bg-lookup',
  /** The lookup filters' values: -> `{ platforms: Facet[], topics: Facet[] }`. */
  POPUP_BG_FACETS: 'popup-bg-facets',
  /** The card of a provision: `{ provision }` -> `Card | null`. */
  POPUP_BG_CARD: 'popup-bg-card',
  /** As CS_BG_COMPARISON, for the popup and the side panel: `{ topics, provision }` -> `Comparison | null`. */
  POPUP_BG_COMPARISON: 'popup-bg-comparison',
  /**
   * Every comparison of a provision, whole and in the card's order (the exports):
   * `{ provision }` -> `Comparison[] | null`.
   */
  POPUP_BG_COMPARISONS: 'popup-bg-comparisons',
  /**
   * Scroll a tab to one provision and open its card: `{ tabId, provision, card? }` ->
   * `{ moved, provision? }` (`card: false`: no card, see BG_CS_NAVIGATE).
   */
  POPUP_BG_SHOW: 'popup-bg-show',
  /** Open the list of what changed in a tab's page: `{ tabId }` -> `{ opened }`. */
  POPUP_BG_SHOW_CHANGES: 'popup-bg-show-changes',
  /**
   * Look up a selection as the "Look up in termlens" menu entry (`{ tabId, text }`) or
   * the lookup-selection command (`{ tabId }`: the tab's selection) does it: opens the
   * lookup in a new tab -> `{ query, url, tabId }`.
   */
  POPUP_BG_LOOKUP_SELECTION: 'popup-bg-lookup-selection',

  /** The card of a detection, for the side panel: `{ topics, text }` -> DetectionCard | null. */
  PANEL_BG_DETECTION_CARD: 'panel-bg-detection-card',
  /**
   * What changed in a tab's page, as its changes panel lists it: `{ tabId }` ->
   * `Changes | null` (null also once the background was restarted: the tab's status
   * still has the counts).
   */
  PANEL_BG_CHANGES: 'panel-bg-changes',
  /** Scroll a tab to one changed passage: `{ tabId, index }` -> `{ shown }`. */
  PANEL_BG_SHOW_CHANGE: 'panel-bg-show-change',

  /** The lookup filters' values, for the options page's lists: -> `{ platforms: Facet[], topics: Facet[] }`. */
  OPTIONS_BG_FACETS: 'options-bg-facets',
  /**
   * The stored custom provision packs: -> `{ unreadable, packs: [{ index, id, name,
   * imported, text, summary: PackSummary | null, error }] }` (`error` set: set aside).
   */
  OPTIONS_BG_PACKS: 'options-bg-packs',
  /**
   * Import a pack: `{ text }` (the JSON file's text) -> `{ summary: PackSummary }` once
   * validated and stored, or `{ error }` (one line per problem; nothing stored).
   */
  OPTIONS_BG_PACK_IMPORT: 'options-bg-pack-import',
  /** Remove the stored pack at `{ index, id }` -> `{ removed }`. */
  OPTIONS_BG_PACK_REMOVE: 'options-bg-pack-remove',

  /** The engine's next call panics inside Wasm. -> `true` */
  TEST_BG_PANIC: 'test-bg-panic',
  /**
   * The engine's next annotate call never answers (the tests then stop the background
   * mid-annotation). -> `true`
   */
  TEST_BG_STALL: 'test-bg-stall',
});
