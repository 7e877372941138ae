// termlens: drawing the annotations with the CSS Custom Highlight API.
//
// The page's DOM is not touched: ranges are registered in `CSS.highlights` under the
// names below, styled by extension/styles/highlights.css (injected by the manifest).
//
//   termlens-exact          a provision whose wording matches a known version
//   termlens-changed        a provision whose wording differs from every known version
//   termlens-changed-words  the page's words that differ, inside a changed provision
//   termlens-active         the provision whose card is open
//   termlens-exposure-high, termlens-exposure-medium, termlens-exposure-low
//                           the same provisions again, by the governance exposure the
//                           engine gives each: a line over the clause's first words whose
//                           weight and style tell the level (not its colour alone); only
//                           the start, as a line over every wrapped line would cross the
//                           descenders of the line above like a strike-through
//   termlens-alternate      every second provision in page order, a deeper tint: two
//                           provisions that touch show where one ends and the next begins
//   termlens-contrast-exact, termlens-contrast-changed
//                           the same provisions again, in the high-contrast style
//                           (options page), drawn over the default ones
//   termlens-page-change    a passage changed since the last visit (or since the version
//                           termlens knows): inserted, changed or moved, known provision or not
//   termlens-page-change-words   the inserted words inside a changed passage
//   termlens-page-change-active  the passage (or the place of a deleted one) the changes
//                           panel scrolled to
//   termlens-detected       a passage termlens does not know whose clause category the
//                           engine detected (quieter than a known provision)

export const NAMES = Object.freeze({
  exact: 'termlens-exact',
  changed: 'termlens-changed',
  changedWords: 'termlens-changed-words',
  active: 'termlens-active',
  contrastExact: 'termlens-contrast-exact',
  contrastChanged: 'termlens-contrast-changed',
  exposureHigh: 'termlens-exposure-high',
  exposureMedium: 'termlens-exposure-medium',
  exposureLow: 'termlens-exposure-low',
  alternate: 'termlens-alternate',
  pageChange: 'termlens-page-change',
  pageChangeWords: 'termlens-page-change-words',
  pageChangeActive: 'termlens-page-change-active',
  detected: 'termlens-detected',
});

/**
 * Later names are drawn over earlier ones.
 * @type {Record<string, number>}
 */
const PRIORITY = {
  [NAMES.exact]: 1, [NAMES.changed]: 1, [NAMES.contrastExact]: 2, [NAMES.contrastChanged]: 2,
  // The alternate tint and the exposure line lie over the status tint (either style).
  [NAMES.alternate]: 3, [NAMES.exposureHigh]: 3, [NAMES.exposureMedium]: 3, [NAMES.exposureLow]: 3,
  [NAMES.changedWords]: 4, [NAMES.active]: 5,
  // Page changes lie under the provisions' own highlights, their words above the tints.
  [NAMES.pageChange]: 0, [NAMES.pageChangeWords]: 2, [NAMES.pageChangeActive]: 5,
  // Detections never overlap a known provision; they lie under every other highlight.
  [NAMES.detected]: 0,
};

/** Whether this browser has the Highlight API. */
export function supported() {
  return typeof CSS !== 'undefined' && 'highlights' in CSS && typeof Highlight === 'function';
}

/**
 * @param {string} name
 * @param {Range[]} ranges
 */
function set(name, ranges) {
  if (!ranges.length) {
    CSS.highlights.delete(name);
    return;
  }
  const highlight = new Highlight(...ranges);
  highlight.priority = PRIORITY[name] ?? 0;
  CSS.highlights.set(name, highlight);
}

/** The highlight name of each exposure level the engine gives (`annotation.exposure`). */
const EXPOSURE_NAMES = Object.freeze({
  high: NAMES.exposureHigh, medium: NAMES.exposureMedium, low: NAMES.exposureLow,
});

/**
 * The start of a provision's range: its first two words, within the text node it starts
 * in (the whole range when it does not start in text).
 * @param {Range} range
 */
function startMarker(range) {
  const marker = range.cloneRange();
  const node = range.startContainer;
  if (node.nodeType !== Node.TEXT_NODE) return marker;
  const data = /** @type {Text} */ (node).data;
  const stop = node === range.endContainer ? range.endOffset : data.length;
  const first = /^\s*\S+(?:\s+\S+)?/.exec(data.slice(range.startOffset, stop));
  marker.setEnd(node, first ? range.startOffset + first[0].length : stop);
  return marker;
}

/**
 * @typedef {{ status: string, range: Range, changes: Range[], annotation?: { exposure?: string } }} DrawItem
 */

/**
 * Registers the highlights of all annotations (replacing earlier ones).
 * @param {DrawItem[]} items in page order
 * @param {'default' | 'high-contrast'} [style]
 */
export function draw(items, style = 'default') {
  const exact = items.filter((i) => i.status === 'exact').map((i) => i.range);
  const changed = items.filter((i) => i.status !== 'exact').map((i) => i.range);
  set(NAMES.exact, exact);
  set(NAMES.changed, changed);
  const contrast = style === 'high-contrast';
  set(NAMES.contrastExact, contrast ? exact : []);
  set(NAMES.contrastChanged, contrast ? changed : []);
  for (const [level, name] of Object.entries(EXPOSURE_NAMES)) {
    set(name, items.filter((i) => i.annotation?.exposure === level).map((i) => startMarker(i.range)));
  }
  set(NAMES.alternate, items.filter((_, n) => n % 2 === 1).map((i) => i.range));
  set(NAMES.changedWords, items.flatMap((i) => i.changes));
  // A user-timing mark on the page's timeline: the benchmark (bench/run.mjs) places
  // the main thread's long tasks against it. Nothing reads it otherwise.
  performance.mark('termlens:drawn');
}

/**
 * Registers the detected passages (replacing earlier ones).
 * @param {Range[]} ranges
 */
export function drawDetections(ranges) {
  set(NAMES.detected, ranges);
}

/**
 * Registers the changed passages of the page and their inserted words (replacing
 * earlier ones).
 * @param {Range[]} passages
 * @param {Range[]} words
 */
export function drawPageChanges(passages, words) {
  set(NAMES.pageChange, passages);
  set(NAMES.pageChangeWords, words);
}

/** @param {Range | null} range the passage the changes panel points at, or null */
export function setPageChangeActive(range) {
  set(NAMES.pageChangeActive, range ? [range] : []);
}

/** @param {Range | null} range the focused provision, or null for none */
export function setActive(range) {
  set(NAMES.active, range ? [range] : []);
}

/** Removes every termlens highlight. */
export function clear() {
  for (const name of Object.values(NAMES)) CSS.highlights.delete(name);
}
