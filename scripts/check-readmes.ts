/**
 * CI check (npm run check:readmes): the folder READMEs' file tables match the files.
 *
 * Under collector/ receivers/ processors/ exporters/ hooks/, every file (except tests, testdata/ and
 * the READMEs) must be listed in the file table of the nearest README that has one — its own
 * folder's, else a parent folder's up to the top folder. A file table is a Markdown table whose
 * first header cell is `file`; its first column names files or folders in backticks, relative to
 * the README (`http.ts` / `grpc.ts`, `mappers/` for a whole folder; in one cell a bare name after
 * `mappers/a.ts` means `mappers/b.ts`). Every listed name must exist, and so must every relative
 * link in those READMEs. Exit 1 with one line per problem.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOTS = ['collector', 'receivers', 'processors', 'exporters', 'hooks'];

/** Not listed in file tables: tests and their inputs, and the READMEs themselves. */
function exempt(rel: string): boolean {
  const base = path.posix.basename(rel);
  return base === 'README.md' || /\.test\.ts$/.test(base) || rel.split('/').includes('testdata');
}

/** Every file under `dir`, as posix paths relative to `repo`. */
function walk(repo: string, dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(path.join(repo, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) walk(repo, rel, out);
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

export interface FileTable {
  /** Files and folders (ending in `/`) the tables list, relative to the repository. */
  entries: Set<string>;
  /** Problems found while reading the README (names that do not exist, broken links). */
  problems: string[];
}

function cells(line: string): string[] {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

/** The file tables of one README, or null when it has none. */
export function readFileTables(repo: string, readme: string): FileTable | null {
  const dir = path.posix.dirname(readme);
  const lines = readFileSync(path.join(repo, readme), 'utf8').split('\n');
  const entries = new Set<string>();
  const problems: string[] = [];
  let found = false;
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (inFence) continue;
    for (const [, target] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:|^#/i.test(target)) continue; // URLs and in-page anchors
      const file = target.split('#')[0];
      if (!existsSync(path.join(repo, dir, file))) problems.push(`${readme}:${i + 1}: link to ${file}, which does not exist`);
    }
    if (!line.trim().startsWith('|') || cells(line)[0]?.toLowerCase() !== 'file') continue;
    if (!/^\s*\|[\s:|-]+\|?\s*$/.test(lines[i + 1] ?? '')) continue; // a header needs its --- row
    found = true;
    for (i += 2; i < lines.length && lines[i].trim().startsWith('|'); i++) {
      let folder = '';
      for (const [, name] of cells(lines[i])[0].matchAll(/`([^`]+)`/g)) {
        let rel = name;
        if (!name.endsWith('/') && name.includes('/')) folder = path.posix.dirname(name) + '/';
        else if (!name.includes('/')) rel = folder + name;
        const full = path.posix.join(dir, rel).replace(/\/?$/, rel.endsWith('/') ? '/' : '');
        const onDisk = path.join(repo, full);
        if (!existsSync(onDisk) || (full.endsWith('/') !== statSync(onDisk).isDirectory())) {
          problems.push(`${readme}:${i + 1}: lists ${rel}, which is not a ${rel.endsWith('/') ? 'folder' : 'file'} here`);
        }
        entries.add(full);
      }
    }
    i--;
  }
  return found ? { entries, problems } : problems.length > 0 ? { entries, problems } : null;
}

/** Problems in the READMEs under the ROOTS of `repo` (empty = all good). */
export function checkReadmes(repo: string): string[] {
  const problems: string[] = [];
  const tables = new Map<string, FileTable | null>();
  const tableOf = (folder: string): FileTable | null => {
    if (!tables.has(folder)) {
      const readme = `${folder}/README.md`;
      tables.set(folder, existsSync(path.join(repo, readme)) ? readFileTables(repo, readme) : null);
    }
    return tables.get(folder)!;
  };
  for (const root of ROOTS) {
    if (!existsSync(path.join(repo, root))) continue;
    const files = walk(repo, root);
    for (const readme of files.filter((f) => path.posix.basename(f) === 'README.md')) {
      problems.push(...(tableOf(path.posix.dirname(readme))?.problems ?? []));
    }
    for (const file of files.filter((f) => !exempt(f))) {
      let folder = path.posix.dirname(file);
      let table = tableOf(folder);
      while (!(table && table.entries.size > 0) && folder !== root) {
        folder = path.posix.dirname(folder);
        table = tableOf(folder);
      }
      if (!table || table.entries.size === 0) {
        problems.push(`${file}: no README file table lists it (add a README.md with a | file | … | table to ${path.posix.dirname(file)}/ or a parent)`);
        continue;
      }
      const listed = [...table.entries].some((e) => e === file || (e.endsWith('/') && file.startsWith(e)));
      if (!listed) problems.push(`${file}: missing from the file table in ${folder}/README.md`);
    }
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // scripts/ when run by tsx, dist/scripts/ when compiled: the repository is the folder with package.json.
  let repo = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(repo, 'package.json')) && path.dirname(repo) !== repo) repo = path.dirname(repo);
  const problems = checkReadmes(repo);
  for (const p of problems) process.stderr.write(`${p}\n`);
  if (problems.length > 0) {
    process.stderr.write(`check:readmes: ${problems.length} problem(s)\n`);
    process.exit(1);
  }
  process.stdout.write('check:readmes: every folder README lists its files\n');
}
