// termlens: offers a text as a file to save, from an extension page (popup, options).

/**
 * Offers `text` as a file download named `name` (a Blob URL on a hidden <a download>,
 * in the document while it is clicked, which Firefox needs).
 * @param {string} name
 * @param {string} type   MIME type, e.g. 'application/json'
 * @param {string} text
 */
export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
