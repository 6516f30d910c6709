/**
 * Adds AgentStats' status line to Claude Code's settings.json (`statusLine`), or removes it again:
 * `agentstats statusline --install|--uninstall [--force] [--project [DIR]] [--dry-run]`, or
 * hooks/claude-code/install-statusline.sh. Idempotent; says every change; never replaces a
 * statusLine of the user's without --force (and then keeps it, so --uninstall puts it back);
 * edits the file in place (jsonc-edit.mjs), so uninstall gives back the bytes that were there.
 * What it changed is kept in ~/.agentstats/statusline-state.json (apart from the hook installers'
 * state, which their own uninstall clears).
 */
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENTS, homeDir, shellQuote } from './agents.mjs';
import { InstallError, detectIndent, formatJson, isPlainObject, readJsonFile, removeFile, sameJson, updateFile } from './json-file.mjs';
import { editJsonText } from './jsonc-edit.mjs';
import { valueChanges } from './changes.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SPEC = AGENTS['claude-code'];

const USAGE = `usage: agentstats statusline --install | --uninstall [options]

Adds AgentStats' status line (model, session and today's cost, the 5-hour block) to Claude Code.
  --install          set statusLine in Claude Code's settings.json
  --uninstall        remove it, restoring the statusLine you had before (if any)
  --force            with --install: replace your own statusLine (kept; --uninstall restores it)
  --project [DIR]    the project's .claude/settings.json in DIR (default: current directory)
  --dry-run          print the change, write nothing`;

/** The statusLine command: this checkout's CLI, run by the Node that runs the installer. */
export function statuslineCommand(env) {
  const node = env.AGENTSTATS_NODE || process.execPath;
  return `${shellQuote(node)} ${shellQuote(join(ROOT, 'dist', 'collector', 'cli', 'main.js'))} statusline`;
}

/** Whether a statusLine value is AgentStats' (this or another checkout's, or the npm bin's). */
export function isOurs(value) {
  return (
    isPlainObject(value) &&
    value.type === 'command' &&
    typeof value.command === 'string' &&
    /(collector\/cli\/main\.js'?|(^|[\s/])agentstats)\s+statusline(\s|$)/.test(value.command)
  );
}

function statePath(home) {
  return join(home, '.agentstats', 'statusline-state.json');
}

function loadState(home) {
  try {
    const data = JSON.parse(readFileSync(statePath(home), 'utf8'));
    if (isPlainObject(data) && isPlainObject(data.files)) return data;
  } catch {
    // none yet, or unreadable: start afresh
  }
  return { version: 1, files: {} };
}

function saveState(home, state) {
  const file = statePath(home);
  if (Object.keys(state.files).length === 0) {
    if (existsSync(file)) unlinkSync(file);
    return;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
}

function parse(argv, cwd) {
  const o = { install: false, uninstall: false, force: false, dryRun: false, projectDir: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--install') o.install = true;
    else if (a === '--uninstall') o.uninstall = true;
    else if (a === '--force') o.force = true;
    else if (a === '--dry-run') o.dryRun = true;
    else if (a === '--project') o.projectDir = i + 1 < argv.length && !argv[i + 1].startsWith('--') ? argv[++i] : cwd;
    else if (a === '--help' || a === '-h') o.help = true;
    else throw new InstallError(`unknown option ${a}\n\n${USAGE}`);
  }
  if (!o.help && o.install === o.uninstall) throw new InstallError(`give one of --install or --uninstall\n\n${USAGE}`);
  return o;
}

function render(text, before, after) {
  if (text === null || text.trim() === '') return formatJson(after, text);
  return editJsonText(text, before, after, detectIndent(text));
}

function backupNote(result) {
  return result.backup ? ` (backup: ${result.backup})` : '';
}

function install(o, ctx) {
  const { file, env, home } = ctx;
  const { exists, text, data } = readJsonFile(file, SPEC.json);
  const original = structuredClone(data);
  const ours = { type: 'command', command: statuslineCommand(env), padding: 0 };
  const current = data.statusLine;
  if (current !== undefined && !isOurs(current) && !o.force) {
    const what = isPlainObject(current) && typeof current.command === 'string' ? `: ${current.command}` : '';
    throw new InstallError(
      `${file} already has a statusLine of yours${what}\nNothing was changed. To replace it with AgentStats' (yours is kept, and --uninstall puts it back): add --force`,
    );
  }
  if (sameJson(current, ours)) return { code: 0, out: [`Claude Code: AgentStats' statusLine already in ${file}`], err: [] };
  const state = loadState(home);
  // The first install records what was there; a later one (a moved checkout) keeps that record.
  state.files[file] ??= { file_existed: exists, existed: current !== undefined, previous: current ?? null };
  state.files[file].ours = ours;
  data.statusLine = ours;
  const result = updateFile(file, render(text, original, data), { dryRun: o.dryRun });
  if (!o.dryRun) saveState(home, state);
  const verb = o.dryRun ? 'would install' : 'installed';
  return {
    code: 0,
    out: [`Claude Code: statusLine ${verb} in ${file}${backupNote(result)}`, ...valueChanges(original, data, [['statusLine']])],
    err: [],
  };
}

function uninstall(o, ctx) {
  const { file, home } = ctx;
  const state = loadState(home);
  const record = state.files[file];
  if (!existsSync(file)) return { code: 1, out: [`Claude Code: nothing of AgentStats in ${file} (no such file)`], err: [] };
  const { text, data } = readJsonFile(file, SPEC.json);
  const original = structuredClone(data);
  const current = data.statusLine;
  // A statusLine the user set after installing is theirs now: left alone.
  if (!(isOurs(current) || (record && sameJson(current, record.ours)))) {
    if (!o.dryRun && record) {
      delete state.files[file];
      saveState(home, state);
    }
    return { code: 1, out: [`Claude Code: ${file} has no AgentStats statusLine; nothing changed`], err: [] };
  }
  if (record?.existed) data.statusLine = record.previous;
  else delete data.statusLine;
  const vanish = record && !record.file_existed && Object.keys(data).length === 0;
  const result = vanish ? removeFile(file, { dryRun: o.dryRun }) : updateFile(file, render(text, original, data), { dryRun: o.dryRun });
  if (!o.dryRun) {
    delete state.files[file];
    saveState(home, state);
  }
  const verb = o.dryRun ? 'would remove' : 'removed';
  return {
    code: 0,
    out: [`Claude Code: ${verb} AgentStats' statusLine from ${file}${vanish ? ' (the file, which it had created)' : ''}${backupNote(result)}`, ...valueChanges(original, data, [['statusLine']])],
    err: [],
  };
}

/** { code, out, err }: 0 done (or already so), 1 nothing done (the message says why). */
export function runStatuslineInstaller(argv, env = process.env, cwd = process.cwd()) {
  try {
    const o = parse(argv, cwd);
    if (o.help) return { code: 0, out: [USAGE], err: [] };
    const home = homeDir(env);
    const file = SPEC.settingsFile({ env, home, projectDir: o.projectDir });
    return o.install ? install(o, { file, env, home }) : uninstall(o, { file, env, home });
  } catch (error) {
    if (error instanceof InstallError) return { code: 1, out: [], err: [`agentstats statusline: ${error.message}`] };
    throw error;
  }
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const r = runStatuslineInstaller(process.argv.slice(2));
  for (const line of r.out) process.stdout.write(line + '\n');
  for (const line of r.err) process.stderr.write(line + '\n');
  process.exitCode = r.code;
}
