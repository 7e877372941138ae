// termlens: building elements from text. Every string is set as text or as an
// attribute value, never parsed as HTML: page text and knowledge-base text are hostile
// input wherever they are shown.

/**
 * An element of `doc` with a class, text, attributes and children.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {Document} doc
 * @param {K} tag
 * @param {{ class?: string, text?: string | null, attrs?: Record<string, string> }} [options]
 * @param {(Node | string | null | undefined | false | 0)[]} [children] falsy entries are skipped
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(doc, tag, options = {}, children = []) {
  const element = doc.createElement(tag);
  if (options.class) element.className = options.class;
  if (options.text != null) element.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}

/**
 * An element of this page's document with an optional class and text.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string | null} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, className, text) {
  return h(document, tag, { class: className, text });
}

/**
 * What a host's inline styles set, whatever the page's rules say, besides its
 * placement: the properties a page rule for `div` could use to hide, move or disable an
 * overlay. (Not `all`: an `!important` line-height or letter-spacing in a style
 * attribute would keep the reader's own text spacing out.)
 */
const HOST_STYLE = {
  top: 'auto', right: 'auto', bottom: 'auto', left: 'auto', margin: '0', padding: '0', border: 'none',
  opacity: '1', visibility: 'visible', transform: 'none', filter: 'none', 'clip-path': 'none',
  'pointer-events': 'auto',
};

/**
 * A host element for an overlay (the card, the changes panel), with its closed shadow
 * root. The host is a plain `div`: a page's custom element registry cannot upgrade it
 * (a custom element name such as `termlens-card` would let a page define the element
 * first, read its root through attachInternals() or attach a root of its own), and the
 * root is attached here, before the element is in the page. Its placement is set as
 * inline `!important` styles, which no page stylesheet overrides (a page's ordinary
 * `div` rules would otherwise reach it); `show()` displays it or not.
 * @param {Document} doc
 * @param {Record<string, string>} placement CSS properties of the host (position, z-index...)
 */
export function overlayHost(doc, placement) {
  const host = doc.createElement('div');
  const root = host.attachShadow({ mode: 'closed' });
  let shown = false;
  for (const [name, value] of Object.entries({ ...HOST_STYLE, ...placement })) host.style.setProperty(name, value, 'important');
  host.style.setProperty('display', 'none', 'important');
  return {
    host,
    root,
    /** @param {boolean} on */
    show(on) {
      shown = on;
      host.style.setProperty('display', on ? 'block' : 'none', 'important');
    },
    /** Whether the host is displayed. */
    shown: () => shown,
  };
}
