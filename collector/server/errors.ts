/**
 * Error answers in the one JSON shape every route uses: `{"error": code, "message": text}` (the
 * schema is collector/api/schemas/errors.ts; the codes are the catalog in collector/core/errors.ts),
 * and the translation of fastify's own errors into that catalog.
 */
import type { FastifyReply } from 'fastify';
import { nearest } from '../config/suggest.js';
import { ERRORS, submitFailure, type ErrorCode } from '../core/errors.js';
import type { FieldError } from '../api/schemas/errors.js';

export function replyError(
  reply: FastifyReply,
  code: ErrorCode,
  message?: string,
  extra?: { errors?: FieldError[] },
): FastifyReply {
  return reply.code(ERRORS[code].status).header('content-type', 'application/json').send({
    error: code,
    message: message ?? ERRORS[code].message,
    ...extra,
  });
}

/** Answers a failed submit: 503 + Retry-After when a retry can succeed, 500 otherwise. */
export function replySubmitError(reply: FastifyReply, error: unknown): FastifyReply {
  const failure = submitFailure(error);
  if (failure.status >= 500 && failure.retryAfterSeconds === undefined) reply.log.error({ err: error }, 'ingest failed');
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
  return replyError(reply, failure.code, failure.message);
}

/** fastify's request errors (lib/errors.js) by their code. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_VALIDATION: 'bad_request',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_BAD_URL: 'bad_request',
};

/** Any other client error, by its status. */
const BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export interface ThrownError extends Error {
  statusCode?: number;
  code?: string;
  validation?: AjvError[];
  validationContext?: string;
}

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface CatalogAnswer {
  code: ErrorCode;
  status: number;
  message: string;
}

/**
 * What an error thrown while handling a request answers. Client errors keep their status (fastify's
 * agree with the catalog's) and get a catalog code; a status the catalog lacks is `bad_request`.
 * Server errors say only "internal error" (the cause is logged, never sent).
 * `known(part)` lists the names a request part's schema declares, for "did you mean".
 */
export function catalogAnswer(error: ThrownError, known: (part: string) => string[] = () => []): CatalogAnswer {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode <= 599 ? error.statusCode : 500;
  if (status >= 500) return { code: 'internal_error', status, message: ERRORS.internal_error.message };
  if (error.validation) return { code: 'bad_request', status: 400, message: validationMessage(error, known) };
  const code = (error.code !== undefined ? FASTIFY_CODES[error.code] : undefined) ?? BY_STATUS[status] ?? 'bad_request';
  return { code, status, message: error.message || ERRORS[code].message };
}

/** `querystring/colour: unknown parameter; did you mean color?` — the field is always named. */
function validationMessage(error: ThrownError, known: (part: string) => string[]): string {
  const part = error.validationContext ?? 'request';
  const first = error.validation?.[0];
  if (first?.keyword === 'additionalProperties' && typeof first.params.additionalProperty === 'string') {
    const name = first.params.additionalProperty;
    const what = part === 'body' ? 'field' : part === 'headers' ? 'header' : 'parameter';
    const names = known(part);
    const hit = nearest(name, names);
    const hint = hit ? `; did you mean ${hit}?` : names.length > 0 ? ` (known: ${names.join(', ')})` : '';
    return `${part}${first.instancePath}/${name}: unknown ${what}${hint}`;
  }
  return error.message;
}
