// Browser-test harness: a static server for the fixture pages, a recording proxy that
// proves no request leaves 127.0.0.1, and one small driver API over Chromium
// (playwright-core) and Firefox (puppeteer-core, WebDriver BiDi), both running the
// built extension from dist/termlens.
//
// Reading the extension's state: tests open termlens's popup page in a tab (the
// "control page") and call the extension API from there: tabs.sendMessage to find the
// tab of a fixture page, and the popup's own 'popup-bg-status' message for that tab's
// status (gate, engine, count, badge, provisions, errors). Highlights are read from the
// page's main world (CSS.highlights is one registry per document). The card's text is
// in a closed shadow root: with the storage flag `termlensTestHooks` (set only by this
// harness) the content script adds what the card shows to the tab's status.

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { describe, before, after, it } from 'node:test';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist/termlens');
export const PAGES = path.join(ROOT, 'tests/fixtures/pages');
export const CORPUS = process.env.TERMLENS_CORPUS ?? path.resolve(ROOT, '../shared/corpus');
/** The knowledge-base sources the expectations are read from (the build's, by default). */
export const DATA = process.env.TERMLENS_DATA ?? path.join(ROOT, 'data');
const EXTENSION_ID = 'termlens@termlens.dev';
/** Fixed moz-extension UUID, so that tests can open the popup page in Firefox. */
const FIREFOX_UUID = 'a1b2c3d4-0000-4000-8000-7465726d6c65';

/** The CSP of the fixture pages: the snapshots' own https://... assets are never fetched. */
export const PAGE_CSP = "default-src 'self' 'unsafe-inline'; img-src 'self' data:";
/** A strict CSP (like many vendors' pages): nothing inline, no Wasm, no eval. */
export const STRICT_CSP = "default-src 'none'; img-src 'self'; connect-src 'self'";

/**
 * Fixture pages by path. Corpus snapshots are served at the path they have on the
 * vendor's site; `date` is the snapshot's date (from its file name).
 */
export const ROUTES = {
  '/legal/commercial-terms': { file: 'anthropic-commercial-terms/2026-08-20.html', document: 'anthropic/commercial-terms', date: '2026-08-20' },
  '/strict/legal/commercial-terms': { file: 'anthropic-commercial-terms/2026-08-20.html', document: 'anthropic/commercial-terms', date: '2026-08-20', csp: STRICT_CSP },
  '/policies/services-agreement/': { file: 'openai-services-agreement/2026-08-22.html', document: 'openai/services-agreement', date: '2026-08-22' },
  '/legal/terms-of-service-enterprise': { file: 'xai-terms-of-service-enterprise/2026-08-22.html', document: 'xai/terms-of-service-enterprise', date: '2026-08-22' },
  '/blog/growing-tomatoes': { file: 'plain/index.html' },
  '/legal/broken-terms': { file: 'throws/index.html' },
  '/legal/huge-terms': { file: 'huge/index.html' },
  '/app/render-later': { file: 'render-later/index.html' },
  '/legal/terms-of-service': { file: 'fictional-vendor-terms/index.html' },
};

/** Which browsers to run: TERMLENS_BROWSERS=chromium,firefox (default both). */
export const BROWSERS = (process.env.TERMLENS_BROWSERS ?? 'chromium,firefox').split(',').map((s) => s.trim()).filter(Boolean);

