// termlens popup: two tabs, what termlens found on the active tab (each a link to its
// place on the page, the export of those findings, and a button to run termlens on a
// page the gate left alone) and the lookup of the known provisions; the keyboard
// shortcuts, as the browser has them.
//
// Every string shown comes from the knowledge base or the page and is set with
// textContent. `?tab=<id>` shows another tab (used when the popup is opened as a
// page); `?q=<text>` starts with that lookup (the "Look up in termlens" selection).

import { MSG, api, send, errorMessage, logFailure } from '../shared/runtime.js';
import { renderCardBody, setComparisonSource } from '../overlay/card.js';
import { noticeLine } from '../overlay/changes-panel.js';
import { restriction } from '../shared/pages.js';
import { findingsReport, toJson, toMarkdown } from '../shared/export.js';
import {
  EXPOSURE_LABELS, provisionItem, missingItem, detectionItems, findingsSummary, sharedMeta, commonLine,
} from '../shared/findings.js';
import { download } from '../shared/download.js';
import { t, localise } from '../shared/i18n.js';
import { el } from '../shared/dom.js';
import { loadSettings, saveSettings, siteOf } from '../shared/settings.js';

localise(document);
setComparisonSource((topics, provision) => send(MSG.POPUP_BG_COMPARISON, { topics, provision }));

/** Typing pause before a lookup runs (ms): fast enough to feel live, one lookup per word. */
const LOOKUP_DELAY_MS = 80;
/** Results shown per lookup. */
const LOOKUP_LIMIT = 25;

/** @param {string} id */
const byId = (id) => /** @type {any} */ (document.getElementById(id));
const summary = /** @type {HTMLElement} */ (byId('summary'));
const list = /** @type {HTMLOListElement} */ (byId('provisions'));
const problems = /** @type {HTMLElement} */ (byId('problems'));
const runButton = /** @type {HTMLButtonElement} */ (byId('run'));
const exportRow = /** @type {HTMLElement} */ (byId('export'));
const changesLine = /** @type {HTMLElement} */ (byId('changes-line'));
const queryInput = /** @type {HTMLInputElement} */ (byId('query'));
const platformFilter = /** @type {HTMLSelectElement} */ (byId('filter-platform'));
const topicFilter = /** @type {HTMLSelectElement} */ (byId('filter-topic'));
const exposureFilter = /** @type {HTMLSelectElement} */ (byId('filter-exposure'));
const lookupStatus = /** @type {HTMLElement} */ (byId('lookup-status'));
const results = /** @type {HTMLOListElement} */ (byId('results'));
const common = /** @type {HTMLElement} */ (byId('provisions-common'));

const params = new URLSearchParams(location.search);
/** Opened as a page (tests, "Look up in termlens"): stays open after a link is followed. */
const asPage = params.has('tab') || params.has('q');

/** @typedef {import('../../pkg/termlens.js').Hit} Hit   one lookup result (the engine's `lookup`) */
/** @typedef {import('../../pkg/termlens.js').Facet} Facet */

/** @param {string} text */
function showProblem(text) {
  problems.textContent = text;
  problems.hidden = false;
}

// ---- Tabs ----------------------------------------------------------------------

const TABS = /** @type {HTMLButtonElement[]} */ ([byId('tab-page'), byId('tab-lookup')]);
/** Set once the reader picks a tab: the popup then stops choosing one for them. */
let tabChosen = false;

/**
 * Shows one tab's panel and hides the other.
 * @param {HTMLButtonElement} tab
 * @param {boolean} focus   move the focus to the tab
 */
function selectTab(tab, focus) {
  for (const other of TABS) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    other.tabIndex = selected ? 0 : -1;
    byId(String(other.getAttribute('aria-controls'))).hidden = !selected;
  }
  if (focus) tab.focus();
}

/** Click, arrow keys, Home and End, as the ARIA tabs pattern has them. */
function startTabs() {
  for (const tab of TABS) {
    tab.addEventListener('click', () => {
      tabChosen = true;
      selectTab(tab, false);
    });
    tab.addEventListener('keydown', (event) => {
      const i = TABS.indexOf(tab);
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      tabChosen = true;
      selectTab(TABS[(next + TABS.length) % TABS.length], true);
    });
  }
}

