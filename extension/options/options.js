// termlens options page: platforms and topics on or off, the highlight style, what opens
// a card (hover or click only), and the sites where termlens stays off. Each control saves at once to storage.local
// (extension/shared/settings.js: schema version, migrations, defaults); pages read
// the settings when termlens starts on them.

import { MSG, api, send, errorMessage, logFailure } from '../shared/runtime.js';
import { loadSettings, saveSettings, siteOf, setAsideCorrupt, corruptCopies } from '../shared/settings.js';
import { t, localise } from '../shared/i18n.js';
import './snapshots.js';
import { el } from '../shared/dom.js';

localise(document);
document.title = t('optionsTitle');

/** @param {string} id */
const byId = (id) => /** @type {any} */ (document.getElementById(id));
const saved = /** @type {HTMLElement} */ (byId('saved'));

// Stored settings that could not be read are kept aside, and said so (one line each).
await setAsideCorrupt(api.storage.local).catch(logFailure('settings'));
for (const { key, problems } of await corruptCopies(api.storage.local).catch(logFailure('settings', []))) {
  byId('corrupt').append(el('p', 'problem', t('optionsCorrupt', key, problems.join('; '))));
}

/** @type {import('../shared/settings.js').Settings} */
let settings = await loadSettings(api.storage.local);

/**
 * Stores a change and says so.
 * @param {Parameters<typeof saveSettings>[1]} change  fields, or a function of the stored settings
 */
async function save(change) {
  try {
    settings = await saveSettings(api.storage.local, change);
    saved.textContent = t('optionsSaved');
  } catch (error) {
    saved.textContent = t('optionsNotSaved', errorMessage(error));
  }
}

/**
 * One checkbox per value; checked = on. Unchecking adds the id to `key` (an off list).
 * @param {HTMLElement} container
 * @param {import('../../pkg/termlens.js').Facet[]} values
 * @param {'platformsOff' | 'topicsOff'} key
 */
function checkboxes(container, values, key) {
  container.replaceChildren(...values.map((v) => {
    const label = el('label');
    const box = /** @type {HTMLInputElement} */ (el('input'));
    box.type = 'checkbox';
    box.value = v.id;
    box.checked = !settings[key].includes(v.id);
    box.addEventListener('change', () => {
      const on = box.checked;
      save((now) => {
        const off = new Set(now[key]);
        if (on) off.delete(v.id);
        else off.add(v.id);
        return { [key]: [...off] };
      });
    });
    label.append(box, document.createTextNode(` ${v.name} `), el('span', 'meta', `(${v.count})`));
    return label;
  }));
  container.dataset.state = 'ready';
}

function showSites() {
  const list = byId('site-list');
  list.replaceChildren(...settings.sitesOff.map((site) => {
    const item = el('li');
    const remove = /** @type {HTMLButtonElement} */ (el('button', 'secondary', t('optionsSiteOn')));
    remove.type = 'button';
    remove.setAttribute('aria-label', t('optionsSiteOnLabel', site));
    remove.addEventListener('click', async () => {
      await save((now) => ({ sitesOff: now.sitesOff.filter((s) => s !== site) }));
      showSites();
      byId('site-input').focus();
    });
    item.append(el('span', '', site), remove);
    return item;
  }));
  if (!settings.sitesOff.length) list.append(el('li', 'meta', t('optionsNoSites')));
}

/** The sites watched for changes (added from the popup), each with a button to stop. */
function showWatched() {
  const list = byId('watched-list');
  list.replaceChildren(...settings.sitesWatched.map((site) => {
    const item = el('li');
    const stop = /** @type {HTMLButtonElement} */ (el('button', 'secondary', t('optionsUnwatch')));
    stop.type = 'button';
    stop.setAttribute('aria-label', t('optionsUnwatchLabel', site));
    stop.addEventListener('click', async () => {
      await save((now) => ({ sitesWatched: now.sitesWatched.filter((s) => s !== site) }));
      showWatched();
    });
    item.append(el('span', '', site), stop);
    return item;
  }));
  if (!settings.sitesWatched.length) list.append(el('li', 'meta', t('optionsNoWatched')));
}

// One radio group per choice of the settings: checked from the stored value, saved on change.
for (const key of /** @type {const} */ (['highlightStyle', 'cardOpening'])) {
  for (const radio of document.querySelectorAll(`input[name="${key}"]`)) {
    const input = /** @type {HTMLInputElement} */ (radio);
    input.checked = input.value === settings[key];
    input.addEventListener('change', () => {
      if (input.checked) save({ [key]: /** @type {any} */ (input.value) });
    });
  }
}

// Detections: on unless the reader turns them off (settings `detectionsOff`).
{
  const box = /** @type {HTMLInputElement} */ (byId('detections-on'));
  box.checked = !settings.detectionsOff;
  box.addEventListener('change', () => { save({ detectionsOff: !box.checked }); });
}

byId('site-form').addEventListener('submit', async (/** @type {Event} */ event) => {
  event.preventDefault();
  const input = /** @type {HTMLInputElement} */ (byId('site-input'));
  const raw = input.value.trim();
  const site = raw.includes('://') ? siteOf(raw) : siteOf(`https://${raw}`);
  if (!site) {
    saved.textContent = t('optionsBadSite', raw);
    return;
  }
  await save((now) => ({ sitesOff: [...now.sitesOff, site] }));
  input.value = '';
  showSites();
});

showSites();
showWatched();
try {
  const facets = await send(MSG.OPTIONS_BG_FACETS);
  checkboxes(byId('platform-list'), facets.platforms ?? [], 'platformsOff');
  checkboxes(byId('topic-list'), facets.topics ?? [], 'topicsOff');
} catch (error) {
  saved.textContent = t('optionsNoLists', errorMessage(error));
}
