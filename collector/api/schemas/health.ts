/** GET /api/health: liveness, the numbers an operator checks first, each component's counts. */
import { Type, type Static } from 'typebox';

export const PipelineHealth = Type.Object(
  { name: Type.String(), queue_depth: Type.Integer() },
  { additionalProperties: false },
);
export type PipelineHealth = Static<typeof PipelineHealth>;

/** Items a component handled, by outcome, since start. */
export const ComponentHealth = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    accepted: Type.Integer(),
    refused: Type.Integer(),
    failed: Type.Integer(),
    duplicate: Type.Integer(),
    /** The component's own figures besides its outcomes (a forwarder: backlog, retries, dropped…). */
    state: Type.Optional(Type.Record(Type.String(), Type.Number())),
  },
  { additionalProperties: false },
);
export type ComponentHealth = Static<typeof ComponentHealth>;

export const Health = Type.Object(
  {
    status: Type.Literal('ok'),
    version: Type.String(),
    uptime_s: Type.Integer(),
    /** Events stored, folded sightings included. */
    events: Type.Integer(),
    /** Items waiting in all pipelines. */
    queue_depth: Type.Integer(),
    pipelines: Type.Array(PipelineHealth),
    /** Admission control: large bodies being received now, and how many were refused at the door. */
    admission: Type.Object(
      { large_in_flight: Type.Integer(), bytes_in_flight: Type.Integer(), refused: Type.Integer() },
      { additionalProperties: false },
    ),
    components: Type.Array(ComponentHealth),
  },
  { additionalProperties: false },
);
export type Health = Static<typeof Health>;
