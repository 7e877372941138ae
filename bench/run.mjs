// The browser benchmark: the built extension in Debian's headless Chromium, on the
// largest real terms pages of ../shared/corpus and the AWS Service Terms repeated to
// 1 MB and 5 MB, with the real knowledge base and synthetic ones of 1,000, 10,000 and
// 15,000 provisions; in the same page loads, three baselines run in the page's main world
// once termlens has finished:
//   floor    one TreeWalker pass collecting the visible text (extract.js's rules for
//            "visible", without its offset table) and nothing else;
//   indexOf  the floor, then the usual JavaScript way: page and quotes normalised
//            (lowercase, every run of non-letters one space) and one indexOf per quote;
//   approx   the floor, then the Hypothesis way: npm approx-string-match for each quote
//            with Hypothesis's own tolerance (half the quote's length, at most 256
//            errors). Too slow to run every quote on every page: quotes are taken in a
//            fixed spread order until a time budget is spent and the time is
//            extrapolated to all quotes (the table says how many ran).
//
//   bash scripts/build.sh && node bench/run.mjs            # full: 10 loads per page
//   node bench/run.mjs --quick                             # CI: 1 load, real KB, 1 page; the
//                                                          # 15,000-provision KB built and
//                                                          # loaded once in an extension page
//   options: --runs N, --budget MS (approx per load), --kbs real,1000,10000,15000, --pages aws,meta,...,
//   --dist DIR (another built extension folder, for A/B runs);
//   node bench/run.mjs --only plain [--runs N] [--extensions DIR,DIR]
//                                                          # only the page that is not terms, for
//                                                          # each extension folder (default dist/termlens),
//                                                          # loads interleaved, one browser each
//   BENCH_DEBUG=1 prints the trace events behind the figures
//
// Figures per page (medians over the loads; the first load of each browser, which
// also starts the engine, is a warm-up and reported separately as the cold start):
//   extract / engine / highlight / total  the content script's own stages
//     (annotator.js: TreeWalker text extraction; message to the background +
//     Engine.annotate in Wasm + reply; DOM Ranges + CSS.highlights); in brackets
//     the Engine.annotate call alone, as the background timed it (engine.js)
//   longest task   the longest task of the page's main thread (CDP trace, 'toplevel'
//     RunTask events and microtask checkpoints, where the content script's awaits resume) overlapping termlens's work, and the stage it overlaps most
//     (the content script's clock is the page's: highlights.js marks 'termlens:drawn').
//     PerformanceObserver 'longtask' in the main world does not see the content
//     script's tasks, hence the trace.
//   heap           the page's JS heap after termlens (CDP Performance.getMetrics; the
//     content script's isolated world shares the page's heap)
//   wasm memory    the engine's linear memory in the background (it only grows: the peak)
//   detections     what the clause detections add to the Wasm call: the page's visible
//     text annotated in an extension page by an engine with the model loaded, with
//     detections off and on (detectionCost, after 5 warm-up calls of each), the median
//     of the paired differences
// Once per knowledge base: Wasm and knowledge-base size raw and gzip; the engine's
// cold start as the background measured it (one load: bench/cold-start.mjs repeats it); the engine load repeated in an extension
// page as the background does it (extension/background/engine.js load()): a fresh module
// each time, the knowledge base's fetch started first and running while the Wasm is
// fetched, compiled and instantiated (`init` with its URL: a streaming compile), then the
// knowledge base build; "ready" is from the start to the engine built. Also the Wasm
// memory's size before and after the build, what the background does after ready
// (cards.bin fetched and read, the word sets numbered), and the median time of 25 `card`
// calls on provisions spread over the knowledge base.
// Once: a page that is not terms (the gate's whole cost from a CDP trace, and that
// the engine was never loaded).
//
// Generated inputs go to target/bench/ (never committed): the AWS page rendered from
// its Markdown (examples/md_to_html.rs), the synthetic knowledge bases
// (examples/bench_synth_kb.rs) and a copy of dist/termlens per knowledge base.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT, DIST, checkBuild, startServer, startRecordingProxy } from '../tests/browser/harness.js';
import { OUT, buildExamples, snapshot, benchPages, syntheticExtension, launchChromium, median, option } from './browser.mjs';
// The extension's element rules (generated from src/extract/rules.rs by the build).
import { SKIPPED } from '../pkg/extract-rules.js';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
/** `--only plain`: only the page that is not terms (no Rust example built, no engine loaded). */
const ONLY_PLAIN = option('--only', '') === 'plain';
const RUNS = Number(option('--runs', QUICK ? '1' : '10'));
const BUDGET = Number(option('--budget', QUICK ? '300' : '1500'));
const KBS = option('--kbs', QUICK ? 'real,15000' : 'real,1000,10000,15000').split(',');
// Another built extension folder in place of dist/termlens (A/B comparisons, e.g. a copy of
// an earlier build); not checked against the sources.
const EXT = option('--dist', null);
if (!EXT) checkBuild();

