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
  for (let index = 0; index < inputs.length; index++) {
    const result = validateEvent(inputs[index], ctx, defaults);
    if (result.ok) {
      const event = result.event;
      if (privacy) event.metadata = redactContent(event.metadata, privacy.storePrompts);
      valid.push(event);
    } else rejected.push({ index, errors: result.errors });
  }
  return { valid, rejected };
}
