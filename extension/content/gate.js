// termlens content-script gate: the only script that runs on every page.
//
// A classic script, kept cheap: it loads no Wasm and fetches nothing. It decides from
// the address, the title and the headings whether the page is a terms page, and only
// then imports the annotator (an ES module, web-accessible) which does the work.
// Otherwise it stays idle, listening for the popup's "Run on this page" request and,
// for pages that render their text after load, watching the DOM for a bounded time.
//
// What it costs on a page that is not terms, and what each choice here bought, is in
// BENCHMARKS.md ("A page that is not terms"): no RegExp per known URL pattern (plain
// string search) and one content script instead of three. The rest is the browser's:
// the first use of `document`, of an element and of `location` in the isolated world,
// and of `runtime` (the message listener, which the popup needs on every page).
//
// Shipped as one content script, pkg/gate.js (scripts/build-gate.mjs): this file
// preceded by extension/shared/messages.js (globalThis.TERMLENS_MESSAGES) and
// pkg/known-documents.js (globalThis.TERMLENS_KNOWN_PATTERNS, from the knowledge base).

(() => {
  'use strict';

  // Injected twice into one document (an extension update re-injects): keep the first.
  // The flag is a Symbol key: a string one (`globalThis.__termlensGate`) is also the
  // name of any element the page gives that id or name, which would stop the gate.
  const GUARD = Symbol.for('termlens.gate');
  const scope = /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis));
  if (scope[GUARD]) return;
  scope[GUARD] = true;

  const api = globalThis.browser ?? globalThis.chrome;
  const MSG = globalThis.TERMLENS_MESSAGES;

  /** How long to watch a page whose text is missing or small, and how often at most. */
  const WATCH_MS = 30_000;
  const MAX_CHECKS = 40;
  /** Quiet time after the last mutation before looking again. */
  const SETTLE_MS = 400;
  /** A terms page with less text than this is probably still rendering. */
  const SMALL_TEXT = 2_000;

  /** Words of a URL path that name a terms document. */
  const PATH_WORDS = new Set([
    'terms', 'term', 'tos', 'legal', 'policy', 'policies', 'agreement', 'agreements',
    'aup', 'conditions', 'license', 'licence', 'licenses', 'licences', 'eula', 'dpa',
  ]);
  /** Words of a title or heading that name a terms document. */
  const HEADING_WORDS = /\b(terms|agreement|polic(?:y|ies)|conditions|licen[cs]e|acceptable use)\b/i;

  /** @type {{ phase: 'idle' | 'off' | 'loading' | 'active' | 'failed', reason: string, pageId: string }} */
  const state = {
    phase: 'idle',
    reason: '',
    pageId: Math.random().toString(36).slice(2) + Date.now().toString(36),
  };
  /** @type {Promise<any> | null} the annotator module, once asked for */
  let annotator = null;
  let warned = false;

  /**
   * Reports a failure: one console line per page at most, and the background is told.
   * Never throws.
   * @param {string} stage
   * @param {unknown} error
   */
  function report(stage, error) {
    let message = 'unknown error';
    try {
      message = (error instanceof Error ? error.message || error.name : String(error))
        .replace(/\s+/g, ' ').trim().slice(0, 300) || message;
      if (!warned) {
        warned = true;
        console.warn(`termlens: ${stage}: ${message}`);
      }
      // The console line above is the report when the background cannot be told.
      Promise.resolve(api.runtime.sendMessage({ type: MSG.CS_BG_ERROR, stage, message }))
        .catch(() => {}); // eslint-disable-line no-restricted-syntax
    } catch {
      // Reporting must never be the thing that breaks the page.
    }
  }

  /**
   * Whether `target` (lower case) matches a glob given as its literal pieces (the
   * table's `pieces`: the pattern's path split at `*`): the first piece at the start,
   * the last at the end, the others in order between. Plain string search, no RegExp:
   * compiling one RegExp per pattern cost 1-12 ms on every page.
   * @param {string[]} parts
   * @param {string} target
   */
  function globMatch(parts, target) {
    const last = parts.length - 1;
    if (last === 0) return target === parts[0];
    if (!target.startsWith(parts[0])) return false;
    let at = parts[0].length;
    for (let i = 1; i < last; i += 1) {
      const found = target.indexOf(parts[i], at);
      if (found < 0) return false;
      at = found + parts[i].length;
    }
    return target.length - at >= parts[last].length && target.endsWith(parts[last]);
  }

  /**
   * Whether the host name `host` (lower case) is the table entry's `host`, or, when
   * the entry's `subdomains` is true, a host under it (ends with `.` + `host`).
   * @param {{ host: string, subdomains: boolean }} entry
   * @param {string} host
   */
  function hostMatch(entry, host) {
    if (typeof entry.host !== 'string' || !entry.host) return false;
    if (host === entry.host) return true;
    return entry.subdomains === true && host.endsWith(`.${entry.host}`);
  }

  /**
   * The known document this address is, if any: the first entry of the ranked table
   * whose host and path both match (pkg/known-documents.js, most specific first,
   * written by the core's src/urlmatch.rs, which applies the same table to the
   * engine's own answer).
   * @returns {{ id: string, name: string } | null}
   */
  function knownDocument() {
    const table = globalThis.TERMLENS_KNOWN_PATTERNS;
    if (!Array.isArray(table)) return null;
    const host = location.hostname.toLowerCase();
    const path = location.pathname.toLowerCase();
    for (const entry of table) {
      if (entry && Array.isArray(entry.pieces) && hostMatch(entry, host) && globMatch(entry.pieces, path)) return entry;
    }
    return null;
  }

  /** Why this page looks like a terms page, or '' when it does not. */
  function decide() {
    const known = knownDocument();
    if (known) return `known document: ${known.name ?? known.id}`;
    const words = location.pathname.toLowerCase().split(/[^a-z]+/);
    if (words.some((w) => PATH_WORDS.has(w))) return 'terms-like address';
    if (HEADING_WORDS.test(document.title)) return 'terms-like title';
    const headings = document.querySelectorAll('h1, h2');
    for (let i = 0; i < headings.length && i < 20; i += 1) {
      if (HEADING_WORDS.test(headings[i].textContent ?? '')) return 'terms-like heading';
    }
    return '';
  }

  function textLength() {
    return document.body?.textContent?.length ?? 0;
  }

  /** @returns {Promise<any>} the annotator module (imported once) */
  function loadAnnotator() {
    annotator ??= import(api.runtime.getURL('extension/content/annotator.js'));
    return annotator;
  }

  /**
   * Starts annotating (or annotates again when already started).
   * @param {string} reason
   * @param {boolean} force annotate even if the text did not change
   * @returns {Promise<{ count: number }>}
   */
  async function activate(reason, force) {
    try {
      // Starting already: that first run will read the page as it is by then.
      if (state.phase === 'loading') return { count: 0 };
      if (state.phase === 'idle' || state.phase === 'failed' || state.phase === 'off') {
        state.phase = 'loading';
        state.reason = reason;
        const module = await loadAnnotator();
        const count = await module.start({ reason, report, pageId: state.pageId });
        state.phase = 'active';
        return { count };
      }
      const module = await loadAnnotator();
      return { count: await module.refresh(force) };
    } catch (error) {
      state.phase = 'failed';
      report('annotate', error);
      return { count: 0 };
    }
  }

  /**
   * Starts termlens on a page that qualifies, unless the reader turned it off for
   * this site. The setting is read only here, once a page qualifies, so pages that
   * are not terms cost no storage read. An "off" page still answers the popup,
   * whose Run button starts termlens anyway.
   * @param {string} reason
   * @returns {Promise<boolean>} false when the site is off
   */
  async function qualify(reason) {
    if (await siteIsOff()) {
      if (state.phase === 'idle') {
        state.phase = 'off';
        state.reason = 'off for this site';
      }
      return false;
    }
    activate(reason, false);
    return true;
  }

  /**
   * requestIdleCallback where there is one (a timer elsewhere).
   * @param {() => void} f
   * @param {number} timeout
   */
  const whenIdle = (f, timeout) => (globalThis.requestIdleCallback ?? ((g) => setTimeout(g, 0)))(f, { timeout });

  /**
   * Watches a page whose text is missing or small: mutations are batched (quiet
   * time, then idle time) and the watch ends after WATCH_MS or MAX_CHECKS looks,
   * whichever comes first. While the page is idle a look asks decide() again (the
   * title and at most 20 headings); once termlens runs, it compares the text's
   * length first (a terms page only: `textContent` builds the page's whole text).
   */
  function watch() {
    let timer = 0;
    let checks = 0;
    let lastLength = state.phase === 'idle' ? -1 : textLength();
    const observer = new MutationObserver(() => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = 0;
        whenIdle(look, 1_000);
      }, SETTLE_MS);
    });
    const stop = () => {
      observer.disconnect();
      if (timer) clearTimeout(timer);
    };
    const look = () => {
      try {
        if (state.phase === 'idle') {
          const reason = decide();
          if (!reason) return;
          checks += 1;
          lastLength = textLength();
          qualify(`${reason} (after load)`).then((on) => on || stop());
        } else if (state.phase === 'active') {
          const length = textLength();
          if (length === lastLength) return;
          lastLength = length;
          checks += 1;
          activate(state.reason, false);
        }
        if (checks >= MAX_CHECKS) stop();
      } catch (error) {
        stop();
        report('watch', error);
      }
    };
    observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    setTimeout(stop, WATCH_MS);
  }

  // Messages from the background: the closed set is in extension/shared/messages.js.
  // Replies use the same envelope as extension/shared/runtime.js.
  const handlers = {
    [MSG.BG_CS_RUN]: () => activate('on demand', true),
    [MSG.BG_CS_NAVIGATE]: async (/** @type {any} */ message) => {
      if (state.phase !== 'active') return { moved: false };
      const module = await loadAnnotator();
      if (typeof message.provision === 'string') return module.show(message.provision, message.card !== false);
      return module.navigate(message.direction === 'previous' ? -1 : 1, 'command');
    },
    [MSG.BG_CS_SHOW_CHANGES]: async () => {
      if (state.phase !== 'active') return { opened: false };
      return (await loadAnnotator()).openChangesList();
    },
    [MSG.BG_CS_SHOW_CHANGE]: async (/** @type {any} */ message) => {
      if (state.phase !== 'active') return { shown: false };
      return (await loadAnnotator()).scrollToChange(Number(message.index));
    },
    [MSG.BG_CS_SELECTION]: () => String(globalThis.getSelection?.() ?? '').replace(/\s+/g, ' ').trim().slice(0, 1000),
    [MSG.BG_CS_STATUS]: async () => {
      const module = state.phase === 'active' ? await loadAnnotator() : null;
      return { phase: state.phase, reason: state.reason, pageId: state.pageId, url: location.href, count: module ? module.count() : 0 };
    },
  };
  // Registered on every page: the popup, the keyboard commands and the context menu
  // reach a page only through it (BENCHMARKS.md: waking an idle gate another way
  // needs host permissions in Chromium).
  api.runtime.onMessage.addListener((/** @type {any} */ message, /** @type {any} */ sender, /** @type {(reply: object) => void} */ sendResponse) => {
    const type = message && typeof message.type === 'string' ? message.type : '';
    if (!Object.hasOwn(handlers, type) || sender.id !== api.runtime.id) return false;
    Promise.resolve()
      .then(() => handlers[type](message))
      .then(
        (value) => sendResponse({ ok: true, value }),
        (error) => sendResponse({ ok: false, error: String(error?.message ?? error) }),
      );
    return true;
  });

  /**
   * Whether the reader turned termlens off for this site (options page; the
   * `settings.sitesOff` host names of extension/shared/settings.js).
   */
  async function siteIsOff() {
    try {
      const stored = (await api.storage.local.get('settings'))?.settings;
      return Array.isArray(stored?.sitesOff) && stored.sitesOff.includes(location.hostname.toLowerCase());
    } catch {
      return false;
    }
  }

  (async () => {
    try {
      if (!(document instanceof HTMLDocument) || !document.body) return;
      const reason = decide();
      if (reason && !(await qualify(reason))) return;
      // Not terms (yet), or terms with little text so far: watch. (The watch and the
      // listener in idle time instead cost 0.6 ms more thread time: BENCHMARKS.md.)
      if (!reason || textLength() < SMALL_TEXT) watch();
    } catch (error) {
      report('gate', error);
    }
  })();
})();
