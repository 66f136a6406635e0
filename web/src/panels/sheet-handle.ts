import { t } from '../i18n/index.js';
import { h } from './dom.js';

/**
 * The phone's bottom sheet (the sidebar below 900 px) pulled down to a strip or up again: a handle on its top edge,
 * clicked or dragged (down folds it, up opens it) or pressed with Enter/Space. It lives outside the sidebar, which
 * re-renders its content; `body.sheet-folded` moves the sheet, the legend and the time bar together (styles.css).
 */
export function installSheetHandle(): HTMLElement {
  const handle = h('button', {
    id: 'sheet-handle',
    type: 'button',
    'data-testid': 'sheet-handle',
    'aria-controls': 'sidebar',
  }) as HTMLButtonElement;
  const set = (folded: boolean) => {
    document.body.classList.toggle('sheet-folded', folded);
    handle.setAttribute('aria-expanded', String(!folded));
    handle.setAttribute('aria-label', t(folded ? 'sheet.open' : 'sheet.fold'));
    handle.title = t(folded ? 'sheet.open' : 'sheet.fold');
    window.gridpatrol.sheetFolded = folded;
  };
  set(false);
  // A drag of more than this many px decides by its direction; less is a click (a toggle).
  const DRAG_PX = 24;
  let startY: number | undefined;
  let dragged = false;
  handle.addEventListener('pointerdown', (e) => {
    startY = e.clientY;
    dragged = false;
    handle.setPointerCapture(e.pointerId);
  });
  handle.addEventListener('pointerup', (e) => {
    if (startY === undefined) return;
    const dy = e.clientY - startY;
    startY = undefined;
    if (Math.abs(dy) > DRAG_PX) {
      dragged = true;
      set(dy > 0);
    }
  });
  handle.addEventListener('click', () => {
    // A drag ends in a click too: it has decided already.
    if (dragged) {
      dragged = false;
      return;
    }
    set(!document.body.classList.contains('sheet-folded'));
  });
  document.body.append(handle);
  return handle;
}
