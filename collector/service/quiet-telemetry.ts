/**
 * The service telemetry of a run-once job (`npm run import`): it reports through its summary, and
 * nothing reads /api/health, so its components record into nothing, and neither the OpenTelemetry
 * metrics SDK (~45 ms of start-up) nor the API package (~25 ms) is loaded. A server uses
 * SelfTelemetry (self-telemetry.ts).
 */
import type { ComponentTelemetry } from '../core/telemetry.js';
import type { SelfTelemetry } from './self-telemetry.js';

/** What the service builder uses of its telemetry. */
export type ServiceTelemetry = Pick<SelfTelemetry, 'component' | 'register' | 'observePipelines' | 'snapshot' | 'shutdown'>;

const recordsNothing: ComponentTelemetry = { record: () => undefined };

export function quietTelemetry(): ServiceTelemetry {
  return {
    component: () => recordsNothing,
    register: () => undefined,
    observePipelines: () => undefined,
    snapshot: () => Promise.resolve({ pipelines: [], components: [] }),
    shutdown: () => Promise.resolve(),
  };
}