/** Fails early, with the fix, when the build is missing or older than the sources. */
export function checkBuild() {
  for (const f of ['manifest.json', 'pkg/termlens.js', 'pkg/termlens_bg.wasm', 'pkg/kb.json', 'pkg/kb.bin', 'pkg/cards.bin', 'pkg/known-documents.js', 'pkg/gate.js', 'pkg/extract-rules.js']) {
    if (!fs.existsSync(path.join(DIST, f))) throw new Error(`${path.join(DIST, f)} is missing: run bash scripts/build.sh`);
  }
  const stale = [];
  const compare = (rel) => {
    const src = path.join(ROOT, rel);
    const stat = fs.statSync(src);
    if (stat.isDirectory()) {
      for (const e of fs.readdirSync(src)) compare(path.join(rel, e));
    } else if (!fs.existsSync(path.join(DIST, rel)) || !fs.readFileSync(src).equals(fs.readFileSync(path.join(DIST, rel)))) {
      stale.push(rel);
    }
  };
  compare('manifest.json');
  compare('extension');
  compare('_locales');
  // The tests read their expectations from data/: the compiled knowledge base must be newer.
  const built = fs.statSync(path.join(DIST, 'pkg/kb.json')).mtimeMs;
  const sources = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
    ? sources(path.join(dir, e.name)) : e.name.endsWith('.toml') ? [path.join(dir, e.name)] : []));
  for (const file of sources(DATA)) {
    if (fs.statSync(file).mtimeMs > built) stale.push(path.relative(ROOT, file));
  }
  if (stale.length) throw new Error(`dist/termlens is older than ${stale.slice(0, 3).join(', ')}: run bash scripts/build.sh`);
}

