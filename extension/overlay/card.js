// termlens: the card that explains a provision, in a closed shadow root.
//
// The card's host is a plain element with a closed shadow root (extension/shared/dom.js,
// overlayHost). Everything inside is built with createElement and textContent: the
// page's text and the knowledge base's text are treated as hostile input and never
// parsed as HTML.

import { CARD_CSS } from './card-style.js';
import { t } from '../shared/i18n.js';
import { h, overlayHost } from '../shared/dom.js';

// The engine's result types, generated into pkg/termlens.d.ts by wasm-bindgen from
// src/wasm.rs.
/** @typedef {import('../../pkg/termlens.js').Annotation} Annotation */
/** @typedef {import('../../pkg/termlens.js').Card} Card */
/** @typedef {import('../../pkg/termlens.js').Detection} Detection */
/** @typedef {import('../../pkg/termlens.js').DetectionCard} DetectionCard */
/** @typedef {import('../../pkg/termlens.js').Comparison} Comparison */
/** @typedef {import('../../pkg/termlens.js').MoreComparison} MoreComparison */

/**
 * Gives one of a card's `more` whole (with its clause) when the reader opens it: the
 * card's topic ids and the comparison's id -> the comparison. Each context that draws
 * cards (the content script, the popup, the side panel) sets its own messenger.
 * @typedef {(topics: string[], provision: string) => Promise<Comparison | null>} ComparisonSource
 */

/** @type {ComparisonSource} */
let comparisonSource = async () => null;

/**
 * Sets where the cards drawn in this context get a `more` comparison's clause.
 * @param {ComparisonSource} source
 */
export function setComparisonSource(source) {
  comparisonSource = source;
}

/** @typedef {ReturnType<typeof createCard>} CardApi */

/**
 * What the card shows now, for the status record and the tests.
 * @typedef {{ open: boolean, provision: string, source: string, text: string,
 *   focused: boolean, styled: boolean }} CardState
 */

/**
 * An http(s) address from the knowledge base, or null.
 * @param {unknown} url
 */
