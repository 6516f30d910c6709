/** Validating a list of raw events with per-index errors: what every receiver of events shares. */
import { validateEvent, type CanonicalEvent, type FieldError, type ValidationContext } from './event.js';

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
      input && typeof input === 'object' && !Array.isArray(input) ? { ...defaults, ...input } : input;
    const result = validateEvent(withDefaults, ctx);
    if (result.ok) valid.push(result.event);
    else rejected.push({ index, errors: result.errors });
  });
  return { valid, rejected };
}
