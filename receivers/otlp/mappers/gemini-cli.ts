/**
 * Gemini CLI log events (`gemini_cli.*`, some unprefixed, and GenAI-semconv `gen_ai.*`).
 * `api_response` carries the tokens: input_token_count includes cached content; output_token_count
 * excludes thoughts, so tokens_out = output + thoughts and reasoning_tokens = thoughts.
 */
import { AGENTS } from '../../../collector/core/agents.js';
import { promptKey, sessionBoundaryKey, toolCallKey } from '../../../collector/core/correlation.js';
import { bool, count, num, pick, str } from '../values.js';
import { baseEvent, minus, restAttrs, statusOf, stripPrefix, type LogMapper, type MapResult } from './common.js';
import { genericEventType } from './generic.js';

const AGENT = AGENTS.gemini_cli;
const GEMINI_PREFIX = AGENT.otelPrefix;

const PROMOTED = [
  'prompt_id',
  'duration_ms',
  'function_name',
  'success',
  'input_token_count',
  'output_token_count',
  'cached_content_token_count',
  'thoughts_token_count',
];

export const geminiCliMapper: LogMapper = {
  agent: AGENT.id,
  map(input, ctx): MapResult {
    const a = input.attrs;
    const sessionId = pick(['session.id'], a, input.resource);
    if (!sessionId) return { reject: `${AGENT.id} record without session.id` };
    const name = stripPrefix(input.name ?? genericEventType(input), GEMINI_PREFIX);
    const event = baseEvent(AGENT.id, sessionId, name, input, restAttrs(a, PROMOTED, ctx));
    const metadata = event.metadata as Record<string, unknown>;
    const promptId = str(a.prompt_id);
    event.prompt_id = promptId;
    event.duration_ms = num(a.duration_ms);

    switch (name) {
      case 'config':
        // Emitted once when a session starts; the hook's SessionStart is the same occurrence.
        event.event_type = 'session_start';
        event.correlation_key = sessionBoundaryKey(sessionId, 'start');
        break;
      case 'user_prompt':
        if (promptId) event.correlation_key = promptKey(sessionId, promptId);
        metadata.prompt_length = count(a.prompt_length) ?? (typeof a.prompt === 'string' ? a.prompt.length : null);
        break;
      case 'api_request':
        // The request being sent; its result (tokens) is api_response.
        event.event_type = 'api_request_start';
        break;
      case 'api_response': {
        const statusCode = num(a.status_code) ?? num(a['http.status_code']);
        const thoughts = count(a.thoughts_token_count);
        const output = count(a.output_token_count);
        const cached = count(a.cached_content_token_count);
        event.event_type = 'api_request';
        event.status = statusCode !== null && statusCode >= 400 ? 'error' : 'success';
        event.tokens_in = minus(count(a.input_token_count), cached);
        event.cache_read_tokens = cached;
        event.tokens_out = output === null && thoughts === null ? null : (output ?? 0) + (thoughts ?? 0);
        event.reasoning_tokens = thoughts;
        break;
      }
      case 'api_error':
        event.status = 'error';
        break;
      case 'tool_call': {
        event.event_type = 'tool_use';
        event.tool_name = str(a.function_name);
        event.status = statusOf(bool(a.success));
        const callId = pick(['call_id', 'tool_call_id'], a);
        if (callId) {
          event.tool_use_id = callId;
          event.correlation_key = toolCallKey(sessionId, callId);
        }
        break;
      }
      default:
        if (a.success !== undefined) event.status = statusOf(bool(a.success));
    }
    return { event };
  },
};
