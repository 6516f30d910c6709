/**
 * The OTLP/HTTP decoders on their own: content types, content encodings (bounded), JSON and
 * protobuf bodies of each signal (the official examples, and the same through protobuf), and the
 * 400/413/415 each kind of bad body gets.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody, decompress, encodingOf, OtlpHttpError } from './decode.js';
import { encodeProtobufRequest, type Signal } from './proto.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'otlp');
const EXAMPLES: Record<Signal, string> = {
  logs: 'otel-proto-example-logs.json',
  metrics: 'otel-proto-example-metrics.json',
  traces: 'otel-proto-example-trace.json',
};
const TOP: Record<Signal, string> = { logs: 'resourceLogs', metrics: 'resourceMetrics', traces: 'resourceSpans' };

function example(signal: Signal): Buffer {
  return readFileSync(path.join(FIXTURES, EXAMPLES[signal]));
}

async function status(p: Promise<unknown> | (() => unknown)): Promise<number | null> {
  try {
    await (typeof p === 'function' ? p() : p);
    return null;
  } catch (error) {
    return error instanceof OtlpHttpError ? error.statusCode : -1;
  }
}

describe('encodingOf', () => {
  it('reads the content types OTLP clients send, parameters and case included', () => {
    expect(encodingOf('application/json')).toBe('json');
    expect(encodingOf('application/json; charset=utf-8')).toBe('json');
    expect(encodingOf('Application/X-Protobuf')).toBe('protobuf');
    expect(encodingOf('application/protobuf')).toBe('protobuf');
    expect(encodingOf('text/plain')).toBeNull();
    expect(encodingOf(undefined)).toBeNull();
  });
});

describe('decompress', () => {
  const body = Buffer.from(JSON.stringify({ resourceLogs: [] }));

  it('undoes gzip, deflate and br, and passes identity through', async () => {
    expect(await decompress(zlib.gzipSync(body), 'gzip', 1 << 20)).toEqual(body);
    expect(await decompress(zlib.deflateSync(body), 'deflate', 1 << 20)).toEqual(body);
    expect(await decompress(zlib.brotliCompressSync(body), 'br', 1 << 20)).toEqual(body);
    expect(await decompress(body, 'identity', 1 << 20)).toEqual(body);
    expect(await decompress(body, undefined, 1 << 20)).toEqual(body);
  });

  it('refuses a bomb past the limit (413), corrupt data (400) and unknown codings (415)', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(8 << 20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(await status(decompress(bomb, 'gzip', 1 << 20))).toBe(413);
    expect(await status(decompress(Buffer.from('not gzip'), 'gzip', 1 << 20))).toBe(400);
    expect(await status(decompress(body, 'zstd', 1 << 20))).toBe(415);
  });
});

describe.each(['logs', 'metrics', 'traces'] as const)('decodeBody: %s', (signal) => {
  it('decodes the official JSON example and the same request as protobuf alike', () => {
    const fromJson = decodeBody(signal, 'json', example(signal));
    expect(Array.isArray(fromJson[TOP[signal]])).toBe(true);
    expect((fromJson[TOP[signal]] as unknown[]).length).toBeGreaterThan(0);
    const fromProto = decodeBody(signal, 'protobuf', encodeProtobufRequest(signal, fromJson));
    expect((fromProto[TOP[signal]] as unknown[]).length).toBe((fromJson[TOP[signal]] as unknown[]).length);
  });

  it('answers 400 for bodies that cannot be an export request', async () => {
    expect(await status(() => decodeBody(signal, 'json', Buffer.from('{"resource')))).toBe(400);
    expect(await status(() => decodeBody(signal, 'json', Buffer.from('[1,2]')))).toBe(400);
    expect(await status(() => decodeBody(signal, 'json', Buffer.from(`{"${TOP[signal]}": 7}`)))).toBe(400);
    expect(await status(() => decodeBody(signal, 'protobuf', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f])))).toBe(400);
  });

  it('takes an empty JSON body as an empty export', () => {
    expect(decodeBody(signal, 'json', Buffer.alloc(0))).toEqual({});
  });
});
