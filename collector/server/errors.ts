/** Error answers in the one JSON shape every route uses: `{"error": code, "message": text}`. */
import type { FastifyReply } from 'fastify';
import { ERRORS, submitFailure, type ErrorCode } from '../core/errors.js';

export function replyError(reply: FastifyReply, code: ErrorCode, message?: string): FastifyReply {
  return reply.code(ERRORS[code].status).header('content-type', 'application/json').send({
    error: code,
    message: message ?? ERRORS[code].message,
  });
}

/** Answers a failed submit: 503 + Retry-After when a retry can succeed, 500 otherwise. */
export function replySubmitError(reply: FastifyReply, error: unknown): FastifyReply {
  const failure = submitFailure(error);
  if (failure.status >= 500 && failure.retryAfterSeconds === undefined) reply.log.error({ err: error }, 'ingest failed');
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
  return replyError(reply, failure.code, failure.message);
}