// ---- inputs ------------------------------------------------------------------------

/** @type {{ key: string, route: string, label: string, html: () => string }[]} */
let pages;
if (ONLY_PLAIN) {
  pages = [];
} else if (QUICK) {
  // No Rust example to build: a corpus snapshot.
  const ms = snapshot('microsoft/services-agreement/2026-08-22.html');
  // The synthetic knowledge base (15,000 provisions) is only built and loaded once in an
  // extension page, so that its path cannot rot; its pages are not loaded.
  if (KBS.some((kb) => kb !== 'real')) buildExamples('bench_synth_kb');
  pages = [{ key: 'microsoft', route: '/microsoft/servicesagreement/', label: 'Microsoft Services Agreement 2026-08-22', html: () => ms }];
} else {
  buildExamples('bench_synth_kb');
  pages = benchPages(option('--pages', '').split(',').filter(Boolean));
}
const NON_TERMS = '/blog/growing-tomatoes';

/** The extension folder for a knowledge base: dist/termlens (or --dist), or a copy with a synthetic one. */
const extensionFor = (kb) => (kb !== 'real' ? syntheticExtension(kb) : EXT ? path.resolve(EXT) : DIST);

/** Every wording of every provision: the quotes the baselines look for. */
function quotesOf(dir) {
  const kb = JSON.parse(fs.readFileSync(path.join(dir, 'pkg/kb.json'), 'utf8'));
  return kb.provisions.flatMap((p) => p.wordings.map((w) => w.text));
}

const sizes = (file) => {
  const raw = fs.readFileSync(file);
  return { raw: raw.length, gzip: zlib.gzipSync(raw, { level: 9 }).length };
};

// ---- the browser ---------------------------------------------------------------------

/** Main-world init script: approx-string-match as a global. */
const APPROX = fs.readFileSync(path.join(ROOT, 'node_modules/approx-string-match/build/src/index.js'), 'utf8')
  .replace('export default function search', 'function search');
const INIT = `(() => {
  ${APPROX}
  window.__approxSearch = search;
})();`;

