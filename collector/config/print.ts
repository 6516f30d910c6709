/**
 * `--print-config`: the effective config as JSONC, each value followed by where it came from.
 * Secrets (the token, header values) are shown as "<set>".
 */
import type { ConfigSource } from './types.js';

const SECRET_KEYS = /(^|\.)(token|secret|headers\.[^.]+|password|api_key)$/;

function describeSource(source: ConfigSource): string {
  switch (source.kind) {
    case 'env':
      return `env ${source.variable}`;
    case 'flag':
      return `flag ${source.flag}`;
    case 'file':
      return `file ${source.file}`;
    default:
      return 'default';
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function printConfig(config: Record<string, unknown>, sources: Map<string, ConfigSource>, header: string): string {
  const lines: string[] = [`// ${header}`];
  const walk = (obj: Record<string, unknown>, prefix: string, indent: string) => {
    const entries = Object.entries(obj);
    entries.forEach(([key, value], i) => {
      const keyPath = prefix ? `${prefix}.${key}` : key;
      const comma = i < entries.length - 1 ? ',' : '';
      if (isPlainObject(value) && Object.keys(value).length > 0) {
        lines.push(`${indent}${JSON.stringify(key)}: {`);
        walk(value, keyPath, indent + '  ');
        lines.push(`${indent}}${comma}`);
        return;
      }
      const shown = SECRET_KEYS.test(keyPath) && value !== null && value !== undefined ? '"<set>"' : JSON.stringify(value ?? null);
      // Exactly this key's source: a default filled into an entry the file names is still a default.
      lines.push(`${indent}${JSON.stringify(key)}: ${shown}${comma}  // ${describeSource(sources.get(keyPath) ?? { kind: 'default' })}`);
    });
  };
  lines.push('{');
  walk(config, '', '  ');
  lines.push('}');
  return lines.join('\n') + '\n';
}