/**
 * The tab the popup opens on, until the reader picks one: the lookup when one was asked
 * for or when termlens can do nothing on the tab (a page no extension may read), else
 * the page's (what termlens found, or the button to run it).
 * @param {boolean} readable   termlens can read the tab's page
 */
function chooseTab(readable) {
  if (tabChosen) return;
  const lookup = params.has('q') || !readable;
  selectTab(TABS[lookup ? 1 : 0], false);
  if (lookup) queryInput.focus();
}

// ---- Keyboard shortcuts ---------------------------------------------------------

/** Lists the extension's commands with the keys the browser gives them (none restated here). */
async function showShortcuts() {
  const commands = await api.commands?.getAll?.();
  if (!Array.isArray(commands) || !commands.length) return;
  const dl = byId('shortcut-list');
  for (const c of commands) {
    const opensPopup = /^_execute_/.test(String(c.name));
    const what = c.description || (opensPopup ? t('shortcutOpenPopup') : String(c.name));
    const item = el('div');
    item.dataset.command = String(c.name);
    item.append(el('dt', '', c.shortcut || t('shortcutNotSet')), el('dd', '', what));
    dl.append(item);
  }
  byId('shortcuts').hidden = false;
}

// ---- Lookup --------------------------------------------------------------------

/** @type {Promise<void> | null} */
let facetsLoaded = null;

/**
 * Fills the platform and topic menus from the engine, once, when the lookup is first
 * used (not on opening: a glance at the popup must not start the engine).
 */
function loadFacets() {
  facetsLoaded ??= send(MSG.POPUP_BG_FACETS).then((facets) => {
    /** @param {HTMLSelectElement} select @param {Facet[]} values */
    const fill = (select, values) => {
      for (const f of values ?? []) {
        const option = el('option', '', t('facetCount', f.name, f.count));
        option.value = f.id;
        select.append(option);
      }
    };
    fill(platformFilter, facets?.platforms);
    fill(topicFilter, facets?.topics);
    // Exposure levels (low to high from the engine), shown high first with their counts.
    if (Array.isArray(facets?.exposure) && facets.exposure.length) {
      const chosen = exposureFilter.value;
      exposureFilter.replaceChildren(exposureFilter.options[0], ...facets.exposure.slice().reverse().map((/** @type {Facet} */ f) => {
        const option = el('option', '', t('facetCount', EXPOSURE_LABELS[f.id] ? t(EXPOSURE_LABELS[f.id]) : f.name, f.count));
        option.value = f.id;
        return option;
      }));
      exposureFilter.value = chosen;
    }
  }).catch((error) => {
    facetsLoaded = null;
    lookupStatus.textContent = t('lookupUnavailable', errorMessage(error));
  });
  return facetsLoaded;
}

/** The filters chosen in the menus. */
function filters() {
  /** @type {{ platforms?: string[], topics?: string[], exposure?: string[] }} */
  const chosen = {};
  if (platformFilter.value) chosen.platforms = [platformFilter.value];
  if (topicFilter.value) chosen.topics = [topicFilter.value];
  if (exposureFilter.value) chosen.exposure = [exposureFilter.value];
  return chosen;
}

let lookupSeq = 0;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let lookupTimer;

/** Runs the lookup after the typing pause. */
function scheduleLookup() {
  clearTimeout(lookupTimer);
  lookupTimer = setTimeout(() => { lookupNow().catch(logFailure('lookup')); }, LOOKUP_DELAY_MS);
}

