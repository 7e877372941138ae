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
// Each site (registrable domain, see siteOfKey) has a share of it, BUDGET.perSite: a
// new snapshot first evicts its own site's pages while the site is over its share, so
// that no site can push out another's by storing many large pages. When the whole
// budget is still exceeded, the pages of other sites go in this order: pages that are
// not a known document before the known documents', the site using the most characters
// first, the pages visited longest ago first. The index counts what is evicted
// (`evicted`) and the options page says so.

/** The schema of the stored records and index; a record of another schema is set aside. */
export const SCHEMA = 1;

/** The storage budget (characters of snapshot JSON, UTF-16 units; pages). */
export const BUDGET = Object.freeze({
  size: 4_000_000,
  pages: 200,
  perPage: 1_000_000,
  perSite: Object.freeze({ size: 1_000_000, pages: 50 }),
});

const INDEX = 'termlensSnapshots';
const PAGE = 'termlensSnapshot:';
const ASIDE = 'termlensSnapshotSetAside:';
/** Set-aside records kept at most; older ones are evicted (and counted). */
const MAX_SET_ASIDE = 20;

/**
 * @typedef {{ date: string, size: number, known: boolean }} PageEntry   `known`: the page is a
 *   known document (kept ahead of the others when the budget is full)
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
    if (typeof entry?.date === 'string' && Number.isFinite(entry?.size)) {
      index.pages[key] = { date: entry.date, size: entry.size, known: entry.known === true };
    }
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
 * The site a stored page counts against: its host's registrable domain, approximated
 * without a public-suffix list as the last two labels of the host name (three when the
 * last is a two-letter country code and the one before it is at most three letters:
 * `example.co.uk`); an IP address or a one-label host is its own site.
 * @param {string} key a page key (`https://host/path`)
 */
export function siteOfKey(key) {
  let host;
  try {
    host = new URL(key).hostname.toLowerCase();
  } catch {
    return '';
  }
  if (host.startsWith('[') || /^\d+(\.\d+){3}$/.test(host)) return host;
  const labels = host.split('.');
  const country = labels.length >= 3 && /^[a-z]{2}$/.test(labels.at(-1) ?? '') && (labels.at(-2) ?? '').length <= 3;
  return labels.slice(country ? -3 : -2).join('.');
}

/**
 * The keys to evict so that the index fits its budgets once `key` is in it: first the
 * other pages of `key`'s site while the site is over its share, then, while the whole
 * budget is exceeded, other sites' pages (not known before known, the largest site
 * first, oldest first).
 * @param {Index} index with `key` already in it
 * @param {string} key
 * @returns {string[]}
 */
export function toEvict(index, key) {
  const pages = { ...index.pages };
  const siteOf = new Map(Object.keys(pages).map((k) => [k, siteOfKey(k)]));
  const site = siteOf.get(key);
  /** @param {(k: string) => boolean} keep */
  const sum = (keep) => Object.entries(pages).filter(([k]) => keep(k)).reduce((n, [, e]) => n + e.size, 0);
  const count = (/** @type {(k: string) => boolean} */ keep) => Object.keys(pages).filter(keep).length;
  const ownSite = (/** @type {string} */ k) => siteOf.get(k) === site;
  const overSite = () => count(ownSite) > BUDGET.perSite.pages || sum(ownSite) > BUDGET.perSite.size;
  const overAll = () => count(() => true) > BUDGET.pages || sum(() => true) > BUDGET.size;
  /** @param {string} a @param {string} b */
  const older = (a, b) => Number(pages[a].known) - Number(pages[b].known) || pages[a].date.localeCompare(pages[b].date);
  const evicted = [];
  for (;;) {
    const own = Object.keys(pages).filter((k) => k !== key && ownSite(k)).sort(older);
    if (!own.length || !overSite()) break;
    delete pages[own[0]];
    evicted.push(own[0]);
  }
  for (;;) {
    const others = Object.keys(pages).filter((k) => k !== key);
    if (!others.length || !overAll()) break;
    /** @type {Map<string | undefined, number>} */
    const usage = new Map();
    for (const k of others) usage.set(siteOf.get(k), (usage.get(siteOf.get(k)) ?? 0) + pages[k].size);
    others.sort((a, b) => Number(pages[a].known) - Number(pages[b].known)
      || (usage.get(siteOf.get(b)) ?? 0) - (usage.get(siteOf.get(a)) ?? 0)
      || pages[a].date.localeCompare(pages[b].date));
    delete pages[others[0]];
    evicted.push(others[0]);
  }
  return evicted;
}

/**
 * Stores a page's snapshot (replacing its former one) and evicts pages while over the
 * budgets (toEvict).
 * @param {any} area
 * @param {string} key
 * @param {string} snapshot the engine's snapshot JSON
 * @param {string} date the visit (ISO)
 * @param {{ known?: boolean }} [options] `known`: the page is a known document
 * @returns {Promise<{ stored: boolean, evicted: string[] }>}
 */
export async function save(area, key, snapshot, date, { known = false } = {}) {
  if (snapshot.length > BUDGET.perPage) {
    await skip(area, key);
    return { stored: false, evicted: [] };
  }
  const index = await readIndex(area);
  index.pages[key] = { date, size: snapshot.length, known };
  const evicted = toEvict(index, key);
  for (const k of evicted) delete index.pages[k];
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
 * Removes the snapshot of one page (its record and its index entry) and its set-aside
 * record if any; the other pages and the counters stay.
 * @param {any} area
 * @param {string} key   the page key, as listed by `summary`
 * @returns {Promise<boolean>} whether there was anything to remove
 */
export async function forget(area, key) {
  const index = await readIndex(area);
  const had = Object.hasOwn(index.pages, key) || Object.hasOwn(index.setAside, key);
  delete index.pages[key];
  delete index.setAside[key];
  await area.set({ [INDEX]: index });
  await area.remove([PAGE + key, ASIDE + key]);
  return had;
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
