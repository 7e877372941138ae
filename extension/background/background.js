// termlens background: runs the engine for the content scripts, keeps each tab's
// status, sets the toolbar badge, answers the popup and relays keyboard commands.
//
// One file for both browsers: Chromium runs it as the module service worker
// (`background.service_worker`), Firefox as a module background script
// (`background.scripts`). Listeners are registered synchronously at start-up, as a
// service worker that was stopped is woken by the event it missed.

import { MSG, api, listen, sendToTab, errorMessage } from '../shared/runtime.js';
import { armTestPanic, engineState, withEngine, packStatus, reloadEngine } from './engine.js';
import { PACKS_KEY, MAX_PACK_TEXT, readPacks, addPack, removePack } from '../shared/packs.js';
import * as tabs from './tab-status.js';
import { visibility, setAsideCorrupt } from '../shared/settings.js';
import { t } from '../shared/i18n.js';
import { changesOf } from './changes.js';
import { currentSettings } from './settings-cache.js';

/** Longest text a content script may send (UTF-16 units); the annotator checks first. */
const MAX_TEXT = 5_000_000;
/** Errors kept per tab. */
const MAX_ERRORS = 10;
/** Longest clause kept per provision in a tab's status (UTF-16 units). */
const MAX_CLAUSE = 20_000;
/** Longest lookup query (UTF-16 units) and most results a lookup returns. */
const MAX_QUERY = 1_000;
const MAX_RESULTS = 100;
/** Values of the lookup's exposure filter (compliance.exposure in data/). */
const EXPOSURES = ['high', 'medium', 'low'];

const EXTENSION_ORIGIN = api.runtime.getURL('');

/**
 * The text of each tab's first annotation of a page load, until its content script
 * asks what changed in it (CS_BG_CHANGES).
 * @type {Map<number, { text: string, url: string, pageDocument: string | null }>}
 */
const pendingChanges = new Map();

/**
 * The page text each tab's content script is sending in pieces (CS_BG_TEXT), until its
 * CS_BG_ANNOTATE claims it. A transfer left unclaimed (the text was too long, or
 * unchanged) is dropped after TRANSFER_TTL_MS or at the tab's next transfer.
 * @type {Map<number, { transfer: string, parts: string[], length: number, timer: any }>}
 */
const incoming = new Map();
const TRANSFER_TTL_MS = 30_000;

/** @param {number} tabId */
function dropTransfer(tabId) {
  clearTimeout(incoming.get(tabId)?.timer);
  incoming.delete(tabId);
}

/**
 * The text of a finished transfer, or null when a piece is missing (lost, out of
 * order, or the background restarted meanwhile): the content script then sends it whole.
 * @param {number} tabId
 * @param {unknown} transfer
 * @param {unknown} chunks
 */
