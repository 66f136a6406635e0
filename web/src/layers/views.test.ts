import { describe, expect, it } from 'vitest';
import { deckLayerShown, defaultView, VIEW_IDS, VIEWS, viewFromUrl, viewOfDeckLayer, viewsForRole } from './views.js';

describe('thematic views', () => {
  it('when a deck or map layer is owned, then by exactly one view', () => {
    const deck = VIEW_IDS.flatMap((v) => VIEWS[v].deckLayers);
    const map = VIEW_IDS.flatMap((v) => VIEWS[v].mapLayers);
    expect(new Set(deck).size).toBe(deck.length);
    expect(new Set(map).size).toBe(map.length);
  });

  it('when grades are the view, then the heat map, hexagons and hot spots are not drawn but unowned layers are', () => {
    expect(deckLayerShown('grades', 'deck:heatmap')).toBe(false);
    expect(deckLayerShown('grades', 'deck:hexagons')).toBe(false);
    expect(deckLayerShown('grades', 'hotspots')).toBe(false);
    expect(deckLayerShown('incidents', 'deck:heatmap')).toBe(true);
    expect(viewOfDeckLayer('deck:edit-picked')).toBeUndefined();
    expect(deckLayerShown('grades', 'deck:edit-picked')).toBe(true);
  });

  it('when the address names a view of the role, then it opens; otherwise the role starts on its own', () => {
    expect(viewFromUrl('?view=coverage', 'leader')).toBe('coverage');
    expect(viewFromUrl('?view=planning', 'leader')).toBe('grades');
    expect(viewFromUrl('?view=nonsense', 'planner')).toBe('incidents');
    expect(defaultView('leader')).toBe('grades');
    for (const role of ['leader', 'planner', 'grid_office'] as const)
      expect(viewsForRole(role)).toContain(defaultView(role));
  });
});