/** The executable of a browser: TERMLENS_CHROMIUM / TERMLENS_FIREFOX or the Debian package's. */
function executable(name) {
  const fromEnv = process.env[name === 'chromium' ? 'TERMLENS_CHROMIUM' : 'TERMLENS_FIREFOX'];
  if (fromEnv) return fromEnv;
  const command = name === 'chromium' ? 'chromium' : 'firefox-esr';
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${command} is not installed (apt-get install -y ${command})`);
  }
}

/**
 * Serves the fixture pages on 127.0.0.1 (a free port), plus `extraRoutes` (pages a
 * test builds itself, `{ html: () => string }`, and any other file, `{ path, type }`).
 * A route's `csp` replaces PAGE_CSP (`null`: no CSP header at all) and its `cache`
 * the `no-store` cache-control.
 * @returns {Promise<{ origin: string, url: (p: string) => string, requests: string[], close: () => Promise<void> }>}
 */
export async function startServer(extraRoutes = {}) {
  const requests = [];
  /** @type {Record<string, { file?: string, html?: () => string, path?: string, type?: string, csp?: string | null, cache?: string }>} */
  const routes = { ...ROUTES, ...extraRoutes };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url.pathname);
    const route = routes[url.pathname];
    if (url.pathname === '/favicon.ico') {
      // No icon, and no 404 in the console of the hand-written pages.
      res.writeHead(204);
      res.end();
      return;
    }
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain', 'content-length': '0' });
      res.end();
      return;
    }
    const body = route.html ? Buffer.from(route.html(), 'utf8') : fs.readFileSync(route.path ?? path.join(PAGES, route.file));
    const csp = route.csp === undefined ? PAGE_CSP : route.csp;
    res.writeHead(200, {
      'content-type': route.type ?? 'text/html; charset=utf-8',
      ...(csp === null ? {} : { 'content-security-policy': csp }),
      'cache-control': route.cache ?? 'no-store',
      'content-length': body.length,
    });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(null)));
  const origin = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
  return {
    origin,
    url: (p) => origin + p,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve(null)); }),
  };
}

/**
 * A proxy on 127.0.0.1 that the browsers send every non-loopback request to. It
 * records the request and refuses it; a test passes only if it recorded nothing.
 * `vendorPages` (`{ 'http://host/path': { html } }`) lets a test show a page at a
 * vendor's own address, so that termlens recognises the document by its URL: the
 * proxy serves those pages (404 for anything else on their hosts) and lists every
 * request to their hosts in `vendor`, apart from `seen`.
 */
export async function startRecordingProxy(vendorPages = {}) {
  const seen = [];
  /** Requests to the hosts of `vendorPages`: the page's own, never counted as leaks. */
  const vendor = [];
  const hosts = new Set(Object.keys(vendorPages).map((u) => new URL(u).host));
  const server = http.createServer((req, res) => {
    let url = null;
    try {
      url = new URL(req.url ?? '');
    } catch {
      // Not an absolute URL: recorded below.
    }
    if (url && url.protocol === 'http:' && hosts.has(url.host)) {
      vendor.push(`${req.method} ${req.url}`);
      const page = vendorPages[`${url.origin}${url.pathname}`];
      if (page) {
        const body = Buffer.from(page.html());
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'content-length': body.length });
        res.end(body);
      } else {
        res.writeHead(404, { 'content-length': '0' });
        res.end();
      }
      return;
    }
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(403, { 'content-length': '0' });
    res.end();
  });
  server.on('connect', (req, socket) => {
    // The page's own https requests to its host ('self' covers https on the same host): its own.
    const host = String(req.url ?? '').replace(/:443$/, '');
    (hosts.has(host) ? vendor : seen).push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(null)));
  return {
    port: /** @type {import('node:net').AddressInfo} */ (server.address()).port,
    seen,
    vendor,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve(null)); }),
  };
}

/**
 * Presses Enter on the element `selector` of an extension page (an export button) and
 * returns the file it offered: the Blob URL given to `<a download>` is read back in the
 * page (no file system involved).
 * @param {TestPage} page
 * @param {string} selector
 * @returns {Promise<{ name: string, text: string }>}
 */
export async function download(page, selector) {
  await page.evaluate(() => {
    globalThis.termlensDownloads = [];
    HTMLAnchorElement.prototype.click = function click() {
      globalThis.termlensDownloads.push({ href: this.href, name: this.download });
    };
  });
  await page.evaluate((s) => document.querySelector(s).focus(), selector);
  await page.press('Enter');
  const file = await waitFor(() => page.evaluate(() => globalThis.termlensDownloads[0] ?? null), `the download of ${selector}`);
  return { name: file.name, text: await page.evaluate((href) => fetch(href).then((r) => r.text()), file.href) };
}

/** Polls `f` until it returns a truthy value; fails with `what` and the last value. */
export async function waitFor(f, what, { timeout = 15_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await f();
      if (last) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError ? ` (last error: ${lastError.message})` : ` (last value: ${JSON.stringify(last)?.slice(0, 600)})`;
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * One open page of a driven browser.
 * @typedef {object} TestPage
 * @property {(fn: Function | string, arg?: any) => Promise<any>} evaluate   in the page's main world
 * @property {(x: number, y: number) => Promise<void>} mouseMove
 * @property {(x: number, y: number) => Promise<void>} click
 * @property {(keys: string) => Promise<void>} press   e.g. 'Alt+Shift+KeyN', 'Escape'
 * @property {(text: string) => Promise<void>} type   keystrokes into the focused element
 * @property {((scheme: 'light' | 'dark') => Promise<void>) | null} colorScheme   emulates prefers-color-scheme (Chromium only)
 * @property {(width: number, height: number) => Promise<void>} viewport   resizes the page's viewport (CSS px)
 * @property {(file: string) => Promise<void>} screenshot   writes the viewport as a PNG
 * @property {{ type: string, text: string, url: string }[]} console   messages so far
 * @property {string[]} errors   uncaught page errors so far
 * @property {string} url
 * @property {() => Promise<void>} close
 */

/** Common part of both drivers: the control page and what tests ask through it. */
class Session {
  /** @param {string} name */
  constructor(name) {
    this.name = name;
    /** @type {any} */
    this.control = null;
    /** @type {any} the browser context (playwright, Chromium) */
    this.context = null;
    /** @type {string} the temporary profile directory */
    this.profile = '';
    /** @type {string} the extension's id (Chromium) */
    this.extensionId = '';
  }

  /** Runs `fn(arg)` in the control page (termlens's popup page opened in a tab). */
  async inExtension(fn, arg) {
    return this.control.evaluate(fn, arg);
  }

  /** Turns the test hooks on (what the card shows is added to the tab status). */
  async enableTestHooks() {
    await this.inExtension(async () => {
      const api = globalThis.browser ?? globalThis.chrome;
      await api.storage.local.set({ termlensTestHooks: true });
    });
  }

  /**
   * The id of the tab showing `url` (asked of the content scripts: no permission needed).
   * @param {string} url
   */
  async tabId(url) {
    return waitFor(() => this.inExtension(async (wanted) => {
      const api = globalThis.browser ?? globalThis.chrome;
      for (const tab of await api.tabs.query({})) {
        try {
          const reply = await api.tabs.sendMessage(tab.id, { type: 'bg-cs-status' }, { frameId: 0 });
          if (reply?.ok && reply.value.url === wanted) return tab.id;
        } catch {
          // No termlens content script in that tab (the control page itself).
        }
      }
      return null;
    }, url), `the tab of ${url}`, { timeout: 10_000, interval: 200 }).then((id) => id);
  }

  /**
   * What the background reports for a tab (popup-bg-status).
   * @param {number} tabId
   */
  async status(tabId) {
    return this.inExtension(async (id) => {
      const api = globalThis.browser ?? globalThis.chrome;
      const reply = await api.runtime.sendMessage({ type: 'popup-bg-status', tabId: id });
      if (!reply?.ok) throw new Error(reply?.error ?? 'no reply');
      return reply.value;
    }, tabId);
  }

  /** Waits until termlens has finished on a tab (phase done or failed). */
  async settled(tabId, timeout = 30_000) {
    return waitFor(async () => {
      const s = await this.status(tabId);
      return s.status && (s.status.phase === 'done' || s.status.phase === 'failed') ? s : null;
    }, `termlens to finish on tab ${tabId}`, { timeout, interval: 150 });
  }

  /**
   * Sends a tab what the background sends it for the keyboard commands (browsers do
   * not let a test press a command's shortcut at the browser level).
   * @param {number} tabId
   * @param {'next' | 'previous'} direction
   */
  async command(tabId, direction) {
    return this.inExtension(async ({ id, direction: d }) => {
      const api = globalThis.browser ?? globalThis.chrome;
      const reply = await api.tabs.sendMessage(id, { type: 'bg-cs-navigate', direction: d }, { frameId: 0 });
      if (!reply?.ok) throw new Error(reply?.error ?? 'no reply');
      return reply.value;
    }, { id: tabId, direction });
  }

  /** Sends a popup message for a tab, as the popup's button does. */
  async run(tabId) {
    return this.inExtension(async (id) => {
      const api = globalThis.browser ?? globalThis.chrome;
      const reply = await api.runtime.sendMessage({ type: 'popup-bg-run', tabId: id });
      if (!reply?.ok) throw new Error(reply?.error ?? 'no reply');
      return reply.value;
    }, tabId);
  }
}

/**
 * Debian's Chromium (playwright-core) with the unpacked extension at `dir`, a fresh
 * profile and every request through the recording proxy at `proxyPort`: the one set of
 * flags the browser tests and the benchmark (bench/run.mjs) share.
 * @param {string} dir
 * @param {number} proxyPort
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, profile: string }>}
 */
export async function launchChromiumWith(dir, proxyPort) {
  const { chromium } = require('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'termlens-chromium-'));
  // No preconnect or prefetch: the snapshots' <link rel=preconnect href=https://...>
  // would otherwise open connections that no page CSP governs.
  fs.mkdirSync(path.join(profile, 'Default'));
  fs.writeFileSync(path.join(profile, 'Default/Preferences'),
    JSON.stringify({ net: { network_prediction_options: 2 } }));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: executable('chromium'),
    headless: false,
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-domain-reliability', '--disable-client-side-phishing-detection', '--metrics-recording-only',
      '--no-pings', '--password-store=basic', '--use-mock-keychain',
      // Chromium's own background traffic that the flags above leave on: the Google
      // account check at start-up and on-demand component downloads. Both are sent to
      // a closed loopback port instead, so that the proxy sees nothing at all.
      '--gaia-url=http://127.0.0.1:9', '--component-updater=url-source=http://127.0.0.1:9/',
      // Chromium keeps only the last --disable-features: playwright's own list, plus
      // the autofill server (the snapshots have forms).
      `--disable-features=${[
        'AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose', 'HttpsUpgrades',
        'HttpsFirstBalancedModeAutoEnable', 'LensOverlay', 'MediaRouter', 'PaintHolding',
        'ThirdPartyStoragePartitioning', 'AvoidCorsURLLoaderRestartOnRedirect', 'OptimizationHints',
        'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch', 'AutofillServerCommunication',
      ].join(',')}`,
      `--proxy-server=http://127.0.0.1:${proxyPort}`,
      `--disable-extensions-except=${dir}`, `--load-extension=${dir}`,
    ],
    viewport: { width: 1280, height: 900 },
  });
  return { context, profile };
}

