// The manifest's web-accessible resources are exactly the modules the annotator
// imports (gate.js loads it with import() from the page's origin): one missing and
// termlens cannot start on any page; one extra and a page can probe for it.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './harness.js';

/**
 * Every module `entry` imports, itself included (static `import ... from '...'` and
 * `import '...'`, and `import('...')` of a literal path: the test hooks).
 */
function importClosure(entry) {
  const seen = new Set();
  const visit = (rel) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const source = fs.readFileSync(path.join(ROOT, rel), 'utf8');
    const imports = [
      ...source.matchAll(/^\s*import\s+(?:[^'"]*?\s+from\s+)?['"](\.[^'"]+)['"]/gm),
      // Outside comments: a JSDoc type's import('...') loads nothing.
      ...source.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g),
    ];
    for (const m of imports) {
      visit(path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1])));
    }
  };
  visit(entry);
  return seen;
}

describe('manifest', () => {
  it('web-accessible resources are the annotator and the modules it imports, nothing else', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
    const listed = manifest.web_accessible_resources.flatMap((w) => w.resources).sort();
    const needed = [...importClosure('extension/content/annotator.js')].sort();
    assert.ok(needed.length > 3, `the import closure was read (${needed.join(', ')})`);
    assert.deepEqual(listed, needed);
  });
});
