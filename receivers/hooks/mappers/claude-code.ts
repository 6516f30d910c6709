/**
 * Claude Code hooks → canonical events. Event names and fields: agent-formats.md §1 and
 * real-clients-observed.md ("Claude Code: hooks"). PostToolUse carries duration_ms (2.1.331).
 */
import type { HookInput, HookMapper, MapOutcome } from '../types.js';
import {
  compactEvent,
  generic,
  notification,
  permissionRequest,
  sessionEnd,
  sessionStart,
  stop,
  subagent,
  toolEnd,
  toolStart,
  userPrompt,
} from './shared.js';

/** The events shared by Claude Code and Codex (Codex sends Claude-shaped bodies). */
export function mapClaudeShaped(input: HookInput): MapOutcome {
  switch (input.hookEvent) {
    case 'SessionStart':
      return sessionStart(input, { subagent_type: typeof input.body.agent_type === 'string' ? input.body.agent_type : undefined });
    case 'SessionEnd':
      return sessionEnd(input);
    case 'UserPromptSubmit':
      return userPrompt(input);
    case 'PreToolUse':
      return toolStart(input);
    case 'PostToolUse':
      return toolEnd(input, false);
    case 'PostToolUseFailure':
      return toolEnd(input, true);
    case 'PermissionRequest':
      return permissionRequest(input);
    case 'Notification':
      return notification(input);
    case 'Stop':
      return stop(input);
    case 'StopFailure':
      return stop(input, {}, true);
    case 'SubagentStart':
      return subagent(input, 'start');
    case 'SubagentStop':
      return subagent(input, 'stop');
    case 'PreCompact':
      return compactEvent(input);
    default:
      return generic(input);
  }
}

export function createClaudeCodeMapper(): HookMapper {
  return { map: mapClaudeShaped };
}
