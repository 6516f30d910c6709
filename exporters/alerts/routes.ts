/**
 * The budget and alert routes: GET/POST /api/budgets, PUT/DELETE /api/budgets/:id,
 * GET /api/budgets/status, GET /api/alerts. Budgets from the config file are listed read-only
 * (409 `read_only` on a change); budgets made here are stored through the BudgetStore port.
 * The server's rules hold as for every route: Host check, no cross-site writes, the token.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { BudgetSpec } from '../../collector/core/storage.js';
import { replyError } from '../../collector/server/errors.js';
import {
  AlertList,
  AlertsQuery,
  Budget,
  BudgetIdParams,
  BudgetInput,
  BudgetList,
  BudgetStatusResponse,
  ERROR_RESPONSES,
  type BudgetStatus,
} from '../../collector/api/schemas/index.js';
import { PROJECTION_MIN_HOURS, type BudgetState, type EffectiveBudget } from './status.js';

export interface BudgetService {
  list(): EffectiveBudget[];
  get(id: string): EffectiveBudget | null;
  create(spec: BudgetSpec): EffectiveBudget;
  update(id: string, spec: BudgetSpec): EffectiveBudget | null;
  remove(id: string): boolean;
  states(): { now: Date; states: BudgetState[]; raisedIn: (s: BudgetState) => number[] };
  alerts(limit: number): AlertList['alerts'];
  settings: { timezone: string; weekStart: string };
}

/** Checks the body schema cannot express; each names its field. */
function specOf(input: BudgetInput): BudgetSpec | { field: string; message: string } {
  const project = input.project ?? null;
  const agent = input.agent ?? null;
  if (project !== null && agent !== null) return { field: 'agent', message: 'a budget covers one project or one agent, not both: leave one of them null' };
  const name = input.name.trim();
  if (!name) return { field: 'name', message: 'must not be blank' };
  const thresholds = input.thresholds ? [...input.thresholds].sort((a, b) => a - b) : null;
  return { name, period: input.period, unit: input.unit, limit: input.limit, project, agent, thresholds };
}

export function statusJson(s: BudgetState, raised: number[]): BudgetStatus {
  return {
    budget: s.budget,
    period_start: s.period ? new Date(s.period.startMs).toISOString() : null,
    period_end: s.period ? new Date(s.period.endMs).toISOString() : null,
    spent: s.spent,
    limit: s.budget.limit,
    percent: s.percent,
    cost_usd: s.cost_usd,
    tokens: s.tokens,
    unpriced_tokens: s.unpriced_tokens,
    projection: s.projection,
    projection_min_hours: PROJECTION_MIN_HOURS[s.budget.period],
    raised,
  };
}

export function registerBudgetRoutes(http: FastifyInstance, svc: BudgetService): void {
  const app = http.withTypeProvider<TypeBoxTypeProvider>();
  const bad = (reply: Parameters<typeof replyError>[0], e: { field: string; message: string }) =>
    replyError(reply, 'bad_request', `body/${e.field}: ${e.message}`, { errors: [e] });

  app.get('/api/budgets', { schema: { response: { 200: BudgetList, ...ERROR_RESPONSES } } }, async () => ({ budgets: svc.list() }));

  app.post('/api/budgets', { schema: { body: BudgetInput, response: { 201: Budget, ...ERROR_RESPONSES } } }, async (request, reply) => {
    const spec = specOf(request.body);
    if ('field' in spec) return bad(reply, spec);
    return reply.code(201).send(svc.create(spec));
  });

  app.put<{ Params: BudgetIdParams; Body: BudgetInput }>(
    '/api/budgets/:id',
    { schema: { params: BudgetIdParams, body: BudgetInput, response: { 200: Budget, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const current = svc.get(request.params.id);
      if (!current) return replyError(reply, 'not_found', `no budget ${request.params.id}`);
      if (!current.editable) return replyError(reply, 'read_only', `budget ${current.id} is defined in the config file (exporters.alerts.budgets): change it there`);
      const spec = specOf(request.body);
      if ('field' in spec) return bad(reply, spec);
      return svc.update(request.params.id, spec);
    },
  );

  app.delete<{ Params: BudgetIdParams }>(
    '/api/budgets/:id',
    { schema: { params: BudgetIdParams, response: ERROR_RESPONSES } },
    async (request, reply) => {
      const current = svc.get(request.params.id);
      if (!current) return replyError(reply, 'not_found', `no budget ${request.params.id}`);
      if (!current.editable) return replyError(reply, 'read_only', `budget ${current.id} is defined in the config file (exporters.alerts.budgets): remove it there`);
      svc.remove(current.id);
      return reply.code(204).send();
    },
  );

  app.get('/api/budgets/status', { schema: { response: { 200: BudgetStatusResponse, ...ERROR_RESPONSES } } }, async () => {
    const { now, states, raisedIn } = svc.states();
    return {
      now: now.toISOString(),
      timezone: svc.settings.timezone,
      week_start: svc.settings.weekStart,
      statuses: states.map((s) => statusJson(s, raisedIn(s))),
    };
  });

  app.get('/api/alerts', { schema: { querystring: AlertsQuery, response: { 200: AlertList, ...ERROR_RESPONSES } } }, async (request) => ({
    alerts: svc.alerts(request.query.limit ?? 100),
  }));
}
