// termlens: the page's visible text as one string, and the map back to the DOM.
//
// The engine receives flat text and answers with UTF-16 offsets into it; this module
// builds that text and turns offsets back into DOM Ranges (compare Hypothesis's
// anchoring/text-range.ts). The text is every visible text node's data, unchanged, in
// document order; a '\n' is put between two text nodes only where a block boundary
// (p, li, div, h1-h6, td, br, ...) separates them, and nothing between inline elements,
// so that a clause split across <strong>, <a> or <span> stays contiguous.
//
//   <p>You <strong>may not</strong> resell</p><ul><li>Output</li></ul>
//   text:   "You may not resell\nOutput"
//   nodes:   ^0  ^4      ^11      ^19          (starts[i] = offset of nodes[i])

/** Elements whose content is never visible text. */
const SKIP = new Set([
  'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'CANVAS',
  'VIDEO', 'AUDIO', 'TEXTAREA', 'SELECT', 'HEAD', 'TITLE', 'svg', 'math',
]);

/** Elements that start a new line of text. */
const BLOCK = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BODY', 'BR', 'CAPTION', 'DD', 'DETAILS',
  'DIALOG', 'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM', 'H1',
  'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HGROUP', 'HR', 'LEGEND', 'LI', 'MAIN', 'MENU',
  'NAV', 'OL', 'OPTION', 'P', 'PRE', 'SECTION', 'SUMMARY', 'TABLE', 'TBODY', 'TD', 'TFOOT',
  'TH', 'THEAD', 'TR', 'UL',
]);

/**
 * The page's text and where each text node sits in it.
 * @typedef {object} PageText
 * @property {string} text
 * @property {Text[]} nodes      visible text nodes, in document order
 * @property {number[]} starts   UTF-16 offset of each node's first unit in `text`
 */

/**
 * Extracts the visible text under `root`.
 * @param {Element} root
 * @param {(element: Element) => boolean} [exclude] subtrees to leave out (the card)
 * @returns {PageText}
 */
export function extractText(root, exclude = () => false) {
  const parts = [];
  /** @type {Text[]} */
  const nodes = [];
  const starts = [];
  let length = 0;
  let pendingBreak = false;
  /** @type {Element | null} */
  let lastBlock = null;
  /** @type {Map<Element, Element>} element -> its nearest block ancestor (or itself) */
  const blockOf = new Map();

  const nearestBlock = (/** @type {Element} */ element) => {
    /** @type {Element[]} */
    const path = [];
    let e = element;
    let found = null;
    while (e && e !== root) {
      const cached = blockOf.get(e);
      if (cached) { found = cached; break; }
      path.push(e);
      if (BLOCK.has(e.tagName)) { found = e; break; }
      e = e.parentElement;
    }
    found ??= root;
    for (const p of path) blockOf.set(p, found);
    return found;
  };

  const doc = root.ownerDocument;
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      if (node.nodeType === Node.TEXT_NODE) return NodeFilter.FILTER_ACCEPT;
      const element = /** @type {HTMLElement} */ (node);
      if (SKIP.has(element.tagName) || element.hidden || exclude(element)) return NodeFilter.FILTER_REJECT;
      // display:none, content-visibility:hidden or visibility:hidden (with ancestors).
      if (element.checkVisibility && !element.checkVisibility({ visibilityProperty: true })) {
        return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });

  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType !== Node.TEXT_NODE) {
      if (BLOCK.has(/** @type {Element} */ (node).tagName)) pendingBreak = true;
      continue;
    }
    const text = /** @type {Text} */ (node);
    const data = text.data;
    if (!data) continue;
    const block = text.parentElement ? nearestBlock(text.parentElement) : root;
    if (length > 0 && (pendingBreak || block !== lastBlock)) {
      parts.push('\n');
      length += 1;
    }
    pendingBreak = false;
    lastBlock = block;
    nodes.push(text);
    starts.push(length);
    parts.push(data);
    length += data.length;
  }
  return { text: parts.join(''), nodes, starts };
}

/**
 * Index of the last node starting at or before `offset` (or -1).
 * @param {number[]} starts
 * @param {number} offset
 */
function lastStartAtOrBefore(starts, offset) {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= offset) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
  }
  return found;
}

/**
 * The DOM Range of `[start, end)` in the text, or null when it cannot be built (the
 * offsets fall outside the text, or the nodes changed since extraction).
 * A start that falls on a separator moves forward to the next node; an end that falls
 * on one moves back to the end of the previous node.
 * @param {PageText} page
 * @param {number} start
 * @param {number} end
 * @returns {Range | null}
 */
export function rangeOf(page, start, end) {
  const { nodes, starts } = page;
  if (!(start >= 0 && end > start && nodes.length)) return null;
  let i = lastStartAtOrBefore(starts, start);
  if (i < 0) i = 0;
  let startOffset = start - starts[i];
  if (startOffset >= nodes[i].data.length) {
    i += 1;
    startOffset = 0;
  }
  let j = lastStartAtOrBefore(starts, end - 1);
  if (j < i || i >= nodes.length) return null;
  const endOffset = Math.min(end - starts[j], nodes[j].data.length);
  try {
    const range = nodes[i].ownerDocument.createRange();
    range.setStart(nodes[i], Math.min(startOffset, nodes[i].data.length));
    range.setEnd(nodes[j], endOffset);
    return range.collapsed ? null : range;
  } catch {
    return null;
  }
}

/**
 * The offset in the text of a DOM position inside one of its text nodes, or -1.
 * @param {PageText & { index?: Map<Node, number> }} page
 * @param {Node} node
 * @param {number} offset
 */
export function offsetOf(page, node, offset) {
  page.index ??= new Map(page.nodes.map((n, k) => [n, page.starts[k]]));
  const start = page.index.get(node);
  return start === undefined ? -1 : start + offset;
}

/**
 * A fast fingerprint of a text (FNV-1a, 32 bits, with the length), to tell whether
 * a page's text really changed before annotating it again.
 * @param {string} text
 */
export function fingerprint(text) {
  let hash = 0x811c9dc5;
  for (let k = 0; k < text.length; k += 1) {
    hash ^= text.charCodeAt(k);
    hash = Math.imul(hash, 0x01000193);
  }
  return `${text.length}:${(hash >>> 0).toString(16)}`;
}
