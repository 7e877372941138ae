// termlens: custom provision packs as stored in storage.local.
//
// One key, `packs`, holds `{ schema: 1, packs: StoredPack[] }`; each pack keeps the
// JSON text exactly as imported (export gives it back byte for byte) and the stamp
// the engine gave its verdict: the engine checks the pack again each time it loads,
// and decides from the stamp how much of the check it repeats (src/kb/pack.rs). Only
// the background writes here, one write at a time, and only after the engine has
// validated a pack completely.
//
// Nothing stored is dropped on reading: an entry of the wrong shape is reported and
// kept (the list shows it; the reader may export or remove it), and a record this
// version cannot read at all (not an object, another schema) is reported and, at the
// next write, moved whole to `packsSetAside` instead of being overwritten.

/** The storage.local key of the packs. */
export const PACKS_KEY = 'packs';
/** Where an unreadable record is moved before a new one is written. */
export const SET_ASIDE_KEY = 'packsSetAside';
/** The current schema version of the record. */
export const PACKS_SCHEMA = 1;
/** Longest pack accepted (UTF-16 units; the core also checks bytes). */
export const MAX_PACK_TEXT = 1_000_000;

/**
 * @typedef {object} StoredPack
 * @property {string} id        the pack's own `id`
 * @property {string} name      its `name`
 * @property {string} text      the JSON text as imported
 * @property {string} imported  when (ISO 8601)
 * @property {string} [stamp]   the engine's stamp of its verdict (src/kb/pack.rs `stamp`); any
 *                              other value is read as none
 */

/**
 * @typedef {object} StoredPacks
 * @property {{ index: number, pack: StoredPack }[]} packs       entries of the right shape, with their index
 * @property {{ index: number, problem: string, value: unknown }[]} malformed   entries of the wrong shape (kept)
 * @property {string} unreadable   why the record as a whole cannot be read ('' when it can)
 * @property {unknown[]} entries   the stored entries as they are (written back untouched)
 * @property {unknown} raw         the stored record as it is
 */

/**
 * Whether an entry has the shape of a StoredPack.
 * @param {unknown} value
 * @returns {value is StoredPack}
 */
function isStoredPack(value) {
  const v = /** @type {any} */ (value);
  return !!v && typeof v === 'object' && !Array.isArray(v)
    && ['id', 'name', 'text', 'imported'].every((k) => typeof v[k] === 'string')
    && v.text.length <= MAX_PACK_TEXT;
}

/**
 * Reads the stored packs, keeping everything that is there.
 * @param {unknown} raw   the value stored under PACKS_KEY
 * @returns {StoredPacks}
 */
export function parseStored(raw) {
  /** @type {StoredPacks} */
  const out = { packs: [], malformed: [], unreadable: '', entries: [], raw };
  if (raw === undefined || raw === null) return out;
  const record = /** @type {any} */ (raw);
  if (typeof record !== 'object' || Array.isArray(record)) {
    out.unreadable = `the stored record is ${Array.isArray(record) ? 'a list' : typeof record}, not an object`;
  } else if (record.schema !== PACKS_SCHEMA) {
    out.unreadable = `the stored record has schema ${JSON.stringify(record.schema) ?? 'none'}; this version reads schema ${PACKS_SCHEMA}`;
  } else if (!Array.isArray(record.packs)) {
    out.unreadable = 'the stored record has no list of packs';
  }
  if (out.unreadable) return out;
  out.entries = record.packs;
  record.packs.forEach((/** @type {unknown} */ value, /** @type {number} */ index) => {
    if (isStoredPack(value)) out.packs.push({ index, pack: value });
    else out.malformed.push({ index, problem: 'the stored entry is malformed (not a pack as termlens stores it)', value });
  });
  return out;
}

/**
 * The stamp stored with a pack, as the engine is given it ('' when there is none).
 * @param {StoredPack} pack
 */
export function stampOf(pack) {
  return typeof pack.stamp === 'string' ? pack.stamp : '';
}

