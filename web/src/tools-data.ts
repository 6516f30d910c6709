/**
 * The Tools view's server state: GET /api/tools for the view's agent and range, and the drill-down
 * (/api/tools/:tool/calls) of the tool it opened. Loaded when the view's filters change, refreshed
 * at most every REFRESH_MS while the view is shown (the stats stream ticks the view).
 */
import { api, HttpError } from './api.js';
import type { ToolCallsResponse, ToolsResponse } from './types.js';
import { drillFilter, rangeOf } from './filters.js';

/** Drill-down fields the latency histograms cannot narrow by: under them the view shows counts only (GET /api/stats/tools). */
export const COUNT_ONLY_FIELDS = ['project', 'branch', 'model', 'machine'] as const;

export function countsOnly(params: Record<string, string>): boolean {
  return COUNT_ONLY_FIELDS.some((f) => params[f]);
}

export const TOOL_RANGES: Record<string, number | null> = { '24h': 1, '7d': 7, '30d': 30, '90d': 90, all: null };
const REFRESH_MS = 15_000;

export interface ToolsState {
  key: string;
  data: ToolsResponse | null;
  loading: boolean;
  error: string | null;
  calls: { key: string; data: ToolCallsResponse | null; error: string | null };
}

/** The API filters for the view's URL parameters: the dashboard's agent and custom range, else the view's preset (default 7d). */
export function toolFilters(params: Record<string, string>, now = Date.now()): { agent_type?: string; since?: string; until?: string } {
  const agent = params.agent_type ? { agent_type: params.agent_type } : {};
  const custom = rangeOf(params);
  if (custom.since || custom.until) return { ...agent, ...(custom.since ? { since: custom.since } : {}), ...(custom.until ? { until: custom.until } : {}) };
  const days = TOOL_RANGES[params.range in TOOL_RANGES ? params.range : '7d'];
  return {
    ...agent,
    ...(days ? { since: new Date(Math.floor(now / 60_000) * 60_000 - days * 86_400_000).toISOString() } : {}),
  };
}

/** The drill-down values a tool's calls are narrowed by besides the agent (GET /api/tools/:tool/calls). */
function callDrill(params: Record<string, string>): Record<string, string> {
  const { agent_type: _agent, ...rest } = drillFilter(params);
  return rest;
}

class ToolsData {
  state: ToolsState = { key: '', data: null, loading: false, error: null, calls: { key: '', data: null, error: null } };
  private listeners = new Set<() => void>();
  private loadedAt = 0;

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<ToolsState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn();
  }

  /**
   * Loads what the view's parameters ask for, unless it is loaded and fresh. Under a project,
   * branch, model or machine drill-down (`countsOnly`) the table comes from the store; only an
   * opened tool's calls are loaded here, narrowed by the drill-down too.
   */
  ensure(params: Record<string, string>, countsOnly = false): void {
    const key = `${params.range ?? ''}|${params.agent_type ?? ''}|${params.since ?? ''}|${params.until ?? ''}`;
    const stale = Date.now() - this.loadedAt > REFRESH_MS;
    if (!countsOnly && (key !== this.state.key || (stale && !this.state.loading))) void this.load(key, params);
    const tool = params.tool;
    const drill = JSON.stringify(callDrill(params));
    const callsKey = tool ? `${key}|${drill}|${tool}|${params.kind === 'failed' ? 'failed' : 'slowest'}` : '';
    if (callsKey !== this.state.calls.key || (tool && stale && (countsOnly || key === this.state.key))) {
      if (countsOnly) this.loadedAt = Date.now();
      void this.loadCalls(callsKey, params);
    }
  }

  private async load(key: string, params: Record<string, string>): Promise<void> {
    this.loadedAt = Date.now();
    this.set({ key, loading: true, error: null, data: key === this.state.key ? this.state.data : null });
    try {
      const data = await api.tools(toolFilters(params));
      if (this.state.key === key) this.set({ data, loading: false });
    } catch (error) {
      if (this.state.key === key) this.set({ loading: false, error: error instanceof HttpError || error instanceof Error ? error.message : String(error) });
    }
  }

  private async loadCalls(key: string, params: Record<string, string>): Promise<void> {
    if (!key) return this.set({ calls: { key, data: null, error: null } });
    this.set({ calls: { key, data: key === this.state.calls.key ? this.state.calls.data : null, error: null } });
    try {
      const data = await api.toolCalls(params.tool, { ...toolFilters(params), ...callDrill(params), kind: params.kind === 'failed' ? 'failed' : 'slowest', limit: 20 });
      if (this.state.calls.key === key) this.set({ calls: { key, data, error: null } });
    } catch (error) {
      if (this.state.calls.key === key) this.set({ calls: { key, data: null, error: error instanceof Error ? error.message : String(error) } });
    }
  }
}

export const toolsData = new ToolsData();
