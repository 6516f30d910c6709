/**
 * The shapes the API and the stream send come from the server's contract
 * (collector/api/schemas/: the schemas fastify validates and serializes with), imported type-only:
 * nothing of the server is bundled, web/ still talks to it only over HTTP. The rest are the
 * dashboard's own shapes.
 */
import type { Stats as ApiStats, StatsMessage } from '../../collector/api/schemas/index.js';

export type {
  Alert,
  AlertList,
  BillingBlock,
  Budget,
  BudgetInput,
  BudgetList,
  BudgetStatus,
  BudgetStatusResponse,
  BlocksQuery,
  BlocksResponse,
  ComponentHealth,
  CostQuery,
  CostStats,
  Counters,
  ErrorBucket,
  ErrorCount,
  ErrorEvent,
  ErrorsResponse,
  SearchHit,
  SearchPage,
  ErrorBody,
  EventsPage,
  EventsQuery,
  FilterOptions,
  Health,
  Hello,
  MetricFigures,
  MetricStats,
  Reset,
  SessionDetail,
  SessionRow,
  SessionsPage,
  SessionsQuery,
  SessionStatus,
  SpanRecord,
  StoredEvent,
  TimelineBucket,
  ToolStat,
  ToolUsageResponse,
  ToolUsageStat,
  ToolCall,
  ToolCallsResponse,
  ToolLatency,
  ToolsResponse,
} from '../../collector/api/schemas/index.js';

/** Stats as the dashboard holds them: from GET /api/stats, or the stream's (time-stamped) `stats`. */
export type Stats = ApiStats & Partial<Pick<StatsMessage, 'generated_at'>>;

/** A 5-hour usage block as the cost view shows it (web/src/blocks.ts reads it from /api/stats/blocks). */
export interface Block {
  start: string;
  end: string;
  cost_usd: number;
  tokens: number;
  unpriced_tokens: number;
  active: boolean;
  /** USD per hour over the block's elapsed time. */
  burn_usd_per_hour: number | null;
  projected_usd: number | null;
}

export type ConnectionState = 'connecting' | 'live' | 'offline' | 'unauthorized';
