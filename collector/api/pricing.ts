/**
 * What the cost numbers are priced with: the bundled table's date and source, and the override
 * file if one is set. GET /api/pricing answers it, and /api/stats/cost carries it as `pricing`.
 *
 * The table belongs to the cost processor (it runs in the workers); collector/ must not import it.
 * main.ts, the one place that wires components, passes this module the table file's path, and this
 * module only reads the JSON's header fields and counts its models.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

export interface PricingInfo {
  date: string | null;
  source: string | null;
  /** Models in the bundled table. */
  models: number;
  unit: string | null;
  override: { path: string; models: number } | null;
}

export class PricingConfigError extends Error {}

function readJson(path: string, what: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new PricingConfigError(`${what} ${path} ${reason}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new PricingConfigError(`${what} ${path} must be a JSON object`);
  }
  return data as Record<string, unknown>;
}

const PRICE_FIELDS = ['input', 'output', 'cache_read', 'cache_write_5m', 'cache_write_1h', 'reasoning', 'fast'];

/** The same checks the cost processor makes, so a bad file fails here and not in every worker. */
function checkModels(path: string, models: Record<string, unknown>): void {
  for (const [name, entry] of Object.entries(models)) {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new PricingConfigError(`${path}: models["${name}"] must be an object`);
    }
    for (const field of PRICE_FIELDS) {
      const v = (entry as Record<string, unknown>)[field];
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
        throw new PricingConfigError(`${path}: models["${name}"].${field} must be a non-negative number`);
      }
    }
  }
}

function modelCount(data: Record<string, unknown>, path: string): number {
  const models = data.models;
  if (models && typeof models === 'object' && !Array.isArray(models)) {
    checkModels(path, models as Record<string, unknown>);
    return Object.keys(models).length;
  }
  if ('models' in data) throw new PricingConfigError(`${path}: "models" must be an object`);
  // A raw LiteLLM file is accepted as an override too: its top-level keys are the models.
  return Object.keys(data).filter((k) => k !== 'sample_spec').length;
}

/** Reads the table headers once at start-up; a broken override stops start-up with its path. */
export function loadPricingInfo(bundledPath: string, overridePath: string | null): PricingInfo {
  const bundled = readJson(bundledPath, 'bundled price table');
  let override: PricingInfo['override'] = null;
  if (overridePath) {
    const data = readJson(overridePath, 'AGENTSTATS_PRICING_PATH');
    override = { path: overridePath, models: modelCount(data, overridePath) };
    const known = new Set(Object.keys((bundled.models as Record<string, unknown>) ?? {}));
    for (const [name, entry] of Object.entries((data.models as Record<string, Record<string, unknown>>) ?? {})) {
      if (!known.has(name.toLowerCase()) && (typeof entry.input !== 'number' || typeof entry.output !== 'number')) {
        throw new PricingConfigError(`${overridePath}: new model "${name}" needs both "input" and "output" prices`);
      }
    }
  }
  return {
    date: typeof bundled.date === 'string' ? bundled.date : null,
    source: typeof bundled.source === 'string' ? bundled.source : null,
    models: modelCount(bundled, bundledPath),
    unit: typeof bundled.unit === 'string' ? bundled.unit : null,
    override,
  };
}

/**
 * GET /api/pricing, and `pricing` added to every successful /api/stats/cost answer. The stats
 * route stays store-only; a preSerialization hook adds the field so that route need not know about
 * pricing at all.
 */
export function registerPricingRoutes(server: FastifyInstance, info: PricingInfo): void {
  server.get('/api/pricing', async () => info);
  server.addHook('preSerialization', async (request, reply, payload) => {
    if (
      request.routeOptions.url === '/api/stats/cost' &&
      reply.statusCode === 200 &&
      payload !== null &&
      typeof payload === 'object' &&
      !Array.isArray(payload)
    ) {
      return { ...(payload as Record<string, unknown>), pricing: info };
    }
    return payload;
  });
}
