/**
 * `npm run dev`: the collector rebuilt by `tsc --watch` and restarted by `node --watch` on every
 * change, and Vite's dev server (hot reload for web/, proxying /api to the collector). Ctrl-C stops
 * all. (Not `tsx watch collector/main.ts`: the processor pool loads the compiled worker from dist/.)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

const port = process.env.AGENTSTATS_PORT ?? '3141';
const env = { ...process.env, AGENTSTATS_URL: process.env.AGENTSTATS_URL ?? `http://127.0.0.1:${port}` };

// One full compile first, so the server has a dist/ to start from.
const first = spawnSync(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (first.status !== 0) process.stderr.write('dev: tsc reported errors; starting anyway\n');

const children: ChildProcess[] = [
  spawn(bin('tsc'), ['-p', 'tsconfig.json', '--watch', '--preserveWatchOutput'], { cwd: root, env, stdio: 'inherit' }),
  spawn(process.execPath, ['--watch', 'dist/collector/main.js'], { cwd: root, env, stdio: 'inherit' }),
  spawn(bin('vite'), ['--clearScreen', 'false'], { cwd: root, env, stdio: 'inherit' }),
];

let stopping = false;
function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null && child.pid) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
}

for (const child of children) {
  child.on('exit', (code) => {
    if (!stopping) process.stderr.write(`dev: a child exited (${code ?? 'signal'}), stopping the other\n`);
    stop(code ?? 0);
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(code ?? 0);
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
