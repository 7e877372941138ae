// termlens popup: what termlens found on the active tab, and a button to run it there.
//
// Every string shown comes from the knowledge base or the page and is set with
// textContent. `?tab=<id>` shows another tab (used when the popup is opened as a page).

import { MSG, api, send } from '../shared/runtime.js';

const summary = /** @type {HTMLElement} */ (document.getElementById('summary'));
const list = /** @type {HTMLOListElement} */ (document.getElementById('provisions'));
const problems = /** @type {HTMLElement} */ (document.getElementById('problems'));
const runButton = /** @type {HTMLButtonElement} */ (document.getElementById('run'));

/** @returns {Promise<number | null>} */
async function targetTab() {
  const asked = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(asked) && asked >= 0) return asked;
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return typeof tab?.id === 'number' ? tab.id : null;
}

/** @param {string} tag @param {string} [className] @param {string} [text] */
function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text != null) element.textContent = text;
  return element;
}

/** @param {any} view the reply to popup-bg-status */
function show(view) {
  const status = view.status;
  const content = view.content;
  list.replaceChildren();
  list.hidden = true;
  problems.hidden = true;
  if (!status && !content) {
    summary.textContent = 'termlens cannot read this page. Browser pages are off limits; '
      + 'a page opened before termlens was installed needs a reload.';
    runButton.disabled = true;
    return;
  }
  runButton.disabled = false;
  if (!status) {
    summary.textContent = 'This page does not look like terms of service, so termlens left it alone.';
    return;
  }
  if (status.phase === 'annotating') summary.textContent = 'Reading this page…';
  else if (status.provisions.length === 0) summary.textContent = 'No known provisions found on this page.';
  else {
    const where = status.document ? ` in ${status.document.name}` : '';
    const n = status.provisions.length;
    summary.textContent = `${n} known provision${n === 1 ? '' : 's'} found${where}.`;
    for (const p of status.provisions) {
      const item = el('li');
      item.append(el('span', 'title', p.title));
      const meta = el('span', 'meta', p.platformName);
      meta.append(el('span', `chip ${p.status}`, p.status === 'exact' ? `known wording · ${p.version}` : `changed since ${p.version}`));
      item.append(meta);
      list.append(item);
    }
    list.hidden = false;
  }
  if (status.errors.length) {
    problems.textContent = `Problems: ${status.errors.join('; ')}`;
    problems.hidden = false;
  }
}

async function refresh(tabId) {
  show(await send(MSG.POPUP_BG_STATUS, { tabId }));
}

async function main() {
  const tabId = await targetTab();
  if (tabId === null) {
    summary.textContent = 'No active tab.';
    runButton.disabled = true;
    return;
  }
  runButton.addEventListener('click', async () => {
    runButton.disabled = true;
    summary.textContent = 'Running termlens…';
    try {
      await send(MSG.POPUP_BG_RUN, { tabId });
    } catch (error) {
      problems.textContent = String(error instanceof Error ? error.message : error);
      problems.hidden = false;
    }
    await refresh(tabId);
  });
  await refresh(tabId);
}

main().catch((error) => {
  summary.textContent = `termlens: ${error instanceof Error ? error.message : String(error)}`;
});
