// termlens: what the card and the changes panel show, told to the background for the
// browser tests. The annotator imports this module only when the harness set
// `storage.local.termlensTestHooks`; the background refuses these messages otherwise.

import { MSG, send } from '../shared/runtime.js';

/**
 * The test reporters of one page.
 * @param {(stage: string, error: unknown) => void} report
 */
export function createTestHooks(report) {
  /** @param {string} type @param {object} payload */
  const tell = (type, payload) => {
    send(type, payload).catch((error) => report('test hooks', error));
  };
  return {
    /** @param {import('../overlay/card.js').CardState} state */
    card: (state) => tell(MSG.CS_BG_CARD_STATE, { card: state }),
    /** @param {object | null} state */
    panel: (state) => tell(MSG.CS_BG_CHANGES_STATE, { panel: state }),
    /** @param {{ text: string, label: string } | null} state */
    badge: (state) => tell(MSG.CS_BG_CHANGES_STATE, { badge: state }),
    /** @param {{ index: number, kind: string, text: string }} shown */
    shown: (shown) => tell(MSG.CS_BG_CHANGES_STATE, { shown }),
  };
}
