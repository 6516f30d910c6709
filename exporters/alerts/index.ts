/**
 * The alerts exporter: budgets (from its config, read-only, and from the dashboard, stored through
 * the BudgetStore port) and the alerts they raise. After committed batches (coalesced to at most one
 * evaluation per `min_interval_ms`) and every `check_interval_ms` (a new period, history imported by
 * another process), it reads each budget's usage in its current period from the rollups and
 * records every threshold newly reached — once per budget, period and threshold, across restarts.
 * A new alert is published to the other exporters (the SSE stream sends it to every dashboard as an
 * `alert` message) and POSTed to the optional webhook.
 */
import { requireHttp, type ExporterFactory } from '../../collector/core/component.js';
import type { BudgetSpec, CommittedBatch } from '../../collector/core/storage.js';
import { AlertEvaluator } from './evaluate.js';
import { isTimeZone, WEEKDAYS, type Weekday } from './periods.js';
import { registerBudgetRoutes } from './routes.js';
import { type EffectiveBudget } from './status.js';
import { safeTarget, WebhookSender, type WebhookConfig } from './webhook.js';
import { BUDGET_SCHEMA, configBudgets, type ConfigBudget } from './config.js';

export interface AlertsExporterConfig {
  /** IANA zone days, weeks and months are cut in; '' = the server's own zone. */
  timezone: string;
  week_start: Weekday;
  /** Default thresholds (percent of the limit) for budgets that set none. */
  thresholds: number[];
  budgets: ConfigBudget[];
  min_interval_ms: number;
  check_interval_ms: number;
  webhook: WebhookConfig;
}

