/**
 * The agents AgentStats knows by name, in one place: the id events carry (`agent_type`), the label
 * people read, how their OpenTelemetry data names them, their hook endpoint and the history files
 * the files receiver imports. Any other `agent_type` is welcome too (native events, plugins, OTel
 * from other services); it simply has no entry here.
 *
 * Plain data with no imports, so web/ can `import type` from it (it keeps its own label and colour
 * map, typed by AgentId so a new agent fails its build until it has one) and the dependency-free
 * hook scripts in hooks/ are checked against it by test/agents-catalogue.test.ts.
 */

export interface AgentInfo {
  /** `agent_type` on events and sessions. */
  readonly id: string;
  /** How the dashboard and messages name the agent. */
  readonly label: string;
  /** Prefix of the agent's OTel event, metric and span names (`claude_code.api_request`). */
  readonly otelPrefix: string;
  /** The `service.name` its OTel SDK sets. */
  readonly otelService: RegExp;
  /** The instrumentation scope of its logs. */
  readonly otelScope: RegExp;
  /** `POST /api/hooks/<slug>`, also the installer's folder `hooks/<slug>/`. */
  readonly hookSlug: string;
  /** The history files the files receiver imports (`sources` in its config), or null. */
  readonly fileKind: string | null;
}

export const AGENTS = {
  claude_code: {
    id: 'claude_code',
    label: 'Claude Code',
    otelPrefix: 'claude_code.',
    otelService: /^claude[-_]code/i,
    otelScope: /^com\.anthropic\.claude_code/,
    hookSlug: 'claude-code',
    fileKind: 'claude-code',
  },
  codex: {
    id: 'codex',
    label: 'Codex',
    otelPrefix: 'codex.',
    otelService: /^codex/i,
    otelScope: /^codex/,
    hookSlug: 'codex',
    fileKind: 'codex',
  },
  gemini_cli: {
    id: 'gemini_cli',
    label: 'Gemini CLI',
    otelPrefix: 'gemini_cli.',
    otelService: /^gemini[-_]cli/i,
    otelScope: /^gemini-cli/,
    hookSlug: 'gemini-cli',
    fileKind: null,
  },
} as const satisfies Record<string, AgentInfo>;

type Catalogue = typeof AGENTS;
export type AgentId = keyof Catalogue;
export type HookSlug = Catalogue[AgentId]['hookSlug'];
export type FileKind = NonNullable<Catalogue[AgentId]['fileKind']>;

/** Every known agent, in display order. */
export const AGENT_LIST: readonly Catalogue[AgentId][] = Object.values(AGENTS);

export const HOOK_SLUGS: readonly HookSlug[] = AGENT_LIST.map((a) => a.hookSlug);

export const FILE_KINDS: readonly FileKind[] = AGENT_LIST.flatMap((a) => (a.fileKind === null ? [] : [a.fileKind]));

/** The agent behind a hook endpoint slug. */
export function agentOfHookSlug(slug: HookSlug): Catalogue[AgentId] {
  return AGENT_LIST.find((a) => a.hookSlug === slug)!;
}

/** The agent whose history files are of this kind. */
export function agentOfFileKind(kind: FileKind): Catalogue[AgentId] {
  return AGENT_LIST.find((a) => a.fileKind === kind)!;
}
