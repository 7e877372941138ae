// termlens: the list of a page's findings as the popup's "On this page" and the side
// panel show it: the known provisions (title, platform, exposure, exact or changed),
// the provisions of the page's document that the page does not carry, and the
// detections grouped by category. Every string is set as text.

import { t } from './i18n.js';
import { el } from './dom.js';
import { groupDetections } from './export.js';

/**
 * The message naming each exposure level the engine gives a provision.
 * @type {Record<string, string>}
 */
export const EXPOSURE_LABELS = { high: 'exposureHigh', medium: 'exposureMedium', low: 'exposureLow' };

/** @typedef {import('../background/tab-status.js').ProvisionSummary & { exposure?: string }} Provision */
/** @typedef {import('../background/tab-status.js').DetectionSummary} DetectionSummary */

/**
 * What the listed provisions share (more than one, all of one platform; all of one known
 * version, matched the same way): said once above the list instead of on every row.
 * @typedef {{ platform: boolean, chip: boolean }} Shared
 * @param {Provision[]} provisions
 * @returns {Shared}
 */
export function sharedMeta(provisions) {
  const one = (/** @type {(p: Provision) => string} */ key) => provisions.length > 1 && new Set(provisions.map(key)).size === 1;
  return {
    platform: one((p) => String(p.platformName)),
    chip: one((p) => `${p.status} ${p.version}`),
  };
}

/**
 * A provision's "known wording" or "changed" chip, with the version's date.
 * @param {Provision} p
 */
function chipOf(p) {
  return el('span', `chip ${p.status}`, t(p.status === 'exact' ? 'chipExact' : 'chipChanged', p.version));
}

/**
 * The line above the list saying what every row shares (empty when nothing is shared).
 * @param {Provision[]} provisions
 * @param {Shared} shared  sharedMeta(provisions)
 * @returns {(string | HTMLElement)[]}
 */
export function commonLine(provisions, shared) {
  const first = provisions[0];
  if (!first) return [];
  return [shared.platform ? String(first.platformName) : '', ...(shared.chip ? [chipOf(first)] : [])];
}

/**
 * One known provision found on the page: a button that selects it. What `shared` says
 * is shared is left to the line above the list.
 * @param {Provision} p
 * @param {() => void} onSelect
 * @param {Shared} [shared]
 * @returns {HTMLLIElement}
 */
export function provisionItem(p, onSelect, shared = { platform: false, chip: false }) {
  const item = el('li');
  const link = /** @type {HTMLButtonElement} */ (el('button', 'provision-link'));
  link.type = 'button';
  link.dataset.provision = p.provision;
  link.append(el('span', 'title', p.title));
  const meta = el('span', 'meta', shared.platform ? '' : p.platformName);
  if (!shared.chip) meta.append(chipOf(p));
  const level = EXPOSURE_LABELS[String(p.exposure)];
  if (level) meta.prepend(el('span', `exposure-badge exposure-${p.exposure}`, t(level)));
  link.append(meta);
  link.addEventListener('click', onSelect);
  item.append(link);
  return item;
}

/**
 * A known provision of the page's document that the page does not carry: listed, not a link.
 * @param {{ title: string, version: string }} m
 * @returns {HTMLLIElement}
 */
export function missingItem(m) {
  const item = el('li', 'missing');
  item.append(el('span', 'title', m.title));
  item.append(el('span', 'meta', t('missingOnPage', m.version)));
  return item;
}

/**
 * The detections, grouped by category (the best one of each passage): a heading, then
 * one item per category with its passages, each a button that selects it.
 * @param {DetectionSummary[]} detections
 * @param {(d: DetectionSummary) => void} onSelect
 * @returns {HTMLLIElement[]}
 */
export function detectionItems(detections, onSelect) {
  if (!detections.length) return [];
  const items = [el('li', 'detected-heading', t('popupDetected'))];
  for (const group of groupDetections(detections)) {
    const item = el('li', 'detected-group');
    item.dataset.topic = group.topic;
    item.append(el('span', 'title', group.name), el('span', 'meta', t('popupDetectedCount', group.items.length)));
    const passages = el('ul', 'detected-passages');
    for (const d of group.items) {
      const link = /** @type {HTMLButtonElement} */ (el('button', 'detected-link'));
      link.type = 'button';
      link.dataset.provision = String(d.key);
      const text = String(d.text ?? '');
      link.append(el('span', 'snippet', text.length > 140 ? `${text.slice(0, 140)}\u2026` : text));
      link.addEventListener('click', () => onSelect(d));
      const li = el('li');
      li.append(link);
      passages.append(li);
    }
    item.append(passages);
    items.push(item);
  }
  return items;
}

/**
 * The line above the list: how many known provisions, in which document.
 * @param {{ phase: string, provisions: unknown[], document: { name: string } | null }} status
 */
export function findingsSummary(status) {
  if (status.phase === 'annotating') return t('readingPage');
  const n = status.provisions.length;
  if (n === 0) return t('noProvisions');
  return status.document
    ? (n === 1 ? t('foundOneIn', status.document.name) : t('foundManyIn', n, status.document.name))
    : (n === 1 ? t('foundOne') : t('foundMany', n));
}
