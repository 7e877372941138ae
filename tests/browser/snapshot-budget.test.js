// The snapshots' storage budgets (extension/shared/snapshots.js), in node over an
// in-memory storage area: one site storing many large pages evicts only its own, and the
// known documents' snapshots are kept ahead of the others. No browser is needed: the
// module takes the storage area as an argument.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as snapshots from '../../extension/shared/snapshots.js';

/** A storage.local look-alike: get(null | key | keys), set, remove. */
function memoryArea() {
  /** @type {Map<string, unknown>} */
  const data = new Map();
  const copy = (/** @type {unknown} */ v) => (v === undefined ? v : structuredClone(v));
  return {
    data,
    async get(/** @type {null | string | string[]} */ keys) {
      const wanted = keys === null ? [...data.keys()] : Array.isArray(keys) ? keys : [keys];
      return Object.fromEntries(wanted.filter((k) => data.has(k)).map((k) => [k, copy(data.get(k))]));
    },
    async set(/** @type {Record<string, unknown>} */ items) {
      for (const [k, v] of Object.entries(items)) data.set(k, copy(v));
    },
    async remove(/** @type {string | string[]} */ keys) {
      for (const k of Array.isArray(keys) ? keys : [keys]) data.delete(k);
    },
  };
}

/** A snapshot-like string of `n` characters. */
const text = (/** @type {number} */ n) => 'x'.repeat(n);

let clock = Date.parse('2026-01-01T00:00:00Z');
/** Visit dates, one second apart, in call order. */
const nextDate = () => new Date((clock += 1000)).toISOString();

/** The keys of the pages still stored (records and index agree). */
async function storedKeys(area) {
  const listed = (await snapshots.summary(area)).pages.map((p) => p.url).sort();
  const records = [...area.data.keys()].filter((k) => k.startsWith('termlensSnapshot:')).map((k) => k.slice('termlensSnapshot:'.length)).sort();
  assert.deepEqual(records, listed);
  return listed;
}

describe('snapshot storage budgets', () => {
  it('many large pages under one site evict only that site\'s own pages', async () => {
    const area = memoryArea();
    const known = 'https://www.anthropic.com/legal/commercial-terms';
    const other = 'https://victim.example/terms';
    await snapshots.save(area, known, text(300_000), nextDate(), { known: true });
    await snapshots.save(area, other, text(100_000), nextDate());
    // Five pages of 900 K characters under one site's /terms/ paths (the eviction attack).
    for (let i = 0; i < 5; i += 1) {
      const out = await snapshots.save(area, `http://evil.example/terms/${i}`, text(900_000), nextDate());
      assert.equal(out.stored, true);
      assert.ok(out.evicted.every((k) => k.startsWith('http://evil.example/')), JSON.stringify(out.evicted));
    }
    const kept = await storedKeys(area);
    assert.ok(kept.includes(known) && kept.includes(other), JSON.stringify(kept));
    // The site kept no more than its share.
    const evil = (await snapshots.summary(area)).pages.filter((p) => p.url.startsWith('http://evil.example/'));
    assert.ok(evil.reduce((n, p) => n + p.size, 0) <= snapshots.BUDGET.perSite.size);
    assert.deepEqual(evil.map((p) => p.url), ['http://evil.example/terms/4']);
  });

  it('subdomains of one site share its budget', async () => {
    const area = memoryArea();
    const other = 'https://victim.example/terms';
    await snapshots.save(area, other, text(100_000), nextDate());
    for (let i = 0; i < 8; i += 1) await snapshots.save(area, `https://a${i}.evil.example/terms`, text(900_000), nextDate());
    const kept = await storedKeys(area);
    assert.ok(kept.includes(other));
    assert.equal(kept.filter((k) => k.includes('evil.example')).length, 1);
  });

  it('many small pages under one site stop at its page share', async () => {
    const area = memoryArea();
    const other = 'https://victim.example/terms';
    await snapshots.save(area, other, text(1_000), nextDate());
    for (let i = 0; i < snapshots.BUDGET.perSite.pages + 20; i += 1) {
      await snapshots.save(area, `https://evil.example/terms/${i}`, text(1_000), nextDate());
    }
    const kept = await storedKeys(area);
    assert.ok(kept.includes(other));
    assert.equal(kept.filter((k) => k.includes('evil.example')).length, snapshots.BUDGET.perSite.pages);
  });

  it('when many sites fill the whole budget, the known documents are kept and the largest sites go first', async () => {
    const area = memoryArea();
    const known = 'https://aws.amazon.com/service-terms/';
    const small = 'https://small.example/terms';
    await snapshots.save(area, known, text(400_000), nextDate(), { known: true });
    await snapshots.save(area, small, text(50_000), nextDate());
    for (let i = 0; i < 12; i += 1) await snapshots.save(area, `https://evil${i}.example/terms`, text(900_000), nextDate());
    const s = await snapshots.summary(area);
    const kept = await storedKeys(area);
    assert.ok(kept.includes(known), JSON.stringify(kept));
    assert.ok(kept.includes(small), JSON.stringify(kept));
    assert.ok(s.size <= snapshots.BUDGET.size);
    assert.ok(s.evicted > 0);
  });

  it('known documents go only after every other page', async () => {
    const area = memoryArea();
    const knownPages = [0, 1, 2].map((i) => `https://vendor${i}.example/terms`);
    for (const k of knownPages) await snapshots.save(area, k, text(900_000), nextDate(), { known: true });
    // Other sites' pages visited later fill the rest: they are evicted first.
    for (let i = 0; i < 6; i += 1) await snapshots.save(area, `https://site${i}.example/terms`, text(500_000), nextDate());
    const kept = await storedKeys(area);
    for (const k of knownPages) assert.ok(kept.includes(k), `${k} kept: ${JSON.stringify(kept)}`);
  });

  it('forgetting one page removes that page\'s snapshot only', async () => {
    const area = memoryArea();
    const pages = ['https://a.example/terms', 'https://a.example/privacy', 'https://b.example/terms'];
    for (const p of pages) await snapshots.save(area, p, text(2_000), nextDate());
    const before = await snapshots.summary(area);
    assert.equal(await snapshots.forget(area, pages[1]), true);
    assert.deepEqual(await storedKeys(area), [pages[0], pages[2]].sort());
    for (const p of [pages[0], pages[2]]) assert.equal((await snapshots.load(area, p)).record?.snapshot, text(2_000), `${p} kept as it was`);
    const after = await snapshots.summary(area);
    assert.equal(after.evicted, before.evicted, 'forgetting is not counted as an eviction');
    assert.equal(await snapshots.forget(area, pages[1]), false, 'nothing left to forget');
    assert.deepEqual(await storedKeys(area), [pages[0], pages[2]].sort());
  });

  it('the site of a page key', () => {
    assert.equal(snapshots.siteOfKey('https://www.anthropic.com/legal'), 'anthropic.com');
    assert.equal(snapshots.siteOfKey('https://a.b.example.co.uk/x'), 'example.co.uk');
    assert.equal(snapshots.siteOfKey('http://127.0.0.1:8080/terms'), '127.0.0.1');
    assert.equal(snapshots.siteOfKey('http://localhost/terms'), 'localhost');
  });
});
