// termlens background: runs the engine for the content scripts, keeps each tab's
// status, sets the toolbar badge, answers the popup and the options page, and relays
// keyboard commands. This file is the index: which sender may send which message, and
// which module answers it; each job is a module of its own.
//
// One file for both browsers: Chromium runs it as the module service worker
// (`background.service_worker`), Firefox as a module background script
// (`background.scripts`). Listeners are registered synchronously at start-up, as a
// service worker that was stopped is woken by the event it missed.

import { MSG, api, listen, sendToTab, logFailure } from '../shared/runtime.js';
import { PACKS_KEY, sameTexts } from '../shared/packs.js';
import { setAsideCorrupt } from '../shared/settings.js';
import * as tabs from './tab-status.js';
import * as page from './annotate.js';
import * as packs from './packs.js';
import * as testHooks from './test-hooks.js';
import { receivePiece, dropTransfer } from './transfer.js';
import { lookup, facets } from './lookup.js';
import { lookupFromPopup, showOnPage, showChanges, createMenu, menuClicked, commandPressed } from './commands.js';
import { fromContentScript, fromExtensionPage } from './senders.js';
import { listenForOpen, showChange } from './panel.js';

// Messages from content scripts.
listen({
  [MSG.CS_BG_ACTIVE]: page.activated,
  [MSG.CS_BG_TEXT]: (message, sender) => receivePiece(sender.tab.id, message),
  [MSG.CS_BG_ANNOTATE]: page.annotate,
  [MSG.CS_BG_CHANGES]: page.changes,
  [MSG.CS_BG_ANNOTATED]: page.annotated,
  [MSG.CS_BG_CARD]: page.card,
  [MSG.CS_BG_DETECTION_CARD]: page.detectionCard,
  [MSG.CS_BG_COMPARISON]: page.comparison,
  [MSG.CS_BG_ERROR]: page.failed,
  [MSG.CS_BG_CARD_STATE]: testHooks.cardState,
  [MSG.CS_BG_CHANGES_STATE]: testHooks.changesState,
}, fromContentScript);

// Messages from the popup.
listen({
  [MSG.POPUP_BG_STATUS]: (message) => tabs.view(Number(message.tabId)),
  [MSG.POPUP_BG_RUN]: (message) => sendToTab(Number(message.tabId), MSG.BG_CS_RUN),
  [MSG.POPUP_BG_LOOKUP]: (message) => lookup(message.query, message.filters, message.limit),
  [MSG.POPUP_BG_FACETS]: facets,
  [MSG.POPUP_BG_CARD]: page.card,
  [MSG.POPUP_BG_COMPARISON]: page.comparison,
  [MSG.POPUP_BG_COMPARISONS]: page.comparisons,
  [MSG.POPUP_BG_LOOKUP_SELECTION]: lookupFromPopup,
  [MSG.POPUP_BG_SHOW]: showOnPage,
  [MSG.POPUP_BG_SHOW_CHANGES]: showChanges,
}, fromExtensionPage);

// Messages from the side panel (it also sends popup-bg-status, -card, -comparison and -show).
listen({
  [MSG.PANEL_BG_DETECTION_CARD]: page.detectionCard,
  [MSG.PANEL_BG_CHANGES]: page.listed,
  [MSG.PANEL_BG_SHOW_CHANGE]: showChange,
}, fromExtensionPage);

// The card's "Open in side panel": its own listener, which calls the browser at once.
listenForOpen();

// Messages from the options page.
listen({
  [MSG.OPTIONS_BG_FACETS]: facets,
  [MSG.OPTIONS_BG_PACKS]: packs.list,
  [MSG.OPTIONS_BG_PACK_IMPORT]: packs.importPack,
  [MSG.OPTIONS_BG_PACK_REMOVE]: packs.remove,
}, fromExtensionPage);

// Messages from the browser tests (refused unless the harness set the test-hooks flag).
listen({
  [MSG.TEST_BG_PANIC]: testHooks.panic,
  [MSG.TEST_BG_STALL]: testHooks.stall,
}, fromExtensionPage);

api.runtime.onInstalled.addListener(createMenu);
api.contextMenus?.onClicked.addListener(menuClicked);
api.commands?.onCommand.addListener(commandPressed);

// A new page in a tab: keep the record only if the page that reported it is still there.
api.tabs.onUpdated.addListener((/** @type {number} */ tabId, /** @type {{ status?: string }} */ change) => {
  if (change.status === 'complete') tabs.pageLoaded(tabId).catch(logFailure('tab status'));
});

api.tabs.onRemoved.addListener((/** @type {number} */ tabId) => {
  page.forgetTab(tabId);
  dropTransfer(tabId);
  tabs.remove(tabId);
});

api.storage.onChanged.addListener((/** @type {any} */ changes, /** @type {string} */ area) => {
  // A stamp written beside a pack changes no pack: the engine is not built again for it.
  const change = area === 'local' && Object.hasOwn(changes, PACKS_KEY) ? changes[PACKS_KEY] : null;
  if (change && !sameTexts(change.oldValue, change.newValue)) packs.packsChanged();
});

Promise.resolve(api.action.setBadgeBackgroundColor({ color: '#4b2bb3' })).catch(logFailure('badge colour'));

// Stored settings that cannot be read are kept aside before anything reads them.
setAsideCorrupt(api.storage.local).catch(logFailure('settings'));