export const localTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const factory: ExporterFactory<AlertsExporterConfig> = {
  kind: 'exporter',
  type: 'alerts',
  description: 'Budgets (per day, week, month or 5-hour block) and their alerts: /api/budgets, /api/alerts, the stream and a webhook.',
  needsHttp: true,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      timezone: { type: 'string', description: "IANA time zone that days, weeks and months are cut in; '' = the server's own zone." },
      week_start: { type: 'string', enum: [...WEEKDAYS], description: 'First day of a weekly budget.' },
      thresholds: {
        type: 'array',
        items: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
        minItems: 1,
        maxItems: 10,
        uniqueItems: true,
        description: 'Percentages of a limit that raise an alert, for budgets that set none.',
      },
      budgets: { type: 'array', items: BUDGET_SCHEMA, description: 'Budgets defined here (read-only in the dashboard; more can be added there).' },
      min_interval_ms: { type: 'integer', minimum: 0, maximum: 3600000, description: 'Evaluations after commits are coalesced to at most one per this many ms.' },
      check_interval_ms: { type: 'integer', minimum: 1000, maximum: 3600000, description: 'ms between checks without a commit (a new period, history imported by another process).' },
      webhook: {
        type: 'object',
        additionalProperties: false,
        description: 'Optional: each alert POSTed as JSON.',
        properties: {
          url: { type: ['string', 'null'], description: 'http(s) URL the alerts are POSTed to; null = no webhook.' },
          headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Headers sent with each POST (e.g. authorization); never logged.' },
          max_attempts: { type: 'integer', minimum: 1, maximum: 20, description: 'Deliveries tried per alert (network errors, timeouts, 5xx and 429 are retried).' },
          backoff_ms: { type: 'integer', minimum: 10, maximum: 600000, description: 'Wait before the first retry; doubles after each.' },
          timeout_ms: { type: 'integer', minimum: 100, maximum: 120000, description: 'One delivery attempt times out after this.' },
        },
      },
    },
  },
  defaultConfig: () => ({
    timezone: '',
    week_start: 'monday',
    thresholds: [50, 80, 100],
    budgets: [],
    min_interval_ms: 1000,
    check_interval_ms: 60_000,
    webhook: { url: null, headers: {}, max_attempts: 5, backoff_ms: 1000, timeout_ms: 5000 },
  }),
  validate(config) {
    const problems: string[] = [];
    if (config.timezone && !isTimeZone(config.timezone)) problems.push(`timezone: unknown time zone "${config.timezone}"`);
    const url = config.webhook.url;
    if (url) {
      let ok = false;
      try {
        ok = ['http:', 'https:'].includes(new URL(url).protocol);
      } catch {
        /* not a URL */
      }
      if (!ok) problems.push(`webhook.url: must be an http(s) URL`);
    }
    const names = new Set<string>();
    config.budgets.forEach((b, i) => {
      if (b.project && b.agent) problems.push(`budgets.${i}.agent: a budget covers one project or one agent, not both`);
      if (names.has(b.name)) problems.push(`budgets.${i}.name: "${b.name}" is used by another budget`);
      names.add(b.name);
    });
    return problems;
  },
  create(config, host) {
    const http = requireHttp(host);
    const settings = { timezone: config.timezone || localTimeZone(), weekStart: config.week_start };
    const defaults = [...config.thresholds].sort((a, b) => a - b);
    const fromConfig = configBudgets(config.budgets, defaults);
    const store = () => host.storage().budgets;
    const evaluator = new AlertEvaluator(() => host.storage().stats, store, settings);
    const webhook = new WebhookSender(config.webhook, host.logger, () => host.telemetry.record('failed'));

    const dashboard = (r: ReturnType<ReturnType<typeof store>['listBudgets']>[number]): EffectiveBudget => ({
      ...r,
      thresholds: r.thresholds ?? defaults,
      source: 'dashboard',
      editable: true,
    });
    const all = (): EffectiveBudget[] => [...fromConfig, ...store().listBudgets().map(dashboard)];

    let timer: NodeJS.Timeout | null = null;
    let lastRun = 0;
    let interval: NodeJS.Timeout | null = null;
    let stopped = false;
    const evaluate = () => {
      timer = null;
      if (stopped) return;
      lastRun = Date.now();
      try {
        const { raised } = evaluator.run(all(), host.clock.now().getTime());
        if (raised.length === 0) return;
        for (const a of raised) {
          host.logger.info('budget alert', { budget: a.budget_name, threshold: a.threshold, spent: a.spent, limit: a.limit, unit: a.unit });
        }
        host.telemetry.record('accepted', raised.length);
        host.publish({ events: [], sessions: [], alerts: raised });
        for (const a of raised) webhook.send(a);
      } catch (error) {
        host.logger.error('budget evaluation failed', { error: String(error) });
      }
    };
    /** At most one evaluation per min_interval_ms; a commit inside the window runs when it ends. */
    const schedule = (soon = false) => {
      if (stopped || timer) return;
      const wait = soon ? 0 : Math.max(0, lastRun + config.min_interval_ms - Date.now());
      timer = setTimeout(evaluate, wait);
      timer.unref();
    };
    const now = () => host.clock.now().toISOString();

    registerBudgetRoutes(http, {
      settings,
      list: all,
      get: (id) => all().find((b) => b.id === id) ?? null,
      create(spec: BudgetSpec) {
        const made = dashboard(store().createBudget(`b-${host.newId()}`, spec, now()));
        schedule(true);
        return made;
      },
      update(id, spec) {
        const r = store().updateBudget(id, spec, now());
        schedule(true);
        return r ? dashboard(r) : null;
      },
      remove: (id) => store().deleteBudget(id),
      states() {
        const at = host.clock.now();
        return { now: at, states: evaluator.states(all(), at.getTime()), raisedIn: (s) => evaluator.raisedIn(s) };
      },
      alerts: (limit) => store().listAlerts(limit),
    });

    return {
      start() {
        if (webhook.enabled) host.logger.info(`budget alerts are POSTed to ${safeTarget(config.webhook.url!)}`);
        interval = setInterval(() => schedule(), config.check_interval_ms);
        interval.unref();
        schedule(true);
      },
      shutdown() {
        stopped = true;
        if (timer) clearTimeout(timer);
        if (interval) clearInterval(interval);
        webhook.stop();
      },
      consume(batch: CommittedBatch) {
        if (batch.eventsStored > 0) schedule();
      },
    };
  },
};

export default factory;
