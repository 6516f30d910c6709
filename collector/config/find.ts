/**
 * Where the config file is: the one discovery rule, shared by the server and by entry points that
 * must stay light (the `agentstats` CLI's statusline reads three keys and cannot wait for ajv).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError } from './types.js';

type Env = Record<string, string | undefined>;

/** The config file in use: --config, AGENTSTATS_CONFIG, ./agentstats.jsonc|json, ~/.agentstats/config.jsonc|json. */
export function findConfigFile(opts: { configPath?: string; env: Env; cwd: string }): string | null {
  const explicit = opts.configPath ?? opts.env.AGENTSTATS_CONFIG;
  if (explicit) {
    const file = path.resolve(opts.cwd, explicit);
    if (!existsSync(file)) {
      const from = opts.configPath ? '--config' : 'AGENTSTATS_CONFIG';
      throw new ConfigError(`${from}: no config file at ${file}`);
    }
    return file;
  }
  const home = opts.env.HOME ?? homedir();
  const candidates = [
    path.join(opts.cwd, 'agentstats.jsonc'),
    path.join(opts.cwd, 'agentstats.json'),
    path.join(home, '.agentstats', 'config.jsonc'),
    path.join(home, '.agentstats', 'config.json'),
  ];
  return candidates.find((file) => existsSync(file)) ?? null;
}