/** Chromium through playwright-core, with the extension loaded unpacked. */
class ChromiumSession extends Session {
  constructor() {
    super('chromium');
  }

  /**
   * @param {number} proxyPort
   * @param {Record<string, any>} [_prefs]
   * @param {string} [dir]   the unpacked extension (dist/termlens unless a test gives a copy)
   */
  async launch(proxyPort, _prefs = {}, dir = DIST) {
    ({ context: this.context, profile: this.profile } = await launchChromiumWith(dir, proxyPort));
    let [worker] = this.context.serviceWorkers();
    worker ??= await this.context.waitForEvent('serviceworker', { timeout: 15_000 });
    this.extensionId = new URL(worker.url()).host;
    this.control = await this.context.newPage();
    await this.control.goto(`chrome-extension://${this.extensionId}/extension/popup/popup.html`);
  }

  /** @returns {Promise<TestPage>} */
  async open(url) {
    const page = await this.context.newPage();
    const tp = wrapPlaywright(page);
    await page.goto(url, { waitUntil: 'load' });
    tp.url = url;
    return tp;
  }

  /**
   * Opens one of termlens's pages (for example `extension/popup/popup.html?tab=3`) in a tab.
   * @param {string} rel
   * @returns {Promise<TestPage>}
   */
  async extensionPage(rel) {
    const page = await this.context.newPage();
    const tp = wrapPlaywright(page);
    tp.url = `chrome-extension://${this.extensionId}/${rel}`;
    await page.goto(tp.url);
    return tp;
  }

