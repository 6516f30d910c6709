/**
 * The one owner of server state. The API/SSE client feeds it; components read it and call its
 * actions, never fetching on their own. Changes are announced once per animation frame, so a burst
 * of thousands of events costs one render.
 */
import { api, HttpError, StreamClient } from './api.js';
import { normalizeBlocks } from './blocks.js';
import { timeZone } from './format.js';
import { parseRoute, type Route } from './router.js';
import type { TreeNode } from './tree.js';
import { sessionPatch } from './session-patch.js';
import { budgets } from './budgets.js';
import { historyLeftOut, mergeFeed, orderFeed } from './feed-order.js';
import { initialState, type State } from './state.js';
import { drillFilter, eventMatches, feedQuery, isFiltered, rangeOf, sessionMatches as sessionMatchesFilter } from './filters.js';
import { bucketFor, fetchOverview, loadProjectData, mergeProjectParts, type ProjectData } from './project-data.js';
import { loadErrors, loadSearch } from './store-lists.js';
import { countsOnly, toolFilters } from './tools-data.js';

export type { State, TreeNode };
import type { FilterOptions, Hello, SessionRow, Stats, StoredEvent } from './types.js';

const MAX_SESSION_EVENTS = 2000;
/** Sessions-view URL parameters that GET /api/sessions filters on (same names). */
const SESSION_FILTERS = ['status', 'agent_type', 'project', 'branch', 'model', 'q', 'sort'] as const;
const RANGES: Record<string, number> = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 };

function message(error: unknown): string {
  return error instanceof HttpError ? error.message : error instanceof Error ? error.message : String(error);
}

export class AppStore {
  state: State = initialState(parseRoute());

  private listeners = new Set<() => void>();
  private frameQueued = false;
  private stream: StreamClient | null = null;
  private helloCount = 0;
  private lastRefresh = 0;
  private lastOptions = 0;
  private lastHealth = 0;
  private optionsTimer = 0;
  /** The offered filter values as prefixed keys, to spot an event's new value in O(1). */
  private optionKeys: { of: FilterOptions; keys: Set<string> } | null = null;

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** For the view loaders in store-lists.ts. */
  update(patch: Partial<State>): void {
    this.set(patch);
  }

  private set(patch: Partial<State>): void {
    this.state = { ...this.state, ...patch };
    if (this.frameQueued) return;
    this.frameQueued = true;
    const run = () => {
      this.frameQueued = false;
      for (const fn of this.listeners) fn();
    };
    // Background tabs get no animation frames; a timer keeps their state current anyway.
    if (document.hidden) setTimeout(run, 250);
    else requestAnimationFrame(run);
  }

  get maxFeed(): number {
    return this.state.hello?.max_feed ?? 500;
  }

  // ------------------------------------------------------------------ start-up and the stream

  async start(): Promise<void> {
    let fromSeq: number | null = null;
    try {
      const [{ events }, stats] = await Promise.all([api.events({ limit: 200 }), api.stats()]);
      fromSeq = events[0]?.seq ?? 0;
      this.set({ feed: orderFeed(events, this.maxFeed), stats });
    } catch (error) {
      if (error instanceof HttpError && error.status === 401) this.set({ connection: 'unauthorized' });
    }
    void this.loadOptions();
    void this.loadHealth();
    this.stream = new StreamClient({
      hello: (h) => this.onHello(h),
      events: (e) => this.onEvents(e),
      session: (s) => this.onSession(s),
      stats: (s) => this.onStats(s),
      reset: () => void this.reload(),
      alert: (a) => budgets.onAlert(a),
      state: (connection) => this.set({ connection }),
    });
    this.stream.connect(fromSeq, this.state.connection === 'unauthorized');
    this.setRoute(this.state.route, true);
  }

  retry(): void {
    if (this.stream) this.stream.retryNow();
    else void this.start();
  }

  private onHello(hello: Hello): void {
    this.helloCount++;
    const feed = orderFeed(this.state.feed, hello.max_feed);
    this.set({ hello, feed });
    // After a reconnect, views reload: session rows may have changed while we were away.
    if (this.helloCount > 1) this.setRoute(this.state.route, true);
  }

