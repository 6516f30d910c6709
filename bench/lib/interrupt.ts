/**
 * Ctrl-C (or SIGTERM) in the middle of a benchmark: the servers it started are killed and its temp
 * directories (databases of hundreds of MB) removed before it exits with 130, instead of being left
 * behind in the temp folder.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const dirs = new Set<string>();
const children = new Set<ChildProcess>();
let trapped = false;

function trap(): void {
  if (trapped) return;
  trapped = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of children) child.kill('SIGKILL');
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      process.stderr.write(`\n${signal}: stopped ${children.size} server(s), removed ${dirs.size} temp dir(s)\n`);
      process.exit(130);
    });
  }
}

export function removeOnInterrupt(dir: string): void {
  trap();
  dirs.add(dir);
}

/** A directory the user asked to keep (--keep): left alone on an interrupt too. */
export function keepOnInterrupt(dir: string): void {
  dirs.delete(dir);
}

export function killOnInterrupt(child: ChildProcess): void {
  trap();
  children.add(child);
  child.once('exit', () => children.delete(child));
}
