// termlens options page: custom provision packs. Import (a JSON file, validated
// completely by the engine in the background before anything is stored), the list of
// stored packs with their state, export (the JSON exactly as stored) and removal.
//
// Everything a pack says is shown with textContent: a pack's strings are data.

import { MSG, send, errorMessage } from '../shared/runtime.js';
import { t } from '../shared/i18n.js';
import { download } from '../shared/download.js';
import { el } from '../shared/dom.js';

/** @param {string} id */
const byId = (id) => /** @type {any} */ (document.getElementById(id));
const list = /** @type {HTMLUListElement} */ (byId('pack-list'));
const fileInput = /** @type {HTMLInputElement} */ (byId('pack-file'));
const status = /** @type {HTMLElement} */ (byId('pack-status'));
const problem = /** @type {HTMLPreElement} */ (byId('pack-error'));

/** A file name from a pack id (letters, digits and dashes only). */
function fileName(/** @type {string} */ id, /** @type {number} */ index) {
  const safe = id.replace(/[^a-z0-9-]+/gi, '-').replace(/^-+|-+$/g, '').slice(0, 80);
  return `termlens-pack-${safe || `entry-${index + 1}`}.json`;
}

/**
 * One stored pack as the background lists it.
 * @typedef {{ index: number, id: string, name: string, imported: string, text: string,
 *   summary: import('../../pkg/termlens.js').PackSummary | null, error: string }} ListedPack
 */

/** @param {ListedPack} pack */
function item(pack) {
  const li = el('li', 'pack');
  li.dataset.pack = pack.id;
  li.dataset.state = pack.error ? 'set-aside' : 'loaded';
  const about = el('div', 'pack-about');
  const label = pack.name || t('packsUnnamed', String(pack.index + 1));
  about.append(el('div', 'pack-name', label));
  const date = pack.imported ? pack.imported.slice(0, 10) : '';
  if (pack.summary) {
    about.append(el('div', 'meta', t('packsDetails', String(pack.summary.provisions.length), pack.id, date)));
  } else {
    about.append(el('div', 'meta pack-problem', t('packsSetAside', pack.error)));
  }
  const actions = el('div', 'pack-actions');
  const exportButton = /** @type {HTMLButtonElement} */ (el('button', 'secondary pack-export', t('packsExport')));
  exportButton.type = 'button';
  exportButton.setAttribute('aria-label', t('packsExportLabel', label));
  exportButton.addEventListener('click', () => download(fileName(pack.id, pack.index), 'application/json', pack.text));
  const removeButton = /** @type {HTMLButtonElement} */ (el('button', 'secondary pack-remove', t('packsRemove')));
  removeButton.type = 'button';
  removeButton.setAttribute('aria-label', t('packsRemoveLabel', label));
  removeButton.addEventListener('click', async () => {
    try {
      const { removed } = await send(MSG.OPTIONS_BG_PACK_REMOVE, { index: pack.index, id: pack.id });
      status.textContent = removed ? t('packsRemoved', label) : t('packsNotRemoved', label);
    } catch (error) {
      status.textContent = t('packsNotRemoved', `${label} (${errorMessage(error)})`);
    }
    await refresh();
    fileInput.focus();
  });
  actions.append(exportButton, removeButton);
  li.append(about, actions);
  return li;
}

/** Lists the stored packs. */
async function refresh() {
  list.dataset.state = 'loading';
  try {
    /** @type {{ unreadable: string, packs: ListedPack[] }} */
    const stored = await send(MSG.OPTIONS_BG_PACKS);
    const items = stored.packs.map(item);
    if (stored.unreadable) items.unshift(el('li', 'meta pack-problem', t('packsUnreadable', stored.unreadable)));
    if (!items.length) items.push(el('li', 'meta', t('packsNone')));
    list.replaceChildren(...items);
  } catch (error) {
    list.replaceChildren(el('li', 'meta pack-problem', t('packsNoList', errorMessage(error))));
  }
  list.dataset.state = 'ready';
}

fileInput.addEventListener('change', async () => {
  const file = fileInput.files?.[0];
  if (!file) return;
  problem.hidden = true;
  problem.textContent = '';
  status.textContent = t('packsImporting', file.name);
  let reply;
  try {
    reply = await send(MSG.OPTIONS_BG_PACK_IMPORT, { text: await file.text() });
  } catch (error) {
    reply = { error: errorMessage(error) };
  }
  if (reply?.summary) {
    status.textContent = t('packsImported', reply.summary.name, String(reply.summary.provisions.length));
  } else {
    status.textContent = t('packsNotImported', file.name);
    problem.textContent = String(reply?.error ?? '');
    problem.hidden = false;
  }
  fileInput.value = '';
  await refresh();
});

refresh();
