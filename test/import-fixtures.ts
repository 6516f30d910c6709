/**
 * Shared by the import tests: lays the shared fixtures out the way the agents store them, and runs
 * the real import CLI (dist/collector/import-main.js) against a test server's database file.
 */
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, type TestServer } from './helpers/server.js';

/** Fixture files copied from public repositories (see test/fixtures/SOURCES.md). */
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const CLI = path.join(ROOT, 'dist', 'collector', 'import-main.js');

/** A quiet past: the importer treats files untouched for a while as finished. */
export const OLD = new Date('2026-03-01T00:00:00Z');

export function place(src: string, dest: string, mtime: Date = OLD): string {
  mkdirSync(path.dirname(dest), { recursive: true });
  copyFileSync(src, dest);
  chmodSync(dest, 0o644);
  utimesSync(dest, mtime, mtime);
  return dest;
}

export const SUBAGENT_PARENT = '4d5611e5-241a-462a-8d15-5122611a9569';

/**
 * ~/.claude/projects/<project>/<session>.jsonl, and the subagent file where Claude Code writes it:
 * <project>/<parent-session-id>/subagents/agent-<id>.jsonl.
 */
export function layoutClaude(projectsDir: string): void {
  const project = path.join(projectsDir, '-work-spotter');
  const src = path.join(FIXTURES, 'claude-transcripts');
  for (const name of [
    'spotter-short.jsonl',
    'spotter-tool_heavy.jsonl',
    'spotter-subagent-session.jsonl',
    'ccusage-project-alpha-chat.jsonl',
    'ccusage-project-beta-chat.jsonl',
  ]) {
    place(path.join(src, name), path.join(project, name));
  }
  place(
    path.join(src, 'spotter-subagent-agent-acompact-e1f845.jsonl'),
    path.join(project, SUBAGENT_PARENT, 'subagents', 'agent-acompact-e1f845.jsonl'),
  );
}

/** ~/.codex/sessions/YYYY/MM/DD/<rollout>.jsonl */
export function layoutCodex(sessionsDir: string): void {
  const src = path.join(FIXTURES, 'codex-rollouts');
  const dayOf: Record<string, string> = {
    'ccusage-branch-history-2026-05-12T08-00-00-parent.jsonl': '2026/05/12',
    'ccusage-branch-history-2026-05-12T08-02-00-branch.jsonl': '2026/05/12',
    'ccusage-session-alpha.jsonl': '2026/05/13',
    'daaain-legacy-rollout-44444444-4444-4444-8444-444444444444.jsonl': '2026/01/04',
    'daaain-rollout-2026-01-02T03-04-05-11111111-1111-4111-8111-111111111111.jsonl': '2026/01/02',
    'daaain-rollout-2026-01-03T04-05-06-22222222-2222-4222-8222-222222222222.jsonl': '2026/01/03',
  };
  for (const [name, day] of Object.entries(dayOf)) place(path.join(src, name), path.join(sessionsDir, day, name));
}

export interface ImportRun {
  summary: Record<string, any>;
  stderr: string;
}

/** Runs `npm run import` (the built CLI) on the server's database; HOME is the server's temp dir. */
export async function runImportCli(server: TestServer, args: string[], env: Record<string, string> = {}): Promise<ImportRun> {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args, '--json'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: server.dir,
      AGENTSTATS_DB_PATH: server.dbPath,
      AGENTSTATS_LOG_LEVEL: 'warn',
      ...env,
    },
    timeout: 60_000,
  });
  return { summary: JSON.parse(stdout.trim().split('\n').pop()!), stderr };
}

/** The counters of /api/stats/cost that must not move when the same history is imported again. */
export async function costTotals(server: TestServer): Promise<Record<string, any>> {
  const { status, body } = await server.get('/api/stats/cost');
  if (status !== 200) throw new Error(`/api/stats/cost answered ${status}`);
  return body;
}
