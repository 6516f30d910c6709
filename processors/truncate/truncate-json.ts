/**
 * Cuts a JSON object down to a byte budget while keeping it valid JSON: long strings are shortened
 * first (largest first, by halving their cap), then deep values replaced, then trailing keys
 * dropped. Returns null when the object already fits.
 */

const MARK = '…[truncated]';

export function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

function capStrings(value: unknown, cap: number, depth: number): unknown {
  if (typeof value === 'string') return value.length > cap ? value.slice(0, cap) + MARK : value;
  if (depth > 8) return '[nested value removed]';
  if (Array.isArray(value)) return value.map((v) => capStrings(v, cap, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = capStrings(v, cap, depth + 1);
    return out;
  }
  return value;
}

export function truncateJson(
  metadata: Record<string, unknown>,
  maxBytes: number,
): Record<string, unknown> | null {
  const json = JSON.stringify(metadata);
  // UTF-8 takes at most 3 bytes per UTF-16 code unit: text this short fits without counting them.
  if (json.length * 3 <= maxBytes) return null;
  const size = Buffer.byteLength(json, 'utf8');
  if (size <= maxBytes) return null;

  // Halve the string cap until it fits or strings are already short.
  for (let cap = Math.max(256, Math.floor(maxBytes / 2)); cap >= 64; cap = Math.floor(cap / 2)) {
    const candidate = capStrings(metadata, cap, 0) as Record<string, unknown>;
    const fitted = { ...candidate, _truncated: { original_bytes: size } };
    if (byteLength(fitted) <= maxBytes) return fitted;
  }

  // Still too big (many keys or big arrays): keep whole top-level entries while they fit.
  const small = capStrings(metadata, 64, 0) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const dropped: string[] = [];
  let used = byteLength({ _truncated: { original_bytes: size, dropped_keys: 0 } }) + 2;
  for (const [key, value] of Object.entries(small)) {
    const entry = byteLength({ [key]: value });
    if (used + entry <= maxBytes) {
      out[key] = value;
      used += entry;
    } else {
      dropped.push(key);
    }
  }
  out._truncated = { original_bytes: size, dropped_keys: dropped.length };
  return out;
}