/** Runs in the page's main world once termlens has finished: the three baselines. */
async function inPage({ quotes, budget, skipped, keepText }) {
  const SKIP = new Set(skipped);
  const floor = () => {
    const parts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        if (node.nodeType === Node.TEXT_NODE) return NodeFilter.FILTER_ACCEPT;
        const element = /** @type {HTMLElement} */ (node);
        if (SKIP.has(element.localName) || element.hidden || !element.checkVisibility({ visibilityProperty: true })) return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_SKIP;
      },
    });
    for (let n = walker.nextNode(); n; n = walker.nextNode()) parts.push(/** @type {Text} */ (n).data);
    return parts.join('');
  };
  const normalise = (s) => ` ${s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;

  let t = performance.now();
  const text = floor();
  const floorMs = performance.now() - t;

  const normalisedQuotes = quotes.map(normalise); // once per knowledge base: not timed
  t = performance.now();
  const page = normalise(text);
  let indexOfFound = 0;
  for (const q of normalisedQuotes) if (page.indexOf(q) >= 0) indexOfFound += 1;
  const indexOfMs = performance.now() - t;

  // Quotes in a fixed spread order (real and synthetic mixed), until the budget is spent.
  const order = [];
  const step = 7919;
  for (let i = 0; i < quotes.length; i += 1) order.push((i * step) % quotes.length);
  let ran = 0;
  let approxFound = 0;
  t = performance.now();
  while (ran < order.length && (ran < 3 || performance.now() - t < budget)) {
    const q = quotes[order[ran]];
    const matches = window.__approxSearch(text, q, Math.min(256, Math.floor(q.length / 2)));
    if (matches.length) approxFound += 1;
    ran += 1;
  }
  const approxRanMs = performance.now() - t;
  return {
    text: keepText ? text : undefined, chars: text.length, floorMs, indexOfMs, indexOfFound,
    approx: { ran, ms: approxRanMs, found: approxFound, extrapolatedMs: (approxRanMs / ran) * quotes.length },
  };
}

/** Starts a CDP trace of `page` (every task of every thread, user-timing marks). */
async function startTrace(cdp, categories) {
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: categories }, transferMode: 'ReportEvents' });
  return async () => {
    await cdp.send('Tracing.end');
    await complete;
    return events;
  };
}

/**
 * The longest main-thread task overlapping termlens's work, from a trace: the page's
 * main thread is the one that recorded the 'termlens:drawn' mark (highlights.js);
 * termlens's work ran from `timings.total` before it. Also the page's own longest task.
 */
function longestTask(events, timings) {
  const mark = events.filter((e) => e.name === 'termlens:drawn').at(-1);
  if (!mark || !timings) return { longest: null, pageLongest: null };
  const tasks = events.filter((e) => e.ph === 'X' && e.pid === mark.pid && e.tid === mark.tid
    && ['ThreadControllerImpl::RunTask', 'RunTask', 'BlinkScheduler_PerformMicrotaskCheckpoint'].includes(e.name));
  const drawn = mark.ts / 1000;
  const start = drawn - timings.total;
  const stages = [
    ['extract', start, start + timings.extract],
    ['engine (waiting)', start + timings.extract, drawn - timings.highlight],
    ['highlight', drawn - timings.highlight, drawn],
  ];
  if (process.env.BENCH_DEBUG) {
    console.log('mark', mark.ph, mark.cat, mark.pid, mark.tid, mark.ts, 'window', start, drawn);
    for (const e of events.filter((x) => x.ph === 'X' && x.dur > 3000 && x.ts / 1000 > start - 200 && x.ts / 1000 < drawn + 5)) console.log('  ', e.name, e.pid, e.tid, (e.ts / 1000 - start).toFixed(1), (e.dur / 1000).toFixed(1));
  }
  let longest = null;
  let pageLongest = 0;
  for (const t of tasks) {
    const a = t.ts / 1000;
    const duration = t.dur / 1000;
    const end = a + duration;
    pageLongest = Math.max(pageLongest, duration);
    if (end < start || a > drawn) continue;
    const overlap = stages.map(([name, x, y]) => [name, Math.max(0, Math.min(y, end) - Math.max(x, a))]).sort((p, q) => q[1] - p[1]);
    if (!longest || duration > longest.duration) longest = { duration, stage: overlap[0][0] };
  }
  return { longest, pageLongest };
}

/** The gate's cost on a page that is not terms: extension script time in a CDP trace. */
async function nonTermsCost(b, url) {
  const page = await b.context.newPage();
  const cdp = await b.context.newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline'] },
    transferMode: 'ReportEvents',
  });
  await page.goto(url, { waitUntil: 'load' });
  // The gate's idle-time work runs within this; the benchmark's own status query
  // (answered by the gate, as the popup's would be) comes after the trace.
  await page.waitForTimeout(600);
  await cdp.send('Tracing.end');
  await complete;
  const tab = await b.tabId(url);
  const s = await b.status(tab);
  await page.close();
  // Top-level script work attributed to the extension's files, intervals merged.
  const prefix = `chrome-extension://${b.id}/`;
  const scriptOf = (e) => String(e.args?.data?.url ?? e.args?.data?.scriptName ?? e.args?.fileName ?? '');
  const mine = events
    .filter((e) => e.ph === 'X' && e.dur && ['EvaluateScript', 'FunctionCall', 'v8.compile', 'v8.callFunction', 'TimerFire', 'EventDispatch']
      .includes(e.name) && scriptOf(e).startsWith(prefix));
  // Per event and file (nested events overlap: a breakdown, not a sum).
  const parts = {};
  for (const e of mine) {
    const key = `${e.name} ${scriptOf(e).slice(prefix.length)}`;
    parts[key] = (parts[key] ?? 0) + e.dur / 1000;
  }
  // Thread (CPU) time of the outermost events: what the machine's load does not inflate
  // (time the thread waited for a core counts in `dur`, not in `tdur`).
  let cpu = 0;
  let outerEnd = -Infinity;
  for (const e of [...mine].sort((x, y) => x.ts - y.ts || y.dur - x.dur)) {
    if (e.ts >= outerEnd) {
      cpu += (e.tdur ?? e.dur) / 1000;
      outerEnd = e.ts + e.dur;
    }
  }
  const spans = mine
    .map((e) => [e.ts, e.ts + e.dur])
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, z] of spans) {
    if (a >= end) { total += z - a; end = z; } else if (z > end) { total += z - end; end = z; }
  }
  if (process.env.BENCH_DEBUG) {
    const gate = events.find((e) => e.name === 'EvaluateScript' && String(e.args?.data?.url).endsWith('gate.js'));
    for (const e of events.filter((x) => gate && x.tid === gate.tid && x.ts >= gate.ts && x.ts < gate.ts + gate.dur && x.ph === 'X')) console.log('  in gate:', e.name, e.dur, JSON.stringify(e.args ?? {}).slice(0, 150));
  }
  if (process.env.BENCH_DEBUG) for (const e of events.filter((e) => e.ph === "X" && String(JSON.stringify(e.args ?? {})).includes(prefix))) console.log(e.name, e.dur, JSON.stringify(e.args).slice(0, 200));
  return { ms: total / 1000, cpu, events: spans.length, parts, gate: s.content?.phase ?? 'no content script', phase: s.status?.phase ?? 'silent (no status in the background)', engine: s.engine.state };
}

