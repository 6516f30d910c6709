/**
 * Benchmark options: every knob comes from a CLI flag (--name=value) or its AGENTSTATS_BENCH_*
 * variable; the flag wins. Bad values stop the run with a message naming the flag.
 */

export type Flags = Map<string, string>;

/** Parses `--name=value` and bare `--name` (value "1"); anything else is an error. */
export function parseFlags(argv: string[], known: readonly string[]): Flags {
  const flags: Flags = new Map();
  for (const arg of argv) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unexpected argument "${arg}" (flags look like --name=value)`);
    if (!known.includes(m[1])) throw new Error(`unknown flag --${m[1]} (known: ${known.map((k) => '--' + k).join(' ')})`);
    flags.set(m[1], m[2] ?? '1');
  }
  return flags;
}

export class OptionReader {
  constructor(
    private readonly flags: Flags,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {}

  private raw(flag: string, envName?: string): { value: string; from: string } | null {
    const fromFlag = this.flags.get(flag);
    if (fromFlag !== undefined) return { value: fromFlag, from: `--${flag}` };
    const fromEnv = envName ? this.env[envName] : undefined;
    if (fromEnv !== undefined && fromEnv.trim() !== '') return { value: fromEnv.trim(), from: envName! };
    return null;
  }

  int(flag: string, envName: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const r = this.raw(flag, envName);
    if (!r) return fallback;
    // Accept 5M / 200k shorthands: counts in benchmarks are often large.
    const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(r.value.replace(/_/g, ''));
    const value = m ? Math.round(Number(m[1]) * (m[2] ? (/k/i.test(m[2]) ? 1e3 : 1e6) : 1)) : NaN;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${r.from} must be an integer between ${min} and ${max}, got "${r.value}"`);
    }
    return value;
  }

  num(flag: string, envName: string | undefined, fallback: number, min: number, max: number): number {
    const r = this.raw(flag, envName);
    if (!r) return fallback;
    const value = Number(r.value);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new Error(`${r.from} must be a number between ${min} and ${max}, got "${r.value}"`);
    }
    return value;
  }

  choice<T extends string>(flag: string, envName: string | undefined, fallback: T, choices: readonly T[]): T {
    const r = this.raw(flag, envName);
    if (!r) return fallback;
    if (!choices.includes(r.value as T)) throw new Error(`${r.from} must be one of ${choices.join(', ')}, got "${r.value}"`);
    return r.value as T;
  }

  str(flag: string, envName?: string): string | null {
    return this.raw(flag, envName)?.value ?? null;
  }

  bool(flag: string): boolean {
    const v = this.flags.get(flag);
    return v !== undefined && !/^(0|false|no|off)$/i.test(v);
  }
}

/** Benchmarks only ever talk to this machine. */
export function assertLoopbackUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`not a URL: "${raw}"`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!(host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host))) {
    throw new Error(`benchmarks only target loopback addresses (127.0.0.1, ::1, localhost), got ${url.hostname}`);
  }
  if (url.protocol !== 'http:') throw new Error(`only http:// URLs are supported, got ${url.protocol}`);
  return url;
}
