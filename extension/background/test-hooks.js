// termlens: messages for the browser tests only. Each is refused unless the harness
// set `storage.local.termlensTestHooks`, so in a reader's browser they do nothing and
// the status fields they write (card, changesPanel, changesShown) never exist.

import { api } from '../shared/runtime.js';
import { armTestPanic, armTestStall } from './engine.js';
import * as tabs from './tab-status.js';

/** Throws unless the test-hooks flag is set. */
async function requireTestHooks() {
  const flags = await api.storage.local.get('termlensTestHooks');
  if (flags?.termlensTestHooks !== true) throw new Error('test hooks are off');
}

/** The engine's next call panics inside Wasm. */
export async function panic() {
  await requireTestHooks();
  armTestPanic();
  return true;
}

/** The engine's next annotate call never answers (until the background is stopped). */
export async function stall() {
  await requireTestHooks();
  armTestStall();
  return true;
}

/**
 * What the card shows now: `{ card }`.
 * @param {any} message
 * @param {any} sender
 */
export async function cardState(message, sender) {
  await requireTestHooks();
  const card = message.card && typeof message.card === 'object' ? message.card : null;
  await tabs.update(sender.tab.id, { card });
  return true;
}

/**
 * What the changes panel shows (`{ panel }`, null when closed), what the changes badge
 * shows (`{ badge }`, null when hidden), or the passage the panel scrolled to (`{ shown }`).
 * @param {any} message
 * @param {any} sender
 */
export async function changesState(message, sender) {
  await requireTestHooks();
  await tabs.update(sender.tab.id, (status) => {
    if ('panel' in message) status.changesPanel = message.panel && typeof message.panel === 'object' ? message.panel : null;
    if ('badge' in message) status.changesBadge = message.badge && typeof message.badge === 'object' ? message.badge : null;
    if (message.shown && typeof message.shown === 'object') status.changesShown = message.shown;
  });
  return true;
}
