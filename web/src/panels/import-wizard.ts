import type { FeatureCollection } from 'geojson';
import i18next from 'i18next';
import {
  formatOfFile,
  ImportError,
  importLayers,
  inspectUpload,
  sendImport,
  undoBatch,
  type ImportReport,
  type Inspection,
  type LayerSpec,
  type UndoReport,
  type UploadFormat,
  type UploadOptions,
} from '../api/import-client.js';
import { t } from '../i18n/index.js';
import type { MapContext } from '../map/map-context.js';
import { showImportPreview } from '../map/import-preview.js';
import type { AppState } from '../state/app-state.js';
import { h, section } from './dom.js';
import { issueLine, splitErrorPath } from './import-rows.js';
import { detectedStep, mappingStep, previewStep, reportStep } from './import-steps.js';

/**
 * 导入向导 (issue #15): a file → what was detected → the rows on the map and in a table → the column mapping → a dry
 * run → the import → its undo. Every step is the server's answer (inspect, import with dry_run, batches); the panel
 * keeps the file and the choices between sidebar re-renders.
 */
interface Wizard {
  layers?: LayerSpec[];
  layer: string;
  file?: { name: string; format: UploadFormat; bytes: Uint8Array };
  crs: string;
  map: Record<string, string>;
  set: Record<string, string>;
  inspection?: Inspection;
  dryRun?: ImportReport;
  result?: ImportReport;
  undone?: UndoReport;
  busy?: 'inspect' | 'dry_run' | 'import' | 'undo';
  error?: { text: string; lines: string[] };
}
const wiz: Wizard = { layer: 'cameras', crs: 'wgs84', map: {}, set: {} };
let body: HTMLElement | undefined;
let ctxRef: MapContext | undefined;
/** What the app does once a batch is written or undone: the layer's tiles, counts and summaries read again. */
let onLayerChanged: (layer: string) => Promise<void> = async () => {};

const options = (): UploadOptions | undefined =>
  wiz.file && {
    name: wiz.file.name,
    format: wiz.file.format,
    layer: wiz.layer,
    crs: wiz.crs,
    map: wiz.map,
    set: wiz.set,
  };

/** Runs one server call with the panel busy; a refusal is shown with each row and column it names. */
async function run(busy: NonNullable<Wizard['busy']>, work: () => Promise<void>): Promise<void> {
  wiz.busy = busy;
  wiz.error = undefined;
  draw();
  try {
    await work();
  } catch (e) {
    const lines =
      e instanceof ImportError
        ? e.errors.map((x) => {
            const s = splitErrorPath(x.path);
            return s.source ? issueLine(s.source, s.path, x.message, wiz.inspection?.mapping ?? {}) : x.message;
          })
        : [];
    wiz.error = { text: e instanceof Error ? e.message : String(e), lines };
  }
  wiz.busy = undefined;
  window.gridpatrol.importStep = wiz.undone ? 'undone' : wiz.result ? 'imported' : wiz.dryRun ? 'dry_run' : 'mapping';
  draw();
}

/** Reads the file again with the current layer, CRS and mapping (the answers after it are then out of date). */
function inspect(): Promise<void> {
  const o = options();
  if (!o || !wiz.file) return Promise.resolve();
  const bytes = wiz.file.bytes;
  wiz.dryRun = wiz.result = wiz.undone = undefined;
  return run('inspect', async () => {
    wiz.inspection = await inspectUpload(bytes, o);
    if (ctxRef) showImportPreview(ctxRef.map, wiz.inspection.preview as unknown as FeatureCollection);
  });
}

async function takeFile(file: File): Promise<void> {
  const format = formatOfFile(file.name);
  wiz.inspection = undefined;
  wiz.map = {};
  wiz.set = {};
  wiz.crs = 'wgs84';
  if (!format) {
    wiz.file = undefined;
    wiz.error = { text: t('wizard.unknown_format', { name: file.name }), lines: [] };
    draw();
    return;
  }
  wiz.file = { name: file.name, format, bytes: new Uint8Array(await file.arrayBuffer()) };
  await inspect();
  // The server's CRS guess (the medians to the roads) is taken unless the file names its own CRS.
  const read = wiz.inspection as Inspection | undefined; // set by inspect(), which TS cannot see
  const best = read?.crsGuess.best;
  if (best && best !== 'wgs84' && read?.crs.value === 'EPSG:4326') {
    wiz.crs = best;
    await inspect();
  }
}

function fileStep(): HTMLElement[] {
  const layer = h('select', { 'data-testid': 'wizard-layer' }) as HTMLSelectElement;
  for (const l of wiz.layers ?? [])
    layer.append(h('option', { value: l.layer }, i18next.language.startsWith('zh') ? l.label.zh : l.label.en));
  layer.value = wiz.layer;
  layer.onchange = () => {
    wiz.layer = layer.value;
    wiz.map = {};
    wiz.set = {};
    void inspect();
  };
  const input = h('input', {
    type: 'file',
    accept: '.csv,.tsv,.txt,.xlsx,.zip,.kml,.kmz,.geojson,.json',
    'data-testid': 'wizard-file',
  }) as HTMLInputElement;
  input.onchange = () => {
    const f = input.files?.[0];
    if (f) void takeFile(f);
  };
  const drop = h(
    'label',
    { class: 'dropzone', 'data-testid': 'wizard-drop' },
    t('wizard.drop'),
    wiz.file ? h('strong', { 'data-testid': 'wizard-file-name' }, `${wiz.file.name} (${wiz.file.format})`) : '',
    input,
  );
  drop.ondragover = (e) => {
    e.preventDefault();
    drop.classList.add('over');
  };
  drop.ondragleave = () => drop.classList.remove('over');
  drop.ondrop = (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) void takeFile(f);
  };
  return [
    h('h4', { class: 'wizard-step' }, `1 · ${t('wizard.steps.file')}`),
    h('label', { class: 'row' }, t('wizard.layer'), layer),
    drop,
  ];
}

