import i18next from 'i18next';
import type { ProblemCode } from '../../../server/src/contract/problem-codes.js';

/** The parts of an RFC 9457 problem+json body the web reads. */
export interface ProblemBody {
  code?: string;
  title?: string;
  detail?: string;
  status?: number;
  errors?: { path: string; message: string }[];
}

/** The i18n key of a problem code: `problems.grid.overlap` (the codes are the keys; see server/src/contract/problem-codes.ts). */
export const problemKey = (code: ProblemCode | string): string => `problems.${code}`;

/**
 * A server refusal in the reader's language: the wording of its stable `code` from the i18n json, with the offending
 * fields' paths beside it; the server's (English) title only for a code this build does not know yet.
 */
export function problemText(body: ProblemBody | undefined, status: number): string {
  const code = body?.code;
  const fields = (body?.errors ?? []).map((e) => e.path).filter((p) => p && p !== 'body');
  if (code && i18next.exists(problemKey(code))) {
    const words = i18next.t(problemKey(code)) as string;
    const list = [...new Set(fields)].join(', ');
    if (!fields.length) return words;
    return i18next.language.startsWith('zh') ? `${words}（${list}）` : `${words} (${list})`;
  }
  return [body?.title ?? String(status), body?.detail].filter(Boolean).join(' — ');
}
