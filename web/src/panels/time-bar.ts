import i18next from 'i18next';
import type { ExpressionSpecification, Map as MapLibreMap } from 'maplibre-gl';
import { incidentHistogram, type HistogramAnswer, type IncidentFilter } from '../api/client.js';
import { t } from '../i18n/index.js';
import type { AppState } from '../state/app-state.js';
import { zoneDisplay } from '../state/local-zone.js';
import { h } from './dom.js';

/** How the bar bins incidents: the hours of a day (its window is the hour filter) or the calendar (from/to). */
export type TimeBin = HistogramAnswer['bin'];
/** Milliseconds a step of the player stays at 1× (at 2× half of it…); the step also waits for the map's answer. */
/** Geometric-shape glyphs (U+25B6, U+25AE) the CJK font draws; ⏸ (U+23F8) showed as a box. */
const PLAY_GLYPH = '▶';
const PAUSE_GLYPH = '▮▮';
const STEP_MS = 1200;
const SPEEDS = [0.5, 1, 2, 4] as const;
const SVG_NS = 'http://www.w3.org/2000/svg';

/** "北京时间 (Asia/Shanghai)": the deployment's zone in the reader's language. */
export function zoneText(): string {
  return zoneDisplay(i18next.language, (key) => {
    const word = t(`zone.names.${key}`);
    return word === `zone.names.${key}` ? undefined : word;
  });
}

export interface TimeBar {
  /** Re-reads the histogram when the rest of the filter (weekdays, category, the other time dimension) changed. */
  sync(): Promise<void>;
  /** Redraws in the current language. */
  render(): void;
  /** Plays the window forward one bin at a time until paused (the day player in hour mode). */
  play(): void;
  pause(): void;
}

/** The filter without the dimension the bar owns (hours, or from/to), so its histogram shows what can be brushed. */
function baseOf(f: IncidentFilter, bin: TimeBin): IncidentFilter {
  const { hours, from, to, ...rest } = f;
  if (bin === 'hour') return { ...rest, ...(from ? { from } : {}), ...(to ? { to } : {}) };
  return { ...rest, ...(hours ? { hours } : {}) };
}

/**
 * The time bar under the map (kepler.gl's time filter): the server's histogram of the filtered incidents per local
 * hour, day or week, a brush that picks the window, play/pause, step and speed. The window is the incident filter
 * (hours, or from/to) for the cells and heat map, and a MapLibre filter on the incident points of the tiles (their
 * `hour` and `occurred_on` attributes, local time). It never re-renders the sidebar or the details, so an open
 * 24×7 chart stays open while it plays.
 */
