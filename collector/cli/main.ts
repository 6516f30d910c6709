#!/usr/bin/env node
/**
 * `agentstats <command>` (npx agentstats, npm run agentstats -- <command>): reports in the terminal
 * and Claude Code's status line. Each command's module is imported only when it runs, so the
 * status line loads none of the reports' code.
 */
import { processIo, type CliIo } from './io.js';

interface Command {
  /** One line for `agentstats --help`. */
  summary: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

function report(name: string, summary: string): Command {
  return { summary, run: async (argv, io) => (await import('./report-command.js')).runReport(name, argv, io) };
}

/** Every command. To add one: a summary and a run() that imports its module lazily. */
export const COMMANDS: Record<string, Command> = {
  daily: report('daily', 'cost and tokens per day'),
  weekly: report('weekly', 'cost and tokens per week (--start-of-week)'),
  monthly: report('monthly', 'cost and tokens per month'),
  session: report('session', 'cost and tokens per session'),
  blocks: report('blocks', '5-hour billing blocks: cost, burn rate, projection'),
  budget: {
    summary: 'budgets: spent, limit and projection for the current period (docs/budgets.md)',
    run: async (argv, io) => (await import('./commands/budget.js')).runBudget(argv, io),
  },
  statusline: {
    summary: "Claude Code's status line (reads its JSON on stdin); --install adds it to settings.json",
    run: async (argv, io) => (await import('./statusline.js')).runStatusline(argv, io),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: agentstats <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nagentstats <command> --help lists a command's options. Reference: docs/cli.md\n`;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`agentstats: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    // Expected failures (no server and no database, a refused token, a bad config) are one line.
    const known = error instanceof Error && ['ServerDownError', 'ServerError', 'DatabaseUnavailableError', 'ConfigError'].includes(error.constructor.name);
    io.stderr(`agentstats ${name}: ${known ? (error).message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`agentstats: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