  /** Opens the popup for a tab, as a page; returns its text. */
  async popupText(tabId) {
    const page = await this.context.newPage();
    try {
      await page.goto(`chrome-extension://${this.extensionId}/extension/popup/popup.html?tab=${tabId}`);
      await page.waitForFunction(() => !document.getElementById('summary')?.textContent?.includes('Looking'));
      return await page.evaluate(() => document.body.innerText);
    } finally {
      await page.close();
    }
  }

  async close() {
    await this.context?.close().catch(() => {});
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}

function wrapPlaywright(page) {
  /** @type {TestPage} */
  const tp = {
    url: '',
    console: [],
    errors: [],
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    mouseMove: (x, y) => page.mouse.move(x, y, { steps: 4 }),
    click: (x, y) => page.mouse.click(x, y),
    press: (keys) => page.keyboard.press(keys),
    type: (text) => page.keyboard.type(text),
    colorScheme: (scheme) => page.emulateMedia({ colorScheme: scheme }),
    viewport: (width, height) => page.setViewportSize({ width, height }),
    screenshot: async (file) => { await page.screenshot({ path: file }); },
    close: () => page.close(),
  };
  page.on('console', (m) => tp.console.push({ type: m.type(), text: m.text(), url: m.location()?.url ?? '' }));
  page.on('pageerror', (e) => tp.errors.push(String(e?.message ?? e)));
  return tp;
}

/** Firefox ESR through puppeteer-core (WebDriver BiDi), the extension installed as a temporary add-on. */
class FirefoxSession extends Session {
  constructor() {
    super('firefox');
  }