/**
 * What the detections add to the Wasm call: in an extension page (the background's own
 * V8), an engine with the model loaded annotates `text` (the page's visible text, as the
 * floor collects it) `n` times with detections off and `n` times with them on,
 * alternating, after WARM_UP calls of each (the first calls run in V8's baseline Wasm
 * tier and cost several times more). The figure is the median of the paired
 * differences; the calls' medians are beside it.
 */
const WARM_UP = 5;

async function detectionCost(b, text, url, n) {
  const page = await b.context.newPage();
  await page.goto(`chrome-extension://${b.id}/extension/popup/popup.html#bench`);
  const out = await page.evaluate(async ({ text: pageText, url: pageUrl, count, warmUp }) => {
    const moduleUrl = '/pkg/termlens.js?detections';
    const m = await import(moduleUrl);
    await m.default({ module_or_path: '/pkg/termlens_bg.wasm' });
    const engine = m.Engine.fromBytes(new Uint8Array(await (await fetch('/pkg/kb.json')).arrayBuffer()), []);
    const loaded = engine.loadModel(new Uint8Array(await (await fetch('/pkg/model.bin')).arrayBuffer()));
    const off = [];
    const on = [];
    let detections = 0;
    for (let i = 0; i < warmUp + count; i += 1) {
      let t = performance.now();
      engine.annotate(pageText, pageUrl, { detectionsOff: true });
      const a = performance.now() - t;
      t = performance.now();
      detections = engine.annotate(pageText, pageUrl, undefined).detections.length;
      const z = performance.now() - t;
      if (i >= warmUp) { off.push(a); on.push(z); }
    }
    engine.free();
    return { loaded, off, on, detections };
  }, { text, url, count: n, warmUp: WARM_UP });
  await page.close();
  if (!out.loaded) throw new Error('the classifier model did not load');
  return {
    added: median(out.on.map((x, i) => x - out.off[i])), off: median(out.off), on: median(out.on), detections: out.detections,
  };
}

