/**
 * Admission control: decided before a body is read, so that a flood of large bodies costs neither
 * memory nor event-loop time. Small bodies (hook posts, single events) are always let in — their
 * memory is bounded by the connections that carry them, and the hook answer has a ceiling to keep.
 * Large bodies (OTLP exports, batches) take a place among `max_large_bodies` and their declared
 * size counts against a byte budget; past either, the request is answered 503 + Retry-After at
 * once (its body is discarded unread), which OTLP exporters and the hook command retry.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { replyError } from './errors.js';

export interface AdmissionSettings {
  /** A body up to this many bytes is always admitted. */
  smallBodyBytes: number;
  /** Large bodies being received or processed at once. */
  maxLargeBodies: number;
  /** Bytes of large bodies being received or processed at once. */
  maxBytesInFlight: number;
  /** The service's body limit: what a chunked body (no Content-Length) may grow to. */
  maxBodyBytes: number;
}

export interface AdmissionStats {
  large_in_flight: number;
  bytes_in_flight: number;
  refused: number;
}

function declaredLength(request: FastifyRequest, maxBodyBytes: number): number {
  const header = request.headers['content-length'];
  if (header !== undefined) {
    const n = Number(header);
    return Number.isFinite(n) && n >= 0 ? n : maxBodyBytes;
  }
  // Chunked: nothing says how big it will be, so it is charged as the largest allowed.
  return request.headers['transfer-encoding'] ? maxBodyBytes : 0;
}

export function registerAdmission(server: FastifyInstance, settings: AdmissionSettings): () => AdmissionStats {
  let largeInFlight = 0;
  let bytesInFlight = 0;
  let refused = 0;

  server.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    const size = declaredLength(request, settings.maxBodyBytes);
    if (size <= settings.smallBodyBytes) return;
    if (largeInFlight >= settings.maxLargeBodies || bytesInFlight + size > settings.maxBytesInFlight) {
      refused++;
      // The body is never parsed: Node discards what is still arriving once the answer is sent, so
      // the client reads its 503 (closing the socket instead made clients see resets mid-upload).
      reply.header('retry-after', '1');
      return replyError(reply, 'overloaded', 'too many large bodies in flight, retry later');
    }
    largeInFlight++;
    bytesInFlight += size;
    let released = false;
    // 'close' fires once the response is sent or the client went away: the place is free again.
    reply.raw.once('close', () => {
      if (released) return;
      released = true;
      largeInFlight--;
      bytesInFlight -= size;
    });
  });

  return () => ({ large_in_flight: largeInFlight, bytes_in_flight: bytesInFlight, refused });
}
