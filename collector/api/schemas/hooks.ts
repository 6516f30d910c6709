/** GET /api/hooks/stats (the hooks receiver): what came in, by outcome. Hook posts answer empty. */
import { Type, type Static } from 'typebox';
import { Dict } from './common.js';

export const HookStats = Type.Object(
  {
    received: Type.Integer(),
    /** Answers by HTTP status. */
    answered: Dict(Type.Integer()),
    /** Posts read, by how their Content-Type was read (receivers/hooks/content-type.ts). */
    content_types: Dict(Type.Integer()),
    stored: Type.Integer(),
    duplicates: Type.Integer(),
    /** Inputs that are not events (by reason), e.g. a hook with nothing to record. */
    skipped: Dict(Type.Integer()),
    /** Unusable inputs by reason; their content is never logged or kept. */
    rejected: Dict(Type.Integer()),
    /** Posts the store could not take, kept in the spool for replay. */
    spooled_by_server: Type.Integer(),
    /** Posts answered at ack_timeout_ms, before their commit finished. */
    answered_before_commit: Type.Integer(),
    /** Commits under way right now. */
    pending_commits: Type.Integer(),
    replayed: Type.Object(
      {
        files: Type.Integer(),
        lines: Type.Integer(),
        stored: Type.Integer(),
        duplicates: Type.Integer(),
        bad_lines: Type.Integer(),
        failures: Type.Integer(),
      },
      { additionalProperties: false },
    ),
    spool_path: Type.String(),
  },
  { additionalProperties: false },
);
export type HookStats = Static<typeof HookStats>;
