/**
 * The installers' engine: `node install.mjs <agent> [options]`, called by hooks/<agent>/install.sh.
 * Merges AgentStats' hook handlers (and, with --with-otel, telemetry settings) into the agent's
 * settings, keeping every other hook and setting; idempotent; --uninstall removes only what was
 * added. Run with --help for the options.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENTS, homeDir } from './agents.mjs';
import { installHandlers, installedEvents, removeHandlers } from './hook-entries.mjs';
import { entryFor, loadState, recordContainer, recordValue, saveState, setAt, undo } from './install-state.mjs';
import { planCodexOtel } from './codex-otel.mjs';
import { InstallError, detectIndent, formatJson, isPlainObject, readJsonFile, removeFile, updateFile } from './json-file.mjs';
import { editJsonText, equalJson } from './jsonc-edit.mjs';
import { hasBlock, removeBlock } from './toml-block.mjs';

const HOOK_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'agentstats-hook.cjs');
const DEFAULT_URL = 'http://127.0.0.1:3141';

function usage(agent) {
  const spec = AGENTS[agent];
  return [
    `Usage: hooks/${agent}/install.sh [options]`,
    '',
    `Installs AgentStats hooks for ${spec?.label ?? agent}.`,
    '  --uninstall        remove what AgentStats added (nothing else)',
    '  --with-otel        also point the agent\'s OpenTelemetry export at AgentStats',
    '  --url URL          AgentStats address (default: $AGENTSTATS_URL, else http://127.0.0.1:3141)',
    ...(spec?.supportsProject ? ['  --project [DIR]    the project settings in DIR (default: current directory) instead of the user settings'] : []),
    ...(spec?.supportsTransport
      ? ['  --transport http|command   http (default): native HTTP hooks, no process per event;',
         '                     command: every event through the hook command, which spools while AgentStats is down']
      : []),
    '  --dry-run          print what would be written, change nothing',
    '  --help             this text',
  ].join('\n');
}

export function parseArgs(agent, argv, env) {
  const spec = AGENTS[agent];
  const opts = { uninstall: false, withOtel: false, dryRun: false, projectDir: null, transport: 'http', url: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new InstallError(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--uninstall') opts.uninstall = true;
    else if (arg === '--with-otel') opts.withOtel = true;
    else if (arg === '--dry-run') opts.dryRun = true;
    else if (arg === '--help' || arg === '-h') opts.help = true;
    else if (arg === '--url') opts.url = next();
    else if (arg === '--project' && spec.supportsProject) {
      opts.projectDir = i + 1 < argv.length && !argv[i + 1].startsWith('--') ? argv[++i] : process.cwd();
    } else if (arg === '--transport' && spec.supportsTransport) {
      opts.transport = next();
      if (!['http', 'command'].includes(opts.transport)) throw new InstallError('--transport must be http or command');
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
 * Codex --with-otel: the marked [otel] block(s) in config.toml. Returns { lines, problems };
 * problems (stderr, exit 3) when Codex will still not send its telemetry to AgentStats.
 */
function applyToml(otel, ctx, state) {
  const file = otel.file;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const record = (state.files[file] ??= { file_existed: existsSync(file), containers: {}, values: {} });
  if (ctx.uninstall) {
    delete state.files[file];
    if (!hasBlock(text)) return { lines: [], problems: [] };
    const rest = removeBlock(text);
    const result = rest === '' && !record.file_existed ? removeFile(file, ctx) : updateFile(file, rest, ctx);
    return { lines: result.changed ? [`removed the [otel] block from ${file}${backupNote(result)}`] : [], problems: [] };
  }
  const plan = planCodexOtel(text, otel, ctx.url, file);
  if (!hasBlock(plan.text)) delete state.files[file];
  const result = updateFile(file, plan.text, ctx);
  const lines = plan.what
    ? [result.changed ? `wrote ${plan.what} in ${file}${backupNote(result)}` : `${plan.what} in ${file} already up to date`]
    : [result.changed ? `removed AgentStats' [otel] lines from ${file}${backupNote(result)}` : `left ${file} unchanged`];
  return { lines, problems: plan.problems };
}

function backupNote(result) {
  return result.backup ? ` (backup: ${result.backup})` : '';
}

export function run(agent, argv, env = process.env) {
  const spec = AGENTS[agent];
  if (!spec) throw new InstallError(`unknown agent ${agent}; one of ${Object.keys(AGENTS).join(', ')}`);
  const opts = parseArgs(agent, argv, env);
  if (opts.help) return { report: [usage(agent)], problems: [] };
  const home = homeDir(env);
  const ctx = {
    ...opts,
    env,
    home,
    nodePath: env.AGENTSTATS_NODE || process.execPath,
    hookScript: HOOK_SCRIPT,
    tokenSet: Boolean(env.AGENTSTATS_TOKEN),
  };
  const file = spec.settingsFile(ctx);
  const { exists, text, data } = readJsonFile(file, spec.json);
  const original = structuredClone(data);
  const state = loadState(home);
  const report = [];
  const problems = [];

  if (opts.uninstall) {
    const entry = state.files[file];
    uninstallJson(data, spec, ctx, entry);
    delete state.files[file];
    const vanish = entry && !entry.file_existed && Object.keys(data).length === 0;
    const result = equalJson(data, original) ? { changed: false } : vanish ? removeFile(file, opts) : updateFile(file, renderJson(file, text, original, data), opts);
    report.push(result.changed ? `${spec.label}: removed AgentStats from ${file}${backupNote(result)}` : `${spec.label}: nothing of AgentStats in ${file}`);
  } else {
    const entry = entryFor(state, file, exists);
    installJson(data, spec, ctx, entry);
    const next = equalJson(data, original) ? text : renderJson(file, text, original, data);
    const result = next === text ? { changed: false } : updateFile(file, next, opts);
    const events = installedEvents(data.hooks);
    report.push(
      result.changed
        ? `${spec.label}: hooks for ${events.length} events installed in ${file}${backupNote(result)}`
        : `${spec.label}: ${file} already up to date (${events.length} events)`,
    );
    if (opts.dryRun) report.push(next ?? formatJson(data, text));
  }
  if (spec.otel(ctx).kind === 'toml' && (opts.withOtel || opts.uninstall)) {
    const toml = applyToml(spec.otel(ctx), ctx, state);
    report.push(...toml.lines);
    problems.push(...toml.problems);
  }
  if (!opts.dryRun) saveState(home, state);
  if (!opts.uninstall && opts.withOtel && ctx.tokenSet && agent !== 'codex') {
    report.push('NOTE: AGENTSTATS_TOKEN is set; add it to the telemetry headers yourself (it is not written to settings).');
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
