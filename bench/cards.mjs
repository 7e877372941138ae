// Cards of a large knowledge base in Node: this build's pkg/ against another build's
// (`--before DIR`, a pkg/ folder; optional), both given the same kb.bin and cards.bin
// and timed card by card, interleaved, so that the machine's load weighs on both alike.
// Per module: the first card, then the median and slowest of 25 spread provisions read
// three times (`cardRange` + `cardFrom`), and the cards' JSON size; for this build also
// `prepareCards`, one comparison opened (`comparison`) and every comparison of a card
// whole (`comparisons`, what an export asks).
//
//   node bench/run.mjs --kbs 15000 ...   (makes target/bench/dist-kb-15000), then
//   node bench/cards.mjs [--kb target/bench/dist-kb-15000/pkg] [--before ../main/pkg]

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { option } from './browser.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KB = path.resolve(option('--kb', path.join(ROOT, 'target/bench/dist-kb-15000/pkg')) ?? '');
const BEFORE = option('--before', undefined);

/** @param {string} dir a pkg/ folder */
async function load(dir) {
  const m = await import(pathToFileURL(path.join(path.resolve(dir), 'termlens.js')).href);
  m.initSync({ module: fs.readFileSync(path.join(path.resolve(dir), 'termlens_bg.wasm')) });
  return m;
}

const kbBin = new Uint8Array(fs.readFileSync(path.join(KB, 'kb.bin')));
const cards = new Uint8Array(fs.readFileSync(path.join(KB, 'cards.bin')));
const ids = JSON.parse(fs.readFileSync(path.join(KB, 'kb.json'), 'utf8')).provisions.map((/** @type {{ id: string }} */ p) => p.id);
/** @type {Record<string, any>} */
const engines = {};
if (BEFORE) engines.before = (await load(BEFORE)).Engine.fromCompiled(kbBin, []);
engines.after = (await load(path.join(ROOT, 'pkg'))).Engine.fromCompiled(kbBin, []);
// As the background does once cards.bin has arrived: the explanations cards show.
engines.after.readCards(cards);

let t0 = performance.now();
engines.after.prepareCards();
const prepare = performance.now() - t0;
/** @type {Record<string, { first: number, times: number[], sizes: number[] }>} */
const seen = {};
for (const name of Object.keys(engines)) seen[name] = { first: NaN, times: [], sizes: [] };
for (let round = 0; round < 3; round += 1) {
  for (let k = 0; k < 25; k += 1) {
    const id = ids[(k * 7919) % ids.length];
    for (const [name, e] of Object.entries(engines)) {
      const t = performance.now();
      const range = e.cardRange(id);
      const card = e.cardFrom(id, cards.subarray(range[0], range[1]));
      const ms = performance.now() - t;
      const s = seen[name];
      if (Number.isNaN(s.first)) s.first = ms;
      else s.times.push(ms);
      if (round === 0) s.sizes.push(JSON.stringify(card).length);
    }
  }
}
const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const n = (/** @type {number} */ x) => x.toLocaleString('en');
for (const [name, s] of Object.entries(seen)) {
  console.log(`${name}: first card ${s.first.toFixed(1)} ms; then median ${median(s.times).toFixed(2)} ms, slowest ${Math.max(...s.times).toFixed(1)} ms; card JSON median ${n(median(s.sizes))} chars, largest ${n(Math.max(...s.sizes))}`);
}
console.log(`after: prepareCards ${prepare.toFixed(1)} ms (before the first card)`);
const card = engines.after.cardFrom(ids[0], cards.subarray(...engines.after.cardRange(ids[0])));
const topics = card.topics.map((/** @type {{ id: string }} */ x) => x.id);
const opened = card.more.slice(0, 10);
t0 = performance.now();
for (const m of opened) engines.after.comparison(topics, m.provision);
console.log(`after: one comparison opened ${((performance.now() - t0) / Math.max(1, opened.length)).toFixed(2)} ms (mean of ${opened.length})`);
t0 = performance.now();
const all = engines.after.comparisons(ids[0]);
console.log(`after: every comparison of a card, whole (an export) ${(performance.now() - t0).toFixed(1)} ms (${all.length}, ${n(JSON.stringify(all).length)} chars)`);
