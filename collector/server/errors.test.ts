/** catalogAnswer: fastify's errors and thrown errors in the catalog's terms. */
import { describe, expect, it } from 'vitest';
import { catalogAnswer, type ThrownError } from './errors.js';

const error = (fields: Partial<ThrownError>): ThrownError => Object.assign(new Error(fields.message ?? 'boom'), fields);

describe('catalogAnswer', () => {
  it.each([
    [{ statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }, 'unsupported_media_type', 415],
    [{ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }, 'payload_too_large', 413],
    [{ statusCode: 400, code: 'FST_ERR_CTP_EMPTY_JSON_BODY' }, 'bad_request', 400],
    [{ statusCode: 400, code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' }, 'bad_request', 400],
    [{ statusCode: 400 }, 'bad_request', 400], // a JSON SyntaxError carries only its status
    [{ statusCode: 404 }, 'not_found', 404],
    [{ statusCode: 405 }, 'bad_request', 405], // a client status the catalog lacks keeps its status
    [{}, 'internal_error', 500],
    [{ statusCode: 503 }, 'internal_error', 503],
  ])('%o → %s %i', (fields, code, status) => {
    expect(catalogAnswer(error(fields))).toMatchObject({ code, status });
  });

  it('never sends the cause of a server error', () => {
    expect(catalogAnswer(error({ message: 'SQLITE_CORRUPT at /home/me/db' })).message).toBe('internal error');
  });

  it('names an unknown field and suggests the nearest known one', () => {
    const validation = [{ keyword: 'additionalProperties', instancePath: '', params: { additionalProperty: 'tx' }, message: 'must NOT have additional properties' }];
    const known = () => ['since', 'until', 'bucket', 'tz'];
    expect(catalogAnswer(error({ statusCode: 400, validation, validationContext: 'querystring' }), known)).toEqual({
      code: 'bad_request',
      status: 400,
      message: 'querystring/tx: unknown parameter; did you mean tz?',
    });
    expect(catalogAnswer(error({ statusCode: 400, validation, validationContext: 'body' }), () => []).message).toBe('body/tx: unknown field');
  });
});
