// What the parity tests (extract-parity.test.js, main-content.test.js) share: the
// fixture pages, the CLI, the documented line normalisation, and a page read by the
// extension's extract.js in a frame of an extension page with neither its scripts nor
// its styles (a CSP of `default-src 'none'`): what is compared is what the element
// rules decide, not what a stylesheet hides, which the CLI cannot know.

import fs from 'node:fs';
import path from 'node:path';
import { ROOT, PAGES } from './harness.js';

/** The CLI, as `bash scripts/build.sh` builds it. */
export const BIN = path.join(ROOT, 'target/release/termlens');

/** Keeps the page's scripts from running and its styles and assets from loading. */
const NOTHING = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">';

/** Every HTML page of tests/fixtures/pages, as paths relative to it, sorted. */
export const FIXTURE_PAGES = fs.readdirSync(PAGES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .flatMap((e) => fs.readdirSync(path.join(PAGES, e.name)).filter((f) => f.endsWith('.html')).map((f) => path.join(e.name, f)))
  .sort();

/** The documented normalisation: lines trimmed, empty lines dropped. */
export const lines = (/** @type {string} */ text) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/**
 * The page's HTML with the CSP meta element first in its head.
 * @param {string} html
 */
export function withoutScriptsOrStyles(html) {
  const head = /<head\b[^>]*>/i.exec(html);
  return head ? html.slice(0, head.index + head[0].length) + NOTHING + html.slice(head.index + head[0].length)
    : NOTHING + html;
}

/**
 * The first line where two line lists differ, with a little context.
 * @param {string[]} cli
 * @param {string[]} ext
 */
export function firstDifference(cli, ext) {
  let i = 0;
  while (i < cli.length && i < ext.length && cli[i] === ext[i]) i += 1;
  const show = (/** @type {string[]} */ list) => JSON.stringify(list.slice(Math.max(0, i - 1), i + 2).map((l) => l.slice(0, 160)));
  return `line ${i + 1} of ${cli.length} (CLI) / ${ext.length} (extension): CLI ${show(cli)}, extension ${show(ext)}`;
}

/**
 * Runs in an extension page: renders `source` in a frame and reads it with extract.js;
 * with `main`, also the main content the Wasm `mainRanges` keeps of it.
 * @param {{ source: string, main: boolean }} arg
 */
async function readInFrame({ source, main }) {
  const { extractText } = await import('/extension/content/extract.js');
  const frame = document.createElement('iframe');
  const loaded = new Promise((resolve) => { frame.onload = resolve; });
  frame.srcdoc = source;
  document.body.append(frame);
  await loaded;
  const body = frame.contentDocument?.body;
  if (!body) return null;
  const page = extractText(body);
  if (!main) return { text: page.text };
  const { default: init, mainRanges } = await import('/pkg/termlens.js');
  await init({ module_or_path: '/pkg/termlens_bg.wasm' });
  const ranges = mainRanges(page.text, page.outline);
  return {
    text: page.text,
    main: ranges.map((/** @type {[number, number]} */ [s, e]) => page.text.slice(s, e)).join('\n'),
    blocks: page.outline.length,
  };
}

/**
 * A page's HTML (its scripts and styles kept out) as the extension reads it: `{ text }`,
 * and with `main` also `{ main, blocks }` (the main content, the outline's entries);
 * null when the frame did not render it.
 * @param {any} session   the suite's browser session
 * @param {string} html
 * @param {{ main?: boolean }} [options]
 * @returns {Promise<{ text: string, main?: string, blocks?: number } | null>}
 */
export async function readAsExtension(session, html, { main = false } = {}) {
  const host = await session.extensionPage('extension/popup/popup.html?tab=0');
  try {
    return await host.evaluate(readInFrame, { source: withoutScriptsOrStyles(html), main });
  } finally {
    await host.close();
  }
}
