import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeRetention, retentionWarning } from './retention.js';

describe('Claude Code retention warning', () => {
  const dirs: string[] = [];
  const temp = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'retention-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('names ~/.claude/settings.json when nothing is set', () => {
    const home = temp();
    const warning = retentionWarning({ HOME: home });
    expect(warning).toContain('cleanupPeriodDays is not set (default 30)');
    expect(warning).toContain(path.join(home, '.claude', 'settings.json'));
  });

  it('names the CLAUDE_CONFIG_DIR settings file when that is where Claude Code reads them', () => {
    const home = temp();
    const config = temp();
    const warning = retentionWarning({ HOME: home, CLAUDE_CONFIG_DIR: config });
    expect(warning).toContain(`set "cleanupPeriodDays": 36500 in ${path.join(config, 'settings.json')}`);
    expect(warning).not.toContain(path.join(home, '.claude'));
  });

  it('reads the setting from CLAUDE_CONFIG_DIR first and says nothing when history is kept', () => {
    const home = temp();
    const config = temp();
    mkdirSync(path.join(home, '.claude'));
    writeFileSync(path.join(home, '.claude', 'settings.json'), JSON.stringify({ cleanupPeriodDays: 7 }));
    writeFileSync(path.join(config, 'settings.json'), JSON.stringify({ cleanupPeriodDays: 36500 }));
    expect(claudeRetention({ HOME: home, CLAUDE_CONFIG_DIR: config })).toEqual({ days: 36500, file: path.join(config, 'settings.json') });
    expect(retentionWarning({ HOME: home, CLAUDE_CONFIG_DIR: config })).toBeNull();
    expect(retentionWarning({ HOME: home })).toContain(`cleanupPeriodDays is 7 in ${path.join(home, '.claude', 'settings.json')}`);
  });
});
