// Build check: the Wasm module in pkg/ loads in Node, reads pkg/kb.json, and finds a
// known clause exactly; the compiled index (pkg/kb.bin) finds it too, and its card from
// pkg/cards.bin is the card kb.json gives. A broken optimiser or a bad compiled
// knowledge base stops the build.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initSync, Engine } from '../pkg/termlens.js';

const pkg = (name) => fileURLToPath(new URL(`../pkg/${name}`, import.meta.url));
const wasm = readFileSync(pkg('termlens_bg.wasm'));
initSync({ module: wasm });

/**
 * The memory offsets at which the module's active data segments are placed (passive
 * ones, written at run time, have none).
 * @param {Uint8Array} bytes
 * @returns {number[]}
 */
function dataOffsets(bytes) {
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    if (id !== 11) { at += size; continue; }
    return Array.from({ length: leb() }, () => {
      const flags = leb();
      if (flags === 2) leb(); // the memory's index
      // An active segment's offset: `i32.const N` (N non-negative, so its signed LEB128
      // reads as unsigned) and `end`.
      if (flags !== 1 && bytes[at] !== 0x41) throw new Error('build: a data segment without a constant offset');
      const offset = flags === 1 ? -1 : (at += 1, leb());
      if (flags !== 1) at += 1;
      const length = leb();
      at += length;
      return offset;
    }).filter((offset) => offset >= 0);
  }
  return [];
}
// build.sh optimises with --low-memory-unused: nothing may be placed in the first KiB.
const low = dataOffsets(wasm).filter((offset) => offset < 1024);
if (low.length) {
  console.error(`build: pkg check failed: data placed below 1 KiB (at ${low.join(', ')}), which --low-memory-unused assumes unused`);
  process.exit(1);
}
const kbText = readFileSync(pkg('kb.json'), 'utf8');
const engine = Engine.fromBytes(readFileSync(pkg('kb.json')), []);
const kb = JSON.parse(kbText);
const probe = kb.provisions[0];
const result = engine.annotate(`Intro.\n${probe.wordings[0].text}\nEnd.`, '', undefined);
const hit = result.annotations.find((a) => a.provision === probe.id);
if (!hit || hit.status !== 'exact') {
  console.error(`build: pkg check failed: ${probe.id} not found exact (${JSON.stringify(result.annotations)})`);
  process.exit(1);
}
// The compiled index: the same find, and the same card from its block of cards.bin.
const compiled = Engine.fromCompiled(readFileSync(pkg('kb.bin')), []);
const cards = readFileSync(pkg('cards.bin'));
compiled.readCards(cards);
const again = compiled.annotate(`Intro.\n${probe.wordings[0].text}\nEnd.`, '', undefined);
const range = compiled.cardRange(probe.id);
const card = range && compiled.cardFrom(probe.id, cards.subarray(range[0], range[1]));
if (JSON.stringify(again) !== JSON.stringify(result) || JSON.stringify(card) !== JSON.stringify(engine.card(probe.id))) {
  console.error(`build: pkg check failed: pkg/kb.bin and pkg/cards.bin do not give what pkg/kb.json gives for ${probe.id}`);
  process.exit(1);
}
compiled.free();
// The classifier model loads and detects a clause termlens does not know.
if (!engine.loadModel(readFileSync(pkg('model.bin')))) {
  console.error('build: pkg check failed: pkg/model.bin does not load');
  process.exit(1);
}
const unknown = engine.annotate('Governing law\nThese terms are governed by the laws of the State of Oregon, without regard to its conflict of laws rules.\n', '', undefined);
if (!unknown.detections.some((d) => d.topics.some((t) => t.id === 'governing-law'))) {
  console.error(`build: pkg check failed: no governing-law detection (${JSON.stringify(unknown.detections)})`);
  process.exit(1);
}
console.log(`build: pkg check ok (${engine.provisionCount()} provisions, ${engine.seedCount()} seeds, model loaded)`);
