// Engine ready with one custom pack, in Chromium: the built extension with a synthetic
// knowledge base (examples/bench_synth_kb.rs, as bench/run.mjs makes it), and in one of
// its extension pages (the background's own V8) the engine built from pkg/kb.bin as the
// background builds it (`Engine.fromCompiled(kbBin, packs, stamps)`), interleaved:
//   none    no pack
//   full    the pack with no stamp: every check, as at import or after an update
//   stamp   the pack with the stamp its import gave it: every start after that
// Each build in a page of its own (Wasm memory never shrinks, and closing the page frees
// it). Two figures: the build alone, and ready (module fetch, compile, instantiate,
// kb.bin fetch, build, one after the other, as bench/run.mjs's engine load counts it).
//
//   bash scripts/build.sh && node bench/pack-ready.mjs [--provisions 15000] [--runs 7]
//     [--pack tests/fixtures/packs/example-test-vendor.json]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, checkBuild, startRecordingProxy } from '../tests/browser/harness.js';
import { buildExamples, syntheticExtension, launchChromium, median, option } from './browser.mjs';

const PROVISIONS = option('--provisions', '15000');
const RUNS = Number(option('--runs', '7'));
const PACK = option('--pack', 'tests/fixtures/packs/example-test-vendor.json');

checkBuild();
buildExamples('bench_synth_kb');
const dir = syntheticExtension(PROVISIONS);
const pack = fs.readFileSync(path.resolve(ROOT, PACK), 'utf8');
const proxy = await startRecordingProxy();
const b = await launchChromium(dir, proxy.port);
try {
  /**
   * Builds the engine once in a page of its own (closed after: the module's memory goes
   * with it), `stamps` given with the packs; -> { ms, checked, stamp }, `stamp` the one
   * `validatePack(validate)` gives after the build ('' when `validate` is '').
   * @param {string[]} packs
   * @param {string[]} stamps
   * @param {string} validate
   */
  const buildOnce = async (packs, stamps, validate) => {
    const page = await b.context.newPage();
    await page.goto(`chrome-extension://${b.id}/extension/popup/popup.html#bench`);
    try {
      return await page.evaluate(async ({ packs, stamps, validate }) => {
        const start = performance.now();
        const m = await import('/pkg/termlens.js');
        await m.default({ module_or_path: '/pkg/termlens_bg.wasm' });
        const kbBin = new Uint8Array(await (await fetch('/pkg/kb.bin')).arrayBuffer());
        const t0 = performance.now();
        const engine = m.Engine.fromCompiled(kbBin, packs, stamps);
        const ms = performance.now() - t0;
        const ready = performance.now() - start;
        const loads = engine.packs();
        if (loads.some((/** @type {any} */ l) => l.error)) throw new Error(`the pack did not load: ${JSON.stringify(loads)}`);
        const stamp = validate ? engine.validatePack(validate).stamp : '';
        return { ms, ready, checked: loads[0]?.checked ?? '', stamp };
      }, { packs, stamps, validate });
    } finally {
      await page.close();
    }
  };
  const rows = [];
  let stamp = '';
  for (let i = 0; i < RUNS * 3; i += 1) {
    const mode = ['none', 'full', 'stamp'][i % 3];
    const packs = mode === 'none' ? [] : [pack];
    // The stamp an import gives (validatePack on an engine without the pack), from the first build.
    const r = await buildOnce(packs, mode === 'stamp' ? [stamp] : [''], mode === 'none' && !stamp ? pack : '');
    if (mode === 'none') stamp ||= r.stamp;
    rows.push({ mode, ...r });
  }
  console.log(`termlens: engine ready in Chromium, ${PROVISIONS} provisions, pack ${PACK}; ${RUNS} builds each (median); load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  for (const mode of ['none', 'full', 'stamp']) {
    const mine = rows.filter((r) => r.mode === mode);
    const checked = [...new Set(mine.map((r) => r.checked))].join(',') || '-';
    console.log(`  ${mode.padEnd(6)} build ${median(mine.map((r) => r.ms)).toFixed(1).padStart(8)} ms, ready ${median(mine.map((r) => r.ready)).toFixed(1).padStart(8)} ms  (checked: ${checked}; builds: ${mine.map((r) => r.ms.toFixed(0)).join(' ')})`);
  }
} finally {
  await b.close();
  await proxy.close();
}
