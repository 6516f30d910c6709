/** The README file-table check (npm run check:readmes, run on this repository by npm test) on made-up trees. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkReadmes } from '../scripts/check-readmes.js';
import { makeTempDir } from './helpers/server.js';

function tree(files: Record<string, string>): string {
  const dir = makeTempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const table = (...rows: string[]) => `# x\n\n| file | job |\n|---|---|\n${rows.map((r) => `| ${r} | y |`).join('\n')}\n`;

describe('check:readmes', () => {
  it('accepts a folder whose table lists every file, with shorthand and whole folders', () => {
    const dir = tree({
      'receivers/otlp/README.md': table('`index.ts`', '`http.ts` / `grpc.ts`', '`mappers/a.ts`, `b.ts`', '`lib/`'),
      'receivers/otlp/index.ts': '',
      'receivers/otlp/http.ts': '',
      'receivers/otlp/grpc.ts': '',
      'receivers/otlp/mappers/a.ts': '',
      'receivers/otlp/mappers/b.ts': '',
      'receivers/otlp/lib/deep/c.ts': '',
      'receivers/otlp/x.test.ts': '',
      'receivers/otlp/testdata/input.json': '',
    });
    expect(checkReadmes(dir)).toEqual([]);
  });

  it('names a file the table misses, a listed file that is gone, a folder without a table and a broken link', () => {
    const dir = tree({
      'exporters/sqlite/README.md': table('`store.ts`', '`gone.ts`') + '\nSee [the docs](../../docs/nope.md).\n',
      'exporters/sqlite/store.ts': '',
      'exporters/sqlite/new.ts': '',
      'processors/cost/index.ts': '',
      'processors/cost/README.md': '# cost\n\nNo table here.\n',
    });
    const problems = checkReadmes(dir);
    expect(problems).toContain('exporters/sqlite/new.ts: missing from the file table in exporters/sqlite/README.md');
    expect(problems).toContainEqual(expect.stringMatching(/^exporters\/sqlite\/README\.md:\d+: lists gone\.ts, which is not a file here$/));
    expect(problems).toContainEqual(expect.stringMatching(/^exporters\/sqlite\/README\.md:\d+: link to \.\.\/\.\.\/docs\/nope\.md, which does not exist$/));
    expect(problems).toContainEqual(expect.stringMatching(/^processors\/cost\/index\.ts: no README file table lists it/));
    expect(problems).toHaveLength(4);
  });

  it('lets a parent README list a subfolder without its own table', () => {
    const dir = tree({
      'hooks/README.md': table('`bin/hook.cjs`', '`claude-code/`'),
      'hooks/bin/hook.cjs': '',
      'hooks/claude-code/install.sh': '',
      'hooks/claude-code/README.md': '| option | effect |\n|---|---|\n| `--x` | y |\n',
    });
    expect(checkReadmes(dir)).toEqual([]);
  });
});
