/**
 * A config with a processor plugin, `boom`, that throws on any batch holding a tool call named
 * "Boom" — how the health tests get a processor failure through the real worker threads.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes boom.js and agentstats.jsonc into `dir`; returns the config file's path. */
export function writeBoomConfig(dir: string): string {
  writeFileSync(
    path.join(dir, 'boom.js'),
    `export default {
      kind: 'processor', type: 'boom', description: 'throws on tool Boom',
      configSchema: { type: 'object', additionalProperties: false, properties: {} },
      defaultConfig: () => ({}),
      create: () => ({ process(events) { if (events.some((e) => e.tool_name === 'Boom')) throw new Error('boom'); return events; } }),
    };\n`,
  );
  const config = path.join(dir, 'agentstats.jsonc');
  writeFileSync(config, JSON.stringify({
    processors: { boom: { module: './boom.js' } },
    service: { pipelines: { events: { processors: ['dedupe', 'boom', 'cost', 'truncate'] } } },
  }));
  return config;
}
