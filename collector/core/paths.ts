/** Where the project's files are (from source or from dist/), and how paths in config resolve. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export const projectRoot = findRoot();

/** A path from config: `~/…` is the home folder, a relative path is taken from the config's folder. */
export function resolveConfigPath(baseDir: string, p: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(process.env.HOME ?? homedir(), p.slice(1));
  return path.resolve(baseDir, p);
}
