// termlens: the page snapshots kept in storage.local for "what changed since your last
// visit" (never sent anywhere). Used by the background (read, compare, store) and by the
// options page (list, export, clear).
//
// Layout in storage.local:
//
//   termlensSnapshots                  the index: { schema, pages: { KEY: { date, size } },
//                                      evicted, lastEvicted, skipped, setAside: { KEY: { date, problem } } }
//   termlensSnapshot:KEY               one page: { schema, url: KEY, date, snapshot }
//                                      (snapshot = the engine's snapshot JSON, format 2)
//   termlensSnapshotSetAside:KEY       a stored snapshot that could not be read, kept as found
//                                      with the reason, until the reader clears snapshots
//
// KEY is the page's URL without query string and fragment (`https://host/path`), so that
// tracking parameters do not make one page many.
//
// Budget: at most BUDGET.pages pages and BUDGET.size characters of snapshots in all
// (a snapshot is about the size of the page's text: 10 KB for a usage policy, 300 KB for
// the AWS Service Terms); a page over BUDGET.perPage is not kept (counted as skipped).
// Eviction: when a new snapshot would go over the budget, the pages visited longest ago
// go first; the index counts them (`evicted`) and the options page says so.

/** The schema of the stored records and index; a record of another schema is set aside. */
export const SCHEMA = 1;

/** The storage budget (characters of snapshot JSON, UTF-16 units; pages). */
export const BUDGET = Object.freeze({ size: 4_000_000, pages: 200, perPage: 1_000_000 });

const INDEX = 'termlensSnapshots';
const PAGE = 'termlensSnapshot:';
const ASIDE = 'termlensSnapshotSetAside:';
/** Set-aside records kept at most; older ones are evicted (and counted). */
const MAX_SET_ASIDE = 20;

/**
 * @typedef {{ date: string, size: number }} PageEntry
 * @typedef {{ schema: number, pages: Record<string, PageEntry>, evicted: number,
 *   lastEvicted: string | null, skipped: number,
 *   setAside: Record<string, { date: string, problem: string }> }} Index
 * @typedef {{ schema: number, url: string, date: string, snapshot: string }} PageRecord
 */

/**
 * The key a page's snapshot is stored under: its URL without query and fragment, or
 * null for pages that are not http(s).
 * @param {string} url
 * @returns {string | null}
 */
