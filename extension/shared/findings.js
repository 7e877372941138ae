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
 * One known provision found on the page: a button that selects it.
 * @param {Provision} p
 * @param {() => void} onSelect
 * @returns {HTMLLIElement}
 */
export function provisionItem(p, onSelect) {
  const item = el('li');
  const link = /** @type {HTMLButtonElement} */ (el('button', 'provision-link'));
  link.type = 'button';
  link.dataset.provision = p.provision;
  link.append(el('span', 'title', p.title));
  const meta = el('span', 'meta', p.platformName);
  meta.append(el('span', `chip ${p.status}`, t(p.status === 'exact' ? 'chipExact' : 'chipChanged', p.version)));
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
