// termlens side panel (Chromium's side_panel, Firefox's sidebar_action): the findings
// of the active tab, the card of the one selected and what changed in the page, read
// beside the page rather than over it.
//
// It asks the background what the popup asks (popup-bg-status, popup-bg-card,
// popup-bg-comparison, popup-bg-show) and draws with the same modules: the findings list
// (shared/findings.js), the card's body (overlay/card.js) and the changes' entries
// (overlay/changes-panel.js). Every string is set as text. It follows the browser's
// events, not a timer: the tab's status record in storage.session (written by the
// background on every step of an annotation), the active tab and page loads, and the
// selection the card's "Open in side panel" leaves. `?tab=<id>` shows one tab and does
// not follow the active one (the tests open the panel as a page).

import { MSG, api, send, errorMessage, logFailure } from '../shared/runtime.js';
import { annotationBody, detectionBody, setComparisonSource } from '../overlay/card.js';
import { changeItems, noticeLine } from '../overlay/changes-panel.js';
import { provisionItem, missingItem, detectionItems, findingsSummary } from '../shared/findings.js';
import { restriction } from '../shared/pages.js';
import { t, localise } from '../shared/i18n.js';
import { el } from '../shared/dom.js';
import { TAB_KEY_PREFIX, PANEL_SELECTED_KEY } from '../shared/session-keys.js';

localise(document);
setComparisonSource((topics, provision) => send(MSG.POPUP_BG_COMPARISON, { topics, provision }));

/** Pause after a status write before the panel draws again (the background writes in bursts). */
const REDRAW_DELAY_MS = 120;

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const summary = byId('summary');
const list = /** @type {HTMLOListElement} */ (byId('provisions'));
const problems = byId('problems');

const params = new URLSearchParams(location.search);
const pinned = params.has('tab');

/** @typedef {import('../shared/findings.js').Provision} Provision */
/** @typedef {import('../shared/findings.js').DetectionSummary} DetectionSummary */
/** @typedef {{ key: string, provision?: Provision, detection?: DetectionSummary }} Finding */

const panel = {
  tabId: -1,
  /** @type {number | undefined} */
  windowId: undefined,
  /** What the list was drawn from: the list is drawn again only when it differs. */
  drawn: '',
  /** The key of the selected finding, '' for none. */
  selected: '',
  /** @type {Map<string, Finding>} */
  findings: new Map(),
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  timer: undefined,
};

/** @param {string} text */
function showProblem(text) {
  problems.textContent = text;
  problems.hidden = false;
}

/** The tab the panel shows: `?tab=`, else the active tab of the panel's window. */
async function targetTab() {
  const asked = Number(params.get('tab'));
  if (pinned && Number.isInteger(asked) && asked >= 0) return asked;
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  panel.windowId = tab?.windowId;
  return typeof tab?.id === 'number' ? tab.id : -1;
}

/**
 * Why there is nothing to list, when there is nothing: a page termlens may not read, a
 * site turned off, a page that is not terms. '' when there is a status to list.
 * @param {any} view the reply to popup-bg-status
 */
async function emptyReason(view) {
  if (view.status) return '';
  if (view.content?.phase === 'off') return t('siteOff');
  if (view.content) return t('notTerms');
  const tab = await api.tabs.get(view.tabId).catch(logFailure('tab', null));
  const why = restriction(String(tab?.url ?? ''));
  return t(why === 'store' ? 'pageStore' : why === 'browser' ? 'pageBrowser' : why === 'file' ? 'pageFile' : 'pageUnreadable');
}

/** What the drawn list depends on. @param {any} status */
function signature(status) {
  if (!status) return 'none';
  return JSON.stringify([status.phase, status.document?.id, status.provisions.map((/** @type {Provision} */ p) => [p.provision, p.status, p.exposure]),
    status.phase === 'done' ? [status.missing, (status.detections ?? []).map((/** @type {DetectionSummary} */ d) => d.key)] : [],
    status.changes, status.errors]);
}

