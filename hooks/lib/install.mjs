/**
 * The installers' engine: `node install.mjs <agent> [options]`, called by hooks/<agent>/install.sh.
 * Merges AgentStats' hook handlers (and, with --with-otel, telemetry settings) into the agent's
 * settings, keeping every other hook and setting; idempotent; --uninstall removes only what was
 * added. Run with --help for the options.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENTS, homeDir } from './agents.mjs';
import { hookChanges, valueChanges } from './changes.mjs';
import { installHandlers, installedEvents, removeHandlers } from './hook-entries.mjs';
import { binRoot, findCurl, hookVersion, installHookBin, pruneHookBin } from './hook-bin.mjs';
import { entryFor, loadState, recordContainer, recordValue, saveState, setAt, undo } from './install-state.mjs';
import { planCodexOtel } from './codex-otel.mjs';
import { InstallError, detectIndent, formatJson, isPlainObject, readJsonFile, removeFile, updateFile } from './json-file.mjs';
import { editJsonText, equalJson } from './jsonc-edit.mjs';
import { forcedClaudeValues, refusal, telemetryConflicts } from './telemetry-guard.mjs';
import { hasBlock, removeBlock } from './toml-block.mjs';

const DEFAULT_URL = 'http://127.0.0.1:3141';

function usage(agent) {
  const spec = AGENTS[agent];
  return [
    `Usage: hooks/${agent}/install.sh [options]`,
    '',
    `Installs AgentStats hooks for ${spec?.label ?? agent}.`,
    '  --uninstall        remove what AgentStats added (nothing else)',
    '  --with-otel        also point the agent\'s OpenTelemetry export at AgentStats',
    ...(spec?.otelGuard ? ['  --force            with --with-otel: replace telemetry settings that send elsewhere (restored by --uninstall)'] : []),
    '  --url URL          AgentStats address (default: $AGENTSTATS_URL, else http://127.0.0.1:3141)',
    ...(spec?.supportsProject ? ['  --project [DIR]    the project settings in DIR (default: current directory) instead of the user settings'] : []),
    ...(spec?.supportsTransport
      ? ['  --transport command|http   command (default): every event through the hook command, which keeps',
         '                     events while AgentStats is down; http: native HTTP hooks, but events fired while',
         '                     AgentStats is down, restarting or overloaded are LOST (SessionStart stays a command)']
      : []),
    '  --runtime sh|node  the hook command: sh (default when curl is installed: /bin/sh + curl, a few ms per',
    '                     event) or node (about 30 ms per event; the default without curl)',
    '  --dry-run          print what would be written, change nothing',
    '  --help             this text',
  ].join('\n');
}

export function parseArgs(agent, argv, env) {
  const spec = AGENTS[agent];
  const opts = { uninstall: false, withOtel: false, force: false, dryRun: false, projectDir: null, transport: 'command', runtime: null, url: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new InstallError(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--uninstall') opts.uninstall = true;
    else if (arg === '--with-otel') opts.withOtel = true;
    else if (arg === '--dry-run') opts.dryRun = true;
    else if (arg === '--force' && spec.otelGuard) opts.force = true;
    else if (arg === '--runtime') {
      opts.runtime = next();
      if (!['sh', 'node'].includes(opts.runtime)) throw new InstallError('--runtime must be sh or node');
    }
    else if (arg === '--help' || arg === '-h') opts.help = true;
    else if (arg === '--url') opts.url = next();
    else if (arg === '--project' && spec.supportsProject) {
      opts.projectDir = i + 1 < argv.length && !argv[i + 1].startsWith('--') ? argv[++i] : process.cwd();
    } else if (arg === '--transport' && spec.supportsTransport) {
      opts.transport = next();
      if (!['http', 'command'].includes(opts.transport)) throw new InstallError('--transport must be command or http');
    } else throw new InstallError(`unknown option ${arg}\n\n${usage(agent)}`);
  }
  const rawUrl = opts.url ?? env.AGENTSTATS_URL ?? null;
  opts.urlGiven = rawUrl !== null && rawUrl !== '';
  const url = (opts.urlGiven ? rawUrl : DEFAULT_URL).replace(/\/+$/, '');
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new InstallError(`not a URL: ${url}`);
  }
  if (!['http:', 'https:'].includes(parsed.protocol)) throw new InstallError(`the URL must be http(s): ${url}`);
  opts.url = url;
  return opts;
}

function installJson(doc, spec, ctx, entry) {
  recordContainer(entry, doc, spec.hooksPath);
  const hooks = isPlainObject(doc.hooks) ? doc.hooks : (doc.hooks = {});
  const desired = {};
  for (const event of spec.events) {
    recordContainer(entry, doc, [...spec.hooksPath, event]);
    desired[event] = { hooks: [spec.handler(ctx, event)] };
  }
  installHandlers(hooks, desired);
  if (ctx.withOtel) {
    const otel = spec.otel(ctx);
    if (otel.kind === 'json') {
      recordContainer(entry, doc, otel.container);
      for (const [key, value] of Object.entries(otel.values)) {
        const path = [...otel.container, key];
        recordValue(entry, doc, path, value);
        setAt(doc, path, value);
      }
    }
  }
}

function uninstallJson(doc, spec, ctx, entry) {
  const emptied = removeHandlers(doc.hooks);
  const otel = spec.otel(ctx);
  const fallbackValues = {};
  const fallbackContainers = [...emptied.map((e) => `${spec.hooksPath.join('/')}/${e}`), spec.hooksPath.join('/')];
  if (otel.kind === 'json') {
    for (const [key, value] of Object.entries(otel.values)) fallbackValues[[...otel.container, key].join('/')] = value;
    fallbackContainers.push(otel.container.join('/'));
  }
  undo(doc, entry, fallbackValues, fallbackContainers);
}

/**
 * The file's new text: the old text edited in place where there was one (comments, order and
 * layout kept), else freshly formatted.
 */
