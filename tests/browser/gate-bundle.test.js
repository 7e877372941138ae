// The content script that runs on every page is one file, pkg/gate.js, built by
// scripts/build-gate.mjs from extension/shared/messages.js, pkg/known-documents.js and
// extension/content/gate.js. The manifest loads it alone; it carries the core's ranked
// table of the knowledge base's URL patterns and the message names unchanged; and on
// addresses near every pattern it names the document the core's rule names
// (`termlens kb gate-cases`, src/urlmatch.rs), every document's own address included
// (no browser).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { execFileSync } from 'node:child_process';
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

/**
 * The addresses the gate is tested with and the document the core says each one is:
 * `[{ url, id, name }]`, `id` and `name` null for none.
 * @returns {{ url: string, id: string | null, name: string | null }[]}
 */
function gateCases() {
  const bin = path.join(ROOT, 'target/release/termlens');
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run bash scripts/build.sh`);
  return JSON.parse(execFileSync(bin, ['--data', DATA, 'kb', 'gate-cases'], { encoding: 'utf8', maxBuffer: 64 << 20 }));
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

  it('carries the ranked pattern table of pkg/known-documents.js and the message names unchanged', async () => {
    checkBuild();
    const { sandbox } = await runBundle('http://127.0.0.1/blog/growing-tomatoes');
    const bundled = JSON.parse(JSON.stringify(sandbox.TERMLENS_KNOWN_PATTERNS));
    const compiled = {};
    vm.runInNewContext(fs.readFileSync(path.join(DIST, 'pkg/known-documents.js'), 'utf8'), Object.assign(compiled, { globalThis: compiled }));
    assert.deepEqual(bundled, JSON.parse(JSON.stringify(compiled.TERMLENS_KNOWN_PATTERNS)));
    // Every pattern of data/platforms.toml is in it once, in lower case: its host
    // (`*.` as `subdomains`) and its path split at `*`.
    const written = documents.flatMap((d) => d.match.map((m) => `${d.id} ${d.name} ${m.toLowerCase()}`)).sort();
    const joined = (e) => `${e.subdomains ? '*.' : ''}${e.host}${e.pieces.join('*')}`;
    assert.deepEqual(bundled.map((e) => `${e.id} ${e.name} ${joined(e)}`).sort(), written);
    const messages = {};
    vm.runInNewContext(fs.readFileSync(path.join(ROOT, 'extension/shared/messages.js'), 'utf8'), Object.assign(messages, { globalThis: messages }));
    assert.deepEqual(JSON.parse(JSON.stringify(sandbox.TERMLENS_MESSAGES)), JSON.parse(JSON.stringify(messages.TERMLENS_MESSAGES)));
  });

  it('names the document the core names, on every document\'s own address and on addresses near every pattern', async () => {
    const cases = gateCases();
    const urls = new Set(cases.map((c) => c.url));
    for (const doc of documents) assert.ok(urls.has(doc.url), `${doc.url} is among the cases`);
    let known = 0;
    let own = 0;
    for (const { url, id, name } of cases) {
      const { status } = await runBundle(url);
      const said = status.reason.startsWith('known document: ') ? status.reason : '';
      assert.equal(said, id ? `known document: ${name}` : '', url);
      if (id) known += 1;
      if (documents.some((d) => d.url === url && d.id === id)) own += 1;
    }
    assert.ok(known > 50 && known < cases.length, `both kinds of address were tried (${known} of ${cases.length} known)`);
    // Addresses that carry a vendor's host in their path or as a suffix of their own are
    // among the cases, and are no known document; a real subdomain of a `*.` pattern is.
    const said = new Map(cases.map((c) => [c.url, c.id]));
    for (const url of [
      'http://evilanthropic.com/legal/commercial-terms',
      'http://evil.example/llama.com/license',
      'http://127.0.0.1/not-anthropic/anthropic.com/legal/commercial-terms',
    ]) assert.equal(said.get(url), null, url);
    assert.equal(said.get('https://www.anthropic.com/legal/commercial-terms'), 'anthropic/commercial-terms');
    // Only Mistral La Plateforme's address (a fragment of mistral.ai/terms/) is another
    // document's.
    assert.ok(own >= documents.length - 1, `${own} of ${documents.length} addresses are their own document`);
  });
});