  /**
   * @param {number} proxyPort
   * @param {Record<string, any>} [prefs]   more preferences (the screenshots' colour scheme)
   * @param {string} [dir]   the unpacked extension (dist/termlens unless a test gives a copy)
   */
  async launch(proxyPort, prefs = {}, dir = DIST) {
    const puppeteer = require('puppeteer-core');
    this.profile = fs.mkdtempSync(path.join(os.tmpdir(), 'termlens-firefox-'));
    this.browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: executable('firefox'),
      headless: true,
      userDataDir: this.profile,
      // Lets the harness open moz-extension:// pages (the control page).
      args: ['--remote-allow-system-access'],
      env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
      extraPrefsFirefox: {
        'network.proxy.type': 1,
        'network.proxy.http': '127.0.0.1',
        'network.proxy.http_port': proxyPort,
        'network.proxy.ssl': '127.0.0.1',
        'network.proxy.ssl_port': proxyPort,
        'network.proxy.share_proxy_settings': true,
        'network.proxy.allow_hijacking_localhost': false,
        'network.proxy.no_proxies_on': 'localhost, 127.0.0.1',
        // A vendor page served over http by the proxy (tests' `vendorPages`) stays http.
        'dom.security.https_first': false,
        'dom.security.https_first_schemeless': false,
        // Background traffic of Firefox itself, off (with the env var above, Remote
        // Settings accepts a server override).
        'services.settings.server': 'data:,#remote-settings-dummy/v1',
        'network.connectivity-service.enabled': false,
        'network.captive-portal-service.enabled': false,
        'network.dns.disablePrefetch': true,
        'network.prefetch-next': false,
        'network.http.speculative-parallel-limit': 0,
        // Nor connections a page's own markup can start before its CSP refuses the
        // load: the Necko predictor learns a page's subresource hosts and preconnects
        // to them on the next load (the Google terms snapshot's logo on www.google.com),
        // and preload and early hints fetch ahead of the CSP check.
        'network.predictor.enabled': false,
        'network.predictor.enable-prefetch': false,
        'network.preload': false,
        'network.early-hints.enabled': false,
        'browser.places.speculativeConnect.enabled': false,
        'browser.safebrowsing.provider.mozilla.updateURL': '',
        'browser.safebrowsing.update.enabled': false,
        'browser.newtabpage.activity-stream.feeds.system.topstories': false,
        'browser.newtabpage.activity-stream.feeds.topsites': false,
        'browser.topsites.contile.enabled': false,
        'extensions.getAddons.cache.enabled': false,
        'extensions.systemAddon.update.enabled': false,
        'browser.region.update.enabled': false,
        'browser.region.network.url': '',
        'geo.provider.network.url': '',
        'toolkit.telemetry.enabled': false,
        'toolkit.telemetry.unified': false,
        'datareporting.policy.dataSubmissionEnabled': false,
        'app.normandy.enabled': false,
        'app.shield.optoutstudies.enabled': false,
        'browser.ping-centre.telemetry': false,
        'identity.fxaccounts.enabled': false,
        'messaging-system.rsexperimentloader.enabled': false,
        'extensions.webextensions.uuids': JSON.stringify({ [EXTENSION_ID]: FIREFOX_UUID }),
        ...prefs,
      },
    });
    await this.browser.installExtension(dir);
    this.control = await this.openExtensionPage('extension/popup/popup.html');
  }

  /** Opens an extension page in a tab (navigation to moz-extension:// needs system access). */
  async openExtensionPage(rel) {
    const page = await this.browser.newPage();
    // BiDi does not report the load of an extension page, so the navigation is not
    // awaited: the page is polled until its extension API is there.
    page.goto(`moz-extension://${FIREFOX_UUID}/${rel}`, { timeout: 15_000 }).catch(() => {});
    await waitFor(() => page.evaluate((wanted) => location.href.endsWith(wanted) && document.readyState === 'complete'
      && !!(globalThis.browser ?? globalThis.chrome)?.runtime?.id, rel), 'the extension page', { timeout: 10_000 });
    return page;
  }

  /**
   * Opens one of termlens's pages (for example `extension/popup/popup.html?tab=3`) in a tab.
   * @param {string} rel
   * @returns {Promise<TestPage>}
   */
  async extensionPage(rel) {
    const page = await this.openExtensionPage(rel);
    const tp = this.wrap(page, `moz-extension://${FIREFOX_UUID}/${rel}`);
    return tp;
  }

  /** @returns {Promise<TestPage>} */
  async open(url) {
    const page = await this.browser.newPage();
    const tp = this.wrap(page, url);
    await page.goto(url, { waitUntil: 'load' });
    return tp;
  }

  /** A puppeteer page as a TestPage. */
  wrap(page, url) {
    /** @type {TestPage} */
    const tp = {
      url,
      console: [],
      errors: [],
      evaluate: (fn, arg) => page.evaluate(fn, arg),
      mouseMove: (x, y) => page.mouse.move(x, y, { steps: 4 }),
      click: (x, y) => page.mouse.click(x, y),
      press: async (keys) => {
        const parts = keys.split('+');
        const named = parts.pop();
        // Playwright's names; puppeteer's BiDi keyboard knows the space bar as ' '.
        const key = named === 'Space' ? ' ' : named;
        for (const m of parts) await page.keyboard.down(m);
        await page.keyboard.press(key);
        for (const m of parts.reverse()) await page.keyboard.up(m);
      },
      type: (text) => page.keyboard.type(text),
      // prefers-color-scheme cannot be emulated over WebDriver BiDi (puppeteer needs CDP for it).
      colorScheme: null,
      viewport: (width, height) => page.setViewport({ width, height }),
      screenshot: async (file) => { await page.screenshot({ path: file }); },
      close: () => page.close(),
    };
    page.on('console', (m) => tp.console.push({ type: m.type(), text: m.text(), url: m.location()?.url ?? '' }));
    page.on('pageerror', (e) => tp.errors.push(String(e?.message ?? e)));
    return tp;
  }

  async popupText(tabId) {
    const page = await this.openExtensionPage(`extension/popup/popup.html?tab=${tabId}`);
    try {
      await waitFor(() => page.evaluate(() => !document.getElementById('summary')?.textContent?.includes('Looking')), 'the popup');
      return await page.evaluate(() => document.body.innerText);
    } finally {
      await page.close();
    }
  }

  async close() {
    await this.browser?.close().catch(() => {});
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}

