// Browser benchmark of the popup's lookup, per keystroke: the built extension in
// Debian's Chromium or Firefox ESR, the popup page opened in a tab, queries typed one
// character at a time. For every prefix it measures, in the popup page:
//
//   round trip  runtime.sendMessage('popup-bg-lookup') -> the background -> the Wasm
//               engine's lookup -> the reply (what each keystroke costs after the pause)
//   shown       an 'input' event on the search box -> the results list rendered
//               (data-state 'done'), minus the popup's typing pause (LOOKUP_DELAY_MS)
//
// The first lookup builds the lookup index; it is reported on its own line.
//
//   bash scripts/build.sh && node bench/popup-lookup.mjs [--browser chromium|firefox] [--runs N]

import fs from 'node:fs';
import path from 'node:path';
import { launch, ROOT } from '../tests/browser/harness.js';
import { option } from './browser.mjs';

const BROWSER = option('--browser', 'chromium');
const RUNS = Number(option('--runs', '3'));

const popupSource = fs.readFileSync(path.join(ROOT, 'extension/popup/popup.js'), 'utf8');
const DELAY = Number(/LOOKUP_DELAY_MS = (\d+)/.exec(popupSource)?.[1] ?? 0);

// A clause pasted as a whole (from the knowledge base the build compiled).
const kb = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist/termlens/pkg/kb.json'), 'utf8'));
const pasted = kb.provisions.find((p) => p.id === 'anthropic.commercial-no-training')?.wordings[0].text ?? '';
const QUERIES = ['train on customer content', 'indemnification for output', 'arbitraton class acton'];

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const fmt = (x) => x.toFixed(2).padStart(7);

const t = await launch(BROWSER);
try {
  const popup = await t.session.extensionPage('extension/popup/popup.html?tab=0');
  const first = await popup.evaluate(async () => {
    const api = globalThis.browser ?? globalThis.chrome;
    const t0 = performance.now();
    const reply = await api.runtime.sendMessage({ type: 'popup-bg-lookup', query: 'training', filters: {}, limit: 20 });
    if (!reply?.ok) throw new Error(reply?.error);
    return performance.now() - t0;
  });
  console.log(`${BROWSER}: ${kb.provisions.length} provisions; popup typing pause ${DELAY} ms (not counted); ${RUNS} runs per query`);
  console.log(`first lookup (starts the engine if needed, builds the lookup index): ${first.toFixed(1)} ms`);
  console.log(['query'.padEnd(34), 'keys', 'trip p50', 'trip p95', 'shown p50', 'shown p95'].join('\t'));
  for (const query of [...QUERIES, pasted]) {
    const trips = [];
    const shown = [];
    for (let run = 0; run < RUNS; run += 1) {
      const times = await popup.evaluate(async ({ q, delay }) => {
        const api = globalThis.browser ?? globalThis.chrome;
        const input = /** @type {HTMLInputElement} */ (document.getElementById('query'));
        const results = document.getElementById('results');
        const out = { trips: [], shown: [] };
        for (let i = 1; i <= q.length; i += 1) {
          const prefix = q.slice(0, i);
          const t0 = performance.now();
          const reply = await api.runtime.sendMessage({ type: 'popup-bg-lookup', query: prefix, filters: {}, limit: 20 });
          if (!reply?.ok) throw new Error(reply?.error);
          out.trips.push(performance.now() - t0);
          // The popup itself: one keystroke, then its results on screen.
          const done = new Promise((resolve) => {
            const observer = new MutationObserver(() => {
              if (results.dataset.state === 'done') {
                observer.disconnect();
                resolve(performance.now());
              }
            });
            observer.observe(results, { attributes: true, attributeFilter: ['data-state'] });
          });
          input.value = prefix;
          const t1 = performance.now();
          input.dispatchEvent(new Event('input'));
          out.shown.push(/** @type {number} */ (await done) - t1 - delay);
        }
        return out;
      }, { q: query, delay: DELAY });
      trips.push(...times.trips);
      shown.push(...times.shown);
    }
    const label = query.length > 32 ? `${query.slice(0, 29)}… (pasted)` : query;
    console.log([label.padEnd(34), String(query.length).padStart(4), fmt(quantile(trips, 0.5)), fmt(quantile(trips, 0.95)),
      fmt(quantile(shown, 0.5)), fmt(quantile(shown, 0.95))].join('\t'));
  }
  await popup.close();
} finally {
  await t.close();
}
