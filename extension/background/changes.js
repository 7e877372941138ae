// termlens background: what changed in a page, once per visit.
//
// At the first annotation of a page (the annotator asks with `changes: true`), the page's
// text is compared, in one pass of the engine (`diffAndSnapshot`), with
//   - the snapshot stored at the reader's previous visit of the same URL (query and
//     fragment dropped), or, on a first visit,
//   - the fingerprint termlens ships for the document the page is (pkg/fingerprints/,
//     the latest recorded version; fetched from the extension itself, only then),
// and the page's new snapshot replaces the stored one. Only the page's main content is
// compared and kept: the engine finds it from the page's outline (src/extract/main_content.rs),
// so the site's menus, header, footer and cookie banner never show as changes. "Since your last visit" is thus
// since the previous visit: a visit with no change shows nothing.
//
// The engine decides what the page shows (src/diff/known.rs: whether a page is the known
// document, its header and footer, the caps) and names the fingerprint file; this module
// loads, stores and carries the answer.
//
// Everything stays in storage.local (see ../shared/snapshots.js); nothing is sent anywhere.

import { diffAndSnapshot, fingerprintFile } from '../../pkg/termlens.js';
import { withEngine } from './engine.js';
import { api, errorMessage, logFailure } from '../shared/runtime.js';
import * as snapshots from '../shared/snapshots.js';

/**
 * Storage writes of snapshots, one at a time (two tabs may finish together).
 * @type {Promise<unknown>}
 */
let queue = Promise.resolve();

/** @type {Map<string, Promise<string | null>>} fingerprint JSON by document id */
const fingerprints = new Map();

/**
 * The fingerprint of a known document (null if termlens ships none).
 * @param {string} document
 */
async function fingerprint(document) {
  let pending = fingerprints.get(document);
  if (!pending) {
    const file = await withEngine(() => fingerprintFile(document));
    pending = file
      ? fetch(api.runtime.getURL(`pkg/fingerprints/${file}`)).then((r) => (r.ok ? r.text() : null)).catch(logFailure('fingerprint', null))
      : Promise.resolve(null);
    fingerprints.set(document, pending);
  }
  return pending;
}

/**
 * @typedef {import('../../pkg/termlens.js').Changes} Changes
 * @typedef {import('../../pkg/termlens.js').Visit} Visit
 */

/**
 * Compares the page with its stored snapshot (or its document's fingerprint), stores
 * the new snapshot, and returns what changed (null when there is nothing to compare
 * with, or nothing changed).
 * @param {{ text: string, url: string, pageDocument: string | null, keep?: boolean, outline?: import('../../pkg/termlens.js').OutlineBlock[] }} page
 *   `keep: false`: compared with the document's fingerprint only, nothing stored; `outline`:
 *   the page's outline from extract.js (none: the whole text is compared)
 * @param {(problem: string) => Promise<void>} report an error line for the tab's status
 * @returns {Promise<Changes | null>}
 */
export function changesOf(page, report) {
  const run = queue.then(() => compare(page, report));
  // A failed run is its caller's to report (it gets `run`); the queue only waits for it.
  // eslint-disable-next-line no-restricted-syntax
  queue = run.catch(() => {});
  return run;
}

/**
 * @param {{ text: string, url: string, pageDocument: string | null, keep?: boolean, outline?: import('../../pkg/termlens.js').OutlineBlock[] }} page
 * @param {(problem: string) => Promise<void>} report
 * @returns {Promise<Changes | null>}
 */
async function compare(page, report) {
  const key = snapshots.pageKey(page.url);
  if (!key) return null;
  const area = api.storage.local;
  // A snapshot is at most about the page's text: a text twice the per-page limit cannot
  // be kept, and is not compared either (the huge-page robustness fixture: 3 MB).
  if (page.text.length > 2 * snapshots.BUDGET.perPage) {
    await snapshots.skip(area, key);
    return null;
  }
  const keep = page.keep !== false;
  const stored = keep ? await snapshots.load(area, key) : { record: null };
  if (stored.problem) {
    await snapshots.setAside(area, key, stored.found, stored.problem);
    await report(`snapshot of ${key} set aside: ${stored.problem}`);
  }
  /** @type {'visit' | 'known'} */
  let source = 'visit';
  let previous = stored.record?.snapshot;
  if (!stored.record && page.pageDocument) {
    previous = (await fingerprint(page.pageDocument)) ?? undefined;
    source = 'known';
  }
  const date = new Date().toISOString();
  /** @type {Visit} */
  const out = await withEngine(() => diffAndSnapshot(previous, page.text, date, source, page.outline), 'changes');
  if (out.problem) {
    if (source === 'visit') {
      await snapshots.setAside(area, key, stored.record, out.problem);
      await report(`snapshot of ${key} set aside: ${out.problem}`);
    } else {
      await report(`fingerprint of ${page.pageDocument}: ${out.problem}`);
    }
  }
  if (keep) {
    try {
      await snapshots.save(area, key, out.snapshot, date, { known: page.pageDocument !== null });
    } catch (error) {
      await report(`snapshot of ${key} not stored: ${errorMessage(error)}`);
    }
  }
  return out.changes ?? null;
}