function takeTransfer(tabId, transfer, chunks) {
  const pending = incoming.get(tabId);
  if (!pending || pending.transfer !== transfer) return null;
  dropTransfer(tabId);
  if (pending.parts.length !== chunks) return null;
  return pending.parts.length === 1 ? pending.parts[0] : pending.parts.join('');
}

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
      status: a.status, version: String(a.version), document: String(a.document ?? ''),
      // The clause as the page words it, and the word diff from the known wording (export).
      text: String(a.text ?? '').slice(0, MAX_CLAUSE),
      diff: a.status === 'changed' && Array.isArray(a.diff)
        ? a.diff.map((d) => ({ op: String(d.op), text: String(d.text ?? '') })) : [],
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

  [MSG.CS_BG_TEXT]: (message, sender) => {
    const tabId = sender.tab.id;
    const text = typeof message.text === 'string' ? message.text : null;
    let pending = incoming.get(tabId);
    if (message.seq === 0) {
      dropTransfer(tabId);
      pending = { transfer: String(message.transfer), parts: [], length: 0, timer: 0 };
      incoming.set(tabId, pending);
    }
    // A piece out of order, or past the longest text: the transfer is dropped, and
    // CS_BG_ANNOTATE asks for the text whole.
    if (!pending || pending.transfer !== message.transfer || message.seq !== pending.parts.length
      || text === null || pending.length + text.length > MAX_TEXT) {
      dropTransfer(tabId);
      return false;
    }
    pending.parts.push(text);
    pending.length += text.length;
    clearTimeout(pending.timer);
    pending.timer = setTimeout(() => {
      if (incoming.get(tabId) === pending) incoming.delete(tabId);
    }, TRANSFER_TTL_MS);
    return true;
  },

  [MSG.CS_BG_ANNOTATE]: async (message, sender) => {
    const tabId = sender.tab.id;
    /** @type {unknown} */
    let text = message.text;
    const pieces = typeof message.transfer === 'string' ? Number(message.chunks) : 0;
    if (pieces) {
      text = takeTransfer(tabId, message.transfer, message.chunks);
      if (text === null) return { resend: true };
    }
    if (typeof text !== 'string' || text.length > MAX_TEXT) {
      throw new Error('the page text is missing or too long');
    }
    await tabs.update(tabId, (status) => {
      status.wasm = true;
      status.phase = 'annotating';
      status.runs += 1;
      status.pieces = pieces;
    });
    try {
      const url = typeof message.url === 'string' ? message.url : String(sender.url ?? '');
      const shown = visibility(await currentSettings());
      const result = await withEngine((engine) => engine.annotate(text, url, shown), 'annotate');
      const annotations = Array.isArray(result?.annotations) ? result.annotations : [];
      // Known provisions of the page's document that it does not carry (page summary).
      const missing = (Array.isArray(result?.missing) ? result.missing : [])
        .map((m) => ({ provision: String(m.provision), title: String(m.title), version: String(m.version) }));
      await tabs.update(tabId, {
        provisions: summarise(annotations),
        missing,
        document: result?.document
          ? { id: result.document.id, name: result.document.name, platformName: result.document.platformName }
          : null,
      });
      // What changed since the last visit (or against the known version), once per
      // visit: the text is kept until the content script asks (CS_BG_CHANGES), after
      // it has drawn the provisions.
      if (message.changes === true) {
        const pageDocument = typeof result?.pageDocument === 'string' ? result.pageDocument : null;
        pendingChanges.set(tabId, { text, url, pageDocument });
      }
      return { annotations, document: result?.document ?? null, missing };
    } catch (error) {
      await tabs.update(tabId, { phase: 'failed' });
      await addError(tabId, `annotate: ${errorMessage(error)}`);
      throw error;
    }
  },

  [MSG.CS_BG_CHANGES]: async (message, sender) => {
    const tabId = sender.tab.id;
    const pending = pendingChanges.get(tabId);
    pendingChanges.delete(tabId);
    if (!pending) return null;
    const changes = await changesOf(pending, (problem) => addError(tabId, `changes: ${problem}`))
      .catch(async (error) => {
        await addError(tabId, `changes: ${errorMessage(error)}`);
        return null;
      });
    await tabs.update(tabId, {
      changes: changes && { source: changes.source, since: changes.since, summary: changes.summary, listed: changes.changes.length },
    });
    return changes;
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

  [MSG.CS_BG_CHANGES_STATE]: async (message, sender) => {
    await tabs.update(sender.tab.id, (status) => {
      if ('panel' in message) status.changesPanel = message.panel && typeof message.panel === 'object' ? message.panel : null;
      if (message.shown && typeof message.shown === 'object') status.changesShown = message.shown;
    });
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

  // Browser tests only: refused unless the harness set the test-hooks flag.
  [MSG.POPUP_BG_TEST_PANIC]: async () => {
    const flags = await api.storage.local.get('termlensTestHooks');
    if (flags?.termlensTestHooks !== true) throw new Error('test hooks are off');
    armTestPanic();
    return true;
  },

  [MSG.POPUP_BG_LOOKUP]: (message) => lookup(message.query, message.filters, message.limit),

  [MSG.POPUP_BG_FACETS]: () => withEngine((engine) => engine.facets()),

  [MSG.POPUP_BG_CARD]: (message) => withEngine((engine) => engine.card(String(message.provision ?? ''))),

  [MSG.POPUP_BG_LOOKUP_SELECTION]: async (message) => {
    const tab = await api.tabs.get(Number(message.tabId));
    return typeof message.text === 'string' ? openLookup(message.text, tab) : lookupSelection(tab);
  },

  [MSG.POPUP_BG_SHOW]: async (message) => {
    const tabId = Number(message.tabId);
    const result = await sendToTab(tabId, MSG.BG_CS_NAVIGATE, { provision: String(message.provision ?? '') });
    // The card is in that tab: bring it forward (a popup opened as a page may sit elsewhere).
    await api.tabs.update(tabId, { active: true }).catch(() => {});
    return result;
  },
}, fromExtensionPage);

/**
 * Strings only, each list at most 50 long.
 * @param {unknown} list
 * @returns {string[] | undefined}
 */
function stringList(list) {
  if (!Array.isArray(list)) return undefined;
  const values = list.filter((v) => typeof v === 'string' && v.length <= 200).slice(0, 50);
  return values.length ? values : undefined;
}

/**
 * Runs a lookup in the engine with checked arguments.
 * @param {unknown} query
 * @param {any} filters
 * @param {unknown} limit
 */
async function lookup(query, filters, limit) {
  const text = String(query ?? '').slice(0, MAX_QUERY);
  /** @type {{ platforms?: string[], topics?: string[], exposure?: string[] }} */
  const checked = {};
  const platforms = stringList(filters?.platforms);
  const topics = stringList(filters?.topics);
  const exposure = stringList(filters?.exposure)?.filter((e) => EXPOSURES.includes(e));
  if (platforms) checked.platforms = platforms;
  if (topics) checked.topics = topics;
  if (exposure?.length) checked.exposure = exposure;
  const n = Number.isInteger(limit) && Number(limit) > 0 ? Math.min(Number(limit), MAX_RESULTS) : 20;
  const shown = visibility(await currentSettings());
  /** @type {any[]} */
  const hits = await withEngine((engine) => engine.lookup(text, checked, shown, n));
  return Array.isArray(hits) ? hits : [];
}

