/**
 * Gemini CLI hooks → canonical events (real-clients-observed.md "Gemini CLI: hooks"; gemini-cli
 * docs/hooks/reference.md). Every body carries an ISO `timestamp`, used as the event's time.
 *
 * Chatty events are aggregated, never stored one by one:
 *  - AfterModel fires once per streamed chunk, BeforeModel and BeforeToolSelection once per model
 *    call, and PreCompress (trigger "auto") before every model call even when nothing is
 *    compressed. Each is counted per session in memory and the counts (plus the last model seen)
 *    are attached to the turn's AfterAgent event (event_type 'stop'), then reset.
 *  - PreCompress with trigger "manual" (the user's /compress) is a real compaction: 'compact'.
 * The installer does not register the chatty events at all; this is for users who do.
 */
import { isObject, str } from '../summary.js';
import type { HookInput, HookMapper, MapOutcome } from '../types.js';
import {
  compactEvent,
  generic,
  notification,
  sessionEnd,
  sessionStart,
  stop,
  toolEnd,
  toolStart,
  userPrompt,
} from './shared.js';

interface TurnCounts {
  model_calls: number;
  streamed_chunks: number;
  tool_selections: number;
  compress_checks: number;
  model: string | null;
}

/** Most sessions whose counters are kept; the oldest is dropped first. */
const MAX_SESSIONS = 1000;

export function createGeminiCliMapper(): HookMapper {
  const turns = new Map<string, TurnCounts>();

  const countsFor = (sessionId: string): TurnCounts => {
    let counts = turns.get(sessionId);
    if (counts) {
      turns.delete(sessionId); // re-insert: Map order is the LRU order
    } else {
      counts = { model_calls: 0, streamed_chunks: 0, tool_selections: 0, compress_checks: 0, model: null };
      if (turns.size >= MAX_SESSIONS) turns.delete(turns.keys().next().value as string);
    }
    turns.set(sessionId, counts);
    return counts;
  };

  const modelOf = (body: Record<string, unknown>): string | null =>
    isObject(body.llm_request) ? str(body.llm_request.model) : null;

  return {
    map(input: HookInput): MapOutcome {
      const b = input.body;
      switch (input.hookEvent) {
        case 'SessionStart':
          return sessionStart(input);
        case 'SessionEnd':
          turns.delete(input.sessionId);
          return sessionEnd(input);
        case 'BeforeAgent':
          return userPrompt(input);
        case 'AfterAgent': {
          const counts = turns.get(input.sessionId);
          turns.delete(input.sessionId);
          const outcome = stop(input, counts ? { turn: summary(counts) } : {});
          if (outcome.kind === 'event' && counts?.model) outcome.draft.model = counts.model;
          return outcome;
        }
        case 'BeforeTool':
          return toolStart(input);
        case 'AfterTool':
          return toolEnd(input, false);
        case 'Notification':
          return notification(input);
        case 'PreCompress':
          if (str(b.trigger) === 'manual') return compactEvent(input);
          countsFor(input.sessionId).compress_checks++;
          return { kind: 'skip', reason: 'gemini_precompress_auto' };
        case 'BeforeModel': {
          const counts = countsFor(input.sessionId);
          counts.model_calls++;
          counts.model = modelOf(b) ?? counts.model;
          return { kind: 'skip', reason: 'gemini_before_model' };
        }
        case 'AfterModel': {
          const counts = countsFor(input.sessionId);
          counts.streamed_chunks++;
          counts.model = modelOf(b) ?? counts.model;
          return { kind: 'skip', reason: 'gemini_after_model_chunk' };
        }
        case 'BeforeToolSelection':
          countsFor(input.sessionId).tool_selections++;
          return { kind: 'skip', reason: 'gemini_before_tool_selection' };
        default:
          return generic(input);
      }
    },
  };
}

function summary(counts: TurnCounts): Record<string, number> {
  const { model: _model, ...numbers } = counts;
  return numbers;
}
