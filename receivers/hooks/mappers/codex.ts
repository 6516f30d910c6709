/**
 * Codex CLI hooks → canonical events. Codex sends Claude-shaped bodies (real-clients-observed.md
 * "Codex: hooks"): tool_name "Bash" (OTel says exec_command), tool_response a string, every body
 * has `model`, turn-scoped ones a `turn_id`; no prompt_id and no duration_ms, so tool durations
 * come from the PreToolUse/PostToolUse pair. tool_use_id is the call_id OTel reports, so the
 * correlation key is the same as the OTLP receiver's.
 */
import type { HookInput, HookMapper, MapOutcome } from '../types.js';
import { mapClaudeShaped } from './claude-code.js';

function mapCodex(input: HookInput): MapOutcome {
  const outcome = mapClaudeShaped(input);
  if (outcome.kind !== 'event') return outcome;
  const model = input.body.model;
  // Every Codex body names the active model: it lists the model on the session.
  if (typeof model === 'string' && model !== '' && !outcome.draft.model) outcome.draft.model = model;
  return outcome;
}

export function createCodexMapper(): HookMapper {
  return { map: mapCodex };
}