  private onEvents(events: StoredEvent[]): void {
    const p = this.state.route.params;
    // Under drill-down filters the feed holds only the events that match them.
    const shown = isFiltered(p) ? events.filter((e) => eventMatches(e, drillFilter(p), rangeOf(p))) : events;
    const max = this.maxFeed;
    const patch: Partial<State> = {};
    // By event time (feed-order.ts): history arriving now sorts below live activity.
    if (this.state.paused) patch.held = mergeFeed(this.state.held, shown, max);
    else {
      patch.feed = mergeFeed(this.state.feed, shown, max);
      const out = historyLeftOut(patch.feed, shown);
      if (out) patch.historyOut = this.state.historyOut + out;
    }

    const d = this.state.detail;
    if (d.data) {
      const mine = events.slice().reverse().filter((e) => e.session_id === d.data!.session.session_id);
      if (mine.length) {
        patch.detail = { ...d, data: { ...d.data, events: [...mine, ...d.data.events].slice(0, MAX_SESSION_EVENTS) } };
      }
    }
    if (this.state.filterOptions && events.some((e) => this.isNewOption(e))) void this.loadOptions(2000);
    this.set(patch);
  }

  private onSession(s: SessionRow): void {
    const patch = sessionPatch(this.state, s, (row) => this.sessionMatches(row));
    // The Overview's active list under drill-down filters keeps only matching sessions.
    const f = drillFilter(this.state.route.params);
    if (patch.active && Object.keys(f).length) patch.active = patch.active.filter((r) => sessionMatchesFilter(r, f));
    this.set(patch);
  }

  private onStats(stats: Stats): void {
    this.set({ stats });
    const now = Date.now();
    const view = this.state.route.view;
    if ((view === 'overview' || view === 'cost') && now - this.lastRefresh > 4000) {
      this.lastRefresh = now;
      if (view === 'overview') void this.loadOverview();
      else void this.loadCost(true);
    }
    if ((view === 'project' || (view === 'tools' && isFiltered(this.state.route.params))) && now - this.lastRefresh > 4000) {
      this.lastRefresh = now;
      void (view === 'project' ? this.loadProject(true) : this.loadToolUsage(true));
    }
    if (now - this.lastOptions > 30_000) void this.loadOptions();
    if (now - this.lastHealth > 2000) void this.loadHealth();
  }

  private async loadHealth(): Promise<void> {
    this.lastHealth = Date.now();
    try {
      this.set({ health: await api.health() });
    } catch {
      /* the strip keeps its last numbers; the connection pill tells the story */
    }
  }

  private async reload(): Promise<void> {
    try {
      const { events } = await api.events({ limit: Math.min(this.maxFeed, 1000), ...feedQuery(this.state.route.params) });
      this.set({ feed: orderFeed(events, this.maxFeed), held: [] });
    } catch {
      /* the stream will retry */
    }
    this.setRoute(this.state.route, true);
  }

  /** Whether an event brings a filter value (agent, type, model, project, branch) not offered yet. */
  private isNewOption(e: StoredEvent): boolean {
    const o = this.state.filterOptions!;
    if (this.optionKeys?.of !== o) {
      const keys = (prefix: string, list: string[]) => list.map((v) => prefix + v);
      const all = [keys('a', o.agent_types), keys('t', o.event_types), keys('m', o.models), keys('p', o.projects), keys('b', o.branches)];
      this.optionKeys = { of: o, keys: new Set(all.flat()) };
    }
    const { keys } = this.optionKeys;
    const fields: Array<[string, string | null]> = [['a', e.agent_type], ['t', e.event_type], ['m', e.model], ['p', e.project], ['b', e.branch]];
    return fields.some(([prefix, v]) => v !== null && !keys.has(prefix + v));
  }

  /**
   * Reloads the filter options, at most once per `delayMs`; a call inside that window is not
   * dropped but runs when it ends, so values first seen in a burst still show up.
   */
  private async loadOptions(delayMs = 0): Promise<void> {
    const now = Date.now();
    const wait = this.lastOptions + delayMs - now;
    if (wait > 0) {
      if (!this.optionsTimer) {
        this.optionsTimer = window.setTimeout(() => {
          this.optionsTimer = 0;
          void this.loadOptions();
        }, wait);
      }
      return;
    }
    this.lastOptions = now;
    try {
      this.set({ filterOptions: await api.filterOptions() });
    } catch {
      /* shown as empty filters */
    }
  }

