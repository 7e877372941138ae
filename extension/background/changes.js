// termlens background: what changed in a page, once per visit.
//
// At the first annotation of a page (the annotator asks with `changes: true`), the page's
// text is compared, in one pass of the engine (`diffAndSnapshot`), with
//   - the snapshot stored at the reader's previous visit of the same URL (query and
//     fragment dropped), or, on a first visit,
//   - the fingerprint termlens ships for the document the page is (pkg/fingerprints/,
//     the latest recorded version; fetched from the extension itself, only then),
// and the page's new snapshot replaces the stored one. "Since your last visit" is thus
// since the previous visit: a visit with no change shows nothing.
//
// Everything stays in storage.local (see ../shared/snapshots.js); nothing is sent anywhere.

import { diffAndSnapshot } from '../../pkg/termlens.js';
import { withEngine } from './engine.js';
import { api, errorMessage, logFailure } from '../shared/runtime.js';
import * as snapshots from '../shared/snapshots.js';

/** Changes listed at most (the panel's list; the counts are always whole). */
const MAX_CHANGES = 500;
/** Longest text of one change sent to the page (UTF-16 units). */
const MAX_CHANGE_TEXT = 4_000;
/**
 * A page compared with a fingerprint counts as that document when at least this share
 * of the fingerprint's paragraphs is found unchanged in it (a page that only quotes the
 * document is not "a different version" of it).
 */
const SAME_DOCUMENT_SHARE = 0.5;

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
function fingerprint(document) {
  if (!/^[a-z0-9-]+(\/[a-z0-9-]+)*$/.test(document)) return Promise.resolve(null);
  let pending = fingerprints.get(document);
  if (!pending) {
    const url = api.runtime.getURL(`pkg/fingerprints/${document.replaceAll('/', '--')}.json`);
    pending = fetch(url).then((r) => (r.ok ? r.text() : null)).catch(logFailure('fingerprint', null));
    fingerprints.set(document, pending);
  }
  return pending;
}

/**
 * @typedef {{ kind: string, text: string, start?: number, end?: number, anchor?: number,
 *   words?: { op: string, text: string }[], highlights?: { start: number, end: number }[] }} PageChange
 * @typedef {{ source: 'visit' | 'known', since: string, changes: PageChange[],
 *   summary: Record<string, number>, truncated: boolean }} Changes
 */

/**
 * Compares the page with its stored snapshot (or its document's fingerprint), stores
 * the new snapshot, and returns what changed (null when there is nothing to compare
 * with, or nothing changed).
 * @param {{ text: string, url: string, pageDocument: string | null, keep?: boolean }} page
 *   `keep: false`: compared with the document's fingerprint only, nothing stored
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
 * @param {{ text: string, url: string, pageDocument: string | null, keep?: boolean }} page
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
  /** @type {{ diff: any, snapshot: string, problem: string | null }} */
  const out = await withEngine(() => diffAndSnapshot(previous, page.text, date), 'changes');
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
  const diff = out.diff;
  if (!diff) return null;
  /** @type {PageChange[]} */
  let changes = Array.isArray(diff.changes) ? diff.changes : [];
  const summary = { ...diff.summary };
  if (source === 'known') {
    if (diff.summary.unchanged < diff.summary.oldParagraphs * SAME_DOCUMENT_SHARE) return null;
    // Before the first and after the last paragraph found unchanged: the site's header
    // and footer, which the recorded version does not have.
    const span = diff.unchangedSpan;
    if (span) {
      changes = changes.filter((c) => c.kind !== 'inserted' || (Number(c.start) >= span.start && Number(c.end) <= span.end));
      summary.inserted = changes.filter((c) => c.kind === 'inserted').length;
    }
  }
  if (!changes.length) return null;
  return {
    source,
    since: String(diff.since ?? ''),
    changes: changes.slice(0, MAX_CHANGES).map((c) => ({
      ...c,
      text: String(c.text ?? '').slice(0, MAX_CHANGE_TEXT),
      words: (c.words ?? []).map((w) => ({ op: String(w.op), text: String(w.text ?? '').slice(0, MAX_CHANGE_TEXT) })),
    })),
    summary,
    truncated: changes.length > MAX_CHANGES,
  };
}