function safeUrl(url) {
  try {
    const parsed = new URL(String(url));
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * The word diff, known wording -> page, as a paragraph of text, <ins> and <del>.
 * Pieces are joined with a space unless one already brings its own.
 * @param {Document} doc
 * @param {Annotation['diff']} diff
 */
function diffParagraph(doc, diff) {
  const p = h(doc, 'p', { class: 'diff', attrs: { 'aria-label': t('cardDiffLabel') } });
  let previous = '';
  for (const piece of diff) {
    const text = String(piece.text ?? '');
    if (!text) continue;
    if (previous && !/\s$/.test(previous) && !/^\s/.test(text)) p.append(doc.createTextNode(' '));
    if (piece.op === 'insert') p.append(h(doc, 'ins', { text, attrs: { title: t('cardOnPage') } }));
    else if (piece.op === 'delete') p.append(h(doc, 'del', { text, attrs: { title: t('cardInKnown') } }));
    else p.append(doc.createTextNode(text));
    previous = text;
  }
  return p;
}

/**
 * A card's head: "termlens · EYEBROW", the title, the close button and, when the card
 * can hand over to the side panel, "Open in side panel".
 * @param {Document} doc
 * @param {string} eyebrow
 * @param {string} title
 * @param {Actions} actions
 */
function head(doc, eyebrow, title, actions) {
  const close = h(doc, 'button', { class: 'close', text: '\u00d7', attrs: { type: 'button', 'aria-label': t('cardClose') } });
  close.addEventListener('click', actions.close);
  // A plain block, not <header>: inside the page it would be a second banner landmark.
  return h(doc, 'div', { class: 'head' }, [
    h(doc, 'div', { class: 'eyebrow', text: `termlens \u00b7 ${eyebrow}` }),
    h(doc, 'h2', { text: title }),
    close,
    actions.panel && panelButton(doc, actions.panel, actions.changed),
  ]);
}

/**
 * "Open in side panel": asks for the panel (`open` answers whether it opened); where the
 * browser refuses, a line says where the reader finds it (and `changed` tells the card's
 * watchers that the card's text changed).
 * @param {Document} doc
 * @param {() => Promise<{ opened?: boolean } | null>} open
 * @param {() => void} [changed]
 */
function panelButton(doc, open, changed) {
  const note = h(doc, 'span', { class: 'panel-note', attrs: { role: 'status' } });
  const button = h(doc, 'button', { class: 'panel-link', text: t('cardOpenPanel'), attrs: { type: 'button' } });
  const refused = () => {
    note.textContent = t('cardPanelRefused');
    changed?.();
  };
  button.addEventListener('click', () => {
    note.textContent = '';
    open().then((r) => { if (!r?.opened) refused(); }, refused);
  });
  return h(doc, 'div', { class: 'panel-row' }, [button, note]);
}

/**
 * What a card's head can do: close it, open the side panel (when offered), and say
 * that the card's text changed.
 * @typedef {{ close: () => void, panel?: () => Promise<{ opened?: boolean } | null>, changed?: () => void }} Actions
 */

/**
 * The card's content for one annotation.
 * @param {Document} doc
 * @param {Annotation} annotation
 * @param {Card | null} card
 * @param {Actions} actions
 */
function render(doc, annotation, card, actions) {
  const where = [annotation.platformName, card?.documentName].filter(Boolean).join(' \u00b7 ');
  return [head(doc, where, card?.title ?? annotation.title, actions), ...annotationBody(doc, annotation, card)];
}

/**
 * What the card says of one annotation below its head: known or changed wording (with
 * the word diff), then the card's body. Shared by the in-page card and the side panel.
 * @param {Document} doc
 * @param {Pick<Annotation, 'status' | 'version' | 'diff'>} annotation
 * @param {Card | null} card
 * @returns {HTMLElement[]}
 */
export function annotationBody(doc, annotation, card) {
  /** @type {HTMLElement[]} */
  const children = [];
  if (annotation.status === 'exact') {
    children.push(h(doc, 'p', { class: 'status' }, [
      h(doc, 'b', { text: t('cardKnownWording') }),
      doc.createTextNode(` ${t('cardKnownWordingDetail', annotation.version)}`),
    ]));
  } else {
    children.push(h(doc, 'p', { class: 'status' }, [
      h(doc, 'b', { text: t('cardChangedWording') }),
      doc.createTextNode(` ${t('cardChangedWordingDetail', annotation.version)}`),
    ]));
    if (annotation.diff?.length) children.push(diffParagraph(doc, annotation.diff));
  }

  if (!card) {
    children.push(h(doc, 'p', { class: 'explanation', text: t('cardNoExplanation') }));
    return children;
  }
  children.push(...renderCardBody(doc, card, annotation.version));
  return children;
}

/**
 * The card's content for a detection.
 * @param {Document} doc
 * @param {Detection} detection
 * @param {DetectionCard | null} card
 * @param {Actions} actions
 */
function renderDetection(doc, detection, card, actions) {
  return [head(doc, t('detectedEyebrow'), card?.topic.name ?? detection.topic, actions), ...detectionBody(doc, card)];
}

/**
 * What a detection's card says below its head: what this kind of clause usually does
 * and what to check in it (the topic's text), how the known platforms handle it, and
 * that the detection is automatic. Nothing here explains the passage itself. Shared by
 * the in-page card and the side panel.
 * @param {Document} doc
 * @param {DetectionCard | null} card
 * @returns {HTMLElement[]}
 */
export function detectionBody(doc, card) {
  const others = (card?.topics ?? []).slice(1).map((x) => x.name);
  /** @type {(HTMLElement | null | false)[]} */
  const children = [
    h(doc, 'p', { class: 'status detected' }, [
      h(doc, 'b', { text: t('detectedStatus') }),
      doc.createTextNode(` ${t('detectedUncertainty')}`),
    ]),
    others.length > 0 && h(doc, 'p', { class: 'where', text: t('detectedAlso', others.join(', ')) }),
  ];
  if (card) {
    children.push(
      h(doc, 'h3', { text: t('detectedAbout') }),
      h(doc, 'p', { class: 'explanation', text: card.about }),
      card.check ? h(doc, 'h3', { text: t('detectedCheck') }) : null,
      card.check ? h(doc, 'p', { text: card.check }) : null,
    );
    if (card.comparisons?.length) {
      children.push(
        h(doc, 'h3', { text: t('detectedComparisons') }),
        comparisonList(doc, card.comparisons),
        moreSection(doc, card.topics.map((x) => x.id), card.more, card.moreCount),
      );
    }
  } else {
    children.push(h(doc, 'p', { class: 'explanation', text: t('cardNoExplanation') }));
  }
  return /** @type {HTMLElement[]} */ (children.filter(Boolean));
}

/**
 * The body of a provision's card (explanation, why it matters, what the text leaves
 * open, comparisons, compliance, history, source), shared by the in-page card and the
 * popup's lookup results.
 * @param {Document} doc
 * @param {Card} card
 * @param {string} [version] the matched version, when the card is for a page's annotation
 * @returns {HTMLElement[]}
 */
export function renderCardBody(doc, card, version = '') {
  /** @type {(HTMLElement | null | undefined | false)[]} */
  const children = [];
  children.push(h(doc, 'p', { class: 'explanation', text: card.explanation }));
  // A card whose stored content could not be read says so, and shows what it has.
  if (card.unavailable) children.push(h(doc, 'p', { class: 'status unavailable', text: t('cardContentUnavailable', card.unavailable) }));
  else {
    children.push(
      h(doc, 'h3', { text: t('cardWhyItMatters') }),
      h(doc, 'p', { text: card.whyItMatters }),
      h(doc, 'h3', { text: t('cardLeavesOpen') }),
      h(doc, 'p', { text: card.uncertainty }),
    );
  }

  if (card.comparisons?.length) {
    children.push(
      h(doc, 'h3', { text: t('cardComparisons') }),
      comparisonList(doc, card.comparisons),
      moreSection(doc, card.topics.map((x) => x.id), card.more, card.moreCount),
    );
  }

  if (card.missingDocuments?.length) {
    children.push(
      h(doc, 'h3', { text: t('cardMissingDocuments') }),
      h(doc, 'ul', {}, card.missingDocuments.map((m) => {
        const url = safeUrl(m.url);
        return h(doc, 'li', {}, [
          url
            ? h(doc, 'a', { text: m.name, attrs: { href: url, target: '_blank', rel: 'noopener noreferrer' } })
            : doc.createTextNode(m.name),
          doc.createTextNode(`: ${m.whyItMatters}`),
        ]);
      })),
    );
  }

  const compliance = card.unavailable ? null : card.compliance;
  if (compliance) {
    const exposure = String(compliance.exposure ?? '').toLowerCase();
    children.push(
      h(doc, 'h3', { text: t('cardCompliance') }),
      h(doc, 'dl', {}, [
        h(doc, 'dt', { text: t('cardRegulatory') }),
        h(doc, 'dd', { text: compliance.regulatoryLandscape }),
        h(doc, 'dt', { text: t('cardExposure') }),
        h(doc, 'dd', {}, [
          h(doc, 'span', { class: `exposure exposure-${exposure}`, text: exposure || t('cardUnrated') }),
          doc.createTextNode(` ${compliance.exposureReason ?? ''}`),
        ]),
        compliance.jurisdictions?.length && h(doc, 'dt', { text: t('cardJurisdictions') }),
        compliance.jurisdictions?.length && h(doc, 'dd', { class: 'flags' },
          compliance.jurisdictions.flatMap((j) => [h(doc, 'span', { class: 'flag', text: j }), doc.createTextNode(' ')])),
        h(doc, 'dt', { text: t('cardContract') }),
        h(doc, 'dd', { text: compliance.contractImplications }),
        compliance.steps?.length && h(doc, 'dt', { text: t('cardSteps') }),
        compliance.steps?.length && h(doc, 'dd', {}, [
          h(doc, 'ol', {}, compliance.steps.map((s) => h(doc, 'li', { text: s }))),
        ]),
      ]),
    );
  }

  const history = card.history;
  if (history && history.versionsChecked > 0) {
    children.push(
      h(doc, 'h3', { text: t('cardHistory') }),
      h(doc, 'p', { text: `${history.summary} ${t('cardVersionsRead', history.versionsChecked)}.` }),
      (history.wordings?.length ?? 0) > 1 ? h(doc, 'ul', { class: 'history' }, history.wordings.map((w) => h(doc, 'li', {
        text: w.versions === 1 ? t('cardWordingOne', w.firstSeen, w.lastSeen, w.text)
          : t('cardWordingMany', w.firstSeen, w.lastSeen, w.versions, w.text),
      }))) : null,
    );
  }

  const url = safeUrl(card.documentUrl);
  children.push(h(doc, 'p', { class: 'source' }, [
    doc.createTextNode(`${t('cardSource')} `),
    url
      ? h(doc, 'a', { text: card.documentName, attrs: { href: url, target: '_blank', rel: 'noopener noreferrer' } })
      : doc.createTextNode(card.documentName),
    doc.createTextNode(`${card.sectionLabel ? `, ${card.sectionLabel}` : ''}${t('cardVersionOf', card.versionDate || version)}`),
  ]));
  return /** @type {HTMLElement[]} */ (children.filter(Boolean));
}

/**
 * Where a comparison's clause is: its document (a link when it has an address), its
 * section and the shared topic.
 * @param {Document} doc
 * @param {Comparison} c
 * @returns {Node[]}
 */
function whereParts(doc, c) {
  const url = safeUrl(c.documentUrl);
  const docName = url
    ? h(doc, 'a', { text: c.documentName, attrs: { href: url, target: '_blank', rel: 'noopener noreferrer' } })
    : doc.createTextNode(c.documentName);
  return [docName, doc.createTextNode(`${c.sectionLabel ? ` ${c.sectionLabel}` : ''}${c.topicName ? ` \u00b7 ${c.topicName}` : ''}`)];
}

/**
 * For a secondary source: who reported the clause, and how.
 * @param {Document} doc
 * @param {Comparison} c
 */
function secondaryNote(doc, c) {
  return c.secondary && h(doc, 'div', { class: 'where secondary',
    text: c.secondaryKind === 'paraphrase' ? t('cardParaphraseNote', c.sourceNote ?? '')
      : c.sourceNote ? t('cardSecondaryNote', c.sourceNote) : t('cardSecondary') });
}

/**
 * A list of comparisons: platform, title, where, the clause, and for a secondary source
 * who reported it.
 * @param {Document} doc
 * @param {Comparison[]} comparisons
 * @returns {HTMLElement}
 */
function comparisonList(doc, comparisons) {
  return h(doc, 'ul', { class: 'comparisons' }, comparisons.map((c) => h(doc, 'li', {}, [
    h(doc, 'div', {}, [h(doc, 'span', { class: 'who', text: c.platformName }), doc.createTextNode(` \u2014 ${c.title}`)]),
    h(doc, 'div', { class: 'where' }, whereParts(doc, c)),
    h(doc, 'details', { class: 'quote' }, [
      h(doc, 'summary', { text: t('cardQuote') }),
      h(doc, 'blockquote', { text: c.clause }),
    ]),
    secondaryNote(doc, c),
  ])));
}

/**
 * The rest of a card's comparisons, behind "N more on the same topics": the ones the
 * card names (the closest), each with its clause read when the reader opens it.
 * @param {Document} doc
 * @param {string[]} topics   the card's topic ids
 * @param {MoreComparison[] | undefined} more
 * @param {number | undefined} count   how many there are in all
 */
function moreSection(doc, topics, more = [], count = more.length) {
  if (!count) return null;
  return h(doc, 'details', {}, [
    h(doc, 'summary', { text: t('cardMoreComparisons', count) }),
    h(doc, 'ul', { class: 'comparisons' }, more.map((m) => moreItem(doc, topics, m))),
    count > more.length ? h(doc, 'p', { class: 'where', text: t('cardMoreListed', more.length, count) }) : null,
  ]);
}

/**
 * One of a card's `more`: platform, title and topic; opening "Their clause" reads the
 * whole comparison (comparisonSource) once and shows its clause, document and section.
 * @param {Document} doc
 * @param {string[]} topics
 * @param {MoreComparison} m
 */
function moreItem(doc, topics, m) {
  const where = h(doc, 'div', { class: 'where', text: m.topicName });
  const clause = h(doc, 'blockquote', {});
  const quote = h(doc, 'details', { class: 'quote' }, [h(doc, 'summary', { text: t('cardQuote') }), clause]);
  const item = h(doc, 'li', {}, [
    h(doc, 'div', {}, [h(doc, 'span', { class: 'who', text: m.platformName }), doc.createTextNode(` \u2014 ${m.title}`)]),
    where,
    quote,
  ]);
  let asked = false;
  quote.addEventListener('toggle', () => {
    if (!(/** @type {HTMLDetailsElement} */ (quote).open) || asked) return;
    asked = true;
    clause.textContent = t('cardQuoteLoading');
    comparisonSource(topics, m.provision).then((c) => {
      if (!c) throw new Error(m.provision);
      clause.textContent = c.clause;
      where.replaceChildren(...whereParts(doc, c));
      const note = secondaryNote(doc, c);
      if (note) item.append(note);
    }).catch((/** @type {unknown} */ error) => {
      asked = false;
      clause.textContent = t('cardQuoteFailed', error instanceof Error ? error.message : String(error));
    });
  });
  return item;
}

/** The host's placement: the card itself is placed inside it (placeCard). */
const HOST_PLACEMENT = { position: 'fixed', top: '0', left: '0', 'z-index': '2147483647', contain: 'layout style' };

/**
 * The card's stylesheet in its shadow root.
 * @param {Document} doc
 * @param {ShadowRoot} root
 */
function adoptStyle(doc, root) {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CARD_CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    // Firefox content scripts cannot always adopt sheets across compartments.
    root.append(h(doc, 'style', { text: CARD_CSS }));
  }
}

/**
 * Places the card below the provision's first line if it fits there, else above it,
 * else on the roomier side shortened to fit: never over the text.
 * @param {Document} doc
 * @param {HTMLElement} panel
 * @param {DOMRect | null} rect the provision (client coordinates), or null: top left
 */
function placeCard(doc, panel, rect) {
  const vw = doc.documentElement.clientWidth || innerWidth;
  const vh = doc.documentElement.clientHeight || innerHeight;
  const gap = 8;
  panel.style.maxHeight = '';
  const width = panel.offsetWidth;
  const height = panel.offsetHeight;
  let left = gap;
  let top = gap;
  if (rect) {
    left = Math.min(Math.max(gap, rect.left), Math.max(gap, vw - width - gap));
    const spaceBelow = vh - rect.bottom - 2 * gap;
    const spaceAbove = rect.top - 2 * gap;
    if (height <= spaceBelow) top = rect.bottom + gap;
    else if (height <= spaceAbove) top = rect.top - gap - height;
    else if (spaceBelow >= spaceAbove && spaceBelow >= 120) {
      top = rect.bottom + gap;
      panel.style.maxHeight = `${Math.floor(spaceBelow)}px`;
    } else if (spaceAbove >= 120) {
      panel.style.maxHeight = `${Math.floor(spaceAbove)}px`;
      top = rect.top - gap - panel.offsetHeight;
    } else {
      top = Math.max(gap, vh - height - gap);
    }
  }
  panel.style.left = `${Math.round(left)}px`;
  panel.style.top = `${Math.round(top)}px`;
}

/**
 * Moves the focus back where it was in the page when the card took it.
 * @param {Document} doc
 * @param {HTMLElement} host
 * @param {Element | null} target
 */
function returnFocusTo(doc, host, target) {
  const element = /** @type {HTMLElement | null} */ (target);
  if (element && element.isConnected && element !== doc.body && typeof element.focus === 'function') {
    element.focus({ preventScroll: true });
  } else if (doc.activeElement === host) {
    host.blur();
  }
}

/**
 * What the card shows now.
 * @param {HTMLElement} panel
 * @param {ShadowRoot} root
 * @param {{ provision: string, source: string } | null} current
 * @returns {CardState}
 */
function cardState(panel, root, current) {
  let styled = false;
  try { styled = getComputedStyle(panel).position === 'fixed'; } catch { /* detached */ }
  return {
    open: current !== null,
    provision: current?.provision ?? '',
    source: current?.source ?? '',
    text: current !== null ? panel.innerText ?? '' : '',
    focused: root.activeElement !== null,
    styled,
  };
}

/**
 * Creates the (hidden) card host. `onClose(reason)` runs after the card closed;
 * `onOpenPanel(key)`, when given, is the head's "Open in side panel".
 * @param {Document} doc
 * @param {{ onClose?: (reason: string) => void, onChange?: (state: CardState) => void,
 *   onOpenPanel?: (key: string) => Promise<{ opened?: boolean } | null> }} [hooks]
 */
export function createCard(doc, hooks = {}) {
  const { host, root, show } = overlayHost(doc, HOST_PLACEMENT);
  adoptStyle(doc, root);
  const panel = h(doc, 'div', { class: 'card', attrs: { role: 'dialog', tabindex: '-1', 'aria-modal': 'false' } });
  root.append(panel);

  /** @type {{ provision: string, source: string, anchor: () => DOMRect | null } | null} */
  let current = null;
  let returnFocus = /** @type {Element | null} */ (null);

  const isOpen = () => current !== null;
  const place = () => current && placeCard(doc, panel, current.anchor());
  /** @returns {CardState} */
  const state = () => cardState(panel, root, current);

  /** @param {string} reason @param {boolean} [restoreFocus] */
  function close(reason, restoreFocus = false) {
    if (!current) return;
    const hadFocus = root.activeElement !== null;
    current = null;
    show(false);
    panel.replaceChildren();
    if (restoreFocus || hadFocus) {
      returnFocusTo(doc, host, returnFocus);
      returnFocus = null;
    }
    hooks.onClose?.(reason);
    hooks.onChange?.(state());
  }

  panel.addEventListener('keydown', (event) => {
    if (event.isTrusted && event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close('escape', true);
    }
  });

  /**
   * Shows content in the card.
   * @param {string} key   what `provision()` then returns
   * @param {string} label
   * @param {(actions: Actions) => HTMLElement[]} content
   * @param {{ source: string, focus: boolean, anchor: () => DOMRect | null }} options
   */
  function showContent(key, label, content, options) {
    if (!host.isConnected) (doc.body ?? doc.documentElement).after(host);
    // Remember where the focus was in the page (not when it is already in the card).
    if (options.focus && !root.activeElement) returnFocus = doc.activeElement;
    current = { provision: key, source: options.source, anchor: options.anchor };
    panel.setAttribute('aria-label', t('cardDialogLabel', label));
    const openPanel = hooks.onOpenPanel;
    const changed = () => hooks.onChange?.(state());
    panel.replaceChildren(...content({ close: () => close('button', true), panel: openPanel && (() => openPanel(key)), changed }));
    panel.scrollTop = 0;
    show(true);
    place();
    if (options.focus) panel.focus({ preventScroll: true });
    hooks.onChange?.(state());
  }

  return {
    host,
    isOpen,
    state,
    /**
     * Shows the card of an annotation.
     * @param {Annotation} annotation
     * @param {Card | null} card
     * @param {{ source: string, focus: boolean, anchor: () => DOMRect | null }} options
     */
    open: (annotation, card, options) => showContent(annotation.provision, card?.title ?? annotation.title,
      (actions) => render(doc, annotation, card, actions), options),
    /**
     * Shows the card of a detection.
     * @param {string} key   the detection's key (what `provision()` then returns)
     * @param {Detection} detection
     * @param {DetectionCard | null} card
     * @param {{ source: string, focus: boolean, anchor: () => DOMRect | null }} options
     */
    openDetection: (key, detection, card, options) => showContent(key, card?.topic.name ?? detection.topic,
      (actions) => renderDetection(doc, detection, card, actions), options),
    /** @returns {string} the provision shown, or '' */
    provision: () => current?.provision ?? '',
    /** @returns {string} how the card was opened: 'hover', 'click' or 'keyboard' */
    source: () => current?.source ?? '',
    /**
     * Whether a point (client coordinates) is over the card.
     * @param {number} x
     * @param {number} y
     */
    contains(x, y) {
      if (!current) return false;
      const r = panel.getBoundingClientRect();
      return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
    },
    close,
    place,
  };
}
