// termlens: the Rust engine (pkg/, built by scripts/build.sh), loaded once.
//
// The Wasm module and the knowledge base are loaded on the first request only, so a
// browser that never meets a terms page never compiles them. A panic in the engine
// is logged by its own hook (one "termlens: internal error" line) and traps; the
// engine is then considered broken until the background restarts, and every request
// fails with a plain error instead of reusing an instance in an unknown state.

import init, { Engine } from '../../pkg/termlens.js';
import { api, errorMessage } from '../shared/runtime.js';

/** @type {'not loaded' | 'loading' | 'ready' | 'failed' | 'crashed'} */
let state = 'not loaded';
let problem = '';
/** @type {Promise<Engine> | null} */
let loading = null;
/** @type {WebAssembly.Memory | null} the module's memory, once instantiated */
let memory = null;
/** Milliseconds spent loading: Wasm fetch + compile + instantiate, knowledge base fetch + build. */
const loadTimings = { wasm: 0, kb: 0 };
/** Milliseconds of the last call into the engine (the benchmark splits the page's engine stage with it). */
let lastCallMs = 0;

/** The engine's state, for the popup, the tests and the benchmark (bench/run.mjs). */
export function engineState() {
  return { state, error: problem, load: loadTimings, lastCallMs, memoryBytes: memory?.buffer.byteLength ?? 0 };
}

async function load() {
  state = 'loading';
  const t0 = performance.now();
  const exports = await init({ module_or_path: api.runtime.getURL('pkg/termlens_bg.wasm') });
  memory = exports.memory;
  const t1 = performance.now();
  const response = await fetch(api.runtime.getURL('pkg/kb.json'));
  if (!response.ok) throw new Error(`pkg/kb.json: HTTP ${response.status}`);
  const ready = new Engine(await response.text());
  loadTimings.wasm = t1 - t0;
  loadTimings.kb = performance.now() - t1;
  return ready;
}

/** @returns {Promise<Engine>} */
function engine() {
  if (state === 'crashed') return Promise.reject(new Error(`the engine stopped after an internal error (${problem})`));
  loading ??= load().then(
    (ready) => {
      state = 'ready';
      return ready;
    },
    (error) => {
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
 * @returns {Promise<T>}
 */
export async function withEngine(f) {
  const ready = await engine();
  const t0 = performance.now();
  try {
    return f(ready);
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      state = 'crashed';
      problem = errorMessage(error);
      loading = null;
    }
    throw error;
  } finally {
    lastCallMs = performance.now() - t0;
  }
}
