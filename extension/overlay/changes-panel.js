// termlens: the "What changed since DATE" panel (and, on a first visit to a known
// document that differs from the recorded version, "This page differs from the version
// termlens knows (DATE)"), and the badge that offers it.
//
// Changes are announced quietly: a small badge at the bottom right of the window ("termlens:
// N changes since your last visit" or "... from the known version"), a button the keyboard
// reaches, and a line in the popup. The panel opens only when the reader asks (the badge,
// or the popup's Show): it would otherwise cover the terms being read. Both sources behave
// alike, since either list can be long.
//
// Like the card, the panel lives in a closed shadow root on its own host element, and
// everything in it is set as text: the changed passages come from the page (hostile
// input) and from the stored snapshot. It lists insertions, deletions, changes and moves
// in page order; each entry has a button that scrolls to the passage (for a deleted one,
// to where it stood) and marks it. Deleted passages are shown in full in the panel, since
// the page no longer has them. Keyboard: Tab through the entries, Enter or Space on a
// button, Escape or the close button to close. The panel takes the focus only when the
// reader opened it from the badge (its close button), and gives it back to the badge.

import { t } from '../shared/i18n.js';
import { overlayHost } from '../shared/dom.js';

/** The host's placement: bottom right of the window (the badge's too: one replaces the other). */
const HOST_PLACEMENT = { position: 'fixed', right: '12px', bottom: '12px', 'z-index': '2147483646' };
/** The host takes nothing from the page's styles (its placement is HOST_PLACEMENT, set inline). */
const HOST_CSS = ':host { all: initial; }';

/** @typedef {import('../../pkg/termlens.js').PageChange} PageChange (generated from src/wasm.rs) */
/**
 * What the background's changes.js answers: the engine's changes, at most 500 listed.
 * @typedef {import('../../pkg/termlens.js').Changes} PanelData
 */

/** Characters of a passage shown before "…" (deleted passages are shown whole up to this). */
const MAX_SHOWN = 600;

const PANEL_CSS = `
${HOST_CSS}
* { box-sizing: border-box; }
.panel {
  --bg: #ffffff; --fg: #1d1b24; --muted: #5d5870; --line: #e2dff0; --accent: #4b2bb3;
  --ins-bg: #d9f5dd; --ins-fg: #0b4f17; --del-bg: #fde0df; --del-fg: #7d1411;
  width: min(420px, calc(100vw - 24px)); max-height: min(60vh, 560px); overflow: auto;
  overscroll-behavior: contain; padding: 12px 14px; background: var(--bg); color: var(--fg);
  border: 1px solid var(--line); border-left: 4px solid #0f7b6c; border-radius: 10px;
  box-shadow: 0 10px 30px rgba(20, 10, 50, 0.25);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; text-align: left;
}
@media (prefers-color-scheme: dark) {
  .panel { --bg: #1f1d27; --fg: #ece9f6; --muted: #b5b0c8; --line: #3a3648; --accent: #b9a6ff;
    --ins-bg: #12391a; --ins-fg: #bff0c7; --del-bg: #4a1715; --del-fg: #ffd0cc; }
}
h2 { font-size: 15px; margin: 0 28px 4px 0; }
p.counts { margin: 0 0 8px; color: var(--muted); font-size: 13px; }
ol { margin: 0; padding: 0; list-style: none; }
li { border-top: 1px solid var(--line); padding: 6px 0; }
.kind { font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; }
.kind-inserted { color: var(--ins-fg); }
.kind-deleted { color: var(--del-fg); }
.text { margin: 2px 0 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
del { background: var(--del-bg); color: var(--del-fg); }
ins { background: var(--ins-bg); color: var(--ins-fg); text-decoration: none; }
button { font: inherit; font-size: 13px; color: var(--accent); background: none; border: 1px solid var(--line);
  border-radius: 6px; padding: 2px 8px; cursor: pointer; }
button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
button.close { position: absolute; top: 8px; right: 10px; border: none; font-size: 18px; line-height: 1; padding: 2px 6px; }
.wrap { position: relative; }
`;

/**
 * The panel's heading.
 * @param {PanelData} data
 */