/**
 * The engine loaded afresh, `n` times per path, in an extension page (the background's
 * own V8), each load in a fresh module instance (Wasm memory never shrinks): `json`
 * reads pkg/kb.json (`Engine.fromBytes`), `compiled` reads pkg/kb.bin and keeps
 * pkg/cards.bin in JavaScript (`Engine.fromCompiled`, cards by `cardRange` + `cardFrom`),
 * as the background does. As in the background, the knowledge base's fetch starts
 * first and runs while the Wasm is fetched, compiled and instantiated.
 */
async function engineLoads(b, n) {
  const page = await b.context.newPage();
  await page.goto(`chrome-extension://${b.id}/extension/popup/popup.html#bench`);
  const rows = await page.evaluate(async (count) => {
    const out = [];
    /** @type {string[] | undefined} */
    let ids;
    const bytes = async (/** @type {string} */ name) => new Uint8Array(await (await fetch(`/pkg/${name}`)).arrayBuffer());
    for (let i = 0; i < count * 2; i += 1) {
      const mode = i % 2 ? 'compiled' : 'json';
      const t0 = performance.now();
      const kbFile = bytes(mode === 'json' ? 'kb.json' : 'kb.bin').then((b) => ({ b, at: performance.now() }));
      const m = await import(`/pkg/termlens.js?fresh=${i}`);
      const wasm = await m.default({ module_or_path: '/pkg/termlens_bg.wasm' });
      const t3 = performance.now();
      const { b: kbBytes, at: t4 } = await kbFile;
      const t4b = performance.now();
      const before = wasm.memory.buffer.byteLength;
      const engine = mode === 'json' ? m.Engine.fromBytes(kbBytes, []) : m.Engine.fromCompiled(kbBytes, []);
      const t5 = performance.now();
      // Linear memory only grows: after the engine is built, it is the engine's peak so far.
      const memory = wasm.memory.buffer.byteLength;
      const seeds = engine.seedCount();
      // As the background does after ready: fetch cards.bin, read it (checked against
      // kb.bin's record of it, the explanations read), and number the word sets cards
      // rank by.
      const t6 = performance.now();
      const cards = mode === 'json' ? null : await bytes('cards.bin');
      const t7 = performance.now();
      if (cards) {
        // A build from before readCards (an A/B run with --dist) checks the header alone.
        if (engine.readCards) engine.readCards(cards);
        else engine.checkCards(cards.subarray(0, m.Engine.cardsHeaderLength()), cards.byteLength);
        engine.prepareCards();
      }
      const cardsFetch = t7 - t6;
      const prepare = performance.now() - t7;
      // Cards of provisions spread over the knowledge base (ids read outside the timing):
      // the median of card calls, request to content object.
      ids ??= JSON.parse(new TextDecoder().decode(kbBytes)).provisions.map((/** @type {{ id: string }} */ p) => p.id);
      const cardMs = [];
      for (let k = 0; k < 25; k += 1) {
        const id = ids[(k * 7919) % ids.length];
        const t = performance.now();
        const range = cards ? engine.cardRange(id) : undefined;
        const card = cards && range ? engine.cardFrom(id, cards.subarray(range[0], range[1])) : engine.card(id);
        cardMs.push(performance.now() - t);
        if (!card) throw new Error('no card');
      }
      cardMs.sort((a, b) => a - b);
      const cardMemory = wasm.memory.buffer.byteLength;
      engine.free();
      out.push({
        mode, wasm: t3 - t0, kbFetch: t4 - t0, kbBuild: t5 - t4b, ready: t5 - t0, seeds,
        memoryBefore: before, memory, cardMemory, card: cardMs[Math.floor(cardMs.length / 2)], cardMax: cardMs.at(-1), cardsFetch, prepare,
      });
    }
    return out;
  }, n);
  await page.close();
  return rows;
}

const mostCommon = (xs) => {
  const n = new Map();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
};
const f1 = (x) => (x === null ? '-' : x.toFixed(1));
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : '-');

// ---- the run -------------------------------------------------------------------------

