import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CODES } from '../../../server/src/contract/problem-codes.js';
import en from '../i18n/en.json';
import zhCN from '../i18n/zh-CN.json';
import { problemKey, problemText } from './problem-text.js';

beforeAll(async () => {
  await i18next.init({
    lng: 'zh-CN',
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    interpolation: { escapeValue: false },
  });
});

describe('problem wording', () => {
  it('when the server can raise a code, then both languages word it', () => {
    for (const code of Object.keys(PROBLEM_CODES)) {
      for (const lng of ['zh-CN', 'en']) {
        expect(i18next.exists(problemKey(code), { lng }), `${lng} ${code}`).toBe(true);
        expect(typeof i18next.t(problemKey(code), { lng })).toBe('string');
      }
    }
  });

  it('when a grid overlaps, then the zh-CN reader gets Chinese, not the English title', async () => {
    await i18next.changeLanguage('zh-CN');
    const text = problemText({ code: 'grid.overlap', title: 'The grid overlaps 2 grids' }, 422);
    expect(text).toContain('网格');
    expect(text).not.toContain('overlaps');
  });

  it('when a request is malformed, then the offending fields are named beside the wording', async () => {
    await i18next.changeLanguage('en');
    const text = problemText(
      { code: 'request.invalid', title: 'Invalid body', errors: [{ path: 'geometry', message: 'Required' }] },
      400,
    );
    expect(text).toBe('The request is not in the expected form: check the fields (geometry)');
  });

  it('when a code is unknown to this build, then the server title is shown', () => {
    expect(problemText({ code: 'new.thing', title: 'Something new' }, 409)).toBe('Something new');
    expect(problemText(undefined, 502)).toBe('502');
  });
});
