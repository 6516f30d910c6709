/**
 * Codex CLI log events (`codex.*`, session = `conversation.id`). Token usage arrives only on
 * `codex.sse_event` with `event.kind = response.completed`, which Codex sends twice per model call,
 * once without tokens: only the one with tokens becomes the `api_request`. Responses API
 * semantics: input includes cached tokens, output includes reasoning tokens; `tool_token_count` is
 * the total (input + output), not tool tokens, so it is ignored.
 */
import { AGENTS } from '../../../collector/core/agents.js';
import { codexCallKey, sessionBoundaryKey, toolCallKey } from '../../../collector/core/correlation.js';
import { bool, count, num, pick, str } from '../values.js';
import { baseEvent, minus, restAttrs, statusOf, stripPrefix, type LogMapper, type MapResult } from './common.js';

const AGENT = AGENTS.codex;
const CODEX_PREFIX = AGENT.otelPrefix;

const TOKEN_KEYS = [
  'input_token_count',
  'output_token_count',
  'cached_token_count',
  'reasoning_token_count',
  'cache_write_token_count',
  'tool_token_count',
];

const PROMOTED = ['conversation.id', 'duration_ms', 'tool_name', 'call_id', 'success', ...TOKEN_KEYS];

export const codexMapper: LogMapper = {
  agent: AGENT.id,
  map(input, ctx): MapResult {
    // Codex also exports non-event records (e.g. "flushing OTEL metrics" at DEBUG): not events.
    if (!input.name) return { skip: 'codex record without event.name' };
    const a = input.attrs;
    const sessionId = pick(['conversation.id'], a, input.resource);
    if (!sessionId) return { reject: `${input.name} without conversation.id` };
    const name = stripPrefix(input.name, CODEX_PREFIX);
    const event = baseEvent(AGENT.id, sessionId, name, input, restAttrs(a, PROMOTED, ctx));
    const metadata = event.metadata as Record<string, unknown>;
    event.duration_ms = num(a.duration_ms);

    switch (name) {
      case 'conversation_starts':
        event.event_type = 'session_start';
        event.correlation_key = sessionBoundaryKey(sessionId, 'start');
        break;
      case 'user_prompt':
        metadata.prompt_length = count(a.prompt_length) ?? (typeof a.prompt === 'string' ? a.prompt.length : null);
        break;
      case 'api_request': {
        // One HTTP attempt (retries included). The model call itself, with its tokens, is the
        // response.completed sse_event below, so a successful attempt is not a second api_request.
        const status = num(a['http.response.status_code']);
        const failed = (status !== null && status >= 400) || a['error.message'] !== undefined;
        event.event_type = failed ? 'api_error' : 'api_attempt';
        event.status = failed ? 'error' : 'success';
        break;
      }
      case 'sse_event':
        mapSseEvent(a, event);
        break;
      case 'tool_decision':
        event.tool_name = str(a.tool_name);
        event.tool_use_id = str(a.call_id);
        if (typeof a.decision === 'string') metadata.decision = a.decision.toLowerCase();
        if (typeof a.source === 'string') metadata.source = a.source.toLowerCase();
        break;
      case 'tool_result':
        event.event_type = 'tool_use';
        event.tool_name = str(a.tool_name);
        event.tool_use_id = str(a.call_id);
        event.status = statusOf(bool(a.success));
        if (event.tool_use_id) event.correlation_key = toolCallKey(sessionId, event.tool_use_id as string);
        break;
      default:
        if (a.success !== undefined) event.status = statusOf(bool(a.success));
    }
    return { event };
  },
};

function mapSseEvent(a: Record<string, unknown>, event: Record<string, unknown>): void {
  const kind = str(a['event.kind']);
  const input = count(a.input_token_count);
  const output = count(a.output_token_count);
  if (kind === 'response.completed' && (input !== null || output !== null)) {
    const cached = count(a.cached_token_count);
    const cacheWrite = count(a.cache_write_token_count);
    const reasoning = count(a.reasoning_token_count);
    event.event_type = 'api_request';
    event.status = 'success';
    event.tokens_in = minus(input, cached, cacheWrite);
    event.cache_read_tokens = cached;
    event.cache_write_tokens = cacheWrite;
    event.tokens_out = output;
    // tokens_out includes reasoning; never let a malformed pair make the event invalid.
    event.reasoning_tokens = reasoning !== null && output !== null ? Math.min(reasoning, output) : reasoning;
    // The rollout importer keys the same call by the same four figures (one count per call).
    event.correlation_key = codexCallKey(event.session_id as string, {
      input: input ?? 0,
      cached: cached ?? 0,
      output: output ?? 0,
      reasoning: reasoning ?? 0,
    });
    return;
  }
  if (kind === 'response.failed' || a['error.message'] !== undefined) {
    event.event_type = 'api_error';
    event.status = 'error';
  }
}
