/**
 * Shapes shared by the hook receiver's parts: what a mapper gets (one parsed hook body) and what it
 * gives back (a draft event, or a deliberate skip, or a rejection with a reason).
 */
import { HOOK_SLUGS, agentOfHookSlug, type HookSlug } from '../../collector/core/agents.js';

/** The agents with a hook endpoint (from the agent catalogue); the URL path names the agent, since the bodies do not. */
export const HOOK_AGENTS = HOOK_SLUGS;
export type HookAgent = HookSlug;

/** The `agent_type` of the events posted to each endpoint. */
export const AGENT_TYPE = Object.fromEntries(HOOK_SLUGS.map((slug) => [slug, agentOfHookSlug(slug).id])) as Record<HookAgent, string>;

export function isHookAgent(value: unknown): value is HookAgent {
  return typeof value === 'string' && (HOOK_AGENTS as readonly string[]).includes(value);
}

export type Body = Record<string, unknown>;

/** One hook post, parsed. */
export interface HookInput {
  agent: HookAgent;
  body: Body;
  /** body.session_id, checked to be a non-empty string. */
  sessionId: string;
  /** body.hook_event_name, checked to be a non-empty string. */
  hookEvent: string;
  /** When the hook fired, in ms: the body's own timestamp, else when it was spooled, else received. */
  timeMs: number;
  /** service.store_prompts: prompt and tool-input text may be kept (bounded). */
  storePrompts: boolean;
}

/**
 * A draft canonical event. The ingestor adds what every hook event shares (id, agent, source,
 * cwd, project, branch, time) and runs it through validateEvent.
 */
export interface Draft {
  event_type: string;
  /** Defaults to the body's session_id; subagent events name their child session. */
  session_id?: string;
  parent_session_id?: string | null;
  tool_name?: string | null;
  tool_use_id?: string | null;
  status?: string | null;
  model?: string | null;
  prompt_id?: string | null;
  duration_ms?: number | null;
  correlation_key?: string | null;
  metadata: Record<string, unknown>;
}

export type MapOutcome =
  | { kind: 'event'; draft: Draft }
  /** Deliberately not stored (aggregated into a later event, or chatty noise); counted. */
  | { kind: 'skip'; reason: string }
  /** Unusable input; counted and logged by reason. */
  | { kind: 'reject'; reason: string };

/** One per agent and receiver instance; a mapper may keep bounded per-session state. */
export interface HookMapper {
  map(input: HookInput): MapOutcome;
}
