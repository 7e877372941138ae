// Annotating in the page's own process against sending the text to the background, in
// Debian's headless Chromium (the launch of bench/run.mjs), in the same page loads.
//
//   bash scripts/build.sh && node bench/inpage.mjs
//   options: --runs N (browsers per page and knowledge base, default 5), --kbs real,15000,
//   --pages aws,aws-1mb,aws-5mb,meta (bench/browser.mjs), --pause MS (between the two
//   tabs, default 3000: a reader's pause, and time for V8 to write its Wasm code cache)
//
// Each run is a fresh browser (a new profile: nothing cached) with the built extension,
// and two tabs of the same page, the second opened after the first is measured (the first
// stays open):
//   background  what termlens does today: the content script's `engine` stage (message to
//     the background, `Engine.annotate` in Wasm, reply; on the first tab of a browser also
//     the engine's start) and, in brackets, the Wasm call alone (engine.js); the stages
//     around it (extract, highlight) are the same on both paths.
//   in-page     then, in the page's main world (its own renderer process), what the
//     background's engine.js does, on files this benchmark serves: the page text as
//     extract.js makes it (not timed: the content script does the same on either path),
//     then from one clock: termlens.js imported and the Wasm fetched, compiled and
//     instantiated (wasm-bindgen's streaming init, as engine.js calls it) while kb.bin and
//     model.bin are fetched; `Engine.fromCompiled(kb.bin)`; `loadModel`; ready; then
//     `annotate` of the same text with the default settings' visibility. Also, outside
//     the stage, the same call again (V8 has run the code once) and the Wasm memory the
//     engine holds in the tab.
// The server (harness.js startServer, 127.0.0.1) sends the pages with a CSP that allows
// Wasm (a page whose CSP leaves out 'wasm-unsafe-eval' cannot compile it) and the extension's
// pkg/ files with `cache-control: max-age=3600`, so that the second tab may take them, and
// V8's compiled code, from Chromium's caches. The shipped manifest is not touched: the
// files come from the server, not as web-accessible resources.
//
// Printed: per page and knowledge base, medians over the runs of the first tab (cold) and
// the second, and which path is faster; the load average at each browser's start (min-max).
// Written: target/bench/inpage.json.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, DIST, PAGE_CSP, checkBuild, startServer, startRecordingProxy } from '../tests/browser/harness.js';
import { OUT, buildExamples, benchPages, syntheticExtension, launchChromium, median, option } from './browser.mjs';

const RUNS = Number(option('--runs', '5'));
const KBS = option('--kbs', 'real,15000').split(',');
const PAUSE = Number(option('--pause', '3000'));
const pages = benchPages(option('--pages', 'aws,aws-1mb,aws-5mb,meta').split(','));

checkBuild();
if (KBS.some((kb) => kb !== 'real')) buildExamples('bench_synth_kb');
/** The extension folder per knowledge base (bench/run.mjs's). */
const dirs = Object.fromEntries(KBS.map((kb) => [kb, kb === 'real' ? DIST : syntheticExtension(kb)]));

/** The files the page loads, per knowledge base, under `/<kb>/`: the built pkg and two modules of the extension. */
const FILES = {
  'pkg/termlens.js': 'text/javascript', 'pkg/termlens_bg.wasm': 'application/wasm', 'pkg/kb.bin': 'application/octet-stream',
  'pkg/model.bin': 'application/octet-stream', 'pkg/extract-rules.js': 'text/javascript',
  'extension/content/extract.js': 'text/javascript', 'extension/shared/settings.js': 'text/javascript',
};
// The fixture pages' CSP (the snapshots' own https://... assets are never fetched) with
// Wasm allowed, as a page without a CSP allows it.
const CSP = PAGE_CSP.replace("default-src 'self'", "default-src 'self' 'wasm-unsafe-eval'");
const routes = {};
for (const p of pages) routes[p.route] = { html: p.html, csp: CSP };
for (const kb of KBS) {
  for (const [file, type] of Object.entries(FILES)) {
    routes[`/${kb}/${file}`] = { path: path.join(dirs[kb], file), type, csp: null, cache: 'max-age=3600' };
  }
}

/**
 * Runs in the page's main world: the engine started and the page's text annotated as
 * engine.js and annotate.js do it in the background (see the header).
 */
async function inPageEngine({ base, url }) {
  const { extractText } = await import(`${base}/extension/content/extract.js`);
  const { visibility, DEFAULTS } = await import(`${base}/extension/shared/settings.js`);
  const { text } = extractText(document.body, () => false, { outline: false });
  const t0 = performance.now();
  const kbBin = fetch(`${base}/pkg/kb.bin`).then((r) => r.arrayBuffer());
  const modelBytes = fetch(`${base}/pkg/model.bin`).then((r) => r.arrayBuffer());
  const m = await import(`${base}/pkg/termlens.js`);
  const wasm = await m.default({ module_or_path: `${base}/pkg/termlens_bg.wasm` });
  const t1 = performance.now();
  const engine = m.Engine.fromCompiled(new Uint8Array(await kbBin), []);
  const t2 = performance.now();
  const modelLoaded = engine.loadModel(new Uint8Array(await modelBytes));
  const t3 = performance.now();
  const result = engine.annotate(text, url, visibility(DEFAULTS));
  const t4 = performance.now();
  // The same call again: what the call costs once V8 has run it (not part of the stage).
  engine.annotate(text, url, visibility(DEFAULTS));
  const again = performance.now() - t4;
  const memory = wasm.memory.buffer.byteLength;
  engine.free();
  return {
    chars: text.length, wasm: t1 - t0, kb: t2 - t1, model: t3 - t2, ready: t3 - t0, call: t4 - t3, again,
    found: result.annotations.length, detections: result.detections.length, modelLoaded, memory,
  };
}

