// The reader's settings survive upgrades and corruption (extension/shared/settings.js):
// data written by the previous schema loads after the upgrade, and a stored value
// that cannot be read is kept aside under `corrupt:settings:<time>` and reported on
// the options page, never silently reset.

import assert from 'node:assert/strict';
import { inBrowsers, waitFor, note } from './harness.js';

/** Clears storage.local (keeping the harness's test-hooks flag) and stores `settings`. */
async function store(session, settings) {
  await session.inExtension(async (value) => {
    const api = globalThis.browser ?? globalThis.chrome;
    await api.storage.local.clear();
    await api.storage.local.set({ termlensTestHooks: true, ...(value === undefined ? {} : { settings: value }) });
  }, settings);
}

/** Everything in storage.local. */
function everything(session) {
  return session.inExtension(async () => (globalThis.browser ?? globalThis.chrome).storage.local.get(null));
}

async function openOptions(session) {
  const page = await session.extensionPage('extension/options/options.html');
  await waitFor(() => page.evaluate(() => document.getElementById('topic-list')?.dataset.state === 'ready'), 'the options page');
  return page;
}

inBrowsers('settings data', (ctx) => {
  ctx.it('data written by the previous schema (0) loads after the upgrade', { timeout: 30_000 }, async () => {
    const { session } = ctx.t;
    // What the first draft (schema 0, no `schema` field) wrote.
    await store(session, { highContrast: true, platformsOff: ['aws'], topicsOff: ['training-on-customer-data'], sitesOff: ['Example.COM'] });
    const options = await openOptions(session);
    try {
      assert.equal(await options.evaluate(() => /** @type {HTMLInputElement} */ (document.querySelector('input[name="highlightStyle"]:checked')).value), 'high-contrast');
      assert.equal(await options.evaluate(() => /** @type {HTMLInputElement} */ (document.querySelector('#platform-list input[value="aws"]')).checked), false, 'AWS stays off');
      assert.equal(await options.evaluate(() => /** @type {HTMLInputElement} */ (document.querySelector('#topic-list input[value="training-on-customer-data"]')).checked), false);
      assert.equal(await options.evaluate(() => document.getElementById('corrupt').textContent), '', 'nothing reported');
      const stored = await everything(session);
      assert.deepEqual(Object.keys(stored).filter((k) => k.startsWith('corrupt:')), [], 'nothing set aside');
      const value = await options.evaluate(async () => {
        const { loadSettings } = await import('/extension/shared/settings.js');
        return loadSettings((globalThis.browser ?? globalThis.chrome).storage.local);
      });
      assert.deepEqual(value, { schema: 3, platformsOff: ['aws'], topicsOff: ['training-on-customer-data'], highlightStyle: 'high-contrast', detectionsOff: false, sitesOff: ['example.com'], sitesWatched: [], cardOpening: 'hover' });
    } finally {
      await options.close();
    }
  });

  ctx.it('settings of schema 2 (before the card-opening choice) load with hover opening; click only is kept', { timeout: 30_000 }, async () => {
    const { session } = ctx.t;
    const before = { schema: 2, platformsOff: ['aws'], topicsOff: [], highlightStyle: 'default', detectionsOff: true, sitesOff: [], sitesWatched: ['a.example'] };
    await store(session, before);
    let options = await openOptions(session);
    try {
      assert.equal(await options.evaluate(() => document.getElementById('corrupt').textContent), '', 'nothing reported');
      assert.deepEqual(Object.keys(await everything(session)).filter((k) => k.startsWith('corrupt:')), [], 'nothing set aside');
      const read = () => options.evaluate(async () => {
        const { loadSettings } = await import('/extension/shared/settings.js');
        return loadSettings((globalThis.browser ?? globalThis.chrome).storage.local);
      });
      assert.deepEqual(await read(), { ...before, schema: 3, cardOpening: 'hover' });
      assert.equal(await options.evaluate(() => /** @type {HTMLInputElement} */ (document.querySelector('input[name="cardOpening"]:checked')).value), 'hover');
      await store(session, { ...before, schema: 3, cardOpening: 'click' });
      await options.close();
      options = await openOptions(session);
      assert.equal((await read()).cardOpening, 'click');
      assert.equal(await options.evaluate(() => /** @type {HTMLInputElement} */ (document.querySelector('input[name="cardOpening"]:checked')).value), 'click');
      // A value that is neither is a problem, and reads as the default.
      const bad = await options.evaluate(async (value) => {
        const { problemsOf, normalise } = await import('/extension/shared/settings.js');
        return { problems: problemsOf(value), read: normalise(value).cardOpening };
      }, { ...before, schema: 3, cardOpening: 'sometimes' });
      assert.deepEqual(bad, { problems: ['cardOpening is not hover or click'], read: 'hover' });
    } finally {
      await options.close();
      await store(session, undefined);
    }
  });

  ctx.it('a stored value that is not settings at all is kept aside and reported', { timeout: 30_000 }, async () => {
    const { session } = ctx.t;
    const garbage = '{"platformsOff":["aws"],"highlightSty';
    await store(session, garbage);
    const options = await openOptions(session);
    try {
      const stored = await everything(session);
      const keys = Object.keys(stored).filter((k) => k.startsWith('corrupt:settings:'));
      assert.equal(keys.length, 1, JSON.stringify(Object.keys(stored)));
      assert.match(keys[0], /^corrupt:settings:\d{4}-\d\d-\d\dT/);
      assert.equal(stored[keys[0]].value, garbage, 'the value is kept exactly');
      assert.match(stored[keys[0]].problems.join(' '), /a string, not an object/);
      assert.equal(stored.settings.schema, 3, 'the settings are usable again');
      const line = await options.evaluate(() => document.getElementById('corrupt').textContent);
      assert.ok(line.includes(keys[0]), line);
      assert.match(line, /could not be read/);
      note(ctx.name, `corrupt settings: "${line}"`);
    } finally {
      await options.close();
    }
  });

  ctx.it('a value with one bad field keeps its good fields; the original is kept aside', { timeout: 30_000 }, async () => {
    const { session } = ctx.t;
    const bad = { schema: 1, platformsOff: 'aws', topicsOff: [], highlightStyle: 'high-contrast', sitesOff: ['a.example'] };
    await store(session, bad);
    const options = await openOptions(session);
    try {
      const stored = await everything(session);
      const keys = Object.keys(stored).filter((k) => k.startsWith('corrupt:settings:'));
      assert.equal(keys.length, 1);
      assert.deepEqual(stored[keys[0]].value, bad);
      assert.deepEqual(stored[keys[0]].problems, ['platformsOff is not a list of names']);
      // Schema 1 is migrated too: no site is watched until the reader asks.
      assert.deepEqual(stored.settings, { schema: 3, platformsOff: [], topicsOff: [], highlightStyle: 'high-contrast', detectionsOff: false, sitesOff: ['a.example'], sitesWatched: [], cardOpening: 'hover' });
      assert.match(await options.evaluate(() => document.getElementById('corrupt').textContent), /platformsOff is not a list of names/);
      // Opening the page again reports the same copy, and sets nothing more aside.
      const second = await openOptions(session);
      assert.match(await second.evaluate(() => document.getElementById('corrupt').textContent), /platformsOff is not a list of names/);
      await second.close();
      const again = Object.keys(await everything(session)).filter((k) => k.startsWith('corrupt:settings:'));
      assert.deepEqual(again, keys);
    } finally {
      await options.close();
    }
  });

  ctx.it('settings of a newer schema (a downgrade) are kept aside, not read as if current', { timeout: 30_000 }, async () => {
    const { session } = ctx.t;
    await store(session, { schema: 7, platformsOff: ['openai'], futureField: { x: 1 } });
    const options = await openOptions(session);
    try {
      const stored = await everything(session);
      const keys = Object.keys(stored).filter((k) => k.startsWith('corrupt:settings:'));
      assert.equal(keys.length, 1);
      assert.deepEqual(stored[keys[0]].value.futureField, { x: 1 }, 'the newer data is all kept');
      assert.match(stored[keys[0]].problems.join(' '), /schema 7 is newer/);
      assert.deepEqual(stored.settings.platformsOff, ['openai']);
    } finally {
      await options.close();
      await store(session, undefined);
    }
  });

  ctx.it('changes saved at the same moment are all kept (two pages, or two quick clicks)', { timeout: 30_000 }, async () => {
    const { session } = ctx.t;
    await store(session, undefined);
    const saved = await session.inExtension(async () => {
      const api = globalThis.browser ?? globalThis.chrome;
      const { saveSettings, loadSettings } = await import('/extension/shared/settings.js');
      await Promise.all([
        saveSettings(api.storage.local, { platformsOff: ['aws'] }),
        saveSettings(api.storage.local, { highlightStyle: 'high-contrast' }),
        saveSettings(api.storage.local, { sitesWatched: ['example.com'] }),
      ]);
      const s = await loadSettings(api.storage.local);
      return { platformsOff: s.platformsOff, highlightStyle: s.highlightStyle, sitesWatched: s.sitesWatched };
    });
    assert.deepEqual(saved, { platformsOff: ['aws'], highlightStyle: 'high-contrast', sitesWatched: ['example.com'] });
    await store(session, undefined);
  });
});
