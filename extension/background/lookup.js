// termlens: the clause lookup (the popup's search) with checked arguments.

import { withCards, withEngine } from './engine.js';
import { visibility } from '../shared/settings.js';
import { currentSettings } from './settings-cache.js';

/** Longest lookup query (UTF-16 units) and most results a lookup returns. */
export const MAX_QUERY = 1_000;
const MAX_RESULTS = 100;
/** Values of the lookup's exposure filter (compliance.exposure in data/). */
/** @type {readonly ('high' | 'medium' | 'low')[]} */
const EXPOSURES = ['high', 'medium', 'low'];

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
export async function lookup(query, filters, limit) {
  const text = String(query ?? '').slice(0, MAX_QUERY);
  /** @type {import('../../pkg/termlens.js').LookupFilters} */
  const checked = {};
  const platforms = stringList(filters?.platforms);
  const topics = stringList(filters?.topics);
  const exposure = stringList(filters?.exposure)?.flatMap((e) => EXPOSURES.filter((x) => x === e));
  if (platforms) checked.platforms = platforms;
  if (topics) checked.topics = topics;
  if (exposure?.length) checked.exposure = exposure;
  const n = Number.isInteger(limit) && Number(limit) > 0 ? Math.min(Number(limit), MAX_RESULTS) : 20;
  const shown = visibility(await currentSettings());
  // After cards.bin is read: it holds the explanations the lookup indexes.
  const hits = await withCards((engine) => engine.lookup(text, checked, shown, n));
  return Array.isArray(hits) ? hits : [];
}

/** The lookup filters' values: -> `{ platforms: Facet[], topics: Facet[] }`. */
export function facets() {
  return withEngine((engine) => engine.facets());
}
