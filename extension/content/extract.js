// termlens: the page's visible text as one string, and the map back to the DOM.
//
// The engine receives flat text and answers with UTF-16 offsets into it; this module
// builds that text and turns offsets back into DOM Ranges (compare Hypothesis's
// anchoring/text-range.ts). The text is every visible text node's data, unchanged, in
// document order; a '\n' is put between two text nodes only where a block boundary
// (p, li, div, h1-h6, td, br, ...: BLOCKS) separates them, and nothing between inline elements,
// so that a clause split across <strong>, <a> or <span> stays contiguous.
//
//   <p>You <strong>may not</strong> resell</p><ul><li>Output</li></ul>
//   text:   "You may not resell\nOutput"
//   nodes:   ^0  ^4      ^11      ^19          (starts[i] = offset of nodes[i])

// Which elements are skipped and which start a block is the core's table
// (src/extract/rules.rs), generated into pkg/extract-rules.js at build time; the
// CLI's HTML reader applies the same table. What only a browser knows is decided
// here: CSS visibility and layout (off-screen, transparent, clipped, zero-size text
// is not the reader's: the one rule the CLI, which has no layout, cannot apply),
// open shadow roots, slots and same-origin iframes.
//
// The walk also writes the page's outline (unless asked not to): its block elements (and custom elements and
// in-page links: `outlined`, generated from the same table) in document order, each with
// its parent's index, tag, id/class, role, and its own text's extent, length, link text
// and commas. The core reads it to find the page's main content (the document, not the
// site around it: src/extract/main_content.rs), as the CLI's reader does from the HTML;
// the rule is the core's, this module only measures.
import {
  SKIPPED, BLOCKS, PREFORMATTED, MAX_OUTLINE, ATTRS_CARRIED, outlined, nodeText, isLink, countText,
} from '../../pkg/extract-rules.js';

/**
 * The page's text and where each text node sits in it.
 * @typedef {object} PageText
 * @property {string} text
 * @property {Text[]} nodes      visible text nodes, in document order
 * @property {number[]} starts   UTF-16 offset of each node's first unit in `text`
 * @property {OutlineBlock[]} outline  the outlined elements, in document order (the root first);
 *   empty when the outline was not asked for
 */

/**
 * One outlined element (the core's `main_content::Block`): `start`/`end` are the extent
 * of its own text (not inside an outlined child) in `text`, `len` its characters that are
 * not white space, `links` those inside a link or button, `commas` its commas.
 * @typedef {import('../../pkg/termlens.js').OutlineBlock} OutlineBlock
 */

/**
 * An element's `role` attribute, lower case ('' when none).
 * @param {Element} element
 */
function roleOf(element) {
  return (element.getAttribute('role') ?? '').toLowerCase();
}

/**
 * A new outline entry for `element`.
 * @param {Element} element
 * @param {number | null} parent
 * @param {string} role  its `role` (roleOf)
 * @returns {OutlineBlock}
 */
function outlineBlock(element, parent, role) {
  const attrs = [element.getAttribute('id'), element.getAttribute('class')]
    .filter((v) => v).join(' ').slice(0, ATTRS_CARRIED);
  return { parent, tag: element.localName, attrs, role, start: 0, end: 0, len: 0, links: 0, commas: 0 };
}

/**
 * Counts a text node of `data`, at `start` in the text, in its outline entry.
 * @param {OutlineBlock} block
 * @param {string} data
 * @param {number} start
 * @param {boolean} link inside a link or a button
 */
function countInto(block, data, start, link) {
  if (block.len === 0 && block.end === 0) block.start = start;
  block.end = start + data.length;
  const [len, commas] = countText(data);
  block.len += len;
  if (link) block.links += len;
  block.commas += commas;
}

/** A box this small (CSS px) in either dimension, clipping what overflows it, shows no text. */
const TINY_PX = 1;
/** An opacity at or below this leaves text no reader can make out. */
const FAINT = 0.05;

