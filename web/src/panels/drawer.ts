import { t } from '../i18n/index.js';
import { h } from './dom.js';

/**
 * The planning drawer: a wide panel over the bottom of the map (right of the sidebar) for the tables the sidebar is too
 * narrow for (workload, nesting, districting, plan scorecards). The sidebar keeps the controls; the drawer the tables.
 */
let el: HTMLElement | undefined;
let body: HTMLElement | undefined;
let dismissed = false;

function ensure(): HTMLElement {
  if (el) return el;
  const close = h('button', { class: 'close', 'data-testid': 'plan-drawer-close', title: t('drawer.close') }, '×');
  close.onclick = () => {
    dismissed = true;
    if (el) el.hidden = true;
  };
  body = h('div', { class: 'drawer-body' });
  el = h(
    'section',
    { id: 'plan-drawer', 'data-testid': 'plan-drawer', 'aria-label': t('drawer.title') },
    h('header', {}, h('strong', {}, t('drawer.title')), close),
    body,
  );
  el.hidden = true;
  document.body.append(el);
  return el;
}

/** Puts the tables in the drawer (none: the drawer hides). Shown unless the user closed it since the last `reopen`. */
export function setDrawer(parts: HTMLElement[]): void {
  const d = ensure();
  body?.replaceChildren(...parts);
  d.hidden = parts.length === 0 || dismissed;
}

/** A new result arrived, or the user asked for the tables: the drawer opens again. */
export function reopenDrawer(): void {
  dismissed = false;
  if (el && body?.childElementCount) el.hidden = false;
}

/**
 * Padding for fitting the planning views' areas: right of the sidebar, and above the drawer when it is open (its
 * height and a margin), else 40 px from the bottom.
 */
export const drawerFitPadding = (): { top: number; bottom: number; left: number; right: number } => {
  const d = document.getElementById('plan-drawer');
  return { top: 40, bottom: d && !d.hidden ? d.getBoundingClientRect().height + 30 : 40, left: 340, right: 40 };
};
