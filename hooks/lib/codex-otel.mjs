/**
 * Codex --with-otel: makes ~/.codex/config.toml send logs and metrics to AgentStats without
 * touching a byte of the user's own TOML. No [otel] yet: our whole table goes in a marked block at
 * the end. The user's own [otel] table: the export keys it lacks go in a marked block right under
 * its header (Codex exports nothing without `exporter`); the keys it has stay as they are, and one
 * that sends elsewhere is reported as a problem. Every result is parsed again (smol-toml) and must
 * hold exactly the user's values plus ours, or it is not written.
 */
import { parse } from 'smol-toml';
import { InstallError } from './json-file.mjs';
import { equalJson } from './jsonc-edit.mjs';
import { BEGIN, END, removeBlock, upsertBlock } from './toml-block.mjs';

const SIGNAL = { exporter: 'logs', metrics_exporter: 'metrics' };
const OTEL_HEADER = /^[ \t]*\[[ \t]*otel[ \t]*\][ \t]*(#[^\n]*)?\r?$/m;

function parseToml(text, file) {
  try {
    return parse(text);
  } catch (error) {
    const where = error.line ? ` at line ${error.line}` : '';
    throw new InstallError(`${file} is not valid TOML${where}, so Codex cannot read it either. Nothing was changed; fix the file and run again.`);
  }
}

const isTable = (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Whether the user's own value for `key` already sends that signal to AgentStats. */
function reachesUs(value, url, key) {
  const http = isTable(value) ? value['otlp-http'] : undefined;
  if (!isTable(http) || typeof http.endpoint !== 'string') return false;
  // Both mounts serve OTLP (/v1/… and /api/otel/v1/…); localhost and 127.0.0.1 are the same server.
  const loose = (u) => u.replace(/\/+$/, '').replace('://localhost', '://127.0.0.1');
  const endpoint = loose(http.endpoint);
  return [`${url}/v1/${SIGNAL[key]}`, `${url}/api/otel/v1/${SIGNAL[key]}`].some((ok) => loose(ok) === endpoint);
}

function parsesAs(text, want) {
  try {
    return equalJson(parse(text), want);
  } catch {
    return false;
  }
}

function expected(user, added) {
  return { ...user, otel: { ...(user.otel ?? {}), ...added } };
}

/**
 * The new config.toml text for an install: { text, problems, what }. `problems` are lines for stderr when
 * Codex will still not send both signals to AgentStats (the caller then exits 3); `text` may still
 * differ from `current` (the keys that could be added were).
 */
export function planCodexOtel(current, otel, url, file) {
  const outside = removeBlock(current);
  const user = parseToml(outside, file);
  const ours = parse(otel.body).otel;

  if (user.otel === undefined) {
    // Our block in place if it is there, else appended; the first that parses as expected wins.
    for (const text of [upsertBlock(current, otel.body), upsertBlock(outside, otel.body)]) {
      if (parsesAs(text, expected(user, ours))) return { text, problems: [], what: 'the [otel] table' };
    }
    return { text: current, problems: manualFix(file, Object.keys(SIGNAL), otel, "AgentStats' [otel] table could not be added without changing your other settings") };
  }

  const problems = [];
  if (!isTable(user.otel)) return { text: current, problems: manualFix(file, Object.keys(SIGNAL), otel, 'otel is set but is not a table') };
  const missing = Object.keys(SIGNAL).filter((key) => !(key in user.otel));
  for (const key of Object.keys(SIGNAL).filter((k) => k in user.otel && !reachesUs(user.otel[k], url, k))) {
    problems.push(
      `WARNING: ${file}: your [otel] ${key} does not send Codex's ${SIGNAL[key]} to ${url}/v1/${SIGNAL[key]}, so AgentStats will not see them.`,
      `  Left as you wrote it. To send them to AgentStats, replace your ${key} with:`,
      `    ${otel.keys[key]}`,
    );
  }
  if (missing.length === 0) return { text: outside, problems };

  const header = OTEL_HEADER.exec(outside);
  if (header) {
    let at = header.index + header[0].length;
    if (outside[at] === '\n') at++;
    const lines = missing.map((key) => otel.keys[key] + '\n').join('');
    const text = `${outside.slice(0, at)}\n${BEGIN}\n${lines}${END}\n${outside.slice(at)}`;
    const added = Object.fromEntries(missing.map((key) => [key, ours[key]]));
    if (parsesAs(text, expected(user, added))) return { text, problems, what: `${missing.join(' and ')} under your [otel] header` };
  }
  // [otel] written as dotted keys or an inline table: not ours to restructure.
  const why = header ? 'adding them under your [otel] header would have changed other settings' : 'they have no plain [otel] header line to add them under';
  return { text: outside, problems: [...problems, ...manualFix(file, missing, otel, `your [otel] settings lack ${missing.join(' and ')}, and ${why}`)] };
}

function manualFix(file, keys, otel, why) {
  return [
    `WARNING: ${file}: ${why}. Without exporter Codex exports no logs, without metrics_exporter its metrics do not reach AgentStats.`,
    '  Nothing was added there. Add these lines to your [otel] table yourself (with dotted keys: otel.exporter = …):',
    ...keys.map((key) => `    ${otel.keys[key]}`),
  ];
}
