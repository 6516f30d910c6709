/**
 * --json output: ccusage's field names and shapes where a migrating user's scripts expect them
 * ({daily|weekly|monthly: [...], totals}, {sessions: [...], totals}, {blocks: [...]}), plus
 * AgentStats' own fields (unpricedTokens, reasoningTokens, apiRequests, agent, …) and an
 * `agentstats` object saying what was asked and where the numbers came from. Documented and kept
 * stable in docs/cli.md.
 */
import type { Counters } from '../api/schemas/index.js';
import type { BlocksReport, PeriodReport, SessionReport } from './reports.js';

export interface Meta {
  source: 'api' | 'database';
  where: string;
}

function tokens(c: Counters) {
  return {
    inputTokens: c.tokens_in,
    outputTokens: c.tokens_out,
    cacheCreationTokens: c.cache_write_tokens,
    cacheReadTokens: c.cache_read_tokens,
    totalTokens: c.total_tokens,
  };
}

function figures(c: Counters) {
  return {
    ...tokens(c),
    totalCost: c.cost_usd,
    unpricedTokens: c.unpriced_tokens,
    reasoningTokens: c.reasoning_tokens,
    apiRequests: c.api_requests,
  };
}

const PERIOD_FIELD = { daily: 'date', weekly: 'week', monthly: 'month' } as const;

export function periodJson(r: PeriodReport, meta: Meta) {
  const field = PERIOD_FIELD[r.kind];
  return {
    [r.kind]: r.rows.map((row) => ({
      [field]: row.key,
      ...figures(row.counters),
      modelsUsed: row.models.map((m) => m.model).filter((m) => m !== ''),
      modelBreakdowns: row.models.map((m) => ({ modelName: m.model, ...tokens(m.counters), cost: m.counters.cost_usd, unpricedTokens: m.counters.unpriced_tokens })),
    })),
    totals: figures(r.totals),
    agentstats: {
      ...meta,
      since: r.range.since,
      until: r.range.until,
      timezone: r.range.timezone,
      unpricedModels: r.unpricedModels,
    },
  };
}

export function sessionJson(r: SessionReport, meta: Meta) {
  return {
    sessions: r.sessions.map((s) => ({
      sessionId: s.session_id,
      ...figures({
        events: s.event_count,
        errors: s.error_count,
        tokens_in: s.tokens_in,
        tokens_out: s.tokens_out,
        cache_read_tokens: s.cache_read_tokens,
        cache_write_tokens: s.cache_write_tokens,
        reasoning_tokens: s.reasoning_tokens,
        cost_usd: s.cost_usd,
        unpriced_tokens: s.unpriced_tokens,
        api_requests: s.api_request_count,
        total_tokens: s.tokens_in + s.tokens_out + s.cache_read_tokens + s.cache_write_tokens,
        error_rate: 0,
      }),
      firstActivity: s.first_seen,
      lastActivity: s.last_seen,
      modelsUsed: s.models,
      projectPath: s.cwd ?? s.project,
      project: s.project,
      branch: s.branch,
      agent: s.agent_type,
      status: s.status,
      parentSessionId: s.parent_session_id,
    })),
    totals: figures(r.totals),
    agentstats: { ...meta, since: r.range.since, until: r.range.until, timezone: r.range.timezone },
  };
}

export function blocksJson(r: BlocksReport, meta: Meta) {
  return {
    blocks: r.blocks.map((b) => ({
      id: b.start,
      startTime: b.start,
      endTime: b.end,
      // The end of the last hour with usage (the rollup is hourly), or now for the running block.
      actualEndTime: b.is_active ? r.now : new Date(Math.min(Date.parse(b.last_activity_hour) + 3_600_000, Date.parse(b.end))).toISOString(),
      isActive: b.is_active,
      isGap: false,
      entries: b.api_requests,
      tokenCounts: {
        inputTokens: b.tokens.input,
        outputTokens: b.tokens.output,
        cacheCreationInputTokens: b.tokens.cache_write,
        cacheReadInputTokens: b.tokens.cache_read,
      },
      totalTokens: b.total_tokens,
      costUSD: b.cost_usd,
      unpricedTokens: b.unpriced_tokens,
      models: [] as string[],
      burnRate: b.is_active ? { tokensPerMinute: b.burn_rate.tokens_per_minute, costPerHour: b.burn_rate.cost_usd_per_hour } : null,
      projection: b.projection
        ? { totalTokens: b.projection.total_tokens, totalCost: b.projection.cost_usd, remainingMinutes: b.projection.remaining_minutes }
        : null,
    })),
    totals: figures(r.totals),
    agentstats: { ...meta, since: r.range.since, until: r.range.until, timezone: r.range.timezone, agent: r.agent, now: r.now },
  };
}
