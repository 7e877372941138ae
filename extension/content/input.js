// termlens: the reader's pointer and keyboard on the page: hovering or clicking a
// provision opens its card, Alt+Shift+N / Alt+Shift+P move through the provisions,
// Escape closes the card. Only events the browser made from the reader's own input
// count (`isTrusted`): a page that dispatches its own events opens no card.

/**
 * Hover intent: a card opens only once the pointer has settled on a provision, that is
 * stayed within HOVER_SLOP_PX of one point for HOVER_DWELL_MS. A reader's pointer drifting
 * across the text while reading keeps moving and opens nothing; a hand resting on a
 * clause (which trembles by a pixel or two) opens it after about half a second, the time
 * after which a rest reads as deliberate rather than as a pause between movements.
 */
const HOVER_DWELL_MS = 500;
const HOVER_SLOP_PX = 6;
/** Grace before a card opened by hover closes once the pointer has left it and its provision. */
const HOVER_CLOSE_MS = 400;

/**
 * What the listeners act on (the annotator).
 * @typedef {object} InputTarget
 * @property {() => number} count   provisions drawn
 * @property {(x: number, y: number) => number} itemAt   the provision under a point, or -1
 * @property {(index: number) => string} provisionAt
 * @property {() => import('../overlay/card.js').CardApi | null} card   the card, once created
 * @property {() => boolean} hoverOpens   whether a settled pointer opens a card (the reader's
 *   setting; when false only click and keyboard do)
 * @property {(index: number, source: 'hover' | 'click') => Promise<void>} open
 * @property {(step: 1 | -1) => Promise<unknown>} step   Alt+Shift+N (1) or Alt+Shift+P (-1)
 * @property {(stage: string, error: unknown) => void} report
 */

/**
 * A listener that reports what it throws or rejects with, under `stage`.
 * @template {any[]} A
 * @param {InputTarget} target
 * @param {string} stage
 * @param {(...args: A) => unknown} f
 * @returns {(...args: A) => void}
 */
function guard(target, stage, f) {
  return (...args) => {
    try {
      const out = /** @type {any} */ (f(...args));
      if (out && typeof out.catch === 'function') out.catch((/** @type {unknown} */ error) => target.report(stage, error));
    } catch (error) {
      target.report(stage, error);
    }
  };
}

/**
 * Hover: once the pointer has settled on a provision (hover intent, above) its card
 * opens; once it has left both the provision and the card, a card that hover opened
 * closes. With hover opening turned off, the pointer never opens a card.
 * @param {Document} doc
 * @param {InputTarget} target
 */
function listenToHover(doc, target) {
  let frame = 0;
  let x = 0;
  let y = 0;
  // Where the pointer last settled from: a move farther than HOVER_SLOP_PX restarts the dwell.
  let restX = Number.NaN;
  let restY = Number.NaN;
  let openTimer = 0;
  let closeTimer = 0;
  let hovered = -1;

  const settled = guard(target, 'hover', () => {
    openTimer = 0;
    if (!target.count() || !target.hoverOpens()) return;
    const card = target.card();
    if (card?.isOpen() && card.contains(x, y)) return;
    const index = target.itemAt(x, y);
    if (index < 0 || (card?.isOpen() && card.provision() === target.provisionAt(index))) return;
    return target.open(index, 'hover');
  });

  const onFrame = guard(target, 'hover', () => {
    frame = 0;
    if (!target.count()) return;
    const card = target.card();
    // Over the card: it stays, whatever is under it.
    if (card?.isOpen() && card.contains(x, y)) {
      clearTimeout(closeTimer);
      clearTimeout(openTimer);
      openTimer = 0;
      hovered = -1;
      return;
    }
    hovered = target.itemAt(x, y);
    if (!openTimer || Math.hypot(x - restX, y - restY) > HOVER_SLOP_PX) {
      clearTimeout(openTimer);
      restX = x;
      restY = y;
      openTimer = hovered >= 0 ? setTimeout(settled, HOVER_DWELL_MS) : 0;
    }
    clearTimeout(closeTimer);
    if (hovered < 0 && card?.isOpen() && card.source() === 'hover') {
      closeTimer = setTimeout(() => {
        const now = target.card();
        if (hovered < 0 && now?.source() === 'hover' && !now.contains(x, y)) now.close('pointer left');
      }, HOVER_CLOSE_MS);
    }
  });

  doc.addEventListener('pointermove', (event) => {
    if (!event.isTrusted || (event.pointerType !== 'mouse' && event.pointerType !== 'pen')) return;
    x = event.clientX;
    y = event.clientY;
    frame ||= requestAnimationFrame(onFrame);
  }, { passive: true });
}

/**
 * Click: on a provision opens its card; outside the card closes it. Clicks on links,
 * controls and while text is selected are the page's.
 * @param {Document} doc
 * @param {InputTarget} target
 */
function listenToClicks(doc, target) {
  doc.addEventListener('click', guard(target, 'click', (/** @type {MouseEvent} */ event) => {
    if (!event.isTrusted || !target.count() || event.defaultPrevented || event.button !== 0) return;
    const card = target.card();
    const element = /** @type {Element} */ (event.target);
    if (element === card?.host) return;
    if (element?.closest?.('a[href], button, input, select, textarea, label, [contenteditable]')) return;
    if (String(getSelection() ?? '').length > 0) return;
    const index = target.itemAt(event.clientX, event.clientY);
    if (index >= 0) return target.open(index, 'click');
    if (card?.isOpen() && !card.contains(event.clientX, event.clientY)) card.close('click outside');
  }), true);
}

/**
 * Keys: Escape closes the card; Alt+Shift+N / Alt+Shift+P move to the next or previous
 * provision, except while typing in a field (where they may type a character).
 * @param {Document} doc
 * @param {InputTarget} target
 */
function listenToKeys(doc, target) {
  doc.addEventListener('keydown', guard(target, 'keyboard', (/** @type {KeyboardEvent} */ event) => {
    if (!event.isTrusted) return;
    const card = target.card();
    if (event.key === 'Escape' && card?.isOpen()) {
      card.close('escape', true);
      return;
    }
    if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
    if (event.code !== 'KeyN' && event.code !== 'KeyP') return;
    if (!target.count()) return;
    const element = /** @type {HTMLElement} */ (event.target);
    if (element !== card?.host && (element?.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element?.tagName ?? ''))) return;
    event.preventDefault();
    event.stopPropagation();
    return target.step(event.code === 'KeyN' ? 1 : -1);
  }), true);
}

/**
 * Installs the pointer, keyboard, scroll and resize listeners of one page.
 * @param {Document} doc
 * @param {InputTarget} target
 */
export function listenToPointerAndKeys(doc, target) {
  listenToHover(doc, target);
  listenToClicks(doc, target);
  listenToKeys(doc, target);
  const reposition = () => {
    if (target.card()?.isOpen()) requestAnimationFrame(() => target.card()?.place());
  };
  const view = doc.defaultView ?? globalThis;
  view.addEventListener('scroll', reposition, { passive: true, capture: true });
  view.addEventListener('resize', reposition, { passive: true });
}
