/**
 * Helpers every receiver shares: validating a list of raw events with per-index errors, and turning
 * pipeline failures into the right HTTP answer.
 */
import type { FastifyReply } from 'fastify';
import { validateEvent, type CanonicalEvent, type FieldError, type ValidationContext } from './event.js';
import { BackpressureError } from './pipeline.js';

export interface Rejected {
  index: number;
  errors: FieldError[];
}

export function validateAll(
  inputs: unknown[],
  ctx: ValidationContext,
  defaults: Partial<CanonicalEvent> = {},
): { valid: CanonicalEvent[]; rejected: Rejected[] } {
  const valid: CanonicalEvent[] = [];
  const rejected: Rejected[] = [];
  inputs.forEach((input, index) => {
    const withDefaults =
      input && typeof input === 'object' && !Array.isArray(input) ? { ...defaults, ...(input as object) } : input;
    const result = validateEvent(withDefaults, ctx);
    if (result.ok) valid.push(result.event);
    else rejected.push({ index, errors: result.errors });
  });
  return { valid, rejected };
}

/** Answers a failed submit: 503 + Retry-After when the queue is full, 500 otherwise. */
export function replySubmitError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof BackpressureError) {
    return reply
      .code(503)
      .header('retry-after', String(error.retryAfterSeconds))
      .send({ error: 'overloaded', message: 'ingest queue is full, retry later' });
  }
  reply.log.error({ err: error }, 'ingest failed');
  return reply.code(500).send({ error: 'ingest_failed', message: 'the batch could not be stored' });
}