/**
 * One tab of `p` (its address ends in `?tab=N`, so that the two tabs are told apart): the
 * background path as termlens ran it, then the in-page path.
 */
async function measureTab(b, server, kb, p, n) {
  const page = await b.context.newPage();
  const url = server.url(`${p.route}?tab=${n}`);
  await page.goto(url, { waitUntil: 'load', timeout: 180_000 });
  const s = await b.settled(await b.tabId(url));
  const timings = s.status.timings;
  if (s.status.phase !== 'done' || !timings) throw new Error(`${p.label}: termlens ${s.status.phase}: ${JSON.stringify(s.status).slice(0, 400)}`);
  const inpage = await page.evaluate(inPageEngine, { base: server.url(`/${kb}`), url });
  if (!inpage.modelLoaded) throw new Error(`${p.label}: the classifier model did not load in the page`);
  return {
    background: { engine: timings.engine, call: s.engine.lastCallMs, chars: timings.characters, found: s.status.count, extract: timings.extract, highlight: timings.highlight, total: timings.total },
    inpage,
  };
}

const f1 = (x) => (x === null ? '-' : x.toFixed(1));
const loadAverage = () => os.loadavg()[0];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const proxy = await startRecordingProxy();
const server = await startServer(routes);
console.log(`termlens: annotating in the page against the background; ${RUNS} browser(s) per page and knowledge base, ${PAUSE} ms between the two tabs; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
/** @type {Record<string, { kb: string, page: string, label: string, load: number[], tabs: any[][] }>} */
const cells = {};
try {
  // Runs outermost: every page and knowledge base gets one browser in each round, so the
  // machine's load falls on all of them alike.
  for (let run = 0; run < RUNS; run += 1) {
    for (const kb of KBS) {
      for (const p of pages) {
        const cell = (cells[`${kb} ${p.key}`] ??= { kb, page: p.key, label: p.label, load: [], tabs: [[], []] });
        cell.load.push(loadAverage());
        const b = await launchChromium(dirs[kb], proxy.port);
        try {
          cell.tabs[0].push(await measureTab(b, server, kb, p, 1));
          await sleep(PAUSE);
          cell.tabs[1].push(await measureTab(b, server, kb, p, 2));
        } finally {
          await b.close();
        }
        const [cold, second] = cell.tabs.map((t) => t.at(-1));
        console.log(`run ${run + 1} ${kb} ${p.key} (load ${cell.load.at(-1).toFixed(1)}): background ${f1(cold.background.engine)} / ${f1(second.background.engine)} ms, in-page ${f1(cold.inpage.ready + cold.inpage.call)} / ${f1(second.inpage.ready + second.inpage.call)} ms (cold / second tab)`);
      }
    }
  }
} finally {
  await server.close();
  await proxy.close();
}
if (proxy.seen.length) throw new Error(`requests left 127.0.0.1: ${proxy.seen.join(', ')}`);

/** Medians of one tab's runs. */
function figures(rows) {
  const m = (f) => median(rows.map(f));
  const bg = { engine: m((r) => r.background.engine), call: m((r) => r.background.call), total: m((r) => r.background.total) };
  const ip = Object.fromEntries(['wasm', 'kb', 'model', 'ready', 'call', 'again'].map((k) => [k, m((r) => r.inpage[k])]));
  ip.stage = m((r) => r.inpage.ready + r.inpage.call);
  // The content script's total with the in-page stage in place of the background's.
  ip.total = m((r) => r.background.total - r.background.engine + r.inpage.ready + r.inpage.call);
  ip.memory = Math.max(...rows.map((r) => r.inpage.memory));
  return { bg, ip, chars: [rows[0].background.chars, rows[0].inpage.chars], found: [rows[0].background.found, rows[0].inpage.found] };
}

const results = { date: new Date().toISOString(), runs: RUNS, pause: PAUSE, machine: `${os.cpus().length} x ${os.cpus()[0]?.model}`, cells: [] };
console.log('\n| KB | page | chars (bg / page) | found (bg / page) | tab | background: engine stage (Wasm call) | in-page: ready (Wasm, kb.bin, model) + call = stage | in-page call again | faster | total: background / in-page | in-page Wasm MB | load average |');
console.log('| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |');
for (const cell of Object.values(cells)) {
  const tabs = cell.tabs.map(figures);
  results.cells.push({ kb: cell.kb, page: cell.page, load: cell.load, cold: tabs[0], second: tabs[1] });
  const load = `${Math.min(...cell.load).toFixed(1)}-${Math.max(...cell.load).toFixed(1)}`;
  tabs.forEach((t, i) => {
    const faster = t.ip.stage < t.bg.engine ? `in-page (${(t.bg.engine / t.ip.stage).toFixed(2)}x)` : `background (${(t.ip.stage / t.bg.engine).toFixed(2)}x)`;
    console.log(`| ${cell.kb} | ${cell.page} | ${t.chars.map((c) => c.toLocaleString('en')).join(' / ')} | ${t.found.join(' / ')} | ${i ? 'second' : 'cold'} | ${f1(t.bg.engine)} (${f1(t.bg.call)}) | ${f1(t.ip.ready)} (${f1(t.ip.wasm)}, ${f1(t.ip.kb)}, ${f1(t.ip.model)}) + ${f1(t.ip.call)} = ${f1(t.ip.stage)} | ${f1(t.ip.again)} | ${faster} | ${f1(t.bg.total)} / ${f1(t.ip.total)} | ${(t.ip.memory / 2 ** 20).toFixed(1)} | ${load} |`);
  });
}
fs.writeFileSync(path.join(OUT, 'inpage.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nload average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`written: ${path.relative(ROOT, path.join(OUT, 'inpage.json'))}`);
