// termlens options page: the page snapshots kept for "what changed since your last
// visit" (extension/shared/snapshots.js): how many, how much of the budget, how many were
// evicted or set aside; the list, each page with a button to forget it; export as a JSON
// file; clear all.
//
// Renders into the page's #snapshots section; imported by options.js.

import { api, errorMessage } from '../shared/runtime.js';
import { t } from '../shared/i18n.js';
import { download } from '../shared/download.js';
import * as snapshots from '../shared/snapshots.js';
import { el } from '../shared/dom.js';

/** @param {string} id */
const byId = (id) => /** @type {any} */ (document.getElementById(id));

/** @param {number} size characters */
const kb = (size) => Math.round(size / 1000).toLocaleString();

/** @param {string} iso */
function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const status = () => byId('snapshot-status');

/**
 * The "Forget" button of one listed page: removes that page's snapshot only.
 * @param {string} url   the page key
 */
function forgetButton(url) {
  const button = /** @type {HTMLButtonElement} */ (el('button', 'secondary', t('optionsSnapshotForget')));
  button.type = 'button';
  button.setAttribute('aria-label', t('optionsSnapshotForgetLabel', url));
  button.addEventListener('click', async () => {
    try {
      await snapshots.forget(api.storage.local, url);
      status().textContent = t('optionsSnapshotForgotten', url);
      await showSnapshots();
      byId('snapshot-list').querySelector('button')?.focus() ?? byId('snapshot-export').focus();
    } catch (error) {
      status().textContent = t('optionsSnapshotsFailed', errorMessage(error));
    }
  });
  return button;
}

/** Shows what is stored now. */
export async function showSnapshots() {
  const section = byId('snapshots');
  if (!section) return;
  const s = await snapshots.summary(api.storage.local);
  byId('snapshot-budget').textContent = t('optionsSnapshotsBudget', s.pages.length, kb(s.size), kb(s.budget.size), s.budget.pages);
  byId('snapshot-evicted').textContent = s.evicted
    ? t('optionsSnapshotsEvicted', s.evicted, s.lastEvicted ? when(s.lastEvicted) : '')
    : t('optionsSnapshotsNoneEvicted');
  byId('snapshot-skipped').textContent = s.skipped ? t('optionsSnapshotsSkipped', s.skipped, kb(s.budget.perPage)) : '';
  const list = byId('snapshot-list');
  list.replaceChildren(...s.pages.map((p) => {
    const item = el('li');
    item.dataset.url = p.url;
    const text = el('span', 'snapshot-text');
    text.append(el('span', 'url', p.url), el('span', 'meta', ` ${t('optionsSnapshotLine', when(p.date), kb(p.size))}`));
    item.append(text, forgetButton(p.url));
    return item;
  }));
  if (!s.pages.length) list.append(el('li', 'meta', t('optionsSnapshotsNone')));
  const aside = byId('snapshot-aside');
  aside.replaceChildren(...s.setAside.map((p) => {
    const item = el('li');
    item.dataset.url = p.url;
    item.append(el('span', 'url', p.url), el('span', 'meta', ` ${t('optionsSnapshotAsideLine', when(p.date), p.problem)}`));
    return item;
  }));
  byId('snapshot-aside-heading').hidden = !s.setAside.length;
  section.dataset.state = 'ready';
}

byId('snapshot-export')?.addEventListener('click', async () => {
  try {
    const all = await snapshots.exportAll(api.storage.local);
    download(`termlens-snapshots-${new Date().toISOString().slice(0, 10)}.json`, 'application/json', `${JSON.stringify(all, null, 2)}\n`);
    status().textContent = t('optionsSnapshotsExported', all.pages.length);
  } catch (error) {
    status().textContent = t('optionsSnapshotsFailed', errorMessage(error));
  }
});

byId('snapshot-clear')?.addEventListener('click', async () => {
  try {
    const removed = await snapshots.clear(api.storage.local);
    status().textContent = t('optionsSnapshotsCleared', removed);
    await showSnapshots();
  } catch (error) {
    status().textContent = t('optionsSnapshotsFailed', errorMessage(error));
  }
});

showSnapshots().catch((error) => {
  status().textContent = t('optionsSnapshotsFailed', errorMessage(error));
});
