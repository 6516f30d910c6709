/**
 * The dependency rules of docs/ARCHITECTURE.md, checked (npm run check:architecture, in CI):
 *  - collector/core imports nothing of the project outside itself (fastify only as types);
 *  - collector/config imports only core; collector/server and collector/api no component;
 *  - only collector/service names components — and collector/cli (the `agentstats` CLI), which may
 *    open the SQLite exporter's database read-only (exporters/sqlite/read-only.ts, defaults.ts) and
 *    nothing else of a component;
 *  - components never import each other (receivers/x ↛ receivers/y, exporters ↛ processors, …);
 *  - web/ imports nothing from the server but types;
 *  - SQL only in exporters/sqlite/;
 *  - no source file over 400 lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../collector/core/paths.js';

const MAX_LINES = 400;
const SOURCE_DIRS = ['collector', 'receivers', 'processors', 'exporters', 'web/src'];
const COMPONENT_ROOTS = ['receivers', 'processors', 'exporters'];
/** What the CLI may import of a component: the database opened read-only, and where it is by default. */
const CLI_MAY_IMPORT = new Set([path.join('exporters', 'sqlite', 'read-only.js'), path.join('exporters', 'sqlite', 'defaults.js')]);
const SQL = /\b(SELECT\s[\s\S]{0,200}?\sFROM|INSERT\s+(OR\s+[A-Z]+\s+)?INTO|UPDATE\s+[a-z_]+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX))\b/;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'node_modules' && name !== 'testdata') out.push(...walk(full));
    } else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

interface Import {
  target: string;
  typeOnly: boolean;
}

function importsOf(file: string, text: string): Import[] {
  const out: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"](\.[^'"]+)['"]|^\s*import\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4] ?? m[5];
    out.push({ target: path.relative(projectRoot, path.resolve(path.dirname(file), spec)), typeOnly: Boolean(m[2]) });
  }
  return out;
}

/** "receivers/otlp", "collector/core", "web" … : the unit a rule speaks of. */
function unitOf(rel: string): string {
  const parts = rel.split(path.sep);
  if (parts[0] === 'web') return 'web';
  return parts.slice(0, 2).join('/');
}

const problems: string[] = [];
for (const dir of SOURCE_DIRS) {
  for (const file of walk(path.join(projectRoot, dir))) {
    const rel = path.relative(projectRoot, file);
    const text = readFileSync(file, 'utf8');
    const isTest = /\.test\.ts$/.test(rel);
    const lines = text.split('\n').length;
    if (!isTest && lines > MAX_LINES) problems.push(`${rel}: ${lines} lines (over ${MAX_LINES}: split it by job)`);
    if (!isTest && !rel.startsWith(`exporters${path.sep}sqlite`) && SQL.test(text)) problems.push(`${rel}: SQL outside exporters/sqlite`);
    if (isTest) continue;
    const from = unitOf(rel);
    for (const imp of importsOf(file, text)) {
      const to = unitOf(imp.target);
      if (to === from) continue;
      const toComponent = COMPONENT_ROOTS.includes(to.split('/')[0]);
      if (from === 'collector/core' && to !== 'collector/core') problems.push(`${rel}: the core imports ${imp.target}`);
      else if (from === 'collector/config' && to !== 'collector/core') problems.push(`${rel}: config imports ${imp.target}`);
      else if (from === 'collector/cli' && toComponent && !CLI_MAY_IMPORT.has(imp.target)) problems.push(`${rel}: the CLI may import of a component only ${[...CLI_MAY_IMPORT].join(', ')} (imports ${imp.target})`);
      else if (from === 'collector/cli' && toComponent) continue;
      else if (from.startsWith('collector/') && from !== 'collector/service' && toComponent) problems.push(`${rel}: only collector/service may name components (imports ${imp.target})`);
      else if (COMPONENT_ROOTS.includes(from.split('/')[0]) && toComponent) problems.push(`${rel}: a component imports another (${imp.target})`);
      else if (from === 'web' && !imp.typeOnly) problems.push(`${rel}: web/ imports server code at run time (${imp.target}); only \`import type\` is allowed`);
      else if (COMPONENT_ROOTS.includes(from.split('/')[0]) && to === 'collector/service') problems.push(`${rel}: a component imports the service wiring (${imp.target})`);
    }
  }
}

if (problems.length > 0) {
  process.stderr.write(`architecture rules broken:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write('architecture rules hold\n');
