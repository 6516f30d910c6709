/**
 * Picks the mapper for a log record: by the event-name prefix first, then by the resource's
 * service.name, then by the instrumentation scope; anything else goes to the generic mapper.
 */
import { str } from '../values.js';
import { CLAUDE_PREFIX, claudeCodeMapper } from './claude-code.js';
import { CODEX_PREFIX, codexMapper } from './codex.js';
import { GEMINI_PREFIX, geminiCliMapper } from './gemini-cli.js';
import { genericMapper } from './generic.js';
import type { LogInput, LogMapper } from './common.js';

export type { LogInput, LogMapper, MapContext, MapResult } from './common.js';

const BY_PREFIX: Array<[string, LogMapper]> = [
  [CLAUDE_PREFIX, claudeCodeMapper],
  [CODEX_PREFIX, codexMapper],
  [GEMINI_PREFIX, geminiCliMapper],
];

const BY_SERVICE: Array<[RegExp, LogMapper]> = [
  [/^claude[-_]code/i, claudeCodeMapper],
  [/^codex/i, codexMapper],
  [/^gemini[-_]cli/i, geminiCliMapper],
];

const BY_SCOPE: Array<[RegExp, LogMapper]> = [
  [/^com\.anthropic\.claude_code/, claudeCodeMapper],
  [/^codex/, codexMapper],
  [/^gemini-cli/, geminiCliMapper],
];

export function chooseMapper(input: LogInput): LogMapper {
  if (input.name) {
    for (const [prefix, mapper] of BY_PREFIX) if (input.name.startsWith(prefix)) return mapper;
  }
  const service = str(input.resource['service.name']);
  if (service) {
    for (const [re, mapper] of BY_SERVICE) if (re.test(service)) return mapper;
  }
  if (input.scope.name) {
    for (const [re, mapper] of BY_SCOPE) if (re.test(input.scope.name)) return mapper;
  }
  return genericMapper;
}

/** Agent of a metric or span: by metric/span name prefix, then service.name. */
export function agentOf(name: string, resource: Record<string, unknown>): string | null {
  for (const [prefix, mapper] of BY_PREFIX) if (name.startsWith(prefix)) return mapper.agent;
  const service = str(resource['service.name']);
  if (service) {
    for (const [re, mapper] of BY_SERVICE) if (re.test(service)) return mapper.agent;
    return service;
  }
  return null;
}
