// termlens: the Rust engine (pkg/, built by scripts/build.sh), loaded once.
//
// The Wasm module and the knowledge base are loaded when a page's gate decides to
// annotate (startLoading) or on the first request, so a browser that never meets a
// terms page never compiles them. A panic in the engine
// is logged by its own hook (one "termlens: internal error" line) and traps; the
// engine is then considered broken until the background restarts, and every request
// fails with a plain error instead of reusing an instance in an unknown state.

import init, { Engine, testPanic } from '../../pkg/termlens.js';
import { api, errorMessage, logFailure } from '../shared/runtime.js';
import { readPacks, saveStamps, stampOf } from '../shared/packs.js';

/** @type {'not loaded' | 'loading' | 'ready' | 'failed' | 'crashed'} */
let state = 'not loaded';
let problem = '';
/** @type {Promise<Engine> | null} */
let loading = null;
/** @type {WebAssembly.Memory | null} the module's memory, once instantiated */
let memory = null;
/**
 * The last load, in milliseconds: each step's end from the load's start (`kbFetched`,
 * `wasmReady`, `packsRead`, `built`, `ready`: the model loaded too), `Engine.fromCompiled`
 * alone (`build`; 0 when kb.json was read instead), and when the load began after the
 * background started (`startedAfter`).
 */
const loadTimings = {
  kbFetched: 0, wasmReady: 0, packsRead: 0, built: 0, build: 0, ready: 0, startedAfter: 0,
};
/**
 * Milliseconds of the last timed call into the engine, by label: `annotate` (the
 * benchmark splits the page's engine stage with it) and `changes` (the page diff).
 * @type {Record<string, number>}
 */
const lastCalls = { annotate: 0, changes: 0 };

/**
 * Where the knowledge base came from: 'compiled' (pkg/kb.bin and pkg/cards.bin), or
 * 'kb.json' with why the compiled files could not be used; '' before a load.
 */
let kbSource = '';

/** Test hooks only: the next engine call panics inside the Wasm module first. */
let panicArmed = false;

/**
 * Test hooks only (background.js checks the flag and the sender): makes the next
 * engine call run the core's `testPanic` first, a real Rust panic inside Wasm.
 */
export function armTestPanic() {
  panicArmed = true;
}

/** Test hooks only: the next annotate call waits for ever (the background is stopped meanwhile). */
let stallArmed = false;

/**
 * Test hooks only (background.js checks the flag and the sender): the next annotate
 * call never answers, so that a test can stop the background in the middle of it.
 */
export function armTestStall() {
  stallArmed = true;
}

/** The engine's state, for the popup, the tests and the benchmark (bench/run.mjs). */
export function engineState() {
  return {
    state, error: problem, load: loadTimings, lastCallMs: lastCalls.annotate, lastChangesMs: lastCalls.changes,
    memoryBytes: memory?.buffer.byteLength ?? 0, kbSource,
  };
}

/**
 * The custom packs the engine was built with: each stored pack (its index in the
 * stored list) with the engine's verdict, `summary` or the `error` that set it aside.
 * @type {import('../../pkg/termlens.js').PackLoad[]}
 */
let packLoads = [];
/**
 * pkg/cards.bin (every built-in provision's card content and explanation), kept here
 * in JavaScript rather than in Wasm memory: the engine is given one provision's block
 * per card. It is fetched once the engine is ready, so that it never delays the first
 * annotation, and read by the engine when it arrives (checked against kb.bin, the
 * explanations read): its bytes, or why it cannot be used. `null` when the engine was
 * built from kb.json, which holds the cards itself.
 * @type {Promise<Uint8Array | Error> | null}
 */
let cards = null;

/** Bumped by reloadEngine(): a load started before it does not count. */
let generation = 0;

/** The stored packs' verdicts from the last engine built (see packLoads). */
export function packStatus() {
  return packLoads;
}

/**
 * Builds the engine again on its next use (the stored packs changed). Requests
 * already running finish with the engine they have.
 */