function renderJson(file, text, before, after) {
  if (text === null || text.trim() === '') return formatJson(after, text);
  try {
    return editJsonText(text, before, after, detectIndent(text));
  } catch (error) {
    throw new InstallError(`${file}: ${error.message}. Nothing was changed; please report this with the file's layout.`);
  }
}

/**
 * Codex: the marked [otel] block(s) in config.toml, planned before anything is written (an
 * invalid config.toml throws here, so hooks.json is not touched either). Returns null when the
 * TOML is not involved, else { file, text, next, fileExisted, what, problems }; problems (stderr,
 * exit 3) when Codex will still not send its telemetry to AgentStats.
 */
function planToml(spec, ctx, state) {
  const otel = spec.otel(ctx);
  if (otel.kind !== 'toml' || !(ctx.withOtel || ctx.uninstall)) return null;
  const file = otel.file;
  const fileExisted = existsSync(file);
  const text = fileExisted ? readFileSync(file, 'utf8') : '';
  if (ctx.uninstall) {
    const ownedFile = state.files[file] ? !state.files[file].file_existed : false;
    const rest = removeBlock(text);
    return { file, text, next: hasBlock(text) ? rest : text, remove: hasBlock(text) && rest === '' && ownedFile, what: null, problems: [] };
  }
  const plan = planCodexOtel(text, otel, ctx.url, file);
  return { file, text, next: plan.text, fileExisted, what: plan.what, problems: plan.problems };
}

/** Writes a planned config.toml; returns the report lines. */
function writeToml(plan, ctx, state) {
  const { file } = plan;
  if (ctx.uninstall) {
    delete state.files[file];
    if (plan.next === plan.text) return [];
    const result = plan.remove ? removeFile(file, ctx) : updateFile(file, plan.next, ctx);
    return result.changed ? [`removed the [otel] block from ${file}${backupNote(result)}`] : [];
  }
  state.files[file] ??= { file_existed: plan.fileExisted, containers: {}, values: {} };
  if (!hasBlock(plan.next)) delete state.files[file];
  const result = updateFile(file, plan.next, ctx);
  return plan.what
    ? [result.changed ? `wrote ${plan.what} in ${file}${backupNote(result)}` : `${plan.what} in ${file} already up to date`]
    : [result.changed ? `removed AgentStats' [otel] lines from ${file}${backupNote(result)}` : `left ${file} unchanged`];
}

function backupNote(result) {
  return result.backup ? ` (backup: ${result.backup})` : '';
}

/** The paths of the telemetry values this agent's --with-otel sets (for the change report). */
function otelPaths(spec, ctx) {
  const otel = spec.otel(ctx);
  return otel.kind === 'json' ? Object.keys(otel.values).map((key) => [...otel.container, key]) : [];
}

/**
 * The texts of every settings file that may hold AgentStats' hooks (all recorded installs and
 * each agent's user settings), `current` standing for the file just edited. null when one cannot
 * be read: then nothing is pruned.
 */
function settingsTexts(ctx, state, file, current) {
  const files = new Set(Object.keys(state.files));
  for (const spec of Object.values(AGENTS)) files.add(spec.settingsFile({ ...ctx, projectDir: null }));
  files.delete(file);
  const texts = [current ?? ''];
  for (const f of files) {
    if (!existsSync(f)) continue;
    try {
      texts.push(readFileSync(f, 'utf8'));
    } catch {
      return null;
    }
  }
  return texts;
}

