/**
 * The service telemetry of a run-once job (`npm run import`): it reports through its summary, and
 * nothing reads /api/health, so its instruments record into a no-op meter and the OpenTelemetry
 * metrics SDK (~45 ms of start-up) is never loaded. A server uses SelfTelemetry (self-telemetry.ts).
 */
import { createNoopMeter } from '@opentelemetry/api';
import type { SelfTelemetry } from './self-telemetry.js';

/** What the service builder uses of its telemetry. */
export type ServiceTelemetry = Pick<SelfTelemetry, 'meter' | 'register' | 'observePipelines' | 'snapshot' | 'shutdown'>;

export function quietTelemetry(): ServiceTelemetry {
  return {
    meter: createNoopMeter(),
    register: () => undefined,
    observePipelines: () => undefined,
    snapshot: () => Promise.resolve({ pipelines: [], components: [] }),
    shutdown: () => Promise.resolve(),
  };
}
