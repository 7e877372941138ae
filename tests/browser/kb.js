// What the browser tests expect, read from the knowledge-base sources (data/*.toml)
// and the corpus, never from what the engine produced.
//
// The TOML reader below handles the subset the knowledge base uses: comments,
// [table], [[array.of.tables]], and `key = value` with basic / literal strings (also
// multi-line), arrays (also multi-line), integers and booleans.

import fs from 'node:fs';
import path from 'node:path';

/**
 * Parses the TOML subset of the knowledge base.
 * @param {string} source
 * @param {string} file for error messages
 */
export function parseToml(source, file = 'toml') {
  const root = {};
  let table = root;
  let i = 0;
  let line = 1;
  const fail = (what) => { throw new Error(`${file}:${line}: ${what}`); };
  const peek = (s) => source.startsWith(s, i);
  const skipSpace = (newlines) => {
    for (;;) {
      const c = source[i];
      if (c === ' ' || c === '\t' || c === '\r') i += 1;
      else if (newlines && c === '\n') { i += 1; line += 1; }
      else if (c === '#') { while (i < source.length && source[i] !== '\n') i += 1; }
      else return;
    }
  };
  const key = () => {
    const parts = [];
    for (;;) {
      skipSpace(false);
      if (source[i] === '"') parts.push(string());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(source.slice(i, i + 200));
        if (!m) fail('expected a key');
        parts.push(m[0]);
        i += m[0].length;
      }
      skipSpace(false);
      if (source[i] !== '.') return parts;
      i += 1;
    }
  };
  const escapes = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
  const string = () => {
    const multi = peek('"""') || peek("'''");
    const literal = source[i] === "'";
    const quote = multi ? source.slice(i, i + 3) : source[i];
    i += quote.length;
    if (multi && source[i] === '\n') { i += 1; line += 1; }
    let out = '';
    for (;;) {
      if (i >= source.length) fail('unterminated string');
      if (peek(quote)) { i += quote.length; return out; }
      const c = source[i];
      if (c === '\n') { if (!multi) fail('newline in string'); line += 1; }
      if (c === '\\' && !literal) {
        const e = source[i + 1];
        if (e === 'u' || e === 'U') {
          const n = e === 'u' ? 4 : 8;
          out += String.fromCodePoint(parseInt(source.slice(i + 2, i + 2 + n), 16));
          i += 2 + n;
        } else if (multi && (e === '\n' || e === ' ' || e === '\r')) {
          i += 1;
          while (/\s/.test(source[i])) { if (source[i] === '\n') line += 1; i += 1; }
        } else {
          if (!(e in escapes)) fail(`bad escape \\${e}`);
          out += escapes[e];
          i += 2;
        }
        continue;
      }
      out += c;
      i += 1;
    }
  };
  const value = () => {
    skipSpace(false);
    const c = source[i];
    if (c === '"' || c === "'") return string();
    if (c === '[') {
      i += 1;
      const items = [];
      for (;;) {
        skipSpace(true);
        if (source[i] === ']') { i += 1; return items; }
        items.push(value());
        skipSpace(true);
        if (source[i] === ',') i += 1;
        else if (source[i] !== ']') fail('expected , or ] in array');
      }
    }
    const m = /^(true|false|[+-]?\d[\d_]*(\.\d+)?)/.exec(source.slice(i, i + 40));
    if (!m) fail('unsupported value');
    i += m[0].length;
    if (m[0] === 'true' || m[0] === 'false') return m[0] === 'true';
    return Number(m[0].replace(/_/g, ''));
  };
  const descend = (parts, arrayLast) => {
    let t = root;
    parts.forEach((p, k) => {
      const last = k === parts.length - 1;
      if (last && arrayLast) {
        (t[p] ??= []).push({});
        t = t[p][t[p].length - 1];
      } else {
        t[p] ??= {};
        t = Array.isArray(t[p]) ? t[p][t[p].length - 1] : t[p];
      }
    });
    return t;
  };
  for (;;) {
    skipSpace(true);
    if (i >= source.length) return root;
    if (peek('[[')) {
      i += 2;
      const parts = key();
      if (!peek(']]')) fail('expected ]]');
      i += 2;
      table = descend(parts, true);
    } else if (peek('[')) {
      i += 1;
      const parts = key();
      if (!peek(']')) fail('expected ]');
      i += 1;
      table = descend(parts, false);
    } else {
      const parts = key();
      if (source[i] !== '=') fail('expected =');
      i += 1;
      let t = table;
      for (const p of parts.slice(0, -1)) t = t[p] ??= {};
      t[parts[parts.length - 1]] = value();
    }
  }
}

/** List markers such as (a), (iv), 3.: the engine ignores them, and so do these checks. */
const MARKER = /^(?:[a-z]|[ivx]+|\d+)$/;

/** Words of a text as the engine compares them: case, punctuation, quotes and list markers ignored. */
export function words(text) {
  return String(text)
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u00ad\u200b]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w && !MARKER.test(w));
}

/**
 * Whether `needle`'s words all occur in `haystack`'s words, in order (list numbering
 * and other extra words in between are allowed).
 */
export function containsWordsInOrder(haystack, needle) {
  const h = words(haystack);
  let k = 0;
  for (const w of words(needle)) {
    while (k < h.length && h[k] !== w) k += 1;
    if (k === h.length) return false;
    k += 1;
  }
  return true;
}

