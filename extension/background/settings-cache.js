// termlens: the reader's settings as the background reads them, cached.
//
// Every annotation and every lookup filters by the settings (platforms and topics
// turned off); reading storage.local each time cost ~3 ms per page on the annotate
// path. The copy is read once and dropped whenever the stored value
// changes (storage.onChanged: the options page saving, a reset, a corrupt value set
// aside), so the next reader gets the new settings.

import { api } from '../shared/runtime.js';
import { loadSettings, SETTINGS_KEY } from '../shared/settings.js';

/** @type {Promise<import('../shared/settings.js').Settings> | null} */
let cached = null;

/**
 * The current settings (read from storage.local on first use and after each change).
 * @returns {Promise<import('../shared/settings.js').Settings>}
 */
export function currentSettings() {
  cached ??= loadSettings(api.storage.local);
  return cached;
}

api.storage.onChanged.addListener((/** @type {object} */ changes, /** @type {string} */ area) => {
  if (area === 'local' && Object.hasOwn(changes, SETTINGS_KEY)) cached = null;
});
