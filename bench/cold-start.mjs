// The background's cold start, repeated: in Chromium with the built extension (the real
// knowledge base, or a synthetic one as bench/run.mjs makes it), the background's
// service worker is stopped (CDP `ServiceWorker.stopAllWorkers`, no extension page left
// open) before each load of the AWS page, so that every load wakes a fresh worker that
// loads the engine, as after any restart of the background. Per load, from the background's `loadTimings`
// (extension/background/engine.js) and the page:
//   kb.bin      kb.bin's fetch done, from the load's start
//   Wasm        the module fetched, compiled and instantiated, from the load's start
//   packs       the stored packs read, from the load's start
//   build       `Engine.fromCompiled` alone
//   built       the engine built, from the load's start
//   model       `loadModel` and the rest of model.bin's wait
//   ready       the load's start to the engine ready
//   load began  when the load began, from the worker's start
//   ready at    when the engine was ready, from the worker's start
//   engine stage the content script's engine stage (message, the rest of the load, annotate, reply)
//   drawn       the page's navigation to the highlights drawn ('termlens:drawn')
// Medians of N loads after one warm-up load per browser (the browser's own first start).
// With several extension folders (--extensions DIR,DIR: A/B runs), the loads go round
// the folders in turn, one browser each.
//
//   bash scripts/build.sh && node bench/cold-start.mjs [--kbs real,15000] [--runs 10]
//     [--extensions DIR,DIR]   (with --extensions, --kbs is not used)
//     [--pause MS]             (between the stop and the load, 1000 by default)

import os from 'node:os';
import path from 'node:path';
import { ROOT, DIST, checkBuild, startServer, startRecordingProxy } from '../tests/browser/harness.js';
import { buildExamples, benchPages, syntheticExtension, launchChromium, median, option } from './browser.mjs';

const RUNS = Number(option('--runs', '10'));
/** Milliseconds between the background's stop and the page's load (the extension's process ends meanwhile). */
const PAUSE = Number(option('--pause', '1000'));
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

/**
 * Stops every service worker of the browser (the extension's background among them), from
 * a blank tab: no extension page stays open, so that the extension's process can end too.
 */
async function stopWorkers(b) {
  for (const open of b.context.pages()) await open.close();
  const blank = await b.context.newPage();
  const cdp = await b.context.newCDPSession(blank);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
  return blank;
}

/**
 * One load of the page in a new tab, the background stopped before it (`stop`) and no
 * extension page open until the highlights are drawn; then the background's figures,
 * asked from an extension page.
 */
async function coldLoad(b, url, stop) {
  const blank = stop ? await stopWorkers(b) : null;
  if (blank) await new Promise((resolve) => { setTimeout(resolve, PAUSE); });
  const tab = await b.context.newPage();
  await blank?.close();
  try {
    await tab.goto(url, { waitUntil: 'load', timeout: 180_000 });
    await tab.waitForFunction(() => performance.getEntriesByName('termlens:drawn').length > 0, null, { timeout: 60_000, polling: 20 });
    const drawn = await tab.evaluate(() => performance.getEntriesByName('termlens:drawn')[0].startTime);
    const control = await b.context.newPage();
    try {
      await control.goto(`chrome-extension://${b.id}/extension/popup/popup.html#bench`);
      const s = await control.evaluate(async (wanted) => {
        const api = globalThis.chrome;
        // The tab whose content script reports the page's address (no tab URLs without the tabs permission).
        let tabId = -1;
        for (const t of await api.tabs.query({})) {
          const answer = await api.tabs.sendMessage(t.id, { type: 'bg-cs-status' }, { frameId: 0 }).catch(() => null);
          if (answer?.ok && answer.value.url === wanted) tabId = t.id;
        }
        // The phase turns 'done' once the content script has reported the highlights drawn.
        for (let tries = 0; ; tries += 1) {
          const reply = await api.runtime.sendMessage({ type: 'popup-bg-status', tabId });
          if (!reply?.ok) throw new Error(reply?.error ?? 'no reply');
          if (reply.value.status?.phase !== 'annotating' || tries > 200) return reply.value;
          await new Promise((resolve) => { setTimeout(resolve, 20); });
        }
      }, url);
      if (s.status?.phase !== 'done' || s.engine.state !== 'ready') throw new Error(`termlens ${s.status?.phase}, engine ${s.engine.state}`);
      const l = s.engine.load;
      return { ...l, model: l.ready - l.built, readyAt: l.startedAfter + l.ready, engine: s.status.timings.engine, total: s.status.timings.total, drawn };
    } finally {
      await control.close();
    }
  } finally {
    await tab.close();
  }
}

const COLUMNS = ['kbFetched', 'wasmReady', 'packsRead', 'build', 'built', 'model', 'ready', 'startedAfter', 'readyAt', 'engine', 'drawn'];
const HEADS = ['kb.bin', 'Wasm', 'packs', 'build', 'built', 'model', 'ready', 'load began', 'ready at', 'engine stage', 'drawn'];

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
      else r.first = row;
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
  console.log(`${r.label}: the browser's first load (not in the medians): ${COLUMNS.map((k, j) => `${HEADS[j]} ${r.first[k]?.toFixed(1) ?? '-'}`).join(', ')}`);
  console.log(`${r.label}: ready per load ${r.rows.map((row) => row.ready.toFixed(0)).join(' ')}; drawn ${r.rows.map((row) => (row.drawn ?? 0).toFixed(0)).join(' ')}`);
}
