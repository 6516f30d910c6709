/**
 * The command line of `npm start` (and of `npm run import`'s shared options): parsing, --help,
 * and the flags that override config keys.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/types.js';

export const SERVE_USAGE = `usage: npm start -- [options]

Starts AgentStats: receivers, pipeline, storage, API and dashboard on http://127.0.0.1:3141.

options:
  --config FILE     config file (default: $AGENTSTATS_CONFIG, ./agentstats.jsonc, ~/.agentstats/config.jsonc;
                    none = the built-in default config)
  --port N          HTTP port (service.http.port; 0 = any free port)
  --host ADDR       bind address (service.http.host; off loopback needs a token)
  --log-format F    auto | pretty | json (service.log.format)
  --print-config    print the effective config with where each value came from, then exit
  --validate        check the config (and load every plugin it names), then exit
  --version         print the version and exit
  --help            this text

Every setting is a key in the config file; AGENTSTATS_* environment variables override named keys.
Reference: docs/config.md.`;

export interface ServeArgs {
  configPath?: string;
  flags: Array<{ key: string; value: unknown; flag: string }>;
  printConfig: boolean;
  validate: boolean;
  help: boolean;
  version: boolean;
}

export function parseServeArgs(argv: string[]): ServeArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        config: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'log-format': { type: 'string' },
        'print-config': { type: 'boolean', default: false },
        validate: { type: 'boolean', default: false },
        version: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new ConfigError(`${error instanceof Error ? error.message : String(error)} (see --help)`);
  }
  const flags: ServeArgs['flags'] = [];
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port)) throw new ConfigError(`--port must be an integer, got "${values.port}"`);
    flags.push({ key: 'service.http.port', value: port, flag: '--port' });
  }
  if (values.host !== undefined) flags.push({ key: 'service.http.host', value: values.host, flag: '--host' });
  if (values['log-format'] !== undefined) flags.push({ key: 'service.log.format', value: values['log-format'], flag: '--log-format' });
  return {
    configPath: values.config as string | undefined,
    flags,
    printConfig: values['print-config'] === true,
    validate: values.validate === true,
    help: values.help === true,
    version: values.version === true,
  };
}
