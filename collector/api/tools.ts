/** GET /api/tools (latency percentiles per tool) and /api/tools/:tool/calls (slowest or failed calls). */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ToolLatencyQuery, ToolLatencyReader } from '../core/storage.js';
import { replyError } from '../server/errors.js';
import { ERROR_RESPONSES, ToolCallsParams, ToolCallsQuery, ToolCallsResponse, ToolsQuery, ToolsResponse } from './schemas/index.js';
import { toolsView } from './read-models/tools.js';

type Filters = { since?: string; until?: string; agent_type?: string };

/** The filters as the reader takes them, or the message naming the bad field. */
function range(q: Filters): ToolLatencyQuery | string {
  const sinceMs = q.since ? Date.parse(q.since) : null;
  const untilMs = q.until ? Date.parse(q.until) : null;
  if (sinceMs !== null && untilMs !== null && untilMs <= sinceMs) return 'querystring/until: must be later than since';
  return { sinceMs, untilMs, agent_type: q.agent_type };
}

export function registerToolRoutes(server: FastifyInstance, reader: ToolLatencyReader): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/tools',
    { schema: { querystring: ToolsQuery, response: { 200: ToolsResponse, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const q = range(request.query);
      if (typeof q === 'string') return replyError(reply, 'bad_request', q);
      const { since, until, agent_type } = request.query;
      return { since: since ?? null, until: until ?? null, agent_type: agent_type ?? null, ...toolsView(reader, q) };
    },
  );

  app.get(
    '/api/tools/:tool/calls',
    { schema: { params: ToolCallsParams, querystring: ToolCallsQuery, response: { 200: ToolCallsResponse, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const q = range(request.query);
      if (typeof q === 'string') return replyError(reply, 'bad_request', q);
      const kind = request.query.kind ?? 'slowest';
      const { project, branch, model, machine } = request.query;
      const rows = reader.toolCalls(request.params.tool, kind, { ...q, project, branch, model, machine }, request.query.limit ?? 20);
      return {
        tool_name: request.params.tool,
        kind,
        calls: rows.map(({ ts, ...r }) => ({ ...r, time: new Date(ts).toISOString() })),
      };
    },
  );
}
