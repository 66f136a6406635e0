import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ProblemCode } from '../../contract/problem-codes.js';
import { AppError, type ProblemFieldError } from '../../errors.js';

/** RFC 9457 problem details, with the offending fields in `errors` and a stable `code` (contract/problem-codes.ts). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail?: string;
  instance?: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
}

const PROBLEM_BASE = 'https://gridpatrol.dev/problems/';

export function sendProblem(res: Parameters<RequestHandler>[1], problem: Problem): void {
  res.status(problem.status).type('application/problem+json').json(problem);
}

/** Maps AppErrors (and body-parser errors) to problem+json; anything else is a 500 without a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof AppError) {
      sendProblem(res, {
        type: PROBLEM_BASE + err.type,
        title: err.message,
        status: err.status,
        instance: req.originalUrl,
        ...(err.errors.length ? { errors: err.errors } : {}),
        ...err.extra,
        code: err.code,
      });
      return;
    }
    // body-parser marks its own errors (bad JSON, too large) with a 4xx status and `expose`.
    const e = err as { status?: number; expose?: boolean; type?: string; message?: string };
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
      sendProblem(res, {
        type: PROBLEM_BASE + (e.type ?? 'bad-request'),
        title: e.message ?? 'Bad request',
        status: e.status,
        code: e.status === 413 ? 'request.too_large' : 'request.invalid',
        instance: req.originalUrl,
        errors: [{ path: 'body', message: e.message ?? 'bad request body' }],
      });
      return;
    }
    logger.error({ err, url: req.originalUrl }, 'unhandled error');
    sendProblem(res, {
      type: PROBLEM_BASE + 'internal',
      title: 'Internal server error',
      status: 500,
      code: 'internal',
    });
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, {
    type: PROBLEM_BASE + 'not-found',
    title: `No route for ${req.method} ${req.path}`,
    status: 404,
    code: 'route.not_found',
    instance: req.originalUrl,
  });
};