  // ------------------------------------------------------------------ feed actions

  setPaused(paused: boolean): void {
    if (paused) this.set({ paused: true });
    else this.set({ paused: false, feed: mergeFeed(this.state.feed, this.state.held, this.maxFeed), held: [] });
  }

  clearFeed(): void {
    this.set({ feed: [], held: [], historyOut: 0 });
  }

  // ------------------------------------------------------------------ views

  setRoute(route: Route, force = false): void {
    const feedKey = JSON.stringify(feedQuery(this.state.route.params));
    this.set({ route });
    if (JSON.stringify(feedQuery(this.state.route.params)) !== feedKey) void this.reload();
    if (route.view === 'tools') void this.loadToolUsage(force);
    if (route.view === 'project' && route.id) void this.loadProject(force);
    if (route.view === 'overview') void this.loadOverview();
    if (route.view === 'sessions') void this.loadSessions(force);
    if (route.view === 'session' && route.id) void this.loadSession(route.id, force);
    if (route.view === 'cost') void this.loadCost(force);
    if (route.view === 'search') void loadSearch(this, force);
    if (route.view === 'errors') void loadErrors(this, force);
  }

  async loadOverview(): Promise<void> {
    try {
      this.set(await fetchOverview(this.state.route.params));
    } catch {
      /* cards keep their last values; the connection pill tells the story */
    }
  }

  /** One keyed Loadable (toolUsage, project): skipped when loaded for the same key unless forced. */
  private async loadKeyed<K extends 'toolUsage' | 'project'>(field: K, key: string, force: boolean, fetch: () => Promise<State[K]['data']>): Promise<void> {
    const cur = this.state[field];
    if (!force && cur.key === key && (cur.data || cur.loading)) return;
    this.set({ [field]: { ...cur, key, loading: true, error: null, data: cur.key === key ? cur.data : null } });
    try {
      const data = await fetch();
      if (this.state[field].key === key) this.set({ [field]: { key, loading: false, error: null, data } });
    } catch (error) {
      this.set({ [field]: { ...this.state[field], loading: false, error: message(error) } });
    }
  }

  /** Tools under drill-downs the latency histograms cannot narrow (counts only), for the view's range. */
  async loadToolUsage(force = false): Promise<void> {
    const p = this.state.route.params;
    if (!countsOnly(p)) return;
    const q: Record<string, string> = { ...drillFilter(p), ...toolFilters(p) };
    await this.loadKeyed('toolUsage', JSON.stringify(q), force, () => api.toolUsage(q));
  }

  async loadProject(force = false): Promise<void> {
    const { view, id, params } = this.state.route;
    const range = rangeOf(params);
    if (view !== 'project' || !id) return;
    const key = JSON.stringify([id, range]);
    // The first load shows each part as it arrives; a refresh keeps the old figures until all are in.
    const onPart = (part: ProjectData) =>
      this.state.project.key === key && this.set({ project: { ...this.state.project, data: mergeProjectParts(this.state.project.data, part) } });
    await this.loadKeyed('project', key, force, () => loadProjectData(id, range, this.state.project.data ? undefined : onPart));
  }

  private sessionQuery(): Record<string, string> {
    const p = this.state.route.params;
    const q: Record<string, string> = {};
    for (const k of SESSION_FILTERS) if (p[k]) q[k] = p[k];
    const r = rangeOf(p);
    if (r.since) q.since = r.since;
    if (r.until) q.until = r.until;
    // The table's search and sort run on the server (the URL's dir is the API's order).
    if (p.sort && p.dir === 'asc') q.order = 'asc';
    return q;
  }

  /** Whether a live-updated session belongs in the list the server gave for these filters. */
  private sessionMatches(s: SessionRow): boolean {
    const q = this.sessionQuery();
    return (
      (!q.status || s.status === q.status) &&
      (!q.agent_type || s.agent_type === q.agent_type) &&
      (!q.project || s.project === q.project) &&
      (!q.branch || s.branch === q.branch) &&
      (!q.model || s.models.includes(q.model)) &&
      (!q.since || s.last_seen >= q.since) &&
      (!q.until || s.first_seen < q.until) &&
      (!q.q || [s.session_id, s.project, s.branch, s.cwd, ...s.models].some((v) => v?.toLowerCase().includes(q.q.toLowerCase())))
    );
  }