export function heading(data) {
  const date = formatDate(data.since);
  return data.source === 'known' ? t('changesKnownHeading', date) : t('changesSinceHeading', date);
}

/**
 * "N changes", counting every change (not only those listed).
 * @param {PanelData['summary']} summary
 */
export function changeCount(summary) {
  const n = (summary.inserted ?? 0) + (summary.deleted ?? 0) + (summary.changed ?? 0) + (summary.moved ?? 0);
  return n === 1 ? t('changesCountOne') : t('changesCountMany', n);
}

/**
 * The popup's line: "This page differs from the version termlens knows (DATE) — N changes."
 * @param {{ source: string, since: string, summary: PanelData['summary'] }} data
 */
export function noticeLine(data) {
  const date = formatDate(data.since);
  return data.source === 'known'
    ? t('changesKnownLine', date, changeCount(data.summary))
    : t('changesSinceLine', date, changeCount(data.summary));
}

/**
 * A date for the heading: the visit's date and time (local), or a recorded version's date.
 * @param {string} since ISO date or date-time
 */
function formatDate(since) {
  if (/^\d{4}-\d{2}-\d{2}$/.test(since)) return since;
  const d = new Date(since);
  if (Number.isNaN(d.getTime())) return since;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** @param {string} s */
function shorten(s) {
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
}

/**
 * Creates the (hidden) panel. `onShow(index)` scrolls to change `index` and marks it;
 * `onChange(state)` receives what the panel shows (test hooks); `onClose(focused)` follows
 * a close (focused: the focus was in the panel).
 * @param {Document} doc
 * @param {{ onShow: (index: number) => void, onChange?: (state: object | null) => void, onClose?: (focused: boolean) => void }} hooks
 */
export function createChangesPanel(doc, hooks) {
  const { host, root, show, shown: isOpen } = overlayHost(doc, HOST_PLACEMENT);
  const style = doc.createElement('style');
  style.textContent = PANEL_CSS;
  root.append(style);
  const wrap = doc.createElement('div');
  wrap.className = 'wrap';
  root.append(wrap);

  const close = () => {
    const focused = root.activeElement !== null;
    show(false);
    hooks.onChange?.(null);
    hooks.onClose?.(focused);
  };
  root.addEventListener('keydown', (event) => {
    const e = /** @type {KeyboardEvent} */ (event);
    if (e.isTrusted && e.key === 'Escape') {
      e.stopPropagation();
      close();
    }
  });

  return {
    host,
    /**
     * @param {PanelData} data
     * @param {{ focus?: boolean }} [options] focus: move the focus to the close button
     */
    open(data, { focus = false } = {}) {
      wrap.replaceChildren();
      const panel = doc.createElement('section');
      panel.className = 'panel';
      panel.setAttribute('role', 'region');
      // A scroll container is a Tab stop of its own in Firefox: its buttons are enough.
      panel.tabIndex = -1;
      const title = doc.createElement('h2');
      title.id = 'termlens-changes-title';
      title.textContent = heading(data);
      panel.setAttribute('aria-labelledby', title.id);
      const closeButton = doc.createElement('button');
      closeButton.className = 'close';
      closeButton.type = 'button';
      closeButton.setAttribute('aria-label', t('changesClose'));
      closeButton.textContent = '×';
      closeButton.addEventListener('click', close);
      const s = data.summary;
      const counts = doc.createElement('p');
      counts.className = 'counts';
      counts.textContent = t('changesCounts', s.inserted ?? 0, s.deleted ?? 0, s.changed ?? 0, s.moved ?? 0)
        + (data.truncated ? ` ${t('changesTruncated', data.changes.length)}` : '');
      const list = doc.createElement('ol');
      const { items, shown } = changeItems(doc, data.changes, hooks.onShow);
      list.append(...items);
      panel.append(title, closeButton, counts, list);
      wrap.append(panel);
      if (!host.isConnected) (doc.body ?? doc.documentElement).after(host);
      show(true);
      if (focus) closeButton.focus();
      hooks.onChange?.({ heading: title.textContent, counts: counts.textContent, items: shown });
    },
    close,
    isOpen,
  };
}

/**
 * The list's entries, one per change: its kind, its text (a changed passage word by
 * word, inserted and deleted words marked) and a button that shows it in the page
 * (`onShow(index)`). Shared by the panel and the side panel. `shown` is what each says.
 * @param {Document} doc
 * @param {PageChange[]} changes
 * @param {(index: number) => void} onShow
 */
export function changeItems(doc, changes, onShow) {
  /** @type {{ kind: string, text: string, page: string }[]} */
  const shown = [];
  const items = changes.map((change, index) => {
    const li = doc.createElement('li');
    const kind = doc.createElement('div');
    kind.className = `kind kind-${change.kind}`;
    kind.textContent = t(`changeKind_${change.kind}`);
    const text = doc.createElement('div');
    text.className = 'text';
    let shownText = '';
    if (change.kind === 'changed' && change.words?.length) {
      for (const w of change.words) {
        const el = doc.createElement(w.op === 'delete' ? 'del' : w.op === 'insert' ? 'ins' : 'span');
        el.textContent = `${shorten(w.text)} `;
        text.append(el);
      }
      shownText = change.words.map((w) => w.text).join(' ');
    } else {
      shownText = shorten(change.text);
      text.textContent = shownText;
    }
    const go = doc.createElement('button');
    go.type = 'button';
    go.textContent = change.kind === 'deleted' ? t('changesShowWhere') : t('changesShow');
    go.setAttribute('aria-label', `${go.textContent}: ${t(`changeKind_${change.kind}`)} ${shorten(change.text).slice(0, 80)}`);
    go.addEventListener('click', () => onShow(index));
    li.append(kind, text, go);
    shown.push({ kind: change.kind, text: shownText, page: change.kind === 'deleted' ? '' : change.text });
    return li;
  });
  return { items, shown };
}

const BADGE_CSS = `
${HOST_CSS}
button {
  --bg: #ffffff; --fg: #1d1b24; --line: #e2dff0; --accent: #4b2bb3;
  font: 13px/1.3 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  background: var(--bg); border: 1px solid var(--line); border-left: 4px solid #0f7b6c; border-radius: 8px;
  padding: 6px 10px; cursor: pointer; box-shadow: 0 4px 14px rgba(20, 10, 50, 0.2);
  max-width: min(360px, calc(100vw - 24px)); text-align: left;
}
@media (prefers-color-scheme: dark) {
  button { --bg: #1f1d27; --fg: #ece9f6; --line: #3a3648; --accent: #b9a6ff; }
}
button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
`;

/**
 * Creates the (hidden) badge that says the page changed and opens the panel when the
 * reader asks: `onOpen()` on a click (or Enter, Space). `onChange(state)` receives what
 * it shows (test hooks). Its text is set as text; it never takes the focus by itself.
 * @param {Document} doc
 * @param {{ onOpen: () => void, onChange?: (state: { text: string, label: string } | null) => void }} hooks
 */
export function createChangesBadge(doc, hooks) {
  const { host, root, show, shown: isShown } = overlayHost(doc, HOST_PLACEMENT);
  const style = doc.createElement('style');
  style.textContent = BADGE_CSS;
  const button = doc.createElement('button');
  button.type = 'button';
  button.addEventListener('click', () => hooks.onOpen());
  root.append(style, button);
  return {
    host,
    /** @param {PanelData} data */
    set(data) {
      const count = changeCount(data.summary);
      button.textContent = data.source === 'known' ? t('changesKnownBadge', count) : t('changesSinceBadge', count);
      button.setAttribute('aria-label', t('changesBadgeLabel', `${heading(data)}: ${count}`));
    },
    /**
     * @param {boolean} on
     * @param {{ focus?: boolean }} [options] focus: move the focus to the badge
     */
    show(on, { focus = false } = {}) {
      if (on && !host.isConnected) (doc.body ?? doc.documentElement).after(host);
      show(on);
      if (on && focus) button.focus();
      hooks.onChange?.(on ? { text: button.textContent ?? '', label: button.getAttribute('aria-label') ?? '' } : null);
    },
    isShown,
  };
}
