import { problemText } from '../api/problem-text.js';
import { announce } from './status.js';
import { t } from '../i18n/index.js';
import { h } from './dom.js';

/** A job as the server reports it (GET /api/v1/jobs/{id}, and each Server-Sent Event). */
export interface JobStatus<R = unknown> {
  id: string;
  kind: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: number;
  stage: string | null;
  result?: R;
  error?: { title: string; status: number; detail?: string; code?: string };
}

interface Tracked {
  element: HTMLElement;
  source?: EventSource;
}

/** Running jobs by kind: a panel that re-renders (or is opened again) shows the same bar, and the result still lands. */
const running = new Map<string, Tracked>();

/** The progress element of the job of this kind that is still running, to put back into a re-rendered panel. */
export function runningJobElement(kind: string): HTMLElement | undefined {
  return running.get(kind)?.element;
}

/**
 * Starts a job and shows it: a progress bar with the stage ("计算视域 1,240 / 40,736"), a cancel button, and — when
 * it ends, whether or not the panel that started it is still open — `onResult` with the result (or `onError` with the
 * problem's title). Answers the element to place in the panel; it removes itself when the job ends.
 */
export function startJob<R>(
  kind: string,
  params: unknown,
  handlers: { onResult: (r: R) => void; onError: (message: string) => void },
): HTMLElement {
  running.get(kind)?.source?.close();
  const bar = h('progress', { max: '1', value: '0', 'data-testid': 'job-bar' }) as HTMLProgressElement;
  const stage = h('span', { class: 'muted', 'data-testid': 'job-stage' }, t('jobs.queued'));
  const cancel = h('button', { 'data-testid': 'job-cancel' }, t('jobs.cancel')) as HTMLButtonElement;
  const element = h('div', { class: 'job-progress', 'data-testid': `job-${kind}` }, bar, stage, cancel);
  const tracked: Tracked = { element };
  running.set(kind, tracked);
  announce(t('status.working'));
  const end = () => {
    tracked.source?.close();
    if (running.get(kind) === tracked) running.delete(kind);
    element.remove();
  };
  const show = (s: JobStatus<R>) => {
    bar.value = s.progress;
    stage.textContent = s.stage ?? t(`jobs.${s.state}`);
    if (s.state === 'done') {
      end();
      announce(t('status.done'));
      handlers.onResult(s.result as R);
    }
    if (s.state === 'failed') {
      end();
      announce(t('jobs.failed'));
      handlers.onError(s.error ? problemText(s.error, 500) : t('jobs.failed'));
    }
    if (s.state === 'cancelled') {
      end();
      handlers.onError(t('jobs.cancelled'));
    }
  };
  void (async () => {
    const res = await fetch('/api/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind, params }),
    });
    const body = (await res.json()) as JobStatus<R> & { title?: string };
    if (!res.ok) {
      end();
      handlers.onError(problemText(body, res.status));
      return;
    }
    cancel.onclick = () => {
      cancel.disabled = true;
      void fetch(`/api/v1/jobs/${body.id}`, { method: 'DELETE' });
    };
    if (body.state === 'done') {
      show(body);
      return;
    }
    const source = new EventSource(`/api/v1/jobs/${body.id}/events`);
    tracked.source = source;
    source.addEventListener('job', (e) => show(JSON.parse((e as MessageEvent<string>).data) as JobStatus<R>));
    // The stream closes after the last event; a dropped stream reads the job once more.
    source.onerror = () => {
      source.close();
      if (running.get(kind) !== tracked) return;
      void fetch(`/api/v1/jobs/${body.id}`).then(async (r) => show((await r.json()) as JobStatus<R>));
    };
  })().catch((err: unknown) => {
    end();
    handlers.onError(err instanceof Error ? err.message : String(err));
  });
  return element;
}