  async loadSessions(force = false, more = false): Promise<void> {
    const q = this.sessionQuery();
    const key = JSON.stringify(q);
    const cur = this.state.sessions;
    if (!force && !more && cur.key === key && (cur.data || cur.loading)) return;
    const cursor = more ? cur.data?.next : undefined;
    if (more && !cursor) return;
    this.set({ sessions: { ...cur, key, loading: true, error: null, data: cur.key === key ? cur.data : null } });
    try {
      const page = await api.sessions({ ...q, limit: 200, cursor });
      if (this.state.sessions.key !== key) return;
      const rows = more && cur.data ? [...cur.data.rows, ...page.sessions] : page.sessions;
      this.set({ sessions: { key, loading: false, error: null, data: { rows, next: page.next_cursor } } });
    } catch (error) {
      this.set({ sessions: { ...this.state.sessions, loading: false, error: message(error) } });
    }
  }

  async loadSession(id: string, force = false): Promise<void> {
    const cur = this.state.detail;
    if (!force && cur.key === id && (cur.data || cur.loading)) return;
    this.set({ detail: { key: id, loading: true, error: null, data: cur.key === id ? cur.data : null, tree: cur.key === id ? cur.tree : null } });
    try {
      const data = await api.session(id, MAX_SESSION_EVENTS);
      if (this.state.detail.key !== id) return;
      const tree: TreeNode = { session: data.session, children: data.children.map((c) => ({ session: c, children: [] })) };
      this.set({ detail: { key: id, loading: false, error: null, data, tree } });
      await this.growTree(id, tree);
    } catch (error) {
      if (this.state.detail.key === id) this.set({ detail: { ...this.state.detail, loading: false, error: message(error) } });
    }
  }

  /** Subagents of subagents: fetched level by level, at most 4 deep and 200 nodes. */
  private async growTree(id: string, root: TreeNode): Promise<void> {
    let level = root.children;
    let count = level.length;
    for (let depth = 1; depth < 4 && level.length > 0 && count < 200; depth++) {
      const details = await Promise.all(level.map((n) => api.session(n.session.session_id, 0).catch(() => null)));
      const next: TreeNode[] = [];
      details.forEach((d, i) => {
        if (!d) return;
        level[i].children = d.children.map((c) => ({ session: c, children: [] }));
        next.push(...level[i].children);
      });
      count += next.length;
      level = next;
      if (this.state.detail.key !== id) return;
      this.set({ detail: { ...this.state.detail, tree: { ...root } } });
    }
  }

  async loadCost(force = false): Promise<void> {
    const p = this.state.route.params;
    const range = p.range && (p.range in RANGES || p.range === 'all') ? p.range : '7d';
    const f = drillFilter(p);
    const r = rangeOf(p);
    const custom = !!(r.since || r.until);
    const bucket = p.bucket === 'hour' || p.bucket === 'day' ? p.bucket : custom ? bucketFor(r) : range === '24h' ? 'hour' : 'day';
    const key = JSON.stringify([range, bucket, f, r]);
    const cur = this.state.cost;
    if (!force && cur.key === key && (cur.data || cur.loading)) return;
    this.set({ cost: { ...cur, key, loading: true, error: null } });
    const days = RANGES[range];
    // A custom range (URL since/until) wins over the presets.
    let since = r.since;
    const until = r.until;
    if (!custom && days) {
      const d = new Date(Date.now() - days * 86_400_000);
      if (bucket === 'day') d.setHours(0, 0, 0, 0);
      else d.setMinutes(0, 0, 0);
      since = d.toISOString();
    }
    try {
      const blockSince = new Date(Date.now() - 7 * 86_400_000).toISOString();
      const [data, rawBlocks] = await Promise.all([
        api.cost({ since, until, bucket, tz: timeZone, ...f }),
        api.blocks({ since: custom ? since : blockSince, until, limit: 100, ...f }),
      ]);
      const blocks = normalizeBlocks(rawBlocks);
      if (this.state.cost.key === key) this.set({ cost: { key, loading: false, error: null, data, blocks } });
    } catch (error) {
      this.set({ cost: { ...this.state.cost, loading: false, error: message(error) } });
    }
  }
}

export const store = new AppStore();
