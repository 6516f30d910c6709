/**
 * Rebuilds the bundled price table (processors/cost/prices.json) from LiteLLM's published
 * model_prices_and_context_window.json.
 *
 *   npm run pricing:refresh                       fetch from GitHub (needs a network)
 *   npm run pricing:refresh -- --from FILE [--date YYYY-MM-DD] [--source TEXT]
 *                                                 convert a local copy (offline)
 *
 * The file is only replaced when the new table was fetched and converted completely; run
 * `npm run build` afterwards so dist/ serves it.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../collector/core/paths.js';
import { fromLiteLlm } from '../processors/cost/litellm.js';
import type { PriceTable } from '../processors/cost/types.js';

const LITELLM_URL = 'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json';

/** One model per line: small, and a refresh reads as a readable diff. */
export function formatTable(table: PriceTable): string {
  const names = Object.keys(table.models).sort();
  const rows = names.map((n) => `    ${JSON.stringify(n)}: ${JSON.stringify(table.models[n])}`);
  return (
    '{\n' +
    `  "source": ${JSON.stringify(table.source)},\n` +
    `  "date": ${JSON.stringify(table.date)},\n` +
    `  "unit": ${JSON.stringify(table.unit)},\n` +
    `  "models": {\n${rows.join(',\n')}\n  }\n}\n`
  );
}

async function fetchLiteLlm(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      url: { type: 'string', default: LITELLM_URL },
      date: { type: 'string' },
      source: { type: 'string' },
      out: { type: 'string', default: path.join(projectRoot, 'processors', 'cost', 'prices.json') },
    },
  });
  const today = new Date().toISOString().slice(0, 10);
  let data: unknown;
  let source: string;
  if (values.from) {
    data = JSON.parse(readFileSync(values.from, 'utf8'));
    source = values.source ?? `LiteLLM model_prices_and_context_window.json (local copy ${path.basename(values.from)})`;
  } else {
    try {
      data = await fetchLiteLlm(values.url);
    } catch (error) {
      process.stderr.write(
        `pricing:refresh: could not fetch ${values.url} (${error instanceof Error ? error.message : String(error)}).\n` +
          'The bundled table is unchanged. Offline, pass a downloaded copy: npm run pricing:refresh -- --from FILE\n',
      );
      process.exit(1);
    }
    source = values.source ?? values.url;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('the LiteLLM file is not a JSON object');
  const date = values.date ?? today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`--date must be YYYY-MM-DD, got "${date}"`);
  const table = fromLiteLlm(data as Record<string, unknown>, { source, date });
  const count = Object.keys(table.models).length;
  if (count < 10) throw new Error(`only ${count} models converted: refusing to replace the bundled table`);
  const tmp = `${values.out}.tmp`;
  writeFileSync(tmp, formatTable(table));
  renameSync(tmp, values.out);
  process.stdout.write(`wrote ${count} models (date ${date}) to ${values.out}\nrun "npm run build" so the server uses it\n`);
}

main().catch((error) => {
  process.stderr.write(`pricing:refresh: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
