/** What the browser tests read: readiness, what each layer holds, the last export. Plain numbers, set by the app. */
export interface TestHooks {
  idle: boolean;
  /** Camera moves started (MapLibre `movestart`): a test waits for it to grow after a click that moves the map. */
  moves: number;
  /** Resolves at the next MapLibre `idle` after a forced frame: everything asked for is loaded and drawn. */
  settled(): Promise<void>;
  cellsTotal: number;
  cellsCount: number;
  lastPngBytes: number;
  lastPdfBytes: number;
  /** What the last PDF briefing put on its pages (the model export.ts drew). */
  lastBriefing: {
    title: string;
    view: string;
    legend: string[];
    metresPerPx: number;
    scaleMetres: number;
    scaleMm: number;
    map: { zoom: number; lat: number };
    /** Page 2's tables as drawn: each row's cells and colour (the PDF holds them as pictures, not text). */
    tables: { title: string; rows: number; header: string[]; cells: string[][]; colours: string[] }[];
  } | null;
  /** Areas coloured by the last coverage or reach analysis. */
  ratedAreas: number;
  /** Camera view polygons drawn. */
  cameraViews: number;
  /** The box the camera views were asked for (minLon, minLat, maxLon, maxLat). */
  cameraViewsBox: number[];
  /** Significant (hot or cold) cells drawn by the hot-spot layer. */
  hotspotCells: number;
  /** Grids coloured by grade. */
  gradedGrids: number;
  /** Steps (hours or weeks) the player has gone through. */
  playedSteps: number;
  /** What each step of the last play showed: incidents on the map and the clock's label. */
  playedFrames: { total: number; label: string }[];
  /** The time bar: its bin, the server's counts per bin, the brushed bins [first, last] ([] = all) and their label,
   * how many windows were applied (each after the cells reloaded), steps played, and whether it is playing. */
  timeBin: string;
  timeBins: number[];
  timeWindow: number[];
  timeWindowLabel: string;
  timeWindowApplied: number;
  timePlayedSteps: number;
  /** The window label of each step of the current play. */
  timePlayedLabels: string[];
  timePlaying: boolean;
  /** Distinct features (by feature id) a MapLibre layer draws on screen now, with one property of each. */
  renderedValues(layerId: string, prop: string): { id: number | string; value: unknown }[];
  /** Distinct features a MapLibre layer draws on screen now, with a colour paint property as evaluated for each (#rrggbb). */
  renderedColours(layerId: string, paintProp: string): { id: number | string; colour: string }[];
  /** The map's visible bounds [minLon, minLat, maxLon, maxLat]. */
  mapBounds(): number[];
  /** Cells in the 24×7 chart of the clicked area. */
  hourChartTotal: number;
  /** Road edges drawn by the reach map. */
  reachEdges: number;
  /** Bands of the last isochrone. */
  isochroneBands: number;
  /** Units of the last patrol plan. */
  patrolUnits: number;
  /** Stops of the last patrol plan drawn and listed, the stop selected (unit:index), the last one flown to, the last GPX. */
  patrolStops: number;
  patrolSelectedStop: string;
  patrolFlownTo: string;
  lastGpx: string;
  /** The `key` (unit:index) of every patrol stop a MapLibre layer draws on screen now. */
  patrolDrawnKeys(layerId: string): string[];
  /** Schools without 护学岗 coverage in the last school-gates answer. */
  schoolGatesUncovered: number;
  /** Shift minute the route replay has reached. */
  replayMinute: number;
  /** H3 cells of the blind-spot heat map. */
  blindSpotCells: number;
  /** Cameras of the last placement proposal drawn. */
  proposedCameras: number;
  /** Editing: problems drawn after a refused save, grids picked, outcome and count of saves, the grid or beat in hand. */
  editProblems: number;
  pickedGrids: number;
  pickedPopulation: number;
  editStatus: string;
  editCount: number;
  editTarget: string;
  /** Pointer positions snapped to a grid boundary or road while drawing. */
  snaps: number;
  /** Vertices committed to the shape being drawn (terra-draw's store; 0 when nothing is being drawn). */
  drawnVertices(): number;
  /** Old shapes of the grid or beat in hand drawn on the map. */
  historyShown: number;
  /** Whether a session was found on load (false: the sign-in page is shown). */
  signedIn: boolean;
  /** The live region's last words, and when the loading line went on and off (performance.now(), NaN: not yet). */
  status: string;
  loadingShownAt: number;
  loadingHiddenAt: number;
  /** The last outline drawn to pick a beat's grids (one ring, lon/lat) and how many such picks were made. */
  lassoOutline: number[][];
  lassoPicks: number;
  /** Beat planning: grids cut by beats drawn, align-proposal beats drawn, grids coloured by the draft, rows of the workload table, plans applied. */
  planCutGrids: number;
  planAlignBeats: number;
  planDraftGrids: number;
  /** Plan compare: rows of the compare table, and distinct moved grids drawn (queryRenderedFeatures) after the last compare. */
  planCompareRows: number;
  planCompareMovedDrawn: number;
  planWorkloadRows: number;
  /** The longitude the compare swipe divides A (west) from B (east) at; NaN when the swipe is off. */
  planSwipeLon: number;
  /** The phone's bottom sheet is folded down to its handle. */
  sheetFolded: boolean;
  /** Distinct `code`s of the features a MapLibre layer draws on screen now. */
  renderedCodes(layerId: string): string[];
  /** Distinct `code`s a MapLibre layer draws at one map pixel (x, y from the map's top left). */
  renderedCodesAt(layerId: string, x: number, y: number): string[];
  /** The swipe divider's x on the map (pixels), NaN when hidden. */
  swipeDividerX(): number;
  /** Planning drawer: the row under the pointer (beat:code / grid:code), the last row flown to, draft labels drawn. */
  planHovered: string;
  planFlownTo: string;
  planDraftLabels: number;
  planApplied: number;
  /** The thematic view on the map, and the deck.gl layers handed to deck for drawing. */
  view: string;
  deckLayersDrawn(): string[];
  /** Features of a MapLibre layer drawn on screen now (queryRenderedFeatures; 0 when hidden). */
  renderedCount(layerId: string): number;
  /** Distinct values of `prop` of the objects a deck.gl layer (`deck:<id>`) drew on screen now, read from deck's
   * picking buffer over the whole canvas (a pickable layer; an object wholly hidden under another is not counted). */
  deckDrawn(layerId: string, prop: string): string[];
  /** Union bbox [minLon, minLat, maxLon, maxLat] of a layer's rendered features (empty when none). */
  renderedBBox(layerId: string): number[];
  /** Code of the grid, beat or community whose stored feature is selected. */
  selectedCode: string;
  /** Screen position (page pixels) of a lon/lat on the map, for tests that click and draw. */
  project(lon: number, lat: number): [number, number];
  /** Whether a MapLibre layer is shown (layout visibility). */
  layerVisible(id: string): boolean;
  /** How many features the selection outline holds. */
  selectedCount(): number;
  /** Import wizard: the step its last answer reached (mapping, dry_run, imported, undone) and the batch imported. */
  importStep: string;
  /** MapLibre's layer ids bottom to top, and the layers drawn at a map pixel (x, y from the map's top left), top first. */
  layerOrder(): string[];
  layersAt(x: number, y: number): string[];
  importBatchId: number;
  /** The last layer export downloaded: file name, bytes, and the rows the server says it wrote. */
  lastLayerExport: { name: string; bytes: number; rows: number } | null;
}
declare global {
  interface Window {
    gridpatrol: TestHooks;
  }
}