if (ONLY_PLAIN) {
  // The page that is not terms alone, for one or more builds (A/B, loads interleaved).
  const dirs = option('--extensions', DIST).split(',').map((d) => path.resolve(d));
  const proxy = await startRecordingProxy();
  const server = await startServer();
  console.log(`termlens: a page that is not terms (${NON_TERMS}), ${RUNS} loads after one warm-up, ${dirs.length} build(s) interleaved; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const builds = [];
  try {
    for (const dir of dirs) builds.push({ dir, b: await launchChromium(dir, proxy.port), runs: [] });
    for (let i = 0; i <= RUNS; i += 1) {
      for (const build of builds) {
        const r = await nonTermsCost(build.b, server.url(NON_TERMS));
        if (i > 0) build.runs.push(r);
      }
    }
    for (const { dir, runs } of builds) {
      const ms = runs.map((r) => r.ms);
      const keys = [...new Set(runs.flatMap((r) => Object.keys(r.parts)))];
      const cpu = runs.map((r) => r.cpu);
      console.log(`\n${path.relative(ROOT, dir) || dir}: extension script time median ${median(ms).toFixed(3)} ms, max ${Math.max(...ms).toFixed(3)}, min ${Math.min(...ms).toFixed(3)}; thread time median ${median(cpu).toFixed(3)} ms, max ${Math.max(...cpu).toFixed(3)}; gate ${runs.at(-1).gate}, engine ${runs.at(-1).engine}`);
      for (const k of keys) console.log(`  ${k}: median ${median(runs.map((r) => r.parts[k] ?? 0)).toFixed(3)} ms`);
      if (runs.some((r) => r.engine !== 'not loaded')) throw new Error(`${dir}: the engine was loaded on a page that is not terms`);
    }
  } finally {
    for (const { b } of builds) await b.close();
    await server.close();
    await proxy.close();
  }
  if (proxy.seen.length) throw new Error(`requests left 127.0.0.1: ${proxy.seen.join(', ')}`);
  console.log(`\nload average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  process.exit(0);
}

const proxy = await startRecordingProxy();
const server = await startServer(Object.fromEntries(pages.map((p) => [p.route, { html: p.html }])));
const results = { date: new Date().toISOString(), quick: QUICK, runs: RUNS, budget: BUDGET, machine: `${os.cpus().length} x ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`, loadAverage: os.loadavg(), kbs: [] };
console.log(`termlens browser benchmark: ${RUNS} load(s) per page, approx budget ${BUDGET} ms per load; ${results.machine}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
try {
  for (const kb of KBS) {
    const dir = extensionFor(kb);
    const quotes = quotesOf(dir);
    const b = await launchChromium(dir, proxy.port);
    const entry = {
      kb, quotes: quotes.length, wasm: sizes(path.join(dir, 'pkg/termlens_bg.wasm')), kbSize: sizes(path.join(dir, 'pkg/kb.json')), pages: [],
    };
    results.kbs.push(entry);
    try {
      if (kb === 'real') {
        const runs = [];
        for (let i = 0; i < Math.max(RUNS, 1); i += 1) runs.push(await nonTermsCost(b, server.url(NON_TERMS)));
        entry.nonTerms = { ms: median(runs.map((r) => r.ms)), max: Math.max(...runs.map((r) => r.ms)), cpu: median(runs.map((r) => r.cpu)), phase: runs.at(-1).phase, engine: runs.at(-1).engine };
        console.log(`\nnot terms (${NON_TERMS}): extension script time median ${entry.nonTerms.ms.toFixed(3)} ms (max ${entry.nonTerms.max.toFixed(3)}), thread time median ${entry.nonTerms.cpu.toFixed(3)} ms, gate ${entry.nonTerms.phase}, engine ${entry.nonTerms.engine}`);
      }
      let cold = null;
      for (const p of QUICK && kb !== 'real' ? [] : pages) {
        const rows = [];
        let pageText = '';
        for (let i = 0; i <= RUNS; i += 1) {
          const page = await b.context.newPage();
          await page.addInitScript(INIT);
          const cdp = await b.context.newCDPSession(page);
          await cdp.send('Performance.enable');
          const stopTrace = await startTrace(cdp, ['toplevel', 'blink.user_timing']);
          const url = server.url(p.route);
          await page.goto(url, { waitUntil: 'load', timeout: 180_000 });
          const tab = await b.tabId(url);
          const s = await b.settled(tab);
          const timings = s.status.timings;
          const tasks = longestTask(await stopTrace(), timings);
          const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
          const { text, ...measured } = await page.evaluate(inPage, { quotes, budget: BUDGET, skipped: [...SKIPPED], keepText: i === 0 });
          if (text !== undefined) pageText = text;
          const inpage = { ...measured, ...tasks };
          if (process.env.BENCH_DEBUG) console.log('debug', JSON.stringify({ longest: inpage.longest, pageLongest: inpage.pageLongest, timings }));
          await page.close();
          if (s.status.phase !== 'done' || !timings) throw new Error(`${p.label}: termlens ${s.status.phase}: ${JSON.stringify(s.status).slice(0, 400)}`);
          const row = { ...timings, wasmCall: s.engine.lastCallMs, diffCall: s.engine.lastChangesMs ?? 0, found: s.status.count, heap: metrics.JSHeapUsedSize, wasmMemory: s.engine.memoryBytes, ...inpage };
          if (!cold) {
            const l = s.engine.load;
            // The three steps one after the other: the Wasm; the rest of kb.bin's fetch, the
            // packs and the build; the model.
            cold = { load: { ...l, wasm: l.wasmReady, kb: l.built - l.wasmReady, model: l.ready - l.built }, total: timings.total, engine: timings.engine, page: p.key };
            console.log(`\nknowledge base ${kb}: ${quotes.length} wordings; cold start on ${p.key} (the browser's first, one load; bench/cold-start.mjs repeats it): Wasm ${f1(cold.load.wasm)} ms, knowledge base ${f1(cold.load.kb)} ms (kb.bin fetched at ${f1(l.kbFetched)}, Engine.fromCompiled ${f1(l.build)}), model ${f1(cold.load.model)} ms, engine stage ${f1(cold.engine)} ms`);
            console.log('| page | chars | found | extract | engine (Wasm call) | highlight | total | floor | indexOf | approx (ran) | total/floor | indexOf/total | approx/total | longest task (stage) | heap MB | Wasm MB | page diff, after the highlights (Wasm call) | total outside the Wasm call | detections: added to the Wasm call (off / on; count) |');
            console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |');
          }
          if (i > 0 || RUNS === 0) rows.push(row);
        }
        const m = (f) => median(rows.map(f));
        const detection = await detectionCost(b, pageText, server.url(p.route), Math.max(RUNS, 10));
        const fig = {
          page: p.key, label: p.label, loads: rows.length, chars: rows[0].characters, found: rows[0].found,
          indexOfFound: rows[0].indexOfFound, extract: m((r) => r.extract), engine: m((r) => r.engine),
          wasmCall: m((r) => r.wasmCall), outsideWasm: m((r) => r.total - r.wasmCall), diffCall: m((r) => r.diffCall), highlight: m((r) => r.highlight), total: m((r) => r.total), floor: m((r) => r.floorMs),
          floorPlusIndexOf: m((r) => r.floorMs + r.indexOfMs), floorPlusApprox: m((r) => r.floorMs + r.approx.extrapolatedMs),
          approxRan: Math.min(...rows.map((r) => r.approx.ran)),
          longest: m((r) => r.longest?.duration ?? null), longestStage: mostCommon(rows.map((r) => r.longest?.stage).filter(Boolean)),
          pageLongest: m((r) => r.pageLongest), heap: m((r) => r.heap), wasmMemory: Math.max(...rows.map((r) => r.wasmMemory)),
          detection,
        };
        entry.pages.push(fig);
        console.log(`| ${fig.label} | ${fig.chars.toLocaleString('en')} | ${fig.found} | ${f1(fig.extract)} | ${f1(fig.engine)} (${f1(fig.wasmCall)}) | ${f1(fig.highlight)} | ${f1(fig.total)} | ${f1(fig.floor)} | ${f1(fig.floorPlusIndexOf)} | ${Math.round(fig.floorPlusApprox)} (${fig.approxRan}/${quotes.length}) | ${ratio(fig.total, fig.floor)} | ${ratio(fig.floorPlusIndexOf, fig.total)} | ${ratio(fig.floorPlusApprox, fig.total)} | ${fig.longest ? `${f1(fig.longest)} (${fig.longestStage})` : '-'} | ${(fig.heap / 2 ** 20).toFixed(1)} | ${(fig.wasmMemory / 2 ** 20).toFixed(1)} | ${f1(fig.diffCall)} | ${f1(fig.outsideWasm)} | ${f1(detection.added)} (${f1(detection.off)} / ${f1(detection.on)}; ${detection.detections}) |`);
      }
      entry.cold = cold;
      if (!cold) console.log(`\nknowledge base ${kb}: ${quotes.length} wordings; no page loaded`);
      const loads = await engineLoads(b, Math.max(RUNS, 1));
      entry.seeds = loads[0].seeds;
      for (const mode of ['json', 'compiled']) {
        const mine = loads.filter((r) => r.mode === mode);
        const e = Object.fromEntries(['wasm', 'kbFetch', 'kbBuild', 'ready', 'card', 'cardMax', 'cardsFetch', 'prepare'].map((k) => [k, median(mine.map((r) => r[k]))]));
        e.memory = Math.max(...mine.map((r) => r.memory));
        e.cardMemory = Math.max(...mine.map((r) => r.cardMemory));
        e.memoryBefore = mine[0].memoryBefore;
        if (mode === 'json') entry.engineLoad = e;
        else entry.engineLoadCompiled = e;
        const what = mode === 'json' ? 'kb.json fetch' : 'kb.bin fetch';
        const build = mode === 'json' ? 'Engine.fromBytes' : 'Engine.fromCompiled';
        console.log(`engine load from ${mode === 'json' ? 'kb.json' : 'kb.bin'} in an extension page (median of ${mine.length}): Wasm fetch + compile + instantiate ${f1(e.wasm)}, ${what} ${f1(e.kbFetch)} (both from the start, side by side), ${build} ${f1(e.kbBuild)} ms; ready ${f1(e.ready)} ms; ${entry.seeds} seeds`);
        console.log(`  Wasm memory ${(e.memoryBefore / 2 ** 20).toFixed(1)} MB before the engine, ${(e.memory / 2 ** 20).toFixed(1)} MB after, ${(e.cardMemory / 2 ** 20).toFixed(1)} MB after 25 cards; a card (median of 25 spread provisions per load) ${e.card.toFixed(2)} ms, slowest ${e.cardMax.toFixed(2)} ms${mode === 'json' ? '' : `; after ready: cards.bin fetch ${e.cardsFetch.toFixed(1)} ms, readCards + prepareCards ${e.prepare.toFixed(1)} ms`}`);
      }
      entry.kbBin = sizes(path.join(dir, 'pkg/kb.bin'));
      entry.cardsBin = sizes(path.join(dir, 'pkg/cards.bin'));
      console.log(`sizes: kb.bin ${entry.kbBin.raw.toLocaleString('en')} B raw, ${entry.kbBin.gzip.toLocaleString('en')} B zlib -9; cards.bin ${entry.cardsBin.raw.toLocaleString('en')} B raw, ${entry.cardsBin.gzip.toLocaleString('en')} B zlib -9`);
      console.log(`sizes: termlens_bg.wasm ${entry.wasm.raw.toLocaleString('en')} B raw, ${entry.wasm.gzip.toLocaleString('en')} B zlib -9; kb.json ${entry.kbSize.raw.toLocaleString("en")} B raw, ${entry.kbSize.gzip.toLocaleString("en")} B zlib -9`);
    } finally {
      await b.close();
    }
  }
} finally {
  await server.close();
  await proxy.close();
}
if (proxy.seen.length) throw new Error(`requests left 127.0.0.1: ${proxy.seen.join(', ')}`);
fs.writeFileSync(path.join(OUT, QUICK ? 'results-quick.json' : 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nload average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`\nwritten: ${path.relative(ROOT, path.join(OUT, QUICK ? 'results-quick.json' : 'results.json'))}`);