/**
 * Starts a browser with the built extension, the fixture server and the proxy.
 * @param {string} name 'chromium' | 'firefox'
 * `firefoxPrefs` are more Firefox preferences (Firefox cannot emulate a colour scheme
 * over WebDriver BiDi, so the screenshots script sets it as a preference).
 * `extension` is an unpacked copy of the extension to load instead of dist/termlens.
 * @param {{ routes?: Record<string, { html: () => string }>, vendorPages?: Record<string, { html: () => string }>, firefoxPrefs?: Record<string, any>, extension?: string }} [options]
 */
export async function launch(name, { routes = {}, vendorPages = {}, firefoxPrefs = {}, extension = DIST } = {}) {
  checkBuild();
  const proxy = await startRecordingProxy(vendorPages);
  const server = await startServer(routes);
  const session = name === 'firefox' ? new FirefoxSession() : new ChromiumSession();
  try {
    await session.launch(proxy.port, firefoxPrefs, extension);
    await session.enableTestHooks();
  } catch (error) {
    await session.close();
    await server.close();
    await proxy.close();
    throw error;
  }
  return {
    session,
    server,
    proxy,
    async close() {
      await session.close();
      await server.close();
      await proxy.close();
    },
  };
}

/**
 * Reads the registered termlens highlights from the page's main world: for each
 * name, the text of every range (and the first rectangle of each, for hovering).
 * @param {TestPage} page
 */