/**
 * Whether an element is shown, given that its ancestors are (the walk skips the
 * subtree of a hidden element): its own computed style, not `checkVisibility`,
 * which walks every ancestor again and so costs the square of the depth on a DOM
 * nested thousands of levels deep. Since the walk skips a hidden element's subtree,
 * testing each element's own style covers its ancestors too (opacity 0 on an
 * ancestor hides the text under it). Hidden is what a reader cannot see: not
 * rendered (display, visibility, content-visibility), transparent (opacity at most
 * FAINT), clipped to nothing (`clip: rect(0 0 0 0)`, `clip-path: inset(50%)`), or,
 * for the elements whose box can be elsewhere or clip (`position` other than static,
 * a transform, a negative left or top margin, `overflow` other than visible: the
 * only ones whose box is measured, which keeps the walk cheap), a box of at most
 * TINY_PX that clips its content or a box wholly outside the document's scrollable
 * area (`left: -99999px`). So the
 * "visually hidden" text of screen readers' skip links is not the reader's text
 * either. Inside a closed <details> nothing is rendered yet, and the same test
 * decides: its text is extracted, so that its clauses are found, and highlighted once
 * the reader opens it (an element there has no box to measure). An element without a
 * box of its own (display: contents, as every <slot> is) is shown; its children are
 * tested.
 * @param {Element} element
 */
function shown(element) {
  const view = element.ownerDocument.defaultView;
  const style = view?.getComputedStyle(element);
  if (!view || !style) return true;
  if (style.display === 'none' || style.visibility === 'hidden' || style.visibility === 'collapse'
    || style.contentVisibility === 'hidden' || Number.parseFloat(style.opacity) <= FAINT) return false;
  if (clippedAway(style, style.position === 'absolute' || style.position === 'fixed')) return false;
  const clips = style.overflowX !== 'visible' || style.overflowY !== 'visible';
  const moved = style.position !== 'static' || style.transform !== 'none'
    || style.marginLeft.startsWith('-') || style.marginTop.startsWith('-');
  return !(moved || clips) || boxShown(element, view, style.position === 'fixed', clips);
}

/**
 * Whether `clip` (which applies to absolutely positioned elements) or
 * `clip-path: inset()` leaves nothing of the box.
 * @param {CSSStyleDeclaration} style
 * @param {boolean} absolute
 */
function clippedAway(style, absolute) {
  const clip = absolute ? /^rect\((.*)\)$/.exec(style.clip) : null;
  if (clip) {
    const [top, right, bottom, left] = clip[1].split(/[\s,]+/).map((v) => Number.parseFloat(v));
    if (right - left <= TINY_PX || bottom - top <= TINY_PX) return true;
  }
  const inset = /^inset\(([^)]*)\)/.exec(style.clipPath);
  if (inset) {
    const values = inset[1].split(' round ')[0].trim().split(/\s+/);
    const [top, right = top, bottom = top, left = right] = values;
    const percent = (/** @type {string} */ v) => (v.endsWith('%') ? Number.parseFloat(v) : 0);
    if (percent(top) + percent(bottom) >= 100 || percent(left) + percent(right) >= 100) return true;
  }
  return false;
}

/**
 * Whether an element's box shows anything: not at most TINY_PX wide or high when it
 * clips its content, and not wholly outside the document's scrollable area (the
 * viewport, for a fixed element). An element with no box (inside a closed <details>)
 * counts as shown.
 * @param {Element} element
 * @param {Window} view
 * @param {boolean} fixed
 * @param {boolean} clips
 */
function boxShown(element, view, fixed, clips) {
  if (element.getClientRects().length === 0) return true;
  const rect = element.getBoundingClientRect();
  if (clips && (rect.width <= TINY_PX || rect.height <= TINY_PX)) return false;
  const root = element.ownerDocument.scrollingElement ?? element.ownerDocument.documentElement;
  // The area a reader can scroll to, in the viewport's coordinates.
  let area = { left: 0, top: 0, right: view.innerWidth, bottom: view.innerHeight };
  if (!fixed) {
    const rtl = view.getComputedStyle(root).direction === 'rtl';
    const left = (rtl ? root.clientWidth - root.scrollWidth : 0) - view.scrollX;
    const top = -view.scrollY;
    area = { left, top, right: left + root.scrollWidth, bottom: top + root.scrollHeight };
  }
  return rect.right > area.left && rect.left < area.right && rect.bottom > area.top && rect.top < area.bottom;
}

