/** The shape of the dashboard's state, which the store owns and views read. */
import type { Route } from './router.js';
import type { TreeNode } from './tree.js';
import type { Health } from './health.js';
import type {
  Block,
  ConnectionState,
  CostStats,
  Counters,
  FilterOptions,
  Hello,
  SessionDetail,
  SessionRow,
  Stats,
  StoredEvent,
  ToolUsageResponse,
} from './types.js';
import type { ProjectData } from './project-data.js';

export interface Loadable<T> {
  key: string;
  data: T | null;
  loading: boolean;
  error: string | null;
}

export interface State {
  connection: ConnectionState;
  hello: Hello | null;
  stats: Stats | null;
  /** Newest first, at most hello.max_feed. */
  feed: StoredEvent[];
  /** Events that arrived while the feed was paused. */
  held: StoredEvent[];
  paused: boolean;
  filterOptions: FilterOptions | null;
  active: SessionRow[];
  today: Counters | null;
  timeline24h: CostStats['timeline'];
  blocks: Block[] | null;
  /** GET /api/health: queue depth and per-component counts, refreshed with the stats messages. */
  health: Health | null;
  route: Route;
  sessions: Loadable<{ rows: SessionRow[]; next: string | null }>;
  detail: Loadable<SessionDetail> & { tree: TreeNode | null };
  cost: Loadable<CostStats> & { blocks: Block[] | null };
  /** Overview under drill-down filters or a custom range: the filtered totals its cards show. */
  filteredTotals: Counters | null;
  /** Tools under filters (GET /api/stats/tools). */
  toolUsage: Loadable<ToolUsageResponse>;
  /** The project page. */
  project: Loadable<ProjectData>;
}