/** Asks the background for the tab's status and draws what changed. */
async function refresh() {
  if (panel.tabId < 0) {
    summary.textContent = t('noActiveTab');
    return;
  }
  const view = await send(MSG.POPUP_BG_STATUS, { tabId: panel.tabId });
  const drawn = signature(view.status);
  if (drawn === panel.drawn && view.status) return;
  panel.drawn = drawn;
  drawFindings(view.status, await emptyReason(view));
  await drawChanges(view.status);
}

/**
 * The findings list, as the popup's "On this page" shows it.
 * @param {any} status the tab's status, or null
 * @param {string} empty why nothing is listed, when status is null
 */
function drawFindings(status, empty) {
  list.replaceChildren();
  panel.findings.clear();
  problems.hidden = true;
  if (!status) {
    summary.textContent = empty;
    list.hidden = true;
    return;
  }
  summary.textContent = findingsSummary(status);
  if (status.phase !== 'annotating') {
    for (const p of /** @type {Provision[]} */ (status.provisions)) {
      if (!panel.findings.has(p.provision)) panel.findings.set(p.provision, { key: p.provision, provision: p });
      list.append(provisionItem(p, () => { select(p.provision, true).catch(logFailure('side panel card')); }));
    }
  }
  if (status.phase === 'done') {
    for (const m of status.missing ?? []) list.append(missingItem(m));
    const detections = /** @type {DetectionSummary[]} */ (status.detections ?? []);
    for (const d of detections) panel.findings.set(String(d.key), { key: String(d.key), detection: d });
    list.append(...detectionItems(detections, (d) => { select(String(d.key), true).catch(logFailure('side panel card')); }));
  }
  list.hidden = list.childElementCount === 0;
  if (status.errors?.length) showProblem(t('problems', status.errors.join('; ')));
  markSelected();
  if (panel.selected && !panel.findings.has(panel.selected)) clearSelection();
}

/** Marks the selected finding's entry in the list. */
function markSelected() {
  for (const button of list.querySelectorAll('button[data-provision]')) {
    const b = /** @type {HTMLElement} */ (button);
    if (b.dataset.provision === panel.selected) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
  }
}

function clearSelection() {
  panel.selected = '';
  byId('selected').hidden = true;
  byId('card-body').replaceChildren();
}

/**
 * Shows a finding's card in the panel; with `scroll`, the page scrolls to it and marks it
 * (without opening the in-page card).
 * @param {string} key
 * @param {boolean} scroll
 */
async function select(key, scroll) {
  const finding = panel.findings.get(key);
  if (!finding) return;
  panel.selected = key;
  markSelected();
  const section = byId('selected');
  const body = byId('card-body');
  section.hidden = false;
  body.dataset.key = key;
  body.dataset.state = 'loading';
  body.replaceChildren(el('p', 'meta', t('loading')));
  if (scroll) {
    send(MSG.POPUP_BG_SHOW, { tabId: panel.tabId, provision: key, card: false })
      .then((r) => { if (!r?.moved) showProblem(t('goneFromPage')); })
      .catch((error) => showProblem(t('showFailed', errorMessage(error))));
  }
  try {
    const content = await cardContent(finding);
    if (panel.selected !== key) return;
    body.replaceChildren(...content);
    body.dataset.state = 'done';
  } catch (error) {
    body.replaceChildren(el('p', 'problems', t('cardLoadFailed', errorMessage(error))));
    body.dataset.state = 'failed';
  }
  section.scrollIntoView({ block: 'nearest' });
}

/**
 * A finding's title, where it comes from and its card's content, from the same
 * messages the in-page card uses.
 * @param {Finding} finding
 * @returns {Promise<HTMLElement[]>}
 */
async function cardContent(finding) {
  const title = byId('card-title');
  const where = byId('card-where');
  if (finding.provision) {
    const p = finding.provision;
    const card = await send(MSG.POPUP_BG_CARD, { provision: p.provision });
    title.textContent = card?.title ?? p.title;
    where.textContent = [p.platformName, card?.documentName].filter(Boolean).join(' \u00b7 ');
    // The status keeps the engine's word diff as it came (ops 'equal', 'delete', 'insert').
    return annotationBody(document, /** @type {any} */ (p), card);
  }
  const d = /** @type {DetectionSummary} */ (finding.detection);
  const card = await send(MSG.PANEL_BG_DETECTION_CARD, { topics: d.topics.map((x) => x.id), text: d.text });
  title.textContent = card?.topic?.name ?? d.topicName;
  where.textContent = t('detectedEyebrow');
  return detectionBody(document, card);
}

