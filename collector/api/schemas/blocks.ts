/** GET /api/stats/blocks: 5-hour billing blocks with burn rate and projection. */
import { Type, type Static } from 'typebox';
import { Dict, Nullable, NullableObject, TimeParam, TokensByKind } from './common.js';

export const BLOCKS_DEFAULT_LIMIT = 50;

export const BlocksQuery = Type.Object(
  {
    /** Only this agent's usage (blocks are per subscription); all agents when absent. */
    agent_type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** Only the usage of events with this value, as in /api/stats/cost ('' = events that name none). */
    project: Type.Optional(Type.String({ maxLength: 4096 })),
    branch: Type.Optional(Type.String({ maxLength: 4096 })),
    model: Type.Optional(Type.String({ maxLength: 4096 })),
    source: Type.Optional(Type.String({ maxLength: 4096 })),
    machine: Type.Optional(Type.String({ maxLength: 4096 })),
    since: Type.Optional(TimeParam),
    until: Type.Optional(TimeParam),
    /** Most recent blocks returned. */
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: BLOCKS_DEFAULT_LIMIT })),
  },
  { additionalProperties: false },
);
export type BlocksQuery = Static<typeof BlocksQuery>;

const Projection = Type.Object(
  {
    remaining_minutes: Type.Number(),
    total_tokens: Type.Integer(),
    cost_usd: Type.Number(),
  },
  { additionalProperties: false },
);

export const BillingBlock = Type.Object(
  {
    start: Type.String(),
    end: Type.String(),
    /** Start of the last hour with usage in the block. */
    last_activity_hour: Type.String(),
    is_active: Type.Boolean(),
    events: Type.Integer(),
    api_requests: Type.Integer(),
    tokens: TokensByKind,
    total_tokens: Type.Integer(),
    cost_usd: Type.Number(),
    unpriced_tokens: Type.Integer(),
    elapsed_minutes: Type.Number(),
    burn_rate: Type.Object(
      { tokens_per_minute: Type.Number(), cost_usd_per_hour: Type.Number() },
      { additionalProperties: false },
    ),
    /** The active block only: where it ends at the current burn rate. */
    projection: NullableObject(Projection),
  },
  { additionalProperties: false },
);
export type BillingBlock = Static<typeof BillingBlock>;

export const BlocksResponse = Type.Object(
  {
    block_hours: Type.Integer(),
    agent_type: Nullable(Type.String()),
    /** The filters applied besides agent_type (empty: none). */
    filter: Dict(Type.String()),
    now: Type.String(),
    total_blocks: Type.Integer(),
    /** Oldest first, the most recent `limit`. */
    blocks: Type.Array(BillingBlock),
    active: NullableObject(BillingBlock),
  },
  { additionalProperties: false },
);
export type BlocksResponse = Static<typeof BlocksResponse>;
