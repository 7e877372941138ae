// The background's cold start, repeated: in Chromium with the built extension (the real
// knowledge base, or a synthetic one as bench/run.mjs makes it), the background's
// service worker is stopped (CDP `ServiceWorker.stopAllWorkers`) before each load of the
// AWS page, so that every load wakes a fresh worker that loads the engine, as after any
// restart of the background. Per load, from the background's `loadTimings`
// (extension/background/engine.js) and the page:
//   kb.bin      kb.bin's fetch done, from the load's start
//   Wasm        the module fetched, compiled and instantiated, from the load's start
//   packs       the stored packs read, from the load's start
//   build       `Engine.fromCompiled` alone
//   built       the engine built, from the load's start
//   model       `loadModel` and the rest of model.bin's wait
//   ready       the load's start to the engine ready
//   after start when the load began after the worker started
//   engine      the content script's engine stage (message, load, annotate, reply)
//   drawn       the page's navigation to the highlights drawn ('termlens:drawn')
// Medians of N loads after one warm-up load per browser (the browser's own first start).
// With several extension folders (--extensions DIR,DIR: A/B runs), the loads go round
// the folders in turn, one browser each.
//
//   bash scripts/build.sh && node bench/cold-start.mjs [--kbs real,15000] [--runs 10]
//     [--extensions DIR,DIR]   (with --extensions, --kbs is not used)

import os from 'node:os';
import path from 'node:path';
import { ROOT, DIST, checkBuild, startServer, startRecordingProxy } from '../tests/browser/harness.js';
import { buildExamples, benchPages, syntheticExtension, launchChromium, median, option } from './browser.mjs';

const RUNS = Number(option('--runs', '10'));
const EXTENSIONS = option('--extensions', null);
const KBS = option('--kbs', 'real,15000').split(',');
if (!EXTENSIONS) checkBuild();

/** @type {{ label: string, dir: string }[]} */
let builds;
if (EXTENSIONS) {
  builds = EXTENSIONS.split(',').map((d) => ({ label: path.relative(ROOT, path.resolve(d)) || d, dir: path.resolve(d) }));
} else {
  if (KBS.some((kb) => kb !== 'real')) buildExamples('bench_synth_kb');
  builds = KBS.map((kb) => ({ label: `knowledge base ${kb}`, dir: kb === 'real' ? DIST : syntheticExtension(kb) }));
}
const [page] = benchPages(['aws']);

/** Stops every service worker of the browser (the extension's background among them). */
async function stopWorkers(b) {
  const control = b.context.pages().find((p) => p.url().includes('/popup/popup.html'));
  const cdp = await b.context.newCDPSession(control);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
}

/** One load of the page in a new tab, the background stopped before it. */
async function coldLoad(b, url, stop) {
  if (stop) await stopWorkers(b);
  const tab = await b.context.newPage();
  try {
    await tab.goto(url, { waitUntil: 'load', timeout: 180_000 });
    const s = await b.settled(await b.tabId(url));
    if (s.status.phase !== 'done' || s.engine.state !== 'ready') throw new Error(`termlens ${s.status.phase}, engine ${s.engine.state}`);
    const drawn = await tab.evaluate(() => performance.getEntriesByName('termlens:drawn').at(-1)?.startTime ?? null);
    return { ...s.engine.load, engine: s.status.timings.engine, total: s.status.timings.total, drawn };
  } finally {
    await tab.close();
  }
}

const COLUMNS = ['kbFetched', 'wasmReady', 'packsRead', 'build', 'built', 'model', 'ready', 'startedAfter', 'engine', 'drawn'];
const HEADS = ['kb.bin', 'Wasm', 'packs', 'build', 'built', 'model', 'ready', 'after start', 'engine stage', 'drawn'];

const proxy = await startRecordingProxy();
const server = await startServer({ [page.route]: { html: page.html } });
const url = server.url(page.route);
const loadBefore = os.loadavg();
const running = [];
try {
  for (const build of builds) running.push({ ...build, b: await launchChromium(build.dir, proxy.port), rows: [] });
  for (let i = 0; i <= RUNS; i += 1) {
    for (const r of running) {
      const row = await coldLoad(r.b, url, i > 0);
      // A worker that was not stopped would report the same load again.
      if (i > 0 && JSON.stringify(row.startedAfter) === JSON.stringify(r.last?.startedAfter)) throw new Error(`${r.label}: the background was not restarted`);
      r.last = row;
      if (i > 0) r.rows.push(row);
      if (process.env.BENCH_DEBUG) console.log(r.label, i, JSON.stringify(row));
    }
  }
} finally {
  for (const r of running) await r.b.close();
  await server.close();
  await proxy.close();
}
if (proxy.seen.length) throw new Error(`requests left 127.0.0.1: ${proxy.seen.join(', ')}`);
const loadAfter = os.loadavg();
console.log(`termlens: the background's cold start on ${page.label}, Chromium, the worker stopped before each load; medians of ${RUNS} loads (ms); load average ${loadBefore.map((x) => x.toFixed(1)).join(' ')} -> ${loadAfter.map((x) => x.toFixed(1)).join(' ')}`);
console.log(`| extension | ${HEADS.join(' | ')} |`);
console.log(`| --- |${HEADS.map(() => ' ---: |').join('')}`);
for (const r of running) {
  const cells = COLUMNS.map((k) => median(r.rows.map((row) => row[k])));
  console.log(`| ${r.label} | ${cells.map((x) => (x === null ? '-' : x.toFixed(1))).join(' | ')} |`);
}
for (const r of running) {
  console.log(`${r.label}: ready per load ${r.rows.map((row) => row.ready.toFixed(0)).join(' ')}; drawn ${r.rows.map((row) => (row.drawn ?? 0).toFixed(0)).join(' ')}`);
}
