// termlens background: runs the engine for the content scripts, keeps each tab's
// status, sets the toolbar badge, answers the popup and relays keyboard commands.
//
// One file for both browsers: Chromium runs it as the module service worker
// (`background.service_worker`), Firefox as a module background script
// (`background.scripts`). Listeners are registered synchronously at start-up, as a
// service worker that was stopped is woken by the event it missed.

import { MSG, api, listen, sendToTab, errorMessage } from '../shared/runtime.js';
import { engineState, withEngine } from './engine.js';
import * as tabs from './tab-status.js';

/** Longest text a content script may send (UTF-16 units); the annotator checks first. */
const MAX_TEXT = 5_000_000;
/** Errors kept per tab. */
const MAX_ERRORS = 10;

const EXTENSION_ORIGIN = api.runtime.getURL('');

/** A message from termlens's own content script, top frame of a web page. */
function fromContentScript(sender) {
  return sender?.id === api.runtime.id
    && typeof sender.tab?.id === 'number' && sender.tab.id >= 0
    && (sender.frameId ?? 0) === 0
    && !String(sender.url ?? '').startsWith(EXTENSION_ORIGIN);
}

/** A message from one of termlens's own pages (the popup). */
function fromExtensionPage(sender) {
  return sender?.id === api.runtime.id && String(sender.url ?? '').startsWith(EXTENSION_ORIGIN);
}

/**
 * Sets the badge of a tab to the number of provisions (empty for none).
 * @param {number} tabId
 * @param {number} count
 */
async function setBadge(tabId, count) {
  try {
    await api.action.setBadgeText({ tabId, text: count > 0 ? String(count) : '' });
  } catch {
    // The tab is gone.
  }
}

/** @param {number} tabId @param {string} error */
function addError(tabId, error) {
  return tabs.update(tabId, (status) => {
    status.errors = [...status.errors, error].slice(-MAX_ERRORS);
  });
}

/** @param {import('../overlay/card.js').Annotation[]} annotations */
function summarise(annotations) {
  return annotations
    .slice()
    .sort((a, b) => a.start - b.start || b.end - a.end)
    .map((a) => ({
      provision: String(a.provision), title: String(a.title), platformName: String(a.platformName),
      status: a.status, version: String(a.version),
    }));
}

// Messages from content scripts.
listen({
  [MSG.CS_BG_ACTIVE]: async (message, sender) => {
    tabs.reset(sender.tab.id, {
      url: String(sender.url ?? ''),
      pageId: String(message.pageId ?? ''),
      reason: String(message.reason ?? ''),
    });
    await setBadge(sender.tab.id, 0);
    return true;
  },

  [MSG.CS_BG_ANNOTATE]: async (message, sender) => {
    const tabId = sender.tab.id;
    if (typeof message.text !== 'string' || message.text.length > MAX_TEXT) {
      throw new Error('the page text is missing or too long');
    }
    await tabs.update(tabId, (status) => {
      status.wasm = true;
      status.phase = 'annotating';
      status.runs += 1;
    });
    try {
      const url = typeof message.url === 'string' ? message.url : String(sender.url ?? '');
      const result = await withEngine((engine) => engine.annotate(message.text, url));
      const annotations = Array.isArray(result?.annotations) ? result.annotations : [];
      await tabs.update(tabId, {
        provisions: summarise(annotations),
        document: result?.document
          ? { id: result.document.id, name: result.document.name, platformName: result.document.platformName }
          : null,
      });
      return { annotations, document: result?.document ?? null };
    } catch (error) {
      await tabs.update(tabId, { phase: 'failed' });
      await addError(tabId, `annotate: ${errorMessage(error)}`);
      throw error;
    }
  },

  [MSG.CS_BG_ANNOTATED]: async (message, sender) => {
    const count = Number.isInteger(message.count) && message.count >= 0 ? message.count : 0;
    // The badge first: whoever sees the phase 'done' sees the badge too.
    await setBadge(sender.tab.id, count);
    const t = message.timings && typeof message.timings === 'object' ? message.timings : null;
    const timings = t && ['extract', 'engine', 'highlight', 'total', 'characters'].every((k) => Number.isFinite(t[k]))
      ? { extract: t.extract, engine: t.engine, highlight: t.highlight, total: t.total, characters: t.characters }
      : null;
    await tabs.update(sender.tab.id, { count, phase: 'done', timings });
    return true;
  },

  [MSG.CS_BG_CARD]: (message) => withEngine((engine) => engine.card(String(message.provision ?? ''))),

  [MSG.CS_BG_CARD_STATE]: async (message, sender) => {
    const card = message.card && typeof message.card === 'object' ? message.card : null;
    await tabs.update(sender.tab.id, { card });
    return true;
  },

  [MSG.CS_BG_ERROR]: async (message, sender) => {
    await tabs.update(sender.tab.id, { phase: 'failed' });
    await addError(sender.tab.id, `${String(message.stage ?? 'content')}: ${String(message.message ?? '')}`.slice(0, 400));
    return true;
  },
}, fromContentScript);

// Messages from the popup.
listen({
  [MSG.POPUP_BG_STATUS]: async (message) => {
    const tabId = Number(message.tabId);
    const status = await tabs.get(tabId);
    /** @type {object | null} */
    let content = null;
    let contentError = '';
    try {
      content = await sendToTab(tabId, MSG.BG_CS_STATUS);
    } catch (error) {
      contentError = errorMessage(error);
    }
    let badge = '';
    try {
      badge = await api.action.getBadgeText({ tabId });
    } catch {
      // The tab is gone.
    }
    return { tabId, status, content, contentError, badge, engine: engineState() };
  },

  [MSG.POPUP_BG_RUN]: async (message) => sendToTab(Number(message.tabId), MSG.BG_CS_RUN),
}, fromExtensionPage);

// Keyboard commands (manifest "commands"): the next or previous provision.
api.commands?.onCommand.addListener((command, tab) => {
  const direction = command === 'previous-provision' ? 'previous' : command === 'next-provision' ? 'next' : '';
  if (!direction || typeof tab?.id !== 'number') return;
  sendToTab(tab.id, MSG.BG_CS_NAVIGATE, { direction }).catch(() => {});
});

// A new page in a tab: keep the record only if the page that reported it is still there.
api.tabs.onUpdated.addListener((tabId, change) => {
  if (change.status !== 'complete') return;
  tabs.get(tabId).then(async (status) => {
    if (!status) return;
    let pageId = '';
    try {
      pageId = (await sendToTab(tabId, MSG.BG_CS_STATUS))?.pageId ?? '';
    } catch {
      // No termlens content script on the new page.
    }
    const now = await tabs.get(tabId);
    if (now && now.pageId !== pageId && now.pageId === status.pageId) {
      tabs.remove(tabId);
      await setBadge(tabId, 0);
    }
  }).catch(() => {});
});

api.tabs.onRemoved.addListener((tabId) => tabs.remove(tabId));

api.action.setBadgeBackgroundColor({ color: '#4b2bb3' }).catch?.(() => {});