export function readHighlights(page) {
  return page.evaluate(() => {
    const out = {};
    for (const name of ['termlens-exact', 'termlens-changed', 'termlens-changed-words', 'termlens-active']) {
      const h = CSS.highlights.get(name);
      out[name] = h ? [...h].map((r) => r.toString()) : [];
    }
    return out;
  });
}

/**
 * Console lines that termlens wrote (its own prefix, or a location in the extension).
 * @param {TestPage} page
 */
export function termlensConsole(page) {
  return page.console.filter((m) => /^termlens:/.test(m.text)
    || /^(chrome|moz)-extension:/.test(m.url));
}

/**
 * Scrolls the first range of `name` whose text passes `pick` into view and returns
 * the centre of its first rectangle (client coordinates).
 * @param {TestPage} page
 * @param {string[]} clauseWords lowercase words the range must contain, in order
 */
export async function pointInHighlight(page, clauseWords) {
  return page.evaluate((wanted) => {
    const norm = (s) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    for (const name of ['termlens-exact', 'termlens-changed']) {
      for (const range of CSS.highlights.get(name) ?? []) {
        const w = norm(range.toString());
        let k = 0;
        for (const x of w) if (x === wanted[k]) k += 1;
        if (k < wanted.length) continue;
        range.startContainer.parentElement.scrollIntoView({ block: 'center' });
        const rect = [.../** @type {Range} */ (range).getClientRects()].find((r) => r.width > 4 && r.height > 4);
        if (!rect) return null;
        return { x: rect.left + Math.min(rect.width / 2, 20), y: rect.top + rect.height / 2 };
      }
    }
    return null;
  }, clauseWords);
}

/** Prints one result line per browser (node:test shows it with the test output). */
export function note(browser, message) {
  process.stdout.write(`[${browser}] ${message}\n`);
}

/**
 * Declares the same suite once per browser (TERMLENS_BROWSERS), each with its own
 * browser, fixture server and proxy, and a last test that the proxy saw nothing.
 * `body(ctx)` declares tests with `ctx.it` (node:test's `it`, counted); `ctx.t` is
 * the launched environment inside them. Each suite ends with one result line.
 * @param {string} title
 * @param {(ctx: { name: string, it: typeof it, t: Awaited<ReturnType<typeof launch>> }) => void} body
 * @param {{ routes?: Record<string, { html: () => string }>, vendorPages?: Record<string, { html: () => string }>, extension?: string }} [options]
 */
export function inBrowsers(title, body, options = {}) {
  for (const name of BROWSERS) {
    describe(`${name}: ${title}`, () => {
      const failed = [];
      let passed = 0;
      const counted = (label, opts, fn) => it(label, opts, async (t) => {
        try {
          await fn(t);
          passed += 1;
        } catch (error) {
          failed.push(label);
          throw error;
        }
      });
      const ctx = /** @type {any} */ ({ name, t: null, it: counted });
      before(async () => {
        ctx.t = await launch(name, options);
      }, { timeout: 90_000 });
      after(async () => {
        await ctx.t?.close();
        note(name, `${title}: ${passed} passed, ${failed.length} failed${failed.length ? ` (${failed.join('; ')})` : ''}`);
      });
      body(ctx);
      counted('sent no request beyond 127.0.0.1 (recording proxy saw nothing)', {}, () => {
        assert.deepEqual(ctx.t.proxy.seen, []);
      });
    });
  }
}
