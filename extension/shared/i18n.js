// termlens: the user-visible strings, from _locales/<locale>/messages.json.
//
// `t(key, ...values)` is `i18n.getMessage` with `$1`…`$9` filled in; `localise(root)`
// fills the elements of a page that name their string in `data-i18n` (text),
// `data-i18n-placeholder`, `data-i18n-aria-label` or `data-i18n-title`. Works in every
// context that has the i18n API (extension pages, content scripts, the background).

const api = globalThis.browser ?? globalThis.chrome;

/**
 * The string `key` in the browser's language, with the values substituted.
 * @param {string} key
 * @param {...(string | number)} values
 */
export function t(key, ...values) {
  let text = '';
  try {
    text = api?.i18n?.getMessage(key, values.length ? values.map(String) : undefined) ?? '';
  } catch {
    // No i18n API (a test outside the browser): the key stands in.
  }
  return text || key;
}

const ATTRIBUTES = /** @type {const} */ ([['i18nPlaceholder', 'placeholder'], ['i18nAriaLabel', 'aria-label'], ['i18nTitle', 'title']]);

/**
 * Fills the strings of a page's static markup.
 * @param {ParentNode} root
 */
export function localise(root) {
  for (const element of root.querySelectorAll('[data-i18n], [data-i18n-placeholder], [data-i18n-aria-label], [data-i18n-title]')) {
    const el = /** @type {HTMLElement} */ (element);
    if (el.dataset.i18n) el.textContent = t(el.dataset.i18n);
    for (const [data, attribute] of ATTRIBUTES) {
      const key = el.dataset[data];
      if (key) el.setAttribute(attribute, t(key));
    }
  }
}
