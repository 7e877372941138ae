// termlens: the reader's settings, in storage.local under one key.
//
// Stored values are read through `normalise`: named migrations bring an older schema
// up to date, type guards drop anything malformed, and the defaults fill the rest, so
// every context (background, content script, popup, options page) sees a complete,
// valid object whatever is stored.
//
// A stored value that cannot be read as it is (not an object, a field of the wrong
// type, a schema from a newer termlens) is never dropped silently: `setAsideCorrupt`
// (run by the background at start and by the options page) copies it, with what is
// wrong with it, under `corrupt:settings:<ISO time>`, then stores what could be read
// of it; the options page lists every copy kept aside.

/** The storage.local key. gate.js (a classic script) reads `sitesOff` under it too. */
export const SETTINGS_KEY = 'settings';
/** The current schema version. */
export const SCHEMA_VERSION = 3;

/**
 * @typedef {object} Settings
 * @property {number} schema           the schema version the object follows
 * @property {string[]} platformsOff   platform ids whose provisions are neither highlighted nor looked up
 * @property {string[]} topicsOff      topic ids turned off: a provision all of whose topics are off is hidden
 * @property {'default' | 'high-contrast'} highlightStyle
 * @property {boolean} detectionsOff   no detections (clause categories of passages termlens does not know)
 * @property {string[]} sitesOff       host names where termlens does not start by itself
 * @property {string[]} sitesWatched   host names the reader asked to watch for changes: their pages'
 *   text is kept between visits (as for the known documents) to show what changed
 * @property {'hover' | 'click'} cardOpening   what opens a provision's card besides the keyboard:
 *   'hover' (a pointer settled on the provision, or a click) or 'click' (click only)
 */

/** @type {Readonly<Settings>} */
export const DEFAULTS = Object.freeze({
  schema: SCHEMA_VERSION,
  platformsOff: [],
  topicsOff: [],
  highlightStyle: 'default',
  detectionsOff: false,
  sitesOff: [],
  sitesWatched: [],
  cardOpening: 'hover',
});

export const HIGHLIGHT_STYLES = Object.freeze(['default', 'high-contrast']);
export const CARD_OPENINGS = Object.freeze(['hover', 'click']);

/**
 * Migrations by the version they start from: each takes a stored object of that
 * version and returns one of the next. (Version 0 is anything stored without a
 * `schema`: the first draft kept `highContrast: boolean`.)
 * @type {Record<number, (stored: Record<string, any>) => Record<string, any>>}
 */
const MIGRATIONS = {
  0: ({ highContrast, ...rest }) => ({
    ...rest,
    ...(highContrast === true ? { highlightStyle: 'high-contrast' } : {}),
    schema: 1,
  }),
  // Version 2 adds `sitesWatched`: before it, every terms page's text was kept between
  // visits; now only the known documents' and the watched sites' are, and no site is
  // watched until the reader asks.
  1: (stored) => ({ ...stored, sitesWatched: [], schema: 2 }),
  // Version 3 adds `cardOpening`: cards opened on hover before it, so a stored value
  // keeps hover until the reader chooses click only.
  2: (stored) => ({ ...stored, cardOpening: 'hover', schema: 3 }),
};

/** Prefix of the keys under which an unreadable stored settings value is kept. */
export const CORRUPT_PREFIX = 'corrupt:settings:';

/** @param {unknown} value */
function isStringList(value) {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 200);
}

/**
 * What is wrong with a stored settings value, one phrase per problem ([] when it
 * reads as it is, or when nothing is stored).
 * @param {unknown} stored
 * @returns {string[]}
 */
export function problemsOf(stored) {
  if (stored === undefined) return [];
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) {
    return [`the stored value is ${Array.isArray(stored) ? 'a list' : stored === null ? 'null' : `a ${typeof stored}`}, not an object`];
  }
  /** @type {Record<string, unknown>} */
  const value = /** @type {any} */ (stored);
  const out = [];
  if ('schema' in value && !(Number.isInteger(value.schema) && /** @type {number} */ (value.schema) >= 0)) {
    out.push('schema is not a version number');
  } else if (/** @type {number} */ (value.schema) > SCHEMA_VERSION) {
    out.push(`schema ${value.schema} is newer than this termlens (${SCHEMA_VERSION})`);
  }
  for (const key of ['platformsOff', 'topicsOff', 'sitesOff', 'sitesWatched']) {
    if (key in value && !isStringList(value[key])) out.push(`${key} is not a list of names`);
  }
  if ('highlightStyle' in value && !HIGHLIGHT_STYLES.includes(/** @type {any} */ (value.highlightStyle))) {
    out.push('highlightStyle is not a known style');
  }
  if ('cardOpening' in value && !CARD_OPENINGS.includes(/** @type {any} */ (value.cardOpening))) {
    out.push('cardOpening is not hover or click');
  }
  if ('highContrast' in value && typeof value.highContrast !== 'boolean') out.push('highContrast is not true or false');
  if ('detectionsOff' in value && typeof value.detectionsOff !== 'boolean') out.push('detectionsOff is not true or false');
  return out;
}

