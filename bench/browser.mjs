// What the browser benchmarks share (bench/*.mjs): their command-line options, the benchmark's
// pages, the extension folders of the synthetic knowledge bases, Chromium with the
// extension loaded, and the median. Generated inputs go to target/bench/ (never committed).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, CORPUS, DIST, waitFor, launchChromiumWith } from '../tests/browser/harness.js';

/**
 * The value after `name` on the command line, else `fallback`.
 * @template T
 * @param {string} name
 * @param {T} fallback
 * @returns {string | T}
 */
export function option(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
}

export const OUT = path.join(ROOT, 'target/bench');
fs.mkdirSync(OUT, { recursive: true });

const release = (example) => path.join(ROOT, 'target/release/examples', example);

/** Builds the Rust examples `names` (release). */
export const buildExamples = (...names) => execFileSync('cargo', ['build', '--release', '--quiet', ...names.flatMap((n) => ['--example', n])], { cwd: ROOT, stdio: 'inherit' });

/** A corpus snapshot's text, by its path under the corpus. */
export const snapshot = (rel) => fs.readFileSync(path.join(CORPUS, rel), 'utf8');

/** The body of `html` repeated `n` times (one document, n copies of its content). */
function repeated(html, n) {
  const open = html.search(/<body[^>]*>/i);
  const close = html.lastIndexOf('</body>');
  const head = html.slice(0, open + html.slice(open).indexOf('>') + 1);
  const body = html.slice(head.length, close);
  return `${head}${Array.from({ length: n }, () => body).join('\n')}</body></html>`;
}

/**
 * The benchmark's pages whose key is in `wanted` (every page when it is empty): the AWS
 * Service Terms rendered from their Markdown (examples/md_to_html.rs, built here when an
 * AWS page is wanted) and repeated to 1 MB and 5 MB, and three corpus snapshots.
 * @param {string[]} wanted
 * @returns {{ key: string, route: string, label: string, html: () => string }[]}
 */
export function benchPages(wanted) {
  const want = (key) => !wanted.length || wanted.includes(key);
  let aws = '';
  if (['aws', 'aws-1mb', 'aws-5mb'].some(want)) {
    buildExamples('md_to_html');
    aws = execFileSync(release('md_to_html'), [path.join(CORPUS, 'aws/service-terms/2026-08-21.md')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    fs.writeFileSync(path.join(OUT, 'aws-service-terms.html'), aws);
  }
  const all = [
    { key: 'aws', route: '/aws/service-terms/', label: 'AWS Service Terms 2026-08-21 (from Markdown)', html: aws },
    { key: 'microsoft', route: '/microsoft/servicesagreement/', label: 'Microsoft Services Agreement 2026-08-22', html: snapshot('microsoft/services-agreement/2026-08-22.html') },
    { key: 'mistral', route: '/mistral/terms/consumer-terms', label: 'Mistral consumer terms 2026-08-21', html: snapshot('mistral/consumer-terms/2026-08-21--vibe-terms-eu-consumers-terms-of-service.html') },
    { key: 'meta', route: '/meta/legal/terms-of-service', label: 'Meta Llama API terms 2026-08-22', html: snapshot('meta/llama-api-terms-of-service/2026-08-22--legal-terms-of-service.html') },
    // 4 copies: 1.2 M characters; 16 copies: 4.8 M (annotator.js refuses more than 5 M).
    { key: 'aws-1mb', route: '/aws/service-terms/x4', label: 'AWS Service Terms x4 (1 MB)', html: repeated(aws, 4) },
    { key: 'aws-5mb', route: '/aws/service-terms/x16', label: 'AWS Service Terms x16 (5 MB)', html: repeated(aws, 16) },
  ];
  return all.filter((p) => want(p.key)).map((p) => ({ ...p, html: () => p.html }));
}

/**
 * A copy of dist/termlens whose knowledge base is a synthetic one of `provisions`
 * provisions (examples/bench_synth_kb.rs, built by the caller), with its compiled index
 * and card store made as scripts/build.sh makes them from kb.json.
 * @param {string} provisions
 */
export function syntheticExtension(provisions) {
  const dir = path.join(OUT, `dist-kb-${provisions}`);
  const json = path.join(OUT, `kb-${provisions}.json`);
  execFileSync(release('bench_synth_kb'), ['--provisions', provisions, '--kb', path.join(DIST, 'pkg/kb.json'), '--out', json], { stdio: 'inherit' });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(DIST, dir, { recursive: true });
  fs.copyFileSync(json, path.join(dir, 'pkg/kb.json'));
  execFileSync(path.join(ROOT, 'target/release/termlens'), ['kb', 'binary', '--kb', json, '--out', path.join(dir, 'pkg')], { stdio: 'inherit' });
  return dir;
}

/** Chromium with the extension at `dir` (harness.js launchChromiumWith: the tests' flags), its id and helpers. */
export async function launchChromium(dir, proxyPort) {
  const { context, profile } = await launchChromiumWith(dir, proxyPort);
  let [worker] = context.serviceWorkers();
  worker ??= await context.waitForEvent('serviceworker', { timeout: 15_000 });
  const id = new URL(worker.url()).host;
  const control = await context.newPage();
  await control.goto(`chrome-extension://${id}/extension/popup/popup.html`);
  const inExtension = (fn, arg) => control.evaluate(fn, arg);
  const tabId = (url) => waitFor(() => inExtension(async (wanted) => {
    const api = globalThis.chrome;
    for (const tab of await api.tabs.query({})) {
      try {
        const reply = await api.tabs.sendMessage(tab.id, { type: 'bg-cs-status' }, { frameId: 0 });
        if (reply?.ok && reply.value.url === wanted) return tab.id;
      } catch {
        // No content script in that tab.
      }
    }
    return null;
  }, url), `the tab of ${url}`, { timeout: 20_000, interval: 100 });
  const status = (tab) => inExtension(async (t) => {
    const reply = await globalThis.chrome.runtime.sendMessage({ type: 'popup-bg-status', tabId: t });
    if (!reply?.ok) throw new Error(reply?.error ?? 'no reply');
    return reply.value;
  }, tab);
  const settled = (tab) => waitFor(async () => {
    const s = await status(tab);
    return s.status && (s.status.phase === 'done' || s.status.phase === 'failed') ? s : null;
  }, `termlens to finish on tab ${tab}`, { timeout: 180_000, interval: 50 });
  return {
    context, id, inExtension, tabId, status, settled,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The median of the finite numbers of `xs` (the upper one of an even count), or null. */
export const median = (xs) => {
  const s = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};
