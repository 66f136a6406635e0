import { t } from '../i18n/index.js';

/**
 * The page's one polite live region (`#status`, read by screen readers, not shown) and the loading line over the map
 * (`#loading`): "地图加载中…" until the first map is drawn, then "地图已加载"; long work says "计算中…" and its end.
 */
export function announce(text: string): void {
  const el = document.getElementById('status');
  if (el) el.textContent = text;
  window.gridpatrol.status = text;
}

/** The loading line on while the first map loads, off (and announced) when it is drawn. */
export function showLoading(on: boolean): void {
  const el = document.getElementById('loading');
  if (el) el.hidden = !on;
  announce(t(on ? 'status.loading' : 'status.ready'));
  if (on) window.gridpatrol.loadingShownAt = performance.now();
  else window.gridpatrol.loadingHiddenAt = performance.now();
}
