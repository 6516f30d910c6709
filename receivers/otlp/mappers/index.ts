/**
 * Picks the mapper for a log record: by the event-name prefix first, then by the resource's
 * service.name, then by the instrumentation scope; anything else goes to the generic mapper.
 */
import { AGENT_LIST, type AgentId } from '../../../collector/core/agents.js';
import { str } from '../values.js';
import { claudeCodeMapper } from './claude-code.js';
import { codexMapper } from './codex.js';
import { geminiCliMapper } from './gemini-cli.js';
import { genericMapper } from './generic.js';
import type { LogInput, LogMapper } from './common.js';

export type { LogInput, LogMapper, MapContext, MapResult } from './common.js';

/** One mapper per agent in the catalogue (a new agent there fails this build until it has one). */
const MAPPERS: Record<AgentId, LogMapper> = {
  claude_code: claudeCodeMapper,
  codex: codexMapper,
  gemini_cli: geminiCliMapper,
};

const BY_PREFIX: Array<[string, LogMapper]> = AGENT_LIST.map((a) => [a.otelPrefix, MAPPERS[a.id]]);
const BY_SERVICE: Array<[RegExp, LogMapper]> = AGENT_LIST.map((a) => [a.otelService, MAPPERS[a.id]]);
const BY_SCOPE: Array<[RegExp, LogMapper]> = AGENT_LIST.map((a) => [a.otelScope, MAPPERS[a.id]]);

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
