/**
 * Claude Code deletes transcripts older than `cleanupPeriodDays` (default 30) at start-up. What
 * AgentStats imported stays in its database, but history not yet imported is lost: warn, and say
 * how to keep it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const DEFAULT_DAYS = 30;
/** Retention this long or longer is treated as "keeps history". */
const SAFE_DAYS = 365;

type Env = Record<string, string | undefined>;

function settingsFiles(env: Env): string[] {
  const home = env.HOME ?? env.USERPROFILE ?? '.';
  const dirs = (env.CLAUDE_CONFIG_DIR ?? '').split(',').map((d) => d.trim()).filter(Boolean);
  return [...dirs, path.join(home, '.claude')].map((d) => path.join(d, 'settings.json'));
}

/** The retention in days Claude Code will apply, and which file says so (null: the default). */
export function claudeRetention(env: Env = process.env): { days: number; file: string | null } {
  for (const file of settingsFiles(env)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    try {
      const days = (JSON.parse(text) as { cleanupPeriodDays?: unknown }).cleanupPeriodDays;
      if (typeof days === 'number' && Number.isFinite(days)) return { days, file };
    } catch {
      // A settings file we cannot parse: Claude Code cannot either; say nothing about it.
    }
  }
  return { days: DEFAULT_DAYS, file: null };
}

export function retentionWarning(env: Env = process.env): string | null {
  const { days, file } = claudeRetention(env);
  if (days >= SAFE_DAYS) return null;
  // Where Claude Code reads its settings: the first CLAUDE_CONFIG_DIR when that is set, not ~/.claude.
  const where = file ?? settingsFiles(env)[0];
  const said = file ? `cleanupPeriodDays is ${days} in ${file}` : `cleanupPeriodDays is not set (default ${DEFAULT_DAYS})`;
  return (
    `warning: Claude Code deletes transcripts older than ${days} days when it starts (${said}).\n` +
    `  What this import stored stays in AgentStats, but history not imported before then is lost.\n` +
    `  To keep transcripts, set "cleanupPeriodDays": 36500 in ${where}\n` +
    `  (not 0: depending on the version that is rejected or stops transcripts being written),\n` +
    `  and run "npm run import" regularly, e.g. daily from cron.\n`
  );
}
