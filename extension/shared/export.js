// termlens: a page's findings as a review memo (Markdown) and as JSON.
//
// Pure functions of the tab's status and the provisions' cards: no browser API, so
// the popup builds the files and the tests read them the same way.

/** @typedef {import('../overlay/card.js').Card} Card */
/** @typedef {import('../overlay/card.js').Comparison} Comparison */

/**
 * One provision found on a page, as the background summarises it.
 * @typedef {object} Finding
 * @property {string} provision
 * @property {string} title
 * @property {string} platformName
 * @property {'exact' | 'changed'} status
 * @property {string} version
 * @property {string} [document]   the id of the provision's document
 * @property {string} [text]   the clause as the page words it
 * @property {{ op: string, text: string }[]} [diff]   known wording -> page, for changed ones
 */

/**
 * A provision of the page's own document that the page does not carry.
 * @typedef {{ provision: string, title: string, version: string }} MissingProvision
 */

/**
 * A passage that is no known provision, detected automatically as a clause category.
 * @typedef {{ topic: string, topicName: string, topics: { id: string, name: string }[],
 *   score: number, start: number, end: number, text: string }} Detected
 */

/**
 * The findings of a page with their cards, as one plain object (the JSON export).
 * @param {{ url: string, document: { id: string, name: string, platformName: string } | null,
 *   provisions: Finding[], missing?: MissingProvision[], detections?: Detected[] }} status
 * @param {Map<string, Card | null>} cards
 * @param {string} date   the review's date, YYYY-MM-DD
 * @param {Map<string, Comparison[] | null>} [comparisons]   every comparison of each
 *   provision, whole (a card holds its default list whole and names the rest); a
 *   provision without them gets its card's default list
 */
export function findingsReport(status, cards, date, comparisons = new Map()) {
  return {
    format: 1,
    generator: 'termlens',
    date,
    page: { url: status.url, document: status.document ?? mainDocument(status.provisions, cards) },
    provisions: status.provisions.map((p) => {
      const card = cards.get(p.provision) ?? null;
      return {
        provision: p.provision,
        title: p.title,
        platform: p.platformName,
        status: p.status,
        knownVersion: p.version,
        clause: p.text ?? '',
        changes: p.status === 'changed' ? (p.diff ?? []) : [],
        section: card?.section ?? '',
        sectionLabel: card?.sectionLabel ?? '',
        explanation: card?.explanation ?? '',
        whyItMatters: card?.whyItMatters ?? '',
        uncertainty: card?.uncertainty ?? '',
        compliance: card?.compliance ?? null,
        comparisons: (comparisons.get(p.provision) ?? card?.comparisons ?? []).map((c) => ({
          provision: c.provision, platform: c.platformName, title: c.title, document: c.documentName,
          section: c.section, sectionLabel: c.sectionLabel, topic: c.topicName, clause: c.clause, secondary: c.secondary === true,
        })),
      };
    }),
    // Known provisions of the page's document not found on the page, each with the
    // latest recorded version that had it.
    missing: (status.missing ?? []).map((m) => ({ provision: m.provision, title: m.title, presentInVersion: m.version })),
    // Passages termlens does not know, classified automatically (not verified).
    detections: (status.detections ?? []).map((d) => ({
      topic: d.topic, topicName: d.topicName, topics: (d.topics ?? []).map((x) => x.id), score: d.score,
      start: d.start, end: d.end, text: d.text, automatic: true,
    })),
  };
}

/**
 * The document most of the findings come from, when the page's address named none
 * (a copy of the terms elsewhere, a local file).
 * @param {Finding[]} provisions
 * @param {Map<string, Card | null>} cards
 * @returns {{ id: string, name: string, platformName: string } | null}
 */
function mainDocument(provisions, cards) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const p of provisions) if (p.document) counts.set(p.document, (counts.get(p.document) ?? 0) + 1);
  const [id] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  const card = provisions.map((p) => (p.document === id ? cards.get(p.provision) : null)).find(Boolean);
  return id && card ? { id, name: card.documentName, platformName: card.platformName } : null;
}