/** Runs the lookup now; an answer to an older query is dropped. */
async function lookupNow() {
  const seq = ++lookupSeq;
  const query = queryInput.value.trim();
  const chosen = filters();
  if (!query && !Object.keys(chosen).length) {
    results.replaceChildren();
    lookupStatus.textContent = '';
    results.dataset.state = 'empty';
    return;
  }
  results.dataset.state = 'searching';
  loadFacets();
  try {
    /** @type {Hit[]} */
    const hits = await send(MSG.POPUP_BG_LOOKUP, { query, filters: chosen, limit: LOOKUP_LIMIT });
    if (seq !== lookupSeq) return;
    showHits(Array.isArray(hits) ? hits : []);
    lookupStatus.textContent = hits.length === 0 ? t('lookupNone')
      : hits.length === 1 ? t('lookupFoundOne') : t('lookupFoundMany', hits.length);
  } catch (error) {
    if (seq !== lookupSeq) return;
    results.replaceChildren();
    lookupStatus.textContent = t('lookupFailed', errorMessage(error));
  }
  results.dataset.state = 'done';
}

let hitIds = 0;

/** @param {Hit[]} hits */
function showHits(hits) {
  results.replaceChildren(...hits.map((hit) => {
    const item = el('li', 'hit');
    item.dataset.provision = hit.provision;
    item.dataset.exposure = String(hit.exposure ?? '');
    const id = `hit-${(hitIds += 1)}`;
    const toggle = /** @type {HTMLButtonElement} */ (el('button', 'hit-toggle'));
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-controls', id);
    toggle.append(el('span', 'title', hit.title));
    const where = [hit.platformName, hit.documentName].filter(Boolean).join(' · ')
      + (hit.sectionLabel ? ` ${hit.sectionLabel}` : '');
    const meta = el('span', 'meta', where);
    if (hit.exposure) meta.append(el('span', `chip exposure-${String(hit.exposure).toLowerCase()}`, t('hitExposure', hit.exposure)));
    toggle.append(meta);
    if (hit.snippet) toggle.append(el('span', 'snippet', hit.snippet));
    const body = el('div', 'card-body');
    body.id = id;
    body.hidden = true;
    toggle.addEventListener('click', () => { toggleHit(toggle, body, hit.provision).catch(logFailure('lookup card')); });
    item.append(toggle, body);
    return item;
  }));
}

/**
 * Expands a result into the card's content (loaded once), or folds it.
 * @param {HTMLButtonElement} toggle
 * @param {HTMLElement} body
 * @param {string} provision
 */
async function toggleHit(toggle, body, provision) {
  const open = toggle.getAttribute('aria-expanded') !== 'true';
  toggle.setAttribute('aria-expanded', String(open));
  body.hidden = !open;
  if (!open || body.dataset.loaded) return;
  body.dataset.loaded = 'loading';
  body.replaceChildren(el('p', 'meta', t('loading')));
  try {
    const card = await send(MSG.POPUP_BG_CARD, { provision });
    body.replaceChildren(...(card ? renderCardBody(document, card) : [el('p', '', t('noCard'))]));
    body.dataset.loaded = 'done';
  } catch (error) {
    body.replaceChildren(el('p', 'problems', t('cardLoadFailed', errorMessage(error))));
    delete body.dataset.loaded;
  }
}

function startLookup() {
  queryInput.addEventListener('input', scheduleLookup);
  queryInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      clearTimeout(lookupTimer);
      lookupNow().catch(logFailure('lookup'));
    }
  });
  for (const select of [platformFilter, topicFilter, exposureFilter]) {
    select.addEventListener('focus', () => { loadFacets(); });
    select.addEventListener('pointerdown', () => { loadFacets(); });
    select.addEventListener('change', () => { lookupNow().catch(logFailure('lookup')); });
  }
  const q = params.get('q');
  if (q) {
    queryInput.value = q.slice(0, 1000);
    lookupNow().catch(logFailure('lookup'));
  }
}

// ---- On this page -----------------------------------------------------------------

/** @returns {Promise<{ id: number, url: string } | null>} */
async function targetTab() {
  const asked = Number(params.get('tab'));
  if (params.has('tab') && Number.isInteger(asked) && asked >= 0) {
    const tab = await api.tabs.get(asked).catch(logFailure('tab', null));
    return { id: asked, url: String(tab?.url ?? '') };
  }
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return typeof tab?.id === 'number' ? { id: tab.id, url: String(tab.url ?? '') } : null;
}

/** What the popup last showed for the tab (the export reads it). */
let lastView = /** @type {any} */ (null);