export function installTestHooks(): TestHooks {
  window.gridpatrol = {
    idle: false,
    moves: 0,
    settled: async () => {},
    cellsTotal: 0,
    cellsCount: 0,
    lastPngBytes: 0,
    lastPdfBytes: 0,
    lastBriefing: null,
    ratedAreas: 0,
    cameraViews: 0,
    cameraViewsBox: [],
    hotspotCells: 0,
    gradedGrids: 0,
    playedSteps: 0,
    playedFrames: [],
    timeBin: '',
    timeBins: [],
    timeWindow: [],
    timeWindowLabel: '',
    timeWindowApplied: 0,
    timePlayedSteps: 0,
    timePlayedLabels: [],
    timePlaying: false,
    renderedValues: () => [],
    renderedColours: () => [],
    mapBounds: () => [],
    hourChartTotal: 0,
    reachEdges: 0,
    isochroneBands: 0,
    patrolUnits: 0,
    replayMinute: 0,
    patrolStops: 0,
    patrolSelectedStop: '',
    patrolFlownTo: '',
    lastGpx: '',
    patrolDrawnKeys: () => [],
    schoolGatesUncovered: -1,
    blindSpotCells: 0,
    proposedCameras: 0,
    editProblems: 0,
    pickedGrids: 0,
    pickedPopulation: 0,
    editStatus: '',
    editCount: 0,
    editTarget: '',
    snaps: 0,
    drawnVertices: () => 0,
    historyShown: 0,
    signedIn: false,
    status: '',
    loadingShownAt: Number.NaN,
    loadingHiddenAt: Number.NaN,
    lassoOutline: [],
    lassoPicks: 0,
    planCutGrids: 0,
    planAlignBeats: 0,
    planDraftGrids: 0,
    planCompareRows: 0,
    planCompareMovedDrawn: -1,
    planWorkloadRows: 0,
    planSwipeLon: Number.NaN,
    sheetFolded: false,
    renderedCodes: () => [],
    renderedCodesAt: () => [],
    swipeDividerX: () => Number.NaN,
    planHovered: '',
    planFlownTo: '',
    planDraftLabels: 0,
    planApplied: 0,
    view: '',
    deckLayersDrawn: () => [],
    renderedCount: () => 0,
    deckDrawn: () => [],
    renderedBBox: () => [],
    selectedCode: '',
    project: () => [0, 0],
    layerVisible: () => false,
    selectedCount: () => 0,
    importStep: '',
    layerOrder: () => [],
    layersAt: () => [],
    importBatchId: 0,
    lastLayerExport: null,
  };
  return window.gridpatrol;
}