/**
 * What changed in the page: the line the popup shows and, while the background still
 * holds it, the list its changes panel shows (each entry scrolls the page to it).
 * @param {any} status
 */
async function drawChanges(status) {
  const section = byId('changes');
  const listed = /** @type {HTMLOListElement} */ (byId('changes-list'));
  if (!status?.changes) {
    section.hidden = true;
    listed.replaceChildren();
    return;
  }
  byId('changes-text').textContent = noticeLine(status.changes);
  const data = await send(MSG.PANEL_BG_CHANGES, { tabId: panel.tabId }).catch(logFailure('side panel changes', null));
  const tabId = panel.tabId;
  const items = Array.isArray(data?.changes)
    ? changeItems(document, data.changes, (index) => {
      send(MSG.PANEL_BG_SHOW_CHANGE, { tabId, index }).catch((error) => showProblem(t('showFailed', errorMessage(error))));
    }).items
    : [];
  listed.replaceChildren(...items);
  listed.hidden = items.length === 0;
  const s = data?.summary;
  byId('changes-counts').textContent = s ? t('changesCounts', s.inserted ?? 0, s.deleted ?? 0, s.changed ?? 0, s.moved ?? 0) : t('panelChangesUnlisted');
  byId('changes-show').hidden = items.length > 0;
  section.hidden = false;
}

/** Draws again after the background's writes settle. */
function scheduleRefresh() {
  clearTimeout(panel.timer);
  panel.timer = setTimeout(() => { refresh().catch((e) => showProblem(errorMessage(e))); }, REDRAW_DELAY_MS);
}

/**
 * The selection the card's "Open in side panel" left, if it is for the panel's tab.
 * @param {unknown} value
 */
async function followSelection(value) {
  const chosen = /** @type {{ tabId?: number, provision?: string } | null} */ (value);
  if (!chosen || chosen.tabId !== panel.tabId || typeof chosen.provision !== 'string') return;
  await refresh();
  await select(chosen.provision, false);
}

/** Another tab: the panel starts again for it. @param {number} tabId */
function switchTo(tabId) {
  panel.tabId = tabId;
  panel.drawn = '';
  clearSelection();
  refresh().catch((e) => showProblem(errorMessage(e)));
}

function listenForChanges() {
  api.storage.onChanged.addListener((/** @type {Record<string, { newValue?: unknown }>} */ changes, /** @type {string} */ area) => {
    if (area !== 'session') return;
    if (Object.hasOwn(changes, TAB_KEY_PREFIX + panel.tabId)) scheduleRefresh();
    if (Object.hasOwn(changes, PANEL_SELECTED_KEY)) followSelection(changes[PANEL_SELECTED_KEY].newValue).catch(logFailure('side panel selection'));
  });
  api.tabs.onUpdated.addListener((/** @type {number} */ tabId, /** @type {{ status?: string }} */ change) => {
    if (tabId === panel.tabId && change.status) scheduleRefresh();
  });
  if (pinned) return;
  api.tabs.onActivated.addListener((/** @type {{ tabId: number, windowId: number }} */ info) => {
    if (panel.windowId === undefined || info.windowId === panel.windowId) switchTo(info.tabId);
  });
}

async function main() {
  byId('changes-show').addEventListener('click', () => {
    send(MSG.POPUP_BG_SHOW_CHANGES, { tabId: panel.tabId })
      .then((r) => { if (!r?.opened) showProblem(t('changesGone')); })
      .catch((error) => showProblem(t('showFailed', errorMessage(error))));
  });
  listenForChanges();
  panel.tabId = await targetTab();
  await refresh();
  const stored = await api.storage.session?.get(PANEL_SELECTED_KEY).catch(logFailure('side panel selection', null));
  if (stored?.[PANEL_SELECTED_KEY]) await followSelection(stored[PANEL_SELECTED_KEY]);
}

main().catch((error) => {
  summary.textContent = `termlens: ${errorMessage(error)}`;
});
