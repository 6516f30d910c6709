/** GET /api/pricing (served by the cost processor) and the `pricing` part of /api/stats/cost. */
import { Type, type Static } from 'typebox';
import { Nullable, NullableObject } from './common.js';

export const PricingInfo = Type.Object(
  {
    /** The day the bundled numbers were taken (YYYY-MM-DD). */
    date: Nullable(Type.String()),
    source: Nullable(Type.String()),
    /** Models in the bundled table. */
    models: Type.Integer(),
    unit: Nullable(Type.String()),
    /** The override file merged over the bundled table, if one is set. */
    override: NullableObject(
      Type.Object({ path: Type.String(), models: Type.Integer() }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
export type PricingInfo = Static<typeof PricingInfo>;
