/** Validating a list of raw events with per-index errors: what every receiver of events shares. */
import { redactContent } from './privacy.js';
import { validateEvent, type CanonicalEvent, type FieldError, type ValidationContext } from './event.js';

export interface Rejected {
  index: number;
  errors: FieldError[];
}

/**
 * Validates each input (defaults filled in first) and keeps the errors with their index. With
 * `storePrompts` given, free-form metadata then goes through the one privacy rule (user content
 * keeps only its size unless prompts may be stored) — for receivers whose senders choose the
 * metadata (native events, plugins); mappers that build metadata from allow-lists pass nothing.
 */
export function validateAll(
  inputs: unknown[],
  ctx: ValidationContext,
  defaults: Partial<CanonicalEvent> = {},
  privacy?: { storePrompts: boolean },
): { valid: CanonicalEvent[]; rejected: Rejected[] } {
  const valid: CanonicalEvent[] = [];
  const rejected: Rejected[] = [];
  inputs.forEach((input, index) => {
    const withDefaults =
      input && typeof input === 'object' && !Array.isArray(input) ? { ...defaults, ...input } : input;
    const result = validateEvent(withDefaults, ctx);
    if (result.ok) {
      const event = result.event;
      const metadata = privacy ? redactContent(event.metadata, privacy.storePrompts) : event.metadata;
      valid.push(metadata === event.metadata ? event : { ...event, metadata });
    }
    else rejected.push({ index, errors: result.errors });
  });
  return { valid, rejected };
}