/**
 * The body of a same-origin iframe's document, or null (cross-origin, not loaded).
 * @param {HTMLIFrameElement} frame
 */
function frameBody(frame) {
  try {
    return frame.contentDocument?.body ?? null;
  } catch {
    return null;
  }
}

/**
 * An element's open shadow root, or null. Chromium's isolated world may not see a
 * page's root through `shadowRoot`, so the extension API that reads roots is asked
 * too (Chromium's `chrome.dom`, Firefox's `openOrClosedShadowRoot`); only open roots
 * are read either way: a closed root is the page's own business (and termlens's card
 * is one).
 * @param {Element} element
 * @returns {ShadowRoot | null}
 */
function openShadowRoot(element) {
  let shadow = element.shadowRoot;
  if (!shadow) {
    try {
      shadow = globalThis.chrome?.dom?.openOrClosedShadowRoot?.(element)
        ?? /** @type {any} */ (element).openOrClosedShadowRoot ?? null;
    } catch {
      shadow = null;
    }
  }
  return shadow && shadow.mode === 'open' ? shadow : null;
}

/**
 * Extracts the visible text under `root`, in the order the reader sees it (the
 * flat tree): the content of open shadow roots in place of their host's children
 * (slotted children where their slot is), the body of same-origin iframes, and the
 * content of closed <details>. Text from different node trees (the page, a shadow
 * root, an iframe) is always separated by a line break, since one DOM Range cannot
 * span two trees.
 *
 * The walk keeps its own stack, so a DOM nested thousands of levels deep costs no
 * recursion.
 * @param {Element} root
 * @param {(element: Element) => boolean} [exclude] subtrees to leave out (the card)
 * @param {{ outline?: boolean }} [options] `outline: false`: no outline is built
 * @returns {PageText}
 */
export function extractText(root, exclude = () => false, { outline = true } = {}) {
  const walk = walkText(root, exclude, outline);
  let step = walk.next();
  while (!step.done) step = walk.next();
  return step.value;
}

/** Nodes visited between two looks at the clock in `extractTextInSlices`. */
const SLICE_NODES = 250;

/**
 * `extractText` in slices of about `budgetMs` of main-thread time (the first slice
 * `firstBudgetMs`), yielding to the page's own tasks between slices, so that a page of
 * 100,000 text nodes or 5,000 levels costs no long task. A longer first slice lets a
 * page of ordinary size (the AWS Service Terms: ~15 ms) be read in one task, with no
 * yield to wait for. The DOM may change between slices: a node removed
 * meanwhile still holds its old text, and a range built on it later is simply not
 * drawn (`rangeOf` returns null or a range the page no longer shows); the gate's
 * mutation watch annotates again once the page settles.
 * @param {Element} root
 * @param {(element: Element) => boolean} [exclude]
 * @param {{ budgetMs?: number, firstBudgetMs?: number, outline?: boolean }} [options]
 *   `outline: false`: no outline is built
 * @returns {Promise<PageText>}
 */
export async function extractTextInSlices(root, exclude = () => false, { budgetMs = 8, firstBudgetMs = budgetMs, outline = true } = {}) {
  const walk = walkText(root, exclude, outline);
  let sliceStart = performance.now();
  let budget = firstBudgetMs;
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= budget) {
      budget = budgetMs;
      await new Promise((resolve) => setTimeout(resolve, 0));
      sliceStart = performance.now();
    }
  }
}

/**
 * The walk of `extractText`, pausing (yielding) every SLICE_NODES nodes.
 * @param {Element} root
 * @param {(element: Element) => boolean} exclude
 * @param {boolean} withOutline  build the outline
 * @returns {Generator<void, PageText, void>}
 */