export function initTimeBar(
  el: HTMLElement,
  map: MapLibreMap,
  state: AppState,
  hooks: { onFilter(): Promise<void> },
): TimeBar {
  let bin: TimeBin = 'hour';
  let answer: HistogramAnswer | undefined;
  let baseKey = '';
  /** Brushed bins [first, last] (indices into answer.bins), or none: everything. */
  let win: [number, number] | undefined;
  let speed: (typeof SPEEDS)[number] = 1;
  let playing = false;
  let collapsed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const bins = () => answer?.bins ?? [];
  const label = (i: number) => {
    const b = bins()[i];
    if (!b) return '';
    return bin === 'hour' ? `${b.key}:00` : b.key;
  };
  const windowText = () => {
    if (!win) return t('timebar.all');
    const [a, z] = win;
    if (bin === 'hour') return `${a}:00–${z + 1}:00`;
    return a === z ? label(a) : `${label(a)} – ${label(z)}`;
  };
  const windowCount = () =>
    win
      ? bins()
          .slice(win[0], win[1] + 1)
          .reduce((s, b) => s + b.n, 0)
      : (answer?.total ?? 0);

  /** The window as the incident filter and as the point layer's filter; then the cells and the summary reload. */
  const applyWindow = async () => {
    const rest = baseOf(state.filter, bin);
    let next: IncidentFilter = { ...rest, res: state.filter.res };
    let pointFilter: ExpressionSpecification | null = null;
    if (win) {
      const [a, z] = win;
      if (bin === 'hour') {
        const hours = Array.from({ length: z - a + 1 }, (_, i) => a + i);
        next = { ...next, hours };
        pointFilter = ['in', ['get', 'hour'], ['literal', hours]];
      } else {
        const first = bins()[a];
        const last = bins()[z];
        if (first?.from && last?.to) {
          next = { ...next, from: first.from, to: last.to };
          pointFilter = [
            'all',
            ['>=', ['get', 'occurred_on'], first.from.slice(0, 10)],
            ['<', ['get', 'occurred_on'], last.to.slice(0, 10)],
          ];
        }
      }
    }
    // The rest of the filter (sidebar: hours/weekdays/category) narrows the points too.
    const also: ExpressionSpecification[] = [];
    if (bin !== 'hour' && rest.hours?.length) also.push(['in', ['get', 'hour'], ['literal', rest.hours]]);
    if (rest.weekdays?.length) also.push(['in', ['get', 'weekday'], ['literal', rest.weekdays]]);
    if (rest.category) also.push(['==', ['get', 'category'], rest.category]);
    const all = [...(pointFilter ? [pointFilter] : []), ...also];
    if (map.getLayer('incidents'))
      map.setFilter('incidents', all.length === 0 ? null : all.length === 1 ? (all[0] ?? null) : ['all', ...all]);
    state.filter = next;
    baseKey = JSON.stringify(baseOf(next, bin));
    window.gridpatrol.timeWindow = win ? [...win] : [];
    window.gridpatrol.timeWindowLabel = windowText();
    update();
    await hooks.onFilter();
    window.gridpatrol.timeWindowApplied += 1;
  };

  const load = async () => {
    const base = baseOf(state.filter, bin);
    baseKey = JSON.stringify(base);
    answer = await incidentHistogram(bin, base);
    window.gridpatrol.timeBins = answer.bins.map((b) => b.n);
    window.gridpatrol.timeBin = bin;
    if (win && (win[1] >= answer.bins.length || win[0] < 0)) win = undefined;
    render();
  };

  const stopTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const step = async (by: number) => {
    const n = bins().length;
    if (n === 0) return;
    const width = win ? win[1] - win[0] + 1 : 1;
    let a = win ? win[0] + by : by > 0 ? 0 : n - width;
    // Hours wrap round the day; the calendar stops at its ends.
    if (bin === 'hour') a = ((a % n) + n) % n;
    else a = Math.max(0, Math.min(n - width, a));
    const z = Math.min(n - 1, a + width - 1);
    win = [a, z];
    await applyWindow();
  };
  const tick = async () => {
    if (!playing) return;
    const n = bins().length;
    if (bin !== 'hour' && win && win[1] >= n - 1) {
      pause();
      return;
    }
    await step(1);
    window.gridpatrol.timePlayedLabels.push(windowText());
    window.gridpatrol.timePlayedSteps += 1;
    if (playing) timer = setTimeout(() => void tick(), STEP_MS / speed);
  };
  const play = () => {
    if (playing) return;
    playing = true;
    state.playing = true;
    window.gridpatrol.timePlayedSteps = 0;
    window.gridpatrol.timePlayedLabels = [];
    window.gridpatrol.timePlaying = true;
    update();
    void tick();
  };
  /** Stops the player; `redraw: false` while the brush is held (a redraw would replace the SVG under the pointer). */
  const pause = (redraw = true) => {
    playing = false;
    state.playing = false;
    stopTimer();
    window.gridpatrol.timePlaying = false;
    if (redraw) update();
  };

  /**
   * Updates the drawn bar in place (play button, window, count, bar colours): a play step must not replace the
   * buttons, or a click on pause lands on a button that is gone.
   */
  let dom:
    | {
        play: HTMLElement;
        windowLabel: HTMLElement;
        count: HTMLElement;
        clear: HTMLButtonElement;
        rects: SVGRectElement[];
      }
    | undefined;
  /** The play button's glyph, tooltip and pressed state for `playing` (one place for rebuild, update and brush). */
  function paintPlay(btn: HTMLElement): void {
    btn.textContent = playing ? PAUSE_GLYPH : PLAY_GLYPH;
    btn.title = playing ? t('timebar.pause') : t('timebar.play');
    btn.setAttribute('aria-pressed', String(playing));
  }
  function update(): void {
    if (!dom) {
      render();
      return;
    }
    paintPlay(dom.play);
    dom.windowLabel.textContent = windowText();
    dom.count.textContent = t('timebar.count', { n: windowCount() });
    dom.clear.disabled = !win;
    for (const [i, r] of dom.rects.entries())
      r.setAttribute('class', !win || (i >= win[0] && i <= win[1]) ? 'in' : 'out');
  }

  // The brush: press on a bar, drag to another, release; a click alone picks one bin.
  let dragFrom: number | undefined;
  const binAt = (svg: SVGSVGElement, clientX: number) => {
    const r = svg.getBoundingClientRect();
    const n = bins().length;
    return Math.max(0, Math.min(n - 1, Math.floor(((clientX - r.left) / Math.max(1, r.width)) * n)));
  };

  let renderedLang = '';
  let playEl: HTMLElement | undefined;
  function render(): void {
    renderedLang = i18next.language;
    el.replaceChildren();
    el.dataset.testid = 'time-bar';
    el.classList.toggle('collapsed', collapsed);
    const list = bins();
    const max = Math.max(1, ...list.map((b) => b.n));

    // One play button for the bar's life: a rebuild (new histogram, new language) moves it, never replaces it, so a
    // pause clicked while the player steps lands on the button the user sees.
    playEl ??= h('button', { 'data-testid': 'time-play' });
    const playBtn = playEl;
    paintPlay(playBtn);
    playBtn.onclick = () => (playing ? pause() : play());
    const back = h('button', { 'data-testid': 'time-step-back', title: t('timebar.step_back') }, '«');
    back.onclick = () => void step(-1);
    const fwd = h('button', { 'data-testid': 'time-step', title: t('timebar.step') }, '»');
    fwd.onclick = () => void step(1);
    const speedSel = h('select', { 'data-testid': 'time-speed', title: t('timebar.speed') }) as HTMLSelectElement;
    for (const s of SPEEDS) speedSel.append(h('option', { value: String(s) }, `${s}×`));
    speedSel.value = String(speed);
    speedSel.onchange = () => {
      speed = Number(speedSel.value) as (typeof SPEEDS)[number];
    };
    const binSel = h('select', { 'data-testid': 'time-bin', title: t('timebar.bin') }) as HTMLSelectElement;
    for (const b of ['hour', 'day', 'week'] as const) binSel.append(h('option', { value: b }, t(`timebar.bins.${b}`)));
    binSel.value = bin;
    binSel.onchange = async () => {
      pause();
      // Leaving a mode gives its dimension back to the filter.
      win = undefined;
      await applyWindow();
      bin = binSel.value as TimeBin;
      await load();
    };
    const clear = h('button', { 'data-testid': 'time-clear', title: t('timebar.clear') }, '✕');
    clear.disabled = !win;
    clear.onclick = async () => {
      pause();
      win = undefined;
      await applyWindow();
    };
    const fold = h(
      'button',
      { class: 'fold', title: t(collapsed ? 'timebar.expand' : 'timebar.collapse') },
      collapsed ? '▴' : '▾',
    );
    fold.onclick = () => {
      collapsed = !collapsed;
      render();
    };
    const windowLabel = h('span', { class: 'window', 'data-testid': 'time-window' }, windowText());
    const count = h('span', { class: 'count', 'data-testid': 'time-count' }, t('timebar.count', { n: windowCount() }));
    const zone = h('span', { class: 'zone muted', 'data-testid': 'time-zone' }, zoneText());

    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', `0 0 ${Math.max(1, list.length) * 10} 50`);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', t('timebar.aria', { window: windowText() }));
    svg.dataset.testid = 'time-histogram';
    list.forEach((b, i) => {
      const r = document.createElementNS(SVG_NS, 'rect');
      const hgt = b.n === 0 ? 0 : Math.max(1.5, (b.n / max) * 48);
      r.setAttribute('x', String(i * 10 + 1));
      r.setAttribute('width', '8');
      r.setAttribute('y', String(50 - hgt));
      r.setAttribute('height', String(hgt));
      const inside = !win || (i >= win[0] && i <= win[1]);
      r.setAttribute('class', inside ? 'in' : 'out');
      r.dataset.n = String(b.n);
      const tip = document.createElementNS(SVG_NS, 'title');
      tip.textContent = `${label(i)} — ${b.n}`;
      r.append(tip);
      svg.append(r);
    });
    svg.addEventListener('pointerdown', (e) => {
      if (list.length === 0) return;
      svg.setPointerCapture(e.pointerId);
      if (playing) {
        pause(false);
        paintPlay(playBtn);
      }
      dragFrom = binAt(svg, e.clientX);
      const i = dragFrom;
      for (const [j, r] of [...svg.querySelectorAll('rect')].entries()) r.setAttribute('class', j === i ? 'in' : 'out');
    });
    svg.addEventListener('pointermove', (e) => {
      if (dragFrom === undefined) return;
      const i = binAt(svg, e.clientX);
      const [a, z] = [Math.min(dragFrom, i), Math.max(dragFrom, i)];
      for (const [j, r] of [...svg.querySelectorAll('rect')].entries())
        r.setAttribute('class', j >= a && j <= z ? 'in' : 'out');
    });
    svg.addEventListener('pointerup', (e) => {
      if (dragFrom === undefined) return;
      const i = binAt(svg, e.clientX);
      win = [Math.min(dragFrom, i), Math.max(dragFrom, i)];
      dragFrom = undefined;
      void applyWindow();
    });
    const ticks = h('div', { class: 'ticks' });
    const tickAt = bin === 'hour' ? [0, 6, 12, 18, 23] : [0, Math.floor((list.length - 1) / 2), list.length - 1];
    for (const i of [...new Set(tickAt)].filter((i) => i >= 0 && i < list.length))
      ticks.append(h('span', {}, label(i)));

    el.append(
      h('div', { class: 'controls' }, back, playBtn, fwd, speedSel, binSel, windowLabel, count, clear, zone, fold),
      h('div', { class: 'bars' }, svg, ticks),
    );
  }

  return {
    async sync() {
      if (JSON.stringify(baseOf(state.filter, bin)) !== baseKey || !answer) await load();
    },
    // The app re-renders its panels on many events: rebuild only for a new language, else update in place.
    render: () => (i18next.language === renderedLang ? update() : render()),
    play,
    pause,
  };
}