/**
 * The share of `needle`'s words found in `haystack` in the same order (longest common
 * subsequence of words). A changed clause's highlight may start or end a word inside
 * the quote, where the alignment stops at the first or last word that still matches.
 */
export function wordsCovered(haystack, needle) {
  const h = words(haystack);
  const n = words(needle);
  let previous = new Array(h.length + 1).fill(0);
  for (const w of n) {
    const row = [0];
    for (let j = 1; j <= h.length; j += 1) {
      row[j] = w === h[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], row[j - 1]);
    }
    previous = row;
  }
  return n.length ? previous[h.length] / n.length : 0;
}

/** The knowledge base and the corpus, as the tests read them. */
export class KnowledgeBase {
  /**
   * @param {string} data the knowledge-base sources (data/)
   * @param {string} corpus shared/corpus
   */
  constructor(data, corpus) {
    this.corpus = corpus;
    this.platforms = parseToml(fs.readFileSync(path.join(data, 'platforms.toml'), 'utf8'), 'platforms.toml').platform ?? [];
    this.topics = parseToml(fs.readFileSync(path.join(data, 'topics.toml'), 'utf8'), 'topics.toml').topic ?? [];
    this.provisions = [];
    for (const file of fs.readdirSync(path.join(data, 'provisions')).filter((f) => f.endsWith('.toml')).sort()) {
      const parsed = parseToml(fs.readFileSync(path.join(data, 'provisions', file), 'utf8'), file);
      this.provisions.push(...(parsed.provision ?? []));
    }
  }

  /** @param {string} id */
  provision(id) {
    const p = this.provisions.find((x) => x.id === id);
    if (!p) throw new Error(`no provision ${id} in data/provisions`);
    return p;
  }

  /** @param {string} id a document id such as "anthropic/commercial-terms" */
  document(id) {
    for (const platform of this.platforms) {
      for (const doc of platform.document ?? []) if (doc.id === id) return { ...doc, platform };
    }
    throw new Error(`no document ${id} in data/platforms.toml`);
  }

  /** @param {{ document: string }} provision */
  platformOf(provision) {
    return this.document(provision.document).platform;
  }

  /**
   * The recorded version (a "<date>.md" of the document's corpus folders) that was in
   * force on `date`: the newest one not after it.
   */
  versionOn(documentId, date) {
    const dates = [];
    for (const folder of this.document(documentId).corpus ?? []) {
      const dir = path.join(this.corpus, folder);
      if (!fs.existsSync(dir)) continue;
      for (const f of fs.readdirSync(dir)) {
        const m = /^(\d{4}-\d{2}-\d{2})(-\d+)?\.md$/.exec(f);
        if (m) dates.push(m[1]);
      }
    }
    return dates.filter((d) => d <= date).sort().pop() ?? null;
  }

  /**
   * The provisions of a document that a snapshot taken on `date` must show with their
   * exact wording: those with a wording recorded in the version then in force.
   * @returns {{ provision: any, wording: { text: string, versions: string[] }, version: string }[]}
   */
  expectedOn(documentId, date) {
    const version = this.versionOn(documentId, date);
    if (!version) return [];
    const out = [];
    for (const p of this.provisions) {
      if (p.document !== documentId) continue;
      const wording = (p.wording ?? []).find((w) => (w.versions ?? []).includes(version));
      if (wording) out.push({ provision: p, wording, version });
    }
    return out;
  }

  /** The provisions of other platforms that share a topic with `id` (the card's comparisons). */
  comparisons(id) {
    const p = this.provision(id);
    const platform = this.platformOf(p).id;
    return this.provisions.filter((o) => this.platformOf(o).id !== platform
      && (o.topics ?? []).some((t) => (p.topics ?? []).includes(t)));
  }
}

/** Escapes text for an HTML page. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/**
 * A terms page holding a provision's newest wording with one word replaced, as a
 * vendor's edit would: the engine must report it as `changed` and point at the word.
 * Two other clauses of the same document stand unchanged around it, so that the page
 * is recognisably that document (the engine reports changed wording only for the
 * page's own document).
 * @param {KnowledgeBase} kb
 * @param {string} id
 * @param {string} replacement a word the wording does not contain
 */
export function changedClausePage(kb, id, replacement) {
  const provision = kb.provision(id);
  const siblings = kb.provisions.filter((p) => p.document === provision.document && p.id !== id).slice(0, 2);
  if (siblings.length < 2) throw new Error(`${provision.document} needs two other provisions`);
  const text = provision.wording[0].text;
  const tokens = text.split(' ');
  // The first word of 6+ letters past the middle: far from both ends of the clause.
  let k = Math.floor(tokens.length / 2);
  while (k < tokens.length && !/^[A-Za-z]{6,}$/.test(tokens[k])) k += 1;
  if (k === tokens.length) throw new Error(`no word to replace in ${id}`);
  if (words(text).includes(replacement.toLowerCase())) throw new Error(`${id} already says "${replacement}"`);
  const original = tokens[k];
  tokens[k] = replacement;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Terms of Service</title></head>
<body><h1>Terms of Service</h1><p>These terms were edited by the vendor.</p>
<p>${escapeHtml(siblings[0].wording[0].text)}</p>
<p>${escapeHtml(tokens.join(' '))}</p>
<p>${escapeHtml(siblings[1].wording[0].text)}</p></body></html>`;
  return { html, original, replacement, text: tokens.join(' '), siblings: siblings.map((p) => p.id) };
}
