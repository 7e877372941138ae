// The content script that runs on every page is one file, pkg/gate.js, built by
// scripts/build-gate.mjs from extension/shared/messages.js, pkg/known-documents.js and
// extension/content/gate.js. The manifest loads it alone; it carries the knowledge
// base's document patterns and the message names unchanged; and its address matching
// (string search, no RegExp) recognises every document's own address and agrees with
// the patterns read as the RegExps the gate used to build (no browser).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, it } from 'node:test';
import { ROOT, DIST, DATA, CORPUS, checkBuild } from './harness.js';
import { KnowledgeBase } from './kb.js';

const kb = new KnowledgeBase(DATA, CORPUS);
const documents = kb.platforms.flatMap((p) => p.document ?? []);

/**
 * Runs the built bundle in a sandbox with just enough of a page for the gate to
 * decide: an address, a title, no headings, and an extension API that records the
 * message listener. Returns the globals and the gate's answer to a status message.
 * @param {string} url
 */
async function runBundle(url) {
  const where = new URL(url);
  let listener = null;
  const idle = [];
  const sandbox = {
    location: { hostname: where.hostname, pathname: where.pathname, href: where.href },
    document: { title: 'Nothing of note', body: {}, querySelectorAll: () => [], documentElement: {} },
    HTMLDocument: Object,
    MutationObserver: class { observe() {} disconnect() {} },
    requestIdleCallback: (f) => idle.push(f),
    setTimeout: () => 0,
    clearTimeout: () => {},
    console: { warn: () => {} },
    chrome: {
      runtime: {
        id: 'termlens',
        onMessage: { addListener: (f) => { listener = f; } },
        sendMessage: async () => ({ ok: true }),
        getURL: (p) => `chrome-extension://termlens/${p}`,
      },
      storage: { local: { get: async () => ({}) } },
    },
  };
  sandbox.globalThis = sandbox;
  vm.runInNewContext(fs.readFileSync(path.join(DIST, 'pkg/gate.js'), 'utf8'), sandbox, { filename: 'pkg/gate.js' });
  await new Promise((resolve) => setImmediate(resolve));
  for (const f of idle.splice(0)) f();
  assert.ok(listener, `${url}: the gate listens for messages`);
  const reply = await new Promise((resolve) => {
    listener({ type: sandbox.TERMLENS_MESSAGES.BG_CS_STATUS }, { id: 'termlens' }, resolve);
  });
  assert.equal(reply.ok, true, `${url}: ${reply.error}`);
  return { sandbox, status: reply.value };
}

/** A pattern as the gate read it before: `*` any run, whole string, case-insensitive. */
const asRegExp = (pattern) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');

/**
 * The document an address is, by the engine's rule (KnowledgeBase::document_for_url,
 * src/kb/mod.rs): of the patterns that match, the one with the most characters besides
 * `*`; the first in data/platforms.toml order on a tie. So Google's use policy
 * (policies.google.com/terms/generative-ai/use-policy*) is itself, not Google's terms
 * (policies.google.com/terms*).
 * @param {string} target host and path
 */
function mostSpecific(target) {
  let best = null;
  let bestLength = -1;
  for (const d of documents) {
    for (const m of d.match) {
      const length = m.replaceAll('*', '').length;
      if (length > bestLength && asRegExp(m).test(target)) {
        best = d;
        bestLength = length;
      }
    }
  }
  return best;
}

describe('gate bundle', () => {
  it('the manifest runs pkg/gate.js alone, on every page, top frame, at document_idle', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
    assert.equal(manifest.content_scripts.length, 1);
    const [cs] = manifest.content_scripts;
    assert.deepEqual(cs.js, ['pkg/gate.js']);
    assert.deepEqual(cs.matches, ['<all_urls>']);
    assert.equal(cs.run_at, 'document_idle');
    assert.equal(cs.all_frames, false);
  });

  it('carries the knowledge base\'s document patterns and the message names unchanged', async () => {
    checkBuild();
    const { sandbox } = await runBundle('http://127.0.0.1/blog/growing-tomatoes');
    const bundled = JSON.parse(JSON.stringify(sandbox.TERMLENS_KNOWN_DOCUMENTS)).map((d) => ({ id: d.id, name: d.name, match: d.match }));
    assert.deepEqual(bundled, documents.map((d) => ({ id: d.id, name: d.name, match: d.match })));
    const messages = {};
    vm.runInNewContext(fs.readFileSync(path.join(ROOT, 'extension/shared/messages.js'), 'utf8'), Object.assign(messages, { globalThis: messages }));
    assert.deepEqual(JSON.parse(JSON.stringify(sandbox.TERMLENS_MESSAGES)), JSON.parse(JSON.stringify(messages.TERMLENS_MESSAGES)));
  });

  it('every known document\'s own address is recognised as the document with the most specific matching pattern', async () => {
    let own = 0;
    for (const doc of documents) {
      const where = new URL(doc.url);
      const target = where.hostname + where.pathname;
      const best = mostSpecific(target);
      assert.ok(best, `${doc.url}: some document's patterns match it`);
      const { status } = await runBundle(doc.url);
      assert.equal(status.reason, `known document: ${best.name}`, doc.url);
      if (best === doc) own += 1;
    }
    // Only Mistral La Plateforme's address (a fragment of mistral.ai/terms/) is another
    // document's.
    assert.ok(own >= documents.length - 1, `${own} of ${documents.length} addresses are their own document`);
  });

  it('agrees with the RegExps on addresses near the patterns (case, prefixes, suffixes, look-alikes)', async () => {
    const addresses = new Set(['http://127.0.0.1/blog/growing-tomatoes']);
    for (const doc of documents) {
      for (const m of doc.match) {
        const filled = m.replaceAll('*', 'x');
        const host = filled.slice(0, filled.indexOf('/'));
        const rest = filled.slice(filled.indexOf('/'));
        for (const variant of [filled, m.replaceAll('*', ''), filled.toUpperCase(), `${filled}/more`, `${host}.evil.test${rest}`, `evil.test/${filled}`]) {
          const [h, ...p] = variant.split('/');
          if (/^[a-z0-9.-]+$/i.test(h)) addresses.add(`http://${h}/${p.join('/')}`);
        }
      }
    }
    let known = 0;
    for (const url of addresses) {
      const where = new URL(url);
      const target = where.hostname + where.pathname;
      const expected = mostSpecific(target);
      const { status } = await runBundle(url);
      if (expected) known += 1;
      assert.equal(status.reason.startsWith('known document: ') ? status.reason : '', expected ? `known document: ${expected.name}` : '', url);
    }
    assert.ok(known > 50 && known < addresses.size, `both kinds of address were tried (${known} of ${addresses.size} known)`);
  });
});
