import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import zhCN from '../i18n/zh-CN.json';
import { columnOf, issueLine, rowOf, splitErrorPath } from './import-rows.js';

beforeAll(async () => {
  await i18next.init({
    lng: 'zh-CN',
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    interpolation: { escapeValue: false },
  });
});

describe('import issues by row and column', () => {
  it('when the server names `row 5` and a mapped field, then the line names row 5 and the file’s own heading', async () => {
    await i18next.changeLanguage('zh-CN');
    expect(issueLine('row 5', 'properties.occurred_at', 'bad date', { occurred_at: '报警时间' })).toBe(
      '第 5 行「报警时间」列：bad date',
    );
    await i18next.changeLanguage('en');
    expect(issueLine('row 5', 'properties.occurred_at', 'bad date', { occurred_at: '报警时间' })).toBe(
      'Row 5, column “报警时间”: bad date',
    );
  });

  it('when the mapping came from inspect (`名称 (synonym)`) or the path is the geometry, then the column is the heading or the coordinates', async () => {
    await i18next.changeLanguage('zh-CN');
    expect(columnOf('properties.name', { name: '名称 (synonym)' })).toBe('名称');
    expect(columnOf('properties.kind', {})).toBe('kind');
    expect(columnOf('geometry.type', {})).toBe('坐标');
  });

  it('when a source is not numbered, or a 422 path carries its source, then both are kept apart', () => {
    expect(rowOf('feature 12')).toBe('12');
    expect(rowOf('way 99')).toBe('way 99');
    expect(splitErrorPath('row 7: properties.status')).toEqual({ source: 'row 7', path: 'properties.status' });
    expect(splitErrorPath('body')).toEqual({ source: '', path: 'body' });
  });
});