export function pageKey(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** @returns {Index} */
function emptyIndex() {
  return { schema: SCHEMA, pages: {}, evicted: 0, lastEvicted: null, skipped: 0, setAside: {} };
}

/**
 * The index, checked field by field: a damaged index is rebuilt from what is valid in it
 * (the page records themselves are untouched).
 * @param {any} area storage.local
 * @returns {Promise<Index>}
 */
export async function readIndex(area) {
  const got = (await area.get(INDEX))?.[INDEX];
  const index = emptyIndex();
  if (!got || typeof got !== 'object') return index;
  const count = (/** @type {unknown} */ n) => (typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0);
  index.evicted = count(got.evicted);
  index.skipped = count(got.skipped);
  index.lastEvicted = typeof got.lastEvicted === 'string' ? got.lastEvicted : null;
  for (const [key, entry] of Object.entries(got.pages ?? {})) {
    if (typeof entry?.date === 'string' && Number.isFinite(entry?.size)) index.pages[key] = { date: entry.date, size: entry.size };
  }
  for (const [key, entry] of Object.entries(got.setAside ?? {})) {
    if (typeof entry?.date === 'string') index.setAside[key] = { date: entry.date, problem: String(entry.problem ?? '') };
  }
  return index;
}

/**
 * The stored snapshot of a page: `{ record }`, `{ record: null }` when there is none, or
 * `{ record: null, problem, found }` when what is stored is not a valid record.
 * @param {any} area
 * @param {string} key
 * @returns {Promise<{ record: PageRecord | null, problem?: string, found?: unknown }>}
 */
export async function load(area, key) {
  const found = (await area.get(PAGE + key))?.[PAGE + key];
  if (found === undefined) return { record: null };
  if (!found || typeof found !== 'object') return { record: null, problem: 'the stored record is not an object', found };
  if (found.schema !== SCHEMA) return { record: null, problem: `the stored record has schema ${JSON.stringify(found.schema)} (this termlens reads ${SCHEMA})`, found };
  if (found.url !== key || typeof found.date !== 'string' || typeof found.snapshot !== 'string') {
    return { record: null, problem: 'the stored record lacks its url, date or snapshot', found };
  }
  return { record: /** @type {PageRecord} */ (found) };
}

/**
 * Sets a stored snapshot aside: it is removed from the pages compared, and kept as found
 * with the reason under its own key, listed (and exported) by the options page.
 * @param {any} area
 * @param {string} key
 * @param {unknown} found what was stored
 * @param {string} problem why it cannot be read
 */
export async function setAside(area, key, found, problem) {
  const index = await readIndex(area);
  const date = new Date().toISOString();
  index.setAside[key] = { date, problem };
  delete index.pages[key];
  const keys = Object.keys(index.setAside).sort((a, b) => index.setAside[a].date.localeCompare(index.setAside[b].date));
  const drop = keys.slice(0, Math.max(0, keys.length - MAX_SET_ASIDE));
  for (const k of drop) delete index.setAside[k];
  if (drop.length) {
    index.evicted += drop.length;
    index.lastEvicted = date;
    await area.remove(drop.map((k) => ASIDE + k));
  }
  await area.set({ [ASIDE + key]: { schema: SCHEMA, url: key, date, problem, found }, [INDEX]: index });
  await area.remove(PAGE + key);
}

/**
 * Stores a page's snapshot (replacing its former one) and evicts the pages visited
 * longest ago while over the budget.
 * @param {any} area
 * @param {string} key
 * @param {string} snapshot the engine's snapshot JSON
 * @param {string} date the visit (ISO)
 * @returns {Promise<{ stored: boolean, evicted: string[] }>}
 */
export async function save(area, key, snapshot, date) {
  if (snapshot.length > BUDGET.perPage) {
    await skip(area, key);
    return { stored: false, evicted: [] };
  }
  const index = await readIndex(area);
  index.pages[key] = { date, size: snapshot.length };
  const oldestFirst = Object.keys(index.pages)
    .filter((k) => k !== key)
    .sort((a, b) => index.pages[a].date.localeCompare(index.pages[b].date));
  const evicted = [];
  const total = () => Object.values(index.pages).reduce((n, e) => n + e.size, 0);
  while (oldestFirst.length && (Object.keys(index.pages).length > BUDGET.pages || total() > BUDGET.size)) {
    const k = /** @type {string} */ (oldestFirst.shift());
    delete index.pages[k];
    evicted.push(k);
  }
  if (evicted.length) {
    index.evicted += evicted.length;
    index.lastEvicted = date;
    await area.remove(evicted.map((k) => PAGE + k));
  }
  await area.set({ [PAGE + key]: { schema: SCHEMA, url: key, date, snapshot }, [INDEX]: index });
  return { stored: true, evicted };
}

/**
 * Counts a page too long to keep, and removes its former snapshot (it would compare a
 * later visit with a text older than this one).
 * @param {any} area
 * @param {string} key
 */
export async function skip(area, key) {
  const index = await readIndex(area);
  index.skipped += 1;
  delete index.pages[key];
  await area.set({ [INDEX]: index });
  await area.remove(PAGE + key);
}

/**
 * What the options page lists: the pages (latest visit first), the set-aside records and
 * the counters.
 * @param {any} area
 */
export async function summary(area) {
  const index = await readIndex(area);
  const pages = Object.entries(index.pages)
    .map(([url, e]) => ({ url, date: e.date, size: e.size }))
    .sort((a, b) => b.date.localeCompare(a.date));
  const setAside = Object.entries(index.setAside)
    .map(([url, e]) => ({ url, date: e.date, problem: e.problem }))
    .sort((a, b) => b.date.localeCompare(a.date));
  const size = pages.reduce((n, p) => n + p.size, 0);
  return { pages, setAside, size, evicted: index.evicted, lastEvicted: index.lastEvicted, skipped: index.skipped, budget: BUDGET };
}

/**
 * Everything stored, as one JSON-ready object (the options page's export).
 * @param {any} area
 */
export async function exportAll(area) {
  const s = await summary(area);
  const keys = [...s.pages.map((p) => PAGE + p.url), ...s.setAside.map((p) => ASIDE + p.url)];
  const got = keys.length ? await area.get(keys) : {};
  return {
    kind: 'termlens-snapshots',
    schema: SCHEMA,
    exported: new Date().toISOString(),
    budget: BUDGET,
    evicted: s.evicted,
    skipped: s.skipped,
    pages: s.pages.map((p) => got[PAGE + p.url] ?? { url: p.url, date: p.date, missing: true }),
    setAside: s.setAside.map((p) => got[ASIDE + p.url] ?? { url: p.url, date: p.date, problem: p.problem }),
  };
}

/**
 * Removes every snapshot, set-aside record and the index.
 * @param {any} area
 * @returns {Promise<number>} pages removed
 */
export async function clear(area) {
  const all = await area.get(null);
  const keys = Object.keys(all ?? {}).filter((k) => k === INDEX || k.startsWith(PAGE) || k.startsWith(ASIDE));
  if (keys.length) await area.remove(keys);
  return keys.filter((k) => k.startsWith(PAGE)).length;
}
