/**
 * Claude Code log events (`claude_code.*`). Token semantics match the canonical event already:
 * input_tokens excludes cache; cache_read_tokens and cache_creation_tokens are separate; cost_usd
 * is reported by the agent.
 */
import { AGENTS } from '../../../collector/core/agents.js';
import { apiRequestKey, claudeCallKey, promptKey, toolCallKey } from '../../../collector/core/correlation.js';
import { bool, count, num, pick, str } from '../values.js';
import { baseEvent, restAttrs, statusOf, stripPrefix, type LogMapper, type MapResult } from './common.js';
import { genericEventType } from './generic.js';

const AGENT = AGENTS.claude_code;
const CLAUDE_PREFIX = AGENT.otelPrefix;

/** Claude event names that have a canonical twin; every other name is kept as it is. */
const CANONICAL: Record<string, string> = {
  user_prompt: 'user_prompt',
  api_request: 'api_request',
  api_error: 'api_error',
  tool_result: 'tool_use',
  tool_decision: 'tool_decision',
  compaction: 'compact',
};

const PROMOTED = [
  'prompt.id',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_creation_tokens',
  'cost_usd',
  'duration_ms',
  'request_id',
  'tool_name',
  'tool_use_id',
  'success',
];

export const claudeCodeMapper: LogMapper = {
  agent: AGENT.id,
  map(input, ctx): MapResult {
    const a = input.attrs;
    const sessionId = pick(['session.id'], a, input.resource);
    if (!sessionId) return { reject: `${AGENT.id} record without session.id` };
    const name = stripPrefix(input.name ?? genericEventType(input), CLAUDE_PREFIX);
    const eventType = CANONICAL[name] ?? name;
    const event = baseEvent(AGENT.id, sessionId, eventType, input, restAttrs(a, PROMOTED, ctx));
    const metadata = event.metadata as Record<string, unknown>;

    const promptId = str(a['prompt.id']);
    event.prompt_id = promptId;
    event.duration_ms = num(a.duration_ms);
    event.request_id = str(a.request_id);
    event.tool_name = str(a.tool_name);
    event.tool_use_id = str(a.tool_use_id);
    const hosts = a['workspace.host_paths'];
    if (Array.isArray(hosts) && typeof hosts[0] === 'string') event.cwd = hosts[0];

    switch (eventType) {
      case 'user_prompt': {
        if (promptId) event.correlation_key = promptKey(sessionId, promptId);
        const text = typeof a.prompt === 'string' ? a.prompt : null;
        metadata.prompt_length = count(a.prompt_length) ?? (text !== null ? text.length : null);
        break;
      }
      case 'api_request':
        event.status = 'success';
        event.tokens_in = count(a.input_tokens);
        event.tokens_out = count(a.output_tokens);
        event.cache_read_tokens = count(a.cache_read_tokens);
        event.cache_write_tokens = count(a.cache_creation_tokens);
        event.cost_usd = num(a.cost_usd);
        if (event.cost_usd !== null) event.cost_source = 'reported';
        event.correlation_key = event.request_id
          ? apiRequestKey(event.request_id as string)
          : // No request id (a gateway dropped the header): the store pairs it by its figures.
            claudeCallKey(sessionId, {
              input: event.tokens_in as number | null,
              output: event.tokens_out as number | null,
              cacheRead: event.cache_read_tokens as number | null,
              cacheWrite: event.cache_write_tokens as number | null,
            });
        break;
      case 'api_error':
        event.status = 'error';
        break;
      case 'tool_use':
        event.status = statusOf(bool(a.success));
        if (event.tool_use_id) event.correlation_key = toolCallKey(sessionId, event.tool_use_id as string);
        break;
      default:
        if (a.success !== undefined) event.status = statusOf(bool(a.success));
    }
    return { event };
  },
};
