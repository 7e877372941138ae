// Build check: the Wasm module in pkg/ loads in Node, reads pkg/kb.json, and finds a
// known clause exactly; the compiled index (pkg/kb.bin) finds it too, and its card from
// pkg/cards.bin is the card kb.json gives. A broken optimiser or a bad compiled
// knowledge base stops the build.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initSync, Engine } from '../pkg/termlens.js';

const pkg = (name) => fileURLToPath(new URL(`../pkg/${name}`, import.meta.url));
initSync({ module: readFileSync(pkg('termlens_bg.wasm')) });
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