/** The context-menu entry on a selection. */
const LOOKUP_MENU = 'termlens-lookup-selection';

/**
 * Opens the lookup (the popup's page, in a new tab next to `tab`) for a text.
 * @param {string} text
 * @param {{ id?: number, index?: number, windowId?: number } | undefined} tab
 */
async function openLookup(text, tab) {
  const query = String(text ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY);
  const params = new URLSearchParams({ q: query });
  if (typeof tab?.id === 'number' && tab.id >= 0) params.set('tab', String(tab.id));
  const url = api.runtime.getURL(`extension/popup/popup.html?${params}`);
  /** @type {Record<string, unknown>} */
  const where = { url };
  if (typeof tab?.index === 'number') where.index = tab.index + 1;
  if (typeof tab?.windowId === 'number') where.windowId = tab.windowId;
  const created = await api.tabs.create(where);
  return { query, url, tabId: created?.id ?? null };
}

/**
 * The lookup-selection command: the tab's selected text goes to the lookup.
 * @param {{ id?: number } | undefined} tab
 */
async function lookupSelection(tab) {
  let text = '';
  if (typeof tab?.id === 'number') {
    try {
      text = await sendToTab(tab.id, MSG.BG_CS_SELECTION);
    } catch {
      // No termlens content script there (a browser page): an empty lookup.
    }
  }
  return openLookup(String(text ?? ''), tab);
}

// The context menu: "Look up in termlens" on a selection. Menus persist across
// restarts in both browsers, so they are created once per install or update.
api.runtime.onInstalled.addListener(() => {
  api.contextMenus?.create({
    id: LOOKUP_MENU,
    title: t('menuLookupSelection'),
    contexts: ['selection'],
  }, () => void api.runtime.lastError);
});
api.contextMenus?.onClicked.addListener((info, tab) => {
  if (info.menuItemId === LOOKUP_MENU) openLookup(String(info.selectionText ?? ''), tab).catch(() => {});
});

// Keyboard commands (manifest "commands"): the next or previous provision, and the
// lookup of the selection.
api.commands?.onCommand.addListener((command, tab) => {
  if (command === 'lookup-selection') {
    lookupSelection(tab).catch(() => {});
    return;
  }
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

api.tabs.onRemoved.addListener((tabId) => {
  pendingChanges.delete(tabId);
  dropTransfer(tabId);
  tabs.remove(tabId);
});

// Custom provision packs (options page). The engine validates a pack completely
// before anything is stored; the engine is rebuilt with the stored packs after each
// change (extension/shared/packs.js, src/kb/pack.rs).
listen({
  [MSG.POPUP_BG_PACKS]: async () => {
    const stored = await readPacks(api.storage.local);
    // Building the engine gives each stored pack's verdict.
    await withEngine(() => null).catch(() => null);
    const verdicts = new Map(packStatus().map((p) => [p.index, p]));
    return {
      unreadable: stored.unreadable,
      packs: [
        ...stored.packs.map(({ index, pack }) => ({
          index, id: pack.id, name: pack.name, imported: pack.imported, text: pack.text,
          summary: verdicts.get(index)?.summary ?? null,
          error: verdicts.get(index)?.error ?? (verdicts.has(index) ? '' : 'not loaded: the engine could not start'),
        })),
        ...stored.malformed.map(({ index, problem, value }) => ({
          index, id: '', name: '', imported: '', text: JSON.stringify(value) ?? '', summary: null, error: problem,
        })),
      ].sort((a, b) => a.index - b.index),
    };
  },

  [MSG.POPUP_BG_PACK_IMPORT]: async (message) => {
    const text = message.text;
    if (typeof text !== 'string' || text.length > MAX_PACK_TEXT) {
      return { error: `pack: the file is empty, unreadable or longer than ${MAX_PACK_TEXT} characters` };
    }
    /** @type {{ id: string, name: string, provisions: string[] }} */
    let summary;
    try {
      summary = await withEngine((engine) => engine.validatePack(text));
    } catch (error) {
      // Every problem, one per line (errorMessage would join and cut them).
      return { error: error instanceof Error ? error.message.slice(0, 4000) : errorMessage(error) };
    }
    await addPack(api.storage.local, { id: summary.id, name: summary.name, text, imported: new Date().toISOString() });
    packsChanged();
    return { summary };
  },

  [MSG.POPUP_BG_PACK_REMOVE]: async (message) => {
    const removed = await removePack(api.storage.local, Number(message.index), String(message.id ?? ''));
    if (removed) packsChanged();
    return { removed };
  },
}, fromExtensionPage);

/** The stored packs changed: the engine and what was cached from it are rebuilt. */
function packsChanged() {
  reloadEngine();
}

api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && Object.hasOwn(changes, PACKS_KEY)) packsChanged();
});

api.action.setBadgeBackgroundColor({ color: '#4b2bb3' }).catch?.(() => {});

// Stored settings that cannot be read are kept aside before anything reads them.
setAsideCorrupt(api.storage.local).catch(() => {});