const labelOf = (layer: string): string => {
  const l = wiz.layers?.find((x) => x.layer === layer)?.label;
  return l ? (i18next.language.startsWith('zh') ? l.zh : l.en) : layer;
};

function actions(): HTMLElement[] {
  const o = options();
  const bytes = wiz.file?.bytes;
  if (!o || !bytes || !wiz.inspection) return [];
  const out: HTMLElement[] = [];
  const dry = h('button', { 'data-testid': 'wizard-dry-run' }, t('wizard.dry_run')) as HTMLButtonElement;
  dry.disabled = wiz.busy !== undefined;
  dry.onclick = () =>
    void run('dry_run', async () => {
      wiz.dryRun = await sendImport(bytes, o, true);
    });
  if (!wiz.result) out.push(h('div', { class: 'buttons' }, dry));
  if (wiz.dryRun) out.push(...reportStep(wiz.dryRun, 5, 'wizard-dry', labelOf));
  if (wiz.dryRun && !wiz.result) {
    const go = h(
      'button',
      { 'data-testid': 'wizard-import', class: 'primary' },
      t('wizard.import'),
    ) as HTMLButtonElement;
    go.disabled = wiz.busy !== undefined;
    go.onclick = () =>
      void run('import', async () => {
        wiz.result = await sendImport(bytes, o, false);
        window.gridpatrol.importBatchId = wiz.result.batchId ?? 0;
        await onLayerChanged(o.layer);
      });
    out.push(h('div', { class: 'buttons' }, go));
  }
  if (wiz.result) {
    out.push(...reportStep(wiz.result, 6, 'wizard-result', labelOf));
    const id = wiz.result.batchId;
    if (id !== null && !wiz.undone) {
      const undo = h('button', { 'data-testid': 'wizard-undo' }, t('wizard.undo', { id })) as HTMLButtonElement;
      undo.disabled = wiz.busy !== undefined;
      undo.onclick = () =>
        void run('undo', async () => {
          wiz.undone = await undoBatch(id);
          await onLayerChanged(o.layer);
        });
      out.push(h('div', { class: 'buttons' }, undo));
    }
  }
  if (wiz.undone) {
    const sum = (r: Record<string, number | undefined>) => Object.values(r).reduce<number>((a, b) => a + (b ?? 0), 0);
    out.push(
      h(
        'p',
        { class: 'muted', 'data-testid': 'wizard-undone' },
        t('wizard.undone', {
          id: wiz.undone.batchId,
          deleted: sum(wiz.undone.deleted),
          restored: sum(wiz.undone.restored),
        }),
      ),
    );
  }
  return out;
}

/** Draws the wizard into its section's body (the last one the sidebar made). */
function draw(): void {
  if (!body) return;
  const ins = wiz.inspection;
  const spec = wiz.layers?.find((l) => l.layer === wiz.layer);
  const parts: HTMLElement[] = [...fileStep()];
  if (ins) {
    parts.push(
      ...detectedStep(ins, wiz.crs, (crs) => {
        wiz.crs = crs;
        void inspect();
      }),
    );
    parts.push(...previewStep(ins));
    if (spec)
      parts.push(
        ...mappingStep(ins, spec, wiz, (field, value) => {
          delete wiz.map[field];
          delete wiz.set[field];
          if (value.startsWith('=')) wiz.set[field] = value.slice(1);
          else if (value) wiz.map[field] = value;
          void inspect();
        }),
      );
  }
  parts.push(...actions());
  if (wiz.busy) parts.push(h('p', { class: 'muted busy', 'data-testid': 'wizard-busy' }, t(`wizard.busy.${wiz.busy}`)));
  if (wiz.error)
    parts.push(
      h(
        'div',
        { class: 'error', 'data-testid': 'wizard-error' },
        h('p', {}, wiz.error.text),
        ...(wiz.error.lines.length ? [h('ul', {}, ...wiz.error.lines.map((l) => h('li', {}, l)))] : []),
      ),
    );
  body.replaceChildren(...parts);
}

/**
 * The wizard's sidebar section, for a role that may import files (`import_files`), offering the layers it may.
 * @param changed awaited after an import and after its undo, with the layer written: the app re-reads what it shows
 *   of that layer (tiles, counts, summaries) before the wizard shows the result
 */
export function importSection(
  ctx: MapContext,
  state: AppState,
  layers: readonly string[],
  changed: (layer: string) => Promise<void>,
): HTMLElement | undefined {
  if (layers.length === 0) return undefined;
  onLayerChanged = changed;
  if (!layers.includes(wiz.layer)) wiz.layer = layers[0] ?? wiz.layer;
  ctxRef = ctx;
  body = h('div', { class: 'wizard', 'data-testid': 'import-wizard' });
  if (!wiz.layers)
    void importLayers()
      .then((l) => {
        wiz.layers = l.filter((x) => layers.includes(x.layer));
        draw();
      })
      .catch((e: unknown) => {
        wiz.error = { text: e instanceof Error ? e.message : String(e), lines: [] };
        draw();
      });
  draw();
  return section('import', t('wizard.title'), state.openSections, body);
}
