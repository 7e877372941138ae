// termlens: custom provision packs (the options page). The engine validates a pack
// completely before anything is stored; the engine is rebuilt with the stored packs
// after each change (extension/shared/packs.js, src/kb/pack.rs).

import { api, errorMessage, logFailure } from '../shared/runtime.js';
import { withEngine, packStatus, reloadEngine } from './engine.js';
import { MAX_PACK_TEXT, readPacks, addPack, removePack } from '../shared/packs.js';

/**
 * The stored packs, each with the engine's verdict: -> `{ unreadable, packs: [{ index,
 * id, name, imported, text, summary, error, checked }] }` (`checked`: 'full' or 'stamp',
 * how the engine checked it at its last build; '' when not loaded).
 */
export async function list() {
  const stored = await readPacks(api.storage.local);
  // Building the engine gives each stored pack's verdict; an engine that cannot start
  // is said per pack below.
  await withEngine(() => null).catch(logFailure('packs: engine'));
  const verdicts = new Map(packStatus().map((p) => [p.index, p]));
  return {
    unreadable: stored.unreadable,
    packs: [
      ...stored.packs.map(({ index, pack }) => ({
        index, id: pack.id, name: pack.name, imported: pack.imported, text: pack.text,
        summary: verdicts.get(index)?.summary ?? null,
        error: verdicts.get(index)?.error ?? (verdicts.has(index) ? '' : 'not loaded: the engine could not start'),
        checked: verdicts.get(index)?.checked ?? '',
      })),
      ...stored.malformed.map(({ index, problem, value }) => ({
        index, id: '', name: '', imported: '', text: JSON.stringify(value) ?? '', summary: null, error: problem, checked: '',
      })),
    ].sort((a, b) => a.index - b.index),
  };
}

/**
 * Imports a pack: `{ text }` -> `{ summary }` once validated and stored, or `{ error }`.
 * @param {any} message
 */
export async function importPack(message) {
  const text = message.text;
  if (typeof text !== 'string' || text.length > MAX_PACK_TEXT) {
    return { error: `pack: the file is empty, unreadable or longer than ${MAX_PACK_TEXT} characters` };
  }
  /** @type {import('../../pkg/termlens.js').PackVerdict} */
  let verdict;
  try {
    verdict = await withEngine((engine) => engine.validatePack(text));
  } catch (error) {
    // Every problem, one per line (errorMessage would join and cut them).
    return { error: error instanceof Error ? error.message.slice(0, 4000) : errorMessage(error) };
  }
  const { summary, stamp } = verdict;
  await addPack(api.storage.local, {
    id: summary.id, name: summary.name, text, imported: new Date().toISOString(), ...(stamp ? { stamp } : {}),
  });
  packsChanged();
  return { summary };
}

/**
 * Removes the stored pack at `{ index, id }` -> `{ removed }`.
 * @param {any} message
 */
export async function remove(message) {
  const removed = await removePack(api.storage.local, Number(message.index), String(message.id ?? ''));
  if (removed) packsChanged();
  return { removed };
}

/** The stored packs changed: the engine is rebuilt with them. */
export function packsChanged() {
  reloadEngine();
}
