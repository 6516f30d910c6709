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
  /** History events (imports, late arrivals) older than the feed's window: counted, not listed. */
  historyOut: number;
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
  /** GET /api/search for the search view's URL (q, agent_type, range), pages appended. */
  search: Loadable<{ hits: SearchHit[]; next: string | null; pending: number }>;
  /** GET /api/errors for the errors view's URL (range, agent_type, kind), list pages appended. */
  errors: Loadable<{ summary: ErrorsResponse['summary']; recent: ErrorEvent[]; next: string | null }>;
}


export const emptyLoadable = <T,>(): Loadable<T> => ({ key: '', data: null, loading: false, error: null });

/** The state before anything is loaded. */
export function initialState(route: State['route']): State {
  const empty = emptyLoadable;
  return {
    connection: 'connecting',
    hello: null,
    stats: null,
    feed: [],
    held: [],
    historyOut: 0,
    paused: false,
    filterOptions: null,
    active: [],
    today: null,
    timeline24h: [],
    blocks: null,
    health: null,
    route,
    sessions: empty(),
    detail: { ...empty(), tree: null },
    cost: { ...empty(), blocks: null },
    filteredTotals: null,
    toolUsage: empty(),
    project: empty(),
    search: empty(),
    errors: empty(),
  };
}