/**
 * Whether two stored records hold the same packs, told apart by their stamps at most:
 * the engine need not be built again for a stamp written.
 * @param {unknown} before
 * @param {unknown} after
 */
export function sameTexts(before, after) {
  const texts = (/** @type {unknown} */ raw) => {
    const record = parseStored(raw);
    return JSON.stringify(record.unreadable ? raw
      : record.entries.map((entry) => (isStoredPack(entry) ? { ...entry, stamp: undefined } : entry)));
  };
  return texts(before) === texts(after);
}

/**
 * Reads the packs from storage.local.
 * @param {any} storage
 * @returns {Promise<StoredPacks>}
 */
export async function readPacks(storage) {
  return parseStored((await storage.get(PACKS_KEY))?.[PACKS_KEY]);
}

/** The last write queued: each read-and-write waits for the one before. */
let queue = Promise.resolve();

/**
 * Runs `change` once every write queued before it is done, so that no two
 * read-then-write sequences interleave (an import and a stamp written at engine start).
 * @template T
 * @param {() => Promise<T>} change
 * @returns {Promise<T>}
 */
function serially(change) {
  const run = queue.then(change, change);
  queue = run.then(() => {}, () => {});
  return run;
}

/**
 * Writes a new list of entries. An unreadable record is first moved to
 * SET_ASIDE_KEY (appended to what is already there), never overwritten.
 * @param {any} storage
 * @param {StoredPacks} current
 * @param {unknown[]} entries
 */
async function write(storage, current, entries) {
  if (current.unreadable) {
    const previous = (await storage.get(SET_ASIDE_KEY))?.[SET_ASIDE_KEY];
    const kept = Array.isArray(previous) ? previous : previous === undefined ? [] : [previous];
    await storage.set({
      [SET_ASIDE_KEY]: [...kept, { at: new Date().toISOString(), reason: current.unreadable, value: current.raw }],
    });
  }
  await storage.set({ [PACKS_KEY]: { schema: PACKS_SCHEMA, packs: entries } });
}

/**
 * Adds a pack (already validated by the engine) after the stored ones.
 * @param {any} storage
 * @param {StoredPack} pack
 */
export function addPack(storage, pack) {
  return serially(async () => {
    const current = await readPacks(storage);
    await write(storage, current, [...current.entries, pack]);
  });
}

/**
 * Stores the engine's fresh stamps: each beside the pack at `index` if that entry still
 * holds the same text; the rest of the record is written back as it is. Nothing is
 * written when no entry changes or the record cannot be read.
 * @param {any} storage
 * @param {{ index: number, text: string, stamp: string }[]} stamps
 * @returns {Promise<number>} how many stamps were stored
 */
export function saveStamps(storage, stamps) {
  return serially(async () => {
    const current = await readPacks(storage);
    if (current.unreadable) return 0;
    const entries = [...current.entries];
    let changed = 0;
    for (const { index, text, stamp } of stamps) {
      const entry = entries[index];
      if (isStoredPack(entry) && entry.text === text && entry.stamp !== stamp) {
        entries[index] = { ...entry, stamp };
        changed += 1;
      }
    }
    if (changed) await write(storage, current, entries);
    return changed;
  });
}

/**
 * Removes the entry at `index`, if it is still the one the reader saw (`id`, or a
 * malformed entry when `id` is '').
 * @param {any} storage
 * @param {number} index
 * @param {string} id
 * @returns {Promise<boolean>} whether an entry was removed
 */
export function removePack(storage, index, id) {
  return serially(async () => {
    const current = await readPacks(storage);
    if (current.unreadable || !Number.isInteger(index) || index < 0 || index >= current.entries.length) return false;
    const entry = /** @type {any} */ (current.entries[index]);
    const entryId = isStoredPack(entry) ? entry.id : '';
    if (entryId !== id) return false;
    await write(storage, current, current.entries.filter((_, i) => i !== index));
    return true;
  });
}