function* walkText(root, exclude, withOutline) {
  let visited = 0;
  const parts = [];
  /** @type {Text[]} */
  const nodes = [];
  const starts = [];
  let length = 0;
  let pendingBreak = false;
  /** @type {Node | null} the block (or tree) of the last text node */
  let lastBlock = null;
  /** @type {OutlineBlock[]} */
  const outline = withOutline ? [outlineBlock(root, null, roleOf(root))] : [];

  /**
   * Nodes still to visit, each with its nearest block ancestor (in the flat tree), its
   * nearest outlined ancestor (`out`, an index in `outline`), whether it is inside a
   * link or a button, and whether it is inside preformatted text (`pre`, in the flat
   * tree). Children are pushed in reverse so that they pop in document
   * order. (The content of a closed <details> is walked like any other: `shown` reads
   * each element's own style, which the collapsed state does not change.)
   * @typedef {{ node: Node, block: Node, out: number, link: boolean, pre: boolean }} Entry
   * @type {Entry[]}
   */
  const stack = [];
  /** @type {(list: ArrayLike<Node>, block: Node, out: number, link: boolean, pre: boolean) => void} */
  const push = (list, block, out, link, pre) => {
    for (let k = list.length - 1; k >= 0; k -= 1) stack.push({ node: list[k], block, out, link, pre });
  };
  push(root.childNodes, root, 0, false, PREFORMATTED.has(root.localName));

  while (stack.length) {
    visited += 1;
    if (visited % SLICE_NODES === 0) yield;
    const { node, block, out, link, pre } = /** @type {Entry} */ (stack.pop());
    if (node.nodeType === 3) {
      const text = /** @type {Text} */ (node);
      const data = text.data;
      if (!data) continue;
      if (length > 0 && (pendingBreak || block !== lastBlock)) {
        parts.push('\n');
        length += 1;
      }
      pendingBreak = false;
      lastBlock = block;
      nodes.push(text);
      starts.push(length);
      // A line break of the HTML source reads as the space the page shows (nodeText).
      parts.push(nodeText(data, pre));
      if (withOutline) countInto(outline[out], data, length, link);
      length += data.length;
      continue;
    }
    if (node.nodeType !== 1) continue;
    const element = /** @type {HTMLElement} */ (node);
    const tag = element.localName;
    if (tag === 'iframe') {
      const body = frameBody(/** @type {HTMLIFrameElement} */ (element));
      if (body && !exclude(element) && shown(element)) {
        pendingBreak = true;
        push(body.childNodes, body, out, link, false);
      }
      continue;
    }
    if (SKIPPED.has(tag) || element.hidden || exclude(element) || !shown(element)) continue;
    const isBlock = BLOCKS.has(tag);
    if (isBlock) pendingBreak = true;
    const inner = isBlock ? element : block;
    let innerOut = out;
    // Past the cap the outline is not read at all (the whole text is compared), so
    // it stops growing.
    const role = roleOf(element);
    if (withOutline && outline.length <= MAX_OUTLINE && outlined(tag, element.getAttribute('href') ?? '')) {
      outline.push(outlineBlock(element, out, role));
      innerOut = outline.length - 1;
    }
    const innerLink = link || isLink(tag, role);
    const innerPre = pre || PREFORMATTED.has(tag);
    const shadow = openShadowRoot(element);
    if (shadow) {
      // Another tree: its text is a block of its own.
      pendingBreak = true;
      push(shadow.childNodes, shadow, innerOut, innerLink, innerPre);
      continue;
    }
    if (tag === 'slot') {
      const assigned = /** @type {HTMLSlotElement} */ (element).assignedNodes();
      if (assigned.length) {
        pendingBreak = true;
        push(assigned, element, innerOut, innerLink, innerPre);
        continue;
      }
    }
    push(element.childNodes, inner, innerOut, innerLink, innerPre);
  }
  return { text: parts.join(''), nodes, starts, outline };
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
