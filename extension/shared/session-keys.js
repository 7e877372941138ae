// termlens: the keys of storage.session that more than one context reads. The side
// panel follows them with storage.onChanged: an event, where the background writes.

/** A tab's status record is under this prefix and the tab's id (background/tab-status.js). */
export const TAB_KEY_PREFIX = 'tab:';

/**
 * What the side panel shows selected, `{ tabId, provision }`: set by the card's "Open
 * in side panel" (background/panel.js), read by the side panel when it opens or is open.
 */
export const PANEL_SELECTED_KEY = 'panel:selected';
