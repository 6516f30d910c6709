/** The shape of the dashboard's state, which the store owns and views read. */
import type { Route } from './router.js';
import type { TreeNode } from './tree.js';
import type { Health } from './health.js';
import type {
  Block,
  ConnectionState,
  CostStats,
  Counters,
  ErrorEvent,
  ErrorsResponse,
  SearchHit,
  FilterOptions,
  Hello,
  SessionDetail,
  SessionRow,
  Stats,
  StoredEvent,
} from './types.js';

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
  /** GET /api/search for the search view's URL (q, agent_type, range), pages appended. */
  search: Loadable<{ hits: SearchHit[]; next: string | null; pending: number }>;
  /** GET /api/errors for the errors view's URL (range, agent_type, kind), list pages appended. */
  errors: Loadable<{ summary: ErrorsResponse['summary']; recent: ErrorEvent[]; next: string | null }>;
}