function uninstall(spec, ctx, { file, text, data, original, state }) {
  const report = [];
  const entry = state.files[file];
  const toml = planToml(spec, ctx, state);
  uninstallJson(data, spec, ctx, entry);
  delete state.files[file];
  const vanish = entry && !entry.file_existed && Object.keys(data).length === 0;
  const next = equalJson(data, original) ? text : vanish ? null : renderJson(file, text, original, data);
  const result = next === text ? { changed: false } : next === null ? removeFile(file, ctx) : updateFile(file, next, ctx);
  report.push(result.changed ? `${spec.label}: removed AgentStats from ${file}${backupNote(result)}` : `${spec.label}: nothing of AgentStats in ${file}`);
  report.push(...hookChanges(original.hooks, data.hooks), ...valueChanges(original, data, otelPaths(spec, ctx)));
  if (toml) report.push(...writeToml(toml, ctx, state));
  if (!ctx.dryRun) saveState(ctx.home, state);
  const texts = settingsTexts(ctx, state, file, next);
  if (texts === null) report.push(`kept ${binRoot(ctx.home)}: a settings file that may use it could not be read`);
  else for (const dir of pruneHookBin(ctx.home, texts, ctx)) report.push(`${ctx.dryRun ? 'would remove' : 'removed'} the hook command ${dir} (no settings file uses it any more)`);
  return { report, problems: [] };
}

export function run(agent, argv, env = process.env) {
  const spec = AGENTS[agent];
  if (!spec) throw new InstallError(`unknown agent ${agent}; one of ${Object.keys(AGENTS).join(', ')}`);
  const opts = parseArgs(agent, argv, env);
  if (opts.help) return { report: [usage(agent)], problems: [] };
  const home = homeDir(env);
  const curl = findCurl(env);
  const ctx = {
    ...opts,
    env,
    home,
    runtime: opts.runtime ?? (curl ? 'sh' : 'node'),
    nodePath: env.AGENTSTATS_NODE || process.execPath,
    binDir: join(binRoot(home), hookVersion()),
    tokenSet: Boolean(env.AGENTSTATS_TOKEN),
  };
  const file = (ctx.file = spec.settingsFile(ctx));
  const { exists, text, data } = readJsonFile(file, spec.json);
  const original = structuredClone(data);
  const state = loadState(home);
  if (opts.uninstall) return uninstall(spec, ctx, { file, text, data, original, state });

  // Plan and check everything first: a refusal or an invalid file leaves every file as it was.
  if (opts.withOtel) {
    const conflicts = telemetryConflicts(agent, data, ctx);
    if (conflicts.length > 0 && !opts.force) throw new InstallError(refusal(spec.label, conflicts));
    if (opts.force && agent === 'claude-code') ctx.forcedValues = forcedClaudeValues(data, ctx);
  }
  const entry = entryFor(state, file, exists);
  installJson(data, spec, ctx, entry);
  const next = equalJson(data, original) ? text : renderJson(file, text, original, data);
  const toml = planToml(spec, ctx, state);

  // Then write: the hook command first (the settings refer to it), the settings, the state.
  const report = [];
  const bin = installHookBin(home, ctx);
  const result = next === text ? { changed: false } : updateFile(file, next, ctx);
  const events = installedEvents(data.hooks);
  report.push(
    result.changed
      ? `${spec.label}: hooks for ${events.length} events installed in ${file}${backupNote(result)}`
      : `${spec.label}: ${file} already up to date (${events.length} events)`,
  );
  if (bin.changed) report.push(`  + hook command ${opts.dryRun ? 'would be ' : ''}copied to ${bin.dir} (the hooks keep working if this clone moves)`);
  report.push(...hookChanges(original.hooks, data.hooks), ...valueChanges(original, data, otelPaths(spec, ctx)));
  if (ctx.runtime === 'node' && !opts.runtime) {
    report.push('NOTE: curl was not found, so the hooks run the Node hook command (about 30 ms per event instead of a few).');
  }
  if (agent === 'claude-code' && opts.transport === 'http') {
    report.push('NOTE: --transport http: events fired while AgentStats is down, restarting or overloaded are lost.');
  }
  if (opts.dryRun) report.push(next ?? formatJson(data, text));
  const problems = [];
  if (toml) {
    report.push(...writeToml(toml, ctx, state));
    problems.push(...toml.problems);
  }
  if (!opts.dryRun) saveState(home, state);
  if (opts.withOtel && ctx.tokenSet && agent !== 'codex') {
    report.push('NOTE: AGENTSTATS_TOKEN is set; add it to the telemetry headers yourself (it is not written to settings).');
  }
  if (agent === 'codex') {
    report.push(
      'NEXT: Codex runs new or changed hooks only after you trust them: start codex, open /hooks and trust the',
      '  AgentStats entries (codex exec: trust them once interactively, or pass --dangerously-bypass-hook-trust).',
    );
  }
  return { report, problems };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  try {
    const { report, problems } = run(process.argv[2], process.argv.slice(3));
    for (const line of report) process.stdout.write(line + '\n');
    for (const line of problems) process.stderr.write(line + '\n');
    // 3: installed, but the agent's telemetry will not reach AgentStats (see the warning).
    if (problems.length > 0) process.exit(3);
  } catch (error) {
    process.stderr.write(`agentstats install: ${error instanceof InstallError ? error.message : error.stack}\n`);
    process.exit(1);
  }
}