/** @param {ReturnType<typeof findingsReport>} report */
export function toJson(report) {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Text as a Markdown block quote (every line quoted).
 * @param {unknown} text
 */
function quote(text) {
  return String(text).split(/\r?\n/).map((line) => `> ${line.trim()}`.trimEnd()).join('\n');
}

/**
 * Markdown's inline special characters, escaped in names and titles.
 * @param {unknown} text
 */
function inline(text) {
  return String(text).replace(/([\\`*_[\]<>#|])/g, '\\$1').replace(/\s+/g, ' ').trim();
}

/**
 * The word diff as one paragraph: ~~removed~~ and **added** words.
 * @param {{ op: string, text: string }[]} diff
 */
function diffLine(diff) {
  return diff.map((d) => {
    const t = inline(d.text);
    if (!t) return '';
    return d.op === 'insert' ? `**${t}**` : d.op === 'delete' ? `~~${t}~~` : t;
  }).filter(Boolean).join(' ');
}

/**
 * The review memo: the document, the date, and for each provision its clause, the
 * explanation, what the text leaves open, the changes and the comparisons.
 * @param {ReturnType<typeof findingsReport>} report
 * @param {(key: string, ...values: (string | number)[]) => string} t   the strings (extension/shared/i18n.js)
 */
export function toMarkdown(report, t) {
  const doc = report.page.document;
  const exact = report.provisions.filter((p) => p.status === 'exact').length;
  const lines = [
    `# ${t('memoTitle', inline(doc ? doc.name : report.page.url))}`,
    '',
    `- ${t('memoPage', `<${report.page.url}>`)}`,
    `- ${t('memoDate', report.date)}`,
    `- ${t('memoCount', report.provisions.length, exact, report.provisions.length - exact)}`,
    '',
    t('memoDisclaimer'),
  ];
  report.provisions.forEach((p, i) => {
    lines.push('', `## ${i + 1}. ${inline(p.title)}`, '');
    lines.push(`${inline(p.platform)}${p.sectionLabel ? `, ${inline(p.sectionLabel)}` : ''}. ${p.status === 'exact'
      ? t('memoExact', p.knownVersion) : t('memoChanged', p.knownVersion)}`);
    if (p.clause) lines.push('', `### ${t('memoClause')}`, '', quote(p.clause));
    if (p.changes.length) lines.push('', `### ${t('memoChanges')}`, '', diffLine(p.changes));
    if (p.explanation) lines.push('', `### ${t('memoExplanation')}`, '', p.explanation);
    if (p.whyItMatters) lines.push('', `### ${t('cardWhyItMatters')}`, '', p.whyItMatters);
    if (p.uncertainty) lines.push('', `### ${t('cardLeavesOpen')}`, '', p.uncertainty);
    if (p.compliance) {
      lines.push('', `### ${t('memoExposure')}`, '', `${inline(p.compliance.exposure || t('cardUnrated'))}: ${p.compliance.exposureReason ?? ''}`.trim());
    }
    if (p.comparisons.length) {
      lines.push('', `### ${t('cardComparisons')}`);
      for (const c of p.comparisons) {
        lines.push('', `- **${inline(c.platform)}**: ${inline(c.title)} (${inline(c.document)}${c.sectionLabel ? ` ${inline(c.sectionLabel)}` : ''})${c.secondary ? t('memoSecondary') : ''}`,
          '', quote(c.clause).replace(/^/gm, '  '));
      }
    }
  });
  const missing = report.missing ?? [];
  if (missing.length) {
    lines.push('', `## ${t('memoMissing')}`, '');
    for (const m of missing) lines.push(`- ${inline(m.title)}: ${t('missingOnPage', m.presentInVersion)}`);
  }
  lines.push(...detectionLines(report.detections ?? [], t));
  return `${lines.join('\n')}\n`;
}

/**
 * Detections grouped by category (the best one of each passage), the groups in the
 * order of their first passage; the popup and the memo list them so.
 * @template {{ topic: string, topicName?: string }} D
 * @param {D[]} detections
 * @returns {{ topic: string, name: string, items: D[] }[]}
 */
export function groupDetections(detections) {
  /** @type {Map<string, { topic: string, name: string, items: D[] }>} */
  const groups = new Map();
  for (const d of detections) {
    const group = groups.get(d.topic) ?? { topic: d.topic, name: String(d.topicName || d.topic), items: [] };
    group.items.push(d);
    groups.set(d.topic, group);
  }
  return [...groups.values()];
}

/**
 * The memo's section of detections, grouped by category (groupDetections).
 * @param {{ topic: string, topicName: string, text: string }[]} detections
 * @param {(key: string, ...values: (string | number)[]) => string} t
 * @returns {string[]}
 */
function detectionLines(detections, t) {
  if (!detections.length) return [];
  const lines = ['', `## ${t('memoDetections')}`, '', t('memoDetectionsNote')];
  for (const group of groupDetections(detections)) {
    lines.push('', `### ${inline(group.name)}`);
    for (const d of group.items) lines.push('', quote(d.text));
  }
  return lines;
}
