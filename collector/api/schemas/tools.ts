/** GET /api/tools and /api/tools/:tool/calls: tool latency percentiles and drill-down. */
import { Type, type Static } from 'typebox';
import { Nullable, StringEnum, TimeParam } from './common.js';

const FILTERS = {
  /** Only this agent's calls; all agents when absent. */
  agent_type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  /** Calls at or after this instant (event time). */
  since: Type.Optional(TimeParam),
  /** Calls before this instant. */
  until: Type.Optional(TimeParam),
};

export const ToolsQuery = Type.Object(FILTERS, { additionalProperties: false });
export type ToolsQuery = Static<typeof ToolsQuery>;

export const ToolLatency = Type.Object(
  {
    tool_name: Type.String(),
    /** Completed tool calls (counted tool_use events) in the filters. */
    calls: Type.Integer(),
    errors: Type.Integer(),
    error_rate: Type.Number(),
    /** Calls that carry a duration: what the percentiles are over. */
    timed_calls: Type.Integer(),
    /** Nearest-rank percentiles in whole ms, within `max_relative_error` of the exact ones. */
    p50_ms: Nullable(Type.Integer()),
    p95_ms: Nullable(Type.Integer()),
    p99_ms: Nullable(Type.Integer()),
  },
  { additionalProperties: false },
);
export type ToolLatency = Static<typeof ToolLatency>;

export const ToolsResponse = Type.Object(
  {
    since: Nullable(Type.String()),
    until: Nullable(Type.String()),
    agent_type: Nullable(Type.String()),
    /** The largest relative error of a percentile against the exact one (0.025 = 2.5 %). */
    max_relative_error: Type.Number(),
    /** Most calls first. */
    tools: Type.Array(ToolLatency),
  },
  { additionalProperties: false },
);
export type ToolsResponse = Static<typeof ToolsResponse>;

export const TOOL_CALL_KINDS = ['slowest', 'failed'] as const;

export const ToolCallsParams = Type.Object({ tool: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

export const ToolCallsQuery = Type.Object(
  {
    ...FILTERS,
    /** The dashboard's drill-down: only calls in this project, branch, model or from this machine. */
    project: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    branch: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    machine: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    /** The slowest calls (longest first) or the failed ones (newest first). */
    kind: Type.Optional(StringEnum(TOOL_CALL_KINDS, { default: 'slowest' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
  },
  { additionalProperties: false },
);
export type ToolCallsQuery = Static<typeof ToolCallsQuery>;

export const ToolCall = Type.Object(
  {
    /** The event's seq: the session page highlights it with ?event=SEQ. */
    seq: Type.Integer(),
    session_id: Type.String(),
    agent_type: Type.String(),
    /** Event time, ISO. */
    time: Type.String(),
    /** Exact, as stored. */
    duration_ms: Nullable(Type.Number()),
    status: Nullable(Type.String()),
    error: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type ToolCall = Static<typeof ToolCall>;

export const ToolCallsResponse = Type.Object(
  { tool_name: Type.String(), kind: StringEnum(TOOL_CALL_KINDS), calls: Type.Array(ToolCall) },
  { additionalProperties: false },
);
export type ToolCallsResponse = Static<typeof ToolCallsResponse>;
