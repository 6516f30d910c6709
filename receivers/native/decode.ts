/**
 * A native batch body, from its JSON text to validated events with per-index errors: the same code
 * on the main thread (small bodies) and in the decode worker (decode-worker.ts).
 */
import sjson from 'secure-json-parse';
import { v7 as uuidv7 } from 'uuid';
import { validateAll, type Rejected } from '../../collector/core/validate-batch.js';
import type { CanonicalEvent } from '../../collector/core/event.js';

export interface DecodeOptions {
  /** Most events accepted in one batch. */
  maxBatchEvents: number;
  /** The `source` of events that do not name one. */
  source: string;
  storePrompts: boolean;
}

/** A body that is not a batch at all: answered with this error code and message, nothing stored. */
export interface DecodeRefusal {
  refused: { code: 'bad_request' | 'batch_too_large'; message: string; events: number };
}

export interface Decoded {
  received: number;
  valid: CanonicalEvent[];
  rejected: Rejected[];
}

// As fastify parses JSON bodies by default: __proto__ and constructor.prototype keys are refused.
const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const;

export function decodeBatch(body: string, o: DecodeOptions): Decoded | DecodeRefusal {
  if (body.length === 0) return refuse('bad_request', "Body cannot be empty when content-type is set to 'application/json'");
  let parsed: unknown;
  try {
    parsed = sjson.parse(body, null, PARSE_OPTIONS);
  } catch (error) {
    return refuse('bad_request', error instanceof Error ? error.message : String(error));
  }
  // Checked by hand: a schema validator would coerce a non-array into a one-element array.
  const inputs = (parsed as { events?: unknown } | null)?.events;
  if (!Array.isArray(inputs)) return refuse('bad_request', 'body must be {"events": [...]}');
  if (inputs.length > o.maxBatchEvents) {
    return refuse('batch_too_large', `at most ${o.maxBatchEvents} events per batch, got ${inputs.length}`, inputs.length);
  }
  // Metadata is free-form here: user content in it keeps only its size unless prompts may be stored.
  const { valid, rejected } = validateAll(inputs, CONTEXT, { source: o.source }, { storePrompts: o.storePrompts });
  return { received: inputs.length, valid, rejected };
}

/** The host's clock and ids (collector/service/build.ts), usable in any thread. */
const CONTEXT = { now: () => new Date(), newId: () => uuidv7() };

function refuse(code: DecodeRefusal['refused']['code'], message: string, events = 0): DecodeRefusal {
  return { refused: { code, message, events } };
}