/**
 * @param {any} view the reply to popup-bg-status
 * @param {string} url the tab's address, when the browser tells it
 */
function show(view, url) {
  lastView = view;
  const status = view.status;
  const content = view.content;
  list.replaceChildren();
  list.hidden = true;
  common.hidden = true;
  problems.hidden = true;
  exportRow.hidden = true;
  changesLine.hidden = true;
  // Once termlens has run on the page, running it again is not the main thing to do.
  runButton.classList.toggle('secondary', Boolean(status));
  if (!status && !content) {
    const why = restriction(url);
    summary.textContent = t(why === 'store' ? 'pageStore' : why === 'browser' ? 'pageBrowser' : why === 'file' ? 'pageFile' : 'pageUnreadable');
    runButton.disabled = true;
    chooseTab(false);
    return;
  }
  runButton.disabled = false;
  if (!status) {
    summary.textContent = t(content?.phase === 'off' ? 'siteOff' : 'notTerms');
    chooseTab(true);
    return;
  }
  summary.textContent = findingsSummary(status);
  if (status.phase !== 'annotating' && status.provisions.length) showProvisions(view, status);
  // What changed in the page (since the last visit, or against the known version): one
  // line, and the list in the page when the reader asks.
  if (status.changes) {
    byId('changes-text').textContent = noticeLine(status.changes);
    changesLine.hidden = false;
  }
  // Known provisions of the page's document that the page does not carry.
  if (status.phase === 'done' && Array.isArray(status.missing)) {
    for (const m of status.missing) list.append(missingItem(m));
    if (status.missing.length) list.hidden = false;
  }
  showDetections(view, status);
  if (status.errors.length) showProblem(t('problems', status.errors.join('; ')));
  chooseTab(true);
}

/**
 * The known provisions found on the page, in page order, each a link to its place; what
 * they all share is said once above the list.
 * @param {any} view the reply to popup-bg-status
 * @param {any} status the tab's status
 */
function showProvisions(view, status) {
  const shared = sharedMeta(status.provisions);
  common.replaceChildren(...commonLine(status.provisions, shared));
  common.hidden = !shared.platform && !shared.chip;
  for (const p of status.provisions) {
    list.append(provisionItem(p, () => { showOnPage(view.tabId, p.provision).catch(logFailure('show on page')); }, shared));
  }
  list.hidden = false;
  exportRow.hidden = status.phase !== 'done';
}

/**
 * The detections of the page, grouped by category (the best one of each passage), after
 * the known provisions: one heading per category, then its passages.
 * @param {any} view the reply to popup-bg-status
 * @param {any} status the tab's status
 */
function showDetections(view, status) {
  if (status.phase !== 'done' || !Array.isArray(status.detections) || !status.detections.length) return;
  list.append(...detectionItems(status.detections, (d) => { showOnPage(view.tabId, String(d.key)).catch(logFailure('show on page')); }));
  list.hidden = false;
  exportRow.hidden = false;
}

/**
 * Asks the background to show something in the tab (`type` with `body`); the popup
 * closes once it is shown (unless opened as a page), else says why not.
 * @param {string} type
 * @param {object} body
 * @param {(result: any) => boolean} shown   whether the answer says it was shown
 * @param {string} gone   the message when it was not
 */
async function showInTab(type, body, shown, gone) {
  try {
    const result = await send(type, body);
    if (!shown(result)) showProblem(t(gone));
    else if (!asPage) window.close();
  } catch (error) {
    showProblem(t('showFailed', errorMessage(error)));
  }
}

/**
 * Scrolls the tab to a provision and opens its card there.
 * @param {number} tabId
 * @param {string} provision
 */
function showOnPage(tabId, provision) {
  return showInTab(MSG.POPUP_BG_SHOW, { tabId, provision }, (r) => Boolean(r?.moved), 'goneFromPage');
}

/**
 * Opens the list of what changed in the tab's page.
 * @param {number} tabId
 */
function showChangesOnPage(tabId) {
  return showInTab(MSG.POPUP_BG_SHOW_CHANGES, { tabId }, (r) => Boolean(r?.opened), 'changesGone');
}

