import { HeatmapChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { HourProfileAnswer } from '../api/client.js';
import { t, tList } from '../i18n/index.js';
import { COUNT_COLOURS } from '../layers/incident-layers.js';
import { zoneText } from './time-bar.js';

use([HeatmapChart, GridComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

/** The planners' 24×7 chart (ECharts heat map, Monday on top) and the peak periods under it. */
export function renderHourChart(el: HTMLElement, answer: HourProfileAnswer): void {
  el.replaceChildren();
  const box = document.createElement('div');
  box.style.cssText = 'width: 100%; height: 190px';
  box.dataset.testid = 'hour-chart';
  el.append(box);
  const days = tList('filter.weekday_names');
  const data = answer.matrix.flatMap((row, d) => row.map((n, hour) => [hour, 6 - d, n]));
  const max = Math.max(1, ...answer.matrix.flat());
  const chart = init(box, undefined, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    grid: { left: 28, right: 6, top: 6, bottom: 40 },
    tooltip: {
      formatter: (p: { value: [number, number, number] }) =>
        `${days[6 - p.value[1]] ?? ''} ${p.value[0]}:00 — ${p.value[2]}`,
    },
    xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h)), splitArea: { show: true } },
    yAxis: { type: 'category', data: [...days].reverse(), splitArea: { show: true } },
    visualMap: {
      min: 0,
      max,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      itemWidth: 10,
      inRange: { color: COUNT_COLOURS.map((c) => `rgb(${c.join(',')})`) },
      textStyle: { fontSize: 10 },
    },
    series: [{ type: 'heatmap', data, emphasis: { itemStyle: { borderColor: '#111' } } }],
  });
  const peaks = document.createElement('p');
  peaks.className = 'muted';
  peaks.dataset.testid = 'peaks';
  const total = answer.profile.byHour.reduce((a, b) => a + b, 0);
  peaks.textContent = t('incidents.peaks', {
    total,
    peaks:
      answer.profile.peaks.map((p) => `${p.fromHour}:00–${p.toHour}:00 (${(p.share * 100).toFixed(0)}%)`).join('，') ||
      '—',
  });
  el.append(peaks);
  // The hours are the deployment's (GRIDPATROL_TZ), which may not be the browser's own zone.
  const zone = document.createElement('p');
  zone.className = 'muted zone';
  zone.dataset.testid = 'hour-chart-zone';
  zone.textContent = t('zone.hours_in', { zone: zoneText() });
  el.append(zone);
}
