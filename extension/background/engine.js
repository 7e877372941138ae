// termlens: the Rust engine (pkg/, built by scripts/build.sh), loaded once.
//
// The Wasm module and the knowledge base are loaded on the first request only, so a
// browser that never meets a terms page never compiles them. A panic in the engine
// is logged by its own hook (one "termlens: internal error" line) and traps; the
// engine is then considered broken until the background restarts, and every request
// fails with a plain error instead of reusing an instance in an unknown state.

import init, { Engine, testPanic } from '../../pkg/termlens.js';
import { api, errorMessage } from '../shared/runtime.js';

/** @type {'not loaded' | 'loading' | 'ready' | 'failed' | 'crashed'} */
let state = 'not loaded';
let problem = '';
/** @type {Promise<Engine> | null} */
let loading = null;

/** Test hooks only: the next engine call panics inside the Wasm module first. */
let panicArmed = false;

/**
 * Test hooks only (background.js checks the flag and the sender): makes the next
 * engine call run the core's `testPanic` first, a real Rust panic inside Wasm.
 */
export function armTestPanic() {
  panicArmed = true;
}

/** The engine's state, for the popup and the tests. */
export function engineState() {
  return { state, error: problem };
}

async function load() {
  state = 'loading';
  await init({ module_or_path: api.runtime.getURL('pkg/termlens_bg.wasm') });
  const response = await fetch(api.runtime.getURL('pkg/kb.json'));
  if (!response.ok) throw new Error(`pkg/kb.json: HTTP ${response.status}`);
  return new Engine(await response.text());
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
  }
}