/**
 * Sets an unreadable stored settings value aside: the value and its problems go under
 * `corrupt:settings:<ISO time>` first, then what could be read of it is stored as the
 * settings. Nothing happens when the stored value reads as it is.
 * @param {any} storage   storage.local
 * @param {Date} [now]
 * @returns {Promise<{ key: string, problems: string[] } | null>}
 */
export async function setAsideCorrupt(storage, now = new Date()) {
  const stored = (await storage.get(SETTINGS_KEY))?.[SETTINGS_KEY];
  const problems = problemsOf(stored);
  if (!problems.length) return null;
  const key = `${CORRUPT_PREFIX}${now.toISOString()}`;
  await storage.set({ [key]: { value: stored, problems } });
  await storage.set({ [SETTINGS_KEY]: normalise(stored) });
  return { key, problems };
}

/**
 * The settings values kept aside, oldest first.
 * @param {any} storage   storage.local
 * @returns {Promise<{ key: string, problems: string[] }[]>}
 */
export async function corruptCopies(storage) {
  const all = (await storage.get(null)) ?? {};
  return Object.keys(all).filter((k) => k.startsWith(CORRUPT_PREFIX)).sort().map((key) => ({
    key,
    problems: Array.isArray(all[key]?.problems) ? all[key].problems.map(String) : [],
  }));
}

/** @param {unknown} value */
function stringList(value) {
  return Array.isArray(value)
    ? [...new Set(value.filter((v) => typeof v === 'string' && v.length > 0 && v.length <= 200))]
    : undefined;
}

/**
 * A complete, valid settings object from whatever is stored.
 * @param {unknown} stored
 * @returns {Settings}
 */
export function normalise(stored) {
  /** @type {Record<string, any>} */
  let value = stored && typeof stored === 'object' && !Array.isArray(stored) ? { ...stored } : {};
  let version = Number.isInteger(value.schema) ? value.schema : 0;
  while (version < SCHEMA_VERSION && MIGRATIONS[version]) {
    value = MIGRATIONS[version](value);
    version += 1;
  }
  return {
    schema: SCHEMA_VERSION,
    platformsOff: stringList(value.platformsOff) ?? [...DEFAULTS.platformsOff],
    topicsOff: stringList(value.topicsOff) ?? [...DEFAULTS.topicsOff],
    highlightStyle: HIGHLIGHT_STYLES.includes(value.highlightStyle) ? value.highlightStyle : DEFAULTS.highlightStyle,
    // Added without a schema change: a value stored before it reads as the default.
    detectionsOff: typeof value.detectionsOff === 'boolean' ? value.detectionsOff : DEFAULTS.detectionsOff,
    sitesOff: (stringList(value.sitesOff) ?? [...DEFAULTS.sitesOff]).map((s) => s.toLowerCase()),
    sitesWatched: (stringList(value.sitesWatched) ?? [...DEFAULTS.sitesWatched]).map((s) => s.toLowerCase()),
    cardOpening: CARD_OPENINGS.includes(value.cardOpening) ? value.cardOpening : DEFAULTS.cardOpening,
  };
}

/**
 * Reads the settings.
 * @param {any} storage   storage.local
 * @returns {Promise<Settings>}
 */
export async function loadSettings(storage) {
  try {
    return normalise((await storage.get(SETTINGS_KEY))?.[SETTINGS_KEY]);
  } catch {
    return normalise(undefined);
  }
}

/** The Web Lock every read-change-write of the settings holds, in every extension page. */
const SETTINGS_LOCK = 'termlens-settings';

/**
 * Changes some settings and stores the result. The read and the write happen under one
 * lock shared by the extension's pages and worker, so changes saved at the same moment
 * (two quick clicks, the popup and the options page) are all kept.
 * @param {any} storage   storage.local
 * @param {Partial<Settings> | ((current: Settings) => Partial<Settings>)} change  the fields
 *   to set, or a function of the stored settings that gives them (a list's change made to
 *   the list as stored, not to a copy read earlier)
 * @returns {Promise<Settings>}
 */
export function saveSettings(storage, change) {
  return navigator.locks.request(SETTINGS_LOCK, async () => {
    const current = await loadSettings(storage);
    const fields = typeof change === 'function' ? change(current) : change;
    const next = normalise({ ...current, ...fields, schema: SCHEMA_VERSION });
    await storage.set({ [SETTINGS_KEY]: next });
    return next;
  });
}

/**
 * The site of an address, as the "off for this site" list names it (its host name).
 * @param {string} url
 */
export function siteOf(url) {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * Whether the reader asked to watch the site of an address for changes.
 * @param {Settings} settings
 * @param {string} url
 */
export function isWatched(settings, url) {
  const site = siteOf(url);
  return site !== '' && settings.sitesWatched.includes(site);
}

/**
 * The settings the engine applies to annotations, detections and lookups (platforms
 * and topics turned off, detections off; the rule is the core's, src/visibility.rs).
 * @param {Settings} settings
 * @returns {{ platformsOff: string[], topicsOff: string[], detectionsOff: boolean }}
 */
export function visibility(settings) {
  return { platformsOff: settings.platformsOff, topicsOff: settings.topicsOff, detectionsOff: settings.detectionsOff };
}