// ---- Watching a site for changes --------------------------------------------------

/**
 * The "Watch this site for changes" switch: whether the site's pages are kept between
 * visits to show what changed (the known documents always are).
 * @param {any} view the reply to popup-bg-status
 * @param {string} url the tab's address, when the browser tells it
 */
async function showWatch(view, url) {
  const site = siteOf(String(view?.content?.url ?? view?.status?.url ?? url ?? ''));
  const row = /** @type {HTMLElement} */ (byId('watch-row'));
  const box = /** @type {HTMLInputElement} */ (byId('watch'));
  if (!site || !/^https?:/.test(String(view?.content?.url ?? view?.status?.url ?? url))) {
    row.hidden = true;
    return;
  }
  box.checked = (await loadSettings(api.storage.local)).sitesWatched.includes(site);
  box.dataset.site = site;
  row.hidden = false;
}

/** Stores the switch's state for its site. */
async function watchChanged() {
  const box = /** @type {HTMLInputElement} */ (byId('watch'));
  const site = box.dataset.site ?? '';
  if (!site) return;
  const watch = box.checked;
  await saveSettings(api.storage.local, ({ sitesWatched }) => ({
    sitesWatched: watch ? [...sitesWatched, site] : sitesWatched.filter((s) => s !== site),
  }));
}

// ---- Export -------------------------------------------------------------------------

/** @param {'markdown' | 'json'} format */
async function exportFindings(format) {
  const status = lastView?.status;
  if (!status?.provisions?.length && !status?.detections?.length) return;
  /** @type {Map<string, any>} */
  const cards = new Map();
  // A card names only its closest comparisons beyond the first few; the export carries
  // every one, whole.
  /** @type {Map<string, any>} */
  const comparisons = new Map();
  for (const p of status.provisions) {
    if (cards.has(p.provision)) continue;
    cards.set(p.provision, await send(MSG.POPUP_BG_CARD, { provision: p.provision }).catch(logFailure('export card', null)));
    comparisons.set(p.provision, await send(MSG.POPUP_BG_COMPARISONS, { provision: p.provision }).catch(logFailure('export comparisons', null)));
  }
  const date = new Date().toISOString().slice(0, 10);
  const report = findingsReport(status, cards, date, comparisons);
  const base = `termlens-${(report.page.document?.id ?? 'page').replace(/[^a-z0-9]+/gi, '-')}-${date}`;
  if (format === 'markdown') download(`${base}.md`, 'text/markdown;charset=utf-8', toMarkdown(report, t));
  else download(`${base}.json`, 'application/json', toJson(report));
}

async function main() {
  byId('open-settings').addEventListener('click', () => {
    Promise.resolve(api.runtime.openOptionsPage()).catch((e) => showProblem(errorMessage(e)));
  });
  startTabs();
  startLookup();
  showShortcuts().catch(logFailure('shortcuts'));
  const tab = await targetTab();
  if (tab === null) {
    summary.textContent = t('noActiveTab');
    runButton.disabled = true;
    chooseTab(false);
    return;
  }
  const refresh = async () => {
    const view = await send(MSG.POPUP_BG_STATUS, { tabId: tab.id });
    show(view, tab.url);
    await showWatch(view, tab.url);
  };
  byId('watch').addEventListener('change', () => { watchChanged().catch((e) => showProblem(errorMessage(e))); });
  runButton.addEventListener('click', async () => {
    runButton.disabled = true;
    summary.textContent = t('running');
    try {
      await send(MSG.POPUP_BG_RUN, { tabId: tab.id });
    } catch (error) {
      showProblem(errorMessage(error));
    }
    await refresh();
  });
  byId('changes-show').addEventListener('click', () => { showChangesOnPage(tab.id).catch(logFailure('show changes')); });
  byId('export-markdown').addEventListener('click', () => { exportFindings('markdown').catch((e) => showProblem(errorMessage(e))); });
  byId('export-json').addEventListener('click', () => { exportFindings('json').catch((e) => showProblem(errorMessage(e))); });
  await refresh();
}

main().catch((error) => {
  summary.textContent = `termlens: ${errorMessage(error)}`;
});