export function reloadEngine() {
  generation += 1;
  loading = null;
  if (state !== 'crashed') state = 'not loaded';
}

/**
 * The bytes of a file of pkg/.
 * @param {string} name
 */
async function bytesOf(name) {
  const response = await fetch(api.runtime.getURL(`pkg/${name}`));
  if (!response.ok) throw new Error(`pkg/${name}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * @param {unknown} error
 * @returns {Error}
 */
function asError(error) {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The engine from the compiled index (pkg/kb.bin; the cards stay in pkg/cards.bin) or,
 * when kb.bin cannot be used, from pkg/kb.json: one console line says why.
 * The packs' stamps hold for kb.bin only: from kb.json every pack is checked in full.
 * @param {Promise<Uint8Array | Error>} kbBin
 * @param {string[]} packs
 * @param {string[]} stamps  the stamp stored with each pack ('' none)
 */
async function build(kbBin, packs, stamps) {
  try {
    const index = await kbBin;
    if (index instanceof Error) throw index;
    const start = performance.now();
    const ready = Engine.fromCompiled(index, packs, stamps);
    loadTimings.build = performance.now() - start;
    kbSource = 'compiled';
    return ready;
  } catch (error) {
    console.error(`termlens: the compiled knowledge base cannot be used (${errorMessage(error)}); reading pkg/kb.json instead`);
    kbSource = `kb.json (${errorMessage(error)})`;
    // As bytes: the engine copies them at their size (a string would be re-encoded in
    // Wasm memory with room for three bytes a character).
    return Engine.fromBytes(await bytesOf('kb.json'), packs);
  }
}

/**
 * pkg/cards.bin read by `ready` (checked against its kb.bin, the explanations read), or
 * why it cannot be used (one console line): each card then shows what the engine holds
 * without it, and says why.
 * @param {Engine} ready
 * @returns {Promise<Uint8Array | Error>}
 */
async function loadCards(ready) {
  try {
    const store = await bytesOf('cards.bin');
    ready.readCards(store);
    // The word sets cards rank by, numbered now (the engine is ready and the first
    // page's annotation has had its turn) rather than by the first card.
    ready.prepareCards();
    return store;
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) throw error;
    console.error(`termlens: pkg/cards.bin cannot be used (${errorMessage(error)}); cards show what kb.bin holds`);
    return asError(error);
  }
}

async function load() {
  state = 'loading';
  const t0 = performance.now();
  loadTimings.build = 0;
  // Everything the build needs is asked for at once, the largest first: kb.bin (its
  // fetch is the longest step), the Wasm (fetched and compiled meanwhile), the stored
  // packs. A failed fetch is kept as its error (build() falls back on it), not left as a
  // rejection nobody awaits yet.
  const kbBin = bytesOf('kb.bin').then((bytes) => bytes, (error) => asError(error))
    .finally(() => { loadTimings.kbFetched = performance.now() - t0; });
  const wasm = init({ module_or_path: api.runtime.getURL('pkg/termlens_bg.wasm') })
    .then((exports) => ({ exports, at: performance.now() }));
  // The built-in knowledge base plus the stored custom packs; a pack that no longer
  // validates is set aside by the engine and reported (packStatus), the rest load.
  const packs = readPacks(api.storage.local).catch(logFailure('packs', null))
    .finally(() => { loadTimings.packsRead = performance.now() - t0; });
  // The classifier's model, needed after the build; a model that is missing or unusable
  // leaves the engine without detections (the engine logs why, once).
  const modelBytes = fetch(api.runtime.getURL('pkg/model.bin'))
    .then((r) => (r.ok ? r.arrayBuffer() : undefined))
    .then((b) => (b ? new Uint8Array(b) : undefined), () => undefined);
  const { exports, at: t1 } = await wasm;
  memory = exports.memory;
  const stored = (await packs)?.packs ?? [];
  const ready = await build(kbBin, stored.map((s) => s.pack.text), stored.map((s) => stampOf(s.pack)));
  /** @type {import('../../pkg/termlens.js').PackLoad[]} */
  const loads = stored.length ? ready.packs() : [];
  packLoads = loads.map((load) => ({ ...load, index: stored[load.index].index }));
  // A pack the engine checked in full comes back with the stamp of its verdict: stored
  // beside it (one write), the next start checks it by the stamp.
  const stamps = loads.flatMap((load) => (load.stamp
    ? [{ index: stored[load.index].index, text: stored[load.index].pack.text, stamp: load.stamp }] : []));
  if (stamps.length) saveStamps(api.storage.local, stamps).catch(logFailure('packs: stamps'));
  const t2 = performance.now();
  ready.loadModel(await modelBytes);
  Object.assign(loadTimings, { wasmReady: t1 - t0, built: t2 - t0, ready: performance.now() - t0, startedAfter: t0 });
  // Card content is fetched now that the engine is ready (see `cards`).
  cards = kbSource === 'compiled' ? loadCards(ready) : null;
  return ready;
}

/**
 * A provision's card: from its block of pkg/cards.bin when the engine reads the
 * compiled index, else from the engine alone. A block that cannot be used (cards.bin
 * missing or of another build, a block that fails its checksum) gives the card of what
 * the engine holds without it, which says why.
 * @param {Engine} ready
 * @param {Uint8Array | Error | null} store   the awaited `cards` (withCards)
 * @param {string} provision
 */
export function cardOf(ready, store, provision) {
  if (store instanceof Error) return ready.cardWithoutBlock(provision, errorMessage(store));
  const range = store ? ready.cardRange(provision) : undefined;
  if (!store || !range) return ready.card(provision);
  try {
    return ready.cardFrom(provision, store.subarray(range[0], range[1]));
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) throw error;
    console.error(`termlens: the card of ${provision} cannot be read from pkg/cards.bin (${errorMessage(error)})`);
    return ready.cardWithoutBlock(provision, errorMessage(error));
  }
}

/**
 * Runs `f` with the engine and pkg/cards.bin (as `cardOf` takes it), waiting for the
 * latter only here: at a card, and at a lookup (it indexes the explanations).
 * @template T
 * @param {(engine: Engine, store: Uint8Array | Error | null) => T} f
 * @returns {Promise<T>}
 */
export async function withCards(f) {
  await engine();
  const store = await cards;
  return withEngine((ready) => f(ready, store));
}

/**
 * Starts the engine's load without waiting for it (nothing if it is loading or loaded):
 * a page's gate decided to annotate, and the page's text follows once the content
 * script has extracted it, so the load runs meanwhile. A load that fails here is
 * reported by the requests that follow (the first of them tries once more).
 */
export function startLoading() {
  // Not logged here: the request waiting for the engine reports its failure.
  // eslint-disable-next-line no-restricted-syntax
  engine().catch(() => {});
}

/** @returns {Promise<Engine>} */
function engine() {
  if (state === 'crashed') return Promise.reject(new Error(`the engine stopped after an internal error (${problem})`));
  const started = generation;
  loading ??= load().then(
    (ready) => {
      if (started === generation) state = 'ready';
      return ready;
    },
    (error) => {
      if (started !== generation) throw error;
      loading = null;
      state = 'failed';
      problem = errorMessage(error);
      throw new Error(`the engine could not start: ${problem}`);
    },
  );
  return loading;
}

/**
 * Runs `f` with the engine; a trap marks the engine as crashed.
 * @template T
 * @param {(engine: Engine) => T} f
 * @param {'annotate' | 'changes'} [timed]  records the call's time under this label
 * @returns {Promise<T>}
 */
export async function withEngine(f, timed) {
  const ready = await engine();
  if (stallArmed && timed === 'annotate') {
    stallArmed = false;
    await new Promise(() => {});
  }
  const t0 = performance.now();
  try {
    if (panicArmed) {
      panicArmed = false;
      testPanic();
    }
    return f(ready);
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      state = 'crashed';
      problem = errorMessage(error);
      loading = null;
    }
    throw error;
  } finally {
    if (timed) lastCalls[timed] = performance.now() - t0;
  }
}
