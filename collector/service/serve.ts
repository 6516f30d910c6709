/**
 * `npm start`: reads the config (file, environment, flags), builds the service, listens, and shuts
 * down cleanly on SIGINT/SIGTERM. --help, --print-config and --validate answer and exit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { printConfig } from '../config/print.js';
import { ConfigError, SECTIONS, type LoadedConfig } from '../config/types.js';
import { projectRoot } from '../core/paths.js';
import { bannerLogger, createRootLogger } from '../server/logging.js';
import { buildService, ComponentError } from './build.js';
import { parseServeArgs, SERVE_USAGE } from './cli.js';
import { defaultConfig } from './default-config.js';
import { resolveComponents } from './resolve.js';

export const VERSION = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** The config with every component's own defaults filled in, as the service will run it. */
export async function effectiveConfig(loaded: LoadedConfig): Promise<Record<string, unknown>> {
  const components = await resolveComponents(loaded);
  const out: Record<string, unknown> = { service: loaded.config.service };
  for (const section of SECTIONS) {
    out[section] = Object.fromEntries(
      Object.entries(loaded.config[section]).map(([id, entry]) => {
        const c = components.find((x) => x.section === section && x.id === id);
        const module = entry?.module !== undefined ? { module: entry.module } : {};
        return [id, c ? { ...module, ...c.config } : entry];
      }),
    );
  }
  return out;
}

export async function serveMain(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const args = parseServeArgs(argv);
  if (args.help) {
    process.stdout.write(SERVE_USAGE + '\n');
    return;
  }
  if (args.version) {
    process.stdout.write(`agentstats ${VERSION}\n`);
    return;
  }
  const loaded = loadConfig({ defaults: defaultConfig(), env, configPath: args.configPath, flags: args.flags });
  const where = loaded.file ? `config file ${loaded.file}` : 'built-in default config (no config file found)';
  if (args.printConfig) {
    process.stdout.write(printConfig(await effectiveConfig(loaded), loaded.sources, `AgentStats ${VERSION}: ${where}`));
    for (const warning of loaded.warnings) process.stderr.write(`agentstats: warning: ${warning}\n`);
    return;
  }
  if (args.validate) {
    const components = await resolveComponents(loaded);
    for (const warning of loaded.warnings) process.stderr.write(`agentstats: warning: ${warning}\n`);
    const used = components.filter((c) => c.used).map((c) => `${c.kind} ${c.id}`);
    process.stdout.write(`config OK (${where}): ${used.join(', ')}\n`);
    return;
  }

  const { level, format } = loaded.config.service.log;
  const logger = createRootLogger(level, format);
  const banner = bannerLogger(logger);
  for (const warning of loaded.warnings) logger.warn(warning);
  const service = await buildService(loaded, { mode: 'serve', logger, version: VERSION });
  const { url } = await service.start();
  banner(`AgentStats listening on ${url} (version ${VERSION}, ${where})`);

  const stop = (signal: string) => {
    banner(`AgentStats stopping (${signal})`);
    service.shutdown().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`agentstats: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/** Exit codes: 78 (EX_CONFIG) for a config problem, 1 for anything else. */
export function reportStartFailure(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`agentstats: configuration error:\n  ${error.message.split('\n').join('\n  ')}\n`);
    process.exit(78);
  }
  if (error instanceof ComponentError) {
    process.stderr.write(`agentstats: failed to start: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`agentstats: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
