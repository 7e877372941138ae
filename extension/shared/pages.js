// termlens: pages that no extension may read (browser pages, the add-on stores).
//
// Browsers run no content script there, so termlens cannot find anything; the popup
// says so instead of offering a Run button that can only fail.

/** URL schemes of the browsers' own pages. */
const BROWSER_SCHEMES = new Set([
  'about:', 'chrome:', 'chrome-extension:', 'chrome-search:', 'chrome-untrusted:', 'devtools:',
  'edge:', 'moz-extension:', 'resource:', 'view-source:', 'file:', 'data:', 'javascript:',
]);

/** The add-on stores, where browsers block every extension's content scripts. */
const STORES = [
  { host: 'chromewebstore.google.com', path: '/' },
  { host: 'chrome.google.com', path: '/webstore' },
  { host: 'addons.mozilla.org', path: '/' },
  { host: 'microsoftedge.microsoft.com', path: '/addons' },
];

/**
 * Why termlens may not read a page: 'browser' (a browser page), 'store' (an add-on
 * store), 'file' (a local file, readable only when the user allows it), or '' when
 * it may. An unknown or missing address gives ''.
 * @param {string | undefined} url
 * @returns {'' | 'browser' | 'store' | 'file'}
 */
export function restriction(url) {
  if (!url) return '';
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return '';
  }
  if (parsed.protocol === 'file:') return 'file';
  if (BROWSER_SCHEMES.has(parsed.protocol)) return 'browser';
  if (parsed.protocol === 'https:' || parsed.protocol === 'http:') {
    const host = parsed.hostname.toLowerCase();
    if (STORES.some((s) => s.host === host && parsed.pathname.startsWith(s.path))) return 'store';
  }
  return '';
}
