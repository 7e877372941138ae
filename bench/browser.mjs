// Browser benchmark: the built extension in headless Chromium (Debian's), on the
// largest real pages, N page loads each. Prints the median of each stage the
// content script reports (text extraction, engine call through the background,
// highlight building) and the total from extraction start to highlights drawn.
//
//   bash scripts/build.sh && node bench/browser.mjs [--runs N] [--browser chromium|firefox]
//
// The AWS Service Terms have no HTML snapshot in the corpus; they are rendered from
// the newest Markdown version by `cargo run --release --example md_to_html`.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { launch, ROOT, CORPUS } from '../tests/browser/harness.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const RUNS = Number(opt('--runs', '10'));
const BROWSER = opt('--browser', 'chromium');

const mdToHtml = (rel) => execFileSync(path.join(ROOT, 'target/release/examples/md_to_html'), [path.join(CORPUS, rel)], {
  encoding: 'utf8', maxBuffer: 64 << 20,
});
execFileSync('cargo', ['build', '--release', '--quiet', '--example', 'md_to_html'], { cwd: ROOT, stdio: 'inherit' });

const pages = {
  '/aws/service-terms/': { label: 'AWS Service Terms 2026-08-21 (from Markdown)', html: mdToHtml('aws/service-terms/2026-08-21.md') },
  '/meta/legal/terms-of-service': {
    label: 'Meta Llama API terms 2026-08-22 (snapshot)',
    html: fs.readFileSync(path.join(CORPUS, 'meta/llama-api-terms-of-service/2026-08-22--legal-terms-of-service.html'), 'utf8'),
  },
  '/microsoft/servicesagreement/': {
    label: 'Microsoft Services Agreement 2026-08-22 (snapshot)',
    html: fs.readFileSync(path.join(CORPUS, 'microsoft/services-agreement/2026-08-22.html'), 'utf8'),
  },
  '/legal/commercial-terms': { label: 'Anthropic Commercial Terms 2026-08-20 (snapshot)' },
};
const routes = Object.fromEntries(Object.entries(pages).filter(([, p]) => p.html).map(([k, p]) => [k, { html: () => p.html }]));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const t = await launch(BROWSER, { routes });
try {
  console.log(`${BROWSER}, ${RUNS} loads per page, medians in ms`);
  console.log(['page'.padEnd(52), 'chars', 'found', 'extract', 'engine', 'highlight', 'total'].join('\t'));
  for (const [route, p] of Object.entries(pages)) {
    const rows = [];
    let found = 0;
    for (let i = 0; i < RUNS; i += 1) {
      const page = await t.session.open(t.server.url(route));
      const tabId = await t.session.tabId(page.url);
      const s = await t.session.settled(tabId, 60_000);
      if (s.status.timings) rows.push(s.status.timings);
      found = s.status.count;
      await page.close();
    }
    if (!rows.length) {
      console.log(`${p.label.padEnd(52)}\tno timings (phase never reached done)`);
      continue;
    }
    const m = (k) => median(rows.map((r) => r[k])).toFixed(1);
    console.log([p.label.padEnd(52), rows[0].characters, found, m('extract'), m('engine'), m('highlight'), m('total')].join('\t'));
  }
} finally {
  await t.close();
}
