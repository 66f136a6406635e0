import type { Map as MapLibreMap } from 'maplibre-gl';
import i18next from 'i18next';
import { exportLayerFile, importLayers, type LayerSpec } from '../api/import-client.js';
import { t } from '../i18n/index.js';
import { h } from './dom.js';
import { download } from './export.js';

/** The formats offered, as the export endpoint's format and encoding (CSV twice: UTF-8 with a BOM, and GBK). */
export const LAYER_EXPORTS = {
  geojson: { format: 'geojson', encoding: 'utf-8' },
  csv: { format: 'csv', encoding: 'utf-8' },
  'csv-gbk': { format: 'csv', encoding: 'gbk' },
  xlsx: { format: 'xlsx', encoding: 'utf-8' },
  shapefile: { format: 'shapefile', encoding: 'utf-8' },
  kml: { format: 'kml', encoding: 'utf-8' },
} as const;
type Choice = keyof typeof LAYER_EXPORTS;

let specs: Promise<LayerSpec[]> | undefined;
const picked: { layer: string; format: Choice; inView: boolean } = { layer: 'grids', format: 'geojson', inView: false };

/**
 * 导出图层, beside the PNG and PDF buttons: a layer, a format and optionally the map's current box; the file is the
 * server's export (GET /{layer}/export), which the import reads back.
 */
export function layerExportControls(map: MapLibreMap): HTMLElement {
  const layer = h('select', { 'data-testid': 'layer-export-layer' }) as HTMLSelectElement;
  const fill = (list: LayerSpec[]) => {
    for (const l of list)
      layer.append(h('option', { value: l.layer }, i18next.language.startsWith('zh') ? l.label.zh : l.label.en));
    layer.value = picked.layer;
  };
  specs ??= importLayers();
  void specs.then(fill).catch(() => undefined);
  layer.onchange = () => {
    picked.layer = layer.value;
  };
  const format = h('select', { 'data-testid': 'layer-export-format' }) as HTMLSelectElement;
  for (const k of Object.keys(LAYER_EXPORTS)) format.append(h('option', { value: k }, t(`layer_export.formats.${k}`)));
  format.value = picked.format;
  format.onchange = () => {
    picked.format = format.value as Choice;
  };
  const inView = h('input', { type: 'checkbox', 'data-testid': 'layer-export-bbox' }) as HTMLInputElement;
  inView.checked = picked.inView;
  inView.onchange = () => {
    picked.inView = inView.checked;
  };
  const status = h('p', { class: 'muted', 'data-testid': 'layer-export-status' });
  const go = h('button', { 'data-testid': 'layer-export' }, t('layer_export.go')) as HTMLButtonElement;
  go.onclick = async () => {
    const choice = LAYER_EXPORTS[picked.format];
    go.disabled = true;
    status.className = 'muted';
    status.textContent = t('layer_export.busy');
    try {
      const file = await exportLayerFile(picked.layer, choice.format, {
        encoding: choice.encoding,
        ...(picked.inView ? { bbox: map.getBounds().toArray().flat() } : {}),
      });
      download(URL.createObjectURL(file.blob), file.name);
      window.gridpatrol.lastLayerExport = { name: file.name, bytes: file.blob.size, rows: file.rows };
      status.textContent = t('layer_export.done', { name: file.name, n: file.rows });
    } catch (e) {
      status.className = 'error';
      status.textContent = e instanceof Error ? e.message : String(e);
    } finally {
      go.disabled = false;
    }
  };
  return h(
    'section',
    { class: 'layer-export', 'data-testid': 'layer-export-controls' },
    h('h4', {}, t('layer_export.title')),
    h('label', { class: 'row' }, t('layer_export.layer'), layer),
    h('label', { class: 'row' }, t('layer_export.format'), format),
    h('label', { class: 'row' }, inView, t('layer_export.in_view')),
    h('div', { class: 'buttons' }, go),
    status,
  );
}
